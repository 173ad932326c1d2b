//! A view (between analysis and the writers): an `io` run in an open model (`--rate`). Per model:
//! what it achieved against the offered rate, latency as users see it (corrected for coordinated
//! omission) beside its service time, the queue and drops, and whether the generator kept to its
//! schedule; then how the wait grew over the run. The terminal shows the same table and lines.

use super::common::{Col, NONE, at, col, or_none, row, rss_peak, table, target_headline, terminal_notes};
use super::doc::{Block, Document, Inline, Item, Row, Show, Table};
use super::words::{code, count, led, rich, secs};
use crate::analysis::open::{KEPT_UP, OpenFigures};
use crate::record::{Cell, IoExperiment, LatencySummary, OpenLoad};
use crate::text::{Arg, Text};
use crate::units::{fmt_duration, fmt_ms_us};

/// The open model's section, in place of sections 1 and 2 (whose "time for all requests" an
/// arrival rate fixes).
pub fn push(doc: &mut Document, t: &Text, io: &IoExperiment, load: &OpenLoad) {
    let cells: Vec<&Cell> = io.cells.iter().collect();
    let figures: Vec<Option<OpenFigures>> = io.cells.iter().map(OpenFigures::of).collect();
    let rate = rate_text(load.rate_per_s);
    doc.heading(1, t.msg("open-title", &[("rate", rate.as_str().into())]));
    doc.doc(Block::Facts(facts(t, io, load)));
    doc.doc(Block::Note(t.get("open-reading").into()));
    let what = [("rate", rate.as_str().into()), ("requests", io.settings.requests.into())];
    doc.term(target_headline(t, "term-open", &what, &io.target, &cells));
    doc.push(Show::Both, Block::Table(open_table(t, io, &figures)));
    let bound = load.arrivals.lateness_bound_us;
    let lines: Vec<Item> = figures.iter().flatten().flat_map(|f| verdicts(t, f, load, bound)).map(Item::from).collect();
    doc.push(Show::Both, Block::Bullets(lines));
    doc.heading(2, t.get("open-tenths-title"));
    doc.doc(tenths_table(t, &figures));
    terminal_notes(doc, t, Some("io"), &io.settings.schedule, &cells);
}

/// A rate as the report writes it: `160`, `0.5`.
pub fn rate_text(per_s: f64) -> String {
    if per_s >= 10.0 || per_s.fract() == 0.0 { format!("{per_s:.0}") } else { format!("{per_s:.2}") }
}

/// `–` or a latency percentile.
pub(super) fn ms(l: Option<LatencySummary>, q: fn(&LatencySummary) -> u64) -> Inline {
    or_none(l, |l| fmt_ms_us(q(&l) as f64))
}

fn facts(t: &Text, io: &IoExperiment, load: &OpenLoad) -> Vec<(String, Inline)> {
    let a = &load.arrivals;
    let arrivals = match a.process {
        crate::record::ArrivalProcess::Uniform => t.get("open-uniform"),
        crate::record::ArrivalProcess::Poisson => t.msg("open-poisson", &[("seed", a.seed.to_string().into())]),
    };
    let length = match a.duration {
        Some(d) => t.msg(
            "open-length-duration",
            &[("duration", fmt_duration(d).into()), ("requests", io.settings.requests.into())],
        ),
        None => count(t, io.settings.requests),
    };
    let queue =
        a.max_queue.map_or_else(|| t.get("open-queue-unbounded"), |n| t.msg("open-queue-bound", &[("n", n.into())]));
    vec![
        (t.get("open-offered"), t.msg("open-per-s", &[("rate", rate_text(load.rate_per_s).into())]).into()),
        (t.get("open-arrivals"), arrivals.into()),
        (t.get("open-length"), length.into()),
        (t.get("open-queue"), queue.into()),
        (t.get("open-bound"), fmt_ms_us(a.lateness_bound_us as f64).into()),
    ]
}

/// The columns of an open model's figures, for rows `R` that hold them (`of`): offered and
/// achieved, latency as users see it and service time, the queue, drops, the generator's lateness.
pub(super) fn figure_columns<'f, R: 'f>(t: &Text, of: fn(&R) -> &OpenFigures<'_>) -> Vec<Col<'f, R>> {
    let h = |id: &str| t.get(id);
    let per_s = |v: Option<f64>| or_none(v, rate_text);
    vec![
        col(h("term-offered"), h("col-offered"), move |r: &R| per_s(Some(of(r).offered_per_s))),
        col(h("term-achieved"), h("col-achieved"), move |r: &R| per_s(of(r).achieved_per_s)),
        col(h("term-corrected-p50"), h("col-corrected-p50"), move |r: &R| ms(of(r).corrected, |l| l.p50_us)),
        col(h("term-corrected-p99"), h("col-corrected-p99"), move |r: &R| ms(of(r).corrected, |l| l.p99_us)),
        col(h("term-service-p50"), h("col-service-p50"), move |r: &R| ms(of(r).service, |l| l.p50_us)),
        col(h("term-service-p99"), h("col-service-p99"), move |r: &R| ms(of(r).service, |l| l.p99_us)),
        col(h("term-queue-peak"), h("col-queue-peak"), move |r: &R| of(r).queue_peak.to_string().into()),
        col(h("term-dropped"), h("col-dropped"), move |r: &R| of(r).dropped.to_string().into()),
        col(h("term-late-p99"), h("col-late-p99"), move |r: &R| ms(of(r).lateness, |l| l.p99_us)),
        col(h("term-peak-rss"), h("col-peak-rss"), move |r: &R| rss_peak(&of(r).figures)),
    ]
}

/// A model's spec and its tasks' ok/failed, the first columns of a row of open figures.
pub(super) fn model_columns<'f, R: 'f>(t: &Text, of: fn(&R) -> &OpenFigures<'_>) -> Vec<Col<'f, R>> {
    let h = |id: &str| t.get(id);
    vec![
        col(h("term-model"), h("col-spec"), move |r: &R| Inline::code(of(r).figures.cell.label())),
        col(h("term-ok-failed"), h("col-ok-failed"), move |r: &R| {
            format!("{}/{}", of(r).figures.run.ok, of(r).figures.run.failed).into()
        }),
    ]
}

/// The figures of a row that is them.
fn itself<'r>(f: &'r OpenFigures<'_>) -> &'r OpenFigures<'r> {
    f
}

/// Every model's row: its open figures, then the CPU it used.
fn open_table(t: &Text, io: &IoExperiment, figures: &[Option<OpenFigures>]) -> Table {
    let mut columns = model_columns(t, itself);
    columns.extend(figure_columns(t, itself));
    let cpu = |f: &OpenFigures| secs(t, f.figures.run.measured.cpu()).into();
    columns.push(at(Some(t.get("term-cpu-time")), Some(t.get("col-cpu")), cpu));
    let rows: Vec<Row> = io
        .cells
        .iter()
        .zip(figures)
        .map(|(c, f)| match f {
            Some(f) => row(&columns, f),
            None => super::common::missing_row(t, c, 0),
        })
        .collect();
    table(columns, rows)
}

/// What a model's figures say: it kept up, or fell behind and why; requests dropped; figures
/// limited by the generator rather than the model.
fn verdicts(t: &Text, f: &OpenFigures, load: &OpenLoad, bound_us: u64) -> Vec<Inline> {
    // Plain: it sits in the lines' strong lead.
    let model = f.figures.cell.model.to_string();
    let p99 = |l: Option<LatencySummary>| Arg::from(l.map_or(NONE.to_string(), |l| fmt_ms_us(l.p99_us as f64)));
    let args = [
        ("model", Arg::from(&model)),
        ("offered", rate_text(f.offered_per_s).into()),
        ("achieved", f.achieved_per_s.map_or(NONE.to_string(), rate_text).into()),
        ("corrected", p99(f.corrected)),
        ("service", p99(f.service)),
        ("peak", f.queue_peak.into()),
        ("growth", f.growth().map_or(NONE.to_string(), |g| format!("{g:.1}")).into()),
        ("share", format!("{:.0}", KEPT_UP * 100.0).into()),
    ];
    let mut lines = vec![led(t, if f.kept_up() { "open-kept-up" } else { "open-behind" }, &args)];
    if f.dropped > 0 {
        let spec = code(&model);
        let more = [("dropped", f.dropped.into()), ("max", load.arrivals.max_queue.unwrap_or(0).into())];
        lines.push(rich(t, "open-dropped", &[&[("model", Arg::from(&spec))][..], &more[..]].concat()));
    }
    if f.tool_bound(bound_us) {
        let more = [("late", p99(f.lateness)), ("bound", fmt_ms_us(bound_us as f64).into())];
        lines.push(led(t, "open-tool-bound", &[&args[..1], &more[..]].concat()));
    }
    lines
}

/// The mean corrected latency of each tenth of the run's requests, per model: how the wait grew.
fn tenths_table(t: &Text, figures: &[Option<OpenFigures>]) -> Block {
    let mut headers = vec![t.get("col-spec")];
    headers.extend((1..=10usize).map(|k| t.msg("col-tenth", &[("k", k.into())])));
    let rows =
        figures
            .iter()
            .flatten()
            .map(|f| {
                let mut cells = vec![Inline::code(f.figures.cell.label())];
                cells.extend(f.tenths.iter().map(|x| {
                    if x.ok == 0 { Inline::plain(NONE) } else { Inline::plain(fmt_ms_us(x.corrected_mean_us)) }
                }));
                cells
            })
            .collect();
    super::common::doc_table(headers, rows)
}
