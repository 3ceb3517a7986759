//! The engine's intermediate representation (IR).
//!
//! A [`Tensor`] is a cheap handle: an `Rc<Node>` plus a [`View`](crate::view::View)
//! (luminal's `ShapeTracker` layout, with plain numbers) describing how the
//! node's output buffer is viewed (permuted, broadcast, sliced, padded,
//! reshaped). A node is either a leaf that owns data or one of
//! luminal's primitive operators applied to input tensors; each input is itself
//! a `Tensor`, so every edge carries its own view.
//!
//! Keeping the IR this small is deliberate: reverse-mode autograd
//! (`autograd.rs`) and the CPU compiler's passes (`cpu/compile/`) are
//! written against exactly these operators, plus the few fused operators
//! (`Op::LstmLoop`, `Op::MaxPoolTiles`, `Op::SoftmaxRows`,
//! `Op::LayerNormRows`, and their adjoints) that the CPU compiler runs as
//! one kernel each.
//!
//! Invariant: a node's output buffer is contiguous, row-major, with
//! `node.shape` as its shape; all reshaping/permuting lives in the views.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

use crate::view;

/// Parts of `H` floats in each row of an LSTM loop's tape: `h | c | i f g o
/// | tanh c` (see `nn/lstm_loop.rs`).
pub(crate) const LSTM_TAPE_PARTS: usize = 7;

/// One primitive operation. The names match luminal's `op` module.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Op {
    /// Data supplied by the user (or a previously realized result that was detached).
    Leaf,
    /// A single number, shape `[]`; broadcast it with a view.
    Constant(f32),
    Log2,
    Exp2,
    Sin,
    Sqrt,
    Recip,
    Add,
    Mul,
    /// Remainder with the sign of the dividend (C `fmod`).
    Mod,
    /// 1.0 where `a < b`, else 0.0.
    LessThan,
    /// Sum over one axis of the input view; that axis disappears.
    SumReduce(usize),
    /// Max over one axis of the input view; that axis disappears.
    MaxReduce(usize),
    /// Copy the input view into a fresh contiguous buffer.
    Contiguous,
    /// A whole LSTM layer's time loop (one direction) as one operator:
    /// inputs `xw` `[T, B, 4H]` (`x·W_ihᵀ` for every step), the bias `[4H]`,
    /// `W_hh` `[4H, H]`, `h0` and `c0` `[B, H]`, all read in buffer order,
    /// then `x` and `W_ih`, not read, for the adjoint (see `nn/lstm_loop.rs`);
    /// output the tape `[T + 1, B, LSTM_TAPE_PARTS·H]` (see `nn/lstm_loop.rs`). Only the CPU
    /// backend runs it: layers build it only there, and unroll their cells
    /// elsewhere.
    LstmLoop { reverse: bool },
    /// The adjoint of [`Op::LstmLoop`]: inputs the gradient of the tape (any
    /// view), the tape, `W_hh`; output `[T + 2, B, 4H]` (see `nn/lstm_loop.rs`).
    /// Without `initial_state`, nothing wants the initial state's gradients:
    /// the last step's product with `W_hh` is skipped and they are zeros.
    LstmLoopBackward { reverse: bool, initial_state: bool },
    /// Max pooling over non-overlapping `kh × kw` tiles: input `[N, C, H, W]`
    /// read in buffer order, output `[N, C, H/kh, W/kw]` (see `nn/pool.rs`).
    /// Only the CPU backend runs it, like [`Op::LstmLoop`]; elsewhere the
    /// pooling is two max reductions.
    MaxPoolTiles { kh: usize, kw: usize },
    /// The adjoint of [`Op::MaxPoolTiles`]: inputs the output's gradient, the
    /// input and the output (all in buffer order); output the input's
    /// gradient, each window's share split evenly among its maxima.
    MaxPoolTilesBackward { kh: usize, kw: usize },
    /// Softmax along the last axis: input read in buffer order, output of its
    /// shape (see `nn/functional.rs`; its gradient is a rule on the output).
    /// Only the CPU backend runs it, like [`Op::LstmLoop`]; elsewhere it is a
    /// max and a sum reduction and two elementwise passes.
    SoftmaxRows,
    /// The adjoint of [`Op::SoftmaxRows`]: inputs the output `y` and its
    /// gradient `g` (both in buffer order); output `y·(g − Σ g·y)` per row,
    /// the input's gradient.
    SoftmaxRowsBackward,
    /// Layer normalisation along the last axis, without the affine part:
    /// input read in buffer order, output of its shape (see `nn/norm.rs`;
    /// its gradient is a rule, [`Op::LayerNormRowsBackward`]). Only the CPU
    /// backend runs it, like [`Op::SoftmaxRows`]; elsewhere it is two mean
    /// reductions and two elementwise passes, whose values it gives within
    /// rounding (its sums run in interleaved lanes).
    LayerNormRows { eps: f32 },
    /// The adjoint of [`Op::LayerNormRows`]: inputs its input `x`, its
    /// output `y` and the output's gradient (all in buffer order); output
    /// the input's gradient.
    LayerNormRowsBackward { eps: f32 },
}

impl Op {
    pub(crate) fn is_unary(self) -> bool {
        matches!(self, Op::Log2 | Op::Exp2 | Op::Sin | Op::Sqrt | Op::Recip)
    }

    /// One of the fused operators only the CPU compiler runs, each as one kernel.
    pub(crate) fn is_fused(self) -> bool {
        matches!(
            self,
            Op::LstmLoop { .. } | Op::LstmLoopBackward { .. } | Op::MaxPoolTiles { .. } | Op::MaxPoolTilesBackward { .. } | Op::SoftmaxRows
                | Op::SoftmaxRowsBackward
                | Op::LayerNormRows { .. }
                | Op::LayerNormRowsBackward { .. }
        )
    }
}

pub(crate) struct Node {
    pub(crate) op: Op,
    /// Inputs in operator order; each carries the view the operator reads through.
    pub(crate) inputs: Vec<Tensor>,
    /// Shape of this node's contiguous output buffer.
    pub(crate) shape: Vec<usize>,
    /// The computed output. Always set for leaves; filled in for other nodes
    /// once they have been realized, after which they are treated as leaves.
    pub(crate) data: RefCell<Option<Rc<Vec<f32>>>>,
    /// Which of autograd's side tables hold this node (bits `MARK_*` there),
    /// so its graph walks look a node up only where there is something to find.
    pub(crate) marks: Cell<u8>,
    /// The last [`Walk`] that visited this node, and the number it left.
    walk: Cell<(u64, u32)>,
}

thread_local! {
    static WALKS: Cell<u64> = const { Cell::new(0) };
    /// Whether a walk is alive on this thread (walks must not nest).
    static WALKING: Cell<bool> = const { Cell::new(false) };
}

/// One pass over a graph that needs a number per node (visited, a position
/// in a list): kept in the node itself instead of a hash map keyed by node
/// address, which cost a lookup per edge. A walk's numbers are gone once
/// another walk visits the node, so walks must not interleave on the same nodes.
pub(crate) struct Walk(u64);

impl Walk {
    /// Starts a walk. Panics if another is alive on this thread: its numbers
    /// would be overwritten (e.g. a realization inside autograd's pass).
    pub(crate) fn new() -> Walk {
        let nested = WALKING.with(|w| w.replace(true));
        assert!(!nested, "internal error: graph walks must not nest");
        Walk(WALKS.with(|w| {
            w.set(w.get() + 1);
            w.get()
        }))
    }

    /// The number this walk left on `node`, if it visited it.
    pub(crate) fn get(&self, node: &Node) -> Option<u32> {
        let (walk, value) = node.walk.get();
        (walk == self.0).then_some(value)
    }

    pub(crate) fn set(&self, node: &Node, value: u32) {
        node.walk.set((self.0, value));
    }
}

impl Drop for Walk {
    fn drop(&mut self) {
        WALKING.with(|w| w.set(false));
    }
}

/// An n-dimensional array of `f32` (up to 6 dimensions), evaluated lazily.
///
/// Cloning is cheap (it copies a handle, not the data). Operations return new
/// tensors describing the computation; values are computed on demand by
/// [`to_vec`](Tensor::to_vec), [`item`](Tensor::item) or printing, and the
/// result is cached, so asking again is free.
///
/// Shapes follow NumPy/PyTorch conventions: a shape is a list of sizes, `[]` is
/// a scalar, data is stored row-major, and binary operations broadcast.
#[derive(Clone)]
pub struct Tensor {
    pub(crate) node: Rc<Node>,
    pub(crate) view: view::View,
}


impl Node {
    pub(crate) fn realized_data(&self) -> Option<Rc<Vec<f32>>> {
        self.data.borrow().clone()
    }
}

impl Tensor {
    /// A leaf tensor owning `data` (already checked to match `shape`).
    pub(crate) fn leaf(data: Rc<Vec<f32>>, shape: Vec<usize>) -> Tensor {
        debug_assert_eq!(data.len(), shape.iter().product::<usize>());
        let view = view::plain(&shape);
        let node = Node {
            op: Op::Leaf,
            inputs: Vec::new(),
            shape,
            data: RefCell::new(Some(data)),
            marks: Cell::new(0),
            walk: Cell::new((0, 0)),
        };
        Tensor {
            node: Rc::new(node),
            view,
        }
    }

    /// A `Constant` node: one number of shape `[]`, broadcast later with views.
    pub(crate) fn constant(value: f32) -> Tensor {
        Tensor::from_op(Op::Constant(value), Vec::new(), Vec::new())
    }

    /// A new operator node whose output buffer has `shape`, viewed plainly.
    /// Tensors with no elements never reach luminal (it miscounts them as one
    /// element), so they become empty leaves right away.
    pub(crate) fn from_op(op: Op, inputs: Vec<Tensor>, shape: Vec<usize>) -> Tensor {
        if shape.iter().product::<usize>() == 0 {
            return Tensor::leaf(Rc::new(Vec::new()), shape);
        }
        debug_assert!(
            !op.is_unary() || view::is_plain(&inputs[0].view),
            "luminal's unary operators ignore views; callers must make the input contiguous"
        );
        let view = view::plain(&shape);
        let node = Node {
            op,
            inputs,
            shape,
            data: RefCell::new(None),
            marks: Cell::new(0),
            walk: Cell::new((0, 0)),
        };
        Tensor {
            node: Rc::new(node),
            view,
        }
    }
}

/// Dropping a long chain of nodes recursively could overflow the stack (think
/// of a training loop that keeps `w = w - lr * g` for thousands of steps), so
/// inputs that are uniquely owned are dismantled iteratively instead.
impl Drop for Node {
    fn drop(&mut self) {
        let mut pending: Vec<Rc<Node>> = std::mem::take(&mut self.inputs)
            .into_iter()
            .map(|t| t.node)
            .collect();
        while let Some(node) = pending.pop() {
            if let Ok(mut node) = Rc::try_unwrap(node) {
                pending.extend(std::mem::take(&mut node.inputs).into_iter().map(|t| t.node));
            }
        }
    }
}

/// Fast hashing of node addresses (the std SipHash is needlessly slow for
/// pointer keys; graph walks hash every node several times per step).
#[derive(Default)]
pub(crate) struct PtrHasher(u64);

impl Hasher for PtrHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Not reached for pointer keys (they hash through `write_usize`).
        for &b in bytes {
            self.0 = (self.0 ^ b as u64).wrapping_mul(0x100_0000_01b3);
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = (n as u64)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(29);
    }
}

/// A map keyed by node address.
pub(crate) type NodeMap<V> = HashMap<*const Node, V, BuildHasherDefault<PtrHasher>>;
/// A set of node addresses.
pub(crate) type NodeSet = HashSet<*const Node, BuildHasherDefault<PtrHasher>>;

/// The targets plus every node they depend on that still has to be computed,
/// and the already-realized nodes on the boundary (they become inputs),
/// ordered so that every node comes after its inputs. Iterative, because
/// graphs built in loops can be deeper than the stack.
pub(crate) fn unrealized_in_dependency_order(targets: &[Rc<Node>]) -> Vec<Rc<Node>> {
    let mut order = Vec::new();
    let visited = Walk::new();
    // (node, inputs already scheduled)
    let mut stack: Vec<(Rc<Node>, bool)> = targets.iter().rev().map(|t| (t.clone(), false)).collect();
    while let Some((node, inputs_done)) = stack.pop() {
        if inputs_done {
            order.push(node);
            continue;
        }
        if visited.get(&node).is_some() {
            continue;
        }
        visited.set(&node, 0);
        let is_boundary = node.realized_data().is_some();
        stack.push((node.clone(), true));
        if !is_boundary {
            for input in node.inputs.iter().rev() {
                if visited.get(&input.node).is_none() {
                    stack.push((input.node.clone(), false));
                }
            }
        }
    }
    order
}
