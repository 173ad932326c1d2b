//! Measurement: what one run cost. Sits under the runner and the models.
//!
//! A model opens a [`Meter`] when its first task may start and stops it when its last task has
//! finished, so set-up that is not part of the model (building clients, runtimes) stays outside.
//! Inside the window the meter reads wall time (monotonic), heap (the counting allocator), CPU
//! time and context switches (`getrusage`) and peak RSS (reset at the start of each window).

pub mod alloc;
pub mod clock;
pub mod process;
pub mod recorder;
pub mod system;

use std::time::{Duration, Instant, SystemTime};

use crate::record::Measured;
pub use recorder::{OpenTally, Recorder, Release, Tally};

struct Open {
    t0: Instant,
    heap: Option<alloc::HeapWindow>,
    usage: process::Usage,
    rss_start: Option<u64>,
    rss_reset: bool,
    system_busy: Option<Duration>,
}

/// Opens and closes the measured window of one run. See the module docs.
#[derive(Default)]
pub struct Meter {
    open: Option<Open>,
    done: Option<Measured>,
    /// When the window opened, on the wall clock (a split run's segments are merged by it).
    started: Option<SystemTime>,
}

impl Meter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Opens the window. The clock is read last, so the resets are not timed.
    pub fn start(&mut self) {
        debug_assert!(self.open.is_none(), "meter started twice");
        let rss_reset = process::reset_peak_rss();
        let rss_start = process::rss().map(|r| r.current_bytes);
        let heap = alloc::HeapWindow::open();
        let usage = process::usage(process::Who::SelfProcess);
        let system_busy = system::busy();
        self.open = Some(Open { t0: Instant::now(), heap, usage, rss_start, rss_reset, system_busy });
        self.started = Some(SystemTime::now());
    }

    /// When the window opened, on the wall clock (`None` if it never did).
    pub fn started_at(&self) -> Option<SystemTime> {
        self.started
    }

    /// Closes the window. The clock is read first. Does nothing if never started.
    pub fn stop(&mut self) {
        let Some(open) = self.open.take() else { return };
        let wall = open.t0.elapsed();
        let usage = process::usage(process::Who::SelfProcess).since(&open.usage);
        let system_busy = system::busy().zip(open.system_busy).map(|(now, then)| now.saturating_sub(then));
        let heap = open.heap.map(|w| w.close());
        let rss = process::rss();
        self.done = Some(Measured {
            wall_ns: wall.as_nanos() as u64,
            heap,
            rss_peak_bytes: rss.map(|r| r.peak_bytes),
            rss_start_bytes: open.rss_start,
            rss_peak_reset: open.rss_reset,
            cpu_user_ns: usage.user.as_nanos() as u64,
            cpu_sys_ns: usage.sys.as_nanos() as u64,
            voluntary_switches: usage.voluntary_switches,
            involuntary_switches: usage.involuntary_switches,
            system_busy_ns: system_busy.map(|d| d.as_nanos() as u64),
        });
    }

    /// Puts figures measured elsewhere in place of the ones this process read: a model whose
    /// tasks run in another process (a CPython driver) measures its window there, around the
    /// same span, and hands the figures over here. Call it after [`Meter::stop`].
    /// The machine's busy time is machine-wide: the window this process measured stands for it.
    pub fn record(&mut self, mut measured: Measured) {
        self.open = None;
        measured.system_busy_ns = measured.system_busy_ns.or(self.done.and_then(|d| d.system_busy_ns));
        self.done = Some(measured);
    }

    /// Wall time since the window opened (for progress), or zero.
    pub fn elapsed(&self) -> Duration {
        self.open.as_ref().map_or(Duration::ZERO, |o| o.t0.elapsed())
    }

    /// The figures of a started and stopped window.
    pub fn finish(mut self) -> Option<Measured> {
        self.stop();
        self.done
    }
}
