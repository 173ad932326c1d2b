//! Statistics over repeated runs, pure functions over slices: summaries with a bootstrap
//! confidence interval, outliers by the modified Z-score (as hyperfine flags them), and ratios with
//! intervals, paired (two models in the same repetitions) or independent (two saved results).
//!
//! Medians, quantiles, means and deviations come from `statrs`; the bootstrap draws from a seeded
//! generator, so the same runs always give the same interval.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use statrs::statistics::{Data, OrderStatistics, Statistics};

/// Fewest runs for a confidence interval to mean something.
pub const MIN_RUNS_FOR_INTERVAL: usize = 5;
/// Bootstrap resamples per interval.
pub const RESAMPLES: usize = 2000;
/// Seed of every bootstrap, so reports are reproducible.
pub const BOOTSTRAP_SEED: u64 = 0x00C0_FFEE;
/// |modified Z| above this flags an outlier: hyperfine's threshold (Iglewicz and Hoaglin's 3.5
/// flags run-to-run jitter of a fraction of a per cent when runs are very steady).
pub const OUTLIER_Z: f64 = 14.0;
/// Coefficient of variation above which the spread is called large.
pub const LARGE_SPREAD_CV: f64 = 0.10;

/// A figure measured over several runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub n: usize,
    pub median: f64,
    pub mean: f64,
    /// Sample standard deviation (0 for one run).
    pub sd: f64,
    pub min: f64,
    pub max: f64,
    /// 95 % bootstrap confidence interval of the median; `None` below [`MIN_RUNS_FOR_INTERVAL`].
    pub ci95: Option<(f64, f64)>,
    /// Indices of runs flagged as outliers (not dropped).
    pub outliers: Vec<usize>,
}

impl Summary {
    /// sd / mean.
    pub fn cv(&self) -> f64 {
        if self.mean > 0.0 { self.sd / self.mean } else { 0.0 }
    }

    pub fn large_spread(&self) -> bool {
        self.n >= 2 && self.cv() > LARGE_SPREAD_CV
    }
}

/// The median of `xs` (NaN when empty).
pub fn median(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    Data::new(xs.to_vec()).median()
}

/// The median absolute deviation from the median.
pub fn mad(xs: &[f64]) -> f64 {
    let m = median(xs);
    let deviations: Vec<f64> = xs.iter().map(|x| (x - m).abs()).collect();
    median(&deviations)
}

/// Indices whose modified Z-score, 0.6745 (x − median) / MAD, exceeds [`OUTLIER_Z`] in size.
pub fn outliers(xs: &[f64]) -> Vec<usize> {
    let (m, d) = (median(xs), mad(xs));
    if d.is_nan() || d <= 0.0 {
        return Vec::new();
    }
    xs.iter().enumerate().filter(|(_, x)| (0.6745 * (*x - m) / d).abs() > OUTLIER_Z).map(|(i, _)| i).collect()
}

/// A percentile bootstrap 95 % interval of `statistic` over resamples of `xs`.
pub fn bootstrap_ci(xs: &[f64], statistic: impl Fn(&[f64]) -> f64, seed: u64) -> Option<(f64, f64)> {
    if xs.len() < MIN_RUNS_FOR_INTERVAL {
        return None;
    }
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut sample = vec![0.0; xs.len()];
    let mut stats: Vec<f64> = (0..RESAMPLES)
        .map(|_| {
            for s in sample.iter_mut() {
                *s = xs[rng.random_range(0..xs.len())];
            }
            statistic(&sample)
        })
        .filter(|v| v.is_finite())
        .collect();
    if stats.len() < RESAMPLES / 2 {
        return None;
    }
    stats.sort_by(f64::total_cmp);
    let mut data = Data::new(stats);
    Some((data.quantile(0.025), data.quantile(0.975)))
}

/// Summarises one figure over runs.
pub fn summarize(xs: &[f64]) -> Summary {
    let n = xs.len();
    Summary {
        n,
        median: median(xs),
        mean: if n > 0 { xs.mean() } else { f64::NAN },
        sd: if n > 1 { xs.std_dev() } else { 0.0 },
        min: xs.iter().copied().fold(f64::INFINITY, f64::min),
        max: xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        ci95: bootstrap_ci(xs, median, BOOTSTRAP_SEED),
        outliers: outliers(xs),
    }
}

/// A ratio with its interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RatioStat {
    pub point: f64,
    /// 95 % interval; `None` with too few runs.
    pub ci95: Option<(f64, f64)>,
    /// Runs (pairs) it rests on.
    pub n: usize,
}

impl RatioStat {
    /// A ratio measured once: no interval.
    pub fn single(point: f64) -> Self {
        RatioStat { point, ci95: None, n: 1 }
    }

    /// Whether the interval excludes 1; `None` without an interval.
    pub fn significant(&self) -> Option<bool> {
        self.ci95.map(|(lo, hi)| lo > 1.0 || hi < 1.0)
    }

    /// The same ratio upside down (b/a for a/b).
    pub fn inverse(&self) -> Self {
        RatioStat { point: 1.0 / self.point, ci95: self.ci95.map(|(lo, hi)| (1.0 / hi, 1.0 / lo)), n: self.n }
    }
}

/// Compact, for tables: `2.39x` or `2.39x [2.31–2.45]` with an interval.
impl std::fmt::Display for RatioStat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:.2}x", self.point)?;
        if let Some((lo, hi)) = self.ci95 {
            write!(f, " [{lo:.2}–{hi:.2}]")?;
        }
        Ok(())
    }
}

/// Ratios a_i / b_i of paired runs (two models in the same repetition): the median ratio and the
/// bootstrap interval of that median. `None` without a valid pair.
pub fn paired_ratio(pairs: &[(f64, f64)]) -> Option<RatioStat> {
    let ratios: Vec<f64> =
        pairs.iter().filter(|(_, b)| *b > 0.0).map(|(a, b)| a / b).filter(|r| r.is_finite()).collect();
    if ratios.is_empty() {
        return None;
    }
    Some(RatioStat { point: median(&ratios), ci95: bootstrap_ci(&ratios, median, BOOTSTRAP_SEED), n: ratios.len() })
}

/// median(b) / median(a) of two independent samples (a saved result against a new one), with a
/// bootstrap interval resampling both. The interval needs [`MIN_RUNS_FOR_INTERVAL`] runs on each side.
pub fn independent_ratio(a: &[f64], b: &[f64]) -> Option<RatioStat> {
    let (ma, mb) = (median(a), median(b));
    if !(ma > 0.0 && mb.is_finite()) {
        return None;
    }
    let n = a.len().min(b.len());
    let ci95 = (n >= MIN_RUNS_FOR_INTERVAL).then(|| {
        let mut rng = SmallRng::seed_from_u64(BOOTSTRAP_SEED);
        let (mut ra, mut rb) = (vec![0.0; a.len()], vec![0.0; b.len()]);
        let mut ratios: Vec<f64> = (0..RESAMPLES)
            .map(|_| {
                ra.iter_mut().for_each(|x| *x = a[rng.random_range(0..a.len())]);
                rb.iter_mut().for_each(|x| *x = b[rng.random_range(0..b.len())]);
                median(&rb) / median(&ra)
            })
            .filter(|r| r.is_finite())
            .collect();
        ratios.sort_by(f64::total_cmp);
        let mut data = Data::new(ratios);
        (data.quantile(0.025), data.quantile(0.975))
    });
    Some(RatioStat { point: mb / ma, ci95, n })
}

/// Whether the first run was much slower than the others (a cold start worth a warm-up run).
pub fn first_run_slow(xs: &[f64]) -> bool {
    xs.len() >= 3 && xs[0] > 1.5 * median(&xs[1..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_of_fixed_data() {
        let s = summarize(&[1.0, 2.0, 3.0, 4.0, 100.0]);
        assert_eq!(s.n, 5);
        assert_eq!(s.median, 3.0);
        assert_eq!(s.mean, 22.0);
        assert!((s.sd - 43.617).abs() < 1e-3, "{}", s.sd);
        assert_eq!((s.min, s.max), (1.0, 100.0));
        assert_eq!(s.outliers, vec![4], "100 is flagged, not dropped");
        let (lo, hi) = s.ci95.unwrap();
        assert!(lo <= 3.0 && 3.0 <= hi && lo >= 1.0 && hi <= 100.0, "{lo}..{hi}");
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(mad(&[1.0, 2.0, 3.0, 4.0, 100.0]), 1.0);
    }

    #[test]
    fn a_known_bootstrap_case_is_reproducible() {
        let xs = [10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0];
        let a = bootstrap_ci(&xs, median, 42).unwrap();
        let b = bootstrap_ci(&xs, median, 42).unwrap();
        assert_eq!(a, b, "seeded: the same interval every time");
        assert!(a.0 >= 11.5 && a.0 <= 13.5 && a.1 >= 15.5 && a.1 <= 17.5, "{a:?}");
        assert!(bootstrap_ci(&xs[..4], median, 42).is_none(), "too few runs for an interval");
        // Identical runs: a zero-width interval at the value.
        assert_eq!(bootstrap_ci(&[2.0; 6], median, 1), Some((2.0, 2.0)));
    }

    #[test]
    fn one_run_has_no_spread_and_no_interval() {
        let s = summarize(&[0.25]);
        assert_eq!((s.n, s.median, s.sd, s.ci95), (1, 0.25, 0.0, None));
        assert!(!s.large_spread());
    }

    #[test]
    fn paired_ratios_carry_intervals() {
        // B takes about twice as long as A in every repetition.
        let pairs: Vec<(f64, f64)> = (0..8).map(|i| (2.0 + 0.01 * i as f64, 1.0 + 0.004 * i as f64)).collect();
        let r = paired_ratio(&pairs).unwrap();
        assert!((r.point - 2.0).abs() < 0.05, "{r:?}");
        assert_eq!(r.significant(), Some(true));
        let inv = r.inverse();
        assert!((inv.point - 0.5).abs() < 0.02 && inv.ci95.unwrap().1 < 1.0);
        // Equal pairs with noise either way: not significant.
        let noisy = [(1.0, 1.02), (1.03, 1.0), (0.98, 1.0), (1.0, 0.97), (1.01, 1.0), (0.99, 1.01)];
        assert_eq!(paired_ratio(&noisy).unwrap().significant(), Some(false));
        assert_eq!(paired_ratio(&[(2.0, 1.0)]).unwrap().significant(), None);
        assert!(paired_ratio(&[(1.0, 0.0)]).is_none());
    }

    #[test]
    fn independent_ratios_compare_saved_results() {
        let a = [1.0, 1.01, 0.99, 1.02, 0.98, 1.0];
        let b: Vec<f64> = a.iter().map(|x| x * 2.0).collect();
        let r = independent_ratio(&a, &b).unwrap();
        assert!((r.point - 2.0).abs() < 1e-9);
        assert_eq!(r.significant(), Some(true));
        let same = independent_ratio(&a, &a).unwrap();
        assert_eq!(same.point, 1.0);
        assert_eq!(same.significant(), Some(false));
    }

    #[test]
    fn a_slow_first_run_is_noticed() {
        assert!(first_run_slow(&[3.0, 1.0, 1.1, 0.9]));
        assert!(!first_run_slow(&[1.2, 1.0, 1.1, 0.9]));
        assert!(!first_run_slow(&[3.0, 1.0]));
    }
}
