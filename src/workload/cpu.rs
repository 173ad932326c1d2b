//! The CPU-bound workload: task `i` counts the primes up to n_i by trial division, the way a Python
//! script of the source report would. The sizes are reproducible in any language: x_i is the
//! i-th output of SplitMix64 seeded with `seed`, and n_i = lo + x_i mod (hi − lo + 1).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{BoxFuture, TaskCx, TaskError, TaskOutcome, Workload};
use crate::seed::SplitMix64;

/// How primes are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Kernel {
    /// k is prime when no d in 2..=isqrt(k) divides it (the default: what the source did).
    Plain,
    /// The same, trying 2 and then odd divisors only (about 2x less work).
    Odd,
    /// A sieve of Eratosthenes (far less work; allocates n bytes).
    Sieve,
}

impl fmt::Display for Kernel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kernel::Plain => "plain",
            Kernel::Odd => "odd",
            Kernel::Sieve => "sieve",
        })
    }
}

/// An inclusive range of task sizes, written `50000..150000`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SizeRange {
    pub lo: u64,
    pub hi: u64,
}

/// Largest n a task may have: trial division to 10^9 would take minutes per task.
pub const MAX_N: u64 = 1_000_000_000;

impl FromStr for SizeRange {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (lo, hi) =
            s.split_once("..").ok_or_else(|| format!("'{s}' is not a range: write LOW..HIGH, e.g. 50000..150000"))?;
        let parse = |v: &str| crate::units::parse_count(v).map_err(|e| format!("range '{s}': {e}"));
        let (lo, hi) = (parse(lo)?, parse(hi)?);
        if lo > hi {
            return Err(format!("range '{s}' is reversed: the low end is above the high end"));
        }
        if hi > MAX_N {
            return Err(format!("range '{s}' goes beyond {MAX_N}, too big for trial division"));
        }
        Ok(SizeRange { lo, hi })
    }
}

impl fmt::Display for SizeRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.lo, self.hi)
    }
}

/// The CPU workload, as data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CpuSpec {
    pub range: SizeRange,
    pub seed: u64,
    pub kernel: Kernel,
}

impl CpuSpec {
    /// n_i, the size of task `i`.
    pub fn size(&self, i: usize) -> u64 {
        let span = self.range.hi - self.range.lo + 1;
        self.range.lo + SplitMix64::nth(self.seed, i as u64) % span
    }
}

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

/// π(n) for every n in `sizes`, from one sieve up to the largest: the reference every model's
/// counts are checked against.
pub fn reference_counts(sizes: &[u64]) -> Vec<u64> {
    let max = sizes.iter().copied().max().unwrap_or(0) as usize;
    let mut composite = vec![false; max + 1];
    let mut pi = vec![0u64; max + 1];
    let mut count = 0;
    for k in 2..=max {
        if !composite[k] {
            count += 1;
            let mut m = k * k;
            while m <= max {
                composite[m] = true;
                m += k;
            }
        }
        pi[k] = count;
    }
    sizes.iter().map(|&n| pi[n as usize]).collect()
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
