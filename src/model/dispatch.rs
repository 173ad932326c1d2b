//! An open model's task queue (see [`super::Job`]): a generator thread releases tickets at their
//! due times into a queue that blocking workers wait on and async workers await, so a model whose
//! workers (or in-flight limit) are all busy leaves them waiting, and that wait is measured.
//!
//! The generator owns a [`Pacer`]: it sleeps (timer slack 1 ns) until a learnt margin before each
//! due time, then spins the rest, and releases the ticket `{task, due, dispatched}`; a ticket
//! whose time has passed (the generator was late) is released at once, its lateness recorded in a
//! histogram of its own. A ticket due while the queue holds `--max-queue` of them is dropped and
//! counted; none is dropped otherwise. Task `i` is due at the schedule's `i`-th time, so a
//! segment's share of the ids (see `crate::segment`) keeps its place in the whole schedule. Once every ticket was released (or a stop was asked for)
//! the queue closes, and waiting workers end when it is empty.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;

use super::arrivals::ArrivalTimes;
use crate::interrupt::Stop;
use crate::measure::clock::{Pacer, tight_timer_slack};
use crate::measure::{Recorder, Release};
use crate::segment::TaskSet;

/// How an open model's requests arrive: their times, and how many may wait.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OpenPlan {
    pub times: ArrivalTimes,
    /// A ticket due while this many wait is dropped; `None`: no bound.
    pub max_queue: Option<usize>,
    /// Requests expected in flight at once (Little's law: rate × latency), when the latency is
    /// known: how many connections a model without a limit opens ahead (`--prewarm`).
    pub in_flight: Option<usize>,
}

/// A request handed to a model: its task id and, in an open model, when it was due and released.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket {
    pub task: usize,
    pub release: Option<Release>,
}

/// What the generator did in one run.
#[derive(Debug, Clone)]
pub struct Released {
    /// Tickets the schedule holds.
    pub scheduled: u64,
    /// Tickets put in the queue (not those dropped, nor those not due yet at a stop).
    pub released: u64,
    /// Most tickets waiting at once.
    pub queue_peak: u64,
    /// dispatched − due of every ticket due (dropped ones too), in microseconds.
    pub lateness: Histogram<u64>,
}

/// The result of taking a ticket without waiting.
enum Pop {
    Ticket(Ticket),
    Empty,
    Closed,
}

#[derive(Default)]
struct State {
    queue: VecDeque<Ticket>,
    closed: bool,
    /// Blocking workers waiting on the condition variable.
    waiting: usize,
    peak: usize,
    released: u64,
}

/// The queue and its generator.
pub struct Dispatcher {
    plan: OpenPlan,
    tasks: TaskSet,
    state: Mutex<State>,
    ready: Condvar,
    notify: tokio::sync::Notify,
    /// Tells the generator to stop early (the run ended without it).
    quit: AtomicBool,
    generator: Mutex<Option<JoinHandle<Histogram<u64>>>>,
}

/// How long a blocked worker waits before it looks at the stop token again.
const STOP_POLL: Duration = Duration::from_millis(50);

impl Dispatcher {
    pub fn plan(&self) -> &OpenPlan {
        &self.plan
    }

    pub fn new(plan: OpenPlan, tasks: impl Into<TaskSet>) -> Self {
        let tasks = tasks.into();
        Dispatcher {
            plan,
            tasks,
            state: Mutex::new(State::default()),
            ready: Condvar::new(),
            notify: tokio::sync::Notify::new(),
            quit: AtomicBool::new(false),
            generator: Mutex::new(None),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts the generator: the schedule's t0 is now.
    pub fn start(self: &Arc<Self>, recorder: Arc<Recorder>, stop: Stop) -> std::io::Result<()> {
        let me = self.clone();
        let origin = Instant::now();
        let handle = std::thread::Builder::new()
            .name("concbench-arrivals".into())
            .spawn(move || me.generate(origin, &recorder, &stop))?;
        *self.generator.lock().unwrap_or_else(PoisonError::into_inner) = Some(handle);
        Ok(())
    }

    /// The generator thread: each ticket at its due time, then the queue closes.
    fn generate(&self, origin: Instant, recorder: &Recorder, stop: &Stop) -> Histogram<u64> {
        let _ = tight_timer_slack();
        let mut pacer = Pacer::default();
        let mut lateness = crate::record::server::micros_histogram();
        let quit = || stop.requested() || self.quit.load(Ordering::Relaxed);
        for (task, at) in schedule(&self.plan.times, self.tasks) {
            let due = origin + at;
            if !pacer.sleep_until_or(due, quit) {
                break;
            }
            let dispatched = Instant::now();
            lateness.saturating_record(crate::measure::recorder::micros(dispatched - due));
            self.release(Ticket { task, release: Some(Release { due, dispatched }) }, recorder);
        }
        self.close();
        lateness
    }

    /// Puts `ticket` in the queue and wakes one waiting worker, or drops it when the queue is full.
    fn release(&self, ticket: Ticket, recorder: &Recorder) {
        let mut s = self.lock();
        if self.plan.max_queue.is_some_and(|most| s.queue.len() >= most) {
            drop(s);
            recorder.record_dropped();
            return;
        }
        s.queue.push_back(ticket);
        s.peak = s.peak.max(s.queue.len());
        s.released += 1;
        let blocked = s.waiting > 0;
        drop(s);
        if blocked {
            self.ready.notify_one();
        }
        self.notify.notify_one();
    }

    fn close(&self) {
        self.lock().closed = true;
        self.ready.notify_all();
        self.notify.notify_waiters();
    }

    fn try_pop(&self) -> Pop {
        let mut s = self.lock();
        match s.queue.pop_front() {
            Some(t) => Pop::Ticket(t),
            None if s.closed => Pop::Closed,
            None => Pop::Empty,
        }
    }

    /// The next ticket, if one waits now; `None` means wait ([`Dispatcher::wait`]) unless
    /// `closed` says the queue has ended.
    pub fn take(&self) -> Result<Option<Ticket>, Closed> {
        match self.try_pop() {
            Pop::Ticket(t) => Ok(Some(t)),
            Pop::Empty => Ok(None),
            Pop::Closed => Err(Closed),
        }
    }

    /// Blocks until a ticket is released; `None` once the queue closed empty or a stop was asked.
    pub fn wait(&self, stop: &Stop) -> Option<Ticket> {
        let mut s = self.lock();
        loop {
            if let Some(t) = s.queue.pop_front() {
                return Some(t);
            }
            if s.closed || stop.requested() {
                return None;
            }
            s.waiting += 1;
            s = self.ready.wait_timeout(s, STOP_POLL).unwrap_or_else(PoisonError::into_inner).0;
            s.waiting -= 1;
        }
    }

    /// Awaits the next ticket on the caller's event loop; `None` once the queue closed empty.
    pub async fn next(&self) -> Option<Ticket> {
        loop {
            let notified = self.notify.notified();
            let mut notified = std::pin::pin!(notified);
            notified.as_mut().enable();
            match self.try_pop() {
                Pop::Ticket(t) => return Some(t),
                Pop::Closed => return None,
                Pop::Empty => notified.await,
            }
        }
    }

    /// Stops the generator if it still runs and says what it did (`None` if it never started).
    pub fn finish(&self) -> Option<Released> {
        self.quit.store(true, Ordering::Relaxed);
        let handle = self.generator.lock().unwrap_or_else(PoisonError::into_inner).take()?;
        let lateness = handle.join().ok()?;
        let s = self.lock();
        Some(Released { scheduled: self.tasks.len() as u64, released: s.released, queue_peak: s.peak as u64, lateness })
    }
}

/// The tickets of `tasks` and their arrival times after the start: task `i` keeps the whole
/// schedule's `i`-th time (the schedule is computed from its start, whichever ids are kept).
pub fn schedule(times: &ArrivalTimes, tasks: TaskSet) -> impl Iterator<Item = (usize, Duration)> + Send + 'static {
    times.iter().enumerate().take(tasks.end).filter(move |&(i, _)| tasks.contains(i))
}

/// The queue has closed and is empty: no ticket will come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closed;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::ArrivalProcess;

    fn plan(rate: f64, max_queue: Option<usize>) -> OpenPlan {
        let times = ArrivalTimes { rate_per_s: rate, process: ArrivalProcess::Uniform, seed: 0 };
        OpenPlan { times, max_queue, in_flight: None }
    }

    #[test]
    fn tickets_are_released_at_their_due_time_never_before_then_the_queue_closes() {
        let d = Arc::new(Dispatcher::new(plan(2000.0, None), 10..30));
        let recorder = Arc::new(Recorder::new());
        d.start(recorder, Stop::new()).unwrap();
        let mut seen = Vec::new();
        while let Some(t) = d.wait(&Stop::new()) {
            let r = t.release.expect("an open ticket says when it was due");
            assert!(r.dispatched >= r.due, "released before its due time");
            seen.push(t.task);
        }
        assert_eq!(seen, (10..30).collect::<Vec<_>>(), "every ticket once, in order");
        let released = d.finish().unwrap();
        assert_eq!((released.scheduled, released.released, released.lateness.len()), (20, 20, 20));
        assert!(matches!(d.take(), Err(Closed)));
    }

    #[test]
    fn the_segments_schedules_make_the_whole_one() {
        use crate::segment::Segment;
        for process in [ArrivalProcess::Uniform, ArrivalProcess::Poisson] {
            let times = ArrivalTimes { rate_per_s: 300.0, process, seed: 9 };
            let whole: Vec<(usize, Duration)> = schedule(&times, (0..997).into()).collect();
            assert_eq!(whole, times.iter().take(997).enumerate().collect::<Vec<_>>());
            for n in 1..=7 {
                let mut union: Vec<(usize, Duration)> =
                    (0..n).flat_map(|i| schedule(&times, Segment::new(i, n).unwrap().tasks(0..997))).collect();
                union.sort();
                assert_eq!(union, whole, "{process} in {n} segments");
            }
        }
    }

    #[test]
    fn a_full_queue_drops_and_counts_what_is_due() {
        let d = Arc::new(Dispatcher::new(plan(100_000.0, Some(3)), 0..50));
        let recorder = Arc::new(Recorder::new());
        d.start(recorder.clone(), Stop::new()).unwrap();
        let released = loop {
            if d.lock().closed {
                break d.finish().unwrap();
            }
            std::thread::sleep(Duration::from_millis(1));
        };
        assert_eq!(released.queue_peak, 3, "nobody takes them: the queue fills to its bound");
        assert_eq!(released.released, 3);
        let tally = Arc::try_unwrap(recorder).ok().unwrap().finish();
        assert_eq!(tally.failed, 47);
        assert_eq!(tally.errors[&crate::record::ErrorKind::Dropped].count, 47);
    }

    #[test]
    fn async_workers_await_tickets_and_see_the_end() {
        let d = Arc::new(Dispatcher::new(plan(5000.0, None), 0..40));
        d.start(Arc::new(Recorder::new()), Stop::new()).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let got = rt.block_on(async {
            let mut set = tokio::task::JoinSet::new();
            for _ in 0..3 {
                let d = d.clone();
                set.spawn(async move {
                    let mut n = 0;
                    while d.next().await.is_some() {
                        n += 1;
                    }
                    n
                });
            }
            let mut total = 0;
            while let Some(n) = set.join_next().await {
                total += n.unwrap();
            }
            total
        });
        assert_eq!(got, 40);
        assert_eq!(d.finish().unwrap().released, 40);
    }

    #[test]
    fn a_stop_ends_the_generator_and_the_waiters() {
        let d = Arc::new(Dispatcher::new(plan(1.0, None), 0..1000));
        let stop = Stop::new();
        d.start(Arc::new(Recorder::new()), stop.clone()).unwrap();
        assert!(d.wait(&stop).is_some(), "the first is due at once");
        stop.request();
        let t0 = Instant::now();
        assert!(d.wait(&stop).is_none());
        let released = d.finish().unwrap();
        assert!(t0.elapsed() < Duration::from_secs(2), "{:?}", t0.elapsed());
        assert_eq!(released.released, 1);
    }
}
