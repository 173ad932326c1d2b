//! Section 3 chart: time against N (the swept settings, on a log axis: doublings are evenly
//! spaced, 1000 sits where it belongs after 200), next to the ideal line of Little's law and the
//! baseline's time, so where the curve leaves the ideal is visible at a glance.

use plotters::prelude::*;

use super::{Chart, FONT, PALETTE, axis_number, draw_legend, legend_line, line_chart, nice_ceiling, ok, svg};
use crate::analysis::sweep::{SweepPoint, analyse};
use crate::record::ScaleExperiment;
use crate::text::Text;

pub fn chart(exp: &ScaleExperiment, cores: usize, t: &Text) -> anyhow::Result<Option<Chart>> {
    let sweep = analyse(exp, cores);
    if sweep.points.is_empty() {
        return Ok(None);
    }
    let id = crate::view::scale_chart(exp);
    let at = |p: &SweepPoint| p.setting as f64;
    let measured: Vec<(f64, f64)> = sweep.points.iter().map(|p| (at(p), p.figures.wall.as_secs_f64())).collect();
    let ideal: Vec<(f64, f64)> = sweep.points.iter().filter_map(|p| Some((at(p), p.ideal?.as_secs_f64()))).collect();
    let settings: Vec<f64> = sweep.points.iter().map(at).collect();
    let baseline = sweep.baseline.as_ref().map(|b| b.wall.as_secs_f64());
    let (fewest, most) = settings.iter().fold((f64::INFINITY, 1.0f64), |(lo, hi), &n| (lo.min(n), hi.max(n)));
    let (x_lo, x_hi) = (fewest / 1.4, most * 1.4);
    let y_top =
        nice_ceiling(measured.iter().chain(ideal.iter()).map(|p| p.1).chain(baseline).fold(0.0, f64::max) * 1.1);
    let svg = svg(|root| {
        let x = (x_lo..x_hi).log_scale().with_key_points(settings.clone());
        let mut chart = line_chart(root, &super::title(t, id), x, 0.0..y_top)?;
        ok(chart
            .configure_mesh()
            .disable_x_mesh()
            .x_desc(t.get("chart-workers"))
            .y_desc(t.get("chart-seconds"))
            .x_label_formatter(&|v| axis_number(*v))
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
                .label(format!("{}: {spec}", t.get("chart-baseline")))
                .legend(legend_line(b, 2));
        }
        draw_legend(&mut chart, SeriesLabelPosition::UpperRight)
    })?;
    Ok(Some(Chart::new(id, t, svg)))
}
