//! W3D2 — rehearsal: a reservoir memory of old examples, replayed while learning a new task
//! (reference solution).
use nma_engine::prelude::*;

/// One remembered example: its 64 inputs and its label.
pub type Example = (Vec<f32>, usize);

/// A uniform random sample of fixed size of everything added so far (reservoir sampling).
pub struct Reservoir<T> {
    /// The most items kept.
    pub capacity: usize,
    /// What is kept, at most `capacity` items.
    pub items: Vec<T>,
    /// How many items have been added so far.
    pub seen: usize,
    rng: Rng,
}

impl<T> Reservoir<T> {
    /// An empty memory whose random choices come from `Rng::new(seed)`.
    pub fn new(capacity: usize, seed: u64) -> Reservoir<T> {
        Reservoir { capacity, items: Vec::new(), seen: 0, rng: Rng::new(seed) }
    }

    /// Offers the next item of the stream. While there is room it is kept; after that, the
    /// item number n (counting from 0) is kept with probability capacity/(n + 1), in place
    /// of a uniformly chosen old one.
    pub fn add(&mut self, item: T) {
        if self.items.len() < self.capacity {
            self.items.push(item);
        } else {
            let j = self.rng.below(self.seen + 1);
            if j < self.capacity {
                self.items[j] = item;
            }
        }
        self.seen += 1;
    }
}

/// Streams every example of `task`, in order, through `Reservoir::new(capacity, seed)`.
pub fn fill_memory(task: &Dataset, capacity: usize, seed: u64) -> Reservoir<Example> {
    let mut memory = Reservoir::new(capacity, seed);
    let f = task.n_features;
    for (i, &label) in task.labels().iter().enumerate() {
        memory.add((task.inputs[i * f..(i + 1) * f].to_vec(), label));
    }
    memory
}

/// Trains `model` on `task`: 200 steps of Adam (learning rate 0.005). Each step draws 64
/// indices with `rng.below(task.len())` from one `Rng::new(seed)`; with a memory, it then
/// draws 32 indices into `memory.items` the same way and appends those examples to the
/// batch (64 task examples, then 32 remembered ones). The loss is the cross-entropy over the
/// whole batch. Calls `on_step(step, loss)` after every step.
pub fn train_task(model: &dyn Module, task: &Dataset, memory: Option<&Reservoir<Example>>, seed: u64, mut on_step: impl FnMut(usize, f32)) {
    let mut opt = Adam::new(model.parameters(), 0.005);
    let mut rng = Rng::new(seed);
    for step in 0..200 {
        let indices: Vec<usize> = (0..64).map(|_| rng.below(task.len())).collect();
        let batch = task.batch(&indices);
        let (mut x, mut labels) = (batch.x.to_vec(), batch.labels);
        if let Some(m) = memory {
            for _ in 0..32 {
                let (inputs, label) = &m.items[rng.below(m.items.len())];
                x.extend_from_slice(inputs);
                labels.push(*label);
            }
        }
        let x = Tensor::from_vec(x, &[labels.len(), task.n_features]);
        let loss = nn::cross_entropy(&model.forward(&x), &labels);
        opt.zero_grad();
        loss.backward();
        opt.step();
        on_step(step, loss.item());
    }
}
