//! Section 3: the sweep in the source's shape (per-point lines, summary, analysis, diminishing
//! returns), then what the source could not say: each point against its ideal, the knee, the
//! bottleneck, a scalability fit and memory per worker. The terminal shows the same table and lines.

use super::common::{
    at, col, heap_peak, latency, or_none, row, rss_peak, table, target_headline, terminal_notes, time_with_spread,
};
use super::doc::{Block, Document, Inline, Item, Row, Show, bullets};
use super::lang::Words;
use crate::analysis::io::Figures;
use crate::analysis::sweep::{LatencySource, Sweep, SweepPoint, analyse};
use crate::record::{Cell, ScaleExperiment};
use crate::units::fmt_ms_us;

/// The lines stating what the sweep found, in the document and the terminal alike.
struct Findings {
    span: Vec<Inline>,
    reached: Option<Inline>,
    diminishing: Option<Inline>,
    knee: Inline,
    diagnosis: Inline,
    usl: Inline,
    usl_poor: Option<Inline>,
    memory: Inline,
}

pub fn push(doc: &mut Document, w: &dyn Words, exp: &ScaleExperiment, cores: usize) {
    let sweep = analyse(exp, cores);
    let found = findings(w, exp, &sweep);
    source_section(doc, w, exp, &sweep);
    doc.heading(2, w.analysis());
    if !found.span.is_empty() {
        doc.doc(bullets(found.span.clone()));
    }
    doc.doc_opt(found.reached.clone().map(Block::Paragraph));
    if let Some(d) = &found.diminishing {
        doc.doc(Block::Paragraph(d.clone()));
        doc.doc(Block::Paragraph(Inline::markup(w.diminishing_definition())));
    }
    why(doc, w, exp, &sweep, &found);
    let lines = found.span.into_iter().chain(found.reached).chain(found.diminishing);
    for line in lines.chain([found.knee, found.diagnosis, found.usl, found.memory]) {
        doc.term(Block::Paragraph(line));
    }
}

fn findings(w: &dyn Words, exp: &ScaleExperiment, sweep: &Sweep) -> Findings {
    let kind = exp.settings.model;
    let reached = sweep.baseline.as_ref().map(|_| match sweep.reached_baseline_at {
        Some(n) => w.reached(kind, n),
        None => w.not_reached(kind).to_string(),
    });
    let (usl, usl_poor) = match &sweep.usl {
        Ok(usl) => {
            let peak = usl.peak_concurrency().map(|n| (n, usl.throughput(n)));
            (w.usl_line(usl, peak), (usl.r_squared < 0.8).then(|| Inline::markup(w.usl_poor(usl.r_squared))))
        }
        Err(levels) => (w.usl_too_few(*levels), None),
    };
    let kib = |b: Option<f64>| b.map(|b| b / 1024.0);
    let memory = w.memory_per_worker(kind, kib(sweep.heap_per_worker_bytes), kib(sweep.rss_per_worker_bytes));
    Findings {
        span: span_lines(w, exp, sweep),
        reached: reached.map(Inline::markup),
        diminishing: sweep.diminishing().then(|| Inline::markup(w.diminishing(kind))),
        knee: Inline::markup(knee_text(w, exp, sweep)),
        diagnosis: Inline::markup(w.diagnosis(&sweep.diagnosis, kind)),
        usl: Inline::markup(usl),
        usl_poor,
        memory: Inline::markup(memory),
    }
}

/// The source's section 3: settings, a test per point, the summary table.
fn source_section(doc: &mut Document, w: &dyn Words, exp: &ScaleExperiment, sweep: &Sweep) {
    let kind = exp.settings.model;
    doc.heading(1, w.s3_title(kind));
    doc.doc(Block::Facts(vec![
        (w.total_requests().into(), Inline::plain(w.count(exp.settings.requests))),
        (w.settings_tested(kind).into(), Inline::plain(format!("{:?}", exp.settings.settings))),
    ]));
    doc.doc(Block::Rule);
    let done = |f: &Figures| w.done_time_memory(&w.secs(f.wall), &heap_peak(f).plain_text());
    if let (Some(spec), Some(b)) = (&exp.settings.baseline, &sweep.baseline) {
        doc.heading(3, w.baseline_test(spec));
        doc.doc(bullets([done(b)]));
    }
    for p in &sweep.points {
        doc.heading(3, w.point_test(kind, p.setting));
        let mut line = done(&p.figures);
        if let Some(v) = p.vs_baseline {
            line.push_str(&format!(" | {}", w.vs_baseline(v.point)));
        }
        doc.doc(bullets([line]));
    }
    doc.heading(2, w.summary());
    let mut rows = Vec::new();
    if let (Some(spec), Some(b)) = (&exp.settings.baseline, &sweep.baseline) {
        let base = [Inline::code(spec.to_string()), w.secs(b.wall).into(), heap_peak(b), w.baseline_row().into()];
        rows.push(base.to_vec());
    }
    for p in &sweep.points {
        let vs = or_none(p.vs_baseline, |v| v.to_string());
        rows.push(vec![p.setting.to_string().into(), w.secs(p.figures.wall).into(), heap_peak(&p.figures), vs]);
    }
    let headers = [w.col_setting(kind), w.col_time(), w.col_peak_memory(), w.col_vs_baseline()];
    doc.doc(super::common::doc_table(&headers, rows));
}

/// The sweep's span in a few lines: settings, speed-up against ideal, what Little's law allows,
/// efficiency (none without two points).
fn span_lines(w: &dyn Words, exp: &ScaleExperiment, sweep: &Sweep) -> Vec<Inline> {
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
    lines.into_iter().map(Inline::markup).collect()
}

/// The knee line: where doubling N stopped paying, and why when it is the request count.
fn knee_text(w: &dyn Words, exp: &ScaleExperiment, sweep: &Sweep) -> String {
    let pct = exp.settings.knee_gain_per_doubling * 100.0;
    match sweep.knee {
        Some(n) => {
            let requests = exp.settings.requests;
            w.knee_line(exp.settings.model, n, pct, (n >= requests).then_some(requests))
        }
        None => w.no_knee_line(pct),
    }
}

/// Why the curve looks as it does: each point against its ideal (the terminal's table too), then
/// the knee, the bottleneck, the fit and memory per worker.
fn why(doc: &mut Document, w: &dyn Words, exp: &ScaleExperiment, sweep: &Sweep, found: &Findings) {
    let kind = exp.settings.model;
    doc.heading(2, w.why_title());
    if let Some((latency, source)) = sweep.latency {
        let basis = w.latency_basis(&fmt_ms_us(latency.as_micros() as f64), source == LatencySource::Estimated);
        doc.doc(Block::Paragraph(Inline::markup(basis)));
    }
    let cells: Vec<&Cell> = exp.baseline.as_deref().into_iter().chain(exp.points.iter()).collect();
    let what = format!("scale: {} over {:?}, {} requests", kind.name(), exp.settings.settings, exp.settings.requests);
    doc.term(target_headline(&what, &exp.target, &cells));
    let h = w.sweep_columns(kind);
    let server = |p: &SweepPoint, f: fn(&crate::record::StatsSnapshot) -> u64| {
        or_none(p.figures.run.server.as_ref(), |s| f(s).to_string())
    };
    let columns = vec![
        col(h[0], h[0], |p: &SweepPoint| p.setting.to_string().into()),
        at(Some("time"), None, |p: &SweepPoint| time_with_spread(w, &p.figures).into()),
        at(None, Some(h[1]), |p: &SweepPoint| w.secs(p.figures.wall).into()),
        col("ideal", h[2], |p: &SweepPoint| or_none(p.ideal, |d| w.secs(d))),
        col("×ideal", h[3], |p: &SweepPoint| or_none(p.to_ideal, |r| format!("{r:.2}x"))),
        col("vs base", h[4], |p: &SweepPoint| or_none(p.vs_baseline, |r| r.to_string())),
        col("req/s", h[5], |p: &SweepPoint| format!("{:.0}", p.figures.throughput_per_s).into()),
        col("p50", h[6], |p: &SweepPoint| latency(&p.figures, |l| l.p50_us)),
        col("p99", h[7], |p: &SweepPoint| latency(&p.figures, |l| l.p99_us)),
        col("peak heap", h[8], |p: &SweepPoint| heap_peak(&p.figures)),
        col("peak RSS", h[9], |p: &SweepPoint| rss_peak(&p.figures)),
        col("CPU cores", h[10], |p: &SweepPoint| format!("{:.2}", p.cores_used).into()),
        col("srv peak", h[11], |p: &SweepPoint| server(p, |s| s.peak_inflight)),
        col("queued", h[12], |p: &SweepPoint| server(p, |s| s.queued_requests)),
        at(None, Some(h[13]), |p: &SweepPoint| or_none(p.connections_per_request, |c| format!("{c:.2}"))),
    ];
    let mut rows = Vec::new();
    if let (Some(spec), Some(b)) = (&exp.settings.baseline, &sweep.baseline) {
        let cells = vec![
            format!("{spec} (base)").into(),
            time_with_spread(w, b).into(),
            Inline::default(),
            Inline::default(),
            Inline::default(),
            "1.00x".into(),
            format!("{:.0}", b.throughput_per_s).into(),
            latency(b, |l| l.p50_us),
            latency(b, |l| l.p99_us),
            heap_peak(b),
            rss_peak(b),
        ];
        rows.push(Row { cells, show: Show::Terminal });
    }
    rows.extend(sweep.points.iter().map(|p| row(&columns, p)));
    doc.push(Show::Both, Block::Table(table(columns, rows)));
    let usl = Item { text: found.usl.clone(), more: found.usl_poor.clone().into_iter().collect(), sub: Vec::new() };
    let items = vec![found.knee.clone().into(), found.diagnosis.clone().into(), usl, found.memory.clone().into()];
    doc.doc(Block::Bullets(items));
    terminal_notes(doc, w, &exp.settings.schedule, &cells);
}
