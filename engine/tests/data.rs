//! Datasets: shapes, labels, the recipes' geometry, determinism, splitting,
//! and the shipped digits against facts about scikit-learn's copy.

use nma_engine::prelude::*;
#[allow(unused_imports)]
use nma_engine::{data::*, nn::*, testing::*, train::*};

#[test]
fn digits_match_scikit_learn() {
    let d = digits();
    assert_eq!(d.len(), 1797);
    assert_eq!(d.n_features, 64);
    assert_eq!(d.num_classes(), Some(10));
    assert_eq!(d.x().shape(), vec![1797, 64]);
    // sklearn.datasets.load_digits(): first image (a 0) and the class counts.
    let first: Vec<f32> = [0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0]
        .iter()
        .map(|&v| v as f32)
        .collect();
    assert_eq!(&d.inputs[..16], first.as_slice());
    assert_eq!(&d.labels()[..10], &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    let mut counts = [0; 10];
    d.labels().iter().for_each(|&l| counts[l] += 1);
    assert_eq!(counts, [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
    assert!(d
        .inputs
        .iter()
        .all(|&v| (0.0..=16.0).contains(&v) && v.fract() == 0.0));
    // Sum of all pixel values (computed from digits.csv.gz with Python).
    let total: f64 = d.inputs.iter().map(|&v| v as f64).sum();
    let label_sum: usize = d.labels().iter().sum();
    assert_eq!(total as usize + label_sum, 569_788);
    let scaled = d.map_inputs(|v| v / 16.0);
    assert!(scaled.inputs.iter().all(|&v| (0.0..=1.0).contains(&v)));
}

#[test]
fn moons_geometry() {
    let d = moons(101, 0.0, 3);
    assert_eq!(d.len(), 101);
    assert_eq!(d.labels().iter().filter(|&&l| l == 0).count(), 50);
    // Without noise, label 0 lies on the unit circle (upper half), label 1 on
    // the circle of radius 1 around (1, 0.5) (lower half).
    for (p, &l) in d.inputs.chunks(2).zip(d.labels()) {
        let (x, y) = (p[0] as f64, p[1] as f64);
        let (cx, cy, upper) = if l == 0 {
            (0.0, 0.0, true)
        } else {
            (1.0, 0.5, false)
        };
        let r = ((x - cx).powi(2) + (y - cy).powi(2)).sqrt();
        assert!((r - 1.0).abs() < 1e-6, "({x}, {y}) label {l}");
        assert!(if upper {
            y >= cy - 1e-6
        } else {
            y <= cy + 1e-6
        });
    }
    // Shuffled: labels are not sorted.
    assert!(d.labels().windows(2).any(|w| w[0] > w[1]));
    // Noise moves points off the circles.
    let noisy = moons(100, 0.1, 3);
    assert_ne!(noisy.inputs, moons(100, 0.0, 3).inputs);
}

#[test]
fn spiral_geometry() {
    let d = spiral(50, 4, 0);
    assert_eq!(d.len(), 200);
    assert_eq!(d.num_classes(), Some(4));
    assert_eq!(&d.labels()[48..52], &[0, 0, 1, 1]);
    // t = 0 at the start of every arm: the origin.
    assert_eq!(&d.inputs[..2], &[0.0, 0.0]);
    // The last point of arm k has t = 1: angle 2π/4·(2 + k) plus noise of std 0.16.
    for k in 0..4 {
        let i = (k * 50 + 49) * 2;
        let angle = std::f64::consts::PI / 2.0 * (2.0 + k as f64);
        let (x, y) = (d.inputs[i] as f64, d.inputs[i + 1] as f64);
        assert!(
            (x - angle.sin()).abs() < 0.8 && (y - angle.cos()).abs() < 0.8,
            "arm {k}: ({x}, {y})"
        );
    }
    let radius = |p: &[f32]| ((p[0] * p[0] + p[1] * p[1]) as f64).sqrt();
    assert!(d.inputs.chunks(2).all(|p| radius(p) < 2.0));
}

#[test]
fn sine_and_blobs() {
    let d = sine(500, 1);
    assert_eq!(d.x().shape(), vec![500, 1]);
    assert_eq!(d.y().shape(), vec![500, 1]);
    assert_eq!(d.num_classes(), None);
    let xs = &d.inputs;
    let Targets::Values { values: ys, dim: 1 } = &d.targets else {
        panic!("regression targets")
    };
    assert!(xs.iter().all(|x| x.abs() <= std::f32::consts::PI));
    let residuals: Vec<f64> = xs
        .iter()
        .zip(ys)
        .map(|(x, y)| (*y - x.sin()) as f64)
        .collect();
    let std = (residuals.iter().map(|r| r * r).sum::<f64>() / 500.0).sqrt();
    assert!((std - 0.1).abs() < 0.015, "noise std {std}");

    let b = blobs(101, 3, 0.5, 7);
    assert_eq!(b.len(), 101);
    let mut counts = [0; 3];
    b.labels().iter().for_each(|&l| counts[l] += 1);
    assert_eq!(counts, [34, 34, 33]);
    // Points of one blob stay near their mean (std 0.5 per coordinate).
    for c in 0..3 {
        let pts: Vec<&[f32]> = b
            .inputs
            .chunks(2)
            .zip(b.labels())
            .filter(|(_, &l)| l == c)
            .map(|(p, _)| p)
            .collect();
        let mx = pts.iter().map(|p| p[0]).sum::<f32>() / pts.len() as f32;
        let my = pts.iter().map(|p| p[1]).sum::<f32>() / pts.len() as f32;
        assert!(mx.abs() <= 10.5 && my.abs() <= 10.5);
        assert!(pts
            .iter()
            .all(|p| (p[0] - mx).abs() < 2.5 && (p[1] - my).abs() < 2.5));
    }
}

#[test]
fn generators_are_deterministic() {
    assert_eq!(moons(64, 0.2, 9), moons(64, 0.2, 9));
    assert_ne!(moons(64, 0.2, 9), moons(64, 0.2, 10));
    assert_eq!(spiral(20, 3, 1), spiral(20, 3, 1));
    assert_ne!(spiral(20, 3, 1), spiral(20, 3, 2));
    assert_eq!(sine(30, 4), sine(30, 4));
    assert_eq!(blobs(30, 2, 1.0, 4), blobs(30, 2, 1.0, 4));
}

#[test]
fn train_test_split_partitions_the_data() {
    let d = blobs(50, 2, 1.0, 0);
    let (train, test) = train_test_split(&d, 0.3, 5);
    assert_eq!((train.len(), test.len()), (35, 15));
    // Every example lands in exactly one part.
    let mut rows: Vec<Vec<u32>> = train
        .inputs
        .chunks(2)
        .chain(test.inputs.chunks(2))
        .map(|p| p.iter().map(|v| v.to_bits()).collect())
        .collect();
    let mut original: Vec<Vec<u32>> = d
        .inputs
        .chunks(2)
        .map(|p| p.iter().map(|v| v.to_bits()).collect())
        .collect();
    rows.sort();
    original.sort();
    assert_eq!(rows, original);
    assert_eq!(train_test_split(&d, 0.3, 5), (train.clone(), test.clone()));
    assert_ne!(train_test_split(&d, 0.3, 6).0, train);
    // scikit-learn's rounding: ceil(0.25 · 10) = 3.
    assert_eq!(train_test_split(&blobs(10, 2, 1.0, 0), 0.25, 0).1.len(), 3);
}

#[test]
fn batches_and_subsets() {
    let d = Dataset::classification(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 2, vec![0, 1, 1], 2);
    let b = d.batch(&[2, 0]);
    assert_eq!(b.x.to_vec(), vec![5.0, 6.0, 1.0, 2.0]);
    assert_eq!(b.labels, vec![1, 0]);
    assert_eq!(b.y.to_vec(), vec![1.0, 0.0]);
    let r = Dataset::regression(
        vec![1.0, 2.0, 3.0],
        1,
        vec![10.0, 20.0, 30.0, 40.0, 50.0, 60.0],
        2,
    );
    let b = r.batch(&[1]);
    assert_eq!(b.y.shape(), vec![1, 2]);
    assert_eq!(b.y.to_vec(), vec![30.0, 40.0]);
    assert!(b.labels.is_empty());
}

#[test]
#[should_panic(
    expected = "Dataset::classification: label 3 (example 1) is not below num_classes = 3"
)]
fn datasets_check_labels() {
    Dataset::classification(vec![0.0, 0.0], 1, vec![0, 3], 3);
}

#[test]
#[should_panic(expected = "subset: index 3 is out of range for a dataset of 3 examples")]
fn subsets_check_indices() {
    Dataset::classification(vec![0.0; 3], 1, vec![0; 3], 1).subset(&[0, 3]);
}
