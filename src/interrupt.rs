//! Ctrl-C (SIGINT) and SIGTERM: the run stops, what was measured so far is kept.
//!
//! The first signal requests the process's [`Stop`] token, which the runner checks between runs and
//! the models (through their job's task queue) between tasks; the run in progress is dropped, the report (marked incomplete) is saved and printed,
//! and the exit code is 130. Should in-flight work not stop within the grace period (a blocking
//! request waiting on its timeout), the process exits anyway: the report folder already holds
//! every finished run, as it is saved after each one. Once the runs have stopped ([`stopped`]),
//! the grace period no longer applies: the final save and print finish. A second signal exits at
//! once.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

/// Exit code after an interruption (128 + SIGINT).
pub const EXIT_INTERRUPTED: i32 = 130;

/// How long the run may take to stop by itself after the first signal.
pub const GRACE: Duration = Duration::from_secs(3);

/// A request to stop, handed to whatever runs: the runner checks it between runs, a model's task
/// queue before every task. Clones share one flag.
#[derive(Debug, Clone, Default)]
pub struct Stop(Arc<AtomicBool>);

impl Stop {
    /// A token nobody has asked to stop yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether a stop was asked for.
    #[inline]
    pub fn requested(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// Asks to stop; returns whether it had been asked before.
    pub fn request(&self) -> bool {
        self.0.swap(true, Ordering::SeqCst)
    }
}

/// The token Ctrl-C and SIGTERM request (see [`install`]).
pub fn on_signal() -> Stop {
    static PROCESS: OnceLock<Stop> = OnceLock::new();
    PROCESS.get_or_init(Stop::new).clone()
}

static STOPPED: AtomicBool = AtomicBool::new(false);
static WHERE: Mutex<Option<String>> = Mutex::new(None);

/// Says the runs have stopped: after an interruption, what is left is saving and printing the
/// report, which the grace period must not cut short.
pub fn stopped() {
    STOPPED.store(true, Ordering::SeqCst);
}

/// Where the results so far are, for the message printed if the grace period runs out.
pub fn set_results_location(path: String) {
    *WHERE.lock().unwrap_or_else(|p| p.into_inner()) = Some(path);
}

/// Starts listening for SIGINT and SIGTERM (once per process); they request [`on_signal`]'s token,
/// which is returned.
pub fn install() -> std::io::Result<Stop> {
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    let stop = on_signal();
    if INSTALLED.swap(true, Ordering::SeqCst) {
        return Ok(stop);
    }
    let mut signals = Signals::new([SIGINT, SIGTERM])?;
    let token = stop.clone();
    std::thread::Builder::new().name("concbench-signals".into()).spawn(move || {
        for _ in signals.forever() {
            if token.request() {
                std::process::exit(EXIT_INTERRUPTED);
            }
            eprintln!("\ninterrupted: stopping after the current run (again to quit at once)");
            std::thread::spawn(|| {
                std::thread::sleep(GRACE);
                if STOPPED.load(Ordering::SeqCst) {
                    return;
                }
                let place = WHERE.lock().unwrap_or_else(|p| p.into_inner()).clone();
                match place {
                    Some(p) => eprintln!("interrupted: the runs finished so far are in {p} (marked incomplete)"),
                    None => eprintln!(
                        "interrupted: the run did not stop within {GRACE:?}; no run had finished, so nothing was saved"
                    ),
                }
                std::process::exit(EXIT_INTERRUPTED);
            });
        }
    })?;
    Ok(stop)
}
