//! The mock API's latency timer: one thread for every pending answer, so a request asked to wait
//! 100 ms waits 100 ms, not the 101–102 ms tokio's millisecond timer wheel gives, and never less.
//!
//! The thread keeps the deadlines in a heap and waits for the earliest with a
//! [`Pacer`]: it sleeps (timer slack 1 ns) until a margin before it,
//! learnt from how late the kernel has been waking it, spins the rest, then wakes every request
//! whose deadline has passed. Only that one thread spins, and only in the last stretch before a
//! deadline, never one per request, which would take the client's cores. A new deadline earlier
//! than the one it waits for wakes it.
//!
//! A request is never answered early: its future is ready only once `Instant::now()` has passed
//! its deadline, whoever polls it. A request dropped while it waits (its client went away) leaves
//! an entry that is discarded when its time comes.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::Instant;

use crate::measure::clock::{Pacer, Wait, spin_until, tight_timer_slack};

/// One pending sleep: its waker (taken when it fires, emptied when the sleep is dropped) and
/// when the timer released it.
#[derive(Default)]
struct Slot {
    state: Mutex<SlotState>,
}

#[derive(Default)]
struct SlotState {
    waker: Option<Waker>,
    released: Option<Instant>,
}

impl Slot {
    fn lock(&self) -> MutexGuard<'_, SlotState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The timer's release at `now`: the waker to wake, unless the sleep was dropped.
    fn release(&self, now: Instant) -> Option<Waker> {
        let mut s = self.lock();
        s.released = Some(now);
        s.waker.take()
    }
}

/// Ordered by deadline alone: entries due at the same instant are released together.
struct Entry {
    at: Instant,
    slot: Arc<Slot>,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.at == other.at
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.at.cmp(&other.at)
    }
}

type Heap = BinaryHeap<Reverse<Entry>>;

struct Shared {
    heap: Mutex<Heap>,
    changed: Condvar,
    stop: AtomicBool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Heap> {
        self.heap.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The timer; its thread ends when the last handle is dropped.
#[derive(Clone)]
pub struct Timer {
    shared: Arc<Shared>,
    _thread: Arc<ThreadGuard>,
}

/// Stops the thread when the last [`Timer`] goes.
struct ThreadGuard(Arc<Shared>);

impl Drop for ThreadGuard {
    fn drop(&mut self) {
        // Under the heap's lock: the thread reads `stop` holding it, so it either sees the stop
        // or is already waiting when the notice comes (no lost wake-up, no thread left behind).
        let _heap = self.0.lock();
        self.0.stop.store(true, Ordering::SeqCst);
        self.0.changed.notify_all();
    }
}

impl Timer {
    /// Starts the timer thread.
    pub fn start() -> std::io::Result<Self> {
        let shared = Arc::new(Shared {
            heap: Mutex::new(BinaryHeap::new()),
            changed: Condvar::new(),
            stop: AtomicBool::new(false),
        });
        let worker = shared.clone();
        std::thread::Builder::new().name("concbench-timer".into()).spawn(move || run(&worker))?;
        Ok(Timer { _thread: Arc::new(ThreadGuard(shared.clone())), shared })
    }

    /// A future ready once `at` has passed, with the instant the timer released it (or, when it
    /// found the deadline passed on its own, the instant it did).
    pub fn sleep_until(&self, at: Instant) -> Sleep<'_> {
        Sleep { timer: self, at, slot: None }
    }

    fn register(&self, at: Instant, slot: Arc<Slot>) {
        let mut heap = self.shared.lock();
        let earliest = heap.peek().is_none_or(|Reverse(e)| at < e.at);
        heap.push(Reverse(Entry { at, slot }));
        drop(heap);
        if earliest {
            self.shared.changed.notify_one();
        }
    }
}

/// Waits until a deadline (see [`Timer::sleep_until`]).
pub struct Sleep<'a> {
    timer: &'a Timer,
    at: Instant,
    slot: Option<Arc<Slot>>,
}

impl Sleep<'_> {
    /// When it was released, once its deadline has passed: by the timer, or now.
    fn released(&self, now: Instant) -> Option<Instant> {
        (now >= self.at).then(|| self.slot.as_ref().and_then(|s| s.lock().released).unwrap_or(now))
    }
}

impl Future for Sleep<'_> {
    type Output = Instant;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Instant> {
        if let Some(at) = self.released(Instant::now()) {
            return Poll::Ready(at);
        }
        match &self.slot {
            None => {
                let state = SlotState { waker: Some(cx.waker().clone()), released: None };
                let slot = Arc::new(Slot { state: Mutex::new(state) });
                self.timer.register(self.at, slot.clone());
                self.slot = Some(slot);
            }
            Some(slot) => {
                let mut s = slot.lock();
                if !s.waker.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                    s.waker = Some(cx.waker().clone());
                }
                drop(s);
                // The timer may have fired (taking the old waker) before the new one was stored:
                // then the deadline has passed.
                if let Some(at) = self.released(Instant::now()) {
                    return Poll::Ready(at);
                }
            }
        }
        Poll::Pending
    }
}

impl Drop for Sleep<'_> {
    fn drop(&mut self) {
        if let Some(slot) = &self.slot {
            slot.lock().waker.take();
        }
    }
}

/// The timer thread: waits for the earliest deadline, then wakes every sleep whose time is up.
fn run(shared: &Shared) {
    let _ = tight_timer_slack();
    let mut pacer = Pacer::default();
    let mut due: Vec<Waker> = Vec::new();
    let mut heap = shared.lock();
    while !shared.stop.load(Ordering::SeqCst) {
        let Some(next) = heap.peek().map(|Reverse(e)| e.at) else {
            heap = shared.changed.wait(heap).unwrap_or_else(PoisonError::into_inner);
            continue;
        };
        let now = Instant::now();
        match pacer.next(next, now) {
            Wait::Ready => {
                while heap.peek().is_some_and(|Reverse(e)| e.at <= now) {
                    let Reverse(entry) = heap.pop().expect("peeked");
                    due.extend(entry.slot.release(now));
                }
                drop(heap);
                due.drain(..).for_each(Waker::wake);
                heap = shared.lock();
            }
            Wait::Sleep(d) => {
                let (guard, waited) = shared.changed.wait_timeout(heap, d).unwrap_or_else(PoisonError::into_inner);
                heap = guard;
                if waited.timed_out() {
                    pacer.woke(now + d, Instant::now());
                }
            }
            Wait::Spin => {
                // Without the lock, so new requests can register meanwhile.
                drop(heap);
                spin_until(next, || shared.stop.load(Ordering::Relaxed));
                heap = shared.lock();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn sleeps_end_at_their_deadline_never_before() {
        let timer = Timer::start().unwrap();
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        rt.block_on(async {
            let mut set = tokio::task::JoinSet::new();
            for i in 0..300u64 {
                let timer = timer.clone();
                set.spawn(async move {
                    let at = Instant::now() + Duration::from_micros(2_000 + 37 * (i % 100));
                    let released = timer.sleep_until(at).await;
                    released >= at && Instant::now() >= released
                });
            }
            while let Some(on_time) = set.join_next().await {
                assert!(on_time.unwrap(), "a sleep ended before its deadline");
            }
        });
    }

    #[test]
    fn a_dropped_sleep_is_forgotten_and_an_earlier_one_is_not_held_up_by_a_later_one() {
        let timer = Timer::start().unwrap();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let late = Instant::now() + Duration::from_secs(3600);
            let cancelled = tokio::time::timeout(Duration::from_millis(5), timer.sleep_until(late)).await;
            assert!(cancelled.is_err());
            let soon = Instant::now() + Duration::from_millis(3);
            tokio::time::timeout(Duration::from_secs(5), timer.sleep_until(soon)).await.expect("woken");
            assert!(Instant::now() >= soon);
        });
    }
}
/// A probe run by hand (`cargo test --release --lib -- --ignored timer_probe --nocapture`):
/// 200 sleeps due 100 ms ahead, at one instant or spread, and how late the timer released them
/// and their tasks resumed. It prints; it asserts nothing (the figures are the machine's).
#[cfg(test)]
mod probe {
    use super::*;
    use std::time::Duration;

    #[test]
    #[ignore]
    fn timer_probe() {
        let timer = Timer::start().unwrap();
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        for spread_us in [0u64, 10, 100] {
            let all: Vec<(u64, u64)> = rt.block_on(async {
                let mut set = tokio::task::JoinSet::new();
                let base = Instant::now() + Duration::from_millis(100);
                for i in 0..200u64 {
                    let timer = timer.clone();
                    set.spawn(async move {
                        let at = base + Duration::from_micros(spread_us * i);
                        let released = timer.sleep_until(at).await;
                        ((released - at).as_micros() as u64, (Instant::now() - at).as_micros() as u64)
                    });
                }
                let mut v = Vec::new();
                while let Some(x) = set.join_next().await {
                    v.push(x.unwrap());
                }
                v
            });
            for (what, mut late) in [
                ("released", all.iter().map(|x| x.0).collect::<Vec<_>>()),
                ("resumed", all.iter().map(|x| x.1).collect()),
            ] {
                late.sort_unstable();
                let q = |p: usize| late[p * late.len() / 100];
                println!(
                    "spread {spread_us} µs, {what}: p50 {} p90 {} p99 {} max {} µs",
                    q(50),
                    q(90),
                    q(99),
                    late[late.len() - 1]
                );
            }
        }
    }
}
