//! Scaling analysis, pure functions over (concurrency, time) points: speed-up and efficiency the
//! way the source computed them, the knee of the curve, the Universal Scalability Law fit, and
//! per-worker memory slopes.

/// One point of a sweep.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// The swept setting (workers, in-flight limit).
    pub setting: f64,
    /// Seconds the run took.
    pub time_s: f64,
}

/// Speed-up from the first point to the last, and what the setting ratio promised.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Span {
    /// last setting / first setting (the source's "20.0x more workers").
    pub setting_ratio: f64,
    /// first time / last time.
    pub speedup: f64,
    /// speedup / setting_ratio (the source's "efficiency").
    pub efficiency: f64,
}

/// The source's analysis lines: `None` with fewer than two points or a non-increasing setting.
pub fn span(points: &[Point]) -> Option<Span> {
    let (first, last) = (points.first()?, points.last()?);
    let setting_ratio = super::ratio(last.setting, first.setting)?;
    let speedup = super::ratio(first.time_s, last.time_s)?;
    (points.len() >= 2 && setting_ratio > 1.0).then(|| Span {
        setting_ratio,
        speedup,
        efficiency: speedup / setting_ratio,
    })
}

/// Gain in speed per doubling of the setting between two points: 1.0 means time halved with
/// every doubling (ideal), 0.0 no gain, negative slower. Normalising per doubling lets uneven
/// lists (50, 100, 200, 1000) be judged alike.
pub fn gain_per_doubling(a: Point, b: Point) -> Option<f64> {
    let doublings = (b.setting / a.setting).log2();
    if !(doublings.is_finite() && doublings > 0.0 && a.time_s > 0.0 && b.time_s > 0.0) {
        return None;
    }
    Some((a.time_s / b.time_s).powf(1.0 / doublings) - 1.0)
}

/// The knee: the smallest setting past which every further step gains less than `threshold`
/// per doubling (e.g. 0.10: less than 10 % faster per doubling). `None` when the last step
/// still gains at least that much (no knee within the sweep).
pub fn knee(points: &[Point], threshold: f64) -> Option<f64> {
    let gains: Vec<Option<f64>> = points.windows(2).map(|w| gain_per_doubling(w[0], w[1])).collect();
    let mut knee = None;
    for (i, g) in gains.iter().enumerate().rev() {
        match g {
            Some(g) if *g < threshold => knee = Some(points[i].setting),
            _ => break,
        }
    }
    knee
}

/// Universal Scalability Law: X(N) = λN / (1 + σ(N−1) + κN(N−1)).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Usl {
    /// Throughput of one unit of concurrency (per second).
    pub lambda: f64,
    /// Contention (serialised share), 0..1.
    pub sigma: f64,
    /// Coherency (cross-talk) cost.
    pub kappa: f64,
    /// Coefficient of determination of the fit on throughput.
    pub r_squared: f64,
}

impl Usl {
    pub fn throughput(&self, n: f64) -> f64 {
        self.lambda * n / (1.0 + self.sigma * (n - 1.0) + self.kappa * n * (n - 1.0))
    }

    /// The concurrency of peak throughput, sqrt((1−σ)/κ); `None` when κ is zero (no peak).
    pub fn peak_concurrency(&self) -> Option<f64> {
        (self.kappa > 0.0 && self.sigma < 1.0).then(|| ((1.0 - self.sigma) / self.kappa).sqrt())
    }
}

/// Fewest distinct concurrency levels for a fit of three parameters to mean anything.
pub const USL_MIN_POINTS: usize = 4;

/// Solves a small square linear system by Gaussian elimination with partial pivoting.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        let pivot_row = a[col].clone();
        for row in col + 1..n {
            let f = a[row][col] / pivot_row[col];
            for (x, p) in a[row].iter_mut().zip(&pivot_row).skip(col) {
                *x -= f * p;
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let s: f64 = (row + 1..n).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - s) / a[row][row];
    }
    Some(x)
}

/// Least squares of y on the basis functions 1, n−1, n(n−1) of n, using only those in `used`;
/// returns all three coefficients (zero for the unused).
fn least_squares(data: &[(f64, f64)], used: &[usize]) -> Option<[f64; 3]> {
    let basis = |n: f64| [1.0, n - 1.0, n * (n - 1.0)];
    let k = used.len();
    let mut ata = vec![vec![0.0; k]; k];
    let mut atb = vec![0.0; k];
    for &(n, y) in data {
        let f = basis(n);
        for (i, &bi) in used.iter().enumerate() {
            atb[i] += f[bi] * y;
            for (j, &bj) in used.iter().enumerate() {
                ata[i][j] += f[bi] * f[bj];
            }
        }
    }
    let x = solve(ata, atb)?;
    let mut coef = [0.0; 3];
    for (i, &bi) in used.iter().enumerate() {
        coef[bi] = x[i];
    }
    Some(coef)
}

/// Fits the USL to (concurrency, throughput) points. Uses the standard linearisation
/// N/X = 1/λ + (σ/λ)(N−1) + (κ/λ)N(N−1), with σ, κ ≥ 0 enforced by refitting without a
/// coefficient that comes out negative. `None` with fewer than [`USL_MIN_POINTS`] distinct levels.
pub fn fit_usl(points: &[(f64, f64)]) -> Option<Usl> {
    let mut levels: Vec<f64> = points.iter().map(|p| p.0).collect();
    levels.sort_by(f64::total_cmp);
    levels.dedup();
    if levels.len() < USL_MIN_POINTS || points.iter().any(|&(n, x)| n < 1.0 || x <= 0.0) {
        return None;
    }
    let data: Vec<(f64, f64)> = points.iter().map(|&(n, x)| (n, n / x)).collect();
    let mut used = vec![0, 1, 2];
    let coef = loop {
        let c = least_squares(&data, &used)?;
        match used.iter().position(|&i| i > 0 && c[i] < 0.0) {
            Some(at) => _ = used.remove(at),
            None => break c,
        }
    };
    if coef[0] <= 0.0 {
        return None;
    }
    let lambda = 1.0 / coef[0];
    let usl = Usl { lambda, sigma: coef[1] * lambda, kappa: coef[2] * lambda, r_squared: 0.0 };
    let mean = points.iter().map(|p| p.1).sum::<f64>() / points.len() as f64;
    let ss_tot: f64 = points.iter().map(|p| (p.1 - mean).powi(2)).sum();
    let ss_res: f64 = points.iter().map(|&(n, x)| (x - usl.throughput(n)).powi(2)).sum();
    let r_squared = if ss_tot > 0.0 { 1.0 - ss_res / ss_tot } else { 1.0 };
    Some(Usl { r_squared, ..usl })
}

/// The serial fraction implied by a measured speed-up on `p` processors, by Amdahl's law solved
/// for it (the Karp–Flatt metric): e = (p/S − 1) / (p − 1). 0: perfectly parallel; 1: fully serial.
/// `None` for p ≤ 1 or a non-positive speed-up.
pub fn serial_fraction(speedup: f64, p: usize) -> Option<f64> {
    (p > 1 && speedup > 0.0 && speedup.is_finite()).then(|| (p as f64 / speedup - 1.0) / (p as f64 - 1.0))
}

/// Slope of the least-squares line through (x, y): y per unit of x. `None` with fewer than two
/// distinct x.
pub fn slope(points: &[(f64, f64)]) -> Option<f64> {
    let n = points.len() as f64;
    let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    (points.len() >= 2 && sxx > 0.0).then(|| sxy / sxx)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pts(v: &[(f64, f64)]) -> Vec<Point> {
        v.iter().map(|&(setting, time_s)| Point { setting, time_s }).collect()
    }

    #[test]
    fn span_reproduces_the_source_analysis() {
        // The source: 50 → 1000 workers, 5.53 s → 5.66 s: 20.0x more, 0.98x speed-up, 4.9 %.
        let s = span(&pts(&[(50.0, 5.53), (100.0, 5.67), (200.0, 5.77), (1000.0, 5.66)])).unwrap();
        assert!((s.setting_ratio - 20.0).abs() < 1e-9);
        assert!((s.speedup - 0.977).abs() < 1e-3);
        assert!((s.efficiency - 0.0489).abs() < 1e-3);
        assert!(span(&pts(&[(50.0, 1.0)])).is_none());
    }

    #[test]
    fn gains_are_per_doubling() {
        let ideal = gain_per_doubling(Point { setting: 50.0, time_s: 4.0 }, Point { setting: 200.0, time_s: 1.0 });
        assert!((ideal.unwrap() - 1.0).abs() < 1e-9);
        let flat = gain_per_doubling(Point { setting: 200.0, time_s: 1.0 }, Point { setting: 1000.0, time_s: 1.0 });
        assert!(flat.unwrap().abs() < 1e-9);
        assert!(gain_per_doubling(Point { setting: 2.0, time_s: 1.0 }, Point { setting: 1.0, time_s: 1.0 }).is_none());
    }

    #[test]
    fn the_knee_is_where_gains_stop() {
        // Halving per doubling up to 16, then flat: the knee is 16.
        let p = pts(&[(1.0, 16.0), (2.0, 8.0), (4.0, 4.0), (8.0, 2.0), (16.0, 1.0), (32.0, 0.98), (64.0, 0.99)]);
        assert_eq!(knee(&p, 0.10), Some(16.0));
        // Still scaling at the end: no knee.
        assert_eq!(knee(&p[..5], 0.10), None);
        // The source's plateau: flat from the first point.
        assert_eq!(knee(&pts(&[(50.0, 5.53), (100.0, 5.67), (200.0, 5.77), (1000.0, 5.66)]), 0.10), Some(50.0));
    }

    #[test]
    fn usl_fit_recovers_known_parameters() {
        let truth = Usl { lambda: 10.0, sigma: 0.05, kappa: 0.002, r_squared: 1.0 };
        let data: Vec<(f64, f64)> =
            [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0].iter().map(|&n| (n, truth.throughput(n))).collect();
        let fit = fit_usl(&data).unwrap();
        assert!((fit.lambda - 10.0).abs() < 1e-6, "{fit:?}");
        assert!((fit.sigma - 0.05).abs() < 1e-6 && (fit.kappa - 0.002).abs() < 1e-6, "{fit:?}");
        assert!(fit.r_squared > 0.999);
        assert!((fit.peak_concurrency().unwrap() - (0.95f64 / 0.002).sqrt()).abs() < 1e-6);
    }

    #[test]
    fn usl_fit_keeps_coefficients_non_negative_and_needs_four_levels() {
        // Perfectly linear scaling: σ = κ = 0.
        let linear: Vec<(f64, f64)> = [1.0, 2.0, 4.0, 8.0].iter().map(|&n| (n, 5.0 * n)).collect();
        let fit = fit_usl(&linear).unwrap();
        assert!(fit.sigma.abs() < 1e-9 && fit.kappa.abs() < 1e-9 && (fit.lambda - 5.0).abs() < 1e-9, "{fit:?}");
        assert!(fit.peak_concurrency().is_none());
        assert!(fit_usl(&linear[..3]).is_none());
        assert!(fit_usl(&[(1.0, 1.0), (1.0, 1.1), (2.0, 2.0), (2.0, 2.1)]).is_none());
    }

    #[test]
    fn serial_fraction_inverts_amdahl() {
        // Amdahl's law: the speed-up on `p` processors of work whose serial fraction is `f`.
        let amdahl = |f: f64, p: usize| 1.0 / (f + (1.0 - f) / p as f64);
        // The source: processes 5.43x on 12 cores → e ≈ 0.110; threads 0.83x → e > 1 (slower).
        let e = serial_fraction(5.43, 12).unwrap();
        assert!((e - 0.1100).abs() < 1e-3, "{e}");
        assert!((amdahl(e, 12) - 5.43).abs() < 1e-9);
        assert!(serial_fraction(0.83, 12).unwrap() > 1.0);
        assert_eq!(serial_fraction(2.0, 2), Some(0.0));
        assert_eq!(serial_fraction(1.0, 1), None);
        assert_eq!(serial_fraction(0.0, 4), None);
    }

    #[test]
    fn slopes_are_least_squares() {
        assert_eq!(slope(&[(1.0, 3.0), (2.0, 5.0), (3.0, 7.0)]), Some(2.0));
        assert_eq!(slope(&[(1.0, 3.0)]), None);
        assert_eq!(slope(&[(1.0, 3.0), (1.0, 4.0)]), None);
    }
}
