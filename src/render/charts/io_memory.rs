//! Section 2 chart: peak heap per model, as bars with the value on top.

use super::{Bar, Chart, bar_chart, nice_ceiling, svg};
use crate::analysis::io::Figures;
use crate::record::IoExperiment;
use crate::text::Text;
use crate::view::chart;

const MIB: f64 = 1024.0 * 1024.0;

pub fn chart(io: &IoExperiment, t: &Text) -> anyhow::Result<Option<Chart>> {
    let bars: Vec<Bar> = io
        .cells
        .iter()
        .filter_map(Figures::of)
        .filter_map(|f| {
            let mib = f.heap_peak_bytes()? as f64 / MIB;
            Some(Bar {
                name: crate::view::words::cell_spec(t, f.cell),
                value: mib,
                whisker: None,
                label: format!("{mib:.2} MiB"),
                label_at: mib,
            })
        })
        .collect();
    if bars.is_empty() {
        return Ok(None);
    }
    let top = nice_ceiling(bars.iter().map(|b| b.value).fold(0.0, f64::max) * 1.15);
    let bars: Vec<Bar> = bars.into_iter().map(|b| Bar { label_at: b.value + top * 0.01, ..b }).collect();
    let svg = svg(|root| {
        bar_chart(root, &super::title(t, chart::IO_MEMORY), &t.get("chart-heap-mib"), 0.0..top, 0.0, &bars).map(drop)
    })?;
    Ok(Some(Chart::new(chart::IO_MEMORY, t, svg)))
}
