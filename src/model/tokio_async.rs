//! `async[:C]` and `async-mt[:C]`: C tokio tasks each run requests one after another, pulling
//! task ids from the job's queue, so at most C are under way at once; without C, one tokio task
//! per request, all started at once, like `asyncio.gather`. `async` uses a current-thread runtime
//! (one event loop on one thread, the honest analogue of asyncio); `async-mt` the multi-thread
//! runtime. Building the runtime happens before the measured window, dropping it after.

use std::time::Duration;

use anyhow::{Context, bail};
use tokio::task::JoinSet;

use super::{Job, Model};
use crate::measure::Meter;
use crate::record::ExecutionFacts;

pub struct TokioAsync {
    pub multi_thread: bool,
    pub limit: Option<usize>,
}

/// How often the event loop looks at the stop token while tasks wait on the network.
const STOP_POLL: Duration = Duration::from_millis(50);

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
            let connections = limit.min(job.len());
            job.workload
                .prewarm(connections)
                .await
                .map_err(|e| anyhow::anyhow!("opening {connections} connections ahead of the run: {}", e.message))?;
            meter.start();
            // One tokio task per request in flight, each pulling the next task id: with no
            // limit that is one task per request, all at once (asyncio.gather).
            let workers = limit.min(job.len()).max(1);
            let mut set = JoinSet::new();
            for _ in 0..workers {
                let job = job.clone();
                set.spawn(async move {
                    job.run_tasks_async().await;
                });
            }
            let mut panicked = None;
            let mut poll = tokio::time::interval(STOP_POLL);
            loop {
                tokio::select! {
                    joined = set.join_next() => match joined {
                        Some(Ok(())) => {}
                        Some(Err(e)) => panicked = Some(e),
                        None => break,
                    },
                    _ = poll.tick() => if job.stop.requested() {
                        set.abort_all();
                        break;
                    },
                }
            }
            meter.stop();
            anyhow::Ok((workers, panicked))
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
