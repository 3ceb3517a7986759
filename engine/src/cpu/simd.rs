//! Which vector instructions the CPU kernels use: the widest set this CPU
//! has, or a narrower one when `NMA_SIMD` asks for it, so that a machine
//! with AVX-512 can also measure (and test) the AVX2 code that most
//! laptops run. Read once per process.

/// A set of vector instructions the kernels are compiled for, narrowest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SimdPath {
    /// Any x86-64 (SSE2) or another architecture: elementwise loops as the
    /// compiler vectorises them, products on `matrixmultiply`.
    Baseline,
    /// AVX2 with FMA (x86-64 since about 2013): 8-float vectors, our packed
    /// product with 6 × 16 tiles.
    Avx2,
    /// AVX-512F (with AVX2 and FMA, which its path also runs): 16-float
    /// vectors, our packed product with 8 × 32 tiles.
    Avx512,
}

impl SimdPath {
    /// The name `NMA_SIMD` takes and the benches print.
    pub fn name(self) -> &'static str {
        match self {
            SimdPath::Baseline => "baseline",
            SimdPath::Avx2 => "avx2",
            SimdPath::Avx512 => "avx512",
        }
    }

    /// Floats per vector register.
    pub(crate) fn width(self) -> u8 {
        match self {
            SimdPath::Baseline => 4,
            SimdPath::Avx2 => 8,
            SimdPath::Avx512 => 16,
        }
    }

    fn parse(name: &str) -> Option<SimdPath> {
        match name.trim().to_ascii_lowercase().as_str() {
            "avx512" | "avx-512" | "avx512f" => Some(SimdPath::Avx512),
            "avx2" => Some(SimdPath::Avx2),
            "baseline" | "sse2" | "portable" | "none" => Some(SimdPath::Baseline),
            _ => None,
        }
    }
}

/// The widest set this CPU supports.
pub fn detected() -> SimdPath {
    #[cfg(target_arch = "x86_64")]
    {
        let avx2 = std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma");
        // The AVX-512 path also runs AVX2 code (8 × 8 transposes, row
        // chains): every real AVX-512 CPU has it, but a virtual CPU may show
        // one without the other.
        if avx2 && std::is_x86_feature_detected!("avx512f") {
            return SimdPath::Avx512;
        }
        if avx2 {
            return SimdPath::Avx2;
        }
    }
    SimdPath::Baseline
}

/// The set the kernels use: [`detected`], lowered to `NMA_SIMD` where that
/// names a narrower one (a wider one than the CPU has cannot be used, and an
/// unknown name is reported once and ignored).
pub fn path() -> SimdPath {
    use std::sync::OnceLock;
    static PATH: OnceLock<SimdPath> = OnceLock::new();
    *PATH.get_or_init(|| {
        let best = detected();
        match std::env::var("NMA_SIMD") {
            Ok(asked) => match SimdPath::parse(&asked) {
                Some(asked) => asked.min(best),
                None => {
                    eprintln!("NMA_SIMD={asked:?} is not one of avx512, avx2, baseline; using {}", best.name());
                    best
                }
            },
            Err(_) => best,
        }
    })
}

/// The 8 × 8 transpose of AVX2 vectors: lane `l` of output `j` is lane `j`
/// of input `l` (the row kernels' transposed chains, and copies of
/// transposed operands).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(crate) unsafe fn transpose8(r: [std::arch::x86_64::__m256; 8]) -> [std::arch::x86_64::__m256; 8] {
    use std::arch::x86_64::*;
    let t0 = _mm256_unpacklo_ps(r[0], r[1]);
    let t1 = _mm256_unpackhi_ps(r[0], r[1]);
    let t2 = _mm256_unpacklo_ps(r[2], r[3]);
    let t3 = _mm256_unpackhi_ps(r[2], r[3]);
    let t4 = _mm256_unpacklo_ps(r[4], r[5]);
    let t5 = _mm256_unpackhi_ps(r[4], r[5]);
    let t6 = _mm256_unpacklo_ps(r[6], r[7]);
    let t7 = _mm256_unpackhi_ps(r[6], r[7]);
    let s0 = _mm256_shuffle_ps::<0x44>(t0, t2);
    let s1 = _mm256_shuffle_ps::<0xEE>(t0, t2);
    let s2 = _mm256_shuffle_ps::<0x44>(t1, t3);
    let s3 = _mm256_shuffle_ps::<0xEE>(t1, t3);
    let s4 = _mm256_shuffle_ps::<0x44>(t4, t6);
    let s5 = _mm256_shuffle_ps::<0xEE>(t4, t6);
    let s6 = _mm256_shuffle_ps::<0x44>(t5, t7);
    let s7 = _mm256_shuffle_ps::<0xEE>(t5, t7);
    [
        _mm256_permute2f128_ps::<0x20>(s0, s4),
        _mm256_permute2f128_ps::<0x20>(s1, s5),
        _mm256_permute2f128_ps::<0x20>(s2, s6),
        _mm256_permute2f128_ps::<0x20>(s3, s7),
        _mm256_permute2f128_ps::<0x31>(s0, s4),
        _mm256_permute2f128_ps::<0x31>(s1, s5),
        _mm256_permute2f128_ps::<0x31>(s2, s6),
        _mm256_permute2f128_ps::<0x31>(s3, s7),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_paths_order_by_width() {
        for p in [SimdPath::Baseline, SimdPath::Avx2, SimdPath::Avx512] {
            assert_eq!(SimdPath::parse(p.name()), Some(p));
        }
        assert_eq!(SimdPath::parse("AVX2 "), Some(SimdPath::Avx2));
        assert_eq!(SimdPath::parse("neon"), None);
        assert!(SimdPath::Baseline < SimdPath::Avx2 && SimdPath::Avx2 < SimdPath::Avx512);
        assert!(SimdPath::Baseline.width() < SimdPath::Avx2.width());
    }

    #[test]
    fn the_path_in_use_is_never_wider_than_the_cpu() {
        assert!(path() <= detected());
    }
}

