//! A view (between analysis and the writers): section 3, the sweep in the source's shape (per-point
//! lines, summary, analysis, diminishing returns), then what the source could not say: each point
//! against its ideal, the knee, the bottleneck, a scalability fit and memory per worker. The
//! terminal shows the same table and lines.

use super::common::{
    NONE, at, col, doc_table, heap_peak, latency, or_none, row, rss_peak, table, target_headline, terminal_notes,
    time_with_spread,
};
use super::doc::{Block, Document, Inline, Item, Row, Show, Table, bullets};
use super::words::{concurrency, count, diagnosis, kind_text, led, model_name, ratio_cell, secs, sweep_at};
use crate::analysis::io::Figures;
use crate::analysis::scaling::Usl;
use crate::analysis::sweep::{LatencySource, Sweep, SweepPoint, analyse};
use crate::record::{Cell, ScaleExperiment};
use crate::text::{Arg, Text};
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

pub fn push(doc: &mut Document, t: &Text, exp: &ScaleExperiment, cores: usize) {
    let sweep = analyse(exp, cores);
    let found = findings(t, exp, &sweep);
    source_section(doc, t, exp, &sweep);
    doc.heading(2, t.get("analysis"));
    if !found.span.is_empty() {
        doc.doc(bullets(found.span.clone()));
    }
    doc.doc_opt(found.reached.clone().map(Block::Paragraph));
    if let Some(d) = &found.diminishing {
        doc.doc(Block::Paragraph(d.clone()));
        doc.doc(Block::Quote(t.get("s3-diminishing-definition").into()));
    }
    why(doc, t, exp, &sweep, &found);
    let lines = found.span.into_iter().chain(found.reached).chain(found.diminishing);
    for line in lines.chain([found.knee, found.diagnosis, found.usl, found.memory]) {
        doc.term(Block::Paragraph(line));
    }
}

fn findings(t: &Text, exp: &ScaleExperiment, sweep: &Sweep) -> Findings {
    let kind = exp.settings.model;
    let concurrency = ("concurrency", Arg::from(concurrency(kind)));
    let reached = sweep.baseline.as_ref().map(|_| match sweep.reached_baseline_at {
        Some(n) => led(t, "s3-reached", &[concurrency.clone(), ("n", n.into())]),
        None => led(t, "s3-not-reached", std::slice::from_ref(&concurrency)),
    });
    let (usl, usl_poor) = match &sweep.usl {
        Ok(usl) => {
            let poor =
                (usl.r_squared < 0.8).then(|| t.msg("s3-usl-poor", &[("r2", format!("{:.2}", usl.r_squared).into())]));
            (usl_line(t, usl), poor.map(Inline::from))
        }
        Err(levels) => (led(t, "s3-usl-too-few", &[("levels", (*levels).into())]), None),
    };
    let kib = |b: Option<f64>| Arg::from(b.map_or(NONE.to_string(), |b| format!("{:.1} KiB", b / 1024.0)));
    let memory = led(
        t,
        "s3-memory",
        &[concurrency.clone(), ("heap", kib(sweep.heap_per_worker_bytes)), ("rss", kib(sweep.rss_per_worker_bytes))],
    );
    Findings {
        span: span_lines(t, exp, sweep),
        reached,
        diminishing: sweep.diminishing().then(|| led(t, "s3-diminishing", &[concurrency])),
        knee: knee_text(t, exp, sweep),
        diagnosis: diagnosis(t, &sweep.diagnosis, kind),
        usl,
        usl_poor,
        memory,
    }
}

/// The Universal Scalability Law fit, with its predicted peak.
fn usl_line(t: &Text, usl: &Usl) -> Inline {
    let peak = match usl.peak_concurrency() {
        Some(n) => {
            let args = [("x", format!("{:.0}", usl.throughput(n)).into()), ("n", format!("{n:.0}").into())];
            t.msg("s3-usl-peak", &args)
        }
        None => t.get("s3-usl-no-peak"),
    };
    let args = [
        ("lambda", format!("{:.2}", usl.lambda).into()),
        ("sigma", format!("{:.4}", usl.sigma).into()),
        ("kappa", format!("{:.6}", usl.kappa).into()),
        ("r2", format!("{:.3}", usl.r_squared).into()),
        ("peak", peak.into()),
    ];
    led(t, "s3-usl", &args)
}

/// The source's section 3: settings, a test per point, the summary table.
fn source_section(doc: &mut Document, t: &Text, exp: &ScaleExperiment, sweep: &Sweep) {
    let kind = exp.settings.model;
    let concurrency = [("concurrency", Arg::from(concurrency(kind)))];
    doc.heading(1, kind_text(t, kind, Some("sweep")));
    doc.doc(Block::Facts(vec![
        (t.get("total-requests"), count(t, exp.settings.requests).into()),
        (t.msg("s3-settings-tested", &concurrency), format!("{:?}", exp.settings.settings).into()),
    ]));
    doc.doc(Block::Rule);
    let done = |f: &Figures| {
        let args = [("time", secs(t, f.wall).into()), ("memory", heap_peak(f).plain_text().into())];
        t.msg("done-time-memory", &args)
    };
    if let (Some(spec), Some(b)) = (&exp.settings.baseline, &sweep.baseline) {
        doc.heading(3, t.msg("s3-baseline-test", &[("model", model_name(t, spec).into())]));
        doc.doc(bullets([done(b)]));
    }
    let test = kind_text(t, kind, Some("test"));
    for p in &sweep.points {
        let args = [concurrency[0].clone(), ("n", p.setting.into()), ("model", (&test).into())];
        doc.heading(3, t.msg("s3-point-test", &args));
        let mut line = done(&p.figures);
        if let Some(v) = p.vs_baseline {
            let vs = ratio_cell(t, &v, |r| t.msg("s3-vs-baseline", &[("x", format!("{:.2}", r.point).into())]));
            line.push_str(&format!(" | {vs}"));
        }
        doc.doc(bullets([line]));
    }
    doc.heading(2, t.get("summary"));
    let mut rows = Vec::new();
    if let (Some(spec), Some(b)) = (&exp.settings.baseline, &sweep.baseline) {
        let base =
            [Inline::code(spec.to_string()), secs(t, b.wall).into(), heap_peak(b), t.get("s3-baseline-row").into()];
        rows.push(base.to_vec());
    }
    for p in &sweep.points {
        let vs = or_none(p.vs_baseline, |v| ratio_cell(t, &v, |r| r.to_string()));
        rows.push(vec![p.setting.to_string().into(), secs(t, p.figures.wall).into(), heap_peak(&p.figures), vs]);
    }
    let mut headers = vec![t.msg("col-setting", &concurrency)];
    headers.extend(super::common::headers(t, &["col-time", "col-peak-memory", "col-vs-baseline"]));
    doc.doc(doc_table(headers, rows));
}

/// The sweep's span in a few lines: settings, speed-up against ideal, what Little's law allows,
/// efficiency (none without two points).
fn span_lines(t: &Text, exp: &ScaleExperiment, sweep: &Sweep) -> Vec<Inline> {
    let mut read = sweep.points.iter().filter(|p| p.comparable);
    let (first, last) = (read.next(), sweep.points.iter().rfind(|p| p.comparable));
    let (Some(span), Some(first), Some(last)) = (sweep.span, first, last) else {
        return Vec::new();
    };
    let f = |x: f64, digits: usize| Arg::from(format!("{x:.digits$}"));
    let args = [
        ("concurrency", Arg::from(concurrency(exp.settings.model))),
        ("first", first.setting.into()),
        ("last", last.setting.into()),
        ("ratio", f(span.setting_ratio, 1)),
    ];
    let mut lines = vec![
        t.msg("s3-span", &args),
        t.msg("s3-speedup", &[("speedup", f(span.speedup, 2)), ("ideal", f(span.setting_ratio, 1))]),
    ];
    if let Some(possible) = sweep.possible_speedup
        && possible < span.setting_ratio
    {
        lines.push(t.msg("s3-possible", &[("requests", exp.settings.requests.into()), ("possible", f(possible, 1))]));
    }
    lines.push(t.msg("s3-efficiency", &[("pct", f(span.efficiency * 100.0, 1))]));
    lines.into_iter().map(Inline::from).collect()
}

/// The knee line: where doubling N stopped paying, and why when it is the request count.
fn knee_text(t: &Text, exp: &ScaleExperiment, sweep: &Sweep) -> Inline {
    let pct = ("pct", Arg::from(format!("{:.0}", exp.settings.knee_gain_per_doubling * 100.0)));
    match sweep.knee {
        Some(n) => {
            let requests = exp.settings.requests;
            let at = ("at", Arg::from(sweep_at(t, exp.settings.model, n)));
            if n >= requests {
                led(t, "s3-knee-requests", &[at, pct, ("requests", requests.into())])
            } else {
                led(t, "s3-knee", &[at, pct])
            }
        }
        None => led(t, "s3-no-knee", &[pct]),
    }
}

/// Why the curve looks as it does: each point against its ideal (the terminal's table too), then
/// the knee, the bottleneck, the fit and memory per worker.
fn why(doc: &mut Document, t: &Text, exp: &ScaleExperiment, sweep: &Sweep, found: &Findings) {
    let kind = exp.settings.model;
    doc.heading(2, t.get("s3-why"));
    if let Some((latency, source)) = sweep.latency {
        let id = if source == LatencySource::Estimated { "s3-latency-estimated" } else { "s3-latency-configured" };
        let basis = t.msg(id, &[("latency", fmt_ms_us(latency.as_micros() as f64).into())]);
        doc.doc(Block::Paragraph(basis.into()));
    }
    let cells: Vec<&Cell> = exp.baseline.as_deref().into_iter().chain(exp.points.iter()).collect();
    let what = [
        ("model", kind.name().into()),
        ("settings", format!("{:?}", exp.settings.settings).into()),
        ("requests", exp.settings.requests.into()),
    ];
    doc.term(target_headline(t, "term-scale", &what, &exp.target, &cells));
    doc.push(Show::Both, Block::Table(sweep_table(t, exp, sweep)));
    let usl = Item { text: found.usl.clone(), more: found.usl_poor.clone().into_iter().collect(), sub: Vec::new() };
    let items = vec![found.knee.clone().into(), found.diagnosis.clone().into(), usl, found.memory.clone().into()];
    doc.doc(Block::Bullets(items));
    let excluded: Vec<String> = sweep
        .points
        .iter()
        .filter(|p| !p.comparable)
        .map(|p| format!("{} ({}/{})", p.figures.cell.model, p.side.failed(), p.side.tasks))
        .collect();
    if !excluded.is_empty() {
        let note = t.msg("sweep-excluded", &[("points", excluded.join(", ").into())]);
        doc.push(Show::Both, Block::Paragraph(note.into()));
    }
    let reconciled = exp.settings.task.is_none().then_some("scale");
    terminal_notes(doc, t, reconciled, &exp.settings.schedule, &cells);
}

/// Every point against its ideal, with the evidence the diagnosis reads; the terminal adds the
/// baseline's row.
fn sweep_table(t: &Text, exp: &ScaleExperiment, sweep: &Sweep) -> Table {
    let kind = exp.settings.model;
    let h = |id: &str| t.get(id);
    let setting = t.msg("col-setting", &[("concurrency", concurrency(kind).into())]);
    let server = |p: &SweepPoint, f: fn(&crate::record::StatsSnapshot) -> u64| {
        or_none(p.figures.run.server.as_ref(), |s| f(s).to_string())
    };
    let columns = vec![
        col(setting.clone(), setting, |p: &SweepPoint| p.setting.to_string().into()),
        at(Some(h("term-time")), None, |p: &SweepPoint| time_with_spread(t, &p.figures).into()),
        at(None, Some(h("col-time")), |p: &SweepPoint| secs(t, p.figures.wall).into()),
        col(h("term-ideal"), h("col-ideal"), |p: &SweepPoint| or_none(p.ideal, |d| secs(t, d))),
        col(h("term-to-ideal"), h("col-to-ideal"), |p: &SweepPoint| or_none(p.to_ideal, |r| format!("{r:.2}x"))),
        col(h("term-vs-base"), h("col-vs-baseline"), |p: &SweepPoint| {
            or_none(p.vs_baseline, |v| ratio_cell(t, &v, |r| r.to_string()))
        }),
        col(h("term-req-s"), h("col-req-s"), |p: &SweepPoint| format!("{:.0}", p.figures.throughput_per_s).into()),
        col(h("col-p50"), h("col-p50"), |p: &SweepPoint| latency(&p.figures, |l| l.p50_us)),
        col(h("col-p99"), h("col-p99"), |p: &SweepPoint| latency(&p.figures, |l| l.p99_us)),
        col(h("term-peak-heap"), h("col-peak-heap"), |p: &SweepPoint| heap_peak(&p.figures)),
        col(h("term-peak-rss"), h("col-peak-rss"), |p: &SweepPoint| rss_peak(&p.figures)),
        col(h("term-cpu-cores"), h("col-client-cpu"), |p: &SweepPoint| format!("{:.2}", p.cores_used).into()),
        col(h("term-server-peak"), h("col-server-peak"), |p: &SweepPoint| server(p, |s| s.peak_inflight)),
        col(h("term-queued"), h("col-queued"), |p: &SweepPoint| server(p, |s| s.queued_requests)),
        at(None, Some(h("col-conns")), |p: &SweepPoint| or_none(p.connections_per_request, |c| format!("{c:.2}"))),
    ];
    let mut rows = Vec::new();
    if let (Some(spec), Some(b)) = (&exp.settings.baseline, &sweep.baseline) {
        let cells = vec![
            t.msg("term-base", &[("model", spec.to_string().into())]).into(),
            time_with_spread(t, b).into(),
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
    table(columns, rows)
}
