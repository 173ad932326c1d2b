//! The figures and comparisons of sections 1 and 2: async vs sync (with the sync time for all
//! requests estimated from a sample) and async vs a thread pool (time and peak heap).

use std::time::Duration;

pub use super::figures::Figures;
use super::figures::{Judged, time_ratio};
use super::ideal_time;
use crate::record::{Cell, IoExperiment, ModelKind, RunRecord};

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
#[derive(Debug, Clone)]
pub struct SyncVsAsync<'a> {
    pub asynchronous: Figures<'a>,
    pub sync: Figures<'a>,
    /// How many times faster async was than sync over all requests (below 1: sync was faster),
    /// paired by repetition; withheld when a side's requests failed (see [`Judged`]).
    pub async_speedup: Judged<'a>,
}

pub fn sync_vs_async(exp: &IoExperiment) -> Option<SyncVsAsync<'_>> {
    let asynchronous = async_baseline(exp)?;
    let sync = pick(exp, &[ModelKind::Sequential])?;
    let async_speedup = time_ratio(sync.cell, asynchronous.cell, exp.settings.min_success)?;
    Some(SyncVsAsync { asynchronous, sync, async_speedup })
}

/// Section 2: async against a thread pool.
#[derive(Debug, Clone)]
pub struct ThreadsVsAsync<'a> {
    pub asynchronous: Figures<'a>,
    pub threads: Figures<'a>,
    /// threads' time / async's time: above 1, async was faster.
    pub async_speedup: Judged<'a>,
    /// async's peak heap / threads' peak heap: above 1, threads used less.
    pub threads_memory_advantage: Option<Judged<'a>>,
}

pub fn threads_vs_async(exp: &IoExperiment) -> Option<ThreadsVsAsync<'_>> {
    let asynchronous = async_baseline(exp)?;
    let threads = pick(exp, &[ModelKind::Threads])?;
    let min_success = exp.settings.min_success;
    let async_speedup = time_ratio(threads.cell, asynchronous.cell, min_success)?;
    let heap = |_: &Cell, r: &RunRecord| r.measured.heap.map_or(f64::NAN, |h| h.peak_bytes as f64);
    let memory = super::figures::paired(asynchronous.cell, threads.cell, heap);
    let threads_memory_advantage = Judged::of(asynchronous.cell, threads.cell, min_success, memory);
    Some(ThreadsVsAsync { asynchronous, threads, async_speedup, threads_memory_advantage })
}

/// The least time a model could take against a server of fixed `latency` (see [`ideal_time`]).
pub fn floor(cell: &Cell, run: &RunRecord, latency: Duration) -> Duration {
    ideal_time(run.tasks, cell.model.concurrency(run.tasks), latency)
}
