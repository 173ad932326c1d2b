//! Sections 4 and 5: CPU-bound work under every model, then why threads under a GIL lose to
//! sequential, explained with the lock's own counters and a timeline measured in this run.

use std::fmt::Write as _;
use std::time::Duration;

use super::{heap_peak, rss_peak, table};
use crate::analysis::cpu::{CpuAnalysis, CpuRow, analyse, timeline};
use crate::record::{CpuExperiment, ModelKind};
use crate::report::lang::{GilEvidence, Words, verdict};
use crate::units::fmt_mib;

/// Slices shown in the GIL timeline.
const TIMELINE_SLICES: usize = 24;
/// Threads shown in the GIL timeline.
const TIMELINE_THREADS: usize = 4;

pub(super) fn sections(out: &mut String, w: &dyn Words, exp: &CpuExperiment, cores: usize) {
    let a = analyse(exp, cores);
    section4(out, w, exp, &a);
    section5(out, w, &a);
    details(out, w, &a);
}

fn pct(x: Option<f64>) -> f64 {
    x.unwrap_or(0.0) * 100.0
}

fn section4(out: &mut String, w: &dyn Words, exp: &CpuExperiment, a: &CpuAnalysis) {
    let s = &exp.settings;
    let _ = writeln!(out, "# {}\n", w.s4_title());
    let _ = writeln!(out, "- **{}:** {}", w.cpu_cores(), w.count(a.cores));
    let _ = writeln!(out, "- **{}:** {}", w.tasks_label(), w.count(s.tasks));
    let _ = writeln!(
        out,
        "- **{}:** {}",
        w.work_label(),
        w.work_value(s.spec.range.lo, s.spec.range.hi, &s.spec.kernel.to_string())
    );
    let _ = writeln!(out, "\n---\n");
    for (i, r) in a.rows.iter().enumerate() {
        let _ = writeln!(out, "### {}\n", w.cpu_test(i + 1, &w.model_name(&r.figures.cell.model)));
        let _ = writeln!(out, "- {}", w.done_time_memory(&w.secs(r.figures.wall), &heap_peak(&r.figures)));
        if r.kind != ModelKind::Sequential
            && let Some(x) = r.speedup
        {
            let _ = writeln!(out, "- {}", w.vs_sync(x.point));
        }
        out.push('\n');
    }
    let _ = writeln!(out, "## {}\n", w.summary());
    let rows: Vec<Vec<String>> = a
        .rows
        .iter()
        .map(|r| {
            vec![
                w.model_name(&r.figures.cell.model),
                w.secs(r.figures.wall),
                heap_peak(&r.figures),
                r.speedup.map_or("–".into(), |x| format!("{:.2}x", x.point)),
            ]
        })
        .collect();
    table(out, &[w.col_model(), w.col_time(), w.col_peak_memory(), w.col_speedup()], &rows);

    let _ = writeln!(out, "## {}\n", w.analysis());
    let _ = writeln!(out, "### {}\n", w.gil_heading());
    let _ = writeln!(out, "{}\n", w.gil_intro());
    if let Some(g) = a.first(ModelKind::GilThreads).and_then(|r| r.speedup).map(|s| s.point) {
        let _ = writeln!(out, "- {}", w.gil_threads_point(g));
    }
    if let Some(p) = a.first(ModelKind::Processes).and_then(|r| r.speedup).map(|s| s.point) {
        let _ = writeln!(out, "- {}", w.processes_point(p));
    }
    if let Some(t) = a.first(ModelKind::Threads).and_then(|r| r.speedup).map(|s| s.point) {
        let _ = writeln!(out, "- {}", w.free_threads_point(t));
    }
    let _ = writeln!(out, "\n---\n");
    let _ = writeln!(out, "- {}", w.theoretical_max(a.cores));
    for r in a.rows.iter().filter(|r| r.kind != ModelKind::Sequential) {
        if let Some(x) = r.speedup {
            let name = w.model_name(&r.figures.cell.model);
            let line = w.actual_speedup(&name, x.point, pct(r.efficiency));
            let _ = writeln!(out, "- {line} {}", w.interval_note(&x));
        }
    }
    out.push('\n');
    if let Some(g) = a.first(ModelKind::GilThreads).and_then(|r| r.speedup)
        && g.point < 1.2
    {
        let _ = writeln!(out, "{} {}\n", w.gil_no_effect(g.point), w.interval_note(&g));
    }
    for h in a.head_to_head().into_iter().filter(|h| h.stated) {
        let (f, s) = (w.model_name(&h.fast.figures.cell.model), w.model_name(&h.slow.figures.cell.model));
        let line = verdict(w, &h.ratio, |v| w.a_faster_than_b(&f, &s, v), |v| w.a_faster_than_b(&s, &f, v));
        let _ = writeln!(out, "{line}\n");
    }
    let _ = writeln!(out, "- {}\n\n---\n", w.checksum_line(a.expected_checksum, a.checksums_ok()));
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

fn section5(out: &mut String, w: &dyn Words, a: &CpuAnalysis) {
    let (Some(seq), Some(gil)) = (a.sequential.as_ref(), a.first(ModelKind::GilThreads)) else { return };
    let Some(g) = gil_evidence(w, seq, gil) else { return };
    let _ = writeln!(out, "# {}\n", w.s5_title(g.slower == Some(true)));
    table(
        out,
        &[w.col_model(), w.col_time()],
        &[
            vec![w.model_name(&seq.figures.cell.model), w.secs(seq.figures.wall)],
            vec![w.model_name(&gil.figures.cell.model), w.s5_row_gil(&w.secs(gil.figures.wall), &g)],
        ],
    );
    let _ = writeln!(out, "{}\n", w.key_line());
    let _ = writeln!(out, "### {}\n\n```\n{}\n```\n", w.seq_heading(), w.seq_timeline());
    let m = &seq.figures.run.measured;
    for p in w.seq_points(m.voluntary_switches, m.involuntary_switches) {
        let _ = writeln!(out, "- {p}");
    }
    let _ = writeln!(out, "\n### {}\n", w.gil_heading_n(gil.n));
    let slice = Duration::from_nanos(gil.gil().map_or(5_000_000, |s| s.switch_interval_ns));
    let holds = gil.gil().map_or(&[][..], |s| &s.timeline[..]);
    let rows = timeline(holds, gil.n.min(TIMELINE_THREADS), slice, TIMELINE_SLICES);
    if !rows.is_empty() {
        out.push_str("```\n");
        for (t, row) in rows.iter().enumerate() {
            let bar: String = row.iter().map(|&held| if held { '█' } else { '░' }).collect();
            let _ = writeln!(out, "{:<8} {bar}", w.timeline_label(t));
        }
        if gil.n > TIMELINE_THREADS {
            out.push_str("...\n");
        }
        out.push_str("```\n");
        let slice_ms = slice.as_secs_f64() * 1e3;
        let _ = writeln!(out, "{}\n", w.timeline_caption(slice_ms, slice_ms * TIMELINE_SLICES as f64));
    }
    for p in w.gil_points(gil.n, &g) {
        let _ = writeln!(out, "- {p}");
    }
    let _ = writeln!(out, "\n## {}\n", w.overheads_title());
    let rows: Vec<Vec<String>> = w.overhead_rows(gil.n, &g).into_iter().map(|r| r.to_vec()).collect();
    table(out, &w.overheads_columns(), &rows);
    let _ = writeln!(out, "## {}\n", w.conclusion_title());
    for p in w.conclusion(&g) {
        let _ = writeln!(out, "- {p}");
    }
    out.push('\n');

    let _ = writeln!(out, "## {}\n", w.beyond_title());
    if let Some(t) = a.first(ModelKind::Threads)
        && let Some(x) = t.speedup
    {
        let _ = writeln!(out, "- {}", w.beyond_free_threads(t.n, x.point, pct(t.efficiency)));
    }
    if let Some(p) = a.first(ModelKind::Processes)
        && let Some(pool) = p.pool()
    {
        let workers = pool.workers.len().max(1) as f64;
        let startup = pool.startup_mean().unwrap_or_default().as_secs_f64() * 1e3;
        let heap = pool.heap_peak_bytes_sum().map_or("–".into(), |b| fmt_mib(b as f64 / workers));
        let rss = pool.rss_peak_bytes_sum().map_or("–".into(), |b| fmt_mib(b as f64 / workers));
        let _ = writeln!(out, "- {}", w.beyond_processes(pool.workers.len(), startup, &heap, &rss));
    }
    if let Some(x) = a.first(ModelKind::Async).and_then(|r| r.speedup).map(|s| s.point) {
        let _ = writeln!(out, "- {}", w.beyond_async(x));
    }
    if let Some(r) = a.first(ModelKind::Rayon)
        && let Some(x) = r.speedup
    {
        let _ = writeln!(out, "- {}", w.beyond_rayon(r.n, x.point));
    }
    let _ = writeln!(out, "\n---\n");
}

fn details(out: &mut String, w: &dyn Words, a: &CpuAnalysis) {
    let _ = writeln!(out, "# {}\n", w.all_title());
    let rows: Vec<Vec<String>> = a
        .rows
        .iter()
        .map(|r| {
            let m = &r.figures.run.measured;
            vec![
                w.model_name(&r.figures.cell.model),
                format!("`{}`", r.figures.cell.model),
                w.secs(r.figures.wall),
                r.speedup.map_or("–".into(), |x| x.to_string()),
                r.efficiency.map_or("–".into(), |e| format!("{:.1}%", e * 100.0)),
                r.serial_fraction.map_or("–".into(), serial_fraction),
                heap_peak(&r.figures),
                rss_peak(&r.figures),
                w.secs(r.cpu),
                format!("{} / {}", m.voluntary_switches, m.involuntary_switches),
                checksum_mark(r.checksum_ok).into(),
            ]
        })
        .collect();
    table(out, &w.cpu_columns(), &rows);
}

/// ✓ when a model's counts summed to the reference, ✗ when not, – when not all its tasks ran.
pub(crate) fn checksum_mark(ok: Option<bool>) -> &'static str {
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
