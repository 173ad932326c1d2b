//! Sections 4 and 5: CPU-bound work under every model, then why threads under a GIL lose to
//! sequential, explained with the lock's own counters and a timeline measured in this run; then
//! every model's figures, one table for the document and the terminal summary.

use std::time::Duration;

use super::common::{
    at, col, doc_table, headline, heap_peak, missing_row, or_none, row, rss_peak, table, terminal_notes,
    time_with_spread,
};
use super::doc::{Block, Document, Inline, Show, bullets};
use super::lang::{GilEvidence, Words, verdict};
use crate::analysis::cpu::{CpuAnalysis, CpuRow, analyse, timeline};
use crate::record::{Cell, CpuExperiment, ModelKind, ModelSpec};
use crate::units::fmt_mib;

/// Slices shown in the GIL timeline.
const TIMELINE_SLICES: usize = 24;
/// Threads shown in the GIL timeline.
const TIMELINE_THREADS: usize = 4;

/// The verdict lines section 4 and the terminal both state.
struct Verdicts {
    theoretical: Inline,
    head_to_head: Vec<Inline>,
    checksum: Inline,
}

/// The head-to-head verdicts the reports state, naming models with `name`.
fn head_to_head(w: &dyn Words, a: &CpuAnalysis, name: impl Fn(&ModelSpec) -> String) -> Vec<Inline> {
    let stated = a.head_to_head().into_iter().filter(|h| h.stated);
    stated
        .map(|h| {
            let (f, s) = (name(&h.fast.figures.cell.model), name(&h.slow.figures.cell.model));
            Inline::markup(verdict(w, &h.ratio, |v| w.a_faster_than_b(&f, &s, v), |v| w.a_faster_than_b(&s, &f, v)))
        })
        .collect()
}

pub fn push(doc: &mut Document, w: &dyn Words, exp: &CpuExperiment, cores: usize) {
    let a = analyse(exp, cores);
    let verdicts = verdicts(w, &a);
    section4(doc, w, exp, &a, &verdicts);
    section5(doc, w, &a);
    details(doc, w, exp, &a);
    doc.term(Block::Paragraph(verdicts.theoretical));
    if let Some(st) = a.first(ModelKind::GilThreads).and_then(|g| g.gil()) {
        let line = format!(
            "gil-threads: {} hand-overs ({} forced), {:.2} s waiting for the lock, at most {} thread inside at once",
            st.handovers,
            st.forced_drops,
            st.wait_ns_total as f64 / 1e9,
            st.peak_inside
        );
        doc.term(Block::Paragraph(line.into()));
    }
    for line in head_to_head(w, &a, ModelSpec::to_string).into_iter().chain([verdicts.checksum]) {
        doc.term(Block::Paragraph(line));
    }
}

fn verdicts(w: &dyn Words, a: &CpuAnalysis) -> Verdicts {
    Verdicts {
        theoretical: Inline::markup(w.theoretical_max(a.cores)),
        head_to_head: head_to_head(w, a, |m| w.model_name(m)),
        checksum: Inline::markup(w.checksum_line(a.expected_checksum, a.checksums_ok())),
    }
}

fn pct(x: Option<f64>) -> f64 {
    x.unwrap_or(0.0) * 100.0
}

fn speedup_of(a: &CpuAnalysis, kind: ModelKind) -> Option<f64> {
    a.first(kind).and_then(|r| r.speedup).map(|s| s.point)
}

fn section4(doc: &mut Document, w: &dyn Words, exp: &CpuExperiment, a: &CpuAnalysis, verdicts: &Verdicts) {
    let s = &exp.settings;
    doc.heading(1, w.s4_title());
    let work = w.work_value(s.spec.range.lo, s.spec.range.hi, &s.spec.kernel.to_string());
    doc.doc(Block::Facts(vec![
        (w.cpu_cores().into(), w.count(a.cores).into()),
        (w.tasks_label().into(), w.count(s.tasks).into()),
        (w.work_label().into(), work.into()),
    ]));
    doc.doc(Block::Rule);
    for (i, r) in a.rows.iter().enumerate() {
        doc.heading(3, w.cpu_test(i + 1, &w.model_name(&r.figures.cell.model)));
        let done = w.done_time_memory(&w.secs(r.figures.wall), &heap_peak(&r.figures).plain_text());
        let vs = r.speedup.filter(|_| r.kind != ModelKind::Sequential).map(|x| w.vs_sync(x.point));
        doc.doc(bullets(std::iter::once(done).chain(vs)));
    }
    doc.heading(2, w.summary());
    let rows = a
        .rows
        .iter()
        .map(|r| {
            let speedup = or_none(r.speedup, |x| format!("{:.2}x", x.point));
            vec![
                w.model_name(&r.figures.cell.model).into(),
                w.secs(r.figures.wall).into(),
                heap_peak(&r.figures),
                speedup,
            ]
        })
        .collect();
    doc.doc(doc_table(&[w.col_model(), w.col_time(), w.col_peak_memory(), w.col_speedup()], rows));

    doc.heading(2, w.analysis());
    doc.heading(3, w.gil_heading());
    doc.doc(Block::Paragraph(Inline::markup(w.gil_intro())));
    let points = [
        speedup_of(a, ModelKind::GilThreads).map(|g| w.gil_threads_point(g)),
        speedup_of(a, ModelKind::Processes).map(|p| w.processes_point(p)),
        speedup_of(a, ModelKind::Threads).map(|t| w.free_threads_point(t)),
    ];
    doc.doc(bullets(points.into_iter().flatten().map(Inline::markup)));
    doc.doc(Block::Rule);
    let actual = a.rows.iter().filter(|r| r.kind != ModelKind::Sequential).filter_map(|r| {
        let x = r.speedup?;
        let line = w.actual_speedup(&w.model_name(&r.figures.cell.model), x.point, pct(r.efficiency));
        Some(Inline::markup(format!("{line} {}", w.interval_note(&x))))
    });
    doc.doc(bullets(std::iter::once(verdicts.theoretical.clone()).chain(actual)));
    if let Some(g) = a.first(ModelKind::GilThreads).and_then(|r| r.speedup)
        && g.point < 1.2
    {
        let line = format!("{} {}", w.gil_no_effect(g.point), w.interval_note(&g));
        doc.doc(Block::Paragraph(Inline::markup(line)));
    }
    for line in &verdicts.head_to_head {
        doc.doc(Block::Paragraph(line.clone()));
    }
    doc.doc(bullets([verdicts.checksum.clone()]));
    doc.doc(Block::Rule);
}

fn gil_evidence(w: &dyn Words, seq: &CpuRow, gil: &CpuRow) -> Option<GilEvidence> {
    let stats = gil.gil()?;
    let m = &gil.figures.run.measured;
    // gil.speedup is sequential time / gil time: below 1 when gil-threads was slower.
    let slower = gil.speedup.and_then(|s| s.significant().filter(|&beyond| beyond).map(|_| s.point < 1.0));
    let note = gil.speedup.map_or(String::new(), |s| w.interval_note(&s.inverse()));
    Some(GilEvidence {
        slower,
        note,
        sequential_s: seq.figures.wall.as_secs_f64(),
        gil_s: gil.figures.wall.as_secs_f64(),
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

fn section5(doc: &mut Document, w: &dyn Words, a: &CpuAnalysis) {
    let (Some(seq), Some(gil)) = (a.sequential.as_ref(), a.first(ModelKind::GilThreads)) else { return };
    let Some(g) = gil_evidence(w, seq, gil) else { return };
    doc.heading(1, w.s5_title(g.slower == Some(true)));
    let rows = vec![
        vec![w.model_name(&seq.figures.cell.model).into(), w.secs(seq.figures.wall).into()],
        vec![w.model_name(&gil.figures.cell.model).into(), w.s5_row_gil(&w.secs(gil.figures.wall), &g).into()],
    ];
    doc.doc(doc_table(&[w.col_model(), w.col_time()], rows));
    doc.doc(Block::Paragraph(Inline::markup(w.key_line())));
    doc.heading(3, w.seq_heading());
    doc.doc(Block::Code { lines: vec![w.seq_timeline().into()], caption: None });
    let m = &seq.figures.run.measured;
    doc.doc(bullets(w.seq_points(m.voluntary_switches, m.involuntary_switches)));
    doc.heading(3, w.gil_heading_n(gil.n));
    gil_timeline(doc, w, gil);
    doc.doc(bullets(w.gil_points(gil.n, &g)));
    doc.heading(2, w.overheads_title());
    let rows = w.overhead_rows(gil.n, &g).into_iter().map(|r| r.map(Inline::from).to_vec()).collect();
    doc.doc(doc_table(&w.overheads_columns(), rows));
    doc.heading(2, w.conclusion_title());
    doc.doc(bullets(w.conclusion(&g)));
    doc.heading(2, w.beyond_title());
    doc.doc(bullets(beyond(w, a).into_iter().map(Inline::markup)));
    doc.doc(Block::Rule);
}

/// Who held the lock, slice by slice, over the first moments of the run.
fn gil_timeline(doc: &mut Document, w: &dyn Words, gil: &CpuRow) {
    let slice = Duration::from_nanos(gil.gil().map_or(5_000_000, |s| s.switch_interval_ns));
    let holds = gil.gil().map_or(&[][..], |s| &s.timeline[..]);
    let rows = timeline(holds, gil.n.min(TIMELINE_THREADS), slice, TIMELINE_SLICES);
    if rows.is_empty() {
        return;
    }
    let mut lines: Vec<String> = rows
        .iter()
        .enumerate()
        .map(|(t, row)| {
            let bar: String = row.iter().map(|&held| if held { '█' } else { '░' }).collect();
            format!("{:<8} {bar}", w.timeline_label(t))
        })
        .collect();
    if gil.n > TIMELINE_THREADS {
        lines.push("...".into());
    }
    let slice_ms = slice.as_secs_f64() * 1e3;
    let caption = w.timeline_caption(slice_ms, slice_ms * TIMELINE_SLICES as f64);
    doc.doc(Block::Code { lines, caption: Some(caption.into()) });
}

/// What the models without a GIL did.
fn beyond(w: &dyn Words, a: &CpuAnalysis) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(t) = a.first(ModelKind::Threads)
        && let Some(x) = t.speedup
    {
        lines.push(w.beyond_free_threads(t.n, x.point, pct(t.efficiency)));
    }
    if let Some(p) = a.first(ModelKind::Processes)
        && let Some(pool) = p.pool()
    {
        let workers = pool.workers.len().max(1) as f64;
        let startup = pool.startup_mean().unwrap_or_default().as_secs_f64() * 1e3;
        let per_worker = |b: Option<u64>| or_none(b, |b| fmt_mib(b as f64 / workers)).plain_text();
        let (heap, rss) = (per_worker(pool.heap_peak_bytes_sum()), per_worker(pool.rss_peak_bytes_sum()));
        lines.push(w.beyond_processes(pool.workers.len(), startup, &heap, &rss));
    }
    if let Some(x) = speedup_of(a, ModelKind::Async) {
        lines.push(w.beyond_async(x));
    }
    if let Some(r) = a.first(ModelKind::Rayon)
        && let Some(x) = r.speedup
    {
        lines.push(w.beyond_rayon(r.n, x.point));
    }
    lines
}

/// Every model's figures: the document's last table and the terminal's.
fn details(doc: &mut Document, w: &dyn Words, exp: &CpuExperiment, a: &CpuAnalysis) {
    doc.heading(1, w.all_title());
    let s = &exp.settings;
    let cores = a.cores;
    let what = format!(
        "concbench cpu: {} tasks, primes up to n in {} ({}), {cores} cores granted",
        s.tasks, s.spec.range, s.spec.kernel
    );
    doc.term(headline(what));
    let h = w.cpu_columns();
    let switches = |r: &CpuRow, sep: &str| {
        let m = &r.figures.run.measured;
        Inline::plain(format!("{}{sep}{}", m.voluntary_switches, m.involuntary_switches))
    };
    let columns = vec![
        at(None, Some(h[0]), |r: &CpuRow| w.model_name(&r.figures.cell.model).into()),
        col("model", h[1], |r: &CpuRow| Inline::code(r.figures.cell.model.to_string())),
        at(Some("time"), None, |r: &CpuRow| time_with_spread(w, &r.figures).into()),
        at(None, Some(h[2]), |r: &CpuRow| w.secs(r.figures.wall).into()),
        col("speed-up", h[3], |r: &CpuRow| or_none(r.speedup, |x| x.to_string())),
        col("efficiency", h[4], |r: &CpuRow| or_none(r.efficiency, |e| format!("{:.1}%", e * 100.0))),
        at(None, Some(h[5]), |r: &CpuRow| or_none(r.serial_fraction, serial_fraction)),
        col("peak heap", h[6], |r: &CpuRow| heap_peak(&r.figures)),
        col("peak RSS", h[7], |r: &CpuRow| rss_peak(&r.figures)),
        col("CPU", h[8], |r: &CpuRow| w.secs(r.cpu).into()),
        at(Some("ctx sw (vol/invol)"), None, move |r: &CpuRow| switches(r, "/")),
        at(None, Some(h[9]), move |r: &CpuRow| switches(r, " / ")),
        col("checksum", h[10], |r: &CpuRow| checksum_mark(r.checksum_ok).into()),
    ];
    let mut rows: Vec<_> = a.rows.iter().map(|r| row(&columns, r)).collect();
    rows.extend(exp.cells.iter().filter(|c| c.runs.is_empty()).map(|c| missing_row(c, 1)));
    doc.push(Show::Both, Block::Table(table(columns, rows)));
    let cells: Vec<&Cell> = exp.cells.iter().collect();
    terminal_notes(doc, w, &s.schedule, &cells);
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
