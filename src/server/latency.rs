//! Latency profiles of the mock API: how long it waits before answering request `id`.
//!
//! The delay of a request depends only on the seed and the item id in its path, never on arrival
//! order, so every model faces the same delays and a run can be reproduced.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use rand::SeedableRng;
use rand::rngs::SmallRng;
use rand_distr::{Distribution, LogNormal, Normal, Uniform};
use serde::{Deserialize, Serialize};

use crate::units::{MAX_DURATION, fmt_duration, parse_duration};

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
    /// The delay for request `id` under `seed`.
    pub fn sample(&self, seed: u64, id: u64) -> Duration {
        let rng = || SmallRng::seed_from_u64(crate::seed::derive(seed, id));
        let secs = |d: Duration| d.as_secs_f64();
        let drawn = match *self {
            LatencyProfile::Fixed(d) => return d,
            LatencyProfile::Uniform { lo, hi } => match Uniform::new_inclusive(secs(lo), secs(hi)) {
                Ok(u) => u.sample(&mut rng()),
                Err(_) => secs(lo),
            },
            LatencyProfile::Normal { mean, std_dev } => match Normal::new(secs(mean), secs(std_dev)) {
                Ok(n) => n.sample(&mut rng()),
                Err(_) => secs(mean),
            },
            LatencyProfile::LogNormal { median, sigma } => match LogNormal::new(secs(median).max(1e-9).ln(), sigma) {
                Ok(l) => l.sample(&mut rng()),
                Err(_) => secs(median),
            },
        };
        Duration::from_secs_f64(drawn.clamp(0.0, MAX_DURATION.as_secs_f64()))
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_parse_and_round_trip() {
        for text in ["fixed:100ms", "uniform:50ms..150ms", "normal:100ms,20ms", "lognormal:100ms,0.5", "fixed:0"] {
            let p: LatencyProfile = text.parse().unwrap();
            assert_eq!(p.to_string(), text);
            assert_eq!(p.to_string().parse::<LatencyProfile>().unwrap(), p);
        }
        assert_eq!("630ms".parse(), Ok(LatencyProfile::Fixed(Duration::from_millis(630))));
    }

    #[test]
    fn bad_profiles_name_what_is_accepted() {
        for bad in [
            "",
            "slow",
            "fixed:",
            "uniform:150ms..50ms",
            "uniform:50ms",
            "normal:1s",
            "lognormal:1s,x",
            "lognormal:1s,-1",
            "gamma:1s",
            "fixed:-5ms",
        ] {
            let err = bad.parse::<LatencyProfile>().unwrap_err();
            assert!(err.contains("accepted:") && !err.contains('\n'), "{bad}: {err}");
        }
    }

    #[test]
    fn samples_are_reproducible_and_within_bounds() {
        let u: LatencyProfile = "uniform:50ms..150ms".parse().unwrap();
        let draws: Vec<_> = (0..1000).map(|id| u.sample(42, id)).collect();
        assert_eq!(draws, (0..1000).map(|id| u.sample(42, id)).collect::<Vec<_>>());
        assert!(draws.iter().all(|d| (50..=150).contains(&d.as_millis())));
        assert_ne!(draws[0], draws[1]);
        let n: LatencyProfile = "normal:10ms,50ms".parse().unwrap();
        assert!((0..1000).all(|id| n.sample(1, id) < Duration::from_secs(1)));
        let l: LatencyProfile = "lognormal:100ms,0.5".parse().unwrap();
        let mut ms: Vec<_> = (0..2001).map(|id| l.sample(7, id).as_secs_f64() * 1e3).collect();
        ms.sort_by(f64::total_cmp);
        assert!((80.0..120.0).contains(&ms[1000]), "median {}", ms[1000]);
    }
}
