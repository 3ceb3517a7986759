//! Sequence datasets: token tasks, periodic signals, Gaussian mixtures.

use nma_engine::data::{self, TOPIC_VOCAB};

#[test]
fn token_tasks_share_inputs_and_transform_targets() {
    let (c, r, s) = (data::copy_task(50, 7, 9, 3), data::reverse_task(50, 7, 9, 3), data::sort_task(50, 7, 9, 3));
    assert_eq!(c.inputs, r.inputs);
    assert_eq!(c.inputs, s.inputs);
    assert_eq!((c.len(), c.seq_len, c.target_len, c.vocab_size), (50, 7, 7, 9));
    assert!(c.inputs.iter().all(|&t| t < 9));
    for i in 0..50 {
        let (x, y) = c.example(i);
        assert_eq!(x, y);
        let (x, y) = r.example(i);
        assert_eq!(y, x.iter().rev().copied().collect::<Vec<_>>());
        let (x, y) = s.example(i);
        let mut sorted = x.to_vec();
        sorted.sort();
        assert_eq!(y, sorted);
    }
    // every id appears (uniform over 0..9)
    assert!((0..9).all(|v| c.inputs.contains(&v)));
    // seeded
    assert_eq!(data::copy_task(50, 7, 9, 3), c);
    assert_ne!(data::copy_task(50, 7, 9, 4).inputs, c.inputs);
    let (x, y) = r.batch(&[2, 0]);
    assert_eq!(&x[..7], r.example(2).0);
    assert_eq!(&y[7..], r.example(0).1);
}

#[test]
fn topic_classification_mixes_topic_words_and_noise() {
    let d = data::topic_classification(3000, 10, 1);
    assert_eq!((d.len(), d.target_len, d.vocab_size, d.num_classes), (3000, 1, 16, 3));
    let mut per_topic = [0usize; 3];
    let mut on_topic = 0usize;
    for i in 0..d.len() {
        let (x, y) = d.example(i);
        per_topic[y[0]] += 1;
        on_topic += x.iter().filter(|&&w| w >= 4 + 4 * y[0] && w < 8 + 4 * y[0]).count();
    }
    assert!(per_topic.iter().all(|&n| (900..1100).contains(&n)), "{per_topic:?}");
    // P(topic word) = 1/2 + 1/2 · 4/16 = 0.625
    let fraction = on_topic as f64 / 30000.0;
    assert!((fraction - 0.625).abs() < 0.01, "{fraction}");
    assert_eq!(TOPIC_VOCAB[4], "goal");
}

#[test]
fn sine_sequences_are_sampled_sines_shifted_by_one_step() {
    let d = data::sine_sequences(20, 16, 2);
    let (x, y) = (d.x().to_vec(), d.y().to_vec());
    assert_eq!((d.len(), d.n_features), (20, 16));
    for row in 0..20 {
        let xr = &x[row * 16..(row + 1) * 16];
        let yr = &y[row * 16..(row + 1) * 16];
        assert_eq!(&xr[1..], &yr[..15]);
        // a sampled sine satisfies x[t+1] + x[t-1] = 2 cos(ω) x[t] with one ω per row
        let ratios: Vec<f64> = (1..15)
            .filter(|&t| xr[t].abs() > 0.2)
            .map(|t| (xr[t + 1] + xr[t - 1]) as f64 / xr[t] as f64)
            .collect();
        let (lo, hi) = ratios.iter().fold((f64::MAX, f64::MIN), |(a, b), &r| (a.min(r), b.max(r)));
        assert!(hi - lo < 1e-4, "row {row}: {ratios:?}");
        // period in [8, 32): 2 cos(2π/P) in [2cos(2π/8), 2cos(2π/32))
        assert!(lo > 2.0 * (std::f64::consts::PI / 4.0).cos() - 1e-4 && hi < 2.0);
    }
}

#[test]
fn sawtooth_sequences_rise_linearly_and_drop() {
    let d = data::sawtooth_sequences(10, 40, 3);
    let (x, y) = (d.x().to_vec(), d.y().to_vec());
    for row in 0..10 {
        let xr = &x[row * 40..(row + 1) * 40];
        assert_eq!(&xr[1..], &y[row * 40..row * 40 + 39]);
        assert!(xr.iter().all(|v| (-1.0..1.0).contains(v)));
        let rises: Vec<f32> = xr.windows(2).map(|w| w[1] - w[0]).filter(|&d| d > 0.0).collect();
        let drops = xr.windows(2).filter(|w| w[1] < w[0]).count();
        // slope 2/P with P in [8, 32); at least one drop in 40 steps
        assert!(rises.iter().all(|r| (rises[0] - r).abs() < 1e-5 && *r > 2.0 / 32.0 - 1e-6 && *r <= 0.25 + 1e-6));
        assert!(drops >= 1);
    }
}

#[test]
fn gaussian_mixture_components_sit_on_the_circle() {
    let d = data::gaussian_mixture_2d(8000, 8, 4.0, 0.1, 5);
    assert_eq!((d.len(), d.num_classes()), (8000, Some(8)));
    let labels = d.labels();
    for k in 0..8 {
        let points: Vec<(f64, f64)> = (0..d.len())
            .filter(|&i| labels[i] == k)
            .map(|i| (d.inputs[2 * i] as f64, d.inputs[2 * i + 1] as f64))
            .collect();
        assert!((850..1150).contains(&points.len()));
        let n = points.len() as f64;
        let (mx, my) = points.iter().fold((0.0, 0.0), |(a, b), p| (a + p.0 / n, b + p.1 / n));
        let angle = 2.0 * std::f64::consts::PI * k as f64 / 8.0;
        assert!((mx - 4.0 * angle.cos()).abs() < 0.02 && (my - 4.0 * angle.sin()).abs() < 0.02);
        let var = points.iter().map(|p| (p.0 - mx).powi(2)).sum::<f64>() / n;
        assert!((var.sqrt() - 0.1).abs() < 0.01, "{}", var.sqrt());
    }
}
