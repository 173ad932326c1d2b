//! Views: each section of the report built once, as plain data ([`Document`]), from analysis,
//! records and the text catalogues. The writers in `render` turn a document into terminal text,
//! Markdown and HTML, so what the terminal shows and what the report says cannot drift. Views never
//! import models, the server, workloads, the runner, the plan or the CLI.

mod common;
pub mod compare;
mod cpu;
mod doc;
mod io;
mod locks;
mod open;
mod python;
mod rates;
mod scale;
mod segments;
mod task;
pub mod words;

pub use common::{CHARTS, chart, scale_chart};
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
use crate::text::{Arg, Text};
use doc::bullets;
use words::led;

/// Warnings that the machine was busy: from what other processes were measured doing (before the
/// first run, during the runs); for a report that did not measure it, from the load average.
fn busy_banners(t: &Text, report: &Report) -> Vec<Inline> {
    if report.segments.as_ref().is_some_and(|s| s.merged) {
        // A merge judges no machine (the segments section says why): not from its runs' windows,
        // which overlap, nor from a load average that counts the other segments.
        return Vec::new();
    }
    let q = crate::analysis::machine::quiet(report);
    let granted = ("granted", Arg::from(report.environment.cores_granted));
    let cores = |c: f64| Arg::from(format!("{c:.2}"));
    if q.before.is_none() && q.runs_measured == 0 {
        let Some(load) = busy(report) else { return Vec::new() };
        let args = [("load", format!("{load:.2}").into()), ("cores", report.environment.cores_granted.into())];
        return vec![led(t, "busy", &args)];
    }
    let mut banners = Vec::new();
    if let (true, Some(before)) = (q.busy_before, q.before) {
        banners.push(led(t, "busy-before", &[("cores", cores(before)), granted.clone()]));
    }
    if !q.busy_runs.is_empty() {
        let most = q.busy_runs.iter().map(|r| r.cores).fold(0.0, f64::max);
        let args = [("n", q.busy_runs.len().into()), ("runs", q.runs_measured.into()), ("cores", cores(most)), granted];
        banners.push(led(t, "busy-during", &args));
    }
    banners
}

/// The whole report: a warning when it is incomplete or the machine was busy, every experiment's
/// sections, then the environment.
pub fn report(report: &Report, t: &Text) -> Document {
    let cores = report.environment.cores_granted;
    let mut doc = Document::default();
    if !report.complete {
        doc.push(Show::Both, Block::Banner(led(t, "incomplete", &[])));
    }
    for banner in busy_banners(t, report) {
        doc.push(Show::Both, Block::Banner(banner));
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
            Experiment::Io(e) => match &e.settings.task {
                Some(task) => task::push(&mut doc, t, e, task, &report.environment),
                None => io::push(&mut doc, t, e),
            },
            Experiment::Scale(e) => scale::push(&mut doc, t, e, cores),
            Experiment::Cpu(e) => cpu::push(&mut doc, t, e, &report.environment),
            Experiment::Rates(e) => rates::push(&mut doc, t, e),
        }
        common::document_tail(&mut doc, t, experiment, &report.environment);
        let skipped = experiment.python().map(|p| python::skipped(t, p)).unwrap_or_default();
        if !skipped.is_empty() {
            doc.term(bullets(skipped));
        }
    }
    segments::push(&mut doc, t, report);
    common::environment(&mut doc, t, report);
    doc
}
