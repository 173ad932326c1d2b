//! The open model, analysed: per model, what was offered and what came back (the pace it kept,
//! latency corrected for coordinated omission against service time, the queue, drops), and
//! whether the generator itself kept to its schedule. Pure functions over the records.

use super::figures::Figures;
use super::stats;
use crate::record::{Cell, LatencySummary, Tenth};

/// A model keeps up with an offered rate when it achieves at least this share of it.
pub const KEPT_UP: f64 = 0.95;

/// One cell of an open model: its closed-loop figures and what the open model adds.
#[derive(Debug, Clone)]
pub struct OpenFigures<'a> {
    pub figures: Figures<'a>,
    pub offered_per_s: f64,
    /// Median over runs of the pace from the first answer to the last.
    pub achieved_per_s: Option<f64>,
    /// done − due of the successes, over all runs.
    pub corrected: Option<LatencySummary>,
    /// done − sent of the successes, over all runs.
    pub service: Option<LatencySummary>,
    /// sent − dispatched, the median run's.
    pub queue: Option<LatencySummary>,
    /// The most requests that waited at once, in any run.
    pub queue_peak: u64,
    /// Requests dropped (`--max-queue`), over all runs.
    pub dropped: u64,
    /// dispatched − due, over all runs: the generator's own error.
    pub lateness: Option<LatencySummary>,
    /// The median run's tenths.
    pub tenths: Vec<Tenth>,
}

impl<'a> OpenFigures<'a> {
    /// `None` for a cell without an open run.
    pub fn of(cell: &'a Cell) -> Option<Self> {
        let figures = Figures::of(cell)?;
        let runs: Vec<_> = cell.runs.iter().filter_map(|r| r.open.as_ref()).collect();
        let median = figures.run.open.as_ref()?;
        let achieved: Vec<f64> = runs.iter().filter_map(|o| o.achieved_per_s).collect();
        Some(OpenFigures {
            offered_per_s: median.offered_per_s,
            achieved_per_s: (!achieved.is_empty()).then(|| stats::median(&achieved)),
            corrected: cell.corrected_latency.as_ref().map(|d| d.summary).or(median.corrected),
            service: figures.latency(),
            queue: median.queue,
            queue_peak: runs.iter().map(|o| o.queue_peak).max().unwrap_or(0),
            dropped: runs.iter().map(|o| o.dropped).sum(),
            lateness: cell.lateness.as_ref().map(|d| d.summary).or(median.lateness),
            tenths: median.tenths.clone(),
            figures,
        })
    }

    /// Whether it achieved at least [`KEPT_UP`] of the offered rate.
    pub fn kept_up(&self) -> bool {
        self.achieved_per_s.is_some_and(|a| a >= KEPT_UP * self.offered_per_s)
    }

    /// Whether the generator's lateness p99 passed `bound_us`: the figures are then the tool's.
    pub fn tool_bound(&self, bound_us: u64) -> bool {
        self.lateness.is_some_and(|l| l.p99_us > bound_us)
    }

    /// Mean corrected latency of the last tenth over that of the first: how much the wait grew
    /// over the run (1: not at all).
    pub fn growth(&self) -> Option<f64> {
        let (first, last) = (self.tenths.first()?, self.tenths.iter().rfind(|t| t.ok > 0)?);
        super::ratio(last.corrected_mean_us, first.corrected_mean_us)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::analysis::figures::summarize_cell;
    use crate::record::{CellStatus, Measured, ModelSpec, OpenRun, RunRecord};

    /// A latency summary of p50 and p99 in milliseconds.
    pub(crate) fn latency(p50_ms: f64, p99_ms: f64) -> LatencySummary {
        let us = |ms: f64| (ms * 1000.0) as u64;
        LatencySummary {
            count: 100,
            min_us: us(p50_ms),
            mean_us: p50_ms * 1000.0,
            p50_us: us(p50_ms),
            p90_us: us(p99_ms),
            p99_us: us(p99_ms),
            max_us: us(p99_ms),
        }
    }

    /// A cell of `model` offered `rate`, one run: it achieved `achieved` per second, with latency
    /// p99 `p99_ms` as users saw it, served in 50 ms (p50) to 51 ms (p99); the generator was
    /// `late_us` late at p99; its corrected latency grew from 60 ms to 510 ms over the tenths.
    pub(crate) fn open_cell(model: &str, rate: f64, achieved: f64, p99_ms: f64, late_us: u64) -> Cell {
        let tenth = |ms: f64| Tenth { ok: 10, corrected_mean_us: ms * 1e3, service_mean_us: 50e3 };
        let open = OpenRun {
            offered_per_s: rate,
            achieved_per_s: Some(achieved),
            scheduled: 100,
            released: 100,
            dropped: 0,
            queue_peak: 40,
            lateness: Some(LatencySummary { p99_us: late_us, ..latency(0.0, 0.0) }),
            queue: Some(latency(200.0, 480.0)),
            corrected: Some(latency(p99_ms / 2.0, p99_ms)),
            tenths: (0..10).map(|i| tenth(60.0 + 50.0 * i as f64)).collect(),
        };
        let measured = Measured { wall_ns: 1_000_000_000, ..Measured::blank() };
        let service = Some(latency(50.0, 51.0));
        let run = RunRecord { measured, latency_ok: service, open: Some(open), ..RunRecord::blank(100, 100) };
        let mut c = Cell::pending(model.parse::<ModelSpec>().unwrap(), 100, 100).at_rate(Some(rate));
        c.status = CellStatus::Ok;
        c.runs = vec![run];
        c.summary = summarize_cell(&c);
        c
    }

    #[test]
    fn an_open_cell_says_whether_it_kept_up_and_how_its_wait_grew() {
        let behind = open_cell("threads:4", 160.0, 80.0, 530.0, 300);
        let f = OpenFigures::of(&behind).unwrap();
        assert!(!f.kept_up(), "80 of 160 offered");
        assert!(!f.tool_bound(1000));
        assert_eq!(f.corrected.unwrap().p99_us, 530_000);
        assert_eq!(f.service.unwrap().p99_us, 51_000);
        let growth = f.growth().unwrap();
        assert!((growth - 510.0 / 60.0).abs() < 1e-9, "{growth}");
        let fine = open_cell("threads:4", 160.0, 158.0, 60.0, 1500);
        let f = OpenFigures::of(&fine).unwrap();
        assert!(f.kept_up() && f.tool_bound(1000));
        assert!(OpenFigures::of(&Cell::pending("async".parse().unwrap(), 1, 1)).is_none());
    }
}
