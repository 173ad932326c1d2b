//! The words of every report and terminal summary, one catalogue per language. Nothing below the
//! views knows a language; the views ask the catalogues for every word they show.

use serde::{Deserialize, Serialize};

/// Report language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    En,
    Ko,
}
