//! Faults the mock API injects, so a benchmark of a misbehaving API can be tested: error
//! statuses, rate limiting, stalls, slow bodies, connections cut mid-response, and a listener that
//! closes (later connections are refused). All seeded and reproducible: whether request `id`
//! (attempt `a`, from the `x-concbench-attempt` header) meets a fault depends only on the seed,
//! the id and the attempt. Faults are combinable (each request meets at most one of the
//! share-based ones) and settable per request in the query string: `?error_rate=0.5`.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};

pub use crate::record::server::{Faults, Rate};

/// Salt of the fault draws, so they are independent of the latency draws.
const FAULT_SALT: u64 = 0xFA17_FA17_FA17_FA17;

/// What happens to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    None,
    Error(u16),
    Stall,
    Reset,
    SlowBody,
}

/// Drawing the fault a request meets (the server's side of [`Faults`]).
pub trait Draw {
    /// The fault request `id`'s attempt `attempt` meets.
    fn draw(&self, seed: u64, id: u64, attempt: u64) -> Fault;
}

impl Draw for Faults {
    fn draw(&self, seed: u64, id: u64, attempt: u64) -> Fault {
        draw(self, seed, id, attempt)
    }
}

/// The fault request `id`'s attempt `attempt` meets under `faults`.
pub fn draw(faults: &Faults, seed: u64, id: u64, attempt: u64) -> Fault {
    if faults.error_rate + faults.stall_rate + faults.reset_rate + faults.slow_body_rate == 0.0 {
        return Fault::None;
    }
    let mix = crate::seed::derive(seed ^ FAULT_SALT, id.wrapping_mul(1_000_003).wrapping_add(attempt));
    let u: f64 = rand::rngs::SmallRng::seed_from_u64(mix).random();
    let mut edge = 0.0;
    for (share, fault) in [
        (faults.error_rate, if mix & 1 == 0 { Fault::Error(500) } else { Fault::Error(503) }),
        (faults.stall_rate, Fault::Stall),
        (faults.reset_rate, Fault::Reset),
        (faults.slow_body_rate, Fault::SlowBody),
    ] {
        edge += share;
        if u < edge {
            return fault;
        }
    }
    Fault::None
}

/// A token bucket: `rate` tokens a second, holding at most a second's worth (and at least one),
/// the way API rate limits usually allow a burst.
pub struct Bucket {
    rate: f64,
    capacity: f64,
    state: Mutex<(f64, Instant)>,
}

impl Bucket {
    pub fn new(rate: Rate) -> Self {
        let capacity = rate.per_second.max(1.0);
        Bucket { rate: rate.per_second, capacity, state: Mutex::new((capacity, Instant::now())) }
    }

    /// Takes a token, or says how long until one is free.
    pub fn take(&self) -> Result<(), Duration> {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        s.0 = (s.0 + now.duration_since(s.1).as_secs_f64() * self.rate).min(self.capacity);
        s.1 = now;
        if s.0 >= 1.0 {
            s.0 -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - s.0) / self.rate))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_are_reproducible_disjoint_and_near_their_shares() {
        let f =
            Faults { error_rate: 0.1, stall_rate: 0.05, reset_rate: 0.05, slow_body_rate: 0.1, ..Faults::default() };
        let draws: Vec<Fault> = (0..10_000).map(|id| f.draw(42, id, 0)).collect();
        assert_eq!(draws, (0..10_000).map(|id| f.draw(42, id, 0)).collect::<Vec<_>>());
        let share = |p: &dyn Fn(&Fault) -> bool| draws.iter().filter(|d| p(d)).count() as f64 / 10_000.0;
        assert!((share(&|d| matches!(d, Fault::Error(_))) - 0.1).abs() < 0.02);
        assert!((share(&|d| *d == Fault::Stall) - 0.05).abs() < 0.015);
        assert!((share(&|d| *d == Fault::None) - 0.7).abs() < 0.03);
        assert!(share(&|d| *d == Fault::Error(500)) > 0.03 && share(&|d| *d == Fault::Error(503)) > 0.03);
        // A retry of the same id is a new draw.
        assert!((0..1000).any(|id| f.draw(42, id, 0) != f.draw(42, id, 1)));
        assert!((0..1000).all(|id| Faults::default().draw(42, id, 0) == Fault::None));
    }

    #[test]
    fn query_strings_override_shares_and_are_checked() {
        let base = Faults::default();
        let q = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        assert_eq!(base.with_query(&q(&[("error_rate", "0.5")])).unwrap().error_rate, 0.5);
        assert!(base.with_query(&q(&[("error_rate", "2")])).is_err());
        assert!(base.with_query(&q(&[("error_rate", "0.6"), ("stall_rate", "0.6")])).is_err());
        assert!(base.with_query(&q(&[("unrelated", "x")])).is_ok());
    }

    #[test]
    fn rates_parse() {
        assert_eq!("100/s".parse::<Rate>().unwrap().per_second, 100.0);
        assert_eq!("600/m".parse::<Rate>().unwrap().per_second, 10.0);
        for bad in ["", "100", "0/s", "-5/s", "x/s", "5/h", "1e9/s"] {
            assert!(bad.parse::<Rate>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_bucket_limits_the_rate() {
        let b = Bucket::new(Rate { per_second: 100.0 });
        let taken = (0..500).filter(|_| b.take().is_ok()).count();
        assert!((100..=102).contains(&taken), "a burst of one second's worth: {taken}");
        assert!(b.take().unwrap_err() <= Duration::from_millis(11));
    }
}
