//! The capacity sweep's throughput: achieved against offered rate, one line per model, both axes
//! on log scales, beside the diagonal (achieved = offered): a model that keeps up stays on it, one
//! that saturates flattens at its capacity.

use super::Chart;
use super::rates_latency::rates_chart;
use crate::analysis::open::OpenFigures;
use crate::record::RatesExperiment;
use crate::text::Text;
use crate::view::chart;

pub fn chart(exp: &RatesExperiment, t: &Text) -> anyhow::Result<Option<Chart>> {
    let achieved = |f: &OpenFigures| f.achieved_per_s;
    rates_chart(exp, t, chart::RATES_THROUGHPUT, (achieved, "chart-achieved"), true)
}
