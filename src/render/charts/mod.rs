//! Charts, drawn in Rust as SVG (plotters): no JavaScript, no network, no system fonts. Text is
//! laid out with an embedded DejaVu Sans and drawn by the viewer's fonts, so Korean labels work in
//! any browser. One file per chart; [`all`] lists the charts a report has.

mod cpu_speedup;
mod io_latency;
mod io_memory;
mod io_time;
mod rates_latency;
mod rates_throughput;
mod scale_time;

use std::sync::Once;

use plotters::coord::combinators::{LogCoord, WithKeyPoints};
use plotters::coord::ranged1d::{AsRangedCoord, SegmentedCoord, ValueFormatter};
use plotters::coord::types::RangedCoordusize;
use plotters::prelude::*;
use plotters::style::FontStyle;

use crate::record::{Experiment, Report};

/// Width and height of every chart, in pixels (the SVG scales to the page).
pub const SIZE: (u32, u32) = (800, 420);

/// A rendered chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// File stem (`io-time` → `io-time.svg`), also its anchor in the reports.
    pub id: &'static str,
    pub title: String,
    pub svg: String,
}

impl Chart {
    /// The chart `id`, titled from the catalogue (`chart-ID`).
    pub fn new(id: &'static str, t: &crate::text::Text, svg: String) -> Self {
        Chart { id, title: title(t, id), svg }
    }

    pub fn file_name(&self) -> String {
        format!("{}.svg", self.id)
    }
}

/// Colours, one per series, readable on white and by most colour-blind readers (Okabe–Ito).
pub const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(120, 120, 120),
];

pub const FONT: &str = "sans-serif";

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Only fails on a malformed font, which the embedded one is not.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular());
        let _ = plotters::style::register_font(FONT, FontStyle::Bold, dejavu::sans::bold());
    });
}

/// Draws onto a fresh SVG string with `draw`, mapping plotters' errors to anyhow.
pub(crate) fn svg(
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, plotters::coord::Shift>) -> anyhow::Result<()>,
) -> anyhow::Result<String> {
    register_font();
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(|e| anyhow::anyhow!("drawing a chart: {e}"))?;
        draw(&root)?;
        root.present().map_err(|e| anyhow::anyhow!("drawing a chart: {e}"))?;
    }
    Ok(out)
}

/// Value labels above bars: centred on the point, sitting on it.
pub(crate) fn value_label() -> TextStyle<'static> {
    (FONT, 14).into_font().color(&BLACK).pos(plotters::style::text_anchor::Pos::new(
        plotters::style::text_anchor::HPos::Center,
        plotters::style::text_anchor::VPos::Bottom,
    ))
}

/// Pixels left free on each side of a bar.
pub(crate) const BAR_GAP: u32 = 18;

/// A filled bar between two corners, with [`BAR_GAP`] free on its sides.
pub(crate) fn bar<C>(from: C, to: C, color: RGBColor) -> Rectangle<C> {
    let mut r = Rectangle::new([from, to], color.mix(0.8).filled());
    r.set_margin(0, 0, BAR_GAP, BAR_GAP);
    r
}

/// A bar of a [`bar_chart`]: its category name, height, optional whisker (low, high), and the
/// value label drawn at `label_at`.
pub(crate) struct Bar {
    pub name: String,
    pub value: f64,
    pub whisker: Option<(f64, f64)>,
    pub label: String,
    pub label_at: f64,
}

/// The chart context of a [`bar_chart`], for series drawn over the bars.
pub(crate) type BarChart<'a, 'b, Y> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<SegmentedCoord<RangedCoordusize>, Y>>;

/// One bar per category from `base` to its value, with whiskers and value labels, on a y axis of
/// `y_range` (linear or log); the x axis is labelled with the category names.
pub(crate) fn bar_chart<'a, 'b, Y>(
    root: &'a DrawingArea<SVGBackend<'b>, plotters::coord::Shift>,
    caption: &str,
    y_desc: &str,
    y_range: Y,
    base: f64,
    bars: &[Bar],
) -> anyhow::Result<BarChart<'a, 'b, Y::CoordDescType>>
where
    Y: AsRangedCoord<Value = f64>,
    Y::CoordDescType: ValueFormatter<f64>,
{
    let n = bars.len();
    let mut chart = ok(ChartBuilder::on(root)
        .caption(caption, (FONT, 18))
        .margin(12)
        .x_label_area_size(48)
        .y_label_area_size(70)
        .build_cartesian_2d((0..n - 1).into_segmented(), y_range))?;
    let y_label = |v: &f64| axis_number(*v);
    ok(chart
        .configure_mesh()
        .disable_x_mesh()
        .x_label_formatter(&|_: &SegmentValue<usize>| String::new())
        .y_label_formatter(&y_label)
        .y_desc(y_desc)
        .label_style((FONT, 13))
        .draw())?;
    category_labels(root, &chart.plotting_area().get_pixel_range(), bars.iter().map(|b| b.name.as_str()))?;
    for (i, b) in bars.iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        ok(chart.draw_series(std::iter::once(bar(
            (SegmentValue::Exact(i), base),
            (SegmentValue::Exact(i + 1), b.value),
            color,
        ))))?;
        if let Some((lo, hi)) = b.whisker {
            ok(chart.draw_series(std::iter::once(PathElement::new(
                vec![(SegmentValue::CenterOf(i), lo), (SegmentValue::CenterOf(i), hi)],
                BLACK.stroke_width(2),
            ))))?;
        }
        ok(chart.draw_series(std::iter::once(Text::new(
            b.label.clone(),
            (SegmentValue::CenterOf(i), b.label_at),
            value_label(),
        ))))?;
    }
    Ok(chart)
}

/// Names under a bar chart's categories, centred on each: on one line when every name fits its
/// category's width, else broken before a bracket (`py-threads:2` over `[3.11.7, GIL]`) and, if a
/// line is still wider, in a smaller font, so no name runs into its neighbour or off the chart.
fn category_labels<'a>(
    root: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    (xs, ys): &(std::ops::Range<i32>, std::ops::Range<i32>),
    names: impl ExactSizeIterator<Item = &'a str>,
) -> anyhow::Result<()> {
    let n = names.len().max(1);
    let slot = f64::from(xs.end - xs.start) / n as f64;
    let fits = |text: &str, size: f64| {
        root.estimate_text_size(text, &TextStyle::from((FONT, size).into_font()))
            .map_or(true, |(w, _)| f64::from(w) <= slot - 6.0)
    };
    let names: Vec<&str> = names.collect();
    let lines: Vec<Vec<&str>> = if names.iter().all(|name| fits(name, 13.0)) {
        names.iter().map(|name| vec![*name]).collect()
    } else {
        names
            .iter()
            .map(|name| match name.find(" [") {
                Some(at) => vec![&name[..at], &name[at + 1..]],
                None => vec![*name],
            })
            .collect()
    };
    let mut size = 13.0;
    while size > 8.0 && !lines.iter().flatten().all(|line| fits(line, size)) {
        size -= 1.0;
    }
    let style = (FONT, size).into_font().color(&BLACK).pos(plotters::style::text_anchor::Pos::new(
        plotters::style::text_anchor::HPos::Center,
        plotters::style::text_anchor::VPos::Top,
    ));
    for (i, name) in lines.iter().enumerate() {
        let x = xs.start + (slot * (i as f64 + 0.5)).round() as i32;
        for (k, line) in name.iter().enumerate() {
            let y = ys.end + 8 + k as i32 * (size as i32 + 3);
            root.draw_text(line, &style, (x, y)).map_err(|e| anyhow::anyhow!("drawing a chart: {e}"))?;
        }
    }
    Ok(())
}

/// The chart context of a [`line_chart`] over axes `X` and `Y`.
pub(crate) type LineChart<'a, 'b, X, Y> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<<X as AsRangedCoord>::CoordDescType, <Y as AsRangedCoord>::CoordDescType>,
>;

/// A chart of lines over `x` and `y` (linear or log), with its caption: the frame every line
/// chart shares.
pub(crate) fn line_chart<'a, 'b, X: AsRangedCoord, Y: AsRangedCoord>(
    root: &'a DrawingArea<SVGBackend<'b>, plotters::coord::Shift>,
    caption: &str,
    x: X,
    y: Y,
) -> anyhow::Result<LineChart<'a, 'b, X, Y>> {
    ok(ChartBuilder::on(root)
        .caption(caption, (FONT, 18))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(x, y))
}

/// A legend marker: a short line in the series' colour and width.
pub(crate) fn legend_line(color: RGBColor, width: u32) -> impl Fn((i32, i32)) -> PathElement<(i32, i32)> {
    move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(width))
}

/// Draws the legend of the labelled series at `position`.
pub(crate) fn draw_legend<'a, 'b: 'a, X: Ranged, Y: Ranged>(
    chart: &mut ChartContext<'a, SVGBackend<'b>, Cartesian2d<X, Y>>,
    position: SeriesLabelPosition,
) -> anyhow::Result<()> {
    ok(chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font((FONT, 13))
        .draw())
}

/// plotters' error to anyhow.
pub(crate) fn ok<T, E: std::fmt::Display>(r: Result<T, E>) -> anyhow::Result<T> {
    r.map_err(|e| anyhow::anyhow!("drawing a chart: {e}"))
}

/// An axis tick: at most four decimals, no trailing zeros (`0.5`, `2`, `0.001`).
pub fn axis_number(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

/// Round numbers m × 10^k (m from `mantissas`) within `lo..=hi`, ascending.
fn decades(lo: f64, hi: f64, mantissas: &[f64]) -> Vec<f64> {
    if !(lo > 0.0 && hi > lo && hi.is_finite()) {
        return Vec::new();
    }
    let first = lo.log10().floor() as i32;
    let last = hi.log10().ceil() as i32;
    let round = |v: f64| format!("{v:.6e}").parse::<f64>().unwrap_or(v);
    (first..=last)
        .flat_map(|k| mantissas.iter().map(move |m| round(m * 10f64.powi(k))))
        .filter(|v| (lo..=hi).contains(v))
        .collect()
}

/// The labelled ticks of a log axis over `lo..hi`: powers of ten when the range spans three of
/// them, else the 1–2–5 series, else a finer one, so at least three round values are labelled
/// (three evenly spaced ones, with as few digits as keep them apart, when even that finds fewer).
pub fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let series: [&[f64]; 3] = [&[1.0], &[1.0, 2.0, 5.0], &[1.0, 1.5, 2.0, 3.0, 5.0, 7.0]];
    if let Some(ticks) = series.iter().map(|m| decades(lo, hi, m)).find(|t| t.len() >= 3) {
        return ticks;
    }
    if !(lo > 0.0 && hi > lo && hi.is_finite()) {
        return Vec::new();
    }
    let even: Vec<f64> = [0.2, 0.5, 0.8].iter().map(|f| lo * (hi / lo).powf(*f)).collect();
    let rounded = |digits: i32| -> Vec<f64> {
        let round = |v: f64| {
            let scale = 10f64.powi(v.log10().floor() as i32 + 1 - digits);
            (v / scale).round() * scale
        };
        even.iter().map(|&v| round(v)).collect()
    };
    (2..=6)
        .map(rounded)
        .find(|t| t.windows(2).all(|w| w[0] < w[1]) && t.iter().all(|v| (lo..=hi).contains(v)))
        .unwrap_or(even)
}

/// A log axis over `lo..hi`, labelled at [`log_ticks`], with a light grid line at every
/// 1–9 × 10^k.
pub(crate) fn log_axis(lo: f64, hi: f64) -> WithKeyPoints<LogCoord<f64>> {
    let light = decades(lo, hi, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]);
    (lo..hi).log_scale().with_key_points(log_ticks(lo, hi)).with_light_points(light)
}

/// A nice upper bound for an axis: the next 1, 2 or 5 × 10^k above `v`.
pub fn nice_ceiling(v: f64) -> f64 {
    if !(v.is_finite() && v > 0.0) {
        return 1.0;
    }
    let exp = v.log10().floor();
    let base = 10f64.powf(exp);
    [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * base).find(|c| *c >= v).unwrap_or(10.0 * base)
}

/// Every chart the report has data for, in report order.
pub fn all(report: &Report, t: &crate::text::Text) -> anyhow::Result<Vec<Chart>> {
    let mut charts = Vec::new();
    for experiment in &report.experiments {
        match experiment {
            Experiment::Io(io) if io.settings.open.is_some() => {}
            Experiment::Io(io) => {
                charts.extend(io_time::chart(io, t)?);
                charts.extend(io_memory::chart(io, t)?);
                charts.extend(io_latency::chart(io, t)?);
            }
            Experiment::Scale(s) => charts.extend(scale_time::chart(s, report.environment.cores_granted, t)?),
            Experiment::Cpu(c) => charts.extend(cpu_speedup::chart(c, report.environment.cores_granted, t)?),
            Experiment::Rates(r) => {
                charts.extend(rates_latency::chart(r, t)?);
                charts.extend(rates_throughput::chart(r, t)?);
            }
        }
    }
    Ok(charts)
}

/// The title of chart `id` in the catalogue.
pub(crate) fn title(t: &crate::text::Text, id: &str) -> String {
    t.get(&format!("chart-{id}"))
}

/// Every chart id a report can have (a report folder holds `ID.svg` for those it has).
pub use crate::view::CHART_IDS as ALL_IDS;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceilings_are_round() {
        assert_eq!(nice_ceiling(0.13), 0.2);
        assert_eq!(nice_ceiling(2.0), 2.0);
        assert_eq!(nice_ceiling(3.1), 5.0);
        assert_eq!(nice_ceiling(120.0), 200.0);
        assert_eq!(nice_ceiling(0.0), 1.0);
    }

    #[test]
    fn log_axes_label_at_least_three_round_ticks() {
        assert_eq!(log_ticks(0.5, 200.0), vec![1.0, 10.0, 100.0]);
        assert_eq!(log_ticks(1.03, 388.0), vec![2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0]);
        assert_eq!(log_ticks(420.0, 1065.0), vec![500.0, 700.0, 1000.0]);
        assert_eq!(log_ticks(67.0, 165.0), vec![70.0, 100.0, 150.0]);
        assert_eq!(log_ticks(0.066, 0.16), vec![0.07, 0.1, 0.15]);
        for (lo, hi) in [(0.001, 0.0011), (95.0, 101.0), (3.3, 4.0), (1e-4, 5.0)] {
            let ticks = log_ticks(lo, hi);
            assert!(ticks.len() >= 3 && ticks.iter().all(|t| (lo..=hi).contains(t)), "{lo}..{hi}: {ticks:?}");
            assert!(ticks.windows(2).all(|w| w[0] < w[1]), "{ticks:?}");
        }
        assert!(log_ticks(0.0, 1.0).is_empty());
    }

    #[test]
    fn axis_numbers_are_short() {
        assert_eq!(axis_number(0.5), "0.5");
        assert_eq!(axis_number(2.0), "2");
        assert_eq!(axis_number(0.1 + 0.2), "0.3");
        assert_eq!(axis_number(0.001), "0.001");
        assert_eq!(axis_number(100.0), "100");
        assert_eq!(axis_number(-0.00001), "0");
    }
}
