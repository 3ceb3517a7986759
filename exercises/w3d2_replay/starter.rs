//! W3D2 — rehearsal: a reservoir memory of old examples, replayed while learning a new task.
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
        // TODO: reservoir sampling. This placeholder keeps the first items and ignores the rest.
        let _ = &mut self.rng;
        if self.items.len() < self.capacity {
            self.items.push(item);
        }
    }
}

/// Streams every example of `task`, in order, through `Reservoir::new(capacity, seed)`.
pub fn fill_memory(task: &Dataset, capacity: usize, seed: u64) -> Reservoir<Example> {
    // TODO: add each example (its row of `task.inputs` and its label) in order.
    let _ = task;
    Reservoir::new(capacity, seed)
}

/// Trains `model` on `task`: 200 steps of Adam (learning rate 0.005). Each step draws 64
/// indices with `rng.below(task.len())` from one `Rng::new(seed)`; with a memory, it then
/// draws 32 indices into `memory.items` the same way and appends those examples to the
/// batch (64 task examples, then 32 remembered ones). The loss is the cross-entropy over the
/// whole batch. Calls `on_step(step, loss)` after every step.
pub fn train_task(model: &dyn Module, task: &Dataset, memory: Option<&Reservoir<Example>>, seed: u64, mut on_step: impl FnMut(usize, f32)) {
    // TODO: the training loop, with replayed examples mixed into each batch. This placeholder
    // does not train.
    let _ = (model, task, memory, seed);
    on_step(0, 1.0);
}
