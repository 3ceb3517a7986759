//! A small deterministic random number generator.
//!
//! Exercises compare learners' results against fixed expected values, so random
//! numbers must be identical on every machine and compiler. [`Rng`] therefore
//! uses only integer arithmetic and IEEE-754 basic operations (+ − × ÷ √), which
//! are exactly rounded everywhere — no platform `ln`/`sin`/`cos`.
//!
//! * Integers: SplitMix64 (Steele, Lea & Flood, 2014).
//! * `uniform()`: the top 24 bits of the next integer divided by 2²⁴, so every
//!   value lies in `[0, 1)` exactly.
//! * `normal()`: Marsaglia's polar method, computed in `f64` with a
//!   self-written natural logarithm, then rounded to `f32`.

/// Deterministic SplitMix64 generator (see the [module docs](self)).
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
    spare_normal: Option<f64>,
}

impl Rng {
    /// A generator whose whole sequence is determined by `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng {
            state: seed,
            spare_normal: None,
        }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform `f32` in `[0, 1)`.
    pub fn uniform(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 * (1.0 / (1u64 << 24) as f32)
    }

    /// A uniform `f64` in `[0, 1)` (53 random bits).
    fn uniform_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A sample from the standard normal distribution (mean 0, std 1).
    pub fn normal(&mut self) -> f32 {
        if let Some(spare) = self.spare_normal.take() {
            return spare as f32;
        }
        loop {
            let u = 2.0 * self.uniform_f64() - 1.0;
            let v = 2.0 * self.uniform_f64() - 1.0;
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                let factor = (-2.0 * ln(s) / s).sqrt();
                self.spare_normal = Some(v * factor);
                return (u * factor) as f32;
            }
        }
    }

    /// A uniform integer in `0..n` (`n` must be positive).
    #[track_caller]
    pub fn below(&mut self, n: usize) -> usize {
        assert!(n > 0, "Rng::below: n must be at least 1");
        // Multiply-shift maps 64 random bits onto 0..n with negligible bias.
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }

    /// Shuffles `items` in place (Fisher–Yates), e.g. to shuffle a dataset.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// Natural logarithm of a positive, normal `f64`, using only basic operations
/// so that it gives the same bits on every platform.
fn ln(x: f64) -> f64 {
    debug_assert!(x > 0.0 && x.is_normal());
    // x = m · 2^e with m in [1, 2), then move m into [√½, √2) so the series
    // below converges fast.
    let bits = x.to_bits();
    let mut exponent = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    if m > std::f64::consts::SQRT_2 {
        m /= 2.0;
        exponent += 1;
    }
    // ln(m) = 2·atanh(t) = 2(t + t³/3 + t⁵/5 + …) with t = (m−1)/(m+1), |t| < 0.172.
    let t = (m - 1.0) / (m + 1.0);
    let t2 = t * t;
    let mut term = t;
    let mut sum = 0.0;
    for k in 0..14 {
        sum += term / (2 * k + 1) as f64;
        term *= t2;
    }
    exponent as f64 * std::f64::consts::LN_2 + 2.0 * sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_ln_matches_std_ln() {
        for &x in &[
            1e-300, 1e-10, 0.001, 0.25, 0.5, 0.7, 0.999_999, 1.0, 1.5, 2.0, 10.0, 1e10,
        ] {
            let ours = ln(x);
            let std = x.ln();
            assert!(
                (ours - std).abs() <= 1e-15 * std.abs().max(1.0),
                "ln({x}): ours {ours}, std {std}"
            );
        }
    }

    #[test]
    fn splitmix64_reference_values() {
        // First outputs of SplitMix64 seeded with 1234567, as published on
        // Rosetta Code ("Pseudo-random numbers/Splitmix64").
        let mut rng = Rng::new(1234567);
        let expected: [u64; 5] = [
            6457827717110365317,
            3203168211198807973,
            9817491932198370423,
            4593380528125082431,
            16408922859458223821,
        ];
        for e in expected {
            assert_eq!(rng.next_u64(), e);
        }
    }
}
