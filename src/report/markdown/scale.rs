//! Section 3: the sweep in the source's shape (per-point lines, summary, analysis, diminishing
//! returns), then what the source could not say: each point against its ideal, the knee, the
//! bottleneck, a scalability fit and memory per worker.

use std::fmt::Write as _;

use super::{heap_peak, rss_peak, table};
use crate::analysis::sweep::{LatencySource, Sweep, analyse};
use crate::record::ScaleExperiment;
use crate::report::lang::Words;
use crate::units::fmt_ms_us;

pub(super) fn section(out: &mut String, w: &dyn Words, exp: &ScaleExperiment, cores: usize) {
    let kind = exp.settings.model;
    let sweep = analyse(exp, cores);
    let _ = writeln!(out, "# {}\n", w.s3_title(kind));
    let _ = writeln!(out, "- **{}:** {}", w.total_requests(), w.count(exp.settings.requests));
    let _ = writeln!(out, "- **{}:** {:?}", w.settings_tested(kind), exp.settings.settings);
    let _ = writeln!(out, "\n---\n");

    if let (Some(spec), Some(b)) = (&exp.settings.baseline, &sweep.baseline) {
        let _ = writeln!(out, "### {}\n", w.baseline_test(spec));
        let _ = writeln!(out, "- {}\n", w.done_time_memory(&w.secs(b.wall), &heap_peak(b)));
    }
    for p in &sweep.points {
        let _ = writeln!(out, "### {}\n", w.point_test(kind, p.setting));
        let mut line = w.done_time_memory(&w.secs(p.figures.wall), &heap_peak(&p.figures));
        if let Some(v) = p.vs_baseline {
            line.push_str(&format!(" | {}", w.vs_baseline(v.point)));
        }
        let _ = writeln!(out, "- {line}\n");
    }

    let _ = writeln!(out, "## {}\n", w.summary());
    let mut rows = Vec::new();
    if let (Some(spec), Some(b)) = (&exp.settings.baseline, &sweep.baseline) {
        rows.push(vec![format!("`{spec}`"), w.secs(b.wall), heap_peak(b), w.baseline_row().into()]);
    }
    for p in &sweep.points {
        let vs = p.vs_baseline.map_or("–".into(), |v| v.to_string());
        rows.push(vec![p.setting.to_string(), w.secs(p.figures.wall), heap_peak(&p.figures), vs]);
    }
    table(out, &[w.col_setting(kind), w.col_time(), w.col_peak_memory(), w.col_vs_baseline()], &rows);

    analysis_lines(out, w, exp, &sweep);
    why(out, w, exp, &sweep);
}

/// The sweep's span in a few lines: settings, speed-up against ideal, what Little's law allows,
/// efficiency (none without two points).
pub(crate) fn span_lines(w: &dyn Words, exp: &ScaleExperiment, sweep: &Sweep) -> Vec<String> {
    let (Some(span), Some(first), Some(last)) = (sweep.span, sweep.points.first(), sweep.points.last()) else {
        return Vec::new();
    };
    let mut lines = vec![
        w.settings_span(exp.settings.model, first.setting, last.setting, span.setting_ratio),
        w.speedup_line(span.speedup, span.setting_ratio),
    ];
    if let Some(possible) = sweep.possible_speedup
        && possible < span.setting_ratio
    {
        lines.push(w.possible_line(exp.settings.requests, possible));
    }
    lines.push(w.efficiency_line(span.efficiency * 100.0));
    lines
}

/// The knee line: where doubling N stopped paying, and why when it is the request count.
pub(crate) fn knee_text(w: &dyn Words, exp: &ScaleExperiment, sweep: &Sweep) -> String {
    let pct = exp.settings.knee_gain_per_doubling * 100.0;
    match sweep.knee {
        Some(n) => {
            let requests = exp.settings.requests;
            w.knee_line(exp.settings.model, n, pct, (n >= requests).then_some(requests))
        }
        None => w.no_knee_line(pct),
    }
}

fn analysis_lines(out: &mut String, w: &dyn Words, exp: &ScaleExperiment, sweep: &Sweep) {
    let kind = exp.settings.model;
    let _ = writeln!(out, "## {}\n", w.analysis());
    let span = span_lines(w, exp, sweep);
    if !span.is_empty() {
        for line in span {
            let _ = writeln!(out, "- {line}");
        }
        out.push('\n');
    }
    if sweep.baseline.is_some() {
        match sweep.reached_baseline_at {
            Some(n) => {
                let _ = writeln!(out, "{}\n", w.reached(kind, n));
            }
            None => {
                let _ = writeln!(out, "{}\n", w.not_reached(kind));
            }
        }
    }
    if sweep.diminishing() {
        let _ = writeln!(out, "{}\n", w.diminishing(kind));
        let _ = writeln!(out, "{}\n", w.diminishing_definition());
    }
}

fn why(out: &mut String, w: &dyn Words, exp: &ScaleExperiment, sweep: &Sweep) {
    let kind = exp.settings.model;
    let _ = writeln!(out, "## {}\n", w.why_title());
    if let Some((latency, source)) = sweep.latency {
        let _ = writeln!(
            out,
            "{}\n",
            w.latency_basis(&fmt_ms_us(latency.as_micros() as f64), source == LatencySource::Estimated)
        );
    }
    let rows: Vec<Vec<String>> = sweep
        .points
        .iter()
        .map(|p| {
            let f = &p.figures;
            let lat = |q: fn(&crate::record::LatencySummary) -> u64| {
                f.latency().as_ref().map_or("–".into(), |l| fmt_ms_us(q(l) as f64))
            };
            let server = f.run.server.as_ref();
            vec![
                p.setting.to_string(),
                w.secs(f.wall),
                p.ideal.map_or("–".into(), |d| w.secs(d)),
                p.to_ideal.map_or("–".into(), |r| format!("{r:.2}x")),
                p.vs_baseline.map_or("–".into(), |r| r.to_string()),
                format!("{:.0}", f.throughput_per_s),
                lat(|l| l.p50_us),
                lat(|l| l.p99_us),
                heap_peak(f),
                rss_peak(f),
                format!("{:.2}", p.cores_used),
                server.map_or("–".into(), |s| s.peak_inflight.to_string()),
                server.map_or("–".into(), |s| s.queued_requests.to_string()),
                p.connections_per_request.map_or("–".into(), |c| format!("{c:.2}")),
            ]
        })
        .collect();
    table(out, &w.sweep_columns(kind), &rows);
    let _ = writeln!(out, "- {}", knee_text(w, exp, sweep));
    let _ = writeln!(out, "- {}", w.diagnosis(&sweep.diagnosis, kind));
    match &sweep.usl {
        Ok(usl) => {
            let peak = usl.peak_concurrency().map(|n| (n, usl.throughput(n)));
            let _ = writeln!(out, "- {}", w.usl_line(usl, peak));
            if usl.r_squared < 0.8 {
                let _ = writeln!(out, "  {}", w.usl_poor(usl.r_squared));
            }
        }
        Err(levels) => {
            let _ = writeln!(out, "- {}", w.usl_too_few(*levels));
        }
    }
    let kib = |b: Option<f64>| b.map(|b| b / 1024.0);
    let _ = writeln!(
        out,
        "- {}",
        w.memory_per_worker(kind, kib(sweep.heap_per_worker_bytes), kib(sweep.rss_per_worker_bytes))
    );
    out.push('\n');
}
