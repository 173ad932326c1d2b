//! The child-process side of the `processes` model: `concbench worker` (hidden). It reads a
//! [`WorkerInit`] line, builds the workload, says ready, then runs every task id it reads and
//! answers each with a result line; at the end of its input it reports its own usage and exits
//! (the protocol is `protocol`'s).
//!
//! Testing aid: with `CONCBENCH_WORKER_CRASH_ON_TASK=K` in its environment, a worker aborts when
//! it is given task K (so a test can see a dying worker reported, not hung on).

use anyhow::Context;

use crate::measure::{alloc, process};
use crate::protocol::{self, FromWorker, TaskReport, WorkerInit};
use crate::record::WorkerUsage;
use crate::workload::TaskCx;

pub const CRASH_ENV: &str = "CONCBENCH_WORKER_CRASH_ON_TASK";

/// Runs the worker loop on stdin/stdout.
pub fn run() -> anyhow::Result<()> {
    let crash_on: Option<usize> = std::env::var(CRASH_ENV).ok().and_then(|v| v.parse().ok());
    let mut input = std::io::stdin().lock();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut line = String::new();
    let init: WorkerInit =
        protocol::receive(&mut input, &mut line).context("the init line")?.context("no init line")?;
    let workload = init.spec.build(1)?;
    protocol::send(&mut out, &FromWorker::Ready { pid: std::process::id() })?;
    while let Some(task) = protocol::receive::<usize>(&mut input, &mut line).context("a task id")? {
        if crash_on == Some(task) {
            std::process::abort();
        }
        let result = workload.run_blocking(task, &TaskCx::FREE);
        protocol::send(&mut out, &FromWorker::Result(TaskReport::new(task, &result)))?;
    }
    let usage = process::usage(process::Who::SelfProcess);
    protocol::send(
        &mut out,
        &FromWorker::Done(WorkerUsage {
            cpu_user_ns: usage.user.as_nanos() as u64,
            cpu_sys_ns: usage.sys.as_nanos() as u64,
            heap_peak_bytes: alloc::snapshot().map(|s| s.peak_bytes as u64),
            rss_peak_bytes: process::rss().map(|r| r.peak_bytes),
        }),
    )?;
    Ok(())
}
