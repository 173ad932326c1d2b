//! The text catalogues: every user-facing word of the terminal summary, the reports, the charts
//! and `compare`, one Fluent file per language (`en.ftl`, `ko.ftl`), embedded in the binary. Nothing
//! below the views knows a language; the views ask [`Text`] for every word they show. The
//! catalogues hold words only: numbers come formatted by the caller, and emphasis is the views'
//! (a message names the pieces shown strong as attributes or variables, never as markup).
//!
//! It depends on nothing else of the crate.

use std::borrow::Cow;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use serde::{Deserialize, Serialize};

/// Report language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    En,
    Ko,
}

impl Lang {
    /// Every language, each with its catalogue.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ko];

    /// Its BCP 47 code (`en`, `ko`), as HTML's `lang` wants it.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ko => "ko",
        }
    }

    /// Its catalogue, in Fluent syntax.
    pub fn catalogue(self) -> &'static str {
        match self {
            Lang::En => include_str!("en.ftl"),
            Lang::Ko => include_str!("ko.ftl"),
        }
    }
}

/// A message argument: text (figures come formatted), or a number a selector reads (counts, for
/// plural forms; shown as an integer).
#[derive(Debug, Clone, PartialEq)]
pub enum Arg<'a> {
    Text(Cow<'a, str>),
    Number(f64),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(s: &'a str) -> Self {
        Arg::Text(Cow::Borrowed(s))
    }
}

impl From<String> for Arg<'_> {
    fn from(s: String) -> Self {
        Arg::Text(Cow::Owned(s))
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(s: &'a String) -> Self {
        Arg::Text(Cow::Borrowed(s))
    }
}

macro_rules! count_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg<'_> {
            fn from(n: $t) -> Self {
                Arg::Number(n as f64)
            }
        }
    )*};
}
count_arg!(usize, u64, u32, i64);

type Bundle = FluentBundle<FluentResource>;

fn bundle(lang: Lang) -> &'static Bundle {
    static BUNDLES: OnceLock<Vec<Bundle>> = OnceLock::new();
    let all = BUNDLES.get_or_init(|| Lang::ALL.iter().map(|&l| load(l)).collect());
    &all[Lang::ALL.iter().position(|&l| l == lang).unwrap_or(0)]
}

/// A language's catalogue as a bundle. Its syntax and its keys are checked by the tests, so a
/// broken catalogue never ships; what fails to parse is left out rather than stopping the tool.
fn load(lang: Lang) -> Bundle {
    let resource = FluentResource::try_new(lang.catalogue().to_string()).unwrap_or_else(|(partial, _)| partial);
    let id = lang.code().parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // No bidi isolation marks (U+2068, U+2069) around arguments: the output is plain text.
    bundle.set_use_isolating(false);
    let _ = bundle.add_resource(resource);
    bundle
}

static MISSES: AtomicUsize = AtomicUsize::new(0);

/// How many times a message, attribute or argument was missing since the program started (tests
/// render everything and expect none).
pub fn misses() -> usize {
    MISSES.load(Ordering::Relaxed)
}

/// The words of one language.
#[derive(Clone, Copy)]
pub struct Text {
    lang: Lang,
    bundle: &'static Bundle,
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Text").field("lang", &self.lang).finish()
    }
}

impl Text {
    pub fn new(lang: Lang) -> Self {
        Text { lang, bundle: bundle(lang) }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// A message without arguments.
    pub fn get(&self, id: &str) -> String {
        self.msg(id, &[])
    }

    /// A message with its arguments; a missing message shows as its id.
    pub fn msg(&self, id: &str, args: &[(&str, Arg)]) -> String {
        self.format(id, None, args)
    }

    /// An attribute of a message (`id.attr`) with its arguments; a missing one shows as its id.
    pub fn attr(&self, id: &str, attr: &str, args: &[(&str, Arg)]) -> String {
        self.format(id, Some(attr), args)
    }

    fn format(&self, id: &str, attr: Option<&str>, args: &[(&str, Arg)]) -> String {
        let message = self.bundle.get_message(id);
        let pattern = match attr {
            None => message.and_then(|m| m.value()),
            Some(a) => message.and_then(|m| m.get_attribute(a)).map(|a| a.value()),
        };
        let Some(pattern) = pattern else {
            MISSES.fetch_add(1, Ordering::Relaxed);
            return attr.map_or(id.to_string(), |a| format!("{id}.{a}"));
        };
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            let value = match value {
                Arg::Text(s) => FluentValue::from(s.to_string()),
                Arg::Number(n) => FluentValue::from(*n),
            };
            fluent_args.set(*name, value);
        }
        let mut errors = Vec::new();
        let text = self.bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
        if !errors.is_empty() {
            MISSES.fetch_add(1, Ordering::Relaxed);
        }
        text.into_owned()
    }
}

#[cfg(test)]
mod keys;
