//! A tiny deterministic PRNG (`SplitMix64`), owned here so that sample data never changes with a
//! dependency's version.

/// `SplitMix64` (Steele, Lea & Flood 2014): one `u64` of state, full period, good enough
/// statistical quality for synthetic data, and trivially reproducible everywhere.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    /// A generator for one independent stream: `seed` is the user's seed, `stream` names the
    /// part of the data (customers, quotes, sales…) so that changing the number of sales rows
    /// does not reshuffle the customers.
    pub(crate) fn new(seed: u64, stream: u64) -> Rng {
        let mut r = Rng(seed ^ stream.wrapping_mul(0xA076_1D64_78BD_642F));
        // Warm up so that nearby seeds diverge at once.
        r.next_u64();
        r
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when `n` is 0), by Lemire's multiply-high (bias below 2⁻⁶⁴·n).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform index into a slice of length `n`.
    pub(crate) fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub(crate) fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `per_10k / 10 000` (integers only: no float rounding to differ).
    pub(crate) fn chance(&mut self, per_10k: u64) -> bool {
        self.below(10_000) < per_10k
    }

    /// One of `items`, chosen with the given integer weights (all weights 0 → the first).
    pub(crate) fn weighted<T: Copy>(&mut self, items: &[(T, u64)]) -> T {
        let total: u64 = items.iter().map(|(_, w)| w).sum();
        let mut pick = self.below(total);
        for &(item, w) in items {
            if pick < w {
                return item;
            }
            pick -= w;
        }
        items[0].0
    }
}

#[cfg(test)]
mod tests {
    use super::Rng;

    #[test]
    fn same_seed_same_stream() {
        let a: Vec<u64> = {
            let mut r = Rng::new(1, 2);
            (0..5).map(|_| r.next_u64()).collect()
        };
        let mut r = Rng::new(1, 2);
        let b: Vec<u64> = (0..5).map(|_| r.next_u64()).collect();
        assert_eq!(a, b);
        let mut other = Rng::new(1, 3);
        assert_ne!(a[0], other.next_u64());
    }

    #[test]
    fn below_stays_in_range() {
        let mut r = Rng::new(7, 0);
        for n in [1, 2, 3, 10, 1000] {
            for _ in 0..200 {
                assert!(r.below(n) < n);
            }
        }
        assert_eq!(r.below(0), 0);
        for _ in 0..100 {
            let v = r.range(3, 5);
            assert!((3..=5).contains(&v));
        }
    }

    #[test]
    fn splitmix_reference_value() {
        // First output of SplitMix64 seeded with 0 (no warm-up), as published.
        let mut r = super::Rng(0);
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
    }
}
