//! The writers: the top of the pipeline. Terminal text, Markdown and HTML write the views'
//! documents; JSON and CSV write the records; `charts` draws the SVG charts. One file per format;
//! [`Format`] names them and [`exporter`] builds the one a caller asks for.
//!
//! A report holds only measured figures and the settings that produced them; verdicts and ratios
//! are derived at render time by `analysis`, so a saved `results.json` re-renders identically.

pub mod charts;
pub mod csv;
pub mod html;
pub mod json;
pub mod markdown;
pub mod terminal;

use serde::{Deserialize, Serialize};

use crate::compare::Comparison;
use crate::record::Report;
use crate::text::Lang;
use crate::view;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize, Deserialize)]
pub enum Format {
    /// A readable summary for the terminal.
    Text,
    /// The report in Markdown, shaped like the source report.
    Md,
    /// One self-contained HTML page with the charts inline.
    Html,
    /// Every raw figure, with units in field names.
    Json,
    /// One row per run.
    Csv,
}

impl Format {
    /// File name in an output folder.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Text => "summary.txt",
            Format::Md => "report.md",
            Format::Html => "report.html",
            Format::Json => "results.json",
            Format::Csv => "results.csv",
        }
    }

    /// Whether the format shows charts (then the folder also gets them as `.svg` files).
    pub fn has_charts(self) -> bool {
        matches!(self, Format::Md | Format::Html)
    }
}

/// Renders a report into bytes; the caller decides where they go.
pub trait Exporter {
    fn render(&self, report: &Report) -> anyhow::Result<Vec<u8>>;
}

/// The exporter of a format, for a report folder: Markdown links the chart files written beside it.
pub fn folder_exporter(format: Format, lang: Lang) -> Box<dyn Exporter> {
    match format {
        Format::Md => Box::new(markdown::Markdown { lang, charts: true }),
        other => exporter(other, lang, false),
    }
}

/// The exporter of a format.
pub fn exporter(format: Format, lang: Lang, color: bool) -> Box<dyn Exporter> {
    match format {
        Format::Text => Box::new(terminal::Terminal { lang, color }),
        Format::Md => Box::new(markdown::Markdown { lang, charts: false }),
        Format::Html => Box::new(html::Html { lang }),
        Format::Json => Box::new(json::Json),
        Format::Csv => Box::new(csv::Csv),
    }
}

/// Output of `compare`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CompareFormat {
    /// An aligned table for the terminal.
    Text,
    /// A Markdown table.
    Md,
}

/// A comparison of two results, as text or Markdown.
pub fn comparison(c: &Comparison, format: CompareFormat, lang: Lang) -> String {
    let doc = view::compare::document(c, &crate::text::Text::new(lang));
    match format {
        CompareFormat::Text => terminal::write(&doc, false),
        CompareFormat::Md => markdown::write(&doc, &[]),
    }
}
