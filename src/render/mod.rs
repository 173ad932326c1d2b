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

/// What a writer is: its file in a report folder, whether it shows charts (then the folder also
/// gets them as `.svg` files), and how to build it. Each writer's file declares its own.
pub struct Writer {
    pub file_name: &'static str,
    pub charts: bool,
    pub build: fn(&Options) -> Box<dyn Exporter>,
}

/// How a writer is asked to write.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub lang: Lang,
    /// ANSI bold headings (the terminal summary on a terminal).
    pub color: bool,
    /// The report sits in a folder beside its chart files (Markdown links them).
    pub in_folder: bool,
}

impl Format {
    /// Its writer: the one place formats meet their files.
    pub fn writer(self) -> &'static Writer {
        match self {
            Format::Text => &terminal::WRITER,
            Format::Md => &markdown::WRITER,
            Format::Html => &html::WRITER,
            Format::Json => &json::WRITER,
            Format::Csv => &csv::WRITER,
        }
    }

    /// File name in an output folder.
    pub fn file_name(self) -> &'static str {
        self.writer().file_name
    }

    /// Whether the format shows charts (then the folder also gets them as `.svg` files).
    pub fn has_charts(self) -> bool {
        self.writer().charts
    }
}

/// Renders a report into bytes; the caller decides where they go.
pub trait Exporter {
    fn render(&self, report: &Report) -> anyhow::Result<Vec<u8>>;
}

/// The exporter of a format, for a report folder: Markdown links the chart files written beside it.
pub fn folder_exporter(format: Format, lang: Lang) -> Box<dyn Exporter> {
    (format.writer().build)(&Options { lang, color: false, in_folder: true })
}

/// The exporter of a format.
pub fn exporter(format: Format, lang: Lang, color: bool) -> Box<dyn Exporter> {
    (format.writer().build)(&Options { lang, color, in_folder: false })
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
