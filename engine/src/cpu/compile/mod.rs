//! Compiling the unrealized part of the graph into a [`Program`] of CPU kernels.
//!
//! Passes over the IR (luminal's primitive operators with a `View`
//! (luminal's `ShapeTracker` layout) on every edge), one file each, run in
//! this order by [`compile`]:
//!
//! 1. **products** (`products.rs`): `SumReduce(k)` of a `Mul` of two views,
//!    where along every other axis at most one side is broadcast (stride 0),
//!    is a (batched) matrix product; it becomes one sgemm call per batch
//!    position with strides read off the views (so transposes and slices cost
//!    nothing) and the `[.., M, N, K]` product is never built. Padded
//!    operands, or views that reach outside their buffer, keep the plain
//!    multiply-then-reduce. Then `x + A·B`, where the product is used only
//!    there, becomes the product added onto x in place; `A·B + b` with `b`
//!    one row (a layer's bias), ReLU of either, and a product times
//!    `0 < y` (ReLU's gradient) become the product's epilogue, run as it
//!    stores C.
//! 2. **fusion** (`fusion.rs`): an elementwise node (`Add`, `Mul`, `Mod`,
//!    `LessThan`, the unary ops, `Contiguous`) used once, by another
//!    elementwise node that reads it plainly, is inlined into that consumer
//!    (a tiny one of one buffer, like ReLU's mask, into each of several);
//!    `Constant`s become immediates. Each remaining elementwise root is one
//!    loop over its output.
//! 3. **shared weights** (`products.rs`): a B that several products read (a
//!    recurrent weight, once per time step) is packed once per run.
//! 4. **scheduling** (`schedule.rs`): every value still needed (inputs,
//!    targets, operands of reductions and products, values used more than
//!    once) gets a buffer slot, and one step per computed slot, in
//!    dependency order.
//!
//! The program depends only on the graph's structure, never on data, so it is
//! cached (see `cpu/mod.rs`) and rerun for every structurally identical graph.

#![allow(clippy::needless_range_loop)]

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crate::ir::{Node, Op};
use crate::view;

use super::kernels::{Fused, Gemm, Instr, PoolTiles, SumOfViews};
use super::recurrence::{LstmLoop, LstmLoopBackward};
use super::strided::Strided;

mod fusion;
mod products;
mod schedule;

/// Most instructions inlined into one fused kernel before a value is materialized.
const MAX_FUSED: usize = 24;
/// Most instructions of a value inlined into each of several readers
/// instead of materialized once (see `fusion.rs`).
const MAX_RECOMPUTED: usize = 2;
/// Most terms of a pure sum of views (see [`Kernel::SumOfViews`]) in one
/// kernel: it needs no registers, so it can be far larger.
const MAX_SUM_TERMS: usize = 512;

#[derive(Clone, Debug)]
pub(crate) enum Kernel {
    Fused(Fused),
    Reduce {
        src: usize,
        view: Strided,
        axis: usize,
        max: bool,
    },
    Gemm(Gemm),
    /// A sum of views (`Σ c·view`), each added over the box it reads real
    /// data from: a concatenation or stack (views padded into disjoint
    /// parts of the output), or the sum of a slice's adjoints.
    SumOfViews(SumOfViews),
    /// A `k × n` B read by several products (a recurrent weight, once per
    /// time step), packed once into the panels they read (see `packed`).
    PackB {
        src: usize,
        offset: isize,
        strides: (isize, isize),
        k: usize,
        n: usize,
    },
    /// A whole LSTM layer direction's time loop, and its adjoint (`recurrence`).
    LstmLoop(LstmLoop),
    LstmLoopBackward(LstmLoopBackward),
    /// Max pooling over tiles, and its adjoint (`kernels/pooling.rs`); slots
    /// read in buffer order.
    MaxPoolTiles { x: usize, tiles: PoolTiles },
    MaxPoolTilesBackward { g: usize, x: usize, y: usize, tiles: PoolTiles },
    /// Softmax along rows of `len` floats (`kernels/softmax.rs`), read in buffer order.
    SoftmaxRows { x: usize, len: usize },
    SoftmaxRowsBackward { y: usize, g: usize, len: usize },
    LayerNormRows { x: usize, len: usize, eps: f32 },
    LayerNormRowsBackward { x: usize, y: usize, g: usize, len: usize, eps: f32 },
}

impl Kernel {
    /// Calls `read` with each slot the kernel reads, once per read.
    pub(crate) fn for_each_read(&self, mut read: impl FnMut(usize)) {
        match self {
            Kernel::Fused(f) => {
                for instr in &f.instrs {
                    if let Instr::Load { slot, .. } = instr {
                        read(*slot);
                    }
                }
            }
            Kernel::Reduce { src, .. } | Kernel::PackB { src, .. } => read(*src),
            Kernel::SumOfViews(sum) => sum.terms.iter().for_each(|&(slot, _, _)| read(slot)),
            Kernel::Gemm(gm) => {
                [Some(gm.a), Some(gm.b), gm.onto, gm.bias.map(|b| b.0), gm.mask].into_iter().flatten().for_each(read)
            }
            Kernel::LstmLoop(l) => [l.xw, l.bias, l.w, l.h0, l.c0].into_iter().for_each(read),
            Kernel::LstmLoopBackward(l) => [l.dtape, l.tape, l.w].into_iter().for_each(read),
            Kernel::MaxPoolTiles { x, .. } | Kernel::SoftmaxRows { x, .. } | Kernel::LayerNormRows { x, .. } => read(*x),
            Kernel::MaxPoolTilesBackward { g, x, y, .. } => [*g, *x, *y].into_iter().for_each(read),
            Kernel::SoftmaxRowsBackward { y, g, .. } => [*y, *g].into_iter().for_each(read),
            Kernel::LayerNormRowsBackward { x, y, g, .. } => [*x, *y, *g].into_iter().for_each(read),
        }
    }

    pub(crate) fn name(&self) -> &'static str {
        match self {
            Kernel::SumOfViews(_) => "sum of padded views",
            Kernel::Fused(f) if f.instrs.len() == 1 => match f.instrs[0] {
                Instr::Load { .. } => "copy",
                _ => "fill",
            },
            Kernel::Fused(_) => "elementwise (fused)",
            Kernel::Reduce { max: false, .. } => "sum reduce",
            Kernel::Reduce { max: true, .. } => "max reduce",
            Kernel::Gemm(_) => "matmul (sgemm)",
            Kernel::PackB { .. } => "pack shared B",
            Kernel::LstmLoop(_) => "LSTM loop",
            Kernel::LstmLoopBackward(_) => "LSTM loop (adjoint)",
            Kernel::MaxPoolTiles { .. } => "max pool",
            Kernel::MaxPoolTilesBackward { .. } => "max pool (adjoint)",
            Kernel::SoftmaxRows { .. } => "softmax",
            Kernel::SoftmaxRowsBackward { .. } => "softmax (adjoint)",
            Kernel::LayerNormRows { .. } => "layer norm",
            Kernel::LayerNormRowsBackward { .. } => "layer norm (adjoint)",
        }
    }
}

impl Kernel {
    /// The kernel with its sizes, for the detailed profile.
    pub(crate) fn describe(&self, out_len: usize) -> String {
        let view = |v: &Strided| {
            format!(
                "{:?}/{:?}{}",
                &v.shape[..v.ndim],
                &v.strides[..v.ndim],
                if v.valid.is_some() { " padded" } else { "" }
            )
        };
        match self {
            Kernel::Fused(f) => {
                let loads: Vec<String> = f
                    .instrs
                    .iter()
                    .filter_map(|i| match i {
                        Instr::Load { view: v, .. } => Some(view(v)),
                        _ => None,
                    })
                    .collect();
                format!("{} out {out_len}, {} instrs, loads {}", self.name(), f.instrs.len(), loads.join(" "))
            }
            Kernel::Reduce { view: v, axis, .. } => format!("{} axis {axis} of {}", self.name(), view(v)),
            Kernel::SumOfViews(sum) => format!(
                "{} out {out_len}, {} terms{}: {}",
                self.name(),
                sum.terms.len(),
                if sum.tiles { " (tiling)" } else { "" },
                sum.terms.iter().map(|(_, v, _)| view(v)).collect::<Vec<_>>().join(" ")
            ),
            Kernel::Gemm(g) => format!(
                "sgemm m {} n {} k {} batch {:?} a {:?} b {:?} c {:?}{}",
                g.m,
                g.n,
                g.k,
                g.batch,
                g.a_strides,
                g.b_strides,
                g.c_strides,
                if g.onto.is_some() { " onto" } else if g.bias.is_some() { " + bias" } else { "" }
            ) + if g.relu { " + relu" } else { "" }
                + if g.mask.is_some() { " * (0 < y)" } else { "" }
                + if g.b_packed { " (B packed)" } else { "" },
            Kernel::PackB { k, n, strides, .. } => format!("{} k {k} n {n} strides {strides:?}", self.name()),
            Kernel::LstmLoop(LstmLoop { dims, .. }) | Kernel::LstmLoopBackward(LstmLoopBackward { dims, .. }) => {
                format!("{} steps {} batch {} hidden {}", self.name(), dims.steps, dims.batch, dims.hidden)
            }
            Kernel::SoftmaxRows { len, .. }
            | Kernel::SoftmaxRowsBackward { len, .. }
            | Kernel::LayerNormRows { len, .. }
            | Kernel::LayerNormRowsBackward { len, .. } => {
                format!("{} out {out_len}, rows of {len}", self.name())
            }
            Kernel::MaxPoolTiles { tiles: t, .. } | Kernel::MaxPoolTilesBackward { tiles: t, .. } => {
                format!("{} {} planes of {}x{}, windows {}x{}", self.name(), t.planes, t.h, t.w, t.kh, t.kw)
            }
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Step {
    pub out: usize,
    pub kernel: Kernel,
}

#[derive(Debug)]
pub(crate) struct Program {
    /// Length of every slot's buffer.
    pub lens: Vec<usize>,
    /// Slot of each boundary (already computed) node, in graph order.
    pub input_slots: Vec<usize>,
    pub steps: Vec<Step>,
    /// Slot of each target, in the order the targets were given.
    pub target_slots: Vec<usize>,
    /// Whether a slot is a target (its buffer is handed out, not reused).
    pub is_target: Vec<bool>,
    /// Per slot, how many reads the steps make of it (a target counts one more).
    pub readers: Vec<usize>,
    /// Per step, the slots whose buffers are free once it has run (see `schedule::last_reads`).
    pub frees: Vec<Vec<usize>>,
    /// Operator nodes this program computes (for the engine's own tests).
    pub op_count: usize,
    /// Times run, and intermediates kept from the last run (see `cpu::run`).
    pub runs: Cell<u64>,
    pub scratch: RefCell<Vec<Vec<f32>>>,
}

/// The graph to compile: `order` lists boundary inputs and unrealized operator
/// nodes, inputs before consumers; `edges[i]` are the positions in `order` of
/// node `i`'s inputs; `targets` are positions too.
pub(crate) struct Lowered<'a> {
    pub order: &'a [Rc<Node>],
    pub edges: Vec<Vec<usize>>,
    pub targets: Vec<usize>,
}

impl Lowered<'_> {
    fn is_input(&self, i: usize) -> bool {
        self.order[i].realized_data().is_some()
    }
}

fn is_elementwise(op: Op) -> bool {
    matches!(
        op,
        Op::Add
            | Op::Mul
            | Op::Mod
            | Op::LessThan
            | Op::Log2
            | Op::Exp2
            | Op::Sin
            | Op::Sqrt
            | Op::Recip
            | Op::Contiguous
    )
}

/// The view node `i` reads its input `e` through. luminal's unary operators
/// ignore the edge's view and transform the whole buffer, so they do too.
fn edge_view(g: &Lowered, i: usize, e: usize) -> Strided {
    let node = &g.order[i];
    if node.op.is_unary() {
        Strided::plain(&g.order[g.edges[i][e]].shape)
    } else {
        Strided::from_tracker(&node.inputs[e].view)
    }
}

/// Does node `i` read input `e` exactly as that input's buffer is laid out?
fn reads_plainly(g: &Lowered, i: usize, e: usize) -> bool {
    let node = &g.order[i];
    let src = &g.order[g.edges[i][e]];
    node.op.is_unary()
        || (view::is_plain(&node.inputs[e].view)
            && view::logical_shape(&node.inputs[e].view) == src.shape)
}

/// Does node `i` read input `e` in the order of that input's buffer (plainly,
/// perhaps in another shape)?
fn reads_in_order(g: &Lowered, i: usize, e: usize) -> bool {
    view::is_plain(&g.order[i].inputs[e].view)
}

/// Largest buffer index a view without padding can reach, if all strides are non-negative.
fn max_index(v: &Strided) -> Option<usize> {
    let mut at = v.offset;
    for a in 0..v.ndim {
        if v.shape[a] == 0 || v.strides[a] < 0 {
            return None;
        }
        at += (v.shape[a] as isize - 1) * v.strides[a];
    }
    (v.offset >= 0).then_some(at as usize)
}

/// If `view` reads a buffer of `shape` as a pure permutation (no broadcast,
/// slice or padding; autograd reduces permuted views), logical axis `a` of
/// the view is axis `perm[a]` of the buffer.
fn permutation_of(view: &view::View, shape: &[usize]) -> Option<Vec<usize>> {
    let ok = view.dims.len() == shape.len()
        && (0..shape.len()).all(|p| {
            !view.fake[p] && view.dims[p] == shape[p] && view::dim_untouched(view, p)
        });
    ok.then(|| view.indexes.to_vec())
}

/// What every pass needs to know about how nodes are used.
struct Uses {
    /// Whether node `i` is a target (its value leaves the program).
    is_target: Vec<bool>,
    /// The consumers of every node: (consumer, input position).
    consumers: Vec<Vec<(usize, usize)>>,
}

impl Uses {
    fn of(g: &Lowered) -> Uses {
        let n = g.order.len();
        let mut is_target = vec![false; n];
        for &t in &g.targets {
            is_target[t] = true;
        }
        let mut consumers: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
        for i in 0..n {
            for (e, &src) in g.edges[i].iter().enumerate() {
                consumers[src].push((i, e));
            }
        }
        Uses { is_target, consumers }
    }
}

/// Runs the passes in order (see the module documentation).
pub(crate) fn compile(g: &Lowered) -> Program {
    let uses = Uses::of(g);
    let mut found = products::find(g, &uses);
    products::add_onto_sums(g, &uses, &mut found);
    products::relu_epilogues(g, &uses, &mut found);
    let fused = fusion::fuse(g, &uses, &found);
    let shared = products::share_weights(&mut found);
    schedule::schedule(g, &uses, found, &fused, shared)
}

#[cfg(test)]
mod tests;
