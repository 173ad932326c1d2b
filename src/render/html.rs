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
                // Every table scrolls sideways inside its own box; the page never does.
                Event::Start(Tag::Table(_)) => {
                    events.push(Event::Html("<div class=\"table-scroll\">\n".into()));
                    events.push(event);
                }
                Event::End(TagEnd::Table) => {
                    events.push(event);
                    events.push(Event::Html("</div>\n".into()));
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
