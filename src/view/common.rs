//! What every experiment's view shares: figures as cells, the terminal's headline and notes, and
//! the document's tail (charts, spread of the runs, failures, target and settings, environment).

use std::time::Duration;

use super::doc::{Align, Block, ChartRef, Column, Document, Inline, Item, Row, Show, Table, bullets};
use super::lang::Words;
use crate::analysis::io::Figures;
use crate::analysis::{applied_latency, checksums_agree};
use crate::record::{
    Cell, CellStatus, CellSummary, ClientSettings, Experiment, LatencySummary, Report, Schedule, TargetInfo, TargetKind,
};
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
pub fn time_with_spread(w: &dyn Words, f: &Figures) -> String {
    let t = &f.summary.wall_s;
    if t.n > 1 { format!("{} ±{:.0}%", w.secs(f.wall), t.cv() * 100.0) } else { w.secs(f.wall) }
}

/// A column's definition: its headers and how a row's cell is written.
pub struct Col<'f, R> {
    pub column: Column,
    pub cell: Box<dyn Fn(&R) -> Inline + 'f>,
}

/// A column in both the terminal summary and the document.
pub fn col<'f, R>(terminal: &str, document: &str, cell: impl Fn(&R) -> Inline + 'f) -> Col<'f, R> {
    at(Some(terminal), Some(document), cell)
}

/// A column where its headers are given (`None`: not shown there).
pub fn at<'f, R>(terminal: Option<&str>, document: Option<&str>, cell: impl Fn(&R) -> Inline + 'f) -> Col<'f, R> {
    let column =
        Column { terminal: terminal.map(String::from), document: document.map(String::from), align: Align::Right };
    Col { column, cell: Box::new(cell) }
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

/// A table of the document only, from its headers and rows.
pub fn doc_table(headers: &[&str], rows: Vec<Vec<Inline>>) -> Block {
    let columns =
        headers.iter().map(|h| Column { terminal: None, document: Some(h.to_string()), align: Align::Right }).collect();
    Block::Table(Table { columns, rows: rows.into_iter().map(|cells| Row { cells, show: Show::Both }).collect() })
}

/// The terminal's row for a model with no measured run: it failed, or the run was interrupted
/// first. `at` is the column of the model's spec; the state goes in the next.
pub fn missing_row(cell: &Cell, at: usize) -> Row {
    let state = match cell.status {
        CellStatus::Failed { .. } => "failed",
        CellStatus::Pending | CellStatus::Ok => "not run",
    };
    let mut cells = vec![Inline::default(); at];
    cells.extend([Inline::plain(cell.model.to_string()), Inline::plain(state)]);
    Row { cells, show: Show::Terminal }
}

/// The terminal's headline of an experiment against a target.
pub fn target_headline(what: &str, target: &TargetInfo, cells: &[&Cell]) -> Block {
    let to = match (&target.kind, &target.embedded) {
        (TargetKind::Embedded, Some(e)) => format!("embedded API, latency {}", e.config.latency),
        _ => target.url_template.clone(),
    };
    let applied = match applied_latency(cells) {
        Some((_, us, _)) => format!(" (applied {} on average)", fmt_ms_us(us)),
        None => String::new(),
    };
    headline(format!("concbench {what} to {to}{applied}"))
}

pub fn headline(text: String) -> Block {
    Block::Heading { level: 1, text: Inline::plain(text) }
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

/// What went wrong, a line per fact: a model that failed as a whole, its failed requests per kind
/// (summed over its runs), its retries.
pub fn failure_lines(w: &dyn Words, cells: &[&Cell]) -> Vec<Inline> {
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
    lines.into_iter().map(Inline::markup).collect()
}

/// The terminal's notes under an experiment's table: failures, how the runs were repeated, cells
/// whose spread deserves a look; then the gap before the verdicts.
pub fn terminal_notes(doc: &mut Document, w: &dyn Words, schedule: &Schedule, cells: &[&Cell]) {
    doc.term(bullets(failure_lines(w, cells)));
    if checksums_agree(cells.iter().copied()).is_some_and(|(same, _)| !same) {
        doc.term(Block::Paragraph(Inline::markup(w.checksum_mismatch())));
    }
    doc.term(Block::Paragraph(Inline::markup(schedule_line(w, schedule))));
    let noted = cells.iter().filter_map(|c| {
        let notes = spread_notes(w, &Figures::of(c)?.summary);
        (!notes.is_empty()).then(|| format!("⚠ {}: {}", c.model, notes.join("; ")))
    });
    doc.term(bullets(noted));
    doc.term(Block::Rule);
}

fn schedule_line(w: &dyn Words, s: &Schedule) -> String {
    w.schedule_line(s.runs, s.warmup, s.shuffle_seed)
}

/// The document's tail of an experiment: its charts, the spread of its runs, its failures, its
/// target and settings.
pub fn document_tail(doc: &mut Document, w: &dyn Words, experiment: &Experiment) {
    for chart in charts(w, experiment) {
        doc.doc(Block::Chart(chart));
    }
    let cells = experiment.cells();
    spread(doc, w, experiment.schedule(), &cells);
    let failures = failure_lines(w, &cells);
    if !failures.is_empty() {
        doc.heading(2, w.failures_title());
        doc.doc(bullets(failures));
    }
    if let (Some(t), Some(c)) = (experiment.target(), experiment.client()) {
        target(doc, w, t, c, &cells);
    }
}

/// The charts of an experiment (the document shows those with data).
pub fn charts(w: &dyn Words, experiment: &Experiment) -> Vec<ChartRef> {
    let cw = w.charts();
    let chart = |id, title: &str| ChartRef { id, title: title.to_string() };
    match experiment {
        Experiment::Io(_) => {
            vec![chart("io-time", cw.io_time), chart("io-memory", cw.io_memory), chart("io-latency", cw.io_latency)]
        }
        Experiment::Scale(_) => vec![chart("scale-time", cw.scale_time)],
        Experiment::Cpu(_) => vec![chart("cpu-speedup", cw.cpu_speedup)],
    }
}

fn spread(doc: &mut Document, w: &dyn Words, schedule: &Schedule, cells: &[&Cell]) {
    doc.heading(2, w.spread_title());
    doc.doc(Block::Paragraph(Inline::markup(schedule_line(w, schedule))));
    let secs = |x: f64| w.secs(Duration::from_secs_f64(x.max(0.0)));
    let rows: Vec<Vec<Inline>> = cells
        .iter()
        .filter_map(|c| {
            let f = Figures::of(c)?;
            let t = &f.summary.wall_s;
            Some(vec![
                Inline::code(c.model.to_string()),
                count(t.n),
                Inline::plain(secs(t.median)),
                Inline::plain(format!("{} ± {}", secs(t.mean), secs(t.sd))),
                Inline::plain(format!("{} … {}", secs(t.min), secs(t.max))),
                or_none(t.ci95, |(lo, hi)| format!("{} – {}", secs(lo), secs(hi))),
                count(t.outliers.len()),
                Inline::plain(spread_notes(w, &f.summary).join("; ")),
            ])
        })
        .collect();
    doc.doc(doc_table(&w.spread_columns(), rows));
}

fn target(doc: &mut Document, w: &dyn Words, target: &TargetInfo, client: &ClientSettings, cells: &[&Cell]) {
    doc.heading(1, w.target_title());
    let mut items: Vec<Item> = Vec::new();
    let mut line = |s: String| items.push(Item::from(Inline::markup(s)));
    match (&target.kind, &target.embedded) {
        (TargetKind::Embedded, Some(e)) => {
            line(w.target_embedded(&e.config.latency.to_string(), &e.mode.to_string(), e.config.max_inflight));
            if let Some((requested, applied, max)) = applied_latency(cells) {
                line(w.applied_latency(requested / 1e3, applied / 1e3, max as f64 / 1e3));
            }
        }
        _ => line(w.target_external(&target.url_template)),
    }
    let c = &client.config;
    line(w.settings_line(c.keep_alive, c.prewarm, &fmt_duration(c.timeout), &fmt_duration(c.connect_timeout)));
    line(w.retry_settings(c.retries, &fmt_duration(c.retry_backoff)));
    let c = client;
    let (input, output) = (c.blocking_buffer_bytes.input, c.blocking_buffer_bytes.output);
    line(w.clients_line(&c.blocking_client, &c.async_client, input, output));
    if !c.header_names.is_empty() {
        line(w.headers_note(&c.header_names.join(", ")));
    }
    match checksums_agree(cells.iter().copied()) {
        Some((true, bytes)) => line(w.checksum_ok(bytes)),
        Some((false, _)) => line(w.checksum_mismatch().to_string()),
        None => {}
    }
    let peaks: Vec<Inline> = cells
        .iter()
        .filter_map(|c| {
            let f = Figures::of(c)?;
            let s = f.run.server.as_ref()?;
            let row = w.server_peak_row(&c.model.to_string(), s.peak_inflight, s.requests, s.connections_accepted);
            Some(Inline::markup(row))
        })
        .collect();
    if !peaks.is_empty() {
        items.push(Item { text: Inline::markup(w.server_peaks()), more: Vec::new(), sub: peaks });
    }
    doc.doc(Block::Bullets(items));
}

/// The machine and the tool, and how to read the figures.
pub fn environment(doc: &mut Document, w: &dyn Words, report: &Report) {
    let e = &report.environment;
    doc.heading(1, w.env_title());
    let load = |v: Option<f64>| v.map_or("?".into(), |v| format!("{v:.2}"));
    let values = [
        format!("{} {}", e.kernel.as_deref().unwrap_or(&e.os), e.arch),
        e.cpu_model.clone().unwrap_or_else(|| "?".into()),
        w.cores_value(e.cores_granted, e.cpus_online, e.cgroup_cpu_quota),
        e.memory_total_bytes.map_or("?".into(), |b| format!("{:.1} GiB", b as f64 / (1u64 << 30) as f64)),
        format!("{} → {}", load(e.load_average_start), load(e.load_average_end)),
        match &report.tool.git_commit {
            Some(c) => format!("{} ({c})", report.tool.version),
            None => report.tool.version.clone(),
        },
        report.tool.rustc.clone(),
        report.started_at.clone(),
    ];
    let facts = w.env_lines().iter().zip(values).map(|(l, v)| (l.to_string(), Inline::plain(v))).collect();
    doc.doc(Block::Facts(facts));
    doc.heading(2, w.reading_title());
    doc.doc(bullets(w.reading_notes().iter().map(|n| Inline::markup(*n))));
}
