//! The CPU-bound workload: task `i` counts the primes up to n_i by trial division, the way a Python
//! script of the source report would. The sizes are reproducible in any language: x_i is the
//! i-th output of SplitMix64 seeded with `seed`, and n_i = lo + x_i mod (hi − lo + 1).

use super::{BoxFuture, TaskCx, Workload};
use crate::record::{CpuSpec, Kernel};
use crate::record::{TaskError, TaskOutcome};

/// Counts the primes ≤ n with `kernel`, offering `cx` a check-point for every candidate.
pub fn count_primes(n: u64, kernel: Kernel, cx: &TaskCx) -> u64 {
    let n = std::hint::black_box(n);
    match kernel {
        Kernel::Plain => (2..=n)
            .filter(|&k| {
                cx.checkpoint();
                (2..=k.isqrt()).all(|d| k % d != 0)
            })
            .count() as u64,
        Kernel::Odd => (2..=n)
            .filter(|&k| {
                cx.checkpoint();
                k == 2 || (k % 2 != 0 && (3..=k.isqrt()).step_by(2).all(|d| k % d != 0))
            })
            .count() as u64,
        Kernel::Sieve => {
            if n < 2 {
                return 0;
            }
            let mut composite = vec![false; n as usize + 1];
            let mut count = 0;
            for k in 2..=n as usize {
                if !composite[k] {
                    count += 1;
                    cx.checkpoint();
                    let mut m = k * k;
                    while m <= n as usize {
                        composite[m] = true;
                        m += k;
                    }
                }
            }
            count
        }
    }
}

/// π(n) for every n in `sizes`: the reference every model's counts are checked against.
///
/// One pass of a segmented sieve of Eratosthenes over the odd numbers up to the largest size,
/// counting primes as it goes and noting the count as it passes each size (in sorted order). Its
/// memory is the primes up to √max and one segment, whatever the sizes (10^9 included).
pub fn reference_counts(sizes: &[u64]) -> Vec<u64> {
    /// Odd numbers per segment (a flag byte each: 32 KiB, covering 64 Ki numbers).
    const SEGMENT: u64 = 32 * 1024;
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_unstable_by_key(|&k| sizes[k]);
    let mut counts = vec![0u64; sizes.len()];
    let Some(&max) = order.last().map(|&k| &sizes[k]) else { return counts };
    let mut pending = order.iter().copied().peekable();
    // Every size below `k` gets the count of the primes below `k`.
    let mut settle_below = |k: u64, count: u64, counts: &mut [u64]| {
        while let Some(i) = pending.next_if(|&i| sizes[i] < k) {
            counts[i] = count;
        }
    };
    // The odd primes up to √max, which are all the sieve needs.
    let root = max.isqrt();
    let mut small_composite = vec![false; root as usize + 1];
    let mut small_primes = Vec::new();
    for p in (3..=root).step_by(2) {
        if !small_composite[p as usize] {
            small_primes.push(p);
            for m in (p * p..=root).step_by(2 * p as usize) {
                small_composite[m as usize] = true;
            }
        }
    }
    settle_below(2, 0, &mut counts);
    let mut count = u64::from(max >= 2);
    // Segments of odd numbers lo, lo + 2, ..., from 3 on.
    let mut composite = vec![false; SEGMENT as usize];
    let mut lo = 3;
    while lo <= max {
        let len = SEGMENT.min((max - lo) / 2 + 1);
        let hi = lo + 2 * (len - 1);
        composite[..len as usize].fill(false);
        for &p in small_primes.iter().take_while(|&&p| p * p <= hi) {
            // The first odd multiple of p from max(p², lo).
            let mut m = (p * p).max(lo.div_ceil(p) * p);
            if m % 2 == 0 {
                m += p;
            }
            for j in ((m - lo) / 2..len).step_by(p as usize) {
                composite[j as usize] = true;
            }
        }
        for (j, &c) in composite[..len as usize].iter().enumerate() {
            if !c {
                let k = lo + 2 * j as u64;
                settle_below(k, count, &mut counts);
                count += 1;
            }
        }
        lo = hi + 2;
    }
    settle_below(u64::MAX, count, &mut counts);
    counts
}

/// The CPU workload, ready to run.
pub struct CpuWorkload {
    spec: CpuSpec,
}

impl CpuWorkload {
    pub fn new(spec: CpuSpec) -> Self {
        CpuWorkload { spec }
    }
}

impl Workload for CpuWorkload {
    fn run_blocking(&self, task: usize, cx: &TaskCx) -> Result<TaskOutcome, TaskError> {
        Ok(TaskOutcome::new(count_primes(self.spec.size(task), self.spec.kernel, cx)))
    }

    /// Computes inline, on the event loop: async does not make CPU work any faster.
    fn run_async(&self, task: usize) -> BoxFuture<'_, Result<TaskOutcome, TaskError>> {
        Box::pin(async move { self.run_blocking(task, &TaskCx::FREE) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::SizeRange;
    use crate::seed::SplitMix64;

    #[test]
    fn prime_counts_are_right_for_every_kernel() {
        for kernel in [Kernel::Plain, Kernel::Odd, Kernel::Sieve] {
            for (n, pi) in [(0, 0), (1, 0), (2, 1), (3, 2), (10, 4), (100, 25), (1000, 168), (100_000, 9592)] {
                assert_eq!(count_primes(n, kernel, &TaskCx::FREE), pi, "{kernel} π({n})");
            }
        }
    }

    #[test]
    fn reference_counts_match_the_kernels() {
        let sizes = [0, 1, 2, 10, 100, 1000, 100_000, 99_991];
        let counts = reference_counts(&sizes);
        for (n, pi) in sizes.iter().zip(counts) {
            assert_eq!(count_primes(*n, Kernel::Odd, &TaskCx::FREE), pi, "π({n})");
        }
    }

    #[test]
    fn reference_counts_are_right_across_segments_and_in_any_order() {
        // Known values of π, some well past the first segments (65 536 numbers each).
        let known = [(10_000_000, 664_579), (1_000_000, 78_498), (65_537, 6_543), (65_536, 6_542), (3, 2), (2, 1)];
        let (sizes, pis): (Vec<u64>, Vec<u64>) = known.into_iter().unzip();
        assert_eq!(reference_counts(&sizes), pis);
        assert_eq!(reference_counts(&[]), Vec::<u64>::new());
        assert_eq!(reference_counts(&[1, 0, 1]), [0, 0, 0]);
        // Every n up to a few segments, against the plain sieve kernel, with repeats.
        let sizes: Vec<u64> = (0..200_000).step_by(997).chain([199_999, 131_071, 131_072, 131_073, 7, 7]).collect();
        let counts = reference_counts(&sizes);
        for (&n, pi) in sizes.iter().zip(counts) {
            assert_eq!(count_primes(n, Kernel::Sieve, &TaskCx::FREE), pi, "π({n})");
        }
    }

    #[test]
    fn sizes_follow_splitmix64_within_the_range() {
        let spec = CpuSpec { range: SizeRange { lo: 50_000, hi: 150_000 }, seed: 42, kernel: Kernel::Plain };
        let mut g = SplitMix64::new(42);
        for i in 0..100 {
            let n = spec.size(i);
            assert_eq!(n, 50_000 + g.next_u64() % 100_001);
            assert!((50_000..=150_000).contains(&n));
        }
        let one = CpuSpec { range: SizeRange { lo: 7, hi: 7 }, ..spec };
        assert_eq!(one.size(3), 7);
    }

    #[test]
    fn ranges_parse_and_refuse_nonsense() {
        assert_eq!("50000..150000".parse(), Ok(SizeRange { lo: 50_000, hi: 150_000 }));
        assert_eq!("10k..20k".parse(), Ok(SizeRange { lo: 10_000, hi: 20_000 }));
        for bad in ["", "5", "150000..50000", "a..b", "1..2000000000", "..5"] {
            assert!(bad.parse::<SizeRange>().is_err(), "{bad}");
        }
    }
}
