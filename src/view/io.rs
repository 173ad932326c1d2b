//! A view (between analysis and the writers): sections 1 and 2 (async vs sync, async vs a thread
//! pool), then every model's figures: one table for the document and the terminal summary, and the
//! verdicts both show.

use super::common::{
    at, col, doc_table, headers, heap_current, heap_peak, latency, missing_row, or_none, row, rss_peak, table,
    target_headline, terminal_notes, time_with_spread,
};
use super::doc::{Block, Document, Inline, Item, Show, Table, bullets};
use super::words::{
    Names, cell_name, cell_spec, code, count, in_interpreter, interpreter, led, led_verdict, ratio_text, rich, secs,
    several, verdict,
};
use crate::analysis::io::{self as io_analysis, Figures, Stack, SyncVsAsync, ThreadsVsAsync, stacks};
use crate::analysis::{fixed_latency, ratio};
use crate::record::{Cell, CellInterpreter, IoExperiment, ModelKind};
use crate::text::{Arg, Text};
use std::time::Duration;

/// One stack's comparison in a section, with how the view names its rows and verdicts.
struct Part<'a, T> {
    stack: Stack<'a>,
    /// The interpreter, when the experiment ran several (rows and verdicts then say which).
    shown: Option<&'a CellInterpreter>,
    found: T,
}

impl<T> Part<'_, T> {
    /// The id of a row's or a verdict's words: Rust's as the source's (`s1-row-async`), CPython's
    /// beside it (`s1-py-row-async`).
    fn id(&self, rust: &str) -> String {
        match self.stack {
            Stack::Rust => rust.to_string(),
            Stack::Python(_) => rust.replacen('-', "-py-", 1),
        }
    }
}

/// Each stack's comparison `of` finds, Rust's first.
fn parts<'a, T>(io: &'a IoExperiment, of: impl Fn(Stack<'a>) -> Option<T>) -> Vec<Part<'a, T>> {
    let several = several(io.settings.python.as_ref());
    stacks(io)
        .into_iter()
        .filter_map(|stack| {
            let shown = stack.interpreter().filter(|_| several);
            Some(Part { stack, shown, found: of(stack)? })
        })
        .collect()
}

/// Sections 1 and 2 and the table of every model.
pub fn push(doc: &mut Document, t: &Text, io: &IoExperiment) {
    if let Some(load) = &io.settings.open {
        return super::open::push(doc, t, io, load);
    }
    let s1 = parts(io, |stack| io_analysis::sync_vs_async_in(io, stack));
    let s2 = parts(io, |stack| io_analysis::threads_vs_async_in(io, stack));
    let names = Names::new(t, io.settings.python.as_ref());
    if s1.is_empty() {
        missing(doc, t, "s1-title", "sequential", "async");
    } else {
        section1(doc, &names, io, &s1);
    }
    if s2.is_empty() {
        missing(doc, t, "s2-title", "threads:N", "async");
    } else {
        section2(doc, &names, io, &s2);
    }
    measurements(doc, t, io);
    let s1_lines: Vec<Inline> = s1.iter().map(|p| s1_verdict(t, p)).chain(runtimes(&names, io, 1, true)).collect();
    if !s1_lines.is_empty() {
        doc.term(Block::Verdict { tag: "[1]".into(), lines: s1_lines });
    }
    let s2_lines: Vec<Inline> =
        s2.iter().flat_map(|p| s2_verdicts(t, p)).chain(runtimes(&names, io, 2, true)).collect();
    if !s2_lines.is_empty() {
        doc.term(Block::Verdict { tag: "[2]".into(), lines: s2_lines });
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

/// One model's test, as the source printed it, under `title`.
fn test_block(doc: &mut Document, t: &Text, title: String, f: &Figures, memory: bool) {
    doc.heading(3, title);
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

/// The tests of a section, numbered across stacks: Rust's under the source's titles (`fixed`),
/// a py model's under its name.
fn tests<T>(
    doc: &mut Document,
    names: &Names,
    parts: &[Part<T>],
    (fixed, memory): ([&str; 2], bool),
    of: impl Fn(&T) -> [&Figures; 2],
) {
    let t = names.t;
    for (k, part) in parts.iter().enumerate() {
        for (j, f) in of(&part.found).into_iter().enumerate() {
            let title = match part.stack {
                Stack::Rust => t.get(fixed[j]),
                Stack::Python(_) => {
                    t.msg("s4-test", &[("index", (2 * k + j + 1).into()), ("model", names.name(f.cell).into())])
                }
            };
            test_block(doc, t, title, f, memory);
        }
    }
}

/// A row's label in a section's table, with the interpreter when several ran.
fn row_label(t: &Text, id: &str, args: &[(&str, crate::text::Arg)], shown: Option<&CellInterpreter>) -> Inline {
    in_interpreter(t, t.msg(id, args), shown).into()
}

/// A verdict line, with the interpreter when several ran.
fn shown_in(t: &Text, line: Inline, shown: Option<&CellInterpreter>) -> Inline {
    match shown {
        Some(i) => line.then(format!(" {}", t.msg("interpreter-tag", &[("interpreter", interpreter(t, i).into())]))),
        None => line,
    }
}

fn s1_verdict(t: &Text, p: &Part<SyncVsAsync>) -> Inline {
    let (faster, slower) = (p.id("s1-async-faster"), p.id("s1-sync-faster"));
    shown_in(t, led_verdict(t, &p.found.async_speedup, &faster, &slower, ratio_text), p.shown)
}

fn s2_verdicts(t: &Text, p: &Part<ThreadsVsAsync>) -> Vec<Inline> {
    let f2 = |x: f64| format!("{x:.2}");
    let s2 = &p.found;
    let speed = led_verdict(t, &s2.async_speedup, &p.id("s2-speed-async"), &p.id("s2-speed-threads"), f2);
    let (threads, asynchronous) = (p.id("s2-memory-threads"), p.id("s2-memory-async"));
    let memory = s2.threads_memory_advantage.map(|m| led_verdict(t, &m, &threads, &asynchronous, f2));
    std::iter::once(speed).chain(memory).map(|l| shown_in(t, l, p.shown)).collect()
}

/// Each py model of a section against its Rust counterpart: by spec in the terminal, by name in
/// the document.
fn runtimes(names: &Names, io: &IoExperiment, section: u8, terminal: bool) -> Vec<Inline> {
    let t = names.t;
    let name = |c: &Cell| if terminal { names.spec(c) } else { names.name(c) };
    io_analysis::python_vs_rust(io, section)
        .into_iter()
        .map(|v| {
            let pair = [("a", Arg::from(name(v.python.cell))), ("b", name(v.rust.cell).into())];
            let line = |id: &str, x: f64| led(t, id, &[&pair[..], &[("x", ratio_text(x).into())]].concat());
            verdict(t, &v.ratio, |x| line("runtime-slower", x), |x| line("runtime-faster", x))
        })
        .collect()
}

/// What a section's py-async comparison owes the source: the source kept aiohttp's default
/// limit of 100 connections.
fn aiohttp_limit(t: &Text, io: &IoExperiment, asynchronous: &[&Figures]) -> Option<Block> {
    let f = asynchronous.iter().find(|f| f.cell.model.kind == ModelKind::PyAsync)?;
    let args = [("limit", f.cell.model.n.unwrap_or(0).into()), ("n", io.settings.requests.into())];
    Some(Block::Paragraph(led(t, "py-async-limit-note", &args)))
}

fn section1(doc: &mut Document, names: &Names, io: &IoExperiment, parts: &[Part<SyncVsAsync>]) {
    let (t, n) = (names.t, io.settings.requests);
    header(doc, t, "s1-title", n, None);
    tests(doc, names, parts, (["s1-async-test", "s1-sync-test"], false), |s| [&s.asynchronous, &s.sync]);
    doc.heading(2, t.get("results"));
    let mut rows = Vec::new();
    for p in parts {
        let count = [("n", Arg::from(n))];
        let sync = p.id(if p.found.sync.estimated { "s1-row-sync-estimated" } else { "s1-row-sync" });
        rows.push(vec![
            row_label(t, &p.id("s1-row-async"), &count, p.shown),
            secs(t, p.found.asynchronous.total_time).into(),
        ]);
        rows.push(vec![row_label(t, &sync, &count, p.shown), secs(t, p.found.sync.total_time).into()]);
    }
    doc.doc(doc_table(headers(t, &["col-model", "col-time"]), rows));
    for p in parts {
        doc.doc(Block::Paragraph(s1_verdict(t, p)));
    }
    for line in runtimes(names, io, 1, false) {
        doc.doc(Block::Paragraph(line));
    }
    let asynchronous: Vec<&Figures> = parts.iter().map(|p| &p.found.asynchronous).collect();
    doc.doc_opt(aiohttp_limit(t, io, &asynchronous));
    doc.doc(Block::Rule);
}

fn section2(doc: &mut Document, names: &Names, io: &IoExperiment, parts: &[Part<ThreadsVsAsync>]) {
    let t = names.t;
    let workers = parts[0].found.threads.cell.model.n.unwrap_or(io.settings.workers);
    header(doc, t, "s2-title", io.settings.requests, Some(("pool-workers", workers)));
    tests(doc, names, parts, (["s1-async-test", "s2-threads-test"], true), |s| [&s.asynchronous, &s.threads]);
    doc.heading(2, t.get("results"));
    let mut rows = Vec::new();
    for p in parts {
        let (a, th) = (&p.found.asynchronous, &p.found.threads);
        let n = [("n", Arg::from(th.cell.model.n.unwrap_or(io.settings.workers)))];
        let (async_row, threads_row) = (p.id("s2-row-async"), p.id("s2-row-threads"));
        rows.push(vec![row_label(t, &async_row, &[], p.shown), secs(t, a.total_time).into(), heap_peak(a)]);
        rows.push(vec![row_label(t, &threads_row, &n, p.shown), secs(t, th.total_time).into(), heap_peak(th)]);
    }
    doc.doc(doc_table(headers(t, &["col-model", "col-time", "col-peak-memory"]), rows));
    let lines = parts.iter().flat_map(|p| s2_verdicts(t, p)).chain(runtimes(names, io, 2, false));
    doc.doc(Block::Bullets(lines.map(Item::from).collect()));
    if parts.len() > 1 && parts[0].stack == Stack::Rust {
        doc.doc(Block::Paragraph(led(t, "s2-heap-note", &[])));
    }
    let asynchronous: Vec<&Figures> = parts.iter().map(|p| &p.found.asynchronous).collect();
    doc.doc_opt(aiohttp_limit(t, io, &asynchronous));
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
            ("model", code(&cell_spec(t, f.cell)).into()),
            ("ratio", format!("{r:.2}").into()),
            ("floor", secs(t, floor).into()),
        ];
        Some(rich(t, "floor-line", &args))
    });
    doc.doc(bullets(floors));
    let slots: Vec<Inline> = measured
        .iter()
        .filter(|f| f.cell.model.kind == ModelKind::PyAsync)
        .filter_map(|f| {
            let limit = f.cell.model.n.filter(|&n| n < f.run.tasks)?;
            let args = [("model", code(&cell_spec(t, f.cell)).into()), ("limit", limit.into())];
            Some(rich(t, "py-async-slot", &args))
        })
        .collect();
    if !slots.is_empty() {
        doc.doc(bullets(slots));
    }
    let estimated = measured.iter().filter(|f| f.estimated).map(|f| {
        let args = [
            ("model", cell_spec(t, f.cell).into()),
            ("run", f.run.tasks.into()),
            ("total", f.cell.tasks_total.into()),
            ("time", secs(t, f.total_time).into()),
        ];
        t.msg("term-estimated", &args)
    });
    doc.term(bullets(estimated));
    terminal_notes(doc, t, Some("io"), &io.settings.schedule, &cells);
}

/// The table of every model, in run order; the terminal also lists those without a run.
fn models_table(t: &Text, io: &IoExperiment, figures: &[Option<Figures>]) -> Table {
    let floor = |f: &Figures| floor(io, f);
    let h = |id: &str| t.get(id);
    let several = several(io.settings.python.as_ref());
    let columns = vec![
        at(None, Some(h("col-model")), move |f: &Figures| cell_name(t, f.cell, several).into()),
        col(h("term-model"), h("col-spec"), |f: &Figures| Inline::code(cell_spec(t, f.cell))),
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
        col(h("term-cpu-time"), h("col-cpu"), |f: &Figures| secs(t, f.cpu_with_workers()).into()),
    ];
    let rows = io.cells.iter().zip(figures).map(|(c, f)| match f {
        Some(f) => row(&columns, f),
        None => missing_row(t, c, 1),
    });
    let rows = rows.collect();
    table(columns, rows)
}
