//! SplitMix64: the one seeded generator concbench draws from, chosen because it is four lines in
//! any language, so a Python script can reproduce the same task sizes or latencies.

/// SplitMix64 as usually defined: add the golden gamma to the state, then mix.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GAMMA);
        mix(self.state)
    }

    /// The `i`-th output (from 0) of a generator seeded with `seed`, without generating the
    /// ones before it: the state after i+1 steps is seed + (i+1)·γ.
    pub fn nth(seed: u64, i: u64) -> u64 {
        mix(seed.wrapping_add(GAMMA.wrapping_mul(i.wrapping_add(1))))
    }
}

const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A stable 64-bit mix of a seed and an index: the seed of index `i`'s own random stream.
pub fn derive(seed: u64, index: u64) -> u64 {
    SplitMix64::new(seed ^ SplitMix64::new(index).next_u64()).next_u64()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_reference_vector() {
        assert_eq!(SplitMix64::new(0).next_u64(), 0xe220a8397b1dcdaf);
    }

    #[test]
    fn nth_skips_ahead() {
        let mut g = SplitMix64::new(42);
        for i in 0..100 {
            assert_eq!(g.next_u64(), SplitMix64::nth(42, i));
        }
    }

    #[test]
    fn derived_streams_differ_and_repeat() {
        assert_eq!(derive(42, 7), derive(42, 7));
        assert_ne!(derive(42, 7), derive(42, 8));
        assert_ne!(derive(42, 7), derive(43, 7));
    }
}
