//! The terminal summary: one aligned table per experiment, then the verdict lines.

use std::fmt::Write as _;

use super::Exporter;
use super::lang::{Words, verdict, words};
use super::markdown::{
    applied_latency, busy, checksum_mark, failure_lines, fixed_latency, knee_text, span_lines, spread_notes,
};
use crate::analysis::checksums_agree;
use crate::analysis::cpu as cpu_analysis;
use crate::analysis::io::{self as io_analysis, Figures};
use crate::analysis::sweep::analyse;
use crate::record::{
    Cell, CellStatus, CpuExperiment, Experiment, IoExperiment, ModelKind, Report, ScaleExperiment, Schedule,
    TargetInfo, TargetKind,
};
use crate::text::Lang;
use crate::units::{fmt_mib, fmt_ms_us};

pub struct Terminal {
    pub lang: Lang,
    /// Bold headings (ANSI); off when not a terminal or `NO_COLOR` is set.
    pub color: bool,
}

/// Aligns columns: the first left-aligned, the rest right-aligned.
pub fn aligned(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|i| rows.iter().map(|r| r.get(i).map_or(0, |c| c.chars().count())).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::from("  ");
        for (i, cell) in row.iter().enumerate() {
            let pad = widths[i].saturating_sub(cell.chars().count());
            if i == 0 {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
            } else {
                line.push_str("  ");
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Markdown emphasis removed, for the terminal.
fn plain(s: impl AsRef<str>) -> String {
    s.as_ref().replace("**", "")
}

fn lat(f: &Figures, q: fn(&crate::record::LatencySummary) -> u64) -> String {
    f.latency().as_ref().map_or("–".into(), |l| fmt_ms_us(q(l) as f64))
}

/// The median time, with the spread (sd as a share of the mean) when there were several runs.
fn time_cell(w: &dyn Words, f: &Figures) -> String {
    let t = &f.summary.wall_s;
    if t.n > 1 { format!("{} ±{:.0}%", w.secs(f.wall), t.cv() * 100.0) } else { w.secs(f.wall) }
}

/// One line on how the runs were repeated, and notes on cells whose spread deserves a look.
fn runs_note(out: &mut String, w: &dyn Words, schedule: &Schedule, cells: &[&Cell]) {
    let _ = writeln!(out, "  {}", w.schedule_line(schedule.runs, schedule.warmup, schedule.shuffle_seed));
    for c in cells {
        if let Some(f) = Figures::of(c) {
            let notes = spread_notes(w, &f.summary);
            if !notes.is_empty() {
                let _ = writeln!(out, "  ⚠ {}: {}", c.model, notes.join("; "));
            }
        }
    }
}

fn heap(f: &Figures) -> String {
    f.heap_peak_bytes().map_or("–".into(), |b| fmt_mib(b as f64))
}

fn rss(f: &Figures) -> String {
    f.run.measured.rss_peak_bytes.map_or("–".into(), |b| fmt_mib(b as f64))
}

impl Terminal {
    fn bold(&self, s: &str) -> String {
        if self.color { format!("\x1b[1m{s}\x1b[0m") } else { s.to_string() }
    }

    fn heading(&self, out: &mut String, what: &str, target: &TargetInfo, cells: &[&Cell]) {
        let to = match (&target.kind, &target.embedded) {
            (TargetKind::Embedded, Some(e)) => format!("embedded API, latency {}", e.config.latency),
            _ => target.url_template.clone(),
        };
        let applied = match applied_latency(cells) {
            Some((_, us, _)) => format!(" (applied {} on average)", fmt_ms_us(us)),
            None => String::new(),
        };
        let _ = writeln!(out, "{}\n", self.bold(&format!("concbench {what} to {to}{applied}")));
    }

    /// The row of a model with no measured run: it failed, or the run was interrupted first.
    fn missing_row(cell: &Cell) -> Vec<String> {
        let state = match cell.status {
            CellStatus::Failed { .. } => "failed",
            CellStatus::Pending | CellStatus::Ok => "not run",
        };
        vec![cell.model.to_string(), state.into()]
    }

    /// Failure lines shared by every experiment.
    fn failures(out: &mut String, w: &dyn Words, cells: &[&Cell]) {
        for line in failure_lines(w, cells) {
            let _ = writeln!(out, "  {}", plain(line).replace('`', ""));
        }
        if checksums_agree(cells.iter().copied()).is_some_and(|(same, _)| !same) {
            let _ = writeln!(out, "  {}", plain(w.checksum_mismatch()));
        }
    }

    fn io(&self, out: &mut String, w: &dyn Words, io: &IoExperiment) {
        let cells: Vec<&Cell> = io.cells.iter().collect();
        self.heading(out, &format!("io: {} requests", io.settings.requests), &io.target, &cells);
        let latency = fixed_latency(&io.target);
        let mut rows = vec![
            ["model", "ok/failed", "time", "ideal", "req/s", "p50", "p99", "peak heap", "peak RSS", "CPU"]
                .map(String::from)
                .to_vec(),
        ];
        let mut notes = Vec::new();
        for cell in &io.cells {
            let Some(f) = Figures::of(cell) else {
                rows.push(Self::missing_row(cell));
                continue;
            };
            let mut time = time_cell(w, &f);
            if f.estimated {
                time.push('*');
                notes.push(format!(
                    "* {}: {} of {} requests run; all {} estimated at {}",
                    cell.model,
                    f.run.tasks,
                    cell.tasks_total,
                    cell.tasks_total,
                    w.secs(f.total_time)
                ));
            }
            rows.push(vec![
                cell.model.to_string(),
                format!("{}/{}", f.run.ok, f.run.failed),
                time,
                latency.map_or("–".into(), |l| w.secs(io_analysis::floor(cell, f.run, l))),
                format!("{:.0}", f.throughput_per_s),
                lat(&f, |l| l.p50_us),
                lat(&f, |l| l.p99_us),
                heap(&f),
                rss(&f),
                w.secs(f.run.measured.cpu()),
            ]);
        }
        out.push_str(&aligned(&rows));
        for n in notes {
            let _ = writeln!(out, "  {n}");
        }
        Self::failures(out, w, &cells);
        runs_note(out, w, &io.settings.schedule, &cells);
        out.push('\n');
        if let Some(s1) = io_analysis::sync_vs_async(io) {
            let v = verdict(w, &s1.async_speedup, |x| w.async_faster(x), |x| w.sync_faster(x));
            let _ = writeln!(out, "  [1] {}", plain(v));
        }
        if let Some(s2) = io_analysis::threads_vs_async(io) {
            let v = verdict(w, &s2.async_speedup, |x| w.speed_verdict_async(x), |x| w.speed_verdict_threads(x));
            let _ = writeln!(out, "  [2] {}", plain(v));
            if let Some(m) = s2.threads_memory_advantage {
                let v = verdict(w, &m, |x| w.memory_verdict_threads(x), |x| w.memory_verdict_async(x));
                let _ = writeln!(out, "      {}", plain(v));
            }
        }
    }

    fn scale(&self, out: &mut String, w: &dyn Words, exp: &ScaleExperiment, cores: usize) {
        let kind = exp.settings.model;
        let cells: Vec<&Cell> = exp.baseline.as_deref().into_iter().chain(exp.points.iter()).collect();
        let what =
            format!("scale: {} over {:?}, {} requests", kind.name(), exp.settings.settings, exp.settings.requests);
        self.heading(out, &what, &exp.target, &cells);
        let sweep = analyse(exp, cores);
        let mut rows = vec![
            [
                w.col_setting(kind),
                "time",
                "ideal",
                "×ideal",
                "vs base",
                "req/s",
                "p50",
                "p99",
                "peak heap",
                "peak RSS",
                "CPU cores",
                "srv peak",
                "queued",
            ]
            .map(String::from)
            .to_vec(),
        ];
        if let (Some(spec), Some(b)) = (&exp.settings.baseline, &sweep.baseline) {
            rows.push(vec![
                format!("{spec} (base)"),
                time_cell(w, b),
                "".into(),
                "".into(),
                "1.00x".into(),
                format!("{:.0}", b.throughput_per_s),
                lat(b, |l| l.p50_us),
                lat(b, |l| l.p99_us),
                heap(b),
                rss(b),
            ]);
        }
        for p in &sweep.points {
            let f = &p.figures;
            let server = f.run.server.as_ref();
            rows.push(vec![
                p.setting.to_string(),
                time_cell(w, f),
                p.ideal.map_or("–".into(), |d| w.secs(d)),
                p.to_ideal.map_or("–".into(), |r| format!("{r:.2}x")),
                p.vs_baseline.map_or("–".into(), |r| r.to_string()),
                format!("{:.0}", f.throughput_per_s),
                lat(f, |l| l.p50_us),
                lat(f, |l| l.p99_us),
                heap(f),
                rss(f),
                format!("{:.2}", p.cores_used),
                server.map_or("–".into(), |s| s.peak_inflight.to_string()),
                server.map_or("–".into(), |s| s.queued_requests.to_string()),
            ]);
        }
        out.push_str(&aligned(&rows));
        Self::failures(out, w, &cells);
        runs_note(out, w, &exp.settings.schedule, &cells);
        out.push('\n');
        for line in span_lines(w, exp, &sweep) {
            let _ = writeln!(out, "  {line}");
        }
        if sweep.baseline.is_some() {
            let line = match sweep.reached_baseline_at {
                Some(n) => w.reached(kind, n),
                None => w.not_reached(kind).to_string(),
            };
            let _ = writeln!(out, "  {}", plain(line));
        }
        if sweep.diminishing() {
            let _ = writeln!(out, "  {}", plain(w.diminishing(kind)));
        }
        let _ = writeln!(out, "  {}", plain(knee_text(w, exp, &sweep)));
        let _ = writeln!(out, "  {}", plain(w.diagnosis(&sweep.diagnosis, kind)));
        match &sweep.usl {
            Ok(usl) => {
                let peak = usl.peak_concurrency().map(|n| (n, usl.throughput(n)));
                let _ = writeln!(out, "  {}", plain(w.usl_line(usl, peak)));
            }
            Err(levels) => {
                let _ = writeln!(out, "  {}", plain(w.usl_too_few(*levels)));
            }
        }
        let kib = |b: Option<f64>| b.map(|b| b / 1024.0);
        let _ = writeln!(
            out,
            "  {}",
            plain(w.memory_per_worker(kind, kib(sweep.heap_per_worker_bytes), kib(sweep.rss_per_worker_bytes)))
        );
    }
}

impl Terminal {
    fn cpu(&self, out: &mut String, w: &dyn Words, exp: &CpuExperiment, cores: usize) {
        let s = &exp.settings;
        let heading = format!(
            "concbench cpu: {} tasks, primes up to n in {} ({}), {} cores granted",
            s.tasks, s.spec.range, s.spec.kernel, cores
        );
        let _ = writeln!(out, "{}\n", self.bold(&heading));
        let a = cpu_analysis::analyse(exp, cores);
        let mut rows = vec![
            [
                "model",
                "time",
                "speed-up",
                "efficiency",
                "peak heap",
                "peak RSS",
                "CPU",
                "ctx sw (vol/invol)",
                "checksum",
            ]
            .map(String::from)
            .to_vec(),
        ];
        for r in &a.rows {
            let m = &r.figures.run.measured;
            rows.push(vec![
                r.figures.cell.model.to_string(),
                time_cell(w, &r.figures),
                r.speedup.map_or("–".into(), |x| x.to_string()),
                r.efficiency.map_or("–".into(), |e| format!("{:.1}%", e * 100.0)),
                heap(&r.figures),
                rss(&r.figures),
                w.secs(r.cpu),
                format!("{}/{}", m.voluntary_switches, m.involuntary_switches),
                checksum_mark(r.checksum_ok).into(),
            ]);
        }
        for cell in exp.cells.iter().filter(|c| c.runs.is_empty()) {
            rows.push(Self::missing_row(cell));
        }
        out.push_str(&aligned(&rows));
        let cells: Vec<&Cell> = exp.cells.iter().collect();
        Self::failures(out, w, &cells);
        runs_note(out, w, &exp.settings.schedule, &cells);
        out.push('\n');
        let _ = writeln!(out, "  {}", plain(w.theoretical_max(a.cores)));
        if let Some(gil) = a.first(ModelKind::GilThreads)
            && let Some(st) = gil.gil()
        {
            let _ = writeln!(
                out,
                "  gil-threads: {} hand-overs ({} forced), {:.2} s waiting for the lock, at most {} thread inside at once",
                st.handovers,
                st.forced_drops,
                st.wait_ns_total as f64 / 1e9,
                st.peak_inside
            );
        }
        for h in a.head_to_head().into_iter().filter(|h| h.stated) {
            let (f, s) = (h.fast.figures.cell.model.to_string(), h.slow.figures.cell.model.to_string());
            let line = verdict(w, &h.ratio, |v| w.a_faster_than_b(&f, &s, v), |v| w.a_faster_than_b(&s, &f, v));
            let _ = writeln!(out, "  {}", plain(line));
        }
        let _ = writeln!(out, "  {}", plain(w.checksum_line(a.expected_checksum, a.checksums_ok())));
    }
}

impl Exporter for Terminal {
    fn render(&self, report: &Report) -> anyhow::Result<Vec<u8>> {
        let w = words(self.lang);
        let mut out = String::new();
        if !report.complete {
            let _ = writeln!(out, "{}\n", plain(w.incomplete()));
        }
        if let Some(load) = busy(report) {
            let _ = writeln!(out, "{}\n", plain(w.busy_warning(load, report.environment.cores_granted)));
        }
        for (i, experiment) in report.experiments.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            match experiment {
                Experiment::Io(io) => self.io(&mut out, w, io),
                Experiment::Scale(s) => self.scale(&mut out, w, s, report.environment.cores_granted),
                Experiment::Cpu(c) => self.cpu(&mut out, w, c, report.environment.cores_granted),
            }
        }
        Ok(out.into_bytes())
    }
}
