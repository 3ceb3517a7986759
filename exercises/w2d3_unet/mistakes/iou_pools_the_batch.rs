// Adds up the intersections and unions of the whole batch and divides once, instead of averaging the IoU of each image.
use nma_engine::prelude::*;

/// A two-level U-net for one-channel images whose sides are multiples of 4.
pub struct UNet {
    down1: Conv2d,        // 1 → 4 channels, full size (16×16)
    down2: Conv2d,        // 4 → 8, half size (8×8)
    bottom: Conv2d,       // 8 → 16, quarter size (4×4)
    up2: ConvTranspose2d, // 16 → 8, quarter → half
    dec2: Conv2d,         // 8 upsampled + 8 skipped → 8
    up1: ConvTranspose2d, // 8 → 4, half → full
    dec1: Conv2d,         // 4 upsampled + 4 skipped → 4
    head: Conv2d,         // 1×1: 4 → 1 logit per pixel
}

impl UNet {
    pub fn new(seed: u64) -> UNet {
        let s = |k: u64| seed.wrapping_add(k);
        UNet {
            down1: Conv2d::new(1, 4, 3, s(0)).padding(1),
            down2: Conv2d::new(4, 8, 3, s(1)).padding(1),
            bottom: Conv2d::new(8, 16, 3, s(2)).padding(1),
            up2: ConvTranspose2d::new(16, 8, 2, s(3)).stride(2),
            dec2: Conv2d::new(16, 8, 3, s(4)).padding(1),
            up1: ConvTranspose2d::new(8, 4, 2, s(5)).stride(2),
            dec1: Conv2d::new(8, 4, 3, s(6)).padding(1),
            head: Conv2d::new(4, 1, 1, s(7)),
        }
    }
}

impl Module for UNet {
    /// Images `[n, 1, H, W]` → logits `[n, 1, H, W]` (a pixel is foreground where its logit > 0).
    fn forward(&self, x: &Tensor) -> Tensor {
        // Encoder: keep each level's features for the skip connections.
        let e1 = self.down1.forward(x).relu(); // [n, 4, H, W]
        let e2 = self.down2.forward(&nn::max_pool2d(&e1, 2, 2, 0)).relu(); // [n, 8, H/2, W/2]
        let b = self.bottom.forward(&nn::max_pool2d(&e2, 2, 2, 0)).relu(); // [n, 16, H/4, W/4]
        // Decoder: upsample, then concatenate the encoder's features of the same size.
        let u2 = self.up2.forward(&b).relu(); // [n, 8, H/2, W/2]
        let d2 = self.dec2.forward(&Tensor::cat(&[&u2, &e2], 1)).relu();
        let u1 = self.up1.forward(&d2).relu(); // [n, 4, H, W]
        let d1 = self.dec1.forward(&Tensor::cat(&[&u1, &e1], 1)).relu();
        self.head.forward(&d1)
    }

    fn parameters(&self) -> Vec<Tensor> {
        let mut p = self.down1.parameters();
        p.extend(self.down2.parameters());
        p.extend(self.bottom.parameters());
        p.extend(self.up2.parameters());
        p.extend(self.dec2.parameters());
        p.extend(self.up1.parameters());
        p.extend(self.dec1.parameters());
        p.extend(self.head.parameters());
        p
    }
}

/// Mean intersection over union of two batches of masks `[n, 1, H, W]` (a value above 0.5 is
/// foreground): for each image |P ∩ T| / |P ∪ T|, counting 1 when both are empty.
pub fn iou(pred: &Tensor, target: &Tensor) -> f32 {
    let n = pred.shape()[0];
    let (p, t) = (pred.to_vec(), target.to_vec());
    let per_image = p.len() / n;
    let (mut inter, mut union) = (0usize, 0usize);
    for i in 0..n {
        for j in i * per_image..(i + 1) * per_image {
            let (a, b) = (p[j] > 0.5, t[j] > 0.5);
            inter += (a && b) as usize;
            union += (a || b) as usize;
        }
    }
    if union == 0 { 1.0 } else { inter as f32 / union as f32 }
}

/// Trains `UNet::new(seed)` on `images` and their `masks` (both `[n, 1, H, W]`) with
/// per-pixel binary cross-entropy, in minibatches of 32 taken in order.
pub fn train_unet(images: &Tensor, masks: &Tensor, seed: u64, mut on_step: impl FnMut(usize, f32)) -> UNet {
    let model = UNet::new(seed);
    let mut opt = Adam::new(model.parameters(), 0.01);
    let n = images.shape()[0];
    let batch = 32.min(n);
    for step in 0..200 {
        let start = (step * batch) % n;
        let end = (start + batch).min(n);
        let logits = model.forward(&images.slice(0, start, end));
        let loss = nn::bce_with_logits(&logits, &masks.slice(0, start, end));
        opt.zero_grad();
        loss.backward();
        opt.step();
        on_step(step, loss.item());
    }
    model
}
