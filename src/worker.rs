//! The child-process side of the `processes` model: `concbench worker` (hidden). It reads a
//! [`WorkerInit`] line, builds the workload, says ready, then runs every task id it reads and
//! answers each with a result line; at the end of its input it reports its own usage and exits.
//!
//! Testing aid: with `CONCBENCH_WORKER_CRASH_ON_TASK=K` in its environment, a worker aborts when
//! it is given task K (so a test can see a dying worker reported, not hung on).

use std::io::{BufRead, Write};

use anyhow::Context;

use crate::measure::{alloc, process};
use crate::model::process_pool::{FromWorker, TaskReport, WorkerInit, WorkerUsage};
use crate::workload::TaskCx;

pub const CRASH_ENV: &str = "CONCBENCH_WORKER_CRASH_ON_TASK";

/// This program, to start as a child (worker processes, the embedded API). On Linux it is
/// `/proc/self/exe`, which still starts the running binary after a rebuild replaced (deleted) the
/// file on disk mid-run; elsewhere the path it was started from.
pub fn self_exe() -> anyhow::Result<std::path::PathBuf> {
    let proc_exe = std::path::Path::new("/proc/self/exe");
    if cfg!(target_os = "linux") && proc_exe.exists() {
        return Ok(proc_exe.to_path_buf());
    }
    std::env::current_exe().context("finding this program to start a child process")
}

fn say(out: &mut impl Write, msg: &FromWorker) -> anyhow::Result<()> {
    serde_json::to_writer(&mut *out, msg)?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}

/// Runs the worker loop on stdin/stdout.
pub fn run() -> anyhow::Result<()> {
    let crash_on: Option<usize> = std::env::var(CRASH_ENV).ok().and_then(|v| v.parse().ok());
    let stdin = std::io::stdin().lock();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut lines = stdin.lines();
    let init = lines.next().context("no init line")??;
    let init: WorkerInit = serde_json::from_str(&init).context("parsing the init line")?;
    let workload = init.spec.build(1)?;
    say(&mut out, &FromWorker::Ready { pid: std::process::id() })?;
    for line in lines {
        let task: usize = line?.trim().parse().context("a task id")?;
        if crash_on == Some(task) {
            std::process::abort();
        }
        let result = workload.run_blocking(task, &TaskCx::FREE);
        say(&mut out, &FromWorker::Result(TaskReport::new(task, &result)))?;
    }
    let usage = process::usage(process::Who::SelfProcess);
    say(
        &mut out,
        &FromWorker::Done(WorkerUsage {
            cpu_user_ns: usage.user.as_nanos() as u64,
            cpu_sys_ns: usage.sys.as_nanos() as u64,
            heap_peak_bytes: alloc::snapshot().map(|s| s.peak_bytes as u64),
            rss_peak_bytes: process::rss().map(|r| r.peak_bytes),
        }),
    )
}
