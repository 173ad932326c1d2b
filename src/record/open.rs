//! The open model as the records know it: how requests arrived (`--rate`, the arrival process,
//! its seed, the run's length, the queue's bound) and what each run of it measured (the
//! generator's lateness, the wait in the queue, latency corrected for coordinated omission, the
//! queue's peak, drops).
//!
//! The instants of one request: it is *due* at t0 + its arrival time, *dispatched* when the
//! generator released it into the model's queue, *sent* when a worker of the model took it, and
//! *done* when its answer was read. Lateness = dispatched − due (the generator's own error), queue
//! = sent − dispatched, service = done − sent (the latency a closed loop measures), corrected
//! latency = done − due (what a user arriving on schedule sees).

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::measured::LatencySummary;

/// When requests arrive.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum ArrivalProcess {
    /// Request i is due at t0 + i / rate.
    #[default]
    Uniform,
    /// Exponential gaps of mean 1 / rate (a Poisson process), drawn from the seed; the first
    /// request is due at t0.
    Poisson,
}

impl std::fmt::Display for ArrivalProcess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ArrivalProcess::Uniform => "uniform",
            ArrivalProcess::Poisson => "poisson",
        })
    }
}

/// How requests arrive, whatever their rate (an `io` run's one rate, or each rate of a sweep).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Arrivals {
    pub process: ArrivalProcess,
    /// Seed of the Poisson gaps.
    pub seed: u64,
    /// The run's length when given as a duration (`--duration`): the requests are those due
    /// within it. `None`: a request count was given.
    #[serde(default, rename = "duration_ms", with = "crate::units::serde_ms_opt")]
    pub duration: Option<Duration>,
    /// Requests may wait in the model's queue up to this many; one due when it is full is
    /// dropped (counted). `None`: no bound.
    #[serde(default)]
    pub max_queue: Option<usize>,
    /// A run whose generator lateness p99 is above this was limited by the tool, not the model.
    pub lateness_bound_us: u64,
}

impl Default for Arrivals {
    /// Uniform arrivals, seed 1, no duration (a request count), no bound on the queue, the
    /// [`LATENESS_BOUND`].
    fn default() -> Self {
        Arrivals {
            process: ArrivalProcess::Uniform,
            seed: 1,
            duration: None,
            max_queue: None,
            lateness_bound_us: LATENESS_BOUND.as_micros() as u64,
        }
    }
}

/// Requests in flight at once when `rate` arrive per second and each takes `latency` (Little's
/// law), rounded up.
pub fn little_in_flight(rate: f64, latency: Duration) -> usize {
    (rate * latency.as_secs_f64()).ceil().max(1.0) as usize
}

/// The generator lateness p99 above which the tool, not the model, limits a run.
pub const LATENESS_BOUND: Duration = Duration::from_millis(1);

/// An `io` run's open model: its rate and how requests arrive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenLoad {
    /// Requests offered per second.
    pub rate_per_s: f64,
    #[serde(flatten)]
    pub arrivals: Arrivals,
}

/// What one run of an open model measured, beyond the closed-loop figures (`latency_ok` there is
/// the service time of the successes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenRun {
    pub offered_per_s: f64,
    /// Successes per second from the first answer to the last (`None` below two): the pace the
    /// model kept, which falls below the offered rate once it cannot keep up.
    pub achieved_per_s: Option<f64>,
    /// Requests due in the run.
    pub scheduled: u64,
    /// Released into the model's queue (the rest were dropped, or not yet due at a stop).
    pub released: u64,
    /// Due while the queue held `max_queue`: never sent, counted as failed (`dropped`).
    pub dropped: u64,
    /// Most requests waiting in the queue at once.
    pub queue_peak: u64,
    /// dispatched − due, every released request: the generator's own error.
    pub lateness: Option<LatencySummary>,
    /// sent − dispatched, every request a worker took: the wait for a free worker.
    pub queue: Option<LatencySummary>,
    /// done − due, the successes: latency free of coordinated omission.
    pub corrected: Option<LatencySummary>,
    /// The run's requests in tenths (by id, in order of arrival): how the wait grew.
    pub tenths: Vec<Tenth>,
}

/// One tenth of a run's requests: the mean corrected latency and service time of its successes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Tenth {
    pub ok: u64,
    pub corrected_mean_us: f64,
    pub service_mean_us: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn littles_law_counts_requests_in_flight() {
        assert_eq!(little_in_flight(10_000.0, Duration::from_millis(100)), 1000);
        assert_eq!(little_in_flight(3.0, Duration::from_millis(100)), 1);
        assert_eq!(little_in_flight(0.5, Duration::ZERO), 1);
    }
}
