//! Views: each section of the report built once, as plain data ([`Document`]), from analysis,
//! records and the text catalogues. The writers in `render` turn a document into terminal text,
//! Markdown and HTML, so what the terminal shows and what the report says cannot drift. Views never
//! import models, the server, workloads, the runner, the plan or the CLI.

mod common;
pub mod compare;
mod cpu;
mod doc;
mod io;
pub mod lang;
mod scale;

pub use doc::{Align, Block, ChartRef, Column, Document, Inline, Item, Row, Show, Span, Table};

use crate::analysis::busy;
use crate::record::{Experiment, Report};
use crate::text::Lang;
use lang::words;

/// The whole report: a warning when it is incomplete or the machine was busy, every experiment's
/// sections, then the environment.
pub fn report(report: &Report, lang: Lang) -> Document {
    let w = words(lang);
    let cores = report.environment.cores_granted;
    let mut doc = Document::default();
    if !report.complete {
        doc.push(Show::Both, Block::Banner(Inline::markup(w.incomplete())));
    }
    if let Some(load) = busy(report) {
        doc.push(Show::Both, Block::Banner(Inline::markup(w.busy_warning(load, cores))));
    }
    for (i, experiment) in report.experiments.iter().enumerate() {
        if i > 0 {
            doc.term(Block::Rule);
        }
        match experiment {
            Experiment::Io(e) => io::push(&mut doc, w, e),
            Experiment::Scale(e) => scale::push(&mut doc, w, e, cores),
            Experiment::Cpu(e) => cpu::push(&mut doc, w, e, cores),
        }
        common::document_tail(&mut doc, w, experiment);
    }
    common::environment(&mut doc, w, report);
    doc
}

/// The charts a report has, in order (the document shows those with data).
pub fn charts(report: &Report, lang: Lang) -> Vec<ChartRef> {
    report.experiments.iter().flat_map(|e| common::charts(words(lang), e)).collect()
}
