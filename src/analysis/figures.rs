//! A cell's headline figures over its runs: medians with their spread, and ratios between two
//! cells paired by repetition.

use std::time::Duration;

use super::stats::{self, RatioStat};
use super::{extrapolate, ratio};
use crate::record::{Cell, CellInterpreter, CellSummary, LatencySummary, ModelSpec, RunRecord, Summary};

/// Time for all of the cell's tasks in one run: measured, or extrapolated from a sample.
pub fn total_time(cell: &Cell, run: &RunRecord) -> Duration {
    extrapolate(run.measured.wall(), run.tasks, cell.tasks_total)
}

fn throughput(run: &RunRecord) -> f64 {
    ratio(run.ok as f64, run.measured.wall().as_secs_f64()).unwrap_or(0.0)
}

/// Summaries of every figure of a cell over its runs; `None` without runs.
pub fn summarize_cell(cell: &Cell) -> Option<CellSummary> {
    if cell.runs.is_empty() {
        return None;
    }
    let of = |f: &dyn Fn(&RunRecord) -> f64| stats::summarize(&cell.runs.iter().map(f).collect::<Vec<_>>());
    let all = |f: &dyn Fn(&RunRecord) -> Option<f64>| -> Option<Summary> {
        let xs: Option<Vec<f64>> = cell.runs.iter().map(f).collect();
        xs.map(|xs| stats::summarize(&xs))
    };
    let walls: Vec<f64> = cell.runs.iter().map(|r| r.measured.wall().as_secs_f64()).collect();
    Some(CellSummary {
        wall_s: stats::summarize(&walls),
        total_time_s: of(&|r| total_time(cell, r).as_secs_f64()),
        throughput_per_s: of(&throughput),
        cpu_s: of(&|r| r.measured.cpu().as_secs_f64()),
        heap_peak_bytes: all(&|r| r.measured.heap.map(|h| h.peak_bytes as f64)),
        rss_peak_bytes: all(&|r| r.measured.rss_peak_bytes.map(|b| b as f64)),
        first_run_slow: stats::first_run_slow(&walls),
    })
}

/// One cell's headline figures: medians over its runs, and the run nearest the median time for
/// what is not summarised (latency percentiles of one run, server counters, model facts).
#[derive(Debug, Clone)]
pub struct Figures<'a> {
    pub cell: &'a Cell,
    /// The run whose time is nearest the median.
    pub run: &'a RunRecord,
    pub summary: CellSummary,
    /// Median wall time.
    pub wall: Duration,
    /// Median time for all the experiment's tasks (extrapolated from a sample when `estimated`).
    pub total_time: Duration,
    pub estimated: bool,
    /// Median successful tasks per second of wall time.
    pub throughput_per_s: f64,
}

impl<'a> Figures<'a> {
    /// `None` for a cell with no runs.
    pub fn of(cell: &'a Cell) -> Option<Self> {
        let summary = summarize_cell(cell)?;
        let median = summary.wall_s.median;
        let run = cell
            .runs
            .iter()
            .min_by(|a, b| {
                let d = |r: &RunRecord| (r.measured.wall().as_secs_f64() - median).abs();
                d(a).total_cmp(&d(b))
            })
            .expect("a cell with a summary has runs");
        Some(Figures {
            cell,
            run,
            wall: Duration::from_secs_f64(median.max(0.0)),
            total_time: Duration::from_secs_f64(summary.total_time_s.median.max(0.0)),
            estimated: run.tasks < cell.tasks_total,
            throughput_per_s: summary.throughput_per_s.median,
            summary,
        })
    }

    pub fn runs(&self) -> usize {
        self.cell.runs.len()
    }

    /// Median peak heap.
    pub fn heap_peak_bytes(&self) -> Option<u64> {
        self.summary.heap_peak_bytes.as_ref().map(|s| s.median as u64)
    }

    /// Median heap at the end of the run (relative to its start).
    pub fn heap_current_bytes(&self) -> Option<i64> {
        let xs: Option<Vec<f64>> =
            self.cell.runs.iter().map(|r| r.measured.heap.map(|h| h.current_bytes as f64)).collect();
        xs.map(|xs| stats::median(&xs) as i64)
    }

    /// Median peak RSS.
    pub fn rss_peak_bytes(&self) -> Option<u64> {
        self.summary.rss_peak_bytes.as_ref().map(|s| s.median as u64)
    }

    /// Latency of the successful tasks over all runs (merged histograms), else of the median run.
    pub fn latency(&self) -> Option<LatencySummary> {
        self.cell.latency_ok.as_ref().map(|d| d.summary).or(self.run.latency_ok)
    }

    /// Median CPU time (this process).
    pub fn cpu(&self) -> Duration {
        Duration::from_secs_f64(self.summary.cpu_s.median.max(0.0))
    }

    /// [`Figures::cpu`] and the CPU time of the model's worker processes (in the median run):
    /// all the CPU the model used.
    pub fn cpu_with_workers(&self) -> Duration {
        let workers = self.run.facts.processes.as_ref().map_or(0, crate::record::PoolStats::cpu_ns);
        self.cpu() + Duration::from_nanos(workers)
    }
}

/// `f(a) / f(b)` over the runs of two cells paired by repetition (`round`): the median ratio with
/// its interval. `None` without a pair.
pub fn paired(a: &Cell, b: &Cell, f: impl Fn(&Cell, &RunRecord) -> f64) -> Option<RatioStat> {
    let pairs: Vec<(f64, f64)> = a
        .runs
        .iter()
        .filter_map(|ra| {
            let rb = b.runs.iter().find(|rb| rb.round == ra.round)?;
            Some((f(a, ra), f(b, rb)))
        })
        .collect();
    stats::paired_ratio(&pairs)
}

/// How a cell's tasks ended, over all its measured runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Side<'a> {
    pub model: ModelSpec,
    /// The interpreter a py model ran in.
    pub interpreter: Option<&'a CellInterpreter>,
    pub ok: u64,
    pub tasks: u64,
}

impl<'a> Side<'a> {
    pub fn of(cell: &'a Cell) -> Self {
        let ok = cell.runs.iter().map(|r| r.ok).sum();
        let tasks = cell.runs.iter().map(|r| r.ok + r.failed).sum();
        Side { model: cell.model, interpreter: cell.interpreter.as_ref(), ok, tasks }
    }

    pub fn failed(&self) -> u64 {
        self.tasks - self.ok
    }

    /// Whether enough of its tasks succeeded for its time to say how fast it is (`min_success`,
    /// a share: 1.0 asks that all did).
    pub fn comparable(&self, min_success: f64) -> bool {
        self.tasks > 0 && self.ok as f64 >= min_success * self.tasks as f64 - 1e-9
    }
}

/// A ratio between two cells as a report may state it: stated only when both sides succeeded
/// often enough (a time to failure is not a speed), with both sides' failures to show beside it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Judged<'a> {
    /// The ratio; `None` when it is withheld.
    pub ratio: Option<RatioStat>,
    /// The side on top of the ratio, then the one below.
    pub sides: [Side<'a>; 2],
    /// The share of successes each side needed (`--min-success`).
    pub min_success: f64,
}

impl<'a> Judged<'a> {
    /// Judges `ratio` of `a` over `b`; `None` when there is no ratio (no paired runs).
    pub fn of(a: &'a Cell, b: &'a Cell, min_success: f64, ratio: Option<RatioStat>) -> Option<Self> {
        let sides = [Side::of(a), Side::of(b)];
        let ratio = ratio?;
        let stated = sides.iter().all(|s| s.comparable(min_success));
        Some(Judged { ratio: stated.then_some(ratio), sides, min_success })
    }

    /// The side that failed too often, when the ratio is withheld.
    pub fn withheld_by(&self) -> Option<&Side<'a>> {
        self.ratio.is_none().then(|| self.sides.iter().find(|s| !s.comparable(self.min_success))).flatten()
    }

    /// Whether either side had a failed task (a stated ratio is then marked).
    pub fn with_failures(&self) -> bool {
        self.sides.iter().any(|s| s.failed() > 0)
    }

    /// The same judgement upside down.
    pub fn inverse(&self) -> Self {
        Judged {
            ratio: self.ratio.map(|r| r.inverse()),
            sides: [self.sides[1], self.sides[0]],
            min_success: self.min_success,
        }
    }
}

/// How many times longer `slow` took than `fast` for all tasks, paired by repetition, judged
/// against `min_success`.
pub fn time_ratio<'a>(slow: &'a Cell, fast: &'a Cell, min_success: f64) -> Option<Judged<'a>> {
    Judged::of(slow, fast, min_success, paired(slow, fast, |c, r| total_time(c, r).as_secs_f64()))
}
