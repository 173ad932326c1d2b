//! A capacity sweep (`scale --rates`), analysed: for each model, latency (as users see it) and
//! achieved throughput against the offered rate, the first rate at which it fails (its p99 above
//! the SLO, or less than [`KEPT_UP`](super::open::KEPT_UP) of the rate achieved), its capacity (what it achieved
//! there), and what Little's law predicts for it (N / service time for a model of N workers).
//! Pure functions over the records.

use std::time::Duration;

use super::open::OpenFigures;
use crate::record::{Concurrency, ModelSpec, RatesExperiment};

/// Without `--slo`, a point fails when its p99 passes this many times the p99 at the lowest rate.
pub const SLO_FACTOR: u32 = 2;

/// One rate of one model.
#[derive(Debug, Clone)]
pub struct RatePoint<'a> {
    pub rate_per_s: f64,
    pub figures: OpenFigures<'a>,
    /// Why the point fails, if it does.
    pub fails: Option<Failure>,
}

/// Why a point fails.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Failure {
    /// Its latency p99 (as users see it) passed the SLO.
    Latency { p99: Duration, slo: Duration },
    /// It achieved less than [`KEPT_UP`](super::open::KEPT_UP) of the offered rate.
    Throughput { achieved_per_s: f64 },
}

/// Where the SLO of a model came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SloSource {
    /// `--slo`.
    Given,
    /// [`SLO_FACTOR`] × the p99 at the lowest rate.
    FromLowest,
}

/// One model across the rates.
#[derive(Debug, Clone)]
pub struct ModelCapacity<'a> {
    pub model: ModelSpec,
    /// The measured rates, lowest first.
    pub points: Vec<RatePoint<'a>>,
    pub slo: Option<(Duration, SloSource)>,
    /// The first rate it failed at, and what it achieved there: its capacity.
    pub saturates: Option<(f64, Option<f64>)>,
    /// What Little's law allows: N / the median service time at the lowest rate, for a model of
    /// N workers (`None` without a limit on requests in flight).
    pub little_per_s: Option<f64>,
    /// Rates whose generator lateness p99 passed its bound: limited by the tool there.
    pub tool_bound: Vec<f64>,
}

impl ModelCapacity<'_> {
    /// The highest rate it held, with its p99 there, when it failed at none.
    pub fn held_all(&self) -> Option<(f64, Option<Duration>)> {
        if self.saturates.is_some() {
            return None;
        }
        let top = self.points.last()?;
        Some((top.rate_per_s, top.figures.corrected.map(|l| Duration::from_micros(l.p99_us))))
    }
}

/// Every model of the sweep, in the order of its settings.
pub fn analyse(exp: &RatesExperiment) -> Vec<ModelCapacity<'_>> {
    exp.settings.models.iter().map(|m| model_capacity(exp, m)).collect()
}

fn model_capacity<'a>(exp: &'a RatesExperiment, model: &ModelSpec) -> ModelCapacity<'a> {
    let measured: Vec<(f64, OpenFigures)> =
        exp.cells_of(model).into_iter().filter_map(|c| Some((c.offered_per_s?, OpenFigures::of(c)?))).collect();
    let slo = match exp.settings.slo {
        Some(d) => Some((d, SloSource::Given)),
        None => measured
            .first()
            .and_then(|(_, f)| f.corrected)
            .map(|l| (Duration::from_micros(l.p99_us) * SLO_FACTOR, SloSource::FromLowest)),
    };
    let points: Vec<RatePoint> = measured
        .into_iter()
        .map(|(rate_per_s, figures)| RatePoint { fails: fails(&figures, slo.map(|(d, _)| d)), rate_per_s, figures })
        .collect();
    let saturates = points.iter().find(|p| p.fails.is_some()).map(|p| (p.rate_per_s, p.figures.achieved_per_s));
    let bound = exp.settings.arrivals.lateness_bound_us;
    ModelCapacity {
        model: *model,
        little_per_s: little(model, &points),
        tool_bound: points.iter().filter(|p| p.figures.tool_bound(bound)).map(|p| p.rate_per_s).collect(),
        saturates,
        slo,
        points,
    }
}

/// Why a point fails against `slo`: throughput first (a model that falls behind has a p99 that
/// grows with the run), then latency.
fn fails(f: &OpenFigures, slo: Option<Duration>) -> Option<Failure> {
    if !f.kept_up() {
        return Some(Failure::Throughput { achieved_per_s: f.achieved_per_s.unwrap_or(0.0) });
    }
    let p99 = Duration::from_micros(f.corrected?.p99_us);
    let slo = slo?;
    (p99 > slo).then_some(Failure::Latency { p99, slo })
}

/// N / service time: the most requests per second N workers can serve (Little's law), from the
/// median service time at the lowest rate.
fn little(model: &ModelSpec, points: &[RatePoint]) -> Option<f64> {
    let n = match model.kind.info().concurrency {
        Concurrency::One => 1,
        _ => model.n?,
    };
    let service = points.first()?.figures.service?.p50_us as f64 / 1e6;
    super::ratio(n as f64, service)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::open::tests::open_cell;
    use crate::record::{Arrivals, RatesSettings, Schedule, TargetInfo, TargetKind};

    const RATES: [f64; 5] = [100.0, 200.0, 400.0, 800.0, 1600.0];

    fn sweep(slo: Option<Duration>, cells: Vec<crate::record::Cell>, models: &[&str]) -> RatesExperiment {
        RatesExperiment {
            settings: RatesSettings {
                models: models.iter().map(|m| m.parse().unwrap()).collect(),
                rates_per_s: RATES.to_vec(),
                arrivals: Arrivals { duration: Some(Duration::from_secs(5)), ..Arrivals::default() },
                requests: None,
                slo,
                client: crate::record::ClientSettings {
                    config: crate::record::ClientConfig {
                        keep_alive: true,
                        timeout: Duration::from_secs(30),
                        connect_timeout: Duration::from_secs(10),
                        interp_cost: Duration::ZERO,
                        retries: 0,
                        retry_backoff: Duration::ZERO,
                        prewarm: false,
                        ok_status: Default::default(),
                    },
                    header_names: Vec::new(),
                    blocking_client: String::new(),
                    async_client: String::new(),
                    blocking_buffer_bytes: crate::record::BufferSizes { input: 0, output: 0 },
                    switch_interval_ms: 5.0,
                    request: Default::default(),
                },
                schedule: Schedule::default(),
                min_success: 1.0,
            },
            target: TargetInfo { kind: TargetKind::Embedded, url_template: String::new(), embedded: None },
            cells,
        }
    }

    #[test]
    fn a_pool_saturates_near_littles_law_and_async_holds_every_rate() {
        // threads:50 at 100 ms serves about 500/s; async keeps up at every rate.
        let threads =
            RATES.map(|r| open_cell("threads:50", r, r.min(490.0), if r > 490.0 { 4000.0 } else { 103.0 }, 200));
        let unlimited = RATES.map(|r| open_cell("async", r, r, 103.0, if r > 1000.0 { 1500 } else { 200 }));
        let exp = sweep(None, threads.into_iter().chain(unlimited).collect(), &["threads:50", "async"]);
        let [t, a] = &analyse(&exp)[..] else { panic!("two models") };
        assert_eq!(t.slo, Some((Duration::from_millis(206), SloSource::FromLowest)));
        assert_eq!(t.saturates, Some((800.0, Some(490.0))), "the first rate it fails, and what it achieved there");
        assert!(matches!(t.points[3].fails, Some(Failure::Throughput { achieved_per_s }) if achieved_per_s == 490.0));
        assert!(t.points[..3].iter().all(|p| p.fails.is_none()));
        assert!((t.little_per_s.unwrap() - 1000.0).abs() < 1e-9, "50 / 50 ms of service time");
        assert_eq!(a.saturates, None);
        assert_eq!(a.held_all(), Some((1600.0, Some(Duration::from_millis(103)))));
        assert_eq!(a.little_per_s, None, "no limit on requests in flight: no bound from Little's law");
        assert_eq!(a.tool_bound, vec![1600.0], "the generator was late there");
    }

    #[test]
    fn a_point_whose_p99_passes_the_slo_fails_though_it_kept_up() {
        let cells = RATES.map(|r| open_cell("async:10", r, r, if r >= 400.0 { 300.0 } else { 103.0 }, 200)).to_vec();
        let exp = sweep(Some(Duration::from_millis(250)), cells, &["async:10"]);
        let m = &analyse(&exp)[0];
        assert_eq!(m.slo, Some((Duration::from_millis(250), SloSource::Given)));
        assert_eq!(m.saturates, Some((400.0, Some(400.0))));
        let slo = Duration::from_millis(250);
        assert_eq!(m.points[2].fails, Some(Failure::Latency { p99: Duration::from_millis(300), slo }));
        assert!((m.little_per_s.unwrap() - 200.0).abs() < 1e-9);
    }
}
