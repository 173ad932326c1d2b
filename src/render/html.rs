//! A writer (the top of the pipeline): HTML, one self-contained file (no script, no network, charts
//! inline as SVG), readable on a phone. The body is the document's Markdown turned into HTML with
//! pulldown-cmark; each chart reference becomes the chart itself, and each table sits in a box that
//! scrolls sideways.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};

use super::Exporter;
use super::{charts, markdown};
use crate::record::Report;
use crate::text::{Lang, Text};
use crate::view;

const TEMPLATE: &str = include_str!("template.html");

/// Tables wider than this are split in two for the page (the Markdown keeps them whole).
const MAX_COLUMNS: usize = 9;

/// A table read from the Markdown's events: its alignments, header cells and rows of cells, each
/// cell the events inside it.
struct Table<'a> {
    aligns: Vec<pulldown_cmark::Alignment>,
    head: Vec<Vec<Event<'a>>>,
    rows: Vec<Vec<Vec<Event<'a>>>>,
}

impl<'a> Table<'a> {
    /// Reads the rest of a table (its start already read) from `events`.
    fn read(aligns: Vec<pulldown_cmark::Alignment>, events: &mut impl Iterator<Item = Event<'a>>) -> Self {
        let mut table = Table { aligns, head: Vec::new(), rows: Vec::new() };
        let (mut in_head, mut cell): (bool, Option<Vec<Event>>) = (false, None);
        for event in events.by_ref() {
            match event {
                Event::End(TagEnd::Table) => break,
                Event::Start(Tag::TableHead) => in_head = true,
                Event::End(TagEnd::TableHead) => in_head = false,
                Event::Start(Tag::TableRow) => table.rows.push(Vec::new()),
                Event::End(TagEnd::TableRow) => {}
                Event::Start(Tag::TableCell) => cell = Some(Vec::new()),
                Event::End(TagEnd::TableCell) => {
                    let done = cell.take().unwrap_or_default();
                    match (in_head, table.rows.last_mut()) {
                        (true, _) | (false, None) => table.head.push(done),
                        (false, Some(row)) => row.push(done),
                    }
                }
                other => cell.get_or_insert_with(Vec::new).push(other),
            }
        }
        table
    }

    /// The table, or two when it has more than `max` columns: the first column and the first
    /// half of the others, then the first column and the rest.
    fn split(self, max: usize) -> Vec<Table<'a>> {
        let n = self.aligns.len();
        if n <= max {
            return vec![self];
        }
        let cut = 1 + (n - 1).div_ceil(2);
        let part = |cols: Vec<usize>| Table {
            aligns: cols.iter().map(|&c| self.aligns[c]).collect(),
            head: cols.iter().filter_map(|&c| self.head.get(c).cloned()).collect(),
            rows: self.rows.iter().map(|r| cols.iter().filter_map(|&c| r.get(c).cloned()).collect()).collect(),
        };
        vec![part((0..cut).collect()), part(std::iter::once(0).chain(cut..n).collect())]
    }

    fn write(self, out: &mut Vec<Event<'a>>) {
        out.push(Event::Start(Tag::Table(self.aligns)));
        out.push(Event::Start(Tag::TableHead));
        for cell in self.head {
            out.push(Event::Start(Tag::TableCell));
            out.extend(cell);
            out.push(Event::End(TagEnd::TableCell));
        }
        out.push(Event::End(TagEnd::TableHead));
        for row in self.rows {
            out.push(Event::Start(Tag::TableRow));
            for cell in row {
                out.push(Event::Start(Tag::TableCell));
                out.extend(cell);
                out.push(Event::End(TagEnd::TableCell));
            }
            out.push(Event::End(TagEnd::TableRow));
        }
        out.push(Event::End(TagEnd::Table));
    }
}

/// The html writer, as [`super::Format`] knows it.
pub const WRITER: super::Writer =
    super::Writer { file_name: "report.html", charts: true, build: |o| Box::new(Html { lang: o.lang }) };

pub struct Html {
    pub lang: Lang,
}

/// Escapes text for HTML.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    pulldown_cmark_escape::escape_html(&mut out, s).expect("writing to a String");
    out
}

impl Exporter for Html {
    fn render(&self, report: &Report) -> anyhow::Result<Vec<u8>> {
        let t = Text::new(self.lang);
        let charts = charts::all(report, &t)?;
        let markdown = markdown::write(&view::report(report, &t), &charts);
        let mut events = Vec::new();
        let mut parser = Parser::new_ext(&markdown, Options::ENABLE_TABLES);
        while let Some(event) = parser.next() {
            match event {
                Event::Start(Tag::Image { dest_url, .. }) => {
                    // Skip the alt text up to the end of the image; put the chart in its place.
                    for e in parser.by_ref() {
                        if matches!(e, Event::End(TagEnd::Image)) {
                            break;
                        }
                    }
                    let figure = match charts.iter().find(|c| c.file_name() == dest_url.as_ref()) {
                        Some(c) => format!(
                            "<figure class=\"chart\" id=\"{}\">{}<figcaption>{}</figcaption></figure>",
                            c.id,
                            c.svg,
                            escape(&c.title)
                        ),
                        None => String::new(),
                    };
                    events.push(Event::Html(figure.into()));
                }
                // Every table scrolls sideways inside its own box; the page never does. A wide one
                // is split in two, each keeping the first column, so a desktop window shows every
                // column without scrolling.
                Event::Start(Tag::Table(aligns)) => {
                    let table = Table::read(aligns, &mut parser);
                    for part in table.split(MAX_COLUMNS) {
                        events.push(Event::Html("<div class=\"table-scroll\">\n".into()));
                        part.write(&mut events);
                        events.push(Event::Html("</div>\n".into()));
                    }
                }
                other => events.push(other),
            }
        }
        let mut body = String::new();
        html::push_html(&mut body, events.into_iter());
        let (title, subtitle) = (t.get("html-title"), t.get("html-subtitle"));
        let footer = format!(
            "concbench {} · {} · {}",
            report.tool.version,
            report.started_at,
            report.environment.cpu_model.as_deref().unwrap_or("")
        );
        let page = TEMPLATE
            .replace("{{lang}}", self.lang.code())
            .replace("{{version}}", &escape(&report.tool.version))
            .replace("{{title}}", &escape(&title))
            .replace("{{subtitle}}", &escape(&subtitle))
            .replace("{{footer}}", &escape(&footer))
            .replace("{{body}}", &body);
        Ok(page.into_bytes())
    }
}
