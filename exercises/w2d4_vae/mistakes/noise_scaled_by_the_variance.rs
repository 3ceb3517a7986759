// I scaled the noise by exp(log σ²), the variance, instead of the standard deviation.
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

    /// Images [n, 64] → (μ, log σ²), each [n, LATENT].
    pub fn encode(&self, x: &Tensor) -> (Tensor, Tensor) {
        let h = self.encoder.forward(x);
        (self.mu_head.forward(&h), self.logvar_head.forward(&h))
    }

    /// Codes [n, LATENT] → pixel probabilities [n, 64].
    pub fn decode(&self, z: &Tensor) -> Tensor {
        self.decoder.forward(z)
    }

    /// `n` new images [n, 64]: codes drawn from the prior N(0, I) with
    /// `Tensor::randn(&[n, LATENT], seed)`, decoded.
    pub fn sample(&self, n: usize, seed: u64) -> Tensor {
        self.decode(&Tensor::randn(&[n, LATENT], seed))
    }
}

/// z = μ + σ·ε with σ = exp(½·log σ²) and ε = `Tensor::randn(shape, seed)`: a sample of
/// N(μ, σ²) through which gradients reach μ and log σ².
pub fn sample_latent(mu: &Tensor, logvar: &Tensor, seed: u64) -> Tensor {
    let eps = Tensor::randn(&mu.shape(), seed);
    mu.add(logvar.exp().mul(&eps))
}

/// KL(N(μ, σ²) ‖ N(0, 1)) = ½·(μ² + σ² − 1 − log σ²), summed over the LATENT numbers of a
/// row and averaged over the rows: a scalar.
pub fn kl_to_prior(mu: &Tensor, logvar: &Tensor) -> Tensor {
    let rows = mu.shape()[0] as f32;
    mu.square().add(logvar.exp()).sub(1.0).sub(logvar).sum().mul(0.5 / rows)
}

/// Binary cross-entropy −[x·log p + (1 − x)·log(1 − p)], summed over the 64 pixels of an
/// image and averaged over the images: the negative log-likelihood of `x` under the
/// decoder's pixel probabilities `probs`. A scalar.
pub fn reconstruction_loss(probs: &Tensor, x: &Tensor) -> Tensor {
    nn::bce_loss(probs, x).mul(x.shape()[1] as f32)
}

/// The negative ELBO of the images `x` [n, 64]: encode, draw z with `sample_latent(μ,
/// log σ², seed)`, decode, and add `reconstruction_loss` and `kl_to_prior`.
pub fn negative_elbo(model: &Vae, x: &Tensor, seed: u64) -> Tensor {
    let (mu, logvar) = model.encode(x);
    let z = sample_latent(&mu, &logvar, seed);
    reconstruction_loss(&model.decode(&z), x).add(kl_to_prior(&mu, &logvar))
}

/// Trains `Vae::new(seed)` on `data` by minimising `negative_elbo` with Adam and returns
/// it; calls `on_step(step, loss)` after every optimizer step (steps count from 0).
pub fn train_vae(data: &Dataset, seed: u64, mut on_step: impl FnMut(usize, f32)) -> Vae {
    let model = Vae::new(seed);
    let mut opt = Adam::new(model.parameters(), 0.005);
    let mut rng = Rng::new(seed.wrapping_add(1));
    let mut order: Vec<usize> = (0..data.len()).collect();
    let batch = 50;
    let mut step = 0;
    while step < 1000 {
        rng.shuffle(&mut order);
        for chunk in order.chunks_exact(batch) {
            if step == 1000 {
                break;
            }
            let x = data.batch(chunk).x;
            // A fresh ε every step: the seed changes with the step.
            let loss = negative_elbo(&model, &x, seed.wrapping_mul(100_003).wrapping_add(step as u64));
            opt.zero_grad();
            loss.backward();
            opt.step();
            on_step(step, loss.item());
            step += 1;
        }
    }
    model
}
