use super::*;
use nma_engine::prelude::*;

/// A small decoder from 3 numbers to 4×4 images in (0, 1).
fn decoder(seed: u64) -> Sequential {
    Sequential::default().add(Linear::new(3, 16, seed)).add(Sigmoid)
}

#[test]
fn one_image_per_code_in_the_decoders_range() {
    let images = generate_images(&decoder(1), 3, 10, 0);
    assert_eq!(images.shape(), vec![10, 16], "10 codes of 3 numbers through a 3 → 16 decoder give [10, 16]");
    for v in images.to_vec() {
        assert!(v > 0.0 && v < 1.0, "a sigmoid decoder gives values in (0, 1), got {v}");
    }
}

#[test]
fn the_seed_decides_the_images() {
    let dec = decoder(2);
    let a = generate_images(&dec, 3, 5, 7).to_vec();
    let b = generate_images(&dec, 3, 5, 7).to_vec();
    let c = generate_images(&dec, 3, 5, 8).to_vec();
    assert_eq!(a, b, "the same seed must give the same images");
    assert_ne!(a, c, "seeds 7 and 8 gave the same images: draw the codes from the seed");
    let first = &a[..16];
    assert!(a.chunks(16).skip(1).any(|img| img != first), "all 5 images are identical: each needs its own random code");
}

#[test]
fn codes_have_mean_0_and_variance_1() {
    // Through a decoder that returns its input, the images are the codes themselves. Over
    // 2 000 codes of 2 numbers the sampling error of the mean is about 0.016.
    let identity = Linear::from_tensors(Tensor::from_vec(vec![1.0, 0.0, 0.0, 1.0], &[2, 2]), None);
    let z: Vec<f64> = generate_images(&identity, 2, 2000, 11).to_vec().iter().map(|&v| v as f64).collect();
    let mean = z.iter().sum::<f64>() / z.len() as f64;
    let var = z.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / z.len() as f64;
    assert!(mean.abs() < 0.1, "the codes have mean {mean:.3}; codes from N(0, I) have mean 0");
    assert!((var - 1.0).abs() < 0.15, "the codes have variance {var:.3}; codes from N(0, I) have variance 1");
}
