//! A view (between analysis and the writers): sections 4 and 5: CPU-bound work under every model,
//! then why threads under a GIL lose to sequential, explained with the lock's own counters and a
//! timeline measured in this run; then every model's figures, one table for the document and the
//! terminal summary.

use std::time::Duration;

use super::common::{
    at, col, doc_table, headers, headline, heap_peak, missing_row, or_none, row, rss_peak, table, terminal_notes,
    time_with_spread,
};
use super::doc::{Block, Document, Inline, Item, Show, bullets};
use super::python::tracemalloc_cost;
use super::words::{
    Names, code, count, failures_note, interval_note, led, ratio_cell, ratio_text, rich, secs, verdict, withheld,
};
use crate::analysis::cpu::{CpuAnalysis, CpuRow, Lock, analyse, timeline};
use crate::record::{Cell, CpuExperiment, Environment, ModelKind};
use crate::text::{Arg, Text};
use crate::units::fmt_mib;

/// Slices shown in the GIL timeline.
const TIMELINE_SLICES: usize = 24;
/// Threads shown in the GIL timeline.
const TIMELINE_THREADS: usize = 4;

/// The verdict lines section 4 and the terminal both state.
struct Verdicts {
    theoretical: Inline,
    head_to_head: Vec<Inline>,
    runtimes: Vec<Inline>,
    checksum: Inline,
    /// What tracing the py models' heap did to their times.
    tracemalloc: Option<Inline>,
}

/// What tracing the driver's heap did to the py models' times, when it traced and they ran.
fn tracemalloc_note(t: &Text, exp: &CpuExperiment, env: &Environment, a: &CpuAnalysis) -> Option<Inline> {
    let python = exp.settings.python.as_ref().filter(|_| a.rows.iter().any(|r| r.kind.is_python()))?;
    let cost = tracemalloc_cost(t, env, python)?;
    let free = a.all(ModelKind::PyThreads).any(|r| r.lock() == Some(Lock::FreeThreaded));
    Some(led(t, "s4-py-tracemalloc", &[("slowdown", cost.into()), ("free", if free { "yes" } else { "no" }.into())]))
}

/// The head-to-head verdicts the reports state, naming models with `name`.
fn head_to_head(t: &Text, a: &CpuAnalysis, name: impl Fn(&Cell) -> String) -> Vec<Inline> {
    let stated = a.head_to_head().into_iter().filter(|h| h.stated);
    stated
        .map(|h| {
            let (f, s) = (name(h.fast.figures.cell), name(h.slow.figures.cell));
            let faster = |a: &str, b: &str, x: f64| {
                led(t, "s4-faster", &[("a", a.into()), ("b", b.into()), ("x", ratio_text(x).into())])
            };
            verdict(t, &h.ratio, |v| faster(&f, &s, v), |v| faster(&s, &f, v))
        })
        .collect()
}

/// The same one-at-a-time work in two runtimes (CPython against Rust, one interpreter against
/// another), naming models with `name`.
fn runtimes(t: &Text, a: &CpuAnalysis, name: impl Fn(&Cell) -> String) -> Vec<Inline> {
    a.runtimes()
        .into_iter()
        .map(|v| {
            let names = [("a", Arg::from(name(v.a.figures.cell))), ("b", name(v.b.figures.cell).into())];
            let line = |id: &str, x: f64| led(t, id, &[&names[..], &[("x", ratio_text(x).into())]].concat());
            verdict(t, &v.ratio, |x| line("runtime-slower", x), |x| line("runtime-faster", x))
        })
        .collect()
}

pub fn push(doc: &mut Document, t: &Text, exp: &CpuExperiment, env: &Environment) {
    let a = analyse(exp, env.cores_granted);
    let names = Names::new(t, exp.settings.python.as_ref());
    let mut verdicts = verdicts(&names, &a);
    verdicts.tracemalloc = tracemalloc_note(t, exp, env, &a);
    section4(doc, &names, exp, &a, &verdicts);
    let contended: Vec<String> = a
        .contended
        .iter()
        .map(|(cell, share)| {
            let args = [("model", names.spec(cell).into()), ("share", f2(*share).into())];
            t.msg("s4-baseline-contended", &args)
        })
        .collect();
    for note in &contended {
        doc.doc(Block::Note(note.as_str().into()));
    }
    section5(doc, &names, &a);
    details(doc, &names, exp, &a);
    doc.term(Block::Paragraph(verdicts.theoretical));
    for note in contended {
        doc.term(Block::Paragraph(note.into()));
    }
    if let Some(line) = smaller_set(t, exp) {
        doc.term(Block::Paragraph(line));
    }
    if let Some(st) = a.first(ModelKind::GilThreads).and_then(|g| g.gil()) {
        let args = [
            ("handovers", st.handovers.into()),
            ("forced", st.forced_drops.into()),
            ("wait", secs(t, Duration::from_nanos(st.wait_ns_total)).into()),
            ("peak", st.peak_inside.into()),
        ];
        doc.term(Block::Paragraph(t.msg("term-gil", &args).into()));
    }
    for line in super::locks::terminal_lines(&names, &a) {
        doc.term(Block::Paragraph(line.into()));
    }
    if let Some(cost) = exp.settings.python.as_ref().and_then(|p| tracemalloc_cost(t, env, p)) {
        doc.term(Block::Paragraph(t.msg("term-py-tracemalloc", &[("slowdown", cost.into())]).into()));
    }
    let specs = head_to_head(t, &a, |c| names.spec(c)).into_iter().chain(runtimes(t, &a, |c| names.spec(c)));
    for line in specs.chain([verdicts.checksum]) {
        doc.term(Block::Paragraph(line));
    }
}

fn verdicts(names: &Names, a: &CpuAnalysis) -> Verdicts {
    let t = names.t;
    let id = if a.checksums_ok() { "s4-checksum-ok" } else { "s4-checksum-bad" };
    Verdicts {
        theoretical: led(t, "s4-theoretical", &[("cores", a.cores.into())]),
        head_to_head: head_to_head(t, a, |c| names.name(c)),
        runtimes: runtimes(t, a, |c| names.name(c)),
        checksum: led(t, id, &[("sum", a.expected_checksum.to_string().into())]),
        tracemalloc: None,
    }
}

fn pct(x: Option<f64>) -> String {
    format!("{:.1}", x.unwrap_or(0.0) * 100.0)
}

pub(super) fn f2(x: f64) -> String {
    format!("{x:.2}")
}

fn speedup_of(a: &CpuAnalysis, kind: ModelKind) -> Option<f64> {
    a.first(kind).and_then(CpuRow::stated_speedup).map(|s| s.point)
}

/// That every model ran a smaller set of tasks than the source, when it did (the quick suite).
fn smaller_set(t: &Text, exp: &CpuExperiment) -> Option<Inline> {
    let source = exp.settings.source_tasks?;
    Some(led(t, "s4-smaller-set", &[("tasks", exp.settings.tasks.into()), ("source", source.into())]))
}

/// Whether a row is the one-at-a-time run others are measured against.
fn is_baseline(r: &CpuRow) -> bool {
    matches!(r.kind, ModelKind::Sequential | ModelKind::PySequential)
}

fn section4(doc: &mut Document, names: &Names, exp: &CpuExperiment, a: &CpuAnalysis, verdicts: &Verdicts) {
    let (t, s) = (names.t, &exp.settings);
    doc.heading(1, t.get("s4-title"));
    let work = [
        ("lo", s.spec.range.lo.to_string().into()),
        ("hi", s.spec.range.hi.to_string().into()),
        ("kernel", s.spec.kernel.to_string().into()),
    ];
    doc.doc(Block::Facts(vec![
        (t.get("s4-cores"), count(t, a.cores).into()),
        (t.get("s4-tasks"), count(t, s.tasks).into()),
        (t.get("s4-work"), t.msg("s4-work-value", &work).into()),
    ]));
    doc.doc_opt(smaller_set(t, exp).map(Block::Paragraph));
    doc.doc(Block::Rule);
    for (i, r) in a.rows.iter().enumerate() {
        doc.heading(3, t.msg("s4-test", &[("index", (i + 1).into()), ("model", names.name(r.figures.cell).into())]));
        let done = [("time", secs(t, r.figures.wall).into()), ("memory", heap_peak(&r.figures).plain_text().into())];
        let done = t.msg("done-time-memory", &done);
        let vs = r.speedup.filter(|_| !is_baseline(r)).map(|j| match j.ratio {
            Some(x) if r.kind.is_python() => t.msg("s4-vs-py-sync", &[("x", f2(x.point).into())]),
            Some(x) => t.msg("s4-vs-sync", &[("x", f2(x.point).into())]),
            None => withheld(t, &j).plain_text(),
        });
        doc.doc(bullets(std::iter::once(done).chain(vs)));
    }
    doc.heading(2, t.get("summary"));
    let rows = a
        .rows
        .iter()
        .map(|r| {
            let speedup = or_none(r.speedup, |j| ratio_cell(t, &j, |x| format!("{:.2}x", x.point)));
            vec![names.name(r.figures.cell).into(), secs(t, r.figures.wall).into(), heap_peak(&r.figures), speedup]
        })
        .collect();
    doc.doc(doc_table(headers(t, &["col-model", "col-time", "col-peak-memory", "col-speedup"]), rows));
    section4_analysis(doc, names, a, verdicts);
}

/// Section 4's analysis: what a GIL does, then each model's speed-up against the cores.
fn section4_analysis(doc: &mut Document, names: &Names, a: &CpuAnalysis, verdicts: &Verdicts) {
    let t = names.t;
    doc.heading(2, t.get("analysis"));
    doc.heading(3, t.get("s4-gil-heading"));
    doc.doc(Block::Paragraph(rich(t, "s4-gil-intro", &[("model", code("gil-threads").into())])));
    let point = |id: &str, x: f64| Item {
        text: led(t, id, &[("x", f2(x).into())]),
        more: Vec::new(),
        sub: vec![t.attr(id, "then", &[]).into()],
    };
    let points = [
        speedup_of(a, ModelKind::GilThreads).map(|x| point("s4-gil-point", x)),
        speedup_of(a, ModelKind::Processes).map(|x| point("s4-processes-point", x)),
        speedup_of(a, ModelKind::Threads).map(|x| point("s4-threads-point", x)),
    ];
    doc.doc(Block::Bullets(points.into_iter().flatten().collect()));
    super::locks::section4_points(doc, t, a);
    doc.doc(Block::Rule);
    let actual = a.rows.iter().filter(|r| !is_baseline(r)).filter_map(|r| {
        let j = r.speedup?;
        let Some(x) = j.ratio else { return Some(withheld(t, &j)) };
        let name = names.name(r.figures.cell);
        let line = led(
            t,
            "s4-actual",
            &[("model", name.into()), ("x", f2(x.point).into()), ("pct", pct(r.efficiency).into())],
        );
        let line = line.then(format!(" {}", interval_note(t, &x)));
        Some(if j.with_failures() { line.then(format!(" {}", failures_note(t, &j))) } else { line })
    });
    doc.doc(bullets(std::iter::once(verdicts.theoretical.clone()).chain(actual)));
    doc.doc_opt(verdicts.tracemalloc.clone().map(Block::Paragraph));
    if let Some(g) = a.first(ModelKind::GilThreads).and_then(CpuRow::stated_speedup)
        && g.point < 1.2
    {
        let line = led(t, "s4-gil-no-effect", &[("x", f2(g.point).into())]);
        doc.doc(Block::Paragraph(line.then(format!(" {}", interval_note(t, &g)))));
    }
    super::locks::no_effect(doc, names, a);
    for line in verdicts.head_to_head.iter().chain(&verdicts.runtimes) {
        doc.doc(Block::Paragraph(line.clone()));
    }
    doc.doc(bullets([verdicts.checksum.clone()]));
    doc.doc(Block::Rule);
}

/// What section 5 says about the GIL, all measured.
struct GilEvidence {
    /// t(gil-threads) − t(sequential), seconds (negative: faster).
    overhead_s: f64,
    /// Whether gil-threads was slower than sequential beyond the noise (`Some(false)`: faster
    /// beyond it; `None`: the interval straddles no change, or there is none).
    slower: Option<bool>,
    /// The interval note of sequential's speed-up over gil-threads (sequential time / gil time).
    note: String,
    handovers: u64,
    forced_drops: u64,
    wait_s: f64,
    switch_interval_ms: f64,
    peak_inside: usize,
    voluntary: u64,
    involuntary: u64,
    threads: usize,
}

fn gil_evidence(t: &Text, seq: &CpuRow, gil: &CpuRow) -> Option<GilEvidence> {
    let stats = gil.gil()?;
    let m = &gil.figures.run.measured;
    // gil.speedup is sequential time / gil time: below 1 when gil-threads was slower.
    let stated = gil.stated_speedup();
    let slower = stated.and_then(|s| s.significant().filter(|&beyond| beyond).map(|_| s.point < 1.0));
    let note = match (stated, gil.speedup) {
        (Some(s), _) => interval_note(t, &s.inverse()),
        (None, Some(j)) => withheld(t, &j).plain_text(),
        (None, None) => String::new(),
    };
    Some(GilEvidence {
        slower,
        note,
        overhead_s: gil.figures.wall.as_secs_f64() - seq.figures.wall.as_secs_f64(),
        handovers: stats.handovers,
        forced_drops: stats.forced_drops,
        wait_s: stats.wait_ns_total as f64 / 1e9,
        switch_interval_ms: stats.switch_interval_ns as f64 / 1e6,
        peak_inside: stats.peak_inside,
        voluntary: m.voluntary_switches,
        involuntary: m.involuntary_switches,
        threads: gil.figures.run.facts.threads_started,
    })
}

/// The overhead of gil-threads against sequential, in the words of `slower`, `faster` and
/// `noise` (message ids taking `$d` and the `extra` arguments).
fn by_outcome(t: &Text, g: &GilEvidence, ids: [&str; 3], extra: &[(&str, Arg)]) -> String {
    let (id, d) = match g.slower {
        Some(true) => (ids[0], f2(g.overhead_s)),
        Some(false) => (ids[1], f2(-g.overhead_s)),
        None => (ids[2], format!("{:+.2}", g.overhead_s)),
    };
    t.msg(id, &[extra, &[("d", d.into())]].concat())
}

fn section5(doc: &mut Document, names: &Names, a: &CpuAnalysis) {
    let t = names.t;
    let evidence = a.sequential.as_ref().zip(a.first(ModelKind::GilThreads));
    let evidence = evidence.and_then(|(seq, gil)| Some((seq, gil, gil_evidence(t, seq, gil)?)));
    let real = super::locks::any_real(a);
    match &evidence {
        Some((seq, gil, g)) => emulated(doc, names, seq, gil, g),
        None if real => doc.heading(1, t.get("s5-title-real")),
        None => return,
    }
    if real {
        super::locks::table(doc, names, a);
    }
    doc.heading(2, t.get("s5-beyond"));
    doc.doc(bullets(beyond(t, a).into_iter().chain(super::locks::beyond(t, a))));
    doc.doc(Block::Rule);
}

/// Section 5 as the source wrote it, on the emulated lock: sync against gil-threads, the lock's
/// counters and timeline, the overheads, the conclusion.
fn emulated(doc: &mut Document, names: &Names, seq: &CpuRow, gil: &CpuRow, g: &GilEvidence) {
    let t = names.t;
    doc.heading(1, t.get(if g.slower == Some(true) { "s5-title-slower" } else { "s5-title" }));
    let gil_time = [("time", secs(t, gil.figures.wall).into())];
    let rows = vec![
        vec![names.name(seq.figures.cell).into(), secs(t, seq.figures.wall).into()],
        vec![
            names.name(gil.figures.cell).into(),
            by_outcome(t, g, ["s5-row-slower", "s5-row-faster", "s5-row-noise"], &gil_time).into(),
        ],
    ];
    doc.doc(doc_table(headers(t, &["col-model", "col-time"]), rows));
    doc.doc(Block::Paragraph(led(t, "s5-key", &[])));
    doc.heading(3, t.get("s5-seq-heading"));
    doc.doc(Block::Code { lines: vec![t.get("s5-seq-timeline")], caption: None });
    let m = &seq.figures.run.measured;
    let switches = [("voluntary", m.voluntary_switches.into()), ("involuntary", m.involuntary_switches.into())];
    let seq_points = [t.get("s5-seq-no-contention"), t.msg("s5-seq-switches", &switches), t.get("s5-seq-simple")];
    doc.doc(bullets(seq_points));
    doc.heading(3, t.msg("s5-gil-heading", &[("n", gil.n.into())]));
    gil_timeline(doc, t, gil);
    doc.doc(bullets(gil_points(t, gil.n, g)));
    doc.heading(2, t.get("s5-overheads"));
    doc.doc(doc_table(headers(t, &["col-overhead", "col-measured"]), overhead_rows(t, gil.n, g)));
    doc.heading(2, t.get("s5-conclusion"));
    let note = [("note", g.note.as_str().into())];
    let ended = by_outcome(t, g, ["s5-ended-slower", "s5-ended-faster", "s5-ended-noise"], &note);
    doc.doc(bullets([t.get("s5-no-parallel"), t.get("s5-same-work"), ended]));
}

/// What the lock's counters say.
fn gil_points(t: &Text, n: usize, g: &GilEvidence) -> Vec<String> {
    let competed = [
        ("n", n.into()),
        ("handovers", g.handovers.into()),
        ("forced", g.forced_drops.into()),
        ("interval", format!("{:.0}", g.switch_interval_ms).into()),
    ];
    vec![
        t.msg("s5-gil-competed", &competed),
        t.msg("s5-gil-one-at-a-time", &[("peak", g.peak_inside.into())]),
        t.msg("s5-gil-waited", &[("wait", f2(g.wait_s).into())]),
        t.msg("s5-gil-result", &[("d", format!("{:+.2}", g.overhead_s).into())]),
    ]
}

/// The overheads of multithreading under a GIL, each as measured.
fn overhead_rows(t: &Text, n: usize, g: &GilEvidence) -> Vec<Vec<Inline>> {
    let rows = [
        ("s5-contention", t.msg("s5-contention-value", &[("n", n.into()), ("wait", f2(g.wait_s).into())])),
        (
            "s5-switching",
            t.msg("s5-switching-value", &[("voluntary", g.voluntary.into()), ("involuntary", g.involuntary.into())]),
        ),
        ("s5-threads", t.msg("s5-threads-value", &[("n", g.threads.into())])),
        (
            "s5-waiting",
            t.msg("s5-waiting-value", &[("handovers", g.handovers.into()), ("forced", g.forced_drops.into())]),
        ),
    ];
    rows.into_iter().map(|(id, value)| vec![t.get(id).into(), value.into()]).collect()
}

/// Who held the lock, slice by slice, over the first moments of the run.
fn gil_timeline(doc: &mut Document, t: &Text, gil: &CpuRow) {
    let slice = Duration::from_nanos(gil.gil().map_or(5_000_000, |s| s.switch_interval_ns));
    let holds = gil.gil().map_or(&[][..], |s| &s.timeline[..]);
    let rows = timeline(holds, gil.n.min(TIMELINE_THREADS), slice, TIMELINE_SLICES);
    if rows.is_empty() {
        return;
    }
    let mut lines: Vec<String> = rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let bar: String = row.iter().map(|&held| if held { '█' } else { '░' }).collect();
            format!("{:<8} {bar}", t.msg("s5-thread", &[("n", (i + 1).into())]))
        })
        .collect();
    if gil.n > TIMELINE_THREADS {
        lines.push("...".into());
    }
    let slice_ms = slice.as_secs_f64() * 1e3;
    let ms = |x: f64| Arg::from(format!("{x:.0}"));
    let caption =
        t.msg("s5-timeline-caption", &[("slice", ms(slice_ms)), ("total", ms(slice_ms * TIMELINE_SLICES as f64))]);
    doc.doc(Block::Code { lines, caption: Some(caption.into()) });
}

/// What the models without a GIL did.
fn beyond(t: &Text, a: &CpuAnalysis) -> Vec<Inline> {
    let mut lines = Vec::new();
    if let Some(r) = a.first(ModelKind::Threads)
        && let Some(x) = r.stated_speedup()
    {
        let args = [("n", r.n.into()), ("x", f2(x.point).into()), ("pct", pct(r.efficiency).into())];
        lines.push(led(t, "s5-beyond-threads", &args));
    }
    if let Some(p) = a.first(ModelKind::Processes)
        && let Some(pool) = p.pool()
    {
        let workers = pool.workers.len().max(1) as f64;
        let startup = pool.startup_mean().unwrap_or_default().as_secs_f64() * 1e3;
        let per_worker = |b: Option<u64>| or_none(b, |b| fmt_mib(b as f64 / workers)).plain_text();
        let args = [
            ("n", pool.workers.len().into()),
            ("startup", format!("{startup:.1}").into()),
            ("heap", per_worker(pool.heap_peak_bytes_sum()).into()),
            ("rss", per_worker(pool.rss_peak_bytes_sum()).into()),
        ];
        lines.push(led(t, "s5-beyond-processes", &args));
    }
    if let Some(x) = speedup_of(a, ModelKind::Async) {
        lines.push(led(t, "s5-beyond-async", &[("x", f2(x).into())]));
    }
    if let Some(r) = a.first(ModelKind::Rayon)
        && let Some(x) = r.stated_speedup()
    {
        lines.push(led(t, "s5-beyond-rayon", &[("n", r.n.into()), ("x", f2(x.point).into())]));
    }
    lines
}

/// Every model's figures: the document's last table and the terminal's.
fn details(doc: &mut Document, names: &Names, exp: &CpuExperiment, a: &CpuAnalysis) {
    let t = names.t;
    doc.heading(1, t.get("all-title"));
    let s = &exp.settings;
    let what = [
        ("tasks", s.tasks.into()),
        ("range", s.spec.range.to_string().into()),
        ("kernel", s.spec.kernel.to_string().into()),
        ("cores", a.cores.into()),
    ];
    doc.term(headline(t.msg("term-cpu", &what)));
    let h = |id: &str| t.get(id);
    let switches = |r: &CpuRow, sep: &str| {
        let m = &r.figures.run.measured;
        Inline::plain(format!("{}{sep}{}", m.voluntary_switches, m.involuntary_switches))
    };
    let columns = vec![
        at(None, Some(h("col-model")), |r: &CpuRow| names.name(r.figures.cell).into()),
        col(h("term-model"), h("col-spec"), |r: &CpuRow| Inline::code(names.spec(r.figures.cell))),
        at(Some(h("term-time")), None, |r: &CpuRow| time_with_spread(t, &r.figures).into()),
        at(None, Some(h("col-time")), |r: &CpuRow| secs(t, r.figures.wall).into()),
        col(h("term-speedup"), h("col-speedup"), |r: &CpuRow| {
            or_none(r.speedup, |j| ratio_cell(t, &j, |x| x.to_string()))
        }),
        col(h("term-efficiency"), h("col-efficiency"), |r: &CpuRow| {
            or_none(r.efficiency, |e| format!("{:.1}%", e * 100.0))
        }),
        at(None, Some(h("col-serial")), |r: &CpuRow| or_none(r.serial_fraction, serial_fraction)),
        col(h("term-peak-heap"), h("col-peak-heap"), |r: &CpuRow| heap_peak(&r.figures)),
        col(h("term-peak-rss"), h("col-peak-rss"), |r: &CpuRow| rss_peak(&r.figures)),
        col(h("term-cpu-time"), h("col-cpu"), |r: &CpuRow| secs(t, r.cpu).into()),
        at(Some(h("term-switches")), None, move |r: &CpuRow| switches(r, "/")),
        at(None, Some(h("col-switches")), move |r: &CpuRow| switches(r, " / ")),
        col(h("term-checksum"), h("col-checksum"), |r: &CpuRow| checksum_mark(r.checksum_ok).into()),
    ];
    let mut rows: Vec<_> = a.rows.iter().map(|r| row(&columns, r)).collect();
    rows.extend(exp.cells.iter().filter(|c| c.runs.is_empty()).map(|c| missing_row(t, c, 1)));
    doc.push(Show::Both, Block::Table(table(columns, rows)));
    let cells: Vec<&Cell> = exp.cells.iter().collect();
    terminal_notes(doc, t, Some("cpu"), &s.schedule, &cells);
}

/// ✓ when a model's counts summed to the reference, ✗ when not, – when not all its tasks ran.
fn checksum_mark(ok: Option<bool>) -> &'static str {
    match ok {
        Some(true) => "✓",
        Some(false) => "✗",
        None => "–",
    }
}

/// A Karp–Flatt serial fraction for the table: outside 0..1 it is no fraction but a sign that the
/// model ran slower than sequential (> 1) or faster than its cores allow (< 0).
fn serial_fraction(f: f64) -> String {
    if f > 1.0 {
        "> 1".into()
    } else if f < 0.0 {
        "< 0".into()
    } else {
        format!("{f:.2}")
    }
}
