//! The terminal summary: one aligned table of every model, then the verdict lines.

use std::fmt::Write as _;

use super::lang::words;
use super::markdown::fixed_latency;
use super::{Experiment, Exporter, IoExperiment, Lang, Report, TargetKind};
use crate::analysis::io::{self as io_analysis, Figures};
use crate::units::{fmt_mib, fmt_ms_us};

pub struct Terminal {
    pub lang: Lang,
    /// Bold headings (ANSI); off when not a terminal or `NO_COLOR` is set.
    pub color: bool,
}

/// Aligns columns: the first left-aligned, the rest right-aligned.
pub fn aligned(rows: &[Vec<String>]) -> String {
    let widths: Vec<usize> = (0..rows.first().map_or(0, Vec::len))
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

impl Terminal {
    fn bold(&self, s: &str) -> String {
        if self.color { format!("\x1b[1m{s}\x1b[0m") } else { s.to_string() }
    }

    fn io(&self, out: &mut String, io: &IoExperiment) {
        let w = words(self.lang);
        let target = match (&io.target.kind, &io.target.embedded) {
            (TargetKind::Embedded, Some(e)) => format!("embedded API, latency {}", e.latency_profile),
            _ => io.target.url_template.clone(),
        };
        let servers: Vec<_> = io.cells.iter().flat_map(|c| &c.runs).filter_map(|r| r.server.as_ref()).collect();
        let responses: u64 = servers.iter().map(|s| s.responses).sum();
        let applied: u64 = servers.iter().map(|s| s.latency_applied_us_total).sum();
        let applied = match crate::analysis::ratio(applied as f64, responses as f64) {
            Some(us) => format!(" (applied {} on average)", fmt_ms_us(us)),
            None => String::new(),
        };
        let heading = format!("concbench io: {} requests to {target}{applied}", io.settings.requests);
        let _ = writeln!(out, "{}\n", self.bold(&heading));
        let latency = fixed_latency(io);
        let mut rows = vec![
            ["model", "ok/failed", "time", "ideal", "req/s", "p50", "p99", "peak heap", "peak RSS", "CPU"]
                .map(String::from)
                .to_vec(),
        ];
        let mut notes = Vec::new();
        for cell in &io.cells {
            let Some(f) = Figures::of(cell) else {
                rows.push(vec![cell.model.to_string(), "failed".into()]);
                continue;
            };
            let m = &f.run.measured;
            let lat = |q: fn(&crate::measure::LatencySummary) -> u64| {
                f.run.latency_ok.as_ref().map_or("–".into(), |l| fmt_ms_us(q(l) as f64))
            };
            let mut time = w.secs(f.wall);
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
                lat(|l| l.p50_us),
                lat(|l| l.p99_us),
                f.heap_peak_bytes().map_or("–".into(), |b| fmt_mib(b as f64)),
                m.rss_peak_bytes.map_or("–".into(), |b| fmt_mib(b as f64)),
                w.secs(m.cpu()),
            ]);
        }
        out.push_str(&aligned(&rows));
        for n in notes {
            let _ = writeln!(out, "  {n}");
        }
        for cell in &io.cells {
            if let super::CellStatus::Failed { reason } = &cell.status {
                let _ = writeln!(out, "  ✗ {}: {reason}", cell.model);
            }
            for r in &cell.runs {
                for (kind, t) in &r.errors {
                    let _ = writeln!(out, "  ✗ {}: {} × {kind} (e.g. {})", cell.model, t.count, t.example);
                }
            }
        }
        out.push('\n');
        let plain = |s: String| s.replace("**", "");
        if let Some(s1) = io_analysis::sync_vs_async(io) {
            let v = if s1.async_speedup >= 1.0 {
                w.async_faster(s1.async_speedup)
            } else {
                w.sync_faster(1.0 / s1.async_speedup)
            };
            let _ = writeln!(out, "  [1] {}", plain(v));
        }
        if let Some(s2) = io_analysis::threads_vs_async(io) {
            let v = if s2.async_speedup >= 1.0 {
                w.speed_verdict_async(s2.async_speedup)
            } else {
                w.speed_verdict_threads(1.0 / s2.async_speedup)
            };
            let _ = writeln!(out, "  [2] {}", plain(v));
            if let Some(m) = s2.threads_memory_advantage {
                let v = if m >= 1.0 { w.memory_verdict_threads(m) } else { w.memory_verdict_async(1.0 / m) };
                let _ = writeln!(out, "      {}", plain(v));
            }
        }
        if io_analysis::checksums_agree(io) == Some(false) {
            let _ = writeln!(out, "  {}", plain(w.checksum_mismatch().to_string()));
        }
    }
}

impl Exporter for Terminal {
    fn render(&self, report: &Report) -> anyhow::Result<Vec<u8>> {
        let mut out = String::new();
        if !report.complete {
            let _ = writeln!(out, "{}\n", words(self.lang).incomplete().replace("**", ""));
        }
        for experiment in &report.experiments {
            match experiment {
                Experiment::Io(io) => self.io(&mut out, io),
            }
        }
        Ok(out.into_bytes())
    }
}
