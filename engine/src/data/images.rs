//! Small image datasets for the convolution weeks, generated from a seed
//! (nothing is downloaded). Images are stored flat in a [`Dataset`]
//! (`[n, C·H·W]`, row-major, pixels 0.0 or 1.0); reshape a batch to NCHW
//! with `batch.x.reshape(&[b, 1, 12, 12])` (see [`XO_SHAPE`], [`SPRITE_SHAPE`]).
//!
//! * [`xo_glyphs`]: 12×12 noughts and crosses, two classes.
//! * [`dsprites_lite`]: 32×32 white shapes on black, after DeepMind's dSprites
//!   (square / ellipse / heart × 6 scales × 40 rotations × 16×16 positions),
//!   labelled by shape, with every generating factor returned alongside.

use std::f64::consts::PI;

use super::Dataset;
use crate::rng::Rng;

/// The shape of one [`xo_glyphs`] image: `[channels, height, width]`.
pub const XO_SHAPE: [usize; 3] = [1, 12, 12];

/// The shape of one [`dsprites_lite`] image: `[channels, height, width]`.
pub const SPRITE_SHAPE: [usize; 3] = [1, 32, 32];

/// `n` images of noughts and crosses, 1×12×12 (144 features), alternating
/// labels **0 = X** and **1 = O** (so any prefix is balanced).
///
/// Each glyph is drawn in a square box of side 7, 8 or 9 pixels placed at a
/// random position inside the image (so glyphs move by up to ±2 pixels), an
/// X as both diagonals, an O as a ring touching the box. Then every pixel is
/// flipped with probability `noise` (0 for clean images), from a separate
/// stream: one `seed` gives the same glyphs at every noise level.
///
/// ```
/// use nma_engine::prelude::*;
/// let data = data::xo_glyphs(10, 0.05, 0);
/// assert_eq!(data.x().shape(), vec![10, 144]);
/// assert_eq!(data.labels()[..4], [0, 1, 0, 1]);
/// ```
#[track_caller]
pub fn xo_glyphs(n: usize, noise: f32, seed: u64) -> Dataset {
    if !(0.0..=1.0).contains(&noise) {
        panic!("xo_glyphs: noise is a probability between 0 and 1, but got {noise}");
    }
    let side = XO_SHAPE[1];
    let mut rng = Rng::new(seed);
    // A second stream for the noise, so the same seed gives the same glyphs at every noise level.
    let mut noise_rng = Rng::new(seed ^ 0x6e6f_6973_655f_786f);
    let mut inputs = Vec::with_capacity(n * side * side);
    let mut labels = Vec::with_capacity(n);
    for i in 0..n {
        let label = i % 2;
        let size = 7 + rng.below(3);
        let (top, left) = (rng.below(side - size + 1), rng.below(side - size + 1));
        let mut img = vec![0.0f32; side * side];
        let c = (size as f64 - 1.0) / 2.0;
        for r in 0..size {
            for q in 0..size {
                let on = if label == 0 {
                    r == q || r + q == size - 1
                } else {
                    let d = ((r as f64 - c).powi(2) + (q as f64 - c).powi(2)).sqrt();
                    (d - c).abs() < 0.6
                };
                if on {
                    img[(top + r) * side + left + q] = 1.0;
                }
            }
        }
        for p in img.iter_mut() {
            if noise > 0.0 && noise_rng.uniform() < noise {
                *p = 1.0 - *p;
            }
        }
        inputs.extend(img);
        labels.push(label);
    }
    Dataset::classification(inputs, side * side, labels, 2)
}

/// A shape of [`dsprites_lite`] (its class label is the discriminant: 0, 1, 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpriteShape {
    Square = 0,
    Ellipse = 1,
    Heart = 2,
}

/// The factors that generated one [`dsprites_lite`] image, as indices and values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpriteFactors {
    pub shape: SpriteShape,
    /// Index 0..6 of the scale; `scale = 0.5 + 0.1 · scale_index`.
    pub scale_index: usize,
    pub scale: f32,
    /// Index 0..40 of the rotation; `rotation = 2π · rotation_index / 40` (radians, counter-clockwise).
    pub rotation_index: usize,
    pub rotation: f32,
    /// Indices 0..16 of the centre; `x = 0.25 + 0.5 · x_index / 15` (fraction of the width, from the left),
    /// `y` likewise from the top.
    pub x_index: usize,
    pub x: f32,
    pub y_index: usize,
    pub y: f32,
}

/// Is the point `(u, v)` (shape coordinates, y up) inside `shape` of unit size?
///
/// Pixel centres can fall exactly on an edge: a small tolerance makes such
/// ties "inside" whatever the rounding of the rotation.
fn inside(shape: SpriteShape, u: f64, v: f64) -> bool {
    const TIE: f64 = 1e-9;
    match shape {
        SpriteShape::Square => u.abs() <= 1.0 + TIE && v.abs() <= 1.0 + TIE,
        SpriteShape::Ellipse => (u / 1.2).powi(2) + (v / 0.6).powi(2) <= 1.0 + TIE,
        SpriteShape::Heart => {
            // The classic implicit heart, centred and scaled to about [-1, 1]².
            let (x, y) = (u * 1.1, v * 1.1 + 0.15);
            (x * x + y * y - 1.0).powi(3) - x * x * y.powi(3) <= TIE
        }
    }
}

/// `n` binary images 1×32×32 (1024 features) in the style of dSprites, each a
/// white square, ellipse or heart on black, with every factor drawn uniformly
/// from [`Rng`] seeded with `seed`: shape (3), scale (6), rotation (40 steps
/// of 9°), x and y position of the centre (16 each, spanning the middle half
/// of the image). Labelled by shape (0 square, 1 ellipse, 2 heart); the
/// factors of every image are returned too, e.g. to regress position or to
/// colour a latent space.
///
/// At scale 1 a shape spans about 10 pixels. A pixel is on when its centre
/// lies inside the shape (no anti-aliasing), as in dSprites.
///
/// ```
/// use nma_engine::prelude::*;
/// let (data, factors) = data::dsprites_lite(8, 0);
/// assert_eq!(data.x().shape(), vec![8, 1024]);
/// assert_eq!(data.labels()[3], factors[3].shape as usize);
/// ```
pub fn dsprites_lite(n: usize, seed: u64) -> (Dataset, Vec<SpriteFactors>) {
    let side = SPRITE_SHAPE[1];
    let mut rng = Rng::new(seed);
    let mut inputs = Vec::with_capacity(n * side * side);
    let mut labels = Vec::with_capacity(n);
    let mut factors = Vec::with_capacity(n);
    for _ in 0..n {
        let shape = [
            SpriteShape::Square,
            SpriteShape::Ellipse,
            SpriteShape::Heart,
        ][rng.below(3)];
        let scale_index = rng.below(6);
        let rotation_index = rng.below(40);
        let (x_index, y_index) = (rng.below(16), rng.below(16));
        let scale = 0.5 + 0.1 * scale_index as f64;
        let rotation = 2.0 * PI * rotation_index as f64 / 40.0;
        let (cx, cy) = (
            0.25 + 0.5 * x_index as f64 / 15.0,
            0.25 + 0.5 * y_index as f64 / 15.0,
        );
        // Half-size of a unit shape: 5 pixels at scale 1.
        let half = 5.0 / side as f64 * scale;
        let (sin, cos) = rotation.sin_cos();
        for r in 0..side {
            for q in 0..side {
                let px = (q as f64 + 0.5) / side as f64 - cx;
                let py = cy - (r as f64 + 0.5) / side as f64; // y up
                                                              // Rotate the point by -rotation into the shape's frame.
                let u = (cos * px + sin * py) / half;
                let v = (-sin * px + cos * py) / half;
                inputs.push(if inside(shape, u, v) { 1.0 } else { 0.0 });
            }
        }
        labels.push(shape as usize);
        factors.push(SpriteFactors {
            shape,
            scale_index,
            scale: scale as f32,
            rotation_index,
            rotation: rotation as f32,
            x_index,
            x: cx as f32,
            y_index,
            y: cy as f32,
        });
    }
    (
        Dataset::classification(inputs, side * side, labels, 3),
        factors,
    )
}
