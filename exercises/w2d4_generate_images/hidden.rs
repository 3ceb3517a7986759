use super::*;
use nma_engine::prelude::*;

/// The identity decoder: its output is the code itself.
fn identity(k: usize) -> Linear {
    let mut eye = vec![0.0; k * k];
    for i in 0..k {
        eye[i * k + i] = 1.0;
    }
    Linear::from_tensors(Tensor::from_vec(eye, &[k, k]), None)
}

#[test]
fn codes_are_standard_normal() {
    // Through the identity decoder the images are the codes: mean 0, variance 1 in every
    // dimension and uncorrelated dimensions. With 4 000 codes the sampling error of a mean
    // is about 0.016 and of a variance about 0.022.
    let (k, n) = (3, 4000);
    for seed in [1u64, 42] {
        let z = generate_images(&identity(k), k, n, seed);
        assert_eq!(z.shape(), vec![n, k], "{n} codes of {k} numbers");
        let z = z.to_vec();
        let col = |j: usize| z.iter().skip(j).step_by(k).map(|&v| v as f64).collect::<Vec<_>>();
        for j in 0..k {
            let c = col(j);
            let mean = c.iter().sum::<f64>() / n as f64;
            let var = c.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n as f64;
            assert!(mean.abs() < 0.08, "dimension {j} of the codes has mean {mean:.3}, N(0, 1) has 0");
            assert!((var - 1.0).abs() < 0.1, "dimension {j} of the codes has variance {var:.3}, N(0, 1) has 1");
        }
        let (a, b) = (col(0), col(1));
        let cov = a.iter().zip(&b).map(|(x, y)| x * y).sum::<f64>() / n as f64;
        assert!(cov.abs() < 0.08, "dimensions 0 and 1 have covariance {cov:.3}; N(0, I) has independent dimensions");
    }
}

#[test]
fn codes_have_k_numbers_and_n_rows() {
    // A decoder that sums the code: shape [n, 1] only if the codes are [n, k].
    let sum = Linear::from_tensors(Tensor::ones(&[1, 5]), None);
    let out = generate_images(&sum, 5, 7, 3);
    assert_eq!(out.shape(), vec![7, 1], "7 codes of 5 numbers through a 5 → 1 decoder");
    // The sum of 5 standard normals has variance 5: not all near 0.
    assert!(out.to_vec().iter().any(|v| v.abs() > 0.5), "the decoded sums are all near 0: {:?}", out.to_vec());
}

#[test]
fn many_seeds_give_distinct_batches() {
    let dec = Sequential::default().add(Linear::new(2, 9, 4)).add(Tanh);
    let batches: Vec<Vec<f32>> = (0..6).map(|s| generate_images(&dec, 2, 3, s).to_vec()).collect();
    for v in batches.iter().flatten() {
        assert!(v.abs() < 1.0, "a tanh decoder gives values in (−1, 1), got {v}");
    }
    for i in 0..6 {
        for j in i + 1..6 {
            assert_ne!(batches[i], batches[j], "seeds {i} and {j} gave the same images");
        }
    }
}
