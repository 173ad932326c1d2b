//! A view (between analysis and the writers): what every experiment's view shares: figures as
//! cells, the terminal's headline and notes, and the document's tail (charts, spread of the runs,
//! failures, target and settings, environment).

use std::time::Duration;

use super::doc::{Align, Block, ChartRef, Column, Document, Inline, Item, Row, Show, Table, bullets};
use super::words::{cell_spec, code, emph, led, plain, rich, secs, strong};
use crate::analysis::io::Figures;
use crate::analysis::{applied_latency, checksums_agree};
use crate::record::{
    Cell, CellStatus, CellSummary, ClientSettings, Environment, Experiment, LatencySummary, Report, Schedule,
    TargetInfo, TargetKind,
};
use crate::text::{Arg, Text};
use crate::units::{fmt_duration, fmt_mib, fmt_ms_us};

/// A missing figure.
pub const NONE: &str = "–";

/// `–` for a missing figure, else the figure as `f` writes it.
pub fn or_none<T>(v: Option<T>, f: impl FnOnce(T) -> String) -> Inline {
    Inline::plain(v.map_or(NONE.into(), f))
}

pub fn mib(bytes: u64) -> String {
    fmt_mib(bytes as f64)
}

fn mib_signed(bytes: i64) -> String {
    if bytes < 0 { format!("-{}", mib(bytes.unsigned_abs())) } else { mib(bytes as u64) }
}

pub fn heap_peak(f: &Figures) -> Inline {
    or_none(f.heap_peak_bytes(), mib)
}

pub fn heap_current(f: &Figures) -> Inline {
    or_none(f.heap_current_bytes(), mib_signed)
}

pub fn rss_peak(f: &Figures) -> Inline {
    or_none(f.run.measured.rss_peak_bytes, mib)
}

/// A latency percentile of the successful requests.
pub fn latency(f: &Figures, q: fn(&LatencySummary) -> u64) -> Inline {
    or_none(f.latency(), |l| fmt_ms_us(q(&l) as f64))
}

pub fn count<T: ToString>(v: T) -> Inline {
    Inline::plain(v.to_string())
}

/// The median time, with the spread (sd as a share of the mean) when there were several runs.
pub fn time_with_spread(t: &Text, f: &Figures) -> String {
    let s = &f.summary.wall_s;
    if s.n > 1 { format!("{} ±{:.0}%", secs(t, f.wall), s.cv() * 100.0) } else { secs(t, f.wall) }
}

/// A column's definition: its headers and how a row's cell is written.
pub struct Col<'f, R> {
    pub column: Column,
    pub cell: Box<dyn Fn(&R) -> Inline + 'f>,
}

/// A column in both the terminal summary and the document, with its header in each.
pub fn col<'f, R>(terminal: String, document: String, cell: impl Fn(&R) -> Inline + 'f) -> Col<'f, R> {
    at(Some(terminal), Some(document), cell)
}

/// A column where its headers are given (`None`: not shown there).
pub fn at<'f, R>(terminal: Option<String>, document: Option<String>, cell: impl Fn(&R) -> Inline + 'f) -> Col<'f, R> {
    Col { column: Column { terminal, document, align: Align::Right }, cell: Box::new(cell) }
}

/// The row of `r` under `columns`, shown in both.
pub fn row<R>(columns: &[Col<'_, R>], r: &R) -> Row {
    Row { cells: columns.iter().map(|c| (c.cell)(r)).collect(), show: Show::Both }
}

/// A table of `columns` with `rows`, the first column the terminal shows left-aligned.
pub fn table<R>(columns: Vec<Col<'_, R>>, rows: Vec<Row>) -> Table {
    let mut columns: Vec<Column> = columns.into_iter().map(|c| c.column).collect();
    if let Some(first) = columns.iter_mut().find(|c| c.terminal.is_some()) {
        first.align = Align::Left;
    }
    Table { columns, rows }
}

/// Headers from their message ids.
pub fn headers(t: &Text, ids: &[&str]) -> Vec<String> {
    ids.iter().map(|id| t.get(id)).collect()
}

/// A table of the document only, from its headers and rows.
pub fn doc_table(headers: Vec<String>, rows: Vec<Vec<Inline>>) -> Block {
    let columns = headers.into_iter().map(|h| Column { terminal: None, document: Some(h), align: Align::Right });
    let rows = rows.into_iter().map(|cells| Row { cells, show: Show::Both }).collect();
    Block::Table(Table { columns: columns.collect(), rows })
}

/// The terminal's row for a model with no measured run: it failed, or the run was interrupted
/// first. `at` is the column of the model's spec; the state goes in the next.
pub fn missing_row(t: &Text, cell: &Cell, at: usize) -> Row {
    let state = match cell.status {
        CellStatus::Failed { .. } => "term-failed",
        CellStatus::Pending | CellStatus::Ok => "term-not-run",
    };
    let mut cells = vec![Inline::default(); at];
    cells.extend([Inline::plain(cell_spec(t, cell)), Inline::plain(t.get(state))]);
    Row { cells, show: Show::Terminal }
}

/// The terminal's headline of an experiment against a target: message `id` with `args`, the
/// target as `$to`, and the latency the server applied when it says.
pub fn target_headline(t: &Text, id: &str, args: &[(&str, Arg)], target: &TargetInfo, cells: &[&Cell]) -> Block {
    let to = match (&target.kind, &target.embedded) {
        (TargetKind::Embedded, Some(e)) => t.msg("term-embedded", &[("latency", e.config.latency.to_string().into())]),
        _ => target.url_template.clone(),
    };
    let mut line = t.msg(id, &[args, &[("to", to.into())]].concat());
    if let Some((_, us, _)) = applied_latency(cells) {
        line = format!("{line} {}", t.msg("term-applied", &[("latency", fmt_ms_us(us).into())]));
    }
    headline(line)
}

pub fn headline(text: String) -> Block {
    Block::Heading { level: 1, text: Inline::plain(text) }
}

/// Notes on a cell's spread: a slow first run, a large spread, outliers.
pub fn spread_notes(t: &Text, s: &CellSummary) -> Vec<String> {
    let mut notes = Vec::new();
    if s.first_run_slow {
        notes.push(t.get("note-first-slow"));
    }
    if crate::analysis::stats::large_spread(&s.wall_s) {
        notes.push(t.msg("note-large-spread", &[("pct", format!("{:.0}", s.wall_s.cv() * 100.0).into())]));
    }
    if !s.wall_s.outliers.is_empty() {
        notes.push(t.msg("note-outliers", &[("n", s.wall_s.outliers.len().into())]));
    }
    notes
}

/// What went wrong, a line per fact: a model that failed as a whole, its failed requests per kind
/// (summed over its runs), its retries.
pub fn failure_lines(t: &Text, cells: &[&Cell]) -> Vec<Inline> {
    let mut lines = Vec::new();
    for cell in cells {
        let model = code(&cell_spec(t, cell));
        if let CellStatus::Failed { reason } = &cell.status {
            lines.push(rich(t, "fail-cell", &[("model", (&model).into()), ("reason", plain(reason).into())]));
        }
        let mut kinds: std::collections::BTreeMap<&str, (u64, &str)> = Default::default();
        for (kind, tally) in cell.runs.iter().flat_map(|r| &r.errors) {
            kinds.entry(kind).or_insert((0, &tally.example)).0 += tally.count;
        }
        for (kind, (n, example)) in kinds {
            let args = [
                ("model", Arg::from(&model)),
                ("count", n.into()),
                ("kind", code(kind).into()),
                ("runs", cell.runs.len().into()),
                ("example", plain(example).into()),
            ];
            lines.push(rich(t, "fail-kind", &args));
        }
        let retries: u64 = cell.runs.iter().map(|r| r.retries).sum();
        if retries > 0 {
            let ok: u64 = cell.runs.iter().map(|r| r.ok_after_retry).sum();
            let failed = crate::analysis::failed(cell);
            let args = [
                ("model", Arg::from(&model)),
                ("retries", retries.into()),
                ("ok", ok.into()),
                ("failed", failed.into()),
            ];
            lines.push(rich(t, "fail-retries", &args));
        }
    }
    lines
}

/// The terminal's notes under an experiment's table: failures, mismatches with the server's
/// counters (for an experiment of kind `reconciled`; `None`: the user's task, nothing to
/// reconcile), how the runs were repeated, cells whose spread deserves a look; then the gap before
/// the verdicts.
pub fn terminal_notes(
    doc: &mut Document,
    t: &Text,
    reconciled: Option<&'static str>,
    schedule: &Schedule,
    cells: &[&Cell],
) {
    doc.term(bullets(failure_lines(t, cells)));
    if let Some(kind) = reconciled {
        doc.term(bullets(integrity_lines(t, kind, cells)));
    }
    if checksums_agree(cells.iter().copied()).is_some_and(|(same, _)| !same) {
        doc.term(Block::Paragraph(led(t, "target-checksum-bad", &[])));
    }
    doc.term(Block::Paragraph(schedule_line(t, schedule).into()));
    // An open model's time is its schedule's: its spread says nothing of the model.
    let noted = cells.iter().filter(|c| c.offered_per_s.is_none()).filter_map(|c| {
        let notes = spread_notes(t, &Figures::of(c)?.summary);
        let args = [("model", cell_spec(t, c).into()), ("notes", notes.join("; ").into())];
        (!notes.is_empty()).then(|| t.msg("term-spread", &args))
    });
    doc.term(bullets(noted));
    doc.term(Block::Rule);
}

fn schedule_line(t: &Text, s: &Schedule) -> String {
    let order = match s.shuffle_seed {
        Some(seed) => t.msg("schedule-shuffled", &[("seed", seed.to_string().into())]),
        None => t.get("schedule-interleaved"),
    };
    t.msg("schedule", &[("runs", s.runs.into()), ("warmup", s.warmup.into()), ("order", order.into())])
}

/// Where the server's counters and the client's figures disagree, a line each (see
/// `analysis::integrity`).
pub fn integrity_lines(t: &Text, kind: &'static str, cells: &[&Cell]) -> Vec<Inline> {
    use crate::analysis::integrity::{Mismatch, findings_of};
    findings_of(kind, cells)
        .into_iter()
        .map(|f| {
            let model = super::words::spec(t, &f.model, f.interpreter.as_ref());
            let at = [("model", code(&model).into()), ("round", (f.round + 1).into())];
            let (id, more): (&str, Vec<(&str, Arg)>) = match f.mismatch {
                Mismatch::Requests { tries, server, exact: true } => {
                    ("integrity-requests-exact", vec![("tries", tries.into()), ("server", server.into())])
                }
                Mismatch::Requests { tries, server, exact: false } => {
                    ("integrity-requests-bound", vec![("tries", tries.into()), ("server", server.into())])
                }
                Mismatch::Answers { ok, answered } => {
                    ("integrity-answers", vec![("ok", ok.into()), ("answered", answered.into())])
                }
                Mismatch::Peak { server_peak, concurrency } => {
                    ("integrity-peak", vec![("peak", server_peak.into()), ("concurrency", concurrency.into())])
                }
                Mismatch::Statuses { client, server } => {
                    ("integrity-statuses", vec![("client", client.into()), ("server", server.into())])
                }
            };
            rich(t, id, &[&at[..], &more[..]].concat())
        })
        .collect()
}

/// The document's tail of an experiment: its charts, the spread of its runs, its failures, the
/// reconciliation with the server's counters, its target and settings.
pub fn document_tail(doc: &mut Document, t: &Text, experiment: &Experiment, env: &Environment) {
    for chart in charts(t, experiment) {
        doc.doc(Block::Chart(chart));
    }
    let cells = experiment.cells();
    // An open model's time is its schedule's: its spread says nothing of the model.
    if experiment.arrivals().is_none() {
        spread(doc, t, experiment.schedule(), &cells);
    }
    let failures = failure_lines(t, &cells);
    if !failures.is_empty() {
        doc.heading(2, t.get("failures-title"));
        doc.doc(bullets(failures));
    }
    let reconciled = experiment.task().is_none().then(|| experiment.kind_name());
    let mismatches = reconciled.map(|kind| integrity_lines(t, kind, &cells)).unwrap_or_default();
    if !mismatches.is_empty() {
        doc.heading(2, t.get("integrity-title"));
        doc.doc(bullets(mismatches));
    }
    if let (Some(target_info), Some(c)) = (experiment.target(), experiment.client()) {
        let client = Some(c).filter(|_| experiment.task().is_none());
        target(doc, t, target_info, client, &cells);
    }
    super::python::settings(doc, t, experiment, env);
}

/// The charts of an experiment (the document shows those with data). An open `io` run has none
/// of the closed loop's (its time for all requests is the schedule's).
pub fn charts(t: &Text, experiment: &Experiment) -> Vec<ChartRef> {
    let kind = match experiment {
        Experiment::Scale(s) if s.settings.model.is_python() => "scale-py",
        e => e.kind_name(),
    };
    // An open model's io experiment has no section 1-2 charts (its figures are the schedule's).
    let open = experiment.arrivals().is_some() && experiment.kind_name() == "io";
    CHARTS
        .iter()
        .filter(|(_, of)| *of == kind && !open)
        .map(|&(id, _)| ChartRef { id, title: t.get(&format!("chart-{id}")) })
        .collect()
}

/// The sweep chart of `exp`: a report can hold a Rust sweep and a CPython one (the suite).
pub fn scale_chart(exp: &crate::record::ScaleExperiment) -> &'static str {
    if exp.settings.model.is_python() { chart::SCALE_TIME_PY } else { chart::SCALE_TIME }
}

/// Every chart, in report order, with the kind of experiment it shows: the one list of them.
pub const CHARTS: [(&str, &str); 8] = [
    (chart::IO_TIME, "io"),
    (chart::IO_MEMORY, "io"),
    (chart::IO_LATENCY, "io"),
    (chart::SCALE_TIME, "scale"),
    (chart::SCALE_TIME_PY, "scale-py"),
    (chart::RATES_LATENCY, "rates"),
    (chart::RATES_THROUGHPUT, "rates"),
    (chart::CPU_SPEEDUP, "cpu"),
];

/// Chart ids: each is a file stem (`io-time.svg`), an anchor, and `chart-ID` in the catalogues.
pub mod chart {
    pub const IO_TIME: &str = "io-time";
    pub const IO_MEMORY: &str = "io-memory";
    pub const IO_LATENCY: &str = "io-latency";
    pub const SCALE_TIME: &str = "scale-time";
    pub const SCALE_TIME_PY: &str = "scale-time-py";
    pub const RATES_LATENCY: &str = "rates-latency";
    pub const RATES_THROUGHPUT: &str = "rates-throughput";
    pub const CPU_SPEEDUP: &str = "cpu-speedup";
}

fn spread(doc: &mut Document, t: &Text, schedule: &Schedule, cells: &[&Cell]) {
    doc.heading(2, t.get("spread-title"));
    doc.doc(Block::Paragraph(schedule_line(t, schedule).into()));
    let secs = |x: f64| secs(t, Duration::from_secs_f64(x.max(0.0)));
    let rows: Vec<Vec<Inline>> = cells
        .iter()
        .filter_map(|c| {
            let f = Figures::of(c)?;
            let s = &f.summary.wall_s;
            Some(vec![
                Inline::code(cell_spec(t, c)),
                count(s.n),
                Inline::plain(secs(s.median)),
                Inline::plain(format!("{} ± {}", secs(s.mean), secs(s.sd))),
                Inline::plain(format!("{} … {}", secs(s.min), secs(s.max))),
                or_none(s.ci95, |(lo, hi)| format!("{} – {}", secs(lo), secs(hi))),
                count(s.outliers.len()),
                Inline::plain(spread_notes(t, &f.summary).join("; ")),
            ])
        })
        .collect();
    let ids =
        ["col-model", "col-runs", "col-median", "col-mean-sd", "col-min-max", "col-ci", "col-outliers", "col-notes"];
    doc.doc(doc_table(super::common::headers(t, &ids), rows));
}

/// Where the requests went and how the clients were set up (`None`: the user's task, whose
/// own calls concbench's clients do not make, and whose results its view checks).
fn target_lines(t: &Text, target: &TargetInfo, client: Option<&ClientSettings>, cells: &[&Cell]) -> Vec<Inline> {
    let mut lines = where_to(t, target, cells);
    let Some(client) = client else { return lines };
    lines.extend(client_lines(t, client));
    match checksums_agree(cells.iter().copied()) {
        Some((true, Some(bytes))) => {
            lines.push(led(t, "target-checksum-ok", &[("bytes", bytes.to_string().into())]));
        }
        Some((false, _)) => lines.push(led(t, "target-checksum-bad", &[])),
        Some((true, None)) | None => {}
    }
    lines
}

/// The target: the embedded API (with the latency it really applied) or an external URL.
fn where_to(t: &Text, target: &TargetInfo, cells: &[&Cell]) -> Vec<Inline> {
    let mut lines = Vec::new();
    match (&target.kind, &target.embedded) {
        (TargetKind::Embedded, Some(e)) => {
            let cap = e.config.max_inflight.map_or("none".into(), |c| c.to_string());
            let args = [("mode", e.mode.to_string().into()), ("profile", code(&e.config.latency.to_string()).into())];
            lines.push(led(t, "target-embedded", &[&args[..], &[("cap", cap.into())]].concat()));
            if let Some((requested, applied, max)) = applied_latency(cells) {
                let ms = |us: f64| Arg::from(format!("{:.2}", us / 1e3));
                let args = [("requested", ms(requested)), ("applied", ms(applied)), ("max", ms(max as f64))];
                lines.push(led(t, "target-applied", &args));
            }
            lines.extend(excess_line(t, cells));
        }
        _ => lines.push(led(t, "target-external", &[("url", code(&target.url_template).into())])),
    }
    lines
}

/// How late the embedded API's timer released the answers (applied − asked latency at p50, p99,
/// max), and how long its runtime took to run a released answer's handler again.
fn excess_line(t: &Text, cells: &[&Cell]) -> Option<Inline> {
    let excess = crate::analysis::server_histogram(cells, |s| s.latency_excess.as_ref())?;
    let lag = crate::analysis::server_histogram(cells, |s| s.resume_lag.as_ref()).unwrap_or_default();
    let us =
        |h: &crate::record::MicrosHistogram, q: f64| Arg::from(h.quantile_us(q).map_or(NONE.into(), |v| v.to_string()));
    let args = [
        ("p50", us(&excess, 0.5)),
        ("p99", us(&excess, 0.99)),
        ("max", us(&excess, 1.0)),
        ("n", excess.count().into()),
        ("lag50", us(&lag, 0.5)),
        ("lag99", us(&lag, 0.99)),
    ];
    Some(led(t, "target-excess", &args))
}

/// How the clients behave: keep-alive and timeouts, retries, the clients and their buffers, the
/// extra headers' names.
fn client_lines(t: &Text, client: &ClientSettings) -> Vec<Inline> {
    let mut lines = Vec::new();
    let c = &client.config;
    let mode = match (c.keep_alive, c.prewarm) {
        (true, false) => "on",
        (true, true) => "prewarm",
        (false, _) => "off",
    };
    let attr = |a: &str| Arg::from(strong(&t.attr("target-settings", a, &[])));
    let args = [
        ("keepalive", attr("keepalive")),
        ("timeout", attr("timeout")),
        ("mode", mode.into()),
        ("time", fmt_duration(c.timeout).into()),
        ("connect", fmt_duration(c.connect_timeout).into()),
    ];
    lines.push(rich(t, "target-settings", &args));
    let r = &client.request;
    if !r.is_plain() {
        let args = [
            ("method", code(r.method.as_str()).into()),
            ("body", r.body_bytes.unwrap_or(0).into()),
            ("urls", r.urls.unwrap_or(0).into()),
        ];
        lines.push(led(t, "target-request", &args));
    }
    lines.push(match c.retries {
        0 => led(t, "target-no-retries", &[]),
        n => led(t, "target-retries", &[("retries", n.into()), ("backoff", fmt_duration(c.retry_backoff).into())]),
    });
    let kib = |b: usize| Arg::from((b / 1024).to_string());
    let buffers = &client.blocking_buffer_bytes;
    let args = [
        ("blocking", plain(&client.blocking_client).into()),
        ("async", plain(&client.async_client).into()),
        ("input", kib(buffers.input)),
        ("output", kib(buffers.output)),
    ];
    lines.push(led(t, "target-clients", &args));
    if !client.header_names.is_empty() {
        lines.push(led(t, "target-headers", &[("names", plain(&client.header_names.join(", ")).into())]));
    }
    lines
}

fn target(doc: &mut Document, t: &Text, target: &TargetInfo, client: Option<&ClientSettings>, cells: &[&Cell]) {
    doc.heading(1, t.get("target-title"));
    let mut items: Vec<Item> = target_lines(t, target, client, cells).into_iter().map(Item::from).collect();
    let peaks: Vec<Inline> = cells
        .iter()
        .filter_map(|c| {
            let s = Figures::of(c)?.run.server.as_ref()?;
            let args = [
                ("model", code(&cell_spec(t, c)).into()),
                ("requests", s.requests.into()),
                ("peak", s.peak_inflight.into()),
                ("connections", s.connections_accepted.into()),
            ];
            Some(rich(t, "target-server-peak", &args))
        })
        .collect();
    if !peaks.is_empty() {
        items.push(Item { text: t.get("target-server-peaks").into(), more: Vec::new(), sub: peaks });
    }
    doc.doc(Block::Bullets(items));
}

/// What other processes took of the machine: before the first run, and at most during a run;
/// `None` for a report that did not measure it.
fn others_load(t: &Text, report: &Report) -> Option<String> {
    let q = crate::analysis::machine::quiet(report);
    if q.before.is_none() && q.during_max.is_none() {
        return None;
    }
    let cores = |c: Option<f64>| c.map_or("?".into(), |c| format!("{c:.2}"));
    let window = report.environment.others_before.map_or("?".into(), |o| format!("{:.0}", o.window_ms));
    let args = [("before", cores(q.before).into()), ("window", window.into()), ("during", cores(q.during_max).into())];
    Some(t.msg("env-others-value", &args))
}

/// The machine and the tool, and how to read the figures.
pub fn environment(doc: &mut Document, t: &Text, report: &Report) {
    let e = &report.environment;
    doc.heading(1, t.get("env-title"));
    let load = |v: Option<f64>| v.map_or("?".into(), |v| format!("{v:.2}"));
    let cores = [("granted", e.cores_granted.into()), ("online", e.cpus_online.into())];
    let cores = match e.cgroup_cpu_quota {
        Some(q) => t.msg("env-cores-quota", &[&cores[..], &[("quota", format!("{q:.2}").into())]].concat()),
        None => t.msg("env-cores-value", &cores),
    };
    let facts = [
        ("env-os", format!("{} {}", e.kernel.as_deref().unwrap_or(&e.os), e.arch)),
        ("env-cpu", e.cpu_model.clone().unwrap_or_else(|| "?".into())),
        ("env-cores", cores),
        (
            "env-memory",
            e.memory_total_bytes.map_or("?".into(), |b| format!("{:.1} GiB", b as f64 / (1u64 << 30) as f64)),
        ),
        ("env-load", format!("{} → {}", load(e.load_average_start), load(e.load_average_end))),
        (
            "env-tool",
            match &report.tool.git_commit {
                Some(c) => format!("{} ({c})", report.tool.version),
                None => report.tool.version.clone(),
            },
        ),
        ("env-rust", report.tool.rustc.clone()),
        ("env-started", report.started_at.clone()),
    ];
    let mut facts: Vec<(&str, String)> = facts.into();
    if let Some(others) = others_load(t, report) {
        facts.insert(4, ("env-others", others));
    }
    doc.doc(Block::Facts(facts.into_iter().map(|(id, v)| (t.get(id), Inline::plain(v))).collect()));
    super::python::interpreters(doc, t, e);
    doc.heading(2, t.get("reading-title"));
    let emph_attr = |a: &str| Arg::from(emph(&t.attr("reading-heap", a, &[])));
    let heap = led(t, "reading-heap", &[("peak", emph_attr("peak")), ("end", emph_attr("end"))]);
    let notes = [
        led(t, "reading-time", &[]),
        heap,
        led(t, "reading-rss", &[]),
        led(t, "reading-ideal", &[]),
        led(t, "reading-estimated", &[]),
    ];
    doc.doc(bullets(notes));
}
