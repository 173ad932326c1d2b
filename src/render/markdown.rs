//! A writer (the top of the pipeline): Markdown, the document's blocks in the source report's shape
//! (headings, bold verdicts, `---` rules, pipe tables), charts as images of the `.svg` files
//! written beside it.

use std::fmt::Write as _;

use super::Exporter;
use super::charts::{self, Chart};
use crate::record::Report;
use crate::text::{Lang, Text};
use crate::view::{self, Block, Document, Inline, Item, Span, Table};

/// The markdown writer, as [`super::Format`] knows it.
pub const WRITER: super::Writer = super::Writer {
    file_name: "report.md",
    charts: true,
    build: |o| Box::new(Markdown { lang: o.lang, charts: o.in_folder }),
};

pub struct Markdown {
    pub lang: Lang,
    /// Link the chart files (`io-time.svg`, ...) written beside the report.
    pub charts: bool,
}

impl Exporter for Markdown {
    fn render(&self, report: &Report) -> anyhow::Result<Vec<u8>> {
        let text = Text::new(self.lang);
        let charts = if self.charts { charts::all(report, &text)? } else { Vec::new() };
        Ok(write(&view::report(report, &text), &charts).into_bytes())
    }
}

/// The Markdown of a document; a chart reference shows when `charts` has it.
pub fn write(doc: &Document, charts: &[Chart]) -> String {
    let blocks: Vec<String> = doc.visible(false).filter_map(|b| block(b, charts)).collect();
    blocks.join("\n")
}

/// Inline text with its emphasis as Markdown.
pub fn inline(text: &Inline) -> String {
    text.0
        .iter()
        .map(|span| match span {
            Span::Plain(s) => s.clone(),
            Span::Strong(s) => format!("**{s}**"),
            Span::Code(s) => format!("`{s}`"),
            Span::Emph(s) => format!("*{s}*"),
        })
        .collect()
}

fn item(out: &mut String, item: &Item) {
    let _ = writeln!(out, "- {}", inline(&item.text));
    for more in &item.more {
        let _ = writeln!(out, "  {}", inline(more));
    }
    for sub in &item.sub {
        let _ = writeln!(out, "  - {}", inline(sub));
    }
}

fn table(out: &mut String, table: &Table) {
    let (headers, rows) = table.visible(false);
    let _ = writeln!(out, "| {} |", headers.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(headers.len()));
    for row in rows {
        let cells: Vec<String> = row.into_iter().map(inline).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
}

/// A block's lines; `None` for a chart without data.
fn block(block: &Block, charts: &[Chart]) -> Option<String> {
    let mut out = String::new();
    match block {
        Block::Heading { level, text } => {
            let _ = writeln!(out, "{} {}", "#".repeat(*level as usize), inline(text));
        }
        Block::Banner(text) | Block::Paragraph(text) => {
            let _ = writeln!(out, "{}", inline(text));
        }
        Block::Facts(facts) => {
            for (label, value) in facts {
                let _ = writeln!(out, "- **{label}:** {}", inline(value));
            }
        }
        Block::Bullets(items) => items.iter().for_each(|i| item(&mut out, i)),
        Block::Table(t) => table(&mut out, t),
        Block::Verdict { lines, .. } => {
            for l in lines {
                let _ = writeln!(out, "{}", inline(l));
            }
        }
        Block::Rule => out.push_str("---\n"),
        Block::Code { lines, caption } => {
            let _ = writeln!(out, "```\n{}\n```", lines.join("\n"));
            if let Some(c) = caption {
                let _ = writeln!(out, "{}", inline(c));
            }
        }
        Block::Chart(chart) => {
            charts.iter().find(|c| c.id == chart.id)?;
            let _ = writeln!(out, "![{}]({}.svg)", chart.title, chart.id);
        }
        Block::Quote(text) => {
            let _ = writeln!(out, "> {}", inline(text));
        }
        Block::Note(text) => {
            let _ = writeln!(out, "_{}_", inline(text));
        }
    }
    Some(out)
}
