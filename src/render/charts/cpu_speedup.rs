//! Section 4 chart: speed-up over sequential per model (bars, 95 % interval as a whisker), with
//! the theoretical maximum (the cores granted) and sequential's 1x as lines.

use plotters::prelude::*;

use super::{Bar, Chart, PALETTE, bar_chart, draw_legend, legend_line, nice_ceiling, ok, svg};
use crate::analysis::cpu::analyse;
use crate::record::CpuExperiment;
use crate::text::Text;
use crate::view::chart;

pub fn chart(exp: &CpuExperiment, cores: usize, t: &Text) -> anyhow::Result<Option<Chart>> {
    let a = analyse(exp, cores);
    let mut bars: Vec<Bar> = a
        .rows
        .iter()
        .filter_map(|r| {
            let s = r.stated_speedup()?;
            let label = format!("{:.2}x", s.point);
            Some(Bar {
                name: crate::view::words::cell_spec(t, r.figures.cell),
                value: s.point,
                whisker: s.ci95,
                label,
                label_at: 0.0,
            })
        })
        .collect();
    if bars.is_empty() {
        return Ok(None);
    }
    let top = nice_ceiling(bars.iter().map(|b| b.whisker.map_or(b.value, |c| c.1)).fold(cores as f64, f64::max) * 1.15);
    for b in &mut bars {
        b.label_at = b.whisker.map_or(b.value, |c| c.1) + top * 0.01;
    }
    let n = bars.len();
    let svg = svg(|root| {
        let mut chart =
            bar_chart(root, &super::title(t, chart::CPU_SPEEDUP), &t.get("chart-speedup"), 0.0..top, 0.0, &bars)?;
        let (first, last) = (SegmentValue::Exact(0), SegmentValue::Exact(n));
        let max = cores as f64;
        let red = PALETTE[1];
        ok(chart.draw_series(DashedLineSeries::new(
            vec![(first.clone(), max), (last.clone(), max)],
            8,
            4,
            red.stroke_width(2),
        )))?
        .label(format!("{} = {cores}", &t.get("chart-theoretical")))
        .legend(legend_line(red, 2));
        ok(chart.draw_series(LineSeries::new(vec![(first, 1.0), (last, 1.0)], BLACK.stroke_width(1))))?
            .label(t.get("chart-sequential"))
            .legend(legend_line(BLACK, 1));
        draw_legend(&mut chart, SeriesLabelPosition::UpperRight)
    })?;
    Ok(Some(Chart::new(chart::CPU_SPEEDUP, t, svg)))
}
