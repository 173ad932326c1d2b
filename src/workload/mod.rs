//! Workloads: what a model executes `n` times (task ids `0..n`). Built from a serialisable
//! [`WorkloadSpec`], so a worker process can rebuild the very same workload.

pub mod cpu;
pub mod http;
pub mod io;
pub mod url;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use io::IoSpec;
pub use url::{Header, UrlList, UrlTemplate};

use crate::record::{CpuSpec, PyTaskSettings, TaskError, TaskOutcome};

/// A boxed, sendable future borrowing the workload.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// An emulated interpreter lock, as a task sees it: long kernels offer it check-points where a
/// thread that held it long enough may have to hand it over (like CPython's eval breaker), and
/// blocking I/O runs without it.
pub trait InterpreterLock: Sync {
    /// A cheap check: hands the lock over if another thread has asked for it.
    fn checkpoint(&self);
    /// Gives the lock up before blocking I/O.
    fn release(&self);
    /// Takes it back after.
    fn reacquire(&self);
}

/// What a task may ask of the model that runs it.
#[derive(Clone, Copy, Default)]
pub struct TaskCx<'a> {
    lock: Option<&'a dyn InterpreterLock>,
}

impl<'a> TaskCx<'a> {
    /// A free thread: no interpreter lock.
    pub const FREE: TaskCx<'static> = TaskCx { lock: None };

    /// A thread bound by an interpreter lock.
    pub fn with_lock(lock: &'a dyn InterpreterLock) -> Self {
        TaskCx { lock: Some(lock) }
    }

    /// Where a GIL-bound thread may hand over; nothing for a free thread.
    #[inline]
    pub fn checkpoint(&self) {
        if let Some(lock) = self.lock {
            lock.checkpoint();
        }
    }

    /// Runs blocking I/O `f`, without the interpreter lock if there is one.
    pub fn blocking<R>(&self, f: impl FnOnce() -> R) -> R {
        match self.lock {
            None => f(),
            Some(lock) => {
                lock.release();
                let r = f();
                lock.reacquire();
                r
            }
        }
    }
}

/// CPU time the calling thread has used.
pub fn thread_cpu_time() -> std::time::Duration {
    // SAFETY: clock_gettime writes into the zeroed timespec we own.
    let mut ts: libc::timespec = unsafe { std::mem::zeroed() };
    // SAFETY: valid clock id and pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    std::time::Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Spends `cost` of this thread's CPU time (not wall time: a thread that waits, for the
/// interpreter lock or the OS, does not advance it), offering check-points all along.
///
/// The check-points come every `BURN_STEP` (256) iterations (well under a microsecond), but the
/// clock is read far less often: on Linux the thread CPU clock is a system call, and reading it at
/// every check-point would spend more time in the kernel than burning. The stretch between two
/// reads adapts to the measured speed, aiming at `CLOCK_READ_EVERY` (200 µs) of CPU time and never
/// past `cost`.
pub fn burn_cpu(cost: std::time::Duration, cx: &TaskCx) {
    if cost.is_zero() {
        return;
    }
    let mut now = thread_cpu_time();
    let until = now + cost;
    let mut x = 0u64;
    // Steps of BURN_STEP iterations between two clock reads: starts at one, grows at most 2x a read.
    let mut steps: u64 = 1;
    while now < until {
        for _ in 0..steps {
            for _ in 0..BURN_STEP {
                x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407));
            }
            cx.checkpoint();
        }
        let before = std::mem::replace(&mut now, thread_cpu_time());
        let per_step = (now.saturating_sub(before).as_nanos() as u64 / steps).max(1);
        // Aim the next read at CLOCK_READ_EVERY of CPU, or at the end if that is sooner.
        let aim = until.saturating_sub(now).min(CLOCK_READ_EVERY).as_nanos() as u64;
        steps = (aim / per_step).clamp(1, steps * 2);
    }
}

/// Iterations of [`burn_cpu`] between two check-points.
const BURN_STEP: u32 = 256;

/// CPU time [`burn_cpu`] aims to spend between two reads of the thread's CPU clock.
const CLOCK_READ_EVERY: std::time::Duration = std::time::Duration::from_micros(200);

/// A unit of work that a model executes `n` times.
pub trait Workload: Send + Sync {
    /// Runs task `task` on the calling thread, blocking it until done.
    fn run_blocking(&self, task: usize, cx: &TaskCx) -> Result<TaskOutcome, TaskError>;
    /// Runs task `task` as a future on the caller's async runtime.
    fn run_async(&self, task: usize) -> BoxFuture<'_, Result<TaskOutcome, TaskError>>;

    /// Gets `connections` connections ready before the measured window, when the workload was
    /// asked to (`--prewarm`). Nothing by default.
    fn prewarm(&self, _connections: usize) -> BoxFuture<'_, Result<(), TaskError>> {
        Box::pin(async { Ok(()) })
    }
}

/// What a workload is, as data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WorkloadSpec {
    /// HTTP GET requests to a URL template.
    Io(IoSpec),
    /// Prime counting (the source's CPU-bound job).
    Cpu(CpuSpec),
    /// The user's own Python function (`concbench task`): only the py models run it.
    PyTask {
        task: PyTaskSettings,
        /// The embedded API's URL, for tasks that call it (`CONCBENCH_API_URL`).
        api_url: Option<String>,
    },
}

/// The user's Python task as a workload of this process: it cannot run it (only a py model's
/// interpreter can), so every task fails saying so; plans never give it to a Rust model.
struct PythonOnly;

impl Workload for PythonOnly {
    fn run_blocking(&self, _task: usize, _cx: &TaskCx) -> Result<TaskOutcome, TaskError> {
        Err(TaskError::new(crate::record::ErrorKind::Other, "the user's Python task runs only under the py models"))
    }

    fn run_async(&self, task: usize) -> BoxFuture<'_, Result<TaskOutcome, TaskError>> {
        Box::pin(async move { self.run_blocking(task, &TaskCx::FREE) })
    }
}

impl WorkloadSpec {
    /// Builds a fresh workload (fresh clients, empty connection pools) for a model that runs up to
    /// `concurrency` tasks at once.
    pub fn build(&self, concurrency: usize) -> anyhow::Result<Arc<dyn Workload>> {
        match self {
            WorkloadSpec::Io(spec) => Ok(Arc::new(io::IoWorkload::new(spec, concurrency)?)),
            WorkloadSpec::Cpu(spec) => Ok(Arc::new(cpu::CpuWorkload::new(spec.clone()))),
            WorkloadSpec::PyTask { .. } => Ok(Arc::new(PythonOnly)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// This thread's (user, system) CPU time.
    #[cfg(target_os = "linux")]
    fn thread_usage() -> (Duration, Duration) {
        // SAFETY: getrusage writes into the zeroed struct we own.
        let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: valid `who` and pointer.
        assert_eq!(unsafe { libc::getrusage(libc::RUSAGE_THREAD, &mut ru) }, 0);
        let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
        (tv(ru.ru_utime), tv(ru.ru_stime))
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn burning_cpu_spends_it_in_user_space_not_reading_the_clock() {
        let cost = Duration::from_millis(200);
        let (user0, sys0) = thread_usage();
        let t0 = thread_cpu_time();
        burn_cpu(cost, &TaskCx::FREE);
        let spent = thread_cpu_time() - t0;
        let (user, sys) = thread_usage();
        let (user, sys) = (user - user0, sys - sys0);
        assert!(spent >= cost, "{spent:?}");
        // Reading the thread CPU clock is a system call: at every check-point it took over half.
        assert!(sys * 5 < user + sys, "user {user:?}, sys {sys:?}");
    }

    #[test]
    fn check_points_come_all_along_the_burn() {
        struct Count(std::sync::atomic::AtomicU64);
        impl InterpreterLock for Count {
            fn checkpoint(&self) {
                self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            fn release(&self) {}
            fn reacquire(&self) {}
        }
        let count = Count(Default::default());
        burn_cpu(Duration::from_millis(20), &TaskCx::with_lock(&count));
        // One every 256 iterations: thousands over 20 ms, even in a debug build.
        assert!(count.0.into_inner() > 1000);
    }
}
