//! The embedded mock API as the records know it: its settings (latency profile, cap, faults) and
//! what it counted (`GET /stats`). How it behaves lives in `server`.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::units::{fmt_duration, parse_duration};

/// How the mock API behaves: the plan holds it, the child server is started with it (as JSON on
/// its stdin), the report records it (inside [`super::EmbeddedInfo`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerConfig {
    #[serde(rename = "latency_profile")]
    pub latency: LatencyProfile,
    /// At most this many requests are worked on at once; the rest queue (a throttled API).
    pub max_inflight: Option<usize>,
    /// Seed of the latency draws.
    pub seed: u64,
    /// Testing aid: hold each request until this many have arrived, so "all N were in flight
    /// together" is true by construction rather than by scheduler luck.
    #[serde(default)]
    pub barrier: Option<usize>,
    /// Faults to inject.
    #[serde(default)]
    pub faults: Faults,
    /// How long a client may take to send its request headers ([`HEADER_READ_TIMEOUT`] unless a
    /// test wants it shorter).
    #[serde(default = "default_header_timeout", rename = "header_timeout_ms", with = "crate::units::serde_ms")]
    pub header_timeout: Duration,
}

fn default_header_timeout() -> Duration {
    HEADER_READ_TIMEOUT
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            latency: LatencyProfile::Fixed(Duration::from_millis(100)),
            max_inflight: None,
            seed: 42,
            barrier: None,
            faults: Faults::default(),
            header_timeout: HEADER_READ_TIMEOUT,
        }
    }
}

/// A client must send its request headers within this time (slowloris-style clients are cut
/// off); hyper's own default.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// A latency distribution, written `fixed:100ms` (or just `100ms`), `uniform:50ms..150ms`,
/// `normal:100ms,20ms` (mean, standard deviation; cut at zero) or `lognormal:100ms,0.5` (median,
/// shape sigma: 0.5 gives p99 ≈ 3.2× the median).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum LatencyProfile {
    Fixed(Duration),
    Uniform { lo: Duration, hi: Duration },
    Normal { mean: Duration, std_dev: Duration },
    LogNormal { median: Duration, sigma: f64 },
}

pub const PROFILE_HELP: &str = "fixed:100ms (or 100ms), uniform:50ms..150ms, normal:100ms,20ms, lognormal:100ms,0.5";

impl LatencyProfile {
    /// The typical delay: the fixed value, the mean, or the median. What "one latency" means for
    /// the ideal-time floor of a run.
    pub fn typical(&self) -> Duration {
        match *self {
            LatencyProfile::Fixed(d) => d,
            LatencyProfile::Uniform { lo, hi } => (lo + hi) / 2,
            LatencyProfile::Normal { mean, .. } => mean,
            LatencyProfile::LogNormal { median, .. } => median,
        }
    }
}

impl fmt::Display for LatencyProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            LatencyProfile::Fixed(d) => write!(f, "fixed:{}", fmt_duration(d)),
            LatencyProfile::Uniform { lo, hi } => {
                write!(f, "uniform:{}..{}", fmt_duration(lo), fmt_duration(hi))
            }
            LatencyProfile::Normal { mean, std_dev } => {
                write!(f, "normal:{},{}", fmt_duration(mean), fmt_duration(std_dev))
            }
            LatencyProfile::LogNormal { median, sigma } => {
                write!(f, "lognormal:{},{sigma}", fmt_duration(median))
            }
        }
    }
}

impl FromStr for LatencyProfile {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let bad = |why: String| format!("{why}; accepted: {PROFILE_HELP}");
        let (kind, args) = text.trim().split_once(':').unwrap_or(("fixed", text.trim()));
        let duration = |s: &str| parse_duration(s).map_err(bad);
        match kind {
            "fixed" => Ok(LatencyProfile::Fixed(duration(args)?)),
            "uniform" => {
                let (lo, hi) =
                    args.split_once("..").ok_or_else(|| bad(format!("'{text}': uniform needs LOW..HIGH")))?;
                let (lo, hi) = (duration(lo)?, duration(hi)?);
                if lo > hi {
                    return Err(bad(format!("'{text}': the low end is above the high end")));
                }
                Ok(LatencyProfile::Uniform { lo, hi })
            }
            "normal" => {
                let (mean, sd) =
                    args.split_once(',').ok_or_else(|| bad(format!("'{text}': normal needs MEAN,STDDEV")))?;
                Ok(LatencyProfile::Normal { mean: duration(mean)?, std_dev: duration(sd)? })
            }
            "lognormal" => {
                let (median, sigma) =
                    args.split_once(',').ok_or_else(|| bad(format!("'{text}': lognormal needs MEDIAN,SIGMA")))?;
                let sigma: f64 = sigma
                    .trim()
                    .parse()
                    .ok()
                    .filter(|s: &f64| s.is_finite() && (0.0..=5.0).contains(s))
                    .ok_or_else(|| bad(format!("'{text}': sigma must be a number from 0 to 5")))?;
                Ok(LatencyProfile::LogNormal { median: duration(median)?, sigma })
            }
            other => Err(bad(format!("'{text}': unknown latency profile '{other}'"))),
        }
    }
}

impl From<LatencyProfile> for String {
    fn from(p: LatencyProfile) -> String {
        p.to_string()
    }
}

impl TryFrom<String> for LatencyProfile {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

/// A request rate, written `100/s` (or `6000/m`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rate {
    pub per_second: f64,
}

impl FromStr for Rate {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (n, unit) = s.trim().split_once('/').ok_or_else(|| format!("'{s}' is not a rate: write e.g. 100/s"))?;
        let n: f64 = n.trim().parse().map_err(|_| format!("'{s}' is not a rate: write e.g. 100/s"))?;
        let per = match unit.trim() {
            "s" => 1.0,
            "m" | "min" => 60.0,
            other => return Err(format!("'{s}': unknown unit '{other}' (use /s or /m)")),
        };
        if !(n.is_finite() && n > 0.0 && n <= 1e7) {
            return Err(format!("'{s}': the rate must be above 0 and at most 10000000/s"));
        }
        Ok(Rate { per_second: n / per })
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/s", self.per_second)
    }
}

/// Parses a share from 0 to 1.
pub fn parse_share(name: &str, s: &str) -> Result<f64, String> {
    s.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| (0.0..=1.0).contains(v))
        .ok_or_else(|| format!("{name} '{s}' must be a share from 0 to 1 (e.g. 0.05)"))
}

/// What the mock API gets wrong, on purpose.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Faults {
    /// Share of requests answered 500 or 503 (half each), after their latency.
    pub error_rate: f64,
    /// Share of requests never answered (until the client gives up).
    pub stall_rate: f64,
    /// Share of responses whose body is cut off mid-way (the connection is closed).
    pub reset_rate: f64,
    /// Share of responses whose body trickles over `slow_body`.
    pub slow_body_rate: f64,
    /// How long a slow body takes.
    #[serde(rename = "slow_body_ms", with = "crate::units::serde_ms")]
    pub slow_body: Duration,
    /// Above this rate, requests get 429 with Retry-After.
    pub rate_limit: Option<Rate>,
    /// The listener closes once this many connections of the client have been counted since the
    /// server started (resets do not restart it): later ones are refused. A connection counts at
    /// its first request to a path other than the admin routes (`/health`, `/stats`,
    /// `/stats/reset`), and the listener closes before that request is answered. A connection
    /// accepted before the close whose first such request comes after it is closed unanswered.
    pub close_after: Option<u64>,
}

impl Faults {
    pub fn none(&self) -> bool {
        self.error_rate == 0.0
            && self.stall_rate == 0.0
            && self.reset_rate == 0.0
            && self.slow_body_rate == 0.0
            && self.rate_limit.is_none()
            && self.close_after.is_none()
    }

    /// These faults with the shares given in a query string (`error_rate`, `stall_rate`,
    /// `reset_rate`, `slow_body_rate`) taking over.
    pub fn with_query(&self, query: &HashMap<String, String>) -> Result<Faults, String> {
        let mut f = self.clone();
        for (key, value) in query {
            let slot = match key.as_str() {
                "error_rate" => &mut f.error_rate,
                "stall_rate" => &mut f.stall_rate,
                "reset_rate" => &mut f.reset_rate,
                "slow_body_rate" => &mut f.slow_body_rate,
                _ => continue,
            };
            *slot = parse_share(key, value)?;
        }
        f.check()?;
        Ok(f)
    }

    /// The shares must leave room for each other (a request meets at most one).
    pub fn check(&self) -> Result<(), String> {
        let total = self.error_rate + self.stall_rate + self.reset_rate + self.slow_body_rate;
        if total > 1.0 + 1e-9 {
            return Err(format!("the fault shares add up to {total}, more than 1"));
        }
        Ok(())
    }
}

/// What the server saw, as served by `GET /stats`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatsSnapshot {
    /// Requests to `/api/items/{id}` that arrived.
    pub requests: u64,
    /// Of those, answered.
    pub responses: u64,
    pub inflight_now: u64,
    /// Most requests worked on at once (holding a slot, sleeping their latency), counted from
    /// what was in flight at the reset.
    pub peak_inflight: u64,
    /// Requests in flight when the counters were reset (requests that never end, such as stalls
    /// of an earlier run): the peak of this run is at most that many above the client's.
    #[serde(default)]
    pub inflight_at_reset: u64,
    /// Resets refused for want of the admin secret since the server started (never reset): above
    /// zero, something else tried to reset the counters under a run.
    #[serde(default)]
    pub admin_refused: u64,
    /// Most requests waiting for a slot at once (only with a cap).
    pub peak_waiting: u64,
    /// Requests that had to wait for a slot.
    pub queued_requests: u64,
    pub queue_wait_us_total: u64,
    pub queue_wait_us_max: u64,
    /// TCP connections the client under test opened (one per request without keep-alive): a
    /// connection is counted once, at its first request that is not to an admin route
    /// (`/health`, `/stats`, `/stats/reset`), so the runner's own connections are never counted.
    pub connections_accepted: u64,
    pub accept_errors: u64,
    pub latency_requested_us_total: u64,
    /// Latency the server really slept (timers are coarse: this is what to believe).
    pub latency_applied_us_total: u64,
    pub latency_applied_us_min: Option<u64>,
    pub latency_applied_us_max: Option<u64>,
    pub max_inflight_cap: Option<u64>,
    pub latency_profile: String,
    /// Faults injected since the reset, by kind.
    #[serde(default)]
    pub faults: FaultCounts,
    pub process: ServerProcess,
    /// How much later than asked each answer was released by the latency timer: applied − asked
    /// latency (never negative: the timer never releases early). `None` before any answer, and
    /// from servers that did not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_excess: Option<MicrosHistogram>,
    /// How long after its release each answer's handler ran again: the server's runtime busy with
    /// other answers (a burst of them due at once) or short of a core. The client waits for it
    /// too, beyond the applied latency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume_lag: Option<MicrosHistogram>,
}

/// Latencies are recorded in microseconds, from 1 µs to one hour, to 3 significant figures.
pub const HIST_MAX_US: u64 = 3_600_000_000;

/// An empty histogram of microseconds with the bounds every recorder, generator and merge uses.
pub fn micros_histogram() -> hdrhistogram::Histogram<u64> {
    hdrhistogram::Histogram::new_with_bounds(1, HIST_MAX_US, 3).expect("static histogram bounds are valid")
}

/// A histogram in microseconds: every value recorded with its count, ascending (an HDR
/// histogram's buckets, 3 significant figures), so runs can be merged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MicrosHistogram {
    pub buckets_us: Vec<(u64, u64)>,
}

impl MicrosHistogram {
    /// The buckets of `h` (empty when it is).
    pub fn of(h: &hdrhistogram::Histogram<u64>) -> Self {
        MicrosHistogram { buckets_us: h.iter_recorded().map(|v| (v.value_iterated_to(), v.count_at_value())).collect() }
    }

    /// Answers counted.
    pub fn count(&self) -> u64 {
        self.buckets_us.iter().map(|(_, n)| n).sum()
    }

    /// Several histograms as one (their buckets added up).
    pub fn merged<'a>(all: impl IntoIterator<Item = &'a MicrosHistogram>) -> MicrosHistogram {
        let mut sum: std::collections::BTreeMap<u64, u64> = Default::default();
        for (us, n) in all.into_iter().flat_map(|e| e.buckets_us.iter()) {
            *sum.entry(*us).or_default() += n;
        }
        MicrosHistogram { buckets_us: sum.into_iter().collect() }
    }

    /// The value at quantile `q` (0 to 1) in microseconds; `None` when empty.
    pub fn quantile_us(&self, q: f64) -> Option<u64> {
        let total = self.count();
        if total == 0 {
            return None;
        }
        let rank = ((q.clamp(0.0, 1.0) * total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        self.buckets_us
            .iter()
            .find(|(_, n)| {
                seen += n;
                seen >= rank
            })
            .map(|(us, _)| *us)
    }
}

/// Faults the server injected.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultCounts {
    pub errors_500: u64,
    pub errors_503: u64,
    /// Answered 429 (rate limit).
    pub rate_limited: u64,
    /// Never answered.
    pub stalled: u64,
    /// Connection cut mid-body.
    pub resets: u64,
    pub slow_bodies: u64,
    /// Requests answered with a 4xx other than the rate limit's 429: unknown paths (404), wrong
    /// methods (405), ids or query settings that do not parse (400), and requests hyper could not
    /// read at all (400, 414, 431).
    pub bad_requests: u64,
}

/// The server process's own resource use since the last reset (since it started before any).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerProcess {
    pub pid: u32,
    /// CPU time spent since the last reset.
    pub cpu_user_us: u64,
    pub cpu_sys_us: u64,
    /// Resident set size now.
    pub rss_bytes: Option<u64>,
    /// Peak resident set size since the last reset (where the kernel refuses to restart its peak,
    /// `/proc/self/clear_refs`, since the process started).
    pub rss_peak_bytes: Option<u64>,
    /// Live heap now and at the last reset (when the counting allocator is installed).
    #[serde(default)]
    pub heap_current_bytes: Option<u64>,
    #[serde(default)]
    pub heap_at_reset_bytes: Option<u64>,
}

impl StatsSnapshot {
    /// Mean latency applied per answered request, in microseconds.
    pub fn applied_latency_mean_us(&self) -> Option<f64> {
        (self.responses > 0).then(|| self.latency_applied_us_total as f64 / self.responses as f64)
    }
    pub fn requested_latency_mean_us(&self) -> Option<f64> {
        (self.responses > 0).then(|| self.latency_requested_us_total as f64 / self.responses as f64)
    }
}
