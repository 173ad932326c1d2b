//! Statistics over repeated runs, pure functions over slices: summaries with a confidence
//! interval of the median, outliers by the modified Z-score (as hyperfine flags them), and ratios
//! with intervals, paired (two models in the same repetitions) or independent (two saved results).
//!
//! The interval of a median (of a figure, or of paired ratios) is the distribution-free one from
//! order statistics: the k-th smallest and k-th largest runs, with k the largest for which the
//! binomial(n, ½) law gives at least 95 % coverage. It assumes nothing about the shape of the
//! noise, is exact rather than resampled, and exists from 6 runs on (with 5, the widest interval,
//! min to max, covers the median only 93.75 % of the time). Two independent samples (a saved
//! result against a new one) are compared by a seeded bootstrap resampling both.
//! Medians, quantiles, means and deviations come from `statrs`.

use crate::record::Summary;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use statrs::distribution::{Binomial, DiscreteCDF};
use statrs::statistics::{Data, OrderStatistics, Statistics};

/// Fewest runs for a 95 % interval of a median (see the module's notes).
pub const MIN_RUNS_FOR_INTERVAL: usize = 6;
/// Confidence of every interval.
pub const CONFIDENCE: f64 = 0.95;
/// Bootstrap resamples per interval of an independent ratio.
pub const RESAMPLES: usize = 2000;
/// Seed of the bootstrap, so reports are reproducible.
pub const BOOTSTRAP_SEED: u64 = 0x00C0_FFEE;
/// |modified Z| above this flags an outlier: hyperfine's threshold (Iglewicz and Hoaglin's 3.5
/// flags run-to-run jitter of a fraction of a per cent when runs are very steady).
pub const OUTLIER_Z: f64 = 14.0;
/// Coefficient of variation above which the spread is called large.
pub const LARGE_SPREAD_CV: f64 = 0.10;

/// Whether a figure's runs spread widely (coefficient of variation above [`LARGE_SPREAD_CV`]).
pub fn large_spread(s: &Summary) -> bool {
    s.n >= 2 && s.cv() > LARGE_SPREAD_CV
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

/// The distribution-free 95 % interval of the median of `xs`: its k-th smallest and k-th largest
/// values, k the largest with P(k ≤ Binomial(n, ½) ≤ n − k) ≥ 95 %. `None` below
/// [`MIN_RUNS_FOR_INTERVAL`] values (or with a NaN among them).
pub fn median_ci(xs: &[f64]) -> Option<(f64, f64)> {
    let n = xs.len();
    if n < MIN_RUNS_FOR_INTERVAL || xs.iter().any(|x| x.is_nan()) {
        return None;
    }
    let law = Binomial::new(0.5, n as u64).ok()?;
    // Coverage of [x(k), x(n+1-k)] is 1 − 2·P(X ≤ k − 1); it falls as k grows.
    let k = (1..=n / 2).take_while(|&k| 1.0 - 2.0 * law.cdf(k as u64 - 1) >= CONFIDENCE).last()?;
    let mut sorted = xs.to_vec();
    sorted.sort_by(f64::total_cmp);
    Some((sorted[k - 1], sorted[n - k]))
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
        ci95: median_ci(xs),
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
/// interval of that median. `None` without a valid pair.
pub fn paired_ratio(pairs: &[(f64, f64)]) -> Option<RatioStat> {
    let ratios: Vec<f64> =
        pairs.iter().filter(|(a, b)| *a > 0.0 && *b > 0.0).map(|(a, b)| a / b).filter(|r| r.is_finite()).collect();
    if ratios.is_empty() {
        return None;
    }
    Some(RatioStat { point: median(&ratios), ci95: median_ci(&ratios), n: ratios.len() })
}

/// median(b) / median(a) of two independent samples (a saved result against a new one), with a
/// bootstrap interval resampling both. The interval needs [`MIN_RUNS_FOR_INTERVAL`] runs on each side.
pub fn independent_ratio(a: &[f64], b: &[f64]) -> Option<RatioStat> {
    let (ma, mb) = (median(a), median(b));
    if !(ma > 0.0 && mb > 0.0 && mb.is_finite()) {
        return None;
    }
    let n = a.len().min(b.len());
    let ci95 = if n >= MIN_RUNS_FOR_INTERVAL {
        let mut rng = SmallRng::seed_from_u64(BOOTSTRAP_SEED);
        let (mut ra, mut rb) = (vec![0.0; a.len()], vec![0.0; b.len()]);
        let mut draw = |into: &mut [f64], from: &[f64]| {
            into.iter_mut().for_each(|x| *x = from[rng.random_range(0..from.len())]);
            median(into)
        };
        let ratios: Vec<f64> = (0..RESAMPLES)
            .map(|_| {
                let ma = draw(&mut ra, a);
                draw(&mut rb, b) / ma
            })
            .filter(|r| r.is_finite() && *r > 0.0)
            .collect();
        // Too many resamples without a ratio: no interval worth the name.
        (ratios.len() >= RESAMPLES / 2).then(|| {
            let mut data = Data::new(ratios);
            let tail = (1.0 - CONFIDENCE) / 2.0;
            (data.quantile(tail), data.quantile(1.0 - tail))
        })
    } else {
        None
    };
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
        assert_eq!(s.ci95, None, "5 runs: no interval reaches 95 %");
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(mad(&[1.0, 2.0, 3.0, 4.0, 100.0]), 1.0);
    }

    #[test]
    fn median_intervals_are_the_order_statistics_binomial_coverage_allows() {
        // 6 runs: min..max covers 1 − 2/64 = 96.9 %.
        assert_eq!(median_ci(&[6.0, 1.0, 5.0, 2.0, 4.0, 3.0]), Some((1.0, 6.0)));
        // 10 runs: 2nd..9th covers 97.9 %, 3rd..8th only 89.1 %.
        let xs = [10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0];
        assert_eq!(median_ci(&xs), Some((11.0, 18.0)));
        // 30 runs: 10th..21st (95.7 %; 11th..20th would be 90.1 %).
        let xs: Vec<f64> = (1..=30).map(f64::from).collect();
        assert_eq!(median_ci(&xs), Some((10.0, 21.0)));
        assert_eq!(median_ci(&xs[..5]), None, "too few runs for a 95 % interval");
        assert_eq!(median_ci(&[2.0; 6]), Some((2.0, 2.0)), "identical runs: a zero-width interval");
        assert_eq!(median_ci(&[1.0, 2.0, f64::NAN, 3.0, 4.0, 5.0]), None);
    }

    #[test]
    fn one_run_has_no_spread_and_no_interval() {
        let s = summarize(&[0.25]);
        assert_eq!((s.n, s.median, s.sd, s.ci95), (1, 0.25, 0.0, None));
        assert!(!large_spread(&s));
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
        assert!(paired_ratio(&[(0.0, 1.0)]).is_none(), "a zero time is no measurement");
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
