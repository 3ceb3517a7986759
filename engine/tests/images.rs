//! The image datasets: shapes, labels, determinism, and that the pictures
//! are what they claim (hand-checked properties, not just sizes).

use nma_engine::data::{self, SpriteShape, SPRITE_SHAPE, XO_SHAPE};

fn pixels(data: &data::Dataset, i: usize) -> &[f32] {
    &data.inputs[i * data.n_features..(i + 1) * data.n_features]
}

#[test]
fn xo_glyphs_are_seeded_balanced_binary_pictures() {
    let d = data::xo_glyphs(40, 0.0, 3);
    assert_eq!(d.n_features, XO_SHAPE.iter().product::<usize>());
    assert_eq!(d.num_classes(), Some(2));
    assert_eq!(d.labels().iter().filter(|&&l| l == 1).count(), 20);
    assert_eq!(d, data::xo_glyphs(40, 0.0, 3));
    assert_ne!(d.inputs, data::xo_glyphs(40, 0.0, 4).inputs);
    for i in 0..40 {
        let img = pixels(&d, i);
        assert!(img.iter().all(|&p| p == 0.0 || p == 1.0));
        let on = img.iter().filter(|&&p| p == 1.0).count();
        // An X of side s has 2s - (s odd) pixels; an O is a ring of about 4(s-1).
        assert!((12..=36).contains(&on), "image {i} has {on} pixels on");
        // Crosses have their centre pixel(s) on the diagonal crossing; rings are empty inside:
        // the bounding box's centre is on for an X (odd side) or near it, off for an O.
        let (mut top, mut left, mut bottom, mut right) = (12, 12, 0, 0);
        for r in 0..12 {
            for c in 0..12 {
                if img[r * 12 + c] == 1.0 {
                    top = top.min(r);
                    bottom = bottom.max(r);
                    left = left.min(c);
                    right = right.max(c);
                }
            }
        }
        let (cr, cc) = ((top + bottom) / 2, (left + right) / 2);
        let centre = img[cr * 12 + cc]
            + img[(cr + 1) * 12 + cc]
            + img[cr * 12 + cc + 1]
            + img[(cr + 1) * 12 + cc + 1];
        if d.labels()[i] == 0 {
            assert!(centre >= 1.0, "X {i} has an empty centre");
        } else {
            assert_eq!(centre, 0.0, "O {i} has a filled centre");
        }
    }
    // Noise flips about that fraction of pixels.
    let noisy = data::xo_glyphs(40, 0.1, 3);
    let flipped = d
        .inputs
        .iter()
        .zip(&noisy.inputs)
        .filter(|(a, b)| a != b)
        .count();
    let frac = flipped as f32 / d.inputs.len() as f32;
    assert!((0.07..0.13).contains(&frac), "flipped {frac}");
}

#[test]
fn dsprites_lite_renders_its_factors() {
    let (d, factors) = data::dsprites_lite(60, 1);
    assert_eq!(d.n_features, SPRITE_SHAPE.iter().product::<usize>());
    assert_eq!(d.num_classes(), Some(3));
    assert_eq!(factors.len(), 60);
    assert_eq!(data::dsprites_lite(60, 1).0, d);
    for (i, f) in factors.iter().enumerate() {
        assert_eq!(d.labels()[i], f.shape as usize);
        assert!((f.scale - (0.5 + 0.1 * f.scale_index as f32)).abs() < 1e-6);
        assert!(f.rotation_index < 40 && f.x_index < 16 && f.y_index < 16);
        let img = pixels(&d, i);
        let on = img.iter().filter(|&&p| p == 1.0).count() as f32;
        // Area: a square of half-size h = 5·scale pixels covers (2h)²; the
        // ellipse π·1.2·0.6·h², the heart about 3.3·h² (measured on a fine grid).
        let h = 5.0 * f.scale;
        let expected = match f.shape {
            SpriteShape::Square => 4.0 * h * h,
            SpriteShape::Ellipse => std::f32::consts::PI * 0.72 * h * h,
            SpriteShape::Heart => on, // checked below through its centroid only
        };
        assert!(
            (on - expected).abs() <= 0.25 * expected + 4.0,
            "image {i} ({f:?}): {on} pixels on, expected about {expected}"
        );
        // The centroid sits near the given centre (hearts are symmetric left-right only).
        let (mut sx, mut sy) = (0.0, 0.0);
        for r in 0..32 {
            for c in 0..32 {
                if img[r * 32 + c] == 1.0 {
                    sx += c as f32 + 0.5;
                    sy += r as f32 + 0.5;
                }
            }
        }
        let (mx, my) = (sx / on / 32.0, sy / on / 32.0);
        let tol = if f.shape == SpriteShape::Heart {
            0.06
        } else {
            0.02
        };
        assert!(
            (mx - f.x).abs() < tol && (my - f.y).abs() < tol,
            "image {i} ({f:?}): centroid ({mx}, {my})"
        );
    }
    // All three shapes occur.
    for s in 0..3 {
        assert!(d.labels().contains(&s));
    }
}

#[test]
fn an_unrotated_square_is_axis_aligned() {
    let (d, factors) = data::dsprites_lite(200, 5);
    let i = factors
        .iter()
        .position(|f| f.shape == SpriteShape::Square && f.rotation_index % 10 == 0)
        .expect("some square turned by a multiple of 90° among 200");
    let img = pixels(&d, i);
    // Every row that has pixels on has the same count (a rectangle).
    let counts: Vec<usize> = (0..32)
        .map(|r| {
            img[r * 32..(r + 1) * 32]
                .iter()
                .filter(|&&p| p == 1.0)
                .count()
        })
        .filter(|&n| n > 0)
        .collect();
    assert!(counts.windows(2).all(|w| w[0] == w[1]), "{counts:?}");
    // Height and width agree up to the one pixel a sub-pixel position can add.
    assert!(
        counts.len().abs_diff(counts[0]) <= 1,
        "{} rows of {}",
        counts.len(),
        counts[0]
    );
}
