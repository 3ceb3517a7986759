//! W2D4 — a variational autoencoder on the 8×8 digits.
use nma_engine::prelude::*;

/// Numbers in the code z.
pub const LATENT: usize = 4;
/// Units in the encoder's and the decoder's hidden layer.
pub const HIDDEN: usize = 64;

/// The 1 797 UCI digits as black-and-white images: 64 pixels each, 1 where the scan is
/// darker than half (above 7 of 16), else 0, with their labels. Given.
pub fn binary_digits() -> Dataset {
    data::digits().map_inputs(|v| if v > 7.0 { 1.0 } else { 0.0 })
}

/// Encoder 64 → HIDDEN (ReLU), then two heads HIDDEN → LATENT for μ and log σ²;
/// decoder LATENT → HIDDEN (ReLU) → 64 (sigmoid), the probability that each pixel is on.
pub struct Vae {
    pub encoder: Sequential,
    pub mu_head: Linear,
    pub logvar_head: Linear,
    pub decoder: Sequential,
}

impl Vae {
    /// The untrained model, every layer seeded from `seed`. Given.
    pub fn new(seed: u64) -> Vae {
        Vae {
            encoder: Sequential::default().add(Linear::new(64, HIDDEN, seed)).add(ReLU),
            mu_head: Linear::new(HIDDEN, LATENT, seed.wrapping_add(1)),
            logvar_head: Linear::new(HIDDEN, LATENT, seed.wrapping_add(2)),
            decoder: Sequential::default()
                .add(Linear::new(LATENT, HIDDEN, seed.wrapping_add(3)))
                .add(ReLU)
                .add(Linear::new(HIDDEN, 64, seed.wrapping_add(4)))
                .add(Sigmoid),
        }
    }

    /// Every trainable tensor of the four parts. Given.
    pub fn parameters(&self) -> Vec<Tensor> {
        let mut p = self.encoder.parameters();
        p.extend(self.mu_head.parameters());
        p.extend(self.logvar_head.parameters());
        p.extend(self.decoder.parameters());
        p
    }

    /// Images [n, 64] → (μ, log σ²), each [n, LATENT]. Given.
    pub fn encode(&self, x: &Tensor) -> (Tensor, Tensor) {
        let h = self.encoder.forward(x);
        (self.mu_head.forward(&h), self.logvar_head.forward(&h))
    }

    /// Codes [n, LATENT] → pixel probabilities [n, 64]. Given.
    pub fn decode(&self, z: &Tensor) -> Tensor {
        self.decoder.forward(z)
    }

    /// `n` new images [n, 64]: codes drawn from the prior N(0, I) with
    /// `Tensor::randn(&[n, LATENT], seed)`, decoded.
    pub fn sample(&self, n: usize, seed: u64) -> Tensor {
        // TODO: draw the codes from the prior and decode them. This placeholder decodes the
        // code 0 n times, so every "new" image is the same.
        let _ = seed;
        self.decode(&Tensor::zeros(&[n, LATENT]))
    }
}

/// z = μ + σ·ε with σ = exp(½·log σ²) and ε = `Tensor::randn(shape, seed)`: a sample of
/// N(μ, σ²) through which gradients reach μ and log σ².
pub fn sample_latent(mu: &Tensor, logvar: &Tensor, seed: u64) -> Tensor {
    // TODO: the reparameterisation trick. This placeholder returns μ: no noise at all.
    let _ = (logvar, seed);
    mu.add(0.0)
}

/// KL(N(μ, σ²) ‖ N(0, 1)) = ½·(μ² + σ² − 1 − log σ²), summed over the LATENT numbers of a
/// row and averaged over the rows: a scalar.
pub fn kl_to_prior(mu: &Tensor, logvar: &Tensor) -> Tensor {
    // TODO: the closed-form KL per latent number, summed over a row, averaged over rows.
    // This placeholder counts only the ½·μ² part, summed over every row, and ignores σ².
    let _ = logvar;
    mu.square().sum().mul(0.5)
}

/// Binary cross-entropy −[x·log p + (1 − x)·log(1 − p)], summed over the 64 pixels of an
/// image and averaged over the images: the negative log-likelihood of `x` under the
/// decoder's pixel probabilities `probs`. A scalar.
pub fn reconstruction_loss(probs: &Tensor, x: &Tensor) -> Tensor {
    // TODO: binary cross-entropy summed over pixels, averaged over images.
    // This placeholder is the mean squared error.
    nn::mse_loss(probs, x)
}

/// The negative ELBO of the images `x` [n, 64]: encode, draw z with `sample_latent(μ,
/// log σ², seed)`, decode, and add `reconstruction_loss` and `kl_to_prior`.
pub fn negative_elbo(model: &Vae, x: &Tensor, seed: u64) -> Tensor {
    // TODO: encode, sample z, decode; reconstruction + KL. This placeholder decodes μ and
    // has no KL term.
    let _ = seed;
    let (mu, _logvar) = model.encode(x);
    reconstruction_loss(&model.decode(&mu), x)
}

/// Trains `Vae::new(seed)` on `data` by minimising `negative_elbo` with Adam and returns
/// it; calls `on_step(step, loss)` after every optimizer step (steps count from 0).
pub fn train_vae(data: &Dataset, seed: u64, mut on_step: impl FnMut(usize, f32)) -> Vae {
    // TODO: minibatches, Adam, enough steps. This placeholder takes 3 tiny SGD steps on
    // the first 50 images.
    let model = Vae::new(seed);
    let mut opt = Sgd::new(model.parameters(), 0.001);
    let first: Vec<usize> = (0..50).collect();
    let x = data.batch(&first).x;
    for step in 0..3 {
        let loss = negative_elbo(&model, &x, seed);
        opt.zero_grad();
        loss.backward();
        opt.step();
        on_step(step, loss.item());
    }
    model
}
