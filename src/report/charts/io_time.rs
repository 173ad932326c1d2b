//! Section 1–2 chart: time for all requests per model, as bars on a log scale (sequential is
//! usually two orders of magnitude above async), the range of runs as a whisker.

use plotters::prelude::*;

use super::{Chart, FONT, PALETTE, bar, ok, svg, value_label};
use crate::analysis::io::Figures;
use crate::report::IoExperiment;
use crate::report::lang::Words;

pub fn chart(io: &IoExperiment, w: &dyn Words) -> anyhow::Result<Option<Chart>> {
    let figures: Vec<Figures> = io.cells.iter().filter_map(Figures::of).collect();
    if figures.is_empty() {
        return Ok(None);
    }
    let cw = w.charts();
    let bars: Vec<(String, f64, f64, f64)> = figures
        .iter()
        .map(|f| {
            let t = &f.summary.total_time_s;
            let mut label = f.cell.model.to_string();
            if f.estimated {
                label.push_str(&format!(" ({})", cw.estimated));
            }
            (label, t.median, t.min, t.max)
        })
        .collect();
    let lo = bars.iter().map(|b| b.2).fold(f64::INFINITY, f64::min).max(1e-4) / 2.0;
    let hi = bars.iter().map(|b| b.3).fold(0.0, f64::max) * 3.0;
    let n = bars.len();
    let svg = svg(|root| {
        let mut chart = ok(ChartBuilder::on(root)
            .caption(cw.io_time, (FONT, 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(70)
            .build_cartesian_2d((0..n - 1).into_segmented(), (lo..hi).log_scale()))?;
        let names: Vec<String> = bars.iter().map(|b| b.0.clone()).collect();
        let label = |v: &SegmentValue<usize>| match v {
            SegmentValue::CenterOf(i) => names.get(*i).cloned().unwrap_or_default(),
            _ => String::new(),
        };
        ok(chart
            .configure_mesh()
            .disable_x_mesh()
            .x_label_formatter(&label)
            .y_desc(cw.seconds)
            .y_label_formatter(&|v| format!("{v}"))
            .label_style((FONT, 13))
            .draw())?;
        for (i, &(_, ref median, min, max)) in bars.iter().enumerate() {
            let color = PALETTE[i % PALETTE.len()];
            ok(chart.draw_series(std::iter::once(bar(
                (SegmentValue::Exact(i), lo),
                (SegmentValue::Exact(i + 1), *median),
                color,
            ))))?;
            ok(chart.draw_series(std::iter::once(PathElement::new(
                vec![(SegmentValue::CenterOf(i), min), (SegmentValue::CenterOf(i), max)],
                BLACK.stroke_width(2),
            ))))?;
            ok(chart.draw_series(std::iter::once(Text::new(
                w.secs(std::time::Duration::from_secs_f64(*median)),
                (SegmentValue::CenterOf(i), max * 1.08),
                value_label(),
            ))))?;
        }
        Ok(())
    })?;
    Ok(Some(Chart { id: "io-time", title: cw.io_time.into(), svg }))
}
