//! A writer (the top of the pipeline, reading the records): CSV, one row per measured run, for
//! spreadsheets and notebooks. Units are in the column names; a py model's row names its
//! interpreter (`3.13.5t, no GIL`), a Rust model's leaves it empty; an open model's columns
//! (offered rate to drops) are empty for a closed loop.

use super::Exporter;
use crate::analysis::figures::total_time;
use crate::record::Report;

/// The csv writer, as [`super::Format`] knows it.
pub const WRITER: super::Writer = super::Writer { file_name: "results.csv", charts: false, build: |_| Box::new(Csv) };

pub struct Csv;

const HEADER: [&str; 32] = [
    "experiment",
    "model",
    "interpreter",
    "round",
    "status",
    "tasks",
    "tasks_total",
    "ok",
    "failed",
    "wall_s",
    "total_time_s",
    "estimated",
    "heap_peak_bytes",
    "heap_current_bytes",
    "allocations",
    "rss_peak_bytes",
    "cpu_user_s",
    "cpu_sys_s",
    "voluntary_switches",
    "involuntary_switches",
    "latency_p50_us",
    "latency_p99_us",
    "server_peak_inflight",
    "server_requests",
    "value_sum",
    "offered_per_s",
    "achieved_per_s",
    "corrected_p50_us",
    "corrected_p99_us",
    "lateness_p99_us",
    "queue_peak",
    "dropped",
];

impl Exporter for Csv {
    fn render(&self, report: &Report) -> anyhow::Result<Vec<u8>> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(HEADER)?;
        let opt = |v: Option<String>| v.unwrap_or_default();
        for e in &report.experiments {
            let kind = e.kind_name();
            for cell in e.cells() {
                let status = match &cell.status {
                    crate::record::CellStatus::Ok => "ok",
                    crate::record::CellStatus::Pending => "pending",
                    crate::record::CellStatus::Failed { .. } => "failed",
                };
                for r in &cell.runs {
                    let m = &r.measured;
                    w.write_record([
                        kind.to_string(),
                        cell.model.to_string(),
                        opt(cell.interpreter.as_ref().map(|i| i.label())),
                        r.round.to_string(),
                        status.to_string(),
                        r.tasks.to_string(),
                        cell.tasks_total.to_string(),
                        r.ok.to_string(),
                        r.failed.to_string(),
                        format!("{:.6}", m.wall().as_secs_f64()),
                        format!("{:.6}", total_time(cell, r).as_secs_f64()),
                        (r.tasks < cell.tasks_total).to_string(),
                        opt(m.heap.map(|h| h.peak_bytes.to_string())),
                        opt(m.heap.map(|h| h.current_bytes.to_string())),
                        opt(m.heap.and_then(|h| h.allocations).map(|a| a.to_string())),
                        opt(m.rss_peak_bytes.map(|b| b.to_string())),
                        format!("{:.6}", m.cpu_user_ns as f64 / 1e9),
                        format!("{:.6}", m.cpu_sys_ns as f64 / 1e9),
                        m.voluntary_switches.to_string(),
                        m.involuntary_switches.to_string(),
                        opt(r.latency_ok.map(|l| l.p50_us.to_string())),
                        opt(r.latency_ok.map(|l| l.p99_us.to_string())),
                        opt(r.server.as_ref().map(|s| s.peak_inflight.to_string())),
                        opt(r.server.as_ref().map(|s| s.requests.to_string())),
                        r.value_sum.to_string(),
                        opt(r.open.as_ref().map(|o| o.offered_per_s.to_string())),
                        opt(r.open.as_ref().and_then(|o| o.achieved_per_s.map(|a| format!("{a:.3}")))),
                        opt(r.open.as_ref().and_then(|o| o.corrected.map(|l| l.p50_us.to_string()))),
                        opt(r.open.as_ref().and_then(|o| o.corrected.map(|l| l.p99_us.to_string()))),
                        opt(r.open.as_ref().and_then(|o| o.lateness.map(|l| l.p99_us.to_string()))),
                        opt(r.open.as_ref().map(|o| o.queue_peak.to_string())),
                        opt(r.open.as_ref().map(|o| o.dropped.to_string())),
                    ])?;
                }
            }
        }
        w.into_inner().map_err(|e| anyhow::anyhow!("writing CSV: {e}"))
    }
}
