//! Section 2 chart: peak heap per model, as bars with the value on top.

use plotters::prelude::*;

use super::{Chart, FONT, PALETTE, bar, nice_ceiling, ok, svg, value_label};
use crate::analysis::io::Figures;
use crate::report::IoExperiment;
use crate::report::lang::Words;

const MIB: f64 = 1024.0 * 1024.0;

pub fn chart(io: &IoExperiment, w: &dyn Words) -> anyhow::Result<Option<Chart>> {
    let bars: Vec<(String, f64)> = io
        .cells
        .iter()
        .filter_map(Figures::of)
        .filter_map(|f| Some((f.cell.model.to_string(), f.heap_peak_bytes()? as f64 / MIB)))
        .collect();
    if bars.is_empty() {
        return Ok(None);
    }
    let cw = w.charts();
    let top = nice_ceiling(bars.iter().map(|b| b.1).fold(0.0, f64::max) * 1.15);
    let n = bars.len();
    let svg = svg(|root| {
        let mut chart = ok(ChartBuilder::on(root)
            .caption(cw.io_memory, (FONT, 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(70)
            .build_cartesian_2d((0..n - 1).into_segmented(), 0.0..top))?;
        let names: Vec<String> = bars.iter().map(|b| b.0.clone()).collect();
        let label = |v: &SegmentValue<usize>| match v {
            SegmentValue::CenterOf(i) => names.get(*i).cloned().unwrap_or_default(),
            _ => String::new(),
        };
        ok(chart
            .configure_mesh()
            .disable_x_mesh()
            .x_label_formatter(&label)
            .y_desc(cw.heap_mib)
            .label_style((FONT, 13))
            .draw())?;
        for (i, (_, mib)) in bars.iter().enumerate() {
            let color = PALETTE[i % PALETTE.len()];
            ok(chart.draw_series(std::iter::once(bar(
                (SegmentValue::Exact(i), 0.0),
                (SegmentValue::Exact(i + 1), *mib),
                color,
            ))))?;
            ok(chart.draw_series(std::iter::once(Text::new(
                format!("{mib:.2} MiB"),
                (SegmentValue::CenterOf(i), *mib + top * 0.01),
                value_label(),
            ))))?;
        }
        Ok(())
    })?;
    Ok(Some(Chart { id: "io-memory", title: cw.io_memory.into(), svg }))
}
