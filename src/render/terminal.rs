//! A writer (the top of the pipeline): the terminal summary, the document's terminal blocks as
//! aligned plain text; a headline in bold when the output is a terminal.

use std::fmt::Write as _;

use unicode_width::UnicodeWidthStr;

use super::Exporter;
use crate::record::Report;
use crate::text::{Lang, Text};
use crate::view::{self, Align, Block, Document, Inline, Table};

/// The terminal writer, as [`super::Format`] knows it.
pub const WRITER: super::Writer = super::Writer {
    file_name: "summary.txt",
    charts: false,
    build: |o| Box::new(Terminal { lang: o.lang, color: o.color }),
};

pub struct Terminal {
    pub lang: Lang,
    /// Bold headings (ANSI); off when not a terminal or `NO_COLOR` is set.
    pub color: bool,
}

impl Exporter for Terminal {
    fn render(&self, report: &Report) -> anyhow::Result<Vec<u8>> {
        Ok(write(&view::report(report, &Text::new(self.lang)), self.color).into_bytes())
    }
}

/// The terminal text of a document.
pub fn write(doc: &Document, color: bool) -> String {
    let mut out = String::new();
    for block in doc.visible(true) {
        block_text(&mut out, block, color);
    }
    out
}

fn line(out: &mut String, text: &Inline) {
    let _ = writeln!(out, "  {}", text.plain_text());
}

fn block_text(out: &mut String, block: &Block, color: bool) {
    match block {
        Block::Heading { text, .. } => {
            let text = text.plain_text();
            let text = if color { format!("\x1b[1m{text}\x1b[0m") } else { text };
            let _ = writeln!(out, "{text}\n");
        }
        Block::Banner(text) => {
            let _ = writeln!(out, "{}\n", text.plain_text());
        }
        Block::Facts(facts) => {
            for (label, value) in facts {
                let _ = writeln!(out, "  {label}: {}", value.plain_text());
            }
        }
        Block::Paragraph(text) | Block::Quote(text) | Block::Note(text) => line(out, text),
        Block::Bullets(items) => {
            for item in items {
                line(out, &item.text);
                for more in item.more.iter().chain(&item.sub) {
                    line(out, &Inline::plain("  ").then(more.clone()));
                }
            }
        }
        Block::Table(table) => out.push_str(&aligned(table)),
        Block::Verdict { tag, lines } => {
            let pad = " ".repeat(tag.chars().count());
            for (i, text) in lines.iter().enumerate() {
                let _ = writeln!(out, "  {} {}", if i == 0 { tag } else { &pad }, text.plain_text());
            }
        }
        Block::Rule => out.push('\n'),
        Block::Code { lines, caption } => {
            for l in lines {
                let _ = writeln!(out, "  {l}");
            }
            if let Some(c) = caption {
                line(out, c);
            }
        }
        Block::Chart(_) => {}
    }
}

/// A table's terminal columns, aligned by display width: each column as its alignment says, two
/// spaces apart.
fn aligned(table: &Table) -> String {
    let (headers, rows) = table.visible(true);
    let aligns = table.aligns(true);
    let mut all: Vec<Vec<String>> = vec![headers.iter().map(|h| h.to_string()).collect()];
    all.extend(rows.iter().map(|r| r.iter().map(|c| c.plain_text()).collect()));
    // Columns on a terminal: Hangul and other wide characters take two.
    let width = |s: &str| s.width();
    let widths: Vec<usize> =
        (0..headers.len()).map(|i| all.iter().filter_map(|r| r.get(i)).map(|c| width(c)).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for row in &all {
        let mut line = String::from("  ");
        for (i, cell) in row.iter().enumerate() {
            let pad = " ".repeat(widths[i].saturating_sub(width(cell)));
            if i > 0 {
                line.push_str("  ");
            }
            match aligns[i] {
                Align::Left => line.push_str(&format!("{cell}{pad}")),
                Align::Right => line.push_str(&format!("{pad}{cell}")),
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
