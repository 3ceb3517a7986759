//! Recurrent cells and unrolled layers with PyTorch's equations, gate order,
//! parameter names and initialization (`nn.RNNCell`, `nn.LSTMCell`,
//! `nn.GRUCell`, `nn.RNN`, `nn.LSTM`, `nn.GRU` with `batch_first=True`).
//!
//! Every cell has `weight_ih` `[G·H, I]`, `weight_hh` `[G·H, H]`, `bias_ih`
//! and `bias_hh` `[G·H]` (G = 1, 4, 3 gates), each uniform in `[-1/√H, 1/√H)`
//! like PyTorch, drawn from `Rng::new(seed)` in that order. With `x` the
//! input and `h` the previous hidden state:
//!
//! ```text
//! RNN:  h' = tanh(W_ih x + b_ih + W_hh h + b_hh)
//! LSTM: i, f, g, o = split(W_ih x + b_ih + W_hh h + b_hh)       (gate order i, f, g, o)
//!       c' = σ(f)·c + σ(i)·tanh(g),   h' = σ(o)·tanh(c')
//! GRU:  r, z, n rows of W/b                                      (gate order r, z, n)
//!       r = σ(W_ir x + b_ir + W_hr h + b_hr),  z = σ(W_iz x + b_iz + W_hz h + b_hz)
//!       n = tanh(W_in x + b_in + r·(W_hn h + b_hn)),  h' = (1 - z)·n + z·h
//! ```
//!
//! The layers take `[batch, seq, features]` and compute `W_ih x + b_ih` for
//! all time steps in one matrix product before the loop; only `W_hh h` is
//! done per step. A bidirectional layer runs a second cell from the last step
//! to the first and concatenates the two outputs along the feature dimension
//! (forward first). Final states are `[layers · directions, batch, hidden]`,
//! ordered layer 0 forward, layer 0 backward, layer 1 forward, … (PyTorch's).
//!
//! ```
//! use nma_engine::prelude::*;
//!
//! let lstm = nn::Lstm::new(3, 8, 0);
//! let x = Tensor::randn(&[2, 5, 3], 1); // batch 2, 5 steps, 3 features
//! let (out, (h, c)) = lstm.forward_with(&x, None);
//! assert_eq!(out.shape(), vec![2, 5, 8]);
//! assert_eq!(h.shape(), vec![1, 2, 8]);
//! assert_eq!(c.shape(), vec![1, 2, 8]);
//! ```

use crate::nn::lstm_loop;
use crate::nn::Module;
use crate::rng::Rng;
use crate::tensor::Tensor;

/// The four tensors of one cell, `gates` blocks of `hidden` rows each.
#[derive(Clone)]
struct CellWeights {
    weight_ih: Tensor,
    weight_hh: Tensor,
    bias_ih: Tensor,
    bias_hh: Tensor,
    input_size: usize,
    hidden_size: usize,
}

impl CellWeights {
    #[track_caller]
    fn init(who: &str, input_size: usize, hidden_size: usize, gates: usize, seed: u64) -> CellWeights {
        if input_size == 0 || hidden_size == 0 {
            panic!("{who}: sizes must be at least 1, but got input_size={input_size}, hidden_size={hidden_size}");
        }
        let bound = 1.0 / (hidden_size as f32).sqrt();
        let mut rng = Rng::new(seed);
        let mut uniform = |shape: &[usize]| {
            let n = shape.iter().product();
            let v = (0..n).map(|_| (2.0 * rng.uniform() - 1.0) * bound).collect();
            Tensor::from_vec(v, shape).requires_grad()
        };
        let g = gates * hidden_size;
        CellWeights {
            weight_ih: uniform(&[g, input_size]),
            weight_hh: uniform(&[g, hidden_size]),
            bias_ih: uniform(&[g]),
            bias_hh: uniform(&[g]),
            input_size,
            hidden_size,
        }
    }

    fn parameters(&self) -> Vec<Tensor> {
        vec![
            self.weight_ih.clone(),
            self.weight_hh.clone(),
            self.bias_ih.clone(),
            self.bias_hh.clone(),
        ]
    }

    /// `x · W_ihᵀ + b_ih` for any leading dimensions.
    #[track_caller]
    fn input_part(&self, who: &str, x: &Tensor) -> Tensor {
        self.input_product(who, x).add(&self.bias_ih)
    }

    /// `x · W_ihᵀ` for any leading dimensions.
    #[track_caller]
    fn input_product(&self, who: &str, x: &Tensor) -> Tensor {
        let s = x.shape();
        if s.last() != Some(&self.input_size) {
            panic!(
                "{who}: expects inputs whose last dimension is input_size = {}, but got shape {s:?}",
                self.input_size
            );
        }
        x.matmul(&self.weight_ih.t())
    }

    /// `h · W_hhᵀ + b_hh`.
    #[track_caller]
    fn hidden_part(&self, who: &str, h: &Tensor) -> Tensor {
        let s = h.shape();
        if s.len() != 2 || s[1] != self.hidden_size {
            panic!(
                "{who}: expects a hidden state of shape [batch, {}], but got shape {s:?}",
                self.hidden_size
            );
        }
        h.matmul(&self.weight_hh.t()).add(&self.bias_hh)
    }

    /// Gate `k` (columns `k·H..(k+1)·H`) of `[batch, G·H]` pre-activations.
    fn gate(&self, t: &Tensor, k: usize) -> Tensor {
        let h = self.hidden_size;
        t.slice(1, k * h, (k + 1) * h)
    }
}

/// What the unrolled layer needs from a cell.
trait Recurrent {
    const NAME: &'static str;
    fn weights(&self) -> &CellWeights;
    /// Number of state tensors (1, or 2 for LSTM's `(h, c)`).
    const STATES: usize;
    /// One step from the precomputed input part `W_ih x + b_ih` (`[batch, G·H]`).
    fn step_from(&self, xw: &Tensor, state: &[Tensor]) -> Vec<Tensor>;
    /// Whether [`Recurrent::fused_loop`] exists (where the backend runs it).
    const FUSED: bool = false;
    /// The whole loop of one direction as one operator: from `xw = x·W_ihᵀ`
    /// for every step, time-major `[seq, batch, G·H]` (no bias), the input
    /// `x` it was made from (`[seq, batch, input]`: the operator's adjoint
    /// differentiates the product itself), and the initial states, the
    /// hidden states `[seq, batch, H]` (time-major) and the final states.
    fn fused_loop(&self, _xw: &Tensor, _x: &Tensor, _state: &[Tensor], _reverse: bool) -> (Tensor, Vec<Tensor>) {
        unreachable!("only cells with FUSED have a fused loop")
    }
}

#[track_caller]
fn zero_state(batch: usize, hidden: usize) -> Tensor {
    Tensor::zeros(&[batch, hidden])
}

#[track_caller]
fn batch_of(who: &str, x: &Tensor) -> usize {
    let s = x.shape();
    if s.len() != 2 {
        panic!("{who}: expects inputs of shape [batch, input_size], but got shape {s:?}");
    }
    s[0]
}

// ------------------------------------------------------------------ cells

macro_rules! cell_common {
    ($name:ident, $gates:expr, $doc_name:expr) => {
        impl $name {
            /// A cell from `input_size` to `hidden_size`, initialized like PyTorch from `seed`.
            #[track_caller]
            pub fn new(input_size: usize, hidden_size: usize, seed: u64) -> $name {
                $name {
                    w: CellWeights::init($doc_name, input_size, hidden_size, $gates, seed),
                }
            }

            /// A cell with the given tensors (shapes as in PyTorch; they are marked as parameters).
            #[track_caller]
            pub fn from_tensors(weight_ih: Tensor, weight_hh: Tensor, bias_ih: Tensor, bias_hh: Tensor) -> $name {
                let (wi, wh, bi, bh) = (weight_ih.shape(), weight_hh.shape(), bias_ih.shape(), bias_hh.shape());
                let ok = wi.len() == 2
                    && wi[0].is_multiple_of($gates)
                    && wh == [wi[0], wi[0] / $gates]
                    && bi == [wi[0]]
                    && bh == [wi[0]];
                if !ok {
                    panic!(
                        "{}::from_tensors: expects weight_ih [{}·H, I], weight_hh [{}·H, H], bias_ih and bias_hh [{}·H], but got {wi:?}, {wh:?}, {bi:?}, {bh:?}",
                        $doc_name, $gates, $gates, $gates
                    );
                }
                $name {
                    w: CellWeights {
                        input_size: wi[1],
                        hidden_size: wh[1],
                        weight_ih: weight_ih.requires_grad(),
                        weight_hh: weight_hh.requires_grad(),
                        bias_ih: bias_ih.requires_grad(),
                        bias_hh: bias_hh.requires_grad(),
                    },
                }
            }

            pub fn input_size(&self) -> usize {
                self.w.input_size
            }

            pub fn hidden_size(&self) -> usize {
                self.w.hidden_size
            }

            /// `[G·H, I]`.
            pub fn weight_ih(&self) -> &Tensor {
                &self.w.weight_ih
            }

            /// `[G·H, H]`.
            pub fn weight_hh(&self) -> &Tensor {
                &self.w.weight_hh
            }

            pub fn bias_ih(&self) -> &Tensor {
                &self.w.bias_ih
            }

            pub fn bias_hh(&self) -> &Tensor {
                &self.w.bias_hh
            }
        }
    };
}

/// An Elman RNN cell with tanh (PyTorch's `nn.RNNCell`).
#[derive(Clone)]
pub struct RnnCell {
    w: CellWeights,
}
cell_common!(RnnCell, 1, "RnnCell");

impl RnnCell {
    /// One step: `x` `[batch, input]`, `h` `[batch, hidden]` → the new `h`.
    #[track_caller]
    pub fn step(&self, x: &Tensor, h: &Tensor) -> Tensor {
        batch_of("RnnCell", x);
        let xw = self.w.input_part("RnnCell", x);
        self.step_from(&xw, std::slice::from_ref(h)).remove(0)
    }
}

impl Recurrent for RnnCell {
    const NAME: &'static str = "Rnn";
    const STATES: usize = 1;
    fn weights(&self) -> &CellWeights {
        &self.w
    }
    fn step_from(&self, xw: &Tensor, state: &[Tensor]) -> Vec<Tensor> {
        vec![xw.add(self.w.hidden_part("RnnCell", &state[0])).tanh()]
    }
}

/// A long short-term memory cell (PyTorch's `nn.LSTMCell`), gate order i, f, g, o.
#[derive(Clone)]
pub struct LstmCell {
    w: CellWeights,
}
cell_common!(LstmCell, 4, "LstmCell");

impl LstmCell {
    /// One step: `x` `[batch, input]`, state `(h, c)` each `[batch, hidden]` → the new `(h, c)`.
    #[track_caller]
    pub fn step(&self, x: &Tensor, state: (&Tensor, &Tensor)) -> (Tensor, Tensor) {
        batch_of("LstmCell", x);
        let xw = self.w.input_part("LstmCell", x);
        let mut s = self.step_from(&xw, &[state.0.clone(), state.1.clone()]);
        let c = s.pop().expect("two states");
        (s.pop().expect("two states"), c)
    }
}

impl Recurrent for LstmCell {
    const NAME: &'static str = "Lstm";
    const STATES: usize = 2;
    fn weights(&self) -> &CellWeights {
        &self.w
    }
    fn step_from(&self, xw: &Tensor, state: &[Tensor]) -> Vec<Tensor> {
        let (h, c) = (&state[0], &state[1]);
        if c.shape() != h.shape() {
            panic!("LstmCell: h has shape {:?} but c has shape {:?}; they must be equal", h.shape(), c.shape());
        }
        let gates = xw.add(self.w.hidden_part("LstmCell", h));
        // All four gates in one sigmoid (one kernel, one gradient rule):
        // tanh(x) = 2σ(2x) - 1, so the g gate's columns are doubled first.
        let hs = self.w.hidden_size;
        let scale: Vec<f32> = (0..4 * hs).map(|k| if k / hs == 2 { 2.0 } else { 1.0 }).collect();
        let act = gates.mul(Tensor::from_vec(scale, &[4 * hs])).sigmoid();
        let i = self.w.gate(&act, 0);
        let f = self.w.gate(&act, 1);
        let g = self.w.gate(&act, 2).mul(2.0).sub(1.0);
        let o = self.w.gate(&act, 3);
        let c_new = f.mul(c).add(i.mul(&g));
        let h_new = o.mul(c_new.tanh());
        vec![h_new, c_new]
    }

    const FUSED: bool = true;
    fn fused_loop(&self, xw: &Tensor, x: &Tensor, state: &[Tensor], reverse: bool) -> (Tensor, Vec<Tensor>) {
        let bias = self.w.bias_ih.add(&self.w.bias_hh);
        let input = lstm_loop::InputProjection { xw, x, w_ih: &self.w.weight_ih };
        let tape = lstm_loop::lstm_loop(input, &bias, &self.w.weight_hh, &state[0], &state[1], reverse);
        let finals = vec![lstm_loop::final_state(&tape, reverse, 0), lstm_loop::final_state(&tape, reverse, 1)];
        (lstm_loop::hidden_states(&tape, reverse), finals)
    }
}

/// A gated recurrent unit cell (PyTorch's `nn.GRUCell`), gate order r, z, n.
#[derive(Clone)]
pub struct GruCell {
    w: CellWeights,
}
cell_common!(GruCell, 3, "GruCell");

impl GruCell {
    /// One step: `x` `[batch, input]`, `h` `[batch, hidden]` → the new `h`.
    #[track_caller]
    pub fn step(&self, x: &Tensor, h: &Tensor) -> Tensor {
        batch_of("GruCell", x);
        let xw = self.w.input_part("GruCell", x);
        self.step_from(&xw, std::slice::from_ref(h)).remove(0)
    }
}

impl Recurrent for GruCell {
    const NAME: &'static str = "Gru";
    const STATES: usize = 1;
    fn weights(&self) -> &CellWeights {
        &self.w
    }
    fn step_from(&self, xw: &Tensor, state: &[Tensor]) -> Vec<Tensor> {
        let h = &state[0];
        let hw = self.w.hidden_part("GruCell", h);
        let r = self.w.gate(xw, 0).add(self.w.gate(&hw, 0)).sigmoid();
        let z = self.w.gate(xw, 1).add(self.w.gate(&hw, 1)).sigmoid();
        let n = self.w.gate(xw, 2).add(r.mul(self.w.gate(&hw, 2))).tanh();
        // (1 - z)·n + z·h = n + z·(h - n)
        vec![n.add(z.mul(h.sub(&n)))]
    }
}

macro_rules! cell_module {
    ($name:ident) => {
        impl Module for $name {
            /// One step from a zero state; returns the new hidden state.
            #[track_caller]
            fn forward(&self, x: &Tensor) -> Tensor {
                let b = batch_of(stringify!($name), x);
                let xw = self.w.input_part(stringify!($name), x);
                let zeros: Vec<Tensor> = (0..<$name as Recurrent>::STATES)
                    .map(|_| zero_state(b, self.w.hidden_size))
                    .collect();
                self.step_from(&xw, &zeros).remove(0)
            }
            fn parameters(&self) -> Vec<Tensor> {
                self.w.parameters()
            }
            /// `weight_ih`, `weight_hh`, `bias_ih`, `bias_hh` (PyTorch's names).
            fn named_parameters(&self) -> Vec<(String, Tensor)> {
                let names = ["weight_ih", "weight_hh", "bias_ih", "bias_hh"];
                names.iter().map(|n| n.to_string()).zip(self.w.parameters()).collect()
            }
        }
    };
}
cell_module!(RnnCell);
cell_module!(LstmCell);
cell_module!(GruCell);

// ----------------------------------------------------------------- layers

/// Cells per layer and direction, and the unrolled loop.
#[derive(Clone)]
struct Stack<C> {
    /// `cells[layer][direction]`.
    cells: Vec<Vec<C>>,
    input_size: usize,
    hidden_size: usize,
    bidirectional: bool,
}

impl<C: Recurrent> Stack<C> {
    #[track_caller]
    fn build(
        input_size: usize,
        hidden_size: usize,
        num_layers: usize,
        bidirectional: bool,
        seed: u64,
        make: impl Fn(usize, usize, u64) -> C,
    ) -> Stack<C> {
        if num_layers == 0 {
            panic!("{}: num_layers must be at least 1", C::NAME);
        }
        let dirs = if bidirectional { 2 } else { 1 };
        let mut rng = Rng::new(seed);
        let cells = (0..num_layers)
            .map(|l| {
                let inp = if l == 0 { input_size } else { dirs * hidden_size };
                (0..dirs).map(|_| make(inp, hidden_size, rng.next_u64())).collect()
            })
            .collect();
        Stack {
            cells,
            input_size,
            hidden_size,
            bidirectional,
        }
    }

    fn directions(&self) -> usize {
        if self.bidirectional {
            2
        } else {
            1
        }
    }

    fn parameters(&self) -> Vec<Tensor> {
        self.cells
            .iter()
            .flatten()
            .flat_map(|c| c.weights().parameters())
            .collect()
    }

    /// Runs all layers. `initial[k]` is the `[L·D, B, H]` initial value of
    /// state `k` (or zeros). Returns the outputs `[B, T, D·H]` and the final
    /// states, each `[L·D, B, H]`.
    #[track_caller]
    fn run(&self, x: &Tensor, initial: &[Option<&Tensor>]) -> (Tensor, Vec<Tensor>) {
        let s = x.shape();
        if s.len() != 3 || s[2] != self.input_size {
            panic!(
                "{}: expects inputs of shape [batch, seq, {}] (batch first), but got shape {s:?}",
                C::NAME,
                self.input_size
            );
        }
        let (batch, seq) = (s[0], s[1]);
        if seq == 0 {
            panic!("{}: the sequence is empty (shape {s:?})", C::NAME);
        }
        let dirs = self.directions();
        let slots = self.cells.len() * dirs;
        for (k, init) in initial.iter().enumerate() {
            if let Some(t) = init {
                if t.shape() != [slots, batch, self.hidden_size] {
                    panic!(
                        "{}: initial state {k} must have shape [layers·directions, batch, hidden] = {:?}, but has shape {:?}",
                        C::NAME,
                        [slots, batch, self.hidden_size],
                        t.shape()
                    );
                }
            }
        }
        let mut finals: Vec<Vec<Tensor>> = vec![Vec::new(); C::STATES];
        // The fused loops work time-major: each layer's outputs are then one
        // matrix the next layer's input projection reads in place.
        let fused = C::FUSED && crate::realize::fused_operators_here();
        let mut input = if fused { x.permute(&[1, 0, 2]).contiguous() } else { x.clone() };
        for (l, layer) in self.cells.iter().enumerate() {
            let mut outputs = Vec::with_capacity(dirs);
            for (d, cell) in layer.iter().enumerate() {
                let slot = l * dirs + d;
                let mut state: Vec<Tensor> = initial
                    .iter()
                    .map(|init| match init {
                        Some(t) => t.slice(0, slot, slot + 1).squeeze(0),
                        None => zero_state(batch, self.hidden_size),
                    })
                    .collect();
                if fused {
                    let xw = cell.weights().input_product(C::NAME, &input);
                    let (hs, last) = cell.fused_loop(&xw, &input, &state, d == 1);
                    outputs.push(hs);
                    for (k, st) in last.into_iter().enumerate() {
                        finals[k].push(st);
                    }
                    continue;
                }
                let xw = cell.weights().input_part(C::NAME, &input);
                let mut hs: Vec<Option<Tensor>> = vec![None; seq];
                let order: Vec<usize> = if d == 0 {
                    (0..seq).collect()
                } else {
                    (0..seq).rev().collect()
                };
                for t in order {
                    let xt = xw.slice(1, t, t + 1).squeeze(1);
                    state = cell.step_from(&xt, &state);
                    hs[t] = Some(state[0].clone());
                }
                let hs: Vec<Tensor> = hs.into_iter().map(|h| h.expect("every step ran")).collect();
                let refs: Vec<&Tensor> = hs.iter().collect();
                outputs.push(Tensor::stack(&refs, 1));
                for (k, st) in state.into_iter().enumerate() {
                    finals[k].push(st);
                }
            }
            input = if dirs == 1 {
                outputs.pop().expect("one direction")
            } else {
                Tensor::cat(&[&outputs[0], &outputs[1]], 2)
            };
        }
        let finals = finals
            .iter()
            .map(|f| {
                let refs: Vec<&Tensor> = f.iter().collect();
                Tensor::stack(&refs, 0)
            })
            .collect();
        let output = if fused { input.permute(&[1, 0, 2]) } else { input };
        (output, finals)
    }
}

macro_rules! layer_common {
    ($name:ident, $cell:ident) => {
        impl $name {
            /// One layer, one direction, from `input_size` to `hidden_size`.
            #[track_caller]
            pub fn new(input_size: usize, hidden_size: usize, seed: u64) -> $name {
                $name::with_layers(input_size, hidden_size, 1, false, seed)
            }

            /// `num_layers` stacked layers (layer `l > 0` reads the outputs of
            /// layer `l - 1`), optionally bidirectional. Cell `k` (in the order
            /// of the final states) is seeded with the `k`-th number drawn from
            /// `Rng::new(seed)`.
            #[track_caller]
            pub fn with_layers(
                input_size: usize,
                hidden_size: usize,
                num_layers: usize,
                bidirectional: bool,
                seed: u64,
            ) -> $name {
                $name {
                    stack: Stack::build(input_size, hidden_size, num_layers, bidirectional, seed, |i, h, s| {
                        $cell::new(i, h, s)
                    }),
                }
            }

            /// The cell of `layer` and `direction` (0 forward, 1 backward).
            pub fn cell(&self, layer: usize, direction: usize) -> &$cell {
                &self.stack.cells[layer][direction]
            }

            pub fn input_size(&self) -> usize {
                self.stack.input_size
            }

            pub fn hidden_size(&self) -> usize {
                self.stack.hidden_size
            }

            pub fn num_layers(&self) -> usize {
                self.stack.cells.len()
            }

            pub fn is_bidirectional(&self) -> bool {
                self.stack.bidirectional
            }
        }

        impl Module for $name {
            /// The outputs `[batch, seq, directions · hidden]`, from zero initial states.
            #[track_caller]
            fn forward(&self, x: &Tensor) -> Tensor {
                let none: Vec<Option<&Tensor>> = vec![None; <$cell as Recurrent>::STATES];
                self.stack.run(x, &none).0
            }

            /// Per layer, per direction: `weight_ih`, `weight_hh`, `bias_ih`,
            /// `bias_hh` (PyTorch's order).
            fn parameters(&self) -> Vec<Tensor> {
                self.stack.parameters()
            }

            /// PyTorch's names: `weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`,
            /// `bias_hh_l0`, then `…_l0_reverse` for a bidirectional layer, then `…_l1`, ….
            fn named_parameters(&self) -> Vec<(String, Tensor)> {
                let dirs = self.stack.directions();
                let mut names = Vec::new();
                for l in 0..self.stack.cells.len() {
                    for d in 0..dirs {
                        let suffix = if d == 1 { "_reverse" } else { "" };
                        for n in ["weight_ih", "weight_hh", "bias_ih", "bias_hh"] {
                            names.push(format!("{n}_l{l}{suffix}"));
                        }
                    }
                }
                names.into_iter().zip(self.stack.parameters()).collect()
            }
        }
    };
}

/// An unrolled Elman RNN over `[batch, seq, input]` (PyTorch's `nn.RNN`, `batch_first=True`).
#[derive(Clone)]
pub struct Rnn {
    stack: Stack<RnnCell>,
}
layer_common!(Rnn, RnnCell);

impl Rnn {
    /// The outputs `[batch, seq, D·H]` (the last layer's hidden state at every
    /// step) and the final hidden states `[layers·D, batch, H]`, starting from
    /// `h0` (`[layers·D, batch, H]`) or zeros.
    #[track_caller]
    pub fn forward_with(&self, x: &Tensor, h0: Option<&Tensor>) -> (Tensor, Tensor) {
        let (out, mut f) = self.stack.run(x, &[h0]);
        (out, f.remove(0))
    }
}

/// An unrolled LSTM over `[batch, seq, input]` (PyTorch's `nn.LSTM`, `batch_first=True`).
#[derive(Clone)]
pub struct Lstm {
    stack: Stack<LstmCell>,
}
layer_common!(Lstm, LstmCell);

impl Lstm {
    /// The outputs `[batch, seq, D·H]` and the final `(h, c)`, each
    /// `[layers·D, batch, H]`, starting from `state` (same shapes) or zeros.
    #[track_caller]
    pub fn forward_with(&self, x: &Tensor, state: Option<(&Tensor, &Tensor)>) -> (Tensor, (Tensor, Tensor)) {
        let init = match state {
            Some((h, c)) => [Some(h), Some(c)],
            None => [None, None],
        };
        let (out, mut f) = self.stack.run(x, &init);
        let c = f.pop().expect("two states");
        (out, (f.pop().expect("two states"), c))
    }
}

/// An unrolled GRU over `[batch, seq, input]` (PyTorch's `nn.GRU`, `batch_first=True`).
#[derive(Clone)]
pub struct Gru {
    stack: Stack<GruCell>,
}
layer_common!(Gru, GruCell);

impl Gru {
    /// The outputs `[batch, seq, D·H]` and the final hidden states
    /// `[layers·D, batch, H]`, starting from `h0` or zeros.
    #[track_caller]
    pub fn forward_with(&self, x: &Tensor, h0: Option<&Tensor>) -> (Tensor, Tensor) {
        let (out, mut f) = self.stack.run(x, &[h0]);
        (out, f.remove(0))
    }
}
