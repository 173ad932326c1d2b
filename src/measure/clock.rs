//! Waiting until an instant, precisely and never early: what the arrival generator of an open
//! model and the embedded API's latency timer both need (sits under `model` and `server`).
//!
//! tokio's timer wheel has millisecond ticks, and a thread that sleeps wakes when the kernel
//! gets round to it: tens of microseconds late on a busy machine, hundreds on an idle virtual
//! CPU. A [`Pacer`] sleeps (with the thread's timer slack at 1 ns, [`tight_timer_slack`]) until a
//! margin before the instant, then spins the rest; the margin follows how late the kernel has
//! been waking this thread (it jumps up to a late wake-up at once, and decays by an eighth per
//! prompt one), between [`MIN_MARGIN`] and [`MAX_MARGIN`]. Only the thread that owns a pacer
//! spins, only for that last stretch, and at most 1 / [`SPIN_SHARE`] of its time on average: it
//! earns spinning as time passes (up to [`SPIN_BURST`] saved) and spends it, so a burst of close
//! instants is spun through on time, while 10,000 instants a second get about 10 µs of spin each
//! and the clock thread never takes the core the client or the server needs.

use std::time::{Duration, Instant};

/// The least head start a pacer takes before an instant.
pub const MIN_MARGIN: Duration = Duration::from_micros(5);
/// The most: a wake-up later than this is not chased by spinning longer.
pub const MAX_MARGIN: Duration = Duration::from_micros(150);
/// A pacer spins at most 1 / this of its time, on average (a tenth).
pub const SPIN_SHARE: u32 = 10;
/// The most spinning a pacer saves up, for a burst of close instants.
pub const SPIN_BURST: Duration = Duration::from_millis(2);

/// What to do now to reach an instant (see [`Pacer::next`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// The instant has passed.
    Ready,
    /// Close enough: spin until it.
    Spin,
    /// Sleep this long, then ask again.
    Sleep(Duration),
}

/// The adaptive head start of one waiting thread, and what it may still spin (see the module
/// docs).
#[derive(Debug, Clone)]
pub struct Pacer {
    margin: Duration,
    /// Spinning it may still do: it grows by 1 / [`SPIN_SHARE`] of the time that passes, up to
    /// [`SPIN_BURST`], and each spin spends it.
    budget: Duration,
    /// When the budget last grew.
    refilled: Instant,
}

impl Default for Pacer {
    fn default() -> Self {
        Pacer { margin: (MIN_MARGIN + MAX_MARGIN) / 2, budget: SPIN_BURST, refilled: Instant::now() }
    }
}

impl Pacer {
    /// How to wait for `at`, it being `now`. A spin it answers is spent from its budget.
    pub fn next(&mut self, at: Instant, now: Instant) -> Wait {
        let grown = now.saturating_duration_since(self.refilled) / SPIN_SHARE;
        (self.budget, self.refilled) = ((self.budget + grown).min(SPIN_BURST), now.max(self.refilled));
        let spin = self.margin.min(self.budget);
        match at.checked_duration_since(now) {
            None => Wait::Ready,
            Some(left) if left.is_zero() => Wait::Ready,
            Some(left) if left <= spin => {
                self.budget -= left;
                Wait::Spin
            }
            Some(left) => Wait::Sleep(left - spin),
        }
    }

    /// A sleep that was to end at `aimed` ended at `now`: learns how late the kernel wakes.
    pub fn woke(&mut self, aimed: Instant, now: Instant) {
        let late = now.saturating_duration_since(aimed);
        let wanted = late + late / 4;
        self.margin = if wanted > self.margin { wanted } else { self.margin - (self.margin - wanted) / 8 };
        self.margin = self.margin.clamp(MIN_MARGIN, MAX_MARGIN);
    }

    /// The head start it takes now.
    pub fn margin(&self) -> Duration {
        self.margin
    }

    /// Blocks the calling thread until `at` has passed (sleeping, then spinning the last stretch).
    pub fn sleep_until(&mut self, at: Instant) {
        self.sleep_until_or(at, || false);
    }

    /// The same, unless `quit` says to stop first (it is asked at least every [`MAX_NAP`]):
    /// whether `at` was reached.
    pub fn sleep_until_or(&mut self, at: Instant, quit: impl Fn() -> bool) -> bool {
        loop {
            if quit() {
                return false;
            }
            let now = Instant::now();
            match self.next(at, now) {
                Wait::Ready => return true,
                Wait::Spin => spin_until(at, &quit),
                Wait::Sleep(d) if d > MAX_NAP => std::thread::sleep(MAX_NAP),
                Wait::Sleep(d) => {
                    std::thread::sleep(d);
                    self.woke(now + d, Instant::now());
                }
            }
        }
    }
}

/// The longest a pacer sleeps before it asks whether to stop.
pub const MAX_NAP: Duration = Duration::from_millis(50);

/// Spins until `at` has passed or `quit` says to stop.
pub fn spin_until(at: Instant, quit: impl Fn() -> bool) {
    while Instant::now() < at && !quit() {
        std::hint::spin_loop();
    }
}

/// Makes the kernel wake the calling thread as close to its deadlines as it can: timer slack of
/// 1 ns instead of 50 µs, and (where this process may: root, or `CAP_SYS_NICE`) the lowest
/// real-time priority (`SCHED_FIFO` 1), else a nice value of [`CLOCK_NICE`], so that on a busy
/// machine its wake-up preempts other work rather than waits for a core. Other threads keep
/// theirs. What the thread does once awake is tiny (release a request, wake a task) and its spin
/// is bounded by [`MAX_MARGIN`], so the priority takes next to nothing from the rest (and the
/// kernel's real-time throttling bounds it anyway). Returns how it runs.
pub fn tight_timer_slack() -> ClockPriority {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_TIMERSLACK takes a plain integer and affects only the calling thread;
    // sched_setscheduler(0, ..) and setpriority on this thread's id (gettid) change only the
    // calling thread's scheduling, with a parameter struct we own, and may fail.
    unsafe {
        libc::prctl(libc::PR_SET_TIMERSLACK, 1 as libc::c_ulong, 0, 0, 0);
        let fifo = libc::sched_param { sched_priority: 1 };
        if libc::sched_setscheduler(0, libc::SCHED_FIFO, &fifo) == 0 {
            return ClockPriority::RealTime;
        }
        let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
        if libc::setpriority(libc::PRIO_PROCESS, tid, CLOCK_NICE) == 0 {
            return ClockPriority::Nice;
        }
    }
    ClockPriority::Normal
}

/// How a clock thread is scheduled (see [`tight_timer_slack`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockPriority {
    /// `SCHED_FIFO`, priority 1.
    RealTime,
    /// Nice [`CLOCK_NICE`].
    Nice,
    /// As every other thread: the process may not raise it.
    Normal,
}

/// The nice value a clock thread asks for when it may not run real-time (-20 is the highest
/// priority, 0 the default).
pub const CLOCK_NICE: libc::c_int = -10;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pacer_spins_what_it_has_earned_a_tenth_of_the_time_passed() {
        let mut pacer = Pacer::default();
        let t = pacer.refilled;
        let margin = pacer.margin();
        // A burst: spun through while the saved budget lasts, then slept.
        let mut spun = Duration::ZERO;
        let mut at = t;
        while let Wait::Spin = pacer.next(at + margin / 2, at) {
            spun += margin / 2;
            at += margin / 2;
        }
        // What it saved, and a tenth of the time the burst lasted.
        assert!(spun >= SPIN_BURST && spun <= SPIN_BURST + spun / SPIN_SHARE + margin, "{spun:?}");
        // Then it earns a tenth of the time that passes: 20 µs of 200 (with what was left, under
        // one step of the burst).
        let later = at + Duration::from_micros(200);
        let earned = Duration::from_micros(20);
        match pacer.next(later + margin, later) {
            Wait::Sleep(d) => assert!(d <= margin - earned && d + earned + margin / 2 >= margin, "{d:?}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_pacer_sleeps_far_from_the_instant_spins_near_it_and_is_never_early() {
        let mut pacer = Pacer::default();
        let now = Instant::now();
        let far = now + Duration::from_millis(10);
        assert_eq!(pacer.next(far, now), Wait::Sleep(Duration::from_millis(10) - pacer.margin()));
        assert_eq!(pacer.next(now + pacer.margin() / 2, now), Wait::Spin);
        assert_eq!(pacer.next(now, now), Wait::Ready);
        assert_eq!(pacer.next(now, now + Duration::from_micros(1)), Wait::Ready);
        let at = Instant::now() + Duration::from_millis(2);
        pacer.sleep_until(at);
        assert!(Instant::now() >= at, "woke before the instant");
    }

    #[test]
    fn the_margin_follows_late_wake_ups_within_its_bounds() {
        let mut pacer = Pacer::default();
        let t = Instant::now();
        pacer.woke(t, t + Duration::from_micros(100));
        assert_eq!(pacer.margin(), Duration::from_micros(125), "a late wake-up raises it at once");
        pacer.woke(t, t + Duration::from_secs(1));
        assert_eq!(pacer.margin(), MAX_MARGIN);
        for _ in 0..200 {
            pacer.woke(t, t);
        }
        assert_eq!(pacer.margin(), MIN_MARGIN, "prompt wake-ups let it decay to the least");
    }
}
