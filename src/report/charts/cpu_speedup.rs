//! Section 4 chart: speed-up over sequential per model (bars, 95 % interval as a whisker), with
//! the theoretical maximum (the cores granted) and sequential's 1x as lines.

use plotters::prelude::*;

use super::{Chart, FONT, PALETTE, bar, nice_ceiling, ok, svg, value_label};
use crate::analysis::cpu::analyse;
use crate::report::CpuExperiment;
use crate::report::lang::Words;

/// A bar: model, speed-up, its interval.
type Bar = (String, f64, Option<(f64, f64)>);

pub fn chart(exp: &CpuExperiment, cores: usize, w: &dyn Words) -> anyhow::Result<Option<Chart>> {
    let a = analyse(exp, cores);
    let bars: Vec<Bar> = a
        .rows
        .iter()
        .filter_map(|r| Some((r.figures.cell.model.to_string(), r.speedup?.point, r.speedup?.ci95)))
        .collect();
    if bars.is_empty() {
        return Ok(None);
    }
    let cw = w.charts();
    let top = nice_ceiling(bars.iter().map(|b| b.2.map_or(b.1, |c| c.1)).fold(cores as f64, f64::max) * 1.15);
    let n = bars.len();
    let svg = svg(|root| {
        let mut chart = ok(ChartBuilder::on(root)
            .caption(cw.cpu_speedup, (FONT, 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60)
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
            .y_desc(cw.speedup)
            .label_style((FONT, 13))
            .draw())?;
        for (i, (_, x, ci)) in bars.iter().enumerate() {
            let color = PALETTE[i % PALETTE.len()];
            ok(chart.draw_series(std::iter::once(bar(
                (SegmentValue::Exact(i), 0.0),
                (SegmentValue::Exact(i + 1), *x),
                color,
            ))))?;
            if let Some((lo, hi)) = ci {
                ok(chart.draw_series(std::iter::once(PathElement::new(
                    vec![(SegmentValue::CenterOf(i), *lo), (SegmentValue::CenterOf(i), *hi)],
                    BLACK.stroke_width(2),
                ))))?;
            }
            ok(chart.draw_series(std::iter::once(Text::new(
                format!("{x:.2}x"),
                (SegmentValue::CenterOf(i), ci.map_or(*x, |c| c.1) + top * 0.01),
                value_label(),
            ))))?;
        }
        let (first, last) = (SegmentValue::Exact(0), SegmentValue::Exact(n));
        let max = cores as f64;
        let red = PALETTE[1];
        ok(chart.draw_series(DashedLineSeries::new(
            vec![(first.clone(), max), (last.clone(), max)],
            8,
            4,
            red.stroke_width(2),
        )))?
        .label(format!("{} = {cores}", cw.theoretical_max))
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], red.stroke_width(2)));
        ok(chart.draw_series(LineSeries::new(vec![(first, 1.0), (last, 1.0)], BLACK.stroke_width(1))))?
            .label(cw.sequential_line)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLACK.stroke_width(1)));
        ok(chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .label_font((FONT, 13))
            .draw())?;
        Ok(())
    })?;
    Ok(Some(Chart { id: "cpu-speedup", title: cw.cpu_speedup.into(), svg }))
}
