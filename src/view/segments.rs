//! A view (between analysis and the writers): a split run's segments. In a merged report, how the
//! merge was made, each segment (its host, how it was chosen, its start against the aligned
//! start, its wall time), and per model the spread of the segments' times with the straggler
//! named, and for the CPU job what all the segments' workers made of all their cores. In one
//! segment's own report, a note that it is a share.

use super::common::{NONE, col, or_none, row, table};
use super::doc::{Block, Document, Inline, Item, Show, Table};
use super::words::secs;
use crate::analysis::segments::{SegmentRow, SegmentsAnalysis, Spread};
use crate::record::{Experiment, Report};
use crate::text::Text;
use crate::units::fmt_ms_us;

/// Above the straggler cost a slow segment is pointed out.
const STRAGGLER_NOTED: f64 = 1.25;

/// The segments section of a merged report, or the note of a segment's own.
pub fn push(doc: &mut Document, t: &Text, report: &Report) {
    if let Some(a) = crate::analysis::segments::analyse(report) {
        merged(doc, t, report, &a);
    } else if let Some(me) = report.segments.as_ref().and_then(|s| s.parts.first()) {
        let args = [
            ("index", me.index.into()),
            ("count", me.count.into()),
            ("plan", me.plan_hash.as_str().into()),
            ("source", me.source.as_str().into()),
            ("host", me.host.as_str().into()),
        ];
        doc.push(Show::Both, Block::Note(t.msg("segments-own", &args).into()));
    }
}

fn merged(doc: &mut Document, t: &Text, report: &Report, a: &SegmentsAnalysis) {
    let plan = a.rows.first().map_or("", |r| r.info.plan_hash.as_str());
    doc.heading(1, t.msg("segments-title", &[("n", a.rows.len().into())]));
    doc.term(Block::Rule);
    doc.term(Block::Paragraph(t.msg("segments-title", &[("n", a.rows.len().into())]).into()));
    doc.doc(Block::Paragraph(t.msg("segments-reading", &[("plan", plan.into())]).into()));
    let start = a.start_at_unix_ns.map_or_else(
        || t.get("segments-start-none"),
        |ns| humantime::format_rfc3339_millis(std::time::UNIX_EPOCH + std::time::Duration::from_nanos(ns)).to_string(),
    );
    let facts = vec![
        (t.get("segments-plan"), Inline::code(plan)),
        (t.get("segments-count"), a.rows.len().to_string().into()),
        (t.get("segments-hosts"), a.hosts.to_string().into()),
        (t.get("segments-start-at"), start.into()),
        (t.get("segments-start-spread"), or_none(a.start_spread, |d| fmt_ms_us(d.as_secs_f64() * 1e6))),
    ];
    doc.push(Show::Both, Block::Facts(facts));
    doc.push(Show::Both, Block::Note(t.get("segments-clocks").into()));
    doc.push(Show::Both, Block::Note(t.get("segments-busy").into()));
    if a.hosts < a.rows.len() {
        let args = [("segments", a.rows.len().into()), ("hosts", a.hosts.into())];
        doc.push(Show::Both, Block::Note(t.msg("segments-shared-hosts", &args).into()));
    }
    doc.push(Show::Both, Block::Table(segments_table(t, &a.rows)));
    if let Some(shared) = crate::analysis::segments::shared_server(report) {
        let args = [("server", shared.server_requests.into()), ("tries", shared.tries.into())];
        let id = if shared.agrees() { "segments-server-agrees" } else { "segments-server-disagrees" };
        doc.push(Show::Both, Block::Paragraph(t.msg(id, &args).into()));
    }
    doc.heading(2, t.get("segments-spread-title"));
    doc.push(Show::Both, Block::Table(spread_table(t, report, &a.spreads)));
    let lines: Vec<Item> = a.spreads.iter().filter_map(|s| straggler_line(t, a, s)).map(Item::from).collect();
    doc.push(Show::Both, Block::Bullets(lines));
}

fn segments_table(t: &Text, rows: &[SegmentRow]) -> Table {
    let h = |id: &str| t.get(id);
    let columns = vec![
        col(h("segments-col-segment"), h("segments-col-segment"), |r: &SegmentRow| {
            format!("{}/{}", r.info.index, r.info.count).into()
        }),
        col(h("segments-col-host"), h("segments-col-host"), |r: &SegmentRow| Inline::code(r.info.host.clone())),
        col(h("segments-col-source"), h("segments-col-source"), |r: &SegmentRow| r.info.source.clone().into()),
        col(h("segments-col-lateness"), h("segments-col-lateness"), |r: &SegmentRow| {
            or_none(r.lateness, |ns| {
                format!("{}{}", if ns < 0 { "-" } else { "+" }, fmt_ms_us(ns.unsigned_abs() as f64 / 1e3))
            })
        }),
        col(h("segments-col-span"), h("segments-col-span"), move |r: &SegmentRow| or_none(r.span, |d| secs(t, d))),
    ];
    let rows = rows.iter().map(|r| row(&columns, r)).collect();
    table(columns, rows)
}

/// A cell's spread, with its CPU figures over all the segments' cores when it ran the CPU job.
struct SpreadRow<'s, 'a> {
    spread: &'s Spread<'a>,
    workers: Option<usize>,
    speedup: Option<f64>,
    cores: usize,
}

fn spread_table(t: &Text, report: &Report, spreads: &[Spread]) -> Table {
    let cores = report.environment.cores_granted;
    let cpu = report.experiments.iter().find_map(|e| match e {
        Experiment::Cpu(c) => Some(crate::analysis::cpu::analyse(c, cores)),
        _ => None,
    });
    let rows: Vec<SpreadRow> = spreads
        .iter()
        .map(|spread| {
            let r = cpu
                .as_ref()
                .filter(|_| spread.experiment == "cpu")
                .and_then(|a| a.rows.iter().find(|r| std::ptr::eq(r.figures.cell, spread.cell)));
            // Outside the CPU job: a pool's or a limit's N in every segment (an unlimited model has
            // no worker count to add up).
            let one = spread.cell.model.kind.info().concurrency == crate::record::Concurrency::One;
            let n = if one { Some(1) } else { spread.cell.model.n };
            let workers = n.map(|n| crate::analysis::segments::workers_in_all(spread.cell, n));
            SpreadRow {
                spread,
                workers: r.map(|r| r.n).or(workers),
                speedup: r.and_then(|r| r.stated_speedup()).map(|s| s.point),
                cores,
            }
        })
        .collect();
    let h = |id: &str| t.get(id);
    let columns = vec![
        col(h("segments-col-model"), h("segments-col-model"), |r: &SpreadRow| {
            Inline::code(format!("{} {}", r.spread.experiment, r.spread.cell.label()))
        }),
        col(h("segments-col-fastest"), h("segments-col-fastest"), move |r: &SpreadRow| {
            secs(t, r.spread.fastest).into()
        }),
        col(h("segments-col-slowest"), h("segments-col-slowest"), move |r: &SpreadRow| {
            format!("{} ({})", secs(t, r.spread.slowest), r.spread.straggler).into()
        }),
        col(h("segments-col-straggler"), h("segments-col-straggler"), |r: &SpreadRow| {
            format!("{:.2}x", r.spread.straggler_cost).into()
        }),
        col(h("segments-col-workers"), h("segments-col-workers"), |r: &SpreadRow| {
            or_none(r.workers, |n| n.to_string())
        }),
        col(h("segments-col-speedup"), h("segments-col-speedup"), |r: &SpreadRow| {
            or_none(r.speedup, |s| format!("{s:.2}x"))
        }),
        col(h("segments-col-per-core"), h("segments-col-per-core"), |r: &SpreadRow| {
            or_none(r.speedup.filter(|_| r.cores > 0), |s| format!("{:.1}%", s / r.cores as f64 * 100.0))
        }),
    ];
    let rows = rows.iter().map(|r| row(&columns, r)).collect();
    table(columns, rows)
}

fn straggler_line(t: &Text, a: &SegmentsAnalysis, s: &Spread) -> Option<Inline> {
    if s.straggler_cost < STRAGGLER_NOTED {
        return None;
    }
    let host = a.rows.iter().find(|r| r.info.index == s.straggler).map_or(NONE, |r| r.info.host.as_str());
    let args = [
        ("model", format!("{} {}", s.experiment, s.cell.label()).into()),
        ("segment", s.straggler.into()),
        ("host", host.into()),
        ("cost", format!("{:.2}", s.straggler_cost).into()),
    ];
    Some(t.msg("segments-straggler", &args).into())
}
