//! The figures and comparisons of sections 1 and 2: async vs sync (with the sync time for all
//! requests estimated from a sample) and async vs a thread pool (time and peak heap).

use std::time::Duration;

pub use super::figures::Figures;
use super::figures::{Judged, time_ratio};
use super::ideal_time;
use crate::record::{Cell, CellInterpreter, IoExperiment, ModelKind, RunRecord};

/// Whose models a comparison reads: Rust's, or the py models of one interpreter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stack<'a> {
    Rust,
    Python(&'a CellInterpreter),
}

/// A model's part in sections 1 and 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Async,
    Sync,
    Threads,
}

impl<'a> Stack<'a> {
    /// The kinds that play `role` in this stack, preferred first.
    fn kinds(self, role: Role) -> &'static [ModelKind] {
        match (self, role) {
            (Stack::Rust, Role::Async) => &[ModelKind::Async, ModelKind::AsyncMt],
            (Stack::Rust, Role::Sync) => &[ModelKind::Sequential],
            (Stack::Rust, Role::Threads) => &[ModelKind::Threads],
            (Stack::Python(_), Role::Async) => &[ModelKind::PyAsync],
            (Stack::Python(_), Role::Sync) => &[ModelKind::PySequential],
            (Stack::Python(_), Role::Threads) => &[ModelKind::PyThreads],
        }
    }

    /// The interpreter its cells ran in (`None` for Rust's).
    pub fn interpreter(self) -> Option<&'a CellInterpreter> {
        match self {
            Stack::Rust => None,
            Stack::Python(i) => Some(i),
        }
    }
}

/// Every stack of an experiment: Rust's, then each interpreter's in `--python` order.
pub fn stacks(exp: &IoExperiment) -> Vec<Stack<'_>> {
    let interpreters = exp.settings.python.iter().flat_map(|p| p.interpreters.iter());
    std::iter::once(Stack::Rust).chain(interpreters.map(Stack::Python)).collect()
}

/// The first cell of `stack` in `role` that has at least one run, preferring a model without an
/// N (plain `async` is the source's "all at once").
fn pick<'a>(exp: &'a IoExperiment, stack: Stack, role: Role) -> Option<Figures<'a>> {
    let kinds = stack.kinds(role);
    let mut cells: Vec<&Cell> = exp
        .cells
        .iter()
        .filter(|c| kinds.contains(&c.model.kind) && c.interpreter.as_ref() == stack.interpreter())
        .collect();
    cells.sort_by_key(|c| (kinds.iter().position(|k| *k == c.model.kind), c.model.n.is_some()));
    cells.into_iter().find_map(Figures::of)
}

/// The baseline async model of an experiment: `async`, else `async:C`, else `async-mt`.
pub fn async_baseline(exp: &IoExperiment) -> Option<Figures<'_>> {
    pick(exp, Stack::Rust, Role::Async)
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

/// Section 1 for Rust's models.
pub fn sync_vs_async(exp: &IoExperiment) -> Option<SyncVsAsync<'_>> {
    sync_vs_async_in(exp, Stack::Rust)
}

/// Section 1 for one stack's models: tokio against the blocking client, or aiohttp against
/// requests.
pub fn sync_vs_async_in<'a>(exp: &'a IoExperiment, stack: Stack) -> Option<SyncVsAsync<'a>> {
    let asynchronous = pick(exp, stack, Role::Async)?;
    let sync = pick(exp, stack, Role::Sync)?;
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

/// Section 2 for Rust's models.
pub fn threads_vs_async(exp: &IoExperiment) -> Option<ThreadsVsAsync<'_>> {
    threads_vs_async_in(exp, Stack::Rust)
}

/// Section 2 for one stack's models: tokio against a pool of threads, or aiohttp against
/// `ThreadPoolExecutor`.
pub fn threads_vs_async_in<'a>(exp: &'a IoExperiment, stack: Stack) -> Option<ThreadsVsAsync<'a>> {
    let asynchronous = pick(exp, stack, Role::Async)?;
    let threads = pick(exp, stack, Role::Threads)?;
    let min_success = exp.settings.min_success;
    let async_speedup = time_ratio(threads.cell, asynchronous.cell, min_success)?;
    let heap = |_: &Cell, r: &RunRecord| r.measured.heap.map_or(f64::NAN, |h| h.peak_bytes as f64);
    let memory = super::figures::paired(asynchronous.cell, threads.cell, heap);
    let threads_memory_advantage = Judged::of(asynchronous.cell, threads.cell, min_success, memory);
    Some(ThreadsVsAsync { asynchronous, threads, async_speedup, threads_memory_advantage })
}

/// A py model against the Rust model of the same kind of concurrency, on the same requests.
#[derive(Debug, Clone)]
pub struct Versus<'a> {
    pub python: Figures<'a>,
    pub rust: Figures<'a>,
    /// python's time for all requests / rust's.
    pub ratio: Judged<'a>,
}

/// Each py model of `section` (1: async and sync; 2: threads) against its Rust counterpart of
/// the same concurrency: py-async\[:N\] against `async[:N]`, py-sequential against `sequential`,
/// py-threads:N against `threads:N`, per interpreter.
pub fn python_vs_rust(exp: &IoExperiment, section: u8) -> Vec<Versus<'_>> {
    let roles: &[Role] = if section == 1 { &[Role::Async, Role::Sync] } else { &[Role::Threads] };
    let mut out = Vec::new();
    for stack in stacks(exp).into_iter().filter(|s| *s != Stack::Rust) {
        for &role in roles {
            let (Some(python), Some(rust)) = (pick(exp, stack, role), pick(exp, Stack::Rust, role)) else { continue };
            // The same concurrency: one event loop each, the same N.
            if python.cell.model.n != rust.cell.model.n || rust.cell.model.kind == ModelKind::AsyncMt {
                continue;
            }
            if let Some(ratio) = time_ratio(python.cell, rust.cell, exp.settings.min_success) {
                out.push(Versus { python, rust, ratio });
            }
        }
    }
    out
}

/// The least time a model could take against a server of fixed `latency` (see [`ideal_time`]).
pub fn floor(cell: &Cell, run: &RunRecord, latency: Duration) -> Duration {
    ideal_time(run.tasks, cell.model.concurrency(run.tasks), latency)
}
