//! Sections 1 and 2 (async vs sync, async vs a thread pool), then every model's figures: one table
//! for the document and the terminal summary, and the verdicts both show.

use super::common::{
    at, col, heap_current, heap_peak, latency, missing_row, or_none, row, rss_peak, table, target_headline,
    terminal_notes, time_with_spread,
};
use super::doc::{Block, Document, Inline, Item, bullets};
use super::lang::{Words, verdict};
use crate::analysis::io::{self as io_analysis, Figures, SyncVsAsync, ThreadsVsAsync};
use crate::analysis::{fixed_latency, ratio};
use crate::record::{Cell, IoExperiment};

/// Sections 1 and 2 and the table of every model.
pub fn push(doc: &mut Document, w: &dyn Words, io: &IoExperiment) {
    let s1 = io_analysis::sync_vs_async(io);
    let s2 = io_analysis::threads_vs_async(io);
    match &s1 {
        Some(s1) => section1(doc, w, io, s1),
        None => missing(doc, w, w.s1_title(), "`sequential` and `async`"),
    }
    match &s2 {
        Some(s2) => section2(doc, w, io, s2),
        None => missing(doc, w, w.s2_title(), "`threads:N` and `async`"),
    }
    measurements(doc, w, io);
    if let Some(s1) = &s1 {
        doc.term(Block::Verdict { tag: "[1]".into(), lines: vec![s1_verdict(w, s1)] });
    }
    if let Some(s2) = &s2 {
        doc.term(Block::Verdict { tag: "[2]".into(), lines: s2_verdicts(w, s2) });
    }
}

fn missing(doc: &mut Document, w: &dyn Words, title: &str, what: &str) {
    doc.heading(1, title);
    doc.doc(Block::Paragraph(Inline::markup(w.missing_section(what))));
    doc.doc(Block::Rule);
}

/// The source's header of a section: its title, the request count and one more fact.
fn header(doc: &mut Document, w: &dyn Words, title: &str, requests: usize, extra: Option<(&str, usize)>) {
    doc.heading(1, title);
    let mut facts = vec![(w.total_requests().to_string(), Inline::plain(w.count(requests)))];
    facts.extend(extra.map(|(label, v)| (label.to_string(), Inline::plain(w.count(v)))));
    doc.doc(Block::Facts(facts));
    doc.doc(Block::Rule);
}

/// One model's test, as the source printed it.
fn test_block(doc: &mut Document, w: &dyn Words, title: &str, f: &Figures, memory: bool) {
    doc.heading(3, title);
    let sample = if f.estimated { format!(" {}", w.for_sample(f.run.tasks)) } else { String::new() };
    let mut lines =
        vec![w.done_responses(f.run.ok, f.run.failed), format!("{}: {}{sample}", w.time_label(), w.secs(f.wall))];
    if memory {
        lines.push(w.memory_line(&heap_current(f).plain_text(), &heap_peak(f).plain_text()));
    }
    doc.doc(bullets(lines));
}

fn s1_verdict(w: &dyn Words, s1: &SyncVsAsync) -> Inline {
    Inline::markup(verdict(w, &s1.async_speedup, |x| w.async_faster(x), |x| w.sync_faster(x)))
}

fn s2_verdicts(w: &dyn Words, s2: &ThreadsVsAsync) -> Vec<Inline> {
    let speed = verdict(w, &s2.async_speedup, |x| w.speed_verdict_async(x), |x| w.speed_verdict_threads(x));
    let memory = s2
        .threads_memory_advantage
        .map(|m| verdict(w, &m, |x| w.memory_verdict_threads(x), |x| w.memory_verdict_async(x)));
    std::iter::once(speed).chain(memory).map(Inline::markup).collect()
}

fn section1(doc: &mut Document, w: &dyn Words, io: &IoExperiment, s1: &SyncVsAsync) {
    let n = io.settings.requests;
    header(doc, w, w.s1_title(), n, None);
    test_block(doc, w, w.async_test(), &s1.asynchronous, false);
    test_block(doc, w, w.sync_test(), &s1.sync, false);
    doc.heading(2, w.results());
    let sync_label = if s1.sync.estimated { w.row_sync_estimated(n) } else { w.row_sync(n) };
    let rows = vec![
        vec![Inline::plain(w.row_async_n(n)), Inline::plain(w.secs(s1.asynchronous.total_time))],
        vec![Inline::plain(sync_label), Inline::plain(w.secs(s1.sync.total_time))],
    ];
    doc.doc(super::common::doc_table(&[w.col_model(), w.col_time()], rows));
    doc.doc(Block::Paragraph(s1_verdict(w, s1)));
    doc.doc(Block::Rule);
}

fn section2(doc: &mut Document, w: &dyn Words, io: &IoExperiment, s2: &ThreadsVsAsync) {
    let workers = s2.threads.cell.model.n.unwrap_or(io.settings.workers);
    header(doc, w, w.s2_title(), io.settings.requests, Some((w.pool_workers(), workers)));
    test_block(doc, w, w.async_test(), &s2.asynchronous, true);
    test_block(doc, w, w.threads_test(), &s2.threads, true);
    doc.heading(2, w.results());
    let rows = vec![
        vec![
            Inline::plain(w.row_async_client()),
            Inline::plain(w.secs(s2.asynchronous.total_time)),
            heap_peak(&s2.asynchronous),
        ],
        vec![
            Inline::plain(w.row_threads_pool(workers)),
            Inline::plain(w.secs(s2.threads.total_time)),
            heap_peak(&s2.threads),
        ],
    ];
    doc.doc(super::common::doc_table(&[w.col_model(), w.col_time(), w.col_peak_memory()], rows));
    doc.doc(Block::Bullets(s2_verdicts(w, s2).into_iter().map(Item::from).collect()));
    doc.doc(Block::Rule);
}

/// Every model's figures: the document's "all measurements" and the terminal's table.
fn measurements(doc: &mut Document, w: &dyn Words, io: &IoExperiment) {
    doc.heading(1, w.all_title());
    let cells: Vec<&Cell> = io.cells.iter().collect();
    doc.term(target_headline(&format!("io: {} requests", io.settings.requests), &io.target, &cells));
    let latency_fixed = fixed_latency(&io.target);
    let floor = |f: &Figures| latency_fixed.map(|l| io_analysis::floor(f.cell, f.run, l));
    let h = w.all_columns();
    let columns = vec![
        at(None, Some(h[0]), |f: &Figures| Inline::plain(w.model_name(&f.cell.model))),
        col("model", h[1], |f: &Figures| Inline::code(f.cell.model.to_string())),
        at(Some("ok/failed"), None, |f: &Figures| Inline::plain(format!("{}/{}", f.run.ok, f.run.failed))),
        at(None, Some(h[2]), |f: &Figures| Inline::plain(format!("{} / {}", f.run.ok, f.run.failed))),
        at(Some("time"), None, |f: &Figures| {
            Inline::plain(time_with_spread(w, f) + if f.estimated { "*" } else { "" })
        }),
        at(None, Some(h[3]), |f: &Figures| {
            let time = w.secs(f.wall);
            Inline::plain(if f.estimated { format!("{time} {}", w.estimated_mark()) } else { time })
        }),
        col("ideal", h[4], |f: &Figures| or_none(floor(f), |d| w.secs(d))),
        col("req/s", h[5], |f: &Figures| Inline::plain(format!("{:.0}", f.throughput_per_s))),
        col("p50", h[6], |f: &Figures| latency(f, |l| l.p50_us)),
        col("p99", h[7], |f: &Figures| latency(f, |l| l.p99_us)),
        col("peak heap", h[8], heap_peak),
        at(None, Some(h[9]), heap_current),
        col("peak RSS", h[10], rss_peak),
        col("CPU", h[11], |f: &Figures| Inline::plain(w.secs(f.run.measured.cpu()))),
    ];
    let figures: Vec<Option<Figures>> = io.cells.iter().map(Figures::of).collect();
    let rows = io.cells.iter().zip(&figures).map(|(c, f)| match f {
        Some(f) => row(&columns, f),
        None => missing_row(c, 1),
    });
    let rows = rows.collect();
    doc.push(super::doc::Show::Both, Block::Table(table(columns, rows)));
    let measured: Vec<&Figures> = figures.iter().flatten().collect();
    let floors = measured.iter().filter_map(|f| {
        let floor = floor(f)?;
        let r = ratio(f.wall.as_secs_f64(), floor.as_secs_f64())?;
        Some(Inline::markup(w.floor_line(&f.cell.model.to_string(), r, &w.secs(floor))))
    });
    doc.doc(bullets(floors));
    let estimated = measured.iter().filter(|f| f.estimated).map(|f| {
        let (run, total) = (f.run.tasks, f.cell.tasks_total);
        let at = w.secs(f.total_time);
        format!("* {}: {run} of {total} requests run; all {total} estimated at {at}", f.cell.model)
    });
    doc.term(bullets(estimated));
    terminal_notes(doc, w, &io.settings.schedule, &cells);
}
