//! Latency distribution per model: the share of successful requests answered within a time
//! (an empirical CDF from the merged histograms of all runs), latency on a log scale labelled at
//! three or more round values.

use plotters::prelude::*;

use super::{Chart, FONT, PALETTE, axis_number, draw_legend, legend_line, line_chart, log_axis, ok, svg};
use crate::record::IoExperiment;
use crate::text::Text;
use crate::view::chart;

pub fn chart(io: &IoExperiment, t: &Text) -> anyhow::Result<Option<Chart>> {
    let series: Vec<(String, Vec<(f64, f64)>)> = io
        .cells
        .iter()
        .filter_map(|c| {
            let d = c.latency_ok.as_ref()?;
            let points = d.cdf_us.iter().map(|&(q, us)| ((us.max(1) as f64) / 1e3, q)).collect();
            Some((crate::view::words::cell_spec(t, c), points))
        })
        .collect();
    if series.is_empty() {
        return Ok(None);
    }
    let all_ms = series.iter().flat_map(|s| s.1.iter().map(|p| p.0));
    let (lo, hi) = all_ms.fold((f64::INFINITY, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let (lo, hi) = (lo.max(1e-3) / 1.5, hi * 1.5);
    let svg = svg(|root| {
        let mut chart = line_chart(root, &super::title(t, chart::IO_LATENCY), log_axis(lo, hi), 0.0..1.0)?;
        ok(chart
            .configure_mesh()
            .x_desc(t.get("chart-latency-ms"))
            .y_desc(t.get("chart-share"))
            .x_label_formatter(&|v| axis_number(*v))
            .y_label_formatter(&|v| format!("{:.0}%", v * 100.0))
            .label_style((FONT, 13))
            .draw())?;
        for (i, (name, points)) in series.iter().enumerate() {
            let color = PALETTE[i % PALETTE.len()];
            ok(chart.draw_series(LineSeries::new(points.clone(), color.stroke_width(2))))?
                .label(name.clone())
                .legend(legend_line(color, 2));
        }
        draw_legend(&mut chart, SeriesLabelPosition::LowerRight)
    })?;
    Ok(Some(Chart::new(chart::IO_LATENCY, t, svg)))
}
