//! `async[:C]` and `async-mt[:C]`: C tokio tasks each run requests one after another, pulling
//! tasks from the job's queue, so at most C are under way at once; without C, one tokio task per
//! request, spawned as the queue releases it: all at once in a closed queue, like
//! `asyncio.gather`, each at its due time in an open one. `async` uses a current-thread runtime
//! (one event loop on one thread, the honest analogue of asyncio); `async-mt` the multi-thread
//! runtime. Building the runtime happens before the measured window, dropping it after.

use std::time::Duration;

use anyhow::{Context, bail};
use tokio::task::{JoinError, JoinSet};

use super::{Job, Model};
use crate::measure::Meter;
use crate::record::ExecutionFacts;

pub struct TokioAsync {
    pub multi_thread: bool,
    pub limit: Option<usize>,
}

/// How often the event loop looks at the stop token while tasks wait on the network.
const STOP_POLL: Duration = Duration::from_millis(50);

/// `async:C`: C tokio tasks, each taking the next task when its last one ended. Returns C and a
/// task that panicked, if one did.
async fn run_pulling(job: &Job, workers: usize) -> (usize, Option<JoinError>) {
    let mut set = JoinSet::new();
    for _ in 0..workers {
        let job = job.clone();
        set.spawn(async move {
            job.run_tasks_async().await;
        });
    }
    (workers, join_all(job, &mut set, None).await)
}

/// `async` without a limit: one tokio task per task, spawned as each is released (all at once
/// in a closed queue: `asyncio.gather`). Returns the most under way at once and a task that
/// panicked, if one did.
async fn run_spawning(job: &Job) -> (usize, Option<JoinError>) {
    let mut set = JoinSet::new();
    let mut peak = 0;
    let panicked = join_all(job, &mut set, Some(&mut peak)).await;
    (peak, panicked)
}

/// Waits for every task of `set`, spawning one per released ticket when `spawned` counts them
/// (the most at once), and aborts them all when a stop is asked for.
async fn join_all(job: &Job, set: &mut JoinSet<()>, mut spawned: Option<&mut usize>) -> Option<JoinError> {
    let mut panicked = None;
    let mut releasing = spawned.is_some();
    let mut poll = tokio::time::interval(STOP_POLL);
    while releasing || !set.is_empty() {
        tokio::select! {
            ticket = job.next_ticket_async(), if releasing => match ticket {
                Some(ticket) => {
                    let job = job.clone();
                    set.spawn(async move { job.run_ticket_async(ticket).await });
                    if let Some(peak) = spawned.as_deref_mut() {
                        *peak = (*peak).max(set.len());
                    }
                }
                None => releasing = false,
            },
            Some(joined) = set.join_next(), if !set.is_empty() => {
                if let Err(e) = joined {
                    panicked = Some(e);
                }
            },
            _ = poll.tick() => if job.stop.requested() {
                set.abort_all();
                break;
            },
        }
    }
    panicked
}

impl Model for TokioAsync {
    fn execute(&self, job: &Job, meter: &mut Meter) -> anyhow::Result<ExecutionFacts> {
        let (runtime, threads) = if self.multi_thread {
            let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
            let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(workers).enable_all().build();
            (rt, workers)
        } else {
            (tokio::runtime::Builder::new_current_thread().enable_all().build(), 0)
        };
        let runtime = runtime.context("building the tokio runtime")?;
        let limit = self.limit.unwrap_or(usize::MAX).max(1);
        let (peak, panicked) = runtime.block_on(async {
            let connections = limit.min(job.in_flight());
            job.workload
                .prewarm(connections)
                .await
                .map_err(|e| anyhow::anyhow!("opening {connections} connections ahead of the run: {}", e.message))?;
            job.start(meter)?;
            let run = match self.limit {
                Some(_) => run_pulling(job, limit.min(job.len()).max(1)).await,
                None => run_spawning(job).await,
            };
            meter.stop();
            anyhow::Ok(run)
        })?;
        drop(runtime);
        if let Some(e) = panicked {
            bail!("an async task failed: {e}");
        }
        Ok(ExecutionFacts {
            threads_started: threads,
            peak_tasks_in_flight: peak,
            peak_in_workload: (!self.multi_thread).then_some(peak.min(1)),
            ..ExecutionFacts::default()
        })
    }
}
