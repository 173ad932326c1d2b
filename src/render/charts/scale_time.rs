//! Section 3 chart: time against N (the swept settings, evenly spaced), next to the ideal line of
//! Little's law and the baseline's time, so where the curve leaves the ideal is visible at a glance.

use plotters::prelude::*;

use super::{Chart, FONT, PALETTE, draw_legend, legend_line, nice_ceiling, ok, svg};
use crate::analysis::sweep::analyse;
use crate::record::ScaleExperiment;
use crate::text::Text;

pub fn chart(exp: &ScaleExperiment, cores: usize, t: &Text) -> anyhow::Result<Option<Chart>> {
    let sweep = analyse(exp, cores);
    if sweep.points.is_empty() {
        return Ok(None);
    }
    let measured: Vec<(f64, f64)> =
        sweep.points.iter().enumerate().map(|(i, p)| (i as f64, p.figures.wall.as_secs_f64())).collect();
    let ideal: Vec<(f64, f64)> =
        sweep.points.iter().enumerate().filter_map(|(i, p)| Some((i as f64, p.ideal?.as_secs_f64()))).collect();
    let settings: Vec<usize> = sweep.points.iter().map(|p| p.setting).collect();
    let baseline = sweep.baseline.as_ref().map(|b| b.wall.as_secs_f64());
    let (x_lo, x_hi) = (-0.3, settings.len() as f64 - 0.7);
    let y_top =
        nice_ceiling(measured.iter().chain(ideal.iter()).map(|p| p.1).chain(baseline).fold(0.0, f64::max) * 1.1);
    let svg = svg(|root| {
        let mut chart = ok(ChartBuilder::on(root)
            .caption(t.get("chart-scale-time"), (FONT, 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(x_lo..x_hi, 0.0..y_top))?;
        let label = |v: &f64| {
            let i = v.round();
            if (v - i).abs() < 1e-6 && i >= 0.0 {
                settings.get(i as usize).map_or(String::new(), |s| s.to_string())
            } else {
                String::new()
            }
        };
        ok(chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(settings.len() * 4 + 1)
            .x_desc(t.get("chart-workers"))
            .y_desc(t.get("chart-seconds"))
            .x_label_formatter(&label)
            .label_style((FONT, 13))
            .draw())?;
        let (m, i, b) = (PALETTE[0], PALETTE[2], PALETTE[1]);
        ok(chart.draw_series(LineSeries::new(measured.clone(), m.stroke_width(3))))?
            .label(t.get("chart-measured"))
            .legend(legend_line(m, 3));
        ok(chart.draw_series(measured.iter().map(|&p| Circle::new(p, 4, m.filled()))))?;
        if !ideal.is_empty() {
            ok(chart.draw_series(DashedLineSeries::new(ideal.clone(), 6, 4, i.stroke_width(2))))?
                .label(t.get("chart-ideal"))
                .legend(legend_line(i, 2));
        }
        if let (Some(base), Some(spec)) = (baseline, &exp.settings.baseline) {
            ok(chart.draw_series(LineSeries::new(vec![(x_lo, base), (x_hi, base)], b.stroke_width(2))))?
                .label(format!("{}: {spec}", &t.get("chart-baseline")))
                .legend(legend_line(b, 2));
        }
        draw_legend(&mut chart, SeriesLabelPosition::UpperRight)
    })?;
    Ok(Some(Chart { id: "scale-time", title: t.get("chart-scale-time"), svg }))
}
