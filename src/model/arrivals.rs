//! When the requests of an open model are due: their arrival times after the run's start, from
//! the rate and the arrival process alone (so the plan can count a `--duration`'s requests, and a
//! run can be reproduced).
//!
//! Uniform: request i is due at i / rate, computed from i (never by adding gaps, so no error
//! builds up). Poisson: the first request is due at 0, each gap after it is exponential with mean
//! 1 / rate, drawn from SplitMix64(seed, i).

use std::time::Duration;

use crate::record::ArrivalProcess;

/// The arrival times of a run: a rate and a process.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ArrivalTimes {
    pub rate_per_s: f64,
    pub process: ArrivalProcess,
    pub seed: u64,
}

impl ArrivalTimes {
    /// Every request's arrival time after the start, in order (endless: take what the run has).
    pub fn iter(&self) -> impl Iterator<Item = Duration> + Send + 'static {
        let ArrivalTimes { rate_per_s, process, seed } = *self;
        let mut at_s = 0.0f64;
        (0u64..).map(move |i| match process {
            ArrivalProcess::Uniform => Duration::from_nanos((i as f64 * 1e9 / rate_per_s).round() as u64),
            ArrivalProcess::Poisson => {
                if i > 0 {
                    at_s += exponential_gap(seed, i, rate_per_s);
                }
                Duration::from_secs_f64(at_s)
            }
        })
    }

    /// How many requests are due before `duration` has passed.
    pub fn count_within(&self, duration: Duration) -> usize {
        self.iter().take_while(|&at| at < duration).count()
    }
}

/// The gap before request `i`: exponential with mean 1 / `rate`, from a uniform draw in (0, 1].
fn exponential_gap(seed: u64, i: u64, rate: f64) -> f64 {
    let bits = crate::seed::derive(seed, i) >> 11;
    let u = (bits as f64 + 1.0) / (1u64 << 53) as f64;
    -u.ln() / rate
}

#[cfg(test)]
mod tests {
    use super::*;

    fn times(rate: f64, process: ArrivalProcess, seed: u64, n: usize) -> Vec<Duration> {
        ArrivalTimes { rate_per_s: rate, process, seed }.iter().take(n).collect()
    }

    #[test]
    fn uniform_arrivals_are_exact_by_construction() {
        let t = times(3.0, ArrivalProcess::Uniform, 0, 7);
        assert_eq!(t[0], Duration::ZERO);
        assert_eq!(t[1], Duration::from_nanos(333_333_333));
        assert_eq!(t[3], Duration::from_secs(1));
        assert_eq!(t[6], Duration::from_secs(2), "computed from i: no error builds up");
        let far = times(10_000.0, ArrivalProcess::Uniform, 0, 1_000_001);
        assert_eq!(far[1_000_000], Duration::from_secs(100));
        assert!(far.windows(2).all(|w| w[1] - w[0] == Duration::from_micros(100)));
        let slow = ArrivalTimes { rate_per_s: 0.5, process: ArrivalProcess::Uniform, seed: 0 };
        assert_eq!(slow.count_within(Duration::from_secs(5)), 3, "due at 0, 2 s and 4 s");
        assert_eq!(slow.count_within(Duration::from_secs(4)), 2, "4 s is not before 4 s");
    }

    #[test]
    fn poisson_arrivals_are_reproducible_from_the_seed() {
        let a = times(1000.0, ArrivalProcess::Poisson, 7, 20_000);
        assert_eq!(a, times(1000.0, ArrivalProcess::Poisson, 7, 20_000), "the same seed, the same times");
        assert_ne!(a, times(1000.0, ArrivalProcess::Poisson, 8, 20_000), "another seed, other times");
        assert_eq!(a[0], Duration::ZERO);
        assert!(a.windows(2).all(|w| w[1] >= w[0]), "in order");
        // 20,000 gaps of mean 1 ms: their mean within 3 % (about 4 standard errors), their
        // spread that of an exponential (sd = mean).
        let gaps: Vec<f64> = a.windows(2).map(|w| (w[1] - w[0]).as_secs_f64()).collect();
        let mean = gaps.iter().sum::<f64>() / gaps.len() as f64;
        let sd = (gaps.iter().map(|g| (g - mean).powi(2)).sum::<f64>() / gaps.len() as f64).sqrt();
        assert!((mean - 1e-3).abs() < 3e-5, "mean gap {mean}");
        assert!((sd / mean - 1.0).abs() < 0.05, "sd / mean {}", sd / mean);
        let p = ArrivalTimes { rate_per_s: 1000.0, process: ArrivalProcess::Poisson, seed: 7 };
        assert_eq!(
            p.count_within(Duration::from_secs(1)),
            a.iter().take_while(|&&t| t < Duration::from_secs(1)).count()
        );
    }
}
