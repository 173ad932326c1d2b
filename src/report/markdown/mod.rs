//! Markdown: the source report's sections, in its shape and wording, from measured figures;
//! then what the source did not show (every run's figures, failures, target, environment).

mod cpu;
mod io;
mod scale;

pub(crate) use cpu::checksum_mark;
pub(crate) use scale::{knee_text, span_lines};

use std::fmt::Write as _;
use std::time::Duration;

use super::Exporter;
use super::lang::{Words, words};
use crate::analysis::checksums_agree;
use crate::analysis::io::Figures;
use crate::record::{
    Cell, CellStatus, CellSummary, ClientSettings, Experiment, LatencyProfile, Report, Schedule, StatsSnapshot,
    TargetInfo, TargetKind,
};
use crate::text::Lang;
use crate::units::{fmt_duration, fmt_mib};

pub struct Markdown {
    pub lang: Lang,
    /// Link the chart files (`io-time.svg`, ...) written beside the report.
    pub charts: bool,
}

impl Exporter for Markdown {
    fn render(&self, report: &Report) -> anyhow::Result<Vec<u8>> {
        let w = words(self.lang);
        let mut out = String::new();
        if !report.complete {
            let _ = writeln!(out, "{}\n", w.incomplete());
        }
        if let Some(load) = busy(report) {
            let _ = writeln!(out, "{}\n", w.busy_warning(load, report.environment.cores_granted));
        }
        let charts = if self.charts { super::charts::all(report, w)? } else { Vec::new() };
        for experiment in &report.experiments {
            match experiment {
                Experiment::Io(e) => io::sections(&mut out, w, e),
                Experiment::Scale(e) => scale::section(&mut out, w, e, report.environment.cores_granted),
                Experiment::Cpu(e) => cpu::sections(&mut out, w, e, report.environment.cores_granted),
            }
            for chart in charts.iter().filter(|c| super::charts::ids_for(experiment).contains(&c.id)) {
                let _ = writeln!(out, "![{}]({})\n", chart.title, chart.file_name());
            }
            let cells = experiment.cells();
            spread(&mut out, w, experiment.schedule(), &cells);
            failures(&mut out, w, &cells);
            if let (Some(t), Some(c)) = (experiment.target(), experiment.client()) {
                target(&mut out, w, t, c, &cells);
            }
        }
        environment(&mut out, w, report);
        Ok(out.into_bytes())
    }
}

/// A Markdown table.
pub fn table(out: &mut String, header: &[&str], rows: &[Vec<String>]) {
    let _ = writeln!(out, "| {} |", header.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(header.len()));
    for row in rows {
        let _ = writeln!(out, "| {} |", row.join(" | "));
    }
    out.push('\n');
}

pub(crate) fn mib_signed(bytes: i64) -> String {
    if bytes < 0 { format!("-{}", fmt_mib(bytes.unsigned_abs() as f64)) } else { fmt_mib(bytes as f64) }
}

pub(crate) fn heap_peak(f: &Figures) -> String {
    f.heap_peak_bytes().map_or("–".into(), |b| fmt_mib(b as f64))
}

pub(crate) fn heap_current(f: &Figures) -> String {
    f.heap_current_bytes().map_or("–".into(), mib_signed)
}

pub(crate) fn rss_peak(f: &Figures) -> String {
    f.run.measured.rss_peak_bytes.map_or("–".into(), |b| fmt_mib(b as f64))
}

/// The fixed latency of the embedded API, when it has one: what "ideal" times are computed from.
pub fn fixed_latency(target: &TargetInfo) -> Option<Duration> {
    match target.embedded.as_ref()?.config.latency {
        LatencyProfile::Fixed(d) if !d.is_zero() => Some(d),
        _ => None,
    }
}

/// The embedded API's latency really applied, over every run of `cells`: (requested, applied,
/// max) in microseconds.
pub fn applied_latency(cells: &[&Cell]) -> Option<(f64, f64, u64)> {
    let servers: Vec<&StatsSnapshot> =
        cells.iter().flat_map(|c| c.runs.iter().filter_map(|r| r.server.as_ref())).collect();
    let responses: u64 = servers.iter().map(|s| s.responses).sum();
    (responses > 0).then(|| {
        let total = |f: fn(&StatsSnapshot) -> u64| servers.iter().map(|s| f(s)).sum::<u64>() as f64 / responses as f64;
        let max = servers.iter().filter_map(|s| s.latency_applied_us_max).max().unwrap_or(0);
        (total(|s| s.latency_requested_us_total), total(|s| s.latency_applied_us_total), max)
    })
}

/// The load average at the start, when it says the machine was busy (above half its cores).
pub fn busy(report: &Report) -> Option<f64> {
    let load = report.environment.load_average_start?;
    (load > 0.5 * report.environment.cores_granted as f64).then_some(load)
}

/// Notes on a cell's spread: a slow first run, a large spread, outliers.
pub fn spread_notes(w: &dyn Words, s: &CellSummary) -> Vec<String> {
    let mut notes = Vec::new();
    if s.first_run_slow {
        notes.push(w.note_first_slow().to_string());
    }
    if crate::analysis::stats::large_spread(&s.wall_s) {
        notes.push(w.note_large_spread(s.wall_s.cv() * 100.0));
    }
    if !s.wall_s.outliers.is_empty() {
        notes.push(w.note_outliers(s.wall_s.outliers.len()));
    }
    notes
}

fn spread(out: &mut String, w: &dyn Words, schedule: &Schedule, cells: &[&Cell]) {
    let _ = writeln!(out, "## {}\n", w.spread_title());
    let _ = writeln!(out, "{}\n", w.schedule_line(schedule.runs, schedule.warmup, schedule.shuffle_seed));
    let secs = |x: f64| w.secs(Duration::from_secs_f64(x.max(0.0)));
    let rows: Vec<Vec<String>> = cells
        .iter()
        .filter_map(|c| {
            let f = Figures::of(c)?;
            let t = &f.summary.wall_s;
            Some(vec![
                format!("`{}`", c.model),
                t.n.to_string(),
                secs(t.median),
                format!("{} ± {}", secs(t.mean), secs(t.sd)),
                format!("{} … {}", secs(t.min), secs(t.max)),
                t.ci95.map_or("–".into(), |(lo, hi)| format!("{} – {}", secs(lo), secs(hi))),
                t.outliers.len().to_string(),
                spread_notes(w, &f.summary).join("; "),
            ])
        })
        .collect();
    table(out, &w.spread_columns(), &rows);
}

/// What went wrong, a line per fact: a model that failed as a whole, its failed requests per kind
/// (summed over its runs), its retries. Shared by the Markdown and terminal reports.
pub(crate) fn failure_lines(w: &dyn Words, cells: &[&Cell]) -> Vec<String> {
    let mut lines = Vec::new();
    for cell in cells {
        let model = cell.model.to_string();
        if let CellStatus::Failed { reason } = &cell.status {
            lines.push(w.failed_cell(&model, reason));
        }
        let mut kinds: std::collections::BTreeMap<&str, (u64, &str)> = Default::default();
        for (kind, t) in cell.runs.iter().flat_map(|r| &r.errors) {
            kinds.entry(kind).or_insert((0, &t.example)).0 += t.count;
        }
        for (kind, (count, example)) in kinds {
            lines.push(w.error_kind_line(&model, count, kind, cell.runs.len(), example));
        }
        let retries: u64 = cell.runs.iter().map(|r| r.retries).sum();
        if retries > 0 {
            let ok_after: u64 = cell.runs.iter().map(|r| r.ok_after_retry).sum();
            lines.push(format!("↻ {}", w.retries_line(&model, retries, ok_after, crate::analysis::failed(cell))));
        }
    }
    lines
}

fn failures(out: &mut String, w: &dyn Words, cells: &[&Cell]) {
    let lines = failure_lines(w, cells);
    if !lines.is_empty() {
        let _ = writeln!(out, "## {}\n", w.failures_title());
        for line in lines {
            let _ = writeln!(out, "- {line}");
        }
        out.push('\n');
    }
}

fn target(out: &mut String, w: &dyn Words, target: &TargetInfo, client: &ClientSettings, cells: &[&Cell]) {
    let _ = writeln!(out, "# {}\n", w.target_title());
    match (&target.kind, &target.embedded) {
        (TargetKind::Embedded, Some(e)) => {
            let _ = writeln!(
                out,
                "- {}",
                w.target_embedded(&e.config.latency.to_string(), &e.mode.to_string(), e.config.max_inflight)
            );
            if let Some((requested, applied, max)) = applied_latency(cells) {
                let _ = writeln!(out, "- {}", w.applied_latency(requested / 1e3, applied / 1e3, max as f64 / 1e3));
            }
        }
        _ => {
            let _ = writeln!(out, "- {}", w.target_external(&target.url_template));
        }
    }
    let c = &client.config;
    let line = w.settings_line(c.keep_alive, c.prewarm, &fmt_duration(c.timeout), &fmt_duration(c.connect_timeout));
    let _ = writeln!(out, "- {line}");
    let _ = writeln!(out, "- {}", w.retry_settings(c.retries, &fmt_duration(c.retry_backoff)));
    let c = client;
    let (input, output) = (c.blocking_buffer_bytes.input, c.blocking_buffer_bytes.output);
    let _ = writeln!(out, "- {}", w.clients_line(&c.blocking_client, &c.async_client, input, output));
    if !c.header_names.is_empty() {
        let _ = writeln!(out, "- {}", w.headers_note(&c.header_names.join(", ")));
    }
    match checksums_agree(cells.iter().copied()) {
        Some((true, bytes)) => {
            let _ = writeln!(out, "- {}", w.checksum_ok(bytes));
        }
        Some((false, _)) => {
            let _ = writeln!(out, "- {}", w.checksum_mismatch());
        }
        None => {}
    }
    let rows: Vec<String> = cells
        .iter()
        .filter_map(|c| {
            let f = Figures::of(c)?;
            let s = f.run.server.as_ref()?;
            Some(w.server_peak_row(&c.model.to_string(), s.peak_inflight, s.requests, s.connections_accepted))
        })
        .collect();
    if !rows.is_empty() {
        let _ = writeln!(out, "- {}", w.server_peaks());
        for r in rows {
            let _ = writeln!(out, "  - {r}");
        }
    }
    out.push('\n');
}

fn environment(out: &mut String, w: &dyn Words, report: &Report) {
    let e = &report.environment;
    let labels = w.env_lines();
    let _ = writeln!(out, "# {}\n", w.env_title());
    let load = |v: Option<f64>| v.map_or("?".into(), |v| format!("{v:.2}"));
    let cores = w.cores_value(e.cores_granted, e.cpus_online, e.cgroup_cpu_quota);
    let values = [
        format!("{} {}", e.kernel.as_deref().unwrap_or(&e.os), e.arch),
        e.cpu_model.clone().unwrap_or_else(|| "?".into()),
        cores,
        e.memory_total_bytes.map_or("?".into(), |b| format!("{:.1} GiB", b as f64 / (1u64 << 30) as f64)),
        format!("{} → {}", load(e.load_average_start), load(e.load_average_end)),
        match &report.tool.git_commit {
            Some(c) => format!("{} ({c})", report.tool.version),
            None => report.tool.version.clone(),
        },
        report.tool.rustc.clone(),
        report.started_at.clone(),
    ];
    for (label, value) in labels.iter().zip(values) {
        let _ = writeln!(out, "- **{label}:** {value}");
    }
    let _ = writeln!(out, "\n## {}\n", w.reading_title());
    for note in w.reading_notes() {
        let _ = writeln!(out, "- {note}");
    }
}
