//! A view (between analysis and the writers): a capacity sweep (`scale --rates`). Every model at
//! every offered rate (latency as users see it and service time, achieved against offered, the
//! queue, memory), then each model's capacity: the rate it first failed at and what it achieved
//! there, checked against Little's law, or the highest rate it held. The terminal shows the same
//! table and lines; the charts (the hockey stick, achieved against offered) follow in the
//! document's tail.

use std::time::Duration;

use super::common::{NONE, col, heap_peak, row, table, target_headline, terminal_notes};
use super::doc::{Block, Document, Inline, Item, Row, Show, Table};
use super::open::{figure_columns, model_columns, rate_text};
use super::words::{count, led, rich};
use crate::analysis::capacity::{Failure, ModelCapacity, RatePoint, SloSource, analyse};
use crate::analysis::open::{KEPT_UP, OpenFigures};
use crate::record::{ArrivalProcess, Cell, RatesExperiment};
use crate::text::{Arg, Text};
use crate::units::{fmt_duration, fmt_ms_us};

pub fn push(doc: &mut Document, t: &Text, exp: &RatesExperiment) {
    let models = analyse(exp);
    let cells: Vec<&Cell> = exp.cells.iter().collect();
    doc.heading(1, t.get("rates-title"));
    doc.doc(Block::Facts(facts(t, exp)));
    doc.doc(Block::Note(t.get("open-reading").into()));
    let s = &exp.settings;
    let names: Vec<String> = s.models.iter().map(|m| m.to_string()).collect();
    let rates: Vec<String> = s.rates_per_s.iter().map(|&r| rate_text(r)).collect();
    let what = [("models", names.join(", ").into()), ("rates", rates.join(", ").into())];
    doc.term(target_headline(t, "term-rates", &what, &exp.target, &cells));
    doc.push(Show::Both, Block::Table(points_table(t, &models)));
    let lines: Vec<Item> = models.iter().flat_map(|m| capacity_lines(t, m)).map(Item::from).collect();
    doc.push(Show::Both, Block::Bullets(lines));
    terminal_notes(doc, t, Some("rates"), &s.schedule, &cells);
}

fn facts(t: &Text, exp: &RatesExperiment) -> Vec<(String, Inline)> {
    let s = &exp.settings;
    let a = &s.arrivals;
    let arrivals = match a.process {
        ArrivalProcess::Uniform => t.get("open-uniform"),
        ArrivalProcess::Poisson => t.msg("open-poisson", &[("seed", a.seed.to_string().into())]),
    };
    let length = match (s.requests, a.duration) {
        (Some(n), _) => count(t, n),
        (None, Some(d)) => t.msg("rates-length-duration", &[("duration", fmt_duration(d).into())]),
        (None, None) => NONE.to_string(),
    };
    let slo = match s.slo {
        Some(d) => fmt_duration(d),
        None => t.msg("rates-slo-default", &[("factor", crate::analysis::capacity::SLO_FACTOR.into())]),
    };
    let queue =
        a.max_queue.map_or_else(|| t.get("open-queue-unbounded"), |n| t.msg("open-queue-bound", &[("n", n.into())]));
    let rates: Vec<String> = s.rates_per_s.iter().map(|&r| rate_text(r)).collect();
    let models: Vec<String> = s.models.iter().map(|m| m.to_string()).collect();
    vec![
        (t.get("rates-models"), Inline::code(models.join(", "))),
        (t.get("rates-rates"), t.msg("open-per-s", &[("rate", rates.join(", ").into())]).into()),
        (t.get("open-arrivals"), arrivals.into()),
        (t.get("rates-length"), length.into()),
        (t.get("rates-slo"), slo.into()),
        (t.get("open-queue"), queue.into()),
        (t.get("open-bound"), fmt_ms_us(a.lateness_bound_us as f64).into()),
    ]
}

fn figures_of<'r>(p: &'r RatePoint<'_>) -> &'r OpenFigures<'r> {
    &p.figures
}

/// Every point of every model: its open figures, its peak heap, and whether it failed.
fn points_table(t: &Text, models: &[ModelCapacity]) -> Table {
    let mut columns = model_columns(t, figures_of);
    columns.extend(figure_columns(t, figures_of));
    let h = |id: &str| t.get(id);
    columns.push(col(h("term-peak-heap"), h("col-peak-heap"), |p: &RatePoint| heap_peak(&p.figures.figures)));
    columns.push(col(h("term-verdict"), h("col-verdict"), |p: &RatePoint| verdict(t, p).into()));
    let rows: Vec<Row> = models.iter().flat_map(|m| m.points.iter()).map(|p| row(&columns, p)).collect();
    table(columns, rows)
}

/// ✓, or why the point fails.
fn verdict(t: &Text, p: &RatePoint) -> String {
    match p.fails {
        None => t.get("rates-ok"),
        Some(Failure::Latency { .. }) => t.get("rates-fail-latency"),
        Some(Failure::Throughput { .. }) => t.get("rates-fail-throughput"),
    }
}

fn ms(d: Duration) -> String {
    fmt_ms_us(d.as_micros() as f64)
}

/// What Little's law allows the model, in words.
fn little(t: &Text, m: &ModelCapacity) -> String {
    match m.little_per_s {
        Some(x) => t.msg("rates-little", &[("x", rate_text(x).into())]),
        None => t.get("rates-little-none"),
    }
}

/// A model's capacity (or the rates it held), and the rates its generator was too late at.
fn capacity_lines(t: &Text, m: &ModelCapacity) -> Vec<Inline> {
    let model = m.model.to_string();
    let slo = m.slo.map_or(NONE.to_string(), |(d, source)| match source {
        SloSource::Given => ms(d),
        SloSource::FromLowest => t.msg("rates-slo-from-lowest", &[("slo", ms(d).into())]),
    });
    let base = [("model", Arg::from(model.as_str())), ("little", little(t, m).into()), ("slo", slo.into())];
    let mut lines = Vec::new();
    if let Some((rate, achieved)) = m.saturates {
        let point = m.points.iter().find(|p| p.rate_per_s == rate).expect("the failing point is measured");
        let why = match point.fails {
            Some(Failure::Latency { p99, slo }) => {
                t.msg("rates-why-latency", &[("p99", ms(p99).into()), ("slo", ms(slo).into())])
            }
            _ => t.msg("rates-why-throughput", &[("share", format!("{:.0}", KEPT_UP * 100.0).into())]),
        };
        let more = [
            ("capacity", achieved.map_or(NONE.to_string(), rate_text).into()),
            ("rate", rate_text(rate).into()),
            ("why", why.into()),
        ];
        lines.push(led(t, "rates-saturates", &[&base[..], &more[..]].concat()));
    } else if let Some((rate, p99)) = m.held_all() {
        let more = [("rate", rate_text(rate).into()), ("p99", p99.map_or(NONE.to_string(), ms).into())];
        lines.push(led(t, "rates-holds", &[&base[..], &more[..]].concat()));
    } else {
        lines.push(rich(t, "rates-none", &base[..1]));
    }
    if !m.tool_bound.is_empty() {
        let rates: Vec<String> = m.tool_bound.iter().map(|&r| rate_text(r)).collect();
        lines.push(led(t, "rates-tool-bound", &[&base[..1], &[("rates", rates.join(", ").into())]].concat()));
    }
    lines
}
