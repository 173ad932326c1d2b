//! An emulated interpreter lock, modelled on CPython's "new GIL" (3.2+, `Python/ceval_gil.h`):
//!
//! - one lock; only its holder may run workload code;
//! - a thread that wants it waits up to the switch interval (default 5 ms, like
//!   `sys.getswitchinterval()`); if no switch happened meanwhile, it sets a drop request;
//! - the holder sees the request at its next check-point (CPython's eval breaker), drops the lock
//!   and then waits until another thread has taken it, so it cannot take it straight back
//!   (CPython's FORCE_SWITCHING);
//! - blocking I/O runs without the lock.
//!
//! It counts what section 5 of the report explains: acquisitions, hand-overs (the lock passing
//! to another thread), forced drops, the time threads spent waiting, and a timeline of the first
//! holds, and `peak_inside`: the most threads ever between taking the lock and dropping it, where
//! workload code runs. That count is kept outside the mutex that guards the lock's state (a
//! thread counts itself in after leaving it, out before entering it to drop), so it is not 1 by
//! construction: it catches a flaw in the hand-over logic that let two threads hold at once.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::record::{GilStats, Hold};
use crate::workload::InterpreterLock;

/// CPython's default switch interval.
pub const DEFAULT_SWITCH_INTERVAL: Duration = Duration::from_millis(5);

/// How many holds the timeline keeps (the first ones of the run).
const TIMELINE_HOLDS: usize = 4096;

const NOBODY: usize = usize::MAX;

struct State {
    locked: bool,
    holder: usize,
    switch_number: u64,
    waiting: usize,
    acquisitions: u64,
    handovers: u64,
    forced_drops: u64,
    wait_total: Duration,
    held_since: Instant,
    timeline: Vec<Hold>,
}

/// The lock. Threads use it through a [`GilThread`] handle.
pub struct Gil {
    state: Mutex<State>,
    /// Threads waiting to take the lock.
    waiters: Condvar,
    /// A forced dropper waiting until another thread took the lock.
    switched: Condvar,
    drop_request: AtomicBool,
    interval: Duration,
    inside: AtomicUsize,
    peak_inside: AtomicUsize,
    epoch: Instant,
}

impl Gil {
    pub fn new(interval: Duration) -> Self {
        let now = Instant::now();
        Gil {
            state: Mutex::new(State {
                locked: false,
                holder: NOBODY,
                switch_number: 0,
                waiting: 0,
                acquisitions: 0,
                handovers: 0,
                forced_drops: 0,
                wait_total: Duration::ZERO,
                held_since: now,
                timeline: Vec::new(),
            }),
            waiters: Condvar::new(),
            switched: Condvar::new(),
            drop_request: AtomicBool::new(false),
            interval: interval.max(Duration::from_micros(1)),
            inside: AtomicUsize::new(0),
            peak_inside: AtomicUsize::new(0),
            epoch: now,
        }
    }

    fn lock_state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Takes the lock for thread `id`, waiting (and asking the holder to drop it) as CPython does.
    pub fn take(&self, id: usize) {
        let mut st = self.lock_state();
        if st.locked {
            let t0 = Instant::now();
            st.waiting += 1;
            while st.locked {
                let seen = st.switch_number;
                let (guard, timeout) = self.waiters.wait_timeout(st, self.interval).unwrap_or_else(|p| p.into_inner());
                st = guard;
                if timeout.timed_out() && st.locked && st.switch_number == seen {
                    self.drop_request.store(true, Relaxed);
                }
            }
            st.waiting -= 1;
            st.wait_total += t0.elapsed();
        }
        st.locked = true;
        st.acquisitions += 1;
        if st.holder != id {
            if st.holder != NOBODY {
                st.handovers += 1;
            }
            st.holder = id;
            st.switch_number += 1;
        }
        st.held_since = Instant::now();
        self.drop_request.store(false, Relaxed);
        self.switched.notify_all();
        drop(st);
        // Counted outside the state's mutex, where the holder runs workload code.
        let now = self.inside.fetch_add(1, Relaxed) + 1;
        self.peak_inside.fetch_max(now, Relaxed);
    }

    /// Drops the lock held by `id`. A forced drop then waits until another thread took it.
    pub fn drop_lock(&self, id: usize, forced: bool) {
        // Counted out before entering the state's mutex (see `take`).
        self.inside.fetch_sub(1, Relaxed);
        let mut st = self.lock_state();
        debug_assert!(st.locked && st.holder == id, "dropping a lock not held");
        st.locked = false;
        if st.timeline.len() < TIMELINE_HOLDS {
            let us = |t: Instant| t.saturating_duration_since(self.epoch).as_micros() as u64;
            let hold = Hold { thread: id, start_us: us(st.held_since), end_us: us(Instant::now()) };
            st.timeline.push(hold);
        }
        self.waiters.notify_one();
        if forced && st.waiting > 0 {
            st.forced_drops += 1;
            let seen = st.switch_number;
            while st.switch_number == seen && st.waiting > 0 {
                st = self.switched.wait_timeout(st, self.interval).unwrap_or_else(|p| p.into_inner()).0;
            }
        }
    }

    /// The holder's check-point: drops and retakes the lock when another thread asked for it.
    #[inline]
    pub fn checkpoint(&self, id: usize) {
        if self.drop_request.load(Relaxed) {
            self.drop_lock(id, true);
            self.take(id);
        }
    }

    pub fn stats(&self) -> GilStats {
        let st = self.lock_state();
        GilStats {
            switch_interval_ns: self.interval.as_nanos() as u64,
            acquisitions: st.acquisitions,
            handovers: st.handovers,
            forced_drops: st.forced_drops,
            wait_ns_total: st.wait_total.as_nanos() as u64,
            peak_inside: self.peak_inside.load(Relaxed),
            timeline: st.timeline.clone(),
        }
    }
}

/// One thread's view of the lock: what a task's check-points and I/O go through.
pub struct GilThread<'a> {
    pub gil: &'a Gil,
    pub id: usize,
}

impl InterpreterLock for GilThread<'_> {
    fn checkpoint(&self) {
        self.gil.checkpoint(self.id);
    }
    fn release(&self) {
        self.gil.drop_lock(self.id, false);
    }
    fn reacquire(&self) {
        self.gil.take(self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::{TaskCx, burn_cpu};

    #[test]
    fn a_waiting_thread_forces_a_hand_over_within_the_interval() {
        let gil = Gil::new(Duration::from_millis(2));
        std::thread::scope(|s| {
            for id in 0..3 {
                let gil = &gil;
                s.spawn(move || {
                    gil.take(id);
                    let me = GilThread { gil, id };
                    burn_cpu(Duration::from_millis(30), &TaskCx::with_lock(&me));
                    gil.drop_lock(id, false);
                });
            }
        });
        let st = gil.stats();
        assert_eq!(st.peak_inside, 1);
        // 90 ms of CPU in 2 ms slices between three threads: many hand-overs, forced by waiters.
        assert!(st.handovers >= 10 && st.forced_drops >= 10, "{st:?}");
        assert!(st.wait_ns_total > 0);
        assert!(st.timeline.windows(2).all(|w| w[0].end_us <= w[1].start_us + 1), "holds never overlap");
    }

    #[test]
    fn a_lone_thread_is_never_asked_to_drop() {
        let gil = Gil::new(Duration::from_millis(1));
        gil.take(0);
        let me = GilThread { gil: &gil, id: 0 };
        burn_cpu(Duration::from_millis(10), &TaskCx::with_lock(&me));
        gil.drop_lock(0, false);
        let st = gil.stats();
        assert_eq!((st.acquisitions, st.handovers, st.forced_drops), (1, 0, 0));
    }
}
