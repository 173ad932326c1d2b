//! Section 1–2 chart: time for all requests per model, as bars on a log scale (sequential is
//! usually two orders of magnitude above async), the range of runs as a whisker.

use super::{Bar, Chart, bar_chart, log_axis, svg};
use crate::analysis::io::Figures;
use crate::record::IoExperiment;
use crate::text::Text;
use crate::view::chart;

pub fn chart(io: &IoExperiment, t: &Text) -> anyhow::Result<Option<Chart>> {
    let figures: Vec<Figures> = io.cells.iter().filter_map(Figures::of).collect();
    if figures.is_empty() {
        return Ok(None);
    }
    let bars: Vec<Bar> = figures
        .iter()
        .map(|f| {
            let total = &f.summary.total_time_s;
            let mut name = crate::view::words::cell_spec(t, f.cell);
            if f.estimated {
                name.push_str(&format!(" ({})", &t.get("chart-estimated")));
            }
            let label = crate::view::words::secs(t, std::time::Duration::from_secs_f64(total.median));
            Bar { name, value: total.median, whisker: Some((total.min, total.max)), label, label_at: total.max * 1.08 }
        })
        .collect();
    let lo = bars.iter().filter_map(|b| b.whisker).map(|w| w.0).fold(f64::INFINITY, f64::min).max(1e-4) / 2.0;
    let hi = bars.iter().filter_map(|b| b.whisker).map(|w| w.1).fold(0.0, f64::max) * 3.0;
    let svg = svg(|root| {
        bar_chart(root, &super::title(t, chart::IO_TIME), &t.get("chart-seconds"), log_axis(lo, hi), lo, &bars)
            .map(drop)
    })?;
    Ok(Some(Chart::new(chart::IO_TIME, t, svg)))
}
