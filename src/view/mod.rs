//! Views: each section of the report built once, as plain data ([`Document`]), from analysis,
//! records and the text catalogues. The writers in `render` turn a document into terminal text,
//! Markdown and HTML, so what the terminal shows and what the report says cannot drift. Views never
//! import models, the server, workloads, the runner, the plan or the CLI.

mod common;
pub mod compare;
mod cpu;
mod doc;
mod io;
mod open;
mod rates;
mod scale;
mod segments;
pub mod words;

pub use common::{CHARTS, chart};
pub use doc::{Align, Block, ChartRef, Column, Document, Inline, Item, Row, Show, Span, Table};

/// Every chart id a report can have.
pub const CHART_IDS: [&str; CHARTS.len()] = {
    let mut ids = [""; CHARTS.len()];
    let mut i = 0;
    while i < CHARTS.len() {
        ids[i] = CHARTS[i].0;
        i += 1;
    }
    ids
};

use crate::analysis::busy;
use crate::record::{Experiment, Report};
use crate::text::Text;
use words::led;

/// The whole report: a warning when it is incomplete or the machine was busy, every experiment's
/// sections, then the environment.
pub fn report(report: &Report, t: &Text) -> Document {
    let cores = report.environment.cores_granted;
    let mut doc = Document::default();
    if !report.complete {
        doc.push(Show::Both, Block::Banner(led(t, "incomplete", &[])));
    }
    if let Some(load) = busy(report) {
        let args = [("load", format!("{load:.2}").into()), ("cores", cores.into())];
        doc.push(Show::Both, Block::Banner(led(t, "busy", &args)));
    }
    let mismatched = crate::analysis::integrity::report_findings(report).len();
    if mismatched > 0 {
        doc.push(Show::Both, Block::Banner(t.msg("integrity-banner", &[("n", mismatched.into())]).into()));
    }
    let refused = crate::analysis::integrity::resets_refused(report);
    if refused > 0 {
        doc.push(Show::Both, Block::Banner(t.msg("integrity-resets-refused", &[("n", refused.into())]).into()));
    }
    for (i, experiment) in report.experiments.iter().enumerate() {
        if i > 0 {
            doc.term(Block::Rule);
        }
        match experiment {
            Experiment::Io(e) => io::push(&mut doc, t, e),
            Experiment::Scale(e) => scale::push(&mut doc, t, e, cores),
            Experiment::Cpu(e) => cpu::push(&mut doc, t, e, cores),
            Experiment::Rates(e) => rates::push(&mut doc, t, e),
        }
        common::document_tail(&mut doc, t, experiment);
    }
    segments::push(&mut doc, t, report);
    common::environment(&mut doc, t, report);
    doc
}
