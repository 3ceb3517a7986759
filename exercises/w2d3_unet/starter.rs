//! W2D3 — a small U-net that segments shapes.
use nma_engine::prelude::*;

/// A two-level U-net for one-channel images whose sides are multiples of 4. Choose your own
/// fields (the layers).
pub struct UNet {
    // TODO: the encoder's convolutions (4, 8, 16 channels at full, half and quarter size),
    // two transposed convolutions to go back up, a convolution after each concatenation,
    // and a 1×1 convolution to one logit per pixel. This placeholder has only the last.
    head: Conv2d,
}

impl UNet {
    pub fn new(seed: u64) -> UNet {
        UNet { head: Conv2d::new(1, 1, 1, seed) }
    }
}

impl Module for UNet {
    /// Images `[n, 1, H, W]` → logits `[n, 1, H, W]` (a pixel is foreground where its logit > 0).
    fn forward(&self, x: &Tensor) -> Tensor {
        // TODO: down (conv, ReLU, 2×2 max pool) twice, a bottom convolution, then up twice:
        // transposed convolution, concatenate the encoder's features of the same size along
        // the channels, convolution. This placeholder looks at each pixel alone.
        self.head.forward(x)
    }

    fn parameters(&self) -> Vec<Tensor> {
        self.head.parameters()
    }
}

/// Mean intersection over union of two batches of masks `[n, 1, H, W]` (a value above 0.5 is
/// foreground): for each image |P ∩ T| / |P ∪ T|, counting 1 when both are empty.
pub fn iou(pred: &Tensor, target: &Tensor) -> f32 {
    // TODO: count the intersection and the union of each image, average the ratios.
    let _ = (pred, target);
    0.0
}

/// Trains `UNet::new(seed)` on `images` and their `masks` (both `[n, 1, H, W]`) with
/// per-pixel binary cross-entropy, calling `on_step(step, loss)` after every optimizer step.
pub fn train_unet(images: &Tensor, masks: &Tensor, seed: u64, mut on_step: impl FnMut(usize, f32)) -> UNet {
    let model = UNet::new(seed);
    // TODO: choose the optimizer, learning rate, batch size and number of steps. This
    // placeholder takes 3 tiny SGD steps on the whole set.
    let mut opt = Sgd::new(model.parameters(), 0.001);
    for step in 0..3 {
        let loss = nn::bce_with_logits(&model.forward(images), masks);
        opt.zero_grad();
        loss.backward();
        opt.step();
        on_step(step, loss.item());
    }
    model
}
