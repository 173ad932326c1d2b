//! Section 3: a sweep of one model's concurrency, analysed. The source could only say
//! "diminishing returns"; this also says how far each point is from its ideal (Little's law),
//! where the knee is, and *why* the curve flattened, from the evidence measured per point.

use std::time::Duration;

use super::figures::{Figures, Judged, Side, time_ratio};
use super::scaling::{self, Point, Span, Usl};
use super::{ideal_time, ratio};
use crate::record::{Cell, ScaleExperiment, TargetKind};

/// Points within this factor of their ideal time count as "near ideal".
pub const NEAR_IDEAL: f64 = 1.25;
/// A model that needs at least this share of one latency to get all its tasks started is held
/// back by its start-up.
pub const RAMP_UP_SHARE: f64 = 0.25;
/// Requests that take this share longer on the client than on the server carry overhead.
pub const OVERHEAD_SHARE: f64 = 0.10;
/// A point within this factor of the baseline's time has reached it (one run is noisy).
pub const REACHED: f64 = 1.05;
/// Throughput at this share of the lock's cap (1 / cost per request) means the lock is the limit.
pub const LOCK_BOUND: f64 = 0.7;
/// A client using at least this share of its granted cores is CPU-bound.
pub const CPU_SATURATED: f64 = 0.8;
/// Cores used (CPU over wall time) up to this is one core's worth: what threads under one
/// interpreter lock can use, however many there are.
pub const ONE_CORE: f64 = 1.25;

/// One measured point of the sweep, with the evidence the diagnosis reads.
#[derive(Debug, Clone)]
pub struct SweepPoint<'a> {
    /// The swept N.
    pub setting: usize,
    pub figures: Figures<'a>,
    /// Concurrency that could actually be used: min(N, requests).
    pub effective: usize,
    /// The least time possible at this concurrency against the latency (Little's law).
    pub ideal: Option<Duration>,
    /// time / ideal.
    pub to_ideal: Option<f64>,
    /// time / the baseline's time (the source's "vs async"), paired by repetition; withheld when
    /// either side's requests failed too often.
    pub vs_baseline: Option<Judged<'a>>,
    /// How its requests ended, and whether enough succeeded for its time to enter the analysis
    /// (span, knee, fit, diagnosis): a point whose requests failed is shown, not analysed.
    pub side: Side<'a>,
    pub comparable: bool,
    /// Client CPU time / wall time: cores the client kept busy.
    pub cores_used: f64,
    /// New connections the server accepted per request (1.0: no reuse).
    pub connections_per_request: Option<f64>,
}

/// Where the latency behind the ideal line comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LatencySource {
    /// The embedded API's configured profile (its fixed value, mean or median).
    Configured,
    /// An external target: the lowest median latency any point measured.
    Estimated,
}

/// Why the curve looks the way it does, with the evidence that says so.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Diagnosis {
    /// Every point within [`NEAR_IDEAL`] of its ideal: nothing limits scaling.
    NearIdeal { worst_to_ideal: f64 },
    /// The server never worked on more than its cap and requests queued.
    ServerCap { setting: usize, cap: u64, peak_inflight: u64, queued: u64, mean_wait_ms: f64 },
    /// Every request's interpreted CPU cost ran under one interpreter lock, one at a time: the
    /// lock caps throughput at 1 / cost.
    InterpreterLock { setting: usize, cost_ms: f64, cap_per_s: f64, measured_per_s: f64, wait_share: f64 },
    /// CPython's threads, under its GIL, kept at most one core's worth busy from `from` to
    /// `setting` (cores used between `low` and `high`), and the last point's CPU time alone
    /// (`cpu_s`, spent one thread at a time) exceeded its ideal time: more threads queue for the
    /// lock, they do not run.
    PythonLock { from: usize, setting: usize, low: f64, high: f64, cores: usize, cpu_s: f64, ideal_s: f64 },
    /// The client process kept (almost) all its cores busy.
    ClientCpu { setting: usize, cores_used: f64, cores: usize },
    /// The client took a large share of a latency to get all its requests under way.
    RampUp { setting: usize, ramp_up_ms: f64, concurrency: usize, median_latency_ms: f64 },
    /// Requests took clearly longer on the client than the server spent on them.
    RequestOverhead { setting: usize, client_median_ms: f64, server_mean_ms: f64 },
    /// Every request opened a new connection and the points sit well above their ideal.
    ConnectionSetup { setting: usize, connections_per_request: f64, to_ideal: f64 },
    /// The server saw far fewer requests at once than the client meant to send.
    NotInFlight { setting: usize, server_peak: u64, offered: usize },
    /// External target, client not CPU-bound: the limit is beyond the client.
    Beyond { setting: usize, cores_used: f64, cores: usize },
    /// None of the evidence measured explains the distance from the ideal.
    Unexplained { setting: usize, to_ideal: f64 },
    /// No point was measured.
    NoData,
}

/// The whole analysis of a sweep.
#[derive(Debug, Clone)]
pub struct Sweep<'a> {
    pub points: Vec<SweepPoint<'a>>,
    /// Settings whose model failed as a whole.
    pub failed: Vec<&'a Cell>,
    pub baseline: Option<Figures<'a>>,
    pub latency: Option<(Duration, LatencySource)>,
    /// The source's analysis: settings first → last, speed-up, efficiency.
    pub span: Option<Span>,
    /// The speed-up Little's law allows from the first to the last point (requests are finite).
    pub possible_speedup: Option<f64>,
    /// The lowest setting at which the model was as fast as the baseline (within [`REACHED`]).
    pub reached_baseline_at: Option<usize>,
    pub knee: Option<usize>,
    pub diagnosis: Diagnosis,
    /// USL fit of throughput over effective concurrency, or the number of distinct levels when
    /// too few for a fit.
    pub usl: Result<Usl, usize>,
    pub heap_per_worker_bytes: Option<f64>,
    pub rss_per_worker_bytes: Option<f64>,
}

impl Sweep<'_> {
    /// Whether a knee sits before the last point: the source's "diminishing returns".
    pub fn diminishing(&self) -> bool {
        matches!((self.knee, self.points.last()), (Some(k), Some(last)) if k < last.setting)
    }
}

fn configured_latency(exp: &ScaleExperiment) -> Option<Duration> {
    Some(exp.target.embedded.as_ref()?.config.latency.typical()).filter(|d| !d.is_zero())
}

/// Analyses a sweep measured on a machine granting `cores` cores.
pub fn analyse(exp: &ScaleExperiment, cores: usize) -> Sweep<'_> {
    let tasks = exp.settings.requests;
    let baseline = exp.baseline.as_deref().and_then(Figures::of);
    let measured: Vec<(usize, Figures)> =
        exp.points.iter().filter_map(|c| Some((c.model.n.unwrap_or(1), Figures::of(c)?))).collect();
    let failed = exp.points.iter().filter(|c| c.runs.is_empty()).collect();

    // The user's task calls the API as it pleases: no latency makes its ideal.
    let latency = configured_latency(exp).filter(|_| exp.settings.task.is_none());
    let latency = latency.map(|l| (l, LatencySource::Configured)).or_else(|| {
        let fastest = measured.iter().filter_map(|(_, f)| f.latency().map(|l| l.p50_us)).min()?;
        Some((Duration::from_micros(fastest), LatencySource::Estimated))
    });

    let min_success = exp.settings.min_success;
    let all: Vec<SweepPoint> = measured
        .into_iter()
        .map(|(setting, figures)| {
            let effective = setting.min(figures.run.tasks).max(1);
            let ideal = latency.map(|(l, _)| ideal_time(figures.run.tasks, effective, l));
            let wall = figures.wall.as_secs_f64();
            let server = figures.run.server.as_ref();
            SweepPoint {
                setting,
                effective,
                ideal,
                to_ideal: ideal.and_then(|i| ratio(wall, i.as_secs_f64())),
                vs_baseline: baseline.as_ref().and_then(|b| time_ratio(figures.cell, b.cell, min_success)),
                side: Side::of(figures.cell),
                comparable: Side::of(figures.cell).comparable(min_success),
                cores_used: ratio(figures.cpu().as_secs_f64(), wall).unwrap_or(0.0),
                connections_per_request: server.and_then(|s| ratio(s.connections_accepted as f64, s.requests as f64)),
                figures,
            }
        })
        .collect();
    // The curve is read from the points whose requests succeeded; the others are shown, not read.
    let points: Vec<SweepPoint> = all.iter().filter(|p| p.comparable).cloned().collect();

    let curve: Vec<Point> =
        points.iter().map(|p| Point { setting: p.setting as f64, time_s: p.figures.wall.as_secs_f64() }).collect();
    let span = scaling::span(&curve);
    let possible_speedup = match (points.first(), points.last()) {
        (Some(a), Some(b)) if points.len() >= 2 => ratio(
            ideal_time(tasks, a.effective, Duration::from_secs(1)).as_secs_f64(),
            ideal_time(tasks, b.effective, Duration::from_secs(1)).as_secs_f64(),
        ),
        _ => None,
    };
    let reached_baseline_at = points
        .iter()
        .find(|p| p.vs_baseline.and_then(|v| v.ratio).is_some_and(|v| v.point <= REACHED))
        .map(|p| p.setting);
    let knee = scaling::knee(&curve, exp.settings.knee_gain_per_doubling).map(|k| k as usize);

    let throughput: Vec<(f64, f64)> = points
        .iter()
        .filter(|p| p.figures.throughput_per_s > 0.0)
        .map(|p| (p.effective as f64, p.figures.throughput_per_s))
        .collect();
    let usl = scaling::fit_usl(&throughput).ok_or_else(|| {
        let mut levels: Vec<usize> = points.iter().map(|p| p.effective).collect();
        levels.sort_unstable();
        levels.dedup();
        levels.len()
    });
    let per_worker = |f: &dyn Fn(&SweepPoint) -> Option<f64>| {
        let xy: Vec<(f64, f64)> = points.iter().filter_map(|p| Some((p.effective as f64, f(p)?))).collect();
        scaling::slope(&xy)
    };
    let heap_per_worker_bytes = per_worker(&|p| p.figures.heap_peak_bytes().map(|b| b as f64));
    let rss_per_worker_bytes = per_worker(&|p| p.figures.rss_peak_bytes().map(|b| b as f64));

    let diagnosis = diagnose(exp, &points, cores, latency);
    Sweep {
        points: all,
        failed,
        baseline,
        latency,
        span,
        possible_speedup,
        reached_baseline_at,
        knee,
        diagnosis,
        usl,
        heap_per_worker_bytes,
        rss_per_worker_bytes,
    }
}

/// CPython's GIL as the limit: a py-threads sweep whose last points, their GIL on, kept at most
/// one core's worth of CPU busy (on a machine of more than one core) while N grew, and whose CPU
/// time alone, spent one thread at a time, was longer than the ideal time.
fn python_lock(exp: &ScaleExperiment, points: &[SweepPoint], cores: usize) -> Option<Diagnosis> {
    if exp.settings.model != crate::record::ModelKind::PyThreads || cores < 2 {
        return None;
    }
    let gil_on =
        |p: &SweepPoint| p.figures.cell.runs.iter().all(|r| r.facts.python.as_ref().is_some_and(|py| py.gil_enabled));
    let cpu = |p: &SweepPoint| p.figures.cpu().as_secs_f64();
    let serial = |p: &SweepPoint| p.ideal.is_none_or(|i| cpu(p) >= i.as_secs_f64());
    let bound = |p: &&SweepPoint| p.cores_used <= ONE_CORE && gil_on(p) && serial(p);
    let flat: Vec<&SweepPoint> = points.iter().rev().take_while(bound).collect();
    let [last, .., first] = flat[..] else { return None };
    let used = flat.iter().map(|p| p.cores_used);
    Some(Diagnosis::PythonLock {
        from: first.setting,
        setting: last.setting,
        low: used.clone().fold(f64::INFINITY, f64::min),
        high: used.fold(0.0, f64::max),
        cores,
        cpu_s: cpu(last),
        ideal_s: last.ideal.map_or(f64::NAN, |i| i.as_secs_f64()),
    })
}

/// Reads the evidence of the highest setting (where a limit shows most) in a fixed order.
fn diagnose(
    exp: &ScaleExperiment,
    points: &[SweepPoint],
    cores: usize,
    latency: Option<(Duration, LatencySource)>,
) -> Diagnosis {
    let Some(last) = points.last() else { return Diagnosis::NoData };
    let ratios: Vec<f64> = points.iter().filter_map(|p| p.to_ideal).collect();
    if ratios.len() == points.len() && ratios.iter().all(|&r| r <= NEAR_IDEAL) {
        return Diagnosis::NearIdeal { worst_to_ideal: ratios.iter().copied().fold(0.0, f64::max) };
    }
    let setting = last.setting;
    let server = last.figures.run.server.as_ref();
    if let Some(s) = server
        && let Some(cap) = s.max_inflight_cap
        && s.peak_inflight >= cap
        && s.queued_requests > 0
        && last.effective as u64 > cap
    {
        let mean_wait_ms = s.queue_wait_us_total as f64 / s.queued_requests as f64 / 1e3;
        return Diagnosis::ServerCap {
            setting,
            cap,
            peak_inflight: s.peak_inflight,
            queued: s.queued_requests,
            mean_wait_ms,
        };
    }
    let cost_ms = exp.settings.client.config.interp_cost.as_secs_f64() * 1e3;
    if exp.settings.model == crate::record::ModelKind::GilThreads && cost_ms > 0.0 {
        let cap_per_s = 1e3 / cost_ms;
        let measured_per_s = last.figures.throughput_per_s;
        if measured_per_s >= LOCK_BOUND * cap_per_s {
            let wall_s = last.figures.wall.as_secs_f64();
            let threads = last.figures.run.facts.threads_started.max(1) as f64;
            let wait_s = last.figures.run.facts.gil.as_ref().map_or(0.0, |g| g.wait_ns_total as f64 / 1e9);
            return Diagnosis::InterpreterLock {
                setting,
                cost_ms,
                cap_per_s,
                measured_per_s,
                wait_share: ratio(wait_s, wall_s * threads).unwrap_or(0.0),
            };
        }
    }
    if let Some(d) = python_lock(exp, points, cores) {
        return d;
    }
    if last.cores_used >= CPU_SATURATED * cores as f64 {
        return Diagnosis::ClientCpu { setting, cores_used: last.cores_used, cores };
    }
    let to_ideal = last.to_ideal.unwrap_or(f64::NAN);
    if !exp.settings.client.config.keep_alive
        && let Some(c) = last.connections_per_request
        && c >= 0.9
    {
        return Diagnosis::ConnectionSetup { setting, connections_per_request: c, to_ideal };
    }
    if let (Some(ramp), Some((latency, _))) = (last.figures.run.ramp_up_ns, latency)
        && ramp as f64 >= RAMP_UP_SHARE * latency.as_nanos() as f64
    {
        let median_latency_ms = last.figures.latency().map_or(f64::NAN, |l| l.p50_us as f64 / 1e3);
        return Diagnosis::RampUp {
            setting,
            ramp_up_ms: ramp as f64 / 1e6,
            concurrency: last.effective,
            median_latency_ms,
        };
    }
    if let (Some(s), Some(l)) = (server, last.figures.latency())
        && let Some(applied_us) = s.applied_latency_mean_us()
        && l.p50_us as f64 > applied_us * (1.0 + OVERHEAD_SHARE)
    {
        return Diagnosis::RequestOverhead {
            setting,
            client_median_ms: l.p50_us as f64 / 1e3,
            server_mean_ms: applied_us / 1e3,
        };
    }
    if let Some(s) = server
        && (s.peak_inflight as f64) < 0.9 * last.effective as f64
    {
        return Diagnosis::NotInFlight { setting, server_peak: s.peak_inflight, offered: last.effective };
    }
    if exp.target.kind == TargetKind::External {
        return Diagnosis::Beyond { setting, cores_used: last.cores_used, cores };
    }
    Diagnosis::Unexplained { setting, to_ideal }
}
