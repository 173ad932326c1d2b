//! A view (between analysis and the writers): the user's own task (`concbench task`, an
//! `io`-shaped experiment whose settings name the task): what ran, every model's time, memory,
//! speed-up and efficiency against py-sequential, the cores each kept busy and what bounds it
//! (CPU under the GIL, every core, waiting on I/O, start-up), memory per worker, and whether the
//! models' results agree. One table for the document and the terminal.

use super::common::{at, col, heap_peak, latency, missing_row, or_none, row, rss_peak, table, terminal_notes};
use super::common::{headline, time_with_spread};
use super::doc::{Block, Document, Inline, Show};
use super::words::{Names, code, failures_note, led, ratio_cell, secs, withheld};
use crate::analysis::task::{Bound, PerWorker, TaskAnalysis, TaskRow, analyse};
use crate::record::{Cell, Environment, IoExperiment, PyTaskSettings, TargetKind};
use crate::text::{Arg, Text};
use crate::units::fmt_mib;

pub fn push(doc: &mut Document, t: &Text, io: &IoExperiment, task: &PyTaskSettings, env: &Environment) {
    let a = analyse(io, env.cores_granted);
    let names = Names::new(t, io.settings.python.as_ref());
    header(doc, t, io, task, a.cores);
    doc.heading(2, t.get("results"));
    doc.term(terminal_headline(t, io, task));
    doc.push(Show::Both, Block::Table(models_table(&names, io, &a)));
    let cells: Vec<&Cell> = io.cells.iter().collect();
    terminal_notes(doc, t, None, &io.settings.schedule, &cells);
    doc.heading(2, t.get("analysis"));
    let lines = findings(&names, &a, false);
    doc.doc(super::doc::bullets(lines));
    for line in findings(&names, &a, true) {
        doc.term(Block::Paragraph(line));
    }
    doc.doc(Block::Rule);
}

/// What ran: the task's functions, the calls, the pool size, the cores.
fn header(doc: &mut Document, t: &Text, io: &IoExperiment, task: &PyTaskSettings, cores: usize) {
    doc.heading(1, t.get("task-title"));
    let flavours = [(&task.sync_task, "sync"), (&task.async_task, "async")];
    let function = flavours.iter().filter_map(|(spec, flavour)| {
        let spec = spec.as_deref()?;
        Some(super::words::rich(
            t,
            "task-function-value",
            &[("spec", code(spec).into()), ("flavour", (*flavour).into())],
        ))
    });
    let mut facts: Vec<(String, Inline)> = function.map(|f| (t.get("task-function"), f)).collect();
    let n = io.settings.requests;
    facts.push((t.get("task-calls"), t.msg("task-calls-value", &[("n", n.into()), ("last", (n - 1).into())]).into()));
    facts.push((t.get("task-workers"), super::words::count(t, io.settings.workers).into()));
    facts.push((t.get("s4-cores"), super::words::count(t, cores).into()));
    doc.doc(Block::Facts(facts));
    doc.doc(Block::Rule);
}

fn terminal_headline(t: &Text, io: &IoExperiment, task: &PyTaskSettings) -> Block {
    let spec = task.sync_task.as_deref().or(task.async_task.as_deref()).unwrap_or("?");
    let to = match (&io.target.kind, &io.target.embedded) {
        (TargetKind::Embedded, Some(e)) => t.msg("term-embedded", &[("latency", e.config.latency.to_string().into())]),
        _ => io.target.url_template.clone(),
    };
    headline(t.msg("term-task", &[("task", spec.into()), ("tasks", io.settings.requests.into()), ("to", to.into())]))
}

/// Every model's figures, in run order; the terminal also lists those without a run.
fn models_table(names: &Names, io: &IoExperiment, a: &TaskAnalysis) -> super::doc::Table {
    let (t, h) = (names.t, |id: &str| names.t.get(id));
    let columns = vec![
        at(None, Some(h("col-model")), |r: &TaskRow| names.name(r.figures.cell).into()),
        col(h("term-model"), h("col-spec"), |r: &TaskRow| Inline::code(names.spec(r.figures.cell))),
        at(Some(h("term-ok-failed")), None, |r: &TaskRow| {
            format!("{}/{}", r.figures.run.ok, r.figures.run.failed).into()
        }),
        at(None, Some(h("col-ok-failed")), |r: &TaskRow| {
            format!("{} / {}", r.figures.run.ok, r.figures.run.failed).into()
        }),
        at(Some(h("term-time")), None, |r: &TaskRow| time_with_spread(t, &r.figures).into()),
        at(None, Some(h("col-time")), |r: &TaskRow| secs(t, r.figures.wall).into()),
        col(h("term-speedup"), h("col-speedup-own"), |r: &TaskRow| {
            or_none(r.speedup, |j| ratio_cell(t, &j, |x| format!("{:.2}x", x.point)))
        }),
        col(h("term-efficiency"), h("col-efficiency"), |r: &TaskRow| {
            or_none(r.efficiency, |e| format!("{:.1}%", e * 100.0))
        }),
        col(h("term-cpu-cores"), h("col-cores-used"), |r: &TaskRow| format!("{:.2}", r.cores_used).into()),
        col(h("col-p50"), h("col-p50"), |r: &TaskRow| latency(&r.figures, |l| l.p50_us)),
        col(h("term-peak-heap"), h("col-peak-heap"), |r: &TaskRow| heap_peak(&r.figures)),
        col(h("term-peak-rss"), h("col-peak-rss"), |r: &TaskRow| rss_peak(&r.figures)),
        col(h("term-cpu-time"), h("col-cpu"), |r: &TaskRow| secs(t, r.cpu).into()),
    ];
    let mut rows: Vec<_> = a.rows.iter().map(|r| row(&columns, r)).collect();
    rows.extend(io.cells.iter().filter(|c| c.runs.is_empty()).map(|c| missing_row(t, c, 1)));
    table(columns, rows)
}

/// What each model's figures say, then memory per worker, the fastest and the check; models
/// named by spec in the terminal, in words in the document.
fn findings(names: &Names, a: &TaskAnalysis, terminal: bool) -> Vec<Inline> {
    let t = names.t;
    let name = |c: &Cell| if terminal { names.spec(c) } else { names.name(c) };
    let mut lines: Vec<Inline> = a.rows.iter().map(|r| explain(t, &name(r.figures.cell), r)).collect();
    let memory: Vec<String> = a.rows.iter().filter_map(|r| memory(t, &name(r.figures.cell), r)).collect();
    if !memory.is_empty() {
        lines.push(led(t, "task-memory", &[("list", memory.join("; ").into())]));
    }
    if let Some(f) = a.fastest()
        && let Some(x) = f.speedup.and_then(|s| s.ratio)
    {
        let args = [("model", Arg::from(name(f.figures.cell))), ("x", format!("{:.2}", x.point).into())];
        lines.push(led(t, "task-fastest", &args));
    }
    lines.extend(a.checksum.map(|(same, sum)| match same {
        true => led(t, "task-checksum-ok", &[("sum", sum.to_string().into())]),
        false => led(t, "task-checksum-bad", &[]),
    }));
    lines
}

/// One model: its speed-up and efficiency, then what bounds it.
fn explain(t: &Text, model: &str, r: &TaskRow) -> Inline {
    let bound = ("bound", Arg::from(bound(t, &r.bound)));
    let speed = match (r.speedup, r.bound) {
        (_, Bound::OneAtATime { .. }) | (None, _) => None,
        (Some(j), _) => Some(match j.ratio {
            Some(x) => {
                let pct = r.efficiency.map_or(String::new(), |e| format!("{:.1}", e * 100.0));
                let args = [("x", format!("{:.2}", x.point).into()), ("pct", pct.into()), ("n", r.n.into())];
                let speed = t.msg("task-speed", &args);
                if j.with_failures() { format!("{speed} {}", failures_note(t, &j)) } else { speed }
            }
            None => withheld(t, &j).plain_text(),
        }),
    };
    match speed {
        Some(speed) => led(t, "task-row", &[("model", model.into()), ("speed", speed.into()), bound]),
        None => led(t, "task-row-base", &[("model", model.into()), bound]),
    }
}

/// What bounds a model, in words, with its evidence.
fn bound(t: &Text, b: &Bound) -> String {
    let used = |x: f64| Arg::from(format!("{x:.2}"));
    match *b {
        Bound::OneAtATime { cores_used } => t.msg("bound-one", &[("used", used(cores_used))]),
        Bound::Scaled { n } => t.msg("bound-scaled", &[("n", n.into())]),
        Bound::StartUp { startup_ms, share } => t.msg(
            "bound-startup",
            &[("startup", format!("{startup_ms:.1}").into()), ("pct", format!("{:.0}", share * 100.0).into())],
        ),
        Bound::Gil { cores_used, event_loop } => {
            t.msg("bound-gil", &[("used", used(cores_used)), ("loop", if event_loop { "yes" } else { "no" }.into())])
        }
        Bound::AllCores { cores_used, cores } => {
            t.msg("bound-all-cores", &[("used", used(cores_used)), ("cores", cores.into())])
        }
        Bound::Waiting { cores_used } => t.msg("bound-waiting", &[("used", used(cores_used))]),
        Bound::Unexplained { cores_used } => t.msg("bound-unexplained", &[("used", used(cores_used))]),
    }
}

/// What one more worker of a pool cost.
fn memory(t: &Text, model: &str, r: &TaskRow) -> Option<String> {
    let (id, bytes) = match r.memory_per_worker? {
        PerWorker::Rss(b) => ("task-memory-processes", b),
        PerWorker::Heap(b) => ("task-memory-threads", b),
    };
    Some(t.msg(id, &[("model", model.into()), ("bytes", fmt_mib(bytes).into())]))
}
