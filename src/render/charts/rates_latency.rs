//! The capacity sweep's hockey stick: latency p99 as users see it against the offered rate, one
//! line per model, both axes on log scales (the rates labelled where they were tried). Where a
//! model saturates, its line turns up. The frame is shared with the throughput chart
//! ([`rates_chart`]).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{Chart, FONT, PALETTE, axis_number, draw_legend, legend_line, line_chart, log_axis, ok, svg};
use crate::analysis::capacity::analyse;
use crate::analysis::open::OpenFigures;
use crate::record::RatesExperiment;
use crate::text::Text;
use crate::view::chart;

/// A model's (offered rate, value) points.
type Series = (String, Vec<(f64, f64)>);

/// Per model, its (offered rate, value) points, where `value` has one.
fn series(exp: &RatesExperiment, value: impl Fn(&OpenFigures) -> Option<f64>) -> Vec<Series> {
    analyse(exp)
        .iter()
        .map(|m| {
            let points = m.points.iter().filter_map(|p| Some((p.rate_per_s, value(&p.figures)?))).collect();
            (m.model.to_string(), points)
        })
        .filter(|(_, points): &Series| !points.is_empty())
        .collect()
}

/// The lowest and highest of `values`, widened for a log axis.
fn span(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values.fold((f64::INFINITY, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    (lo.max(1e-3) / 1.4, hi.max(lo * 2.0) * 1.4)
}

/// A chart `id` of `value` (described `y_desc`) against the offered rate, log scales on both axes,
/// a line per model; `diagonal` adds the line y = x (labelled by the catalogue's `chart-diagonal`)
/// and puts both axes on one range.
pub(super) fn rates_chart(
    exp: &RatesExperiment,
    t: &Text,
    id: &'static str,
    (value, y_desc): (fn(&OpenFigures) -> Option<f64>, &str),
    diagonal: bool,
) -> anyhow::Result<Option<Chart>> {
    let series = series(exp, value);
    if series.is_empty() {
        return Ok(None);
    }
    let rates = exp.settings.rates_per_s.clone();
    let values = series.iter().flat_map(|s| s.1.iter().map(|p| p.1));
    let ((x_lo, x_hi), (y_lo, y_hi)) = match diagonal {
        true => {
            let both = span(rates.iter().copied().chain(values));
            (both, both)
        }
        false => (span(rates.iter().copied()), span(values)),
    };
    let svg = svg(|root: &DrawingArea<SVGBackend<'_>, Shift>| {
        let x = (x_lo..x_hi).log_scale().with_key_points(rates.clone());
        let mut chart = line_chart(root, &super::title(t, id), x, log_axis(y_lo, y_hi))?;
        ok(chart
            .configure_mesh()
            .disable_x_mesh()
            .x_desc(t.get("chart-offered"))
            .y_desc(t.get(y_desc))
            .x_label_formatter(&|v| axis_number(*v))
            .y_label_formatter(&|v| axis_number(*v))
            .label_style((FONT, 13))
            .draw())?;
        if diagonal {
            let grey = PALETTE[PALETTE.len() - 1];
            let line = vec![(x_lo, x_lo), (x_hi, x_hi)];
            ok(chart.draw_series(DashedLineSeries::new(line, 6, 4, grey.stroke_width(2))))?
                .label(t.get("chart-diagonal"))
                .legend(legend_line(grey, 2));
        }
        for (i, (name, points)) in series.iter().enumerate() {
            let color = PALETTE[i % PALETTE.len()];
            ok(chart.draw_series(LineSeries::new(points.clone(), color.stroke_width(3))))?
                .label(name.clone())
                .legend(legend_line(color, 3));
            ok(chart.draw_series(points.iter().map(|&p| Circle::new(p, 4, color.filled()))))?;
        }
        draw_legend(&mut chart, SeriesLabelPosition::UpperLeft)
    })?;
    Ok(Some(Chart::new(id, t, svg)))
}

pub fn chart(exp: &RatesExperiment, t: &Text) -> anyhow::Result<Option<Chart>> {
    let p99_ms = |f: &OpenFigures| Some(f.corrected?.p99_us as f64 / 1e3);
    rates_chart(exp, t, chart::RATES_LATENCY, (p99_ms, "chart-p99-ms"), false)
}
