//! Sections 1 and 2: async vs sync, async vs a thread pool; then every model's figures.

use std::fmt::Write as _;

use super::{fixed_latency, heap_current, heap_peak, rss_peak, table};
use crate::analysis::io::{self as io_analysis, Figures};
use crate::analysis::ratio;
use crate::record::IoExperiment;
use crate::report::lang::{Words, verdict};
use crate::units::fmt_ms_us;

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

fn header(out: &mut String, w: &dyn Words, title: &str, requests: usize, extra: Option<(&str, usize)>) {
    let _ = writeln!(out, "# {title}\n");
    let _ = writeln!(out, "- **{}:** {}", w.total_requests(), w.count(requests));
    if let Some((label, v)) = extra {
        let _ = writeln!(out, "- **{label}:** {}", w.count(v));
    }
    let _ = writeln!(out, "\n---\n");
}

pub(super) fn sections(out: &mut String, w: &dyn Words, io: &IoExperiment) {
    let n = io.settings.requests;

    // Section 1: async vs sync.
    if let Some(s1) = io_analysis::sync_vs_async(io) {
        header(out, w, w.s1_title(), n, None);
        test_block(out, w, w.async_test(), &s1.asynchronous, false);
        test_block(out, w, w.sync_test(), &s1.sync, false);
        let _ = writeln!(out, "## {}\n", w.results());
        let sync_label = if s1.sync.estimated { w.row_sync_estimated(n) } else { w.row_sync(n) };
        table(
            out,
            &[w.col_model(), w.col_time()],
            &[vec![w.row_async_n(n), w.secs(s1.asynchronous.total_time)], vec![sync_label, w.secs(s1.sync.total_time)]],
        );
        let line = verdict(w, &s1.async_speedup, |x| w.async_faster(x), |x| w.sync_faster(x));
        let _ = writeln!(out, "{line}\n\n---\n");
    } else {
        let _ = writeln!(out, "# {}\n\n{}\n\n---\n", w.s1_title(), w.missing_section("`sequential` and `async`"));
    }

    // Section 2: async vs threads.
    if let Some(s2) = io_analysis::threads_vs_async(io) {
        let workers = s2.threads.cell.model.n.unwrap_or(io.settings.workers);
        header(out, w, w.s2_title(), n, Some((w.pool_workers(), workers)));
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
        let speed = verdict(w, &s2.async_speedup, |x| w.speed_verdict_async(x), |x| w.speed_verdict_threads(x));
        let _ = writeln!(out, "- {speed}");
        if let Some(m) = s2.threads_memory_advantage {
            let memory = verdict(w, &m, |x| w.memory_verdict_threads(x), |x| w.memory_verdict_async(x));
            let _ = writeln!(out, "- {memory}");
        }
        let _ = writeln!(out, "\n---\n");
    } else {
        let _ = writeln!(out, "# {}\n\n{}\n\n---\n", w.s2_title(), w.missing_section("`threads:N` and `async`"));
    }

    all_measurements(out, w, io);
}

fn all_measurements(out: &mut String, w: &dyn Words, io: &IoExperiment) {
    let _ = writeln!(out, "# {}\n", w.all_title());
    let latency = fixed_latency(&io.target);
    let mut rows = Vec::new();
    let mut floors = Vec::new();
    for cell in &io.cells {
        let Some(f) = Figures::of(cell) else { continue };
        let p = |q: fn(&crate::record::LatencySummary) -> u64| {
            f.latency().as_ref().map_or("–".into(), |l| fmt_ms_us(q(l) as f64))
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
            rss_peak(&f),
            w.secs(f.run.measured.cpu()),
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
}
