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
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::Instant;

use crate::measure::clock::{Pacer, Wait, spin_until, tight_timer_slack};

/// The waker of one pending sleep: taken when it fires, emptied when the sleep is dropped.
#[derive(Default)]
struct Slot {
    waker: Mutex<Option<Waker>>,
}

impl Slot {
    fn lock(&self) -> MutexGuard<'_, Option<Waker>> {
        self.waker.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

struct Entry {
    at: Instant,
    seq: u64,
    slot: Arc<Slot>,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
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
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

type Heap = BinaryHeap<Reverse<Entry>>;

struct Shared {
    heap: Mutex<Heap>,
    changed: Condvar,
    stop: AtomicBool,
    seq: AtomicU64,
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
            seq: AtomicU64::new(0),
        });
        let worker = shared.clone();
        std::thread::Builder::new().name("concbench-timer".into()).spawn(move || run(&worker))?;
        Ok(Timer { _thread: Arc::new(ThreadGuard(shared.clone())), shared })
    }

    /// A future ready once `at` has passed.
    pub fn sleep_until(&self, at: Instant) -> Sleep<'_> {
        Sleep { timer: self, at, slot: None }
    }

    fn register(&self, at: Instant, slot: Arc<Slot>) {
        let seq = self.shared.seq.fetch_add(1, Ordering::Relaxed);
        let mut heap = self.shared.lock();
        let earliest = heap.peek().is_none_or(|Reverse(e)| at < e.at);
        heap.push(Reverse(Entry { at, seq, slot }));
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

impl Future for Sleep<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if Instant::now() >= self.at {
            return Poll::Ready(());
        }
        match &self.slot {
            None => {
                let slot = Arc::new(Slot { waker: Mutex::new(Some(cx.waker().clone())) });
                self.timer.register(self.at, slot.clone());
                self.slot = Some(slot);
            }
            Some(slot) => {
                let mut waker = slot.lock();
                if !waker.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                    *waker = Some(cx.waker().clone());
                }
                drop(waker);
                // The timer may have fired (taking the old waker) before the new one was stored:
                // then the deadline has passed.
                if Instant::now() >= self.at {
                    return Poll::Ready(());
                }
            }
        }
        Poll::Pending
    }
}

impl Drop for Sleep<'_> {
    fn drop(&mut self) {
        if let Some(slot) = &self.slot {
            slot.lock().take();
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
                pacer.reached(next);
                while heap.peek().is_some_and(|Reverse(e)| e.at <= now) {
                    let Reverse(entry) = heap.pop().expect("peeked");
                    due.extend(entry.slot.lock().take());
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
                    timer.sleep_until(at).await;
                    Instant::now() >= at
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
