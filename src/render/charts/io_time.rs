//! Section 1–2 chart: time for all requests per model, as bars on a log scale (sequential is
//! usually two orders of magnitude above async), the range of runs as a whisker.

use plotters::prelude::*;

use super::{Bar, Chart, bar_chart, svg};
use crate::analysis::io::Figures;
use crate::record::IoExperiment;
use crate::view::lang::Words;

pub fn chart(io: &IoExperiment, w: &dyn Words) -> anyhow::Result<Option<Chart>> {
    let figures: Vec<Figures> = io.cells.iter().filter_map(Figures::of).collect();
    if figures.is_empty() {
        return Ok(None);
    }
    let cw = w.charts();
    let bars: Vec<Bar> = figures
        .iter()
        .map(|f| {
            let t = &f.summary.total_time_s;
            let mut name = f.cell.model.to_string();
            if f.estimated {
                name.push_str(&format!(" ({})", cw.estimated));
            }
            let label = w.secs(std::time::Duration::from_secs_f64(t.median));
            Bar { name, value: t.median, whisker: Some((t.min, t.max)), label, label_at: t.max * 1.08 }
        })
        .collect();
    let lo = bars.iter().filter_map(|b| b.whisker).map(|w| w.0).fold(f64::INFINITY, f64::min).max(1e-4) / 2.0;
    let hi = bars.iter().filter_map(|b| b.whisker).map(|w| w.1).fold(0.0, f64::max) * 3.0;
    let svg = svg(|root| bar_chart(root, cw.io_time, cw.seconds, (lo..hi).log_scale(), lo, &bars).map(drop))?;
    Ok(Some(Chart { id: "io-time", title: cw.io_time.into(), svg }))
}
