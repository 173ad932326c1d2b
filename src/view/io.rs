//! A view (between analysis and the writers): sections 1 and 2 (async vs sync, async vs a thread
//! pool), then every model's figures: one table for the document and the terminal summary, and the
//! verdicts both show.

use super::common::{
    at, col, doc_table, headers, heap_current, heap_peak, latency, missing_row, or_none, row, rss_peak, table,
    target_headline, terminal_notes, time_with_spread,
};
use super::doc::{Block, Document, Inline, Item, Show, Table, bullets};
use super::words::{code, count, led_verdict, model_name, ratio_text, rich, secs};
use crate::analysis::io::{self as io_analysis, Figures, SyncVsAsync, ThreadsVsAsync};
use crate::analysis::{fixed_latency, ratio};
use crate::record::{Cell, IoExperiment};
use crate::text::Text;
use std::time::Duration;

/// Sections 1 and 2 and the table of every model.
pub fn push(doc: &mut Document, t: &Text, io: &IoExperiment) {
    if let Some(load) = &io.settings.open {
        return super::open::push(doc, t, io, load);
    }
    let s1 = io_analysis::sync_vs_async(io);
    let s2 = io_analysis::threads_vs_async(io);
    match &s1 {
        Some(s1) => section1(doc, t, io, s1),
        None => missing(doc, t, "s1-title", "sequential", "async"),
    }
    match &s2 {
        Some(s2) => section2(doc, t, io, s2),
        None => missing(doc, t, "s2-title", "threads:N", "async"),
    }
    measurements(doc, t, io);
    if let Some(s1) = &s1 {
        doc.term(Block::Verdict { tag: "[1]".into(), lines: vec![s1_verdict(t, s1)] });
    }
    if let Some(s2) = &s2 {
        doc.term(Block::Verdict { tag: "[2]".into(), lines: s2_verdicts(t, s2) });
    }
}

/// A section the run has not the models for.
fn missing(doc: &mut Document, t: &Text, title: &str, a: &str, b: &str) {
    doc.heading(1, t.get(title));
    doc.doc(Block::Note(rich(t, "missing-section", &[("a", code(a).into()), ("b", code(b).into())])));
    doc.doc(Block::Rule);
}

/// The source's header of a section: its title, the request count and one more fact.
fn header(doc: &mut Document, t: &Text, title: &str, requests: usize, extra: Option<(&str, usize)>) {
    doc.heading(1, t.get(title));
    let facts = std::iter::once(("total-requests", requests)).chain(extra);
    doc.doc(Block::Facts(facts.map(|(label, n)| (t.get(label), count(t, n).into())).collect()));
    doc.doc(Block::Rule);
}

/// One model's test, as the source printed it.
fn test_block(doc: &mut Document, t: &Text, title: &str, f: &Figures, memory: bool) {
    doc.heading(3, t.get(title));
    let done = t.msg("done-responses", &[("ok", f.run.ok.into()), ("failed", f.run.failed.into())]);
    let sample =
        if f.estimated { format!(" {}", t.msg("for-sample", &[("n", f.run.tasks.into())])) } else { String::new() };
    let mut lines = vec![done, format!("{}: {}{sample}", t.get("time-label"), secs(t, f.wall))];
    if memory {
        let args = [("current", heap_current(f).plain_text().into()), ("peak", heap_peak(f).plain_text().into())];
        lines.push(t.msg("memory-line", &args));
    }
    doc.doc(bullets(lines));
}

fn s1_verdict(t: &Text, s1: &SyncVsAsync) -> Inline {
    led_verdict(t, &s1.async_speedup, "s1-async-faster", "s1-sync-faster", ratio_text)
}

fn s2_verdicts(t: &Text, s2: &ThreadsVsAsync) -> Vec<Inline> {
    let f2 = |x: f64| format!("{x:.2}");
    let speed = led_verdict(t, &s2.async_speedup, "s2-speed-async", "s2-speed-threads", f2);
    let memory = s2.threads_memory_advantage.map(|m| led_verdict(t, &m, "s2-memory-threads", "s2-memory-async", f2));
    std::iter::once(speed).chain(memory).collect()
}

fn section1(doc: &mut Document, t: &Text, io: &IoExperiment, s1: &SyncVsAsync) {
    let n = io.settings.requests;
    header(doc, t, "s1-title", n, None);
    test_block(doc, t, "s1-async-test", &s1.asynchronous, false);
    test_block(doc, t, "s1-sync-test", &s1.sync, false);
    doc.heading(2, t.get("results"));
    let sync = if s1.sync.estimated { "s1-row-sync-estimated" } else { "s1-row-sync" };
    let label = |id: &str| Inline::plain(t.msg(id, &[("n", n.into())]));
    let rows = vec![
        vec![label("s1-row-async"), secs(t, s1.asynchronous.total_time).into()],
        vec![label(sync), secs(t, s1.sync.total_time).into()],
    ];
    doc.doc(doc_table(headers(t, &["col-model", "col-time"]), rows));
    doc.doc(Block::Paragraph(s1_verdict(t, s1)));
    doc.doc(Block::Rule);
}

fn section2(doc: &mut Document, t: &Text, io: &IoExperiment, s2: &ThreadsVsAsync) {
    let workers = s2.threads.cell.model.n.unwrap_or(io.settings.workers);
    header(doc, t, "s2-title", io.settings.requests, Some(("pool-workers", workers)));
    test_block(doc, t, "s1-async-test", &s2.asynchronous, true);
    test_block(doc, t, "s2-threads-test", &s2.threads, true);
    doc.heading(2, t.get("results"));
    let threads = t.msg("s2-row-threads", &[("n", workers.into())]);
    let rows = vec![
        vec![t.get("s2-row-async").into(), secs(t, s2.asynchronous.total_time).into(), heap_peak(&s2.asynchronous)],
        vec![threads.into(), secs(t, s2.threads.total_time).into(), heap_peak(&s2.threads)],
    ];
    doc.doc(doc_table(headers(t, &["col-model", "col-time", "col-peak-memory"]), rows));
    doc.doc(Block::Bullets(s2_verdicts(t, s2).into_iter().map(Item::from).collect()));
    doc.doc(Block::Rule);
}

/// The least time a model could take against the embedded API's fixed latency.
fn floor(io: &IoExperiment, f: &Figures) -> Option<Duration> {
    fixed_latency(&io.target).map(|l| io_analysis::floor(f.cell, f.run, l))
}

/// Every model's figures: the document's "all measurements" and the terminal's table.
fn measurements(doc: &mut Document, t: &Text, io: &IoExperiment) {
    doc.heading(1, t.get("all-title"));
    let cells: Vec<&Cell> = io.cells.iter().collect();
    let what = [("requests", io.settings.requests.into())];
    doc.term(target_headline(t, "term-io", &what, &io.target, &cells));
    let figures: Vec<Option<Figures>> = io.cells.iter().map(Figures::of).collect();
    doc.push(Show::Both, Block::Table(models_table(t, io, &figures)));
    let measured: Vec<&Figures> = figures.iter().flatten().collect();
    let floors = measured.iter().filter_map(|f| {
        let floor = floor(io, f)?;
        let r = ratio(f.wall.as_secs_f64(), floor.as_secs_f64())?;
        let args = [
            ("model", code(&f.cell.model.to_string()).into()),
            ("ratio", format!("{r:.2}").into()),
            ("floor", secs(t, floor).into()),
        ];
        Some(rich(t, "floor-line", &args))
    });
    doc.doc(bullets(floors));
    let estimated = measured.iter().filter(|f| f.estimated).map(|f| {
        let args = [
            ("model", f.cell.model.to_string().into()),
            ("run", f.run.tasks.into()),
            ("total", f.cell.tasks_total.into()),
            ("time", secs(t, f.total_time).into()),
        ];
        t.msg("term-estimated", &args)
    });
    doc.term(bullets(estimated));
    terminal_notes(doc, t, "io", &io.settings.schedule, &cells);
}

/// The table of every model, in run order; the terminal also lists those without a run.
fn models_table(t: &Text, io: &IoExperiment, figures: &[Option<Figures>]) -> Table {
    let floor = |f: &Figures| floor(io, f);
    let h = |id: &str| t.get(id);
    let columns = vec![
        at(None, Some(h("col-model")), |f: &Figures| model_name(t, &f.cell.model).into()),
        col(h("term-model"), h("col-spec"), |f: &Figures| Inline::code(f.cell.model.to_string())),
        at(Some(h("term-ok-failed")), None, |f: &Figures| format!("{}/{}", f.run.ok, f.run.failed).into()),
        at(None, Some(h("col-ok-failed")), |f: &Figures| format!("{} / {}", f.run.ok, f.run.failed).into()),
        at(Some(h("term-time")), None, |f: &Figures| {
            (time_with_spread(t, f) + if f.estimated { "*" } else { "" }).into()
        }),
        at(None, Some(h("col-time")), |f: &Figures| {
            let time = secs(t, f.wall);
            Inline::plain(if f.estimated { format!("{time} {}", t.get("estimated-mark")) } else { time })
        }),
        col(h("term-ideal"), h("col-ideal"), |f: &Figures| or_none(floor(f), |d| secs(t, d))),
        col(h("term-req-s"), h("col-req-s"), |f: &Figures| format!("{:.0}", f.throughput_per_s).into()),
        col(h("col-p50"), h("col-p50"), |f: &Figures| latency(f, |l| l.p50_us)),
        col(h("col-p99"), h("col-p99"), |f: &Figures| latency(f, |l| l.p99_us)),
        col(h("term-peak-heap"), h("col-peak-heap"), heap_peak),
        at(None, Some(h("col-end-heap")), heap_current),
        col(h("term-peak-rss"), h("col-peak-rss"), rss_peak),
        col(h("term-cpu-time"), h("col-cpu"), |f: &Figures| secs(t, f.run.measured.cpu()).into()),
    ];
    let rows = io.cells.iter().zip(figures).map(|(c, f)| match f {
        Some(f) => row(&columns, f),
        None => missing_row(t, c, 1),
    });
    let rows = rows.collect();
    table(columns, rows)
}
