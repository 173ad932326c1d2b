//! Latency profiles of the mock API: how long it waits before answering request `id`.
//!
//! The delay of a request depends only on the seed and the item id in its path, never on arrival
//! order, so every model faces the same delays and a run can be reproduced. The profile itself
//! (how it is written, parsed and shown) is a setting: `record::server::LatencyProfile`.

use std::time::Duration;

use rand::SeedableRng;
use rand::rngs::SmallRng;
use rand_distr::{Distribution, LogNormal, Normal, Uniform};

pub use crate::record::server::LatencyProfile;
use crate::units::MAX_DURATION;

/// Drawing a delay from a profile (the server's side of [`LatencyProfile`]).
pub trait Sample {
    /// The delay for request `id` under `seed`.
    fn sample(&self, seed: u64, id: u64) -> Duration;
}

impl Sample for LatencyProfile {
    fn sample(&self, seed: u64, id: u64) -> Duration {
        sample(self, seed, id)
    }
}

/// The delay for request `id` under `seed`.
pub fn sample(profile: &LatencyProfile, seed: u64, id: u64) -> Duration {
    let rng = || SmallRng::seed_from_u64(crate::seed::derive(seed, id));
    let secs = |d: Duration| d.as_secs_f64();
    let drawn = match *profile {
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
