//! The figures and comparisons of sections 1 and 2: async vs sync (with the sync time for all
//! requests estimated from a sample) and async vs a thread pool (time and peak heap).

use std::time::Duration;

use super::{extrapolate, ideal_time, median_index, ratio};
use crate::model::ModelKind;
use crate::report::{Cell, IoExperiment, RunRecord};

/// One model's headline figures, from its representative (median-time) run.
#[derive(Debug, Clone, Copy)]
pub struct Figures<'a> {
    pub cell: &'a Cell,
    pub run: &'a RunRecord,
    /// Wall time of the run as measured.
    pub wall: Duration,
    /// Time for all the experiment's tasks: `wall`, or extrapolated from a sample.
    pub total_time: Duration,
    pub estimated: bool,
    /// Successful tasks per second of measured wall time.
    pub throughput_per_s: f64,
}

impl<'a> Figures<'a> {
    /// `None` for a cell with no runs.
    pub fn of(cell: &'a Cell) -> Option<Self> {
        let walls: Vec<f64> = cell.runs.iter().map(|r| r.measured.wall_ns as f64).collect();
        let run = &cell.runs[median_index(&walls)?];
        let wall = run.measured.wall();
        Some(Figures {
            cell,
            run,
            wall,
            total_time: extrapolate(wall, run.tasks, cell.tasks_total),
            estimated: run.tasks < cell.tasks_total,
            throughput_per_s: ratio(run.ok as f64, wall.as_secs_f64()).unwrap_or(0.0),
        })
    }

    pub fn heap_peak_bytes(&self) -> Option<u64> {
        self.run.measured.heap.map(|h| h.peak_bytes)
    }

    pub fn heap_current_bytes(&self) -> Option<i64> {
        self.run.measured.heap.map(|h| h.current_bytes)
    }
}

/// The first cell of a kind that has at least one run, preferring a model without an N (plain
/// `async` is the source's "all at once").
fn pick<'a>(exp: &'a IoExperiment, kinds: &[ModelKind]) -> Option<Figures<'a>> {
    let mut cells: Vec<&Cell> = exp.cells.iter().filter(|c| kinds.contains(&c.model.kind)).collect();
    cells.sort_by_key(|c| (kinds.iter().position(|k| *k == c.model.kind), c.model.n.is_some()));
    cells.into_iter().find_map(Figures::of)
}

/// The baseline async model of an experiment: `async`, else `async:C`, else `async-mt`.
pub fn async_baseline(exp: &IoExperiment) -> Option<Figures<'_>> {
    pick(exp, &[ModelKind::Async, ModelKind::AsyncMt])
}

/// Section 1: async against sequential.
#[derive(Debug, Clone, Copy)]
pub struct SyncVsAsync<'a> {
    pub asynchronous: Figures<'a>,
    pub sync: Figures<'a>,
    /// How many times faster async was than sync over all requests (below 1: sync was faster).
    pub async_speedup: f64,
}

pub fn sync_vs_async(exp: &IoExperiment) -> Option<SyncVsAsync<'_>> {
    let asynchronous = async_baseline(exp)?;
    let sync = pick(exp, &[ModelKind::Sequential])?;
    let async_speedup = ratio(sync.total_time.as_secs_f64(), asynchronous.total_time.as_secs_f64())?;
    Some(SyncVsAsync { asynchronous, sync, async_speedup })
}

/// Section 2: async against a thread pool.
#[derive(Debug, Clone, Copy)]
pub struct ThreadsVsAsync<'a> {
    pub asynchronous: Figures<'a>,
    pub threads: Figures<'a>,
    /// threads' time / async's time: above 1, async was faster.
    pub async_speedup: f64,
    /// async's peak heap / threads' peak heap: above 1, threads used less.
    pub threads_memory_advantage: Option<f64>,
}

pub fn threads_vs_async(exp: &IoExperiment) -> Option<ThreadsVsAsync<'_>> {
    let asynchronous = async_baseline(exp)?;
    let threads = pick(exp, &[ModelKind::Threads])?;
    let async_speedup = ratio(threads.total_time.as_secs_f64(), asynchronous.total_time.as_secs_f64())?;
    let threads_memory_advantage = match (asynchronous.heap_peak_bytes(), threads.heap_peak_bytes()) {
        (Some(a), Some(t)) => ratio(a as f64, t as f64),
        _ => None,
    };
    Some(ThreadsVsAsync { asynchronous, threads, async_speedup, threads_memory_advantage })
}

/// The least time a model could take against a server of fixed `latency` (see [`ideal_time`]).
pub fn floor(cell: &Cell, run: &RunRecord, latency: Duration) -> Duration {
    ideal_time(run.tasks, cell.model.concurrency(run.tasks), latency)
}
