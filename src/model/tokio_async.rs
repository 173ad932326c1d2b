//! `async[:C]` and `async-mt[:C]`: C tokio tasks each run requests one after another, pulling
//! task ids from a shared counter, so at most C are under way at once; without C, one tokio task
//! per request, all started at once, like `asyncio.gather`. `async` uses a current-thread runtime (one event loop on
//! one thread, the honest analogue of asyncio); `async-mt` the multi-thread runtime.
//! Building the runtime happens before the measured window, dropping it after.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::{Context, bail};
use tokio::task::JoinSet;

use super::{ExecutionFacts, Job, Model};
use crate::measure::Meter;

pub struct TokioAsync {
    pub multi_thread: bool,
    pub limit: Option<usize>,
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
            let connections = limit.min(job.tasks.len());
            job.workload
                .prewarm(connections)
                .await
                .map_err(|e| anyhow::anyhow!("opening {connections} connections ahead of the run: {}", e.message))?;
            meter.start();
            // One tokio task per request in flight, each pulling the next task id: with no
            // limit that is one task per request, all at once (asyncio.gather).
            let workers = limit.min(job.tasks.len()).max(1);
            let next = Arc::new(AtomicUsize::new(job.tasks.start));
            let mut set = JoinSet::new();
            for _ in 0..workers {
                let (workload, recorder, next, end) =
                    (job.workload.clone(), job.recorder.clone(), next.clone(), job.tasks.end);
                set.spawn(async move {
                    loop {
                        let task = next.fetch_add(1, Ordering::Relaxed);
                        if task >= end || crate::interrupt::requested() {
                            return;
                        }
                        let t0 = Instant::now();
                        let result = workload.run_async(task).await;
                        recorder.record(t0, result);
                    }
                });
            }
            let (peak, mut panicked) = (workers, None);
            let stop = Arc::new(tokio::sync::Notify::new());
            let watcher = tokio::spawn({
                let stop = stop.clone();
                async move {
                    while !crate::interrupt::requested() {
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    }
                    stop.notify_one();
                }
            });
            loop {
                tokio::select! {
                    joined = set.join_next() => match joined {
                        Some(Ok(())) => {}
                        Some(Err(e)) => panicked = Some(e),
                        None => break,
                    },
                    _ = stop.notified() => {
                        set.abort_all();
                        break;
                    }
                }
            }
            watcher.abort();
            meter.stop();
            anyhow::Ok((peak, panicked))
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
