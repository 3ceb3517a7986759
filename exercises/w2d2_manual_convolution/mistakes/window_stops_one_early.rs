// My loops over output positions stop one position early, leaving the last row and column at zero.
//! W2D2 — a 2-D convolution (cross-correlation) written with loops (reference solution).

pub fn convolution2d(image: &[Vec<f32>], kernel: &[Vec<f32>]) -> Vec<Vec<f32>> {
    let (kh, kw) = (kernel.len(), kernel[0].len());
    let out_h = image.len() - kh + 1;
    let out_w = image[0].len() - kw + 1;
    let mut out = vec![vec![0.0; out_w]; out_h];
    for i in 0..out_h - 1 { // one short
        for j in 0..out_w - 1 {
            let mut total = 0.0;
            for a in 0..kh {
                for b in 0..kw {
                    total += kernel[a][b] * image[i + a][j + b];
                }
            }
            out[i][j] = total;
        }
    }
    out
}
