//! Markdown: the source report's sections, in its shape and wording, from measured figures;
//! then what the source did not show (every model, failures, target, environment).

use std::fmt::Write as _;
use std::time::Duration;

use super::lang::{Words, words};
use super::{Exporter, IoExperiment, Lang, Report, TargetKind};
use crate::analysis::io::{self as io_analysis, Figures};
use crate::analysis::ratio;
use crate::report::{CellStatus, Experiment};
use crate::server::LatencyProfile;
use crate::units::{fmt_mib, fmt_ms_us};

pub struct Markdown {
    pub lang: Lang,
}

impl Exporter for Markdown {
    fn render(&self, report: &Report) -> anyhow::Result<Vec<u8>> {
        let w = words(self.lang);
        let mut out = String::new();
        if !report.complete {
            let _ = writeln!(out, "{}\n", w.incomplete());
        }
        for experiment in &report.experiments {
            match experiment {
                Experiment::Io(io) => io_sections(&mut out, w, io),
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

fn mib_signed(bytes: i64) -> String {
    if bytes < 0 { format!("-{}", fmt_mib(bytes.unsigned_abs() as f64)) } else { fmt_mib(bytes as f64) }
}

fn heap_peak(f: &Figures) -> String {
    f.heap_peak_bytes().map_or("–".into(), |b| fmt_mib(b as f64))
}

fn heap_current(f: &Figures) -> String {
    f.heap_current_bytes().map_or("–".into(), mib_signed)
}

/// The fixed latency of the embedded API, when it has one: what "ideal" times are computed from.
pub fn fixed_latency(io: &IoExperiment) -> Option<Duration> {
    let profile: LatencyProfile = io.target.embedded.as_ref()?.latency_profile.parse().ok()?;
    match profile {
        LatencyProfile::Fixed(d) if !d.is_zero() => Some(d),
        _ => None,
    }
}

fn test_block(out: &mut String, w: &dyn Words, title: &str, f: &Figures, memory: bool) {
    let _ = writeln!(out, "### {title}\n");
    let _ = writeln!(out, "- {}", w.done_responses(f.run.ok, f.run.failed));
    let sample = if f.estimated { format!(" {}", w.for_sample(f.run.tasks)) } else { String::new() };
    let _ = writeln!(out, "- {}: {}{sample}", w.time_label(), w.secs(f.wall));
    if memory {
        let _ = writeln!(out, "- {}", w.memory_line(&heap_current(f), &heap_peak(f)));
    }
    out.push('\n');
}

fn io_sections(out: &mut String, w: &dyn Words, io: &IoExperiment) {
    let n = io.settings.requests;
    let header = |out: &mut String, title: &str, extra: Option<(&str, usize)>| {
        let _ = writeln!(out, "# {title}\n");
        let _ = writeln!(out, "- **{}:** {}", w.total_requests(), w.count(n));
        if let Some((label, v)) = extra {
            let _ = writeln!(out, "- **{label}:** {}", w.count(v));
        }
        let _ = writeln!(out, "\n---\n");
    };

    // Section 1: async vs sync.
    if let Some(s1) = io_analysis::sync_vs_async(io) {
        header(out, w.s1_title(), None);
        test_block(out, w, w.async_test(), &s1.asynchronous, false);
        test_block(out, w, w.sync_test(), &s1.sync, false);
        let _ = writeln!(out, "## {}\n", w.results());
        let sync_label = if s1.sync.estimated { w.row_sync_estimated(n) } else { w.row_sync(n) };
        table(
            out,
            &[w.col_model(), w.col_time()],
            &[vec![w.row_async_n(n), w.secs(s1.asynchronous.total_time)], vec![sync_label, w.secs(s1.sync.total_time)]],
        );
        let verdict = if s1.async_speedup >= 1.0 {
            w.async_faster(s1.async_speedup)
        } else {
            w.sync_faster(1.0 / s1.async_speedup)
        };
        let _ = writeln!(out, "{verdict}\n\n---\n");
    } else {
        let _ = writeln!(out, "# {}\n\n{}\n\n---\n", w.s1_title(), w.missing_section("`sequential` and `async`"));
    }

    // Section 2: async vs threads.
    if let Some(s2) = io_analysis::threads_vs_async(io) {
        let workers = s2.threads.cell.model.n.unwrap_or(io.settings.workers);
        header(out, w.s2_title(), Some((w.pool_workers(), workers)));
        test_block(out, w, w.async_test(), &s2.asynchronous, true);
        test_block(out, w, w.threads_test(), &s2.threads, true);
        let _ = writeln!(out, "## {}\n", w.results());
        table(
            out,
            &[w.col_model(), w.col_time(), w.col_peak_memory()],
            &[
                vec![w.row_async_client().into(), w.secs(s2.asynchronous.total_time), heap_peak(&s2.asynchronous)],
                vec![w.row_threads_pool(workers), w.secs(s2.threads.total_time), heap_peak(&s2.threads)],
            ],
        );
        let speed = if s2.async_speedup >= 1.0 {
            w.speed_verdict_async(s2.async_speedup)
        } else {
            w.speed_verdict_threads(1.0 / s2.async_speedup)
        };
        let _ = writeln!(out, "- {speed}");
        if let Some(m) = s2.threads_memory_advantage {
            let memory = if m >= 1.0 { w.memory_verdict_threads(m) } else { w.memory_verdict_async(1.0 / m) };
            let _ = writeln!(out, "- {memory}");
        }
        let _ = writeln!(out, "\n---\n");
    } else {
        let _ = writeln!(out, "# {}\n\n{}\n\n---\n", w.s2_title(), w.missing_section("`threads:N` and `async`"));
    }

    all_measurements(out, w, io);
    target(out, w, io);
}

fn all_measurements(out: &mut String, w: &dyn Words, io: &IoExperiment) {
    let _ = writeln!(out, "# {}\n", w.all_title());
    let latency = fixed_latency(io);
    let mut rows = Vec::new();
    let mut floors = Vec::new();
    for cell in &io.cells {
        let Some(f) = Figures::of(cell) else { continue };
        let m = &f.run.measured;
        let p = |q: fn(&crate::measure::LatencySummary) -> u64| {
            f.run.latency_ok.as_ref().map_or("–".into(), |l| fmt_ms_us(q(l) as f64))
        };
        let floor = latency.map(|l| io_analysis::floor(cell, f.run, l));
        let time = if f.estimated { format!("{} {}", w.secs(f.wall), w.estimated_mark()) } else { w.secs(f.wall) };
        rows.push(vec![
            w.model_name(&cell.model),
            format!("`{}`", cell.model),
            format!("{} / {}", f.run.ok, f.run.failed),
            time,
            floor.map_or("–".into(), |d| w.secs(d)),
            format!("{:.0}", f.throughput_per_s),
            p(|l| l.p50_us),
            p(|l| l.p99_us),
            heap_peak(&f),
            heap_current(&f),
            m.rss_peak_bytes.map_or("–".into(), |b| fmt_mib(b as f64)),
            w.secs(m.cpu()),
        ]);
        if let Some(floor) = floor
            && let Some(r) = ratio(f.wall.as_secs_f64(), floor.as_secs_f64())
        {
            floors.push(w.floor_line(&cell.model.to_string(), r, &w.secs(floor)));
        }
    }
    table(out, &w.all_columns(), &rows);
    for line in floors {
        let _ = writeln!(out, "- {line}");
    }
    out.push('\n');

    let failures: Vec<String> = io
        .cells
        .iter()
        .flat_map(|cell| {
            let whole = match &cell.status {
                CellStatus::Failed { reason } => Some(w.failed_cell(&cell.model.to_string(), reason)),
                CellStatus::Ok => None,
            };
            let per_kind = cell.runs.iter().flat_map(move |r| {
                r.errors
                    .iter()
                    .map(move |(kind, t)| format!("`{}`: {} × `{kind}` (e.g. {})", cell.model, t.count, t.example))
            });
            whole.into_iter().chain(per_kind)
        })
        .collect();
    if !failures.is_empty() {
        let _ = writeln!(out, "## {}\n", w.failures_title());
        for f in failures {
            let _ = writeln!(out, "- {f}");
        }
        out.push('\n');
    }
}

fn target(out: &mut String, w: &dyn Words, io: &IoExperiment) {
    let _ = writeln!(out, "# {}\n", w.target_title());
    match (&io.target.kind, &io.target.embedded) {
        (TargetKind::Embedded, Some(e)) => {
            let _ = writeln!(out, "- {}", w.target_embedded(&e.latency_profile, &e.mode, e.max_inflight));
            let servers: Vec<_> =
                io.cells.iter().flat_map(|c| c.runs.iter().filter_map(|r| r.server.as_ref())).collect();
            let responses: u64 = servers.iter().map(|s| s.responses).sum();
            if responses > 0 {
                let total = |f: fn(&&crate::server::StatsSnapshot) -> u64| servers.iter().map(f).sum::<u64>() as f64;
                let requested = total(|s| s.latency_requested_us_total) / responses as f64;
                let applied = total(|s| s.latency_applied_us_total) / responses as f64;
                let max = servers.iter().filter_map(|s| s.latency_applied_us_max).max().unwrap_or(0);
                let _ = writeln!(out, "- {}", w.applied_latency(requested / 1e3, applied / 1e3, max as f64 / 1e3));
            }
        }
        _ => {
            let _ = writeln!(out, "- {}", w.target_external(&io.target.url_template));
        }
    }
    let s = &io.settings;
    let ms = |v: f64| crate::units::fmt_duration(Duration::from_secs_f64(v / 1e3));
    let _ = writeln!(out, "- {}", w.settings_line(s.keep_alive, &ms(s.timeout_ms), &ms(s.connect_timeout_ms)));
    let _ = writeln!(
        out,
        "- {}",
        w.clients_line(
            &s.blocking_client,
            &s.async_client,
            s.blocking_buffer_bytes.input,
            s.blocking_buffer_bytes.output
        )
    );
    if !s.header_names.is_empty() {
        let _ = writeln!(out, "- {}", w.headers_note(&s.header_names.join(", ")));
    }
    match io_analysis::checksums_agree(io) {
        Some(true) => {
            let bytes =
                io.cells.iter().find(|c| !c.is_sampled()).and_then(|c| c.runs.first()).map_or(0, |r| r.value_sum);
            let _ = writeln!(out, "- {}", w.checksum_ok(bytes));
        }
        Some(false) => {
            let _ = writeln!(out, "- {}", w.checksum_mismatch());
        }
        None => {}
    }
    let rows: Vec<String> = io
        .cells
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
    let cores = match e.cgroup_cpu_quota {
        Some(q) => format!("{} (of {} online; cgroup quota {q:.2} CPUs)", e.cores_granted, e.cpus_online),
        None => format!("{} (of {} online)", e.cores_granted, e.cpus_online),
    };
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
