//! Compiling the unrealized part of the graph into a [`Program`] of CPU kernels.
//!
//! Three passes over the IR (luminal's primitive operators with a
//! `View` (luminal's `ShapeTracker` layout) on every edge), in this order:
//!
//! 1. **matmul**: `SumReduce(k)` of a `Mul` of two views, where along every
//!    other axis at most one side is broadcast (stride 0), is a (batched)
//!    matrix product; it becomes one sgemm call per batch position with
//!    strides read off the views (so transposes and slices cost nothing) and
//!    the `[.., M, N, K]` product is never built. Padded operands, or views
//!    that reach outside their buffer, keep the plain multiply-then-reduce.
//! 2. **fusion**: an elementwise node (`Add`, `Mul`, `Mod`, `LessThan`, the
//!    unary ops, `Contiguous`) used once, by another elementwise node that
//!    reads it plainly, is inlined into that consumer; `Constant`s become
//!    immediates. Each remaining elementwise root is one loop over its output.
//! 3. **scheduling**: every value still needed (inputs, targets, operands of
//!    reductions and products, values used more than once) gets a buffer slot,
//!    and one step per computed slot, in dependency order.
//!
//! The program depends only on the graph's structure, never on data, so it is
//! cached (see `mod.rs`) and rerun for every structurally identical graph.

#![allow(clippy::needless_range_loop)]

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crate::ir::{Node, Op};
use crate::view;

use super::kernels::{data_box, Arg, Fused, Gemm, Instr, SumOfViews};
use super::packed;
use super::recurrence::{Dims, LstmLoop, LstmLoopBackward};
use super::strided::Strided;

/// Most instructions inlined into one fused kernel before a value is materialized.
const MAX_FUSED: usize = 24;
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
}

impl Kernel {
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
                if g.onto.is_some() { " onto" } else { "" }
            ) + if g.b_packed { " (B packed)" } else { "" },
            Kernel::PackB { k, n, strides, .. } => format!("{} k {k} n {n} strides {strides:?}", self.name()),
            Kernel::LstmLoop(LstmLoop { dims, .. }) | Kernel::LstmLoopBackward(LstmLoopBackward { dims, .. }) => {
                format!("{} steps {} batch {} hidden {}", self.name(), dims.steps, dims.batch, dims.hidden)
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

/// Pass 1: is `SumReduce(axis)` of the `Mul` node `mul`, read through the
/// axis permutation `perm`, a matrix product? Returns the product with
/// operand slots still given as node positions.
fn as_gemm(g: &Lowered, mul: usize, perm: &[usize], axis: usize) -> Option<Gemm> {
    let node = &g.order[mul];
    let permuted = |v: Strided| {
        let mut out = v;
        for (a, &p) in perm.iter().enumerate() {
            out.shape[a] = v.shape[p];
            out.strides[a] = v.strides[p];
        }
        out
    };
    let x = Strided::from_tracker(&node.inputs[0].view);
    let y = Strided::from_tracker(&node.inputs[1].view);
    if x.valid.is_some() || y.valid.is_some() {
        return None;
    }
    for (v, e) in [(&x, 0), (&y, 1)] {
        let len: usize = g.order[g.edges[mul][e]].shape.iter().product::<usize>().max(1);
        if max_index(v)? >= len {
            return None;
        }
    }
    let (x, y) = (permuted(x), permuted(y));
    let shape: Vec<usize> = perm.iter().map(|&p| node.shape[p]).collect();
    let shape = &shape;
    // Row-major strides of the output (the product's shape without `axis`).
    let mut out_strides = vec![0isize; shape.len()];
    let mut acc = 1isize;
    for a in (0..shape.len()).rev() {
        if a != axis {
            out_strides[a] = acc;
            acc *= shape[a] as isize;
        }
    }
    let (mut m_axes, mut n_axes, mut batch) = (Vec::new(), Vec::new(), Vec::new());
    for a in 0..shape.len() {
        if a == axis || shape[a] == 1 {
            continue;
        }
        match (x.strides[a] != 0, y.strides[a] != 0) {
            (true, false) => m_axes.push(a),
            (false, true) => n_axes.push(a),
            _ => batch.push(a),
        }
    }
    // The largest axis of each kind is the GEMM's M (or N); others loop.
    let pick = |axes: &mut Vec<usize>, batch: &mut Vec<usize>| {
        let best = axes.iter().copied().max_by_key(|&a| shape[a]);
        batch.extend(axes.iter().copied().filter(|&a| Some(a) != best));
        best
    };
    let m_axis = pick(&mut m_axes, &mut batch);
    let n_axis = pick(&mut n_axes, &mut batch);
    batch.sort_unstable();
    let size = |a: Option<usize>| a.map_or(1, |a| shape[a]);
    let stride = |v: &[isize], a: Option<usize>| a.map_or(0, |a| v[a]);
    let mut gemm = Gemm {
        a: g.edges[mul][0],
        b: g.edges[mul][1],
        m: size(m_axis),
        n: size(n_axis),
        k: shape[axis],
        a_offset: x.offset,
        b_offset: y.offset,
        a_strides: (stride(&x.strides, m_axis), x.strides[axis]),
        b_strides: (y.strides[axis], stride(&y.strides, n_axis)),
        c_strides: (stride(&out_strides, m_axis), stride(&out_strides, n_axis)),
        batch: batch
            .iter()
            .map(|&a| (shape[a], x.strides[a], y.strides[a], out_strides[a]))
            .collect(),
        onto: None,
        b_packed: false,
    };
    merge_batch(&mut gemm);
    Some(gemm)
}

/// A `SumReduce(axis)` read plainly from the output of product `g` (of
/// `shape`): autograd's weight gradient of a batched product sums the batch
/// axis after the product. When that batch axis continues K's strides in
/// both operands, it is folded into K, so one sgemm sums over both;
/// otherwise the batch loop adds its products into one C. Either way the
/// `[.., batch]` intermediate is never built.
fn reduce_gemm(g: &Gemm, shape: &[usize], axis: usize) -> Option<Gemm> {
    let size = shape[axis];
    if size < 2 {
        return None;
    }
    let stride: isize = shape[axis + 1..].iter().product::<usize>() as isize;
    let at = g.batch.iter().position(|d| d.3 == stride && d.0 == size)?;
    let (_, sa, sb, _) = g.batch[at];
    let mut out = g.clone();
    if sa == g.a_strides.1 * g.k as isize && sb == g.b_strides.0 * g.k as isize {
        // batch outside K
        out.k *= size;
        out.batch.remove(at);
    } else if g.a_strides.1 == sa * size as isize && g.b_strides.0 == sb * size as isize {
        out.a_strides.1 = sa;
        out.b_strides.0 = sb;
        out.k *= size;
        out.batch.remove(at);
    } else {
        // Not foldable (a convolution's weight gradient: each image's
        // patches are a separate block): the loop sums its products into
        // the same C instead.
        out.batch[at].3 = 0;
    }
    let shrink = |s: isize| if s > stride { s / size as isize } else { s };
    out.c_strides = (shrink(out.c_strides.0), shrink(out.c_strides.1));
    for d in &mut out.batch {
        d.3 = shrink(d.3);
    }
    Some(out)
}

/// Folds batch loops into M (or N) where the strides allow: a batch axis that
/// B (or A) broadcasts and that steps A and C exactly one M-block further
/// (a linear layer applied to a `[B, T, D]` input) makes M `B·m`, so one
/// larger sgemm runs instead of a loop of small ones.
fn merge_batch(g: &mut Gemm) {
    loop {
        let mut merged = false;
        for i in (0..g.batch.len()).rev() {
            let (size, sa, sb, sc) = g.batch[i];
            if sc == 0 {
                continue; // a summed loop
            }
            if sb == 0 && (g.m == 1 || (sa == g.a_strides.0 * g.m as isize && sc == g.c_strides.0 * g.m as isize)) {
                if g.m == 1 {
                    g.a_strides.0 = sa;
                    g.c_strides.0 = sc;
                }
                g.m *= size;
            } else if sa == 0 && (g.n == 1 || (sb == g.b_strides.1 * g.n as isize && sc == g.c_strides.1 * g.n as isize)) {
                if g.n == 1 {
                    g.b_strides.1 = sb;
                    g.c_strides.1 = sc;
                }
                g.n *= size;
            } else {
                continue;
            }
            g.batch.remove(i);
            merged = true;
            break;
        }
        if !merged {
            return;
        }
    }
}

pub(crate) fn compile(g: &Lowered) -> Program {
    let n = g.order.len();
    let mut is_target = vec![false; n];
    for &t in &g.targets {
        is_target[t] = true;
    }
    // Consumers of every node: (consumer, input position).
    let mut consumers: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    for i in 0..n {
        for (e, &src) in g.edges[i].iter().enumerate() {
            consumers[src].push((i, e));
        }
    }
    let op = |i: usize| g.order[i].op;

    // Pass 1: matrix products.
    let mut absorbed = vec![false; n];
    let mut gemms: Vec<Option<Gemm>> = vec![None; n];
    for i in 0..n {
        let Op::SumReduce(axis) = op(i) else { continue };
        if g.is_input(i) {
            continue;
        }
        let src = g.edges[i][0];
        if !g.is_input(src)
            && gemms[src].as_ref().is_some_and(|gm| gm.onto.is_none())
            && !is_target[src]
            && consumers[src].len() == 1
            && reads_plainly(g, i, 0)
        {
            if let Some(gemm) = reduce_gemm(gemms[src].as_ref().unwrap(), &g.order[src].shape, axis) {
                gemms[src] = None;
                absorbed[src] = true;
                gemms[i] = Some(gemm);
            }
            continue;
        }
        if g.is_input(src) || op(src) != Op::Mul || is_target[src] || consumers[src].len() != 1
        {
            continue;
        }
        let Some(perm) = permutation_of(&g.order[i].inputs[0].view, &g.order[src].shape) else {
            continue;
        };
        if let Some(gemm) = as_gemm(g, src, &perm, axis) {
            absorbed[src] = true;
            gemms[i] = Some(gemm);
        }
    }

    // Pass 1b: `x + A·B` where the product is used only there runs as the
    // product added onto x's buffer in place (beta = 1): a sum of products
    // (an RNN's weight gradient over its time steps) then never
    // materializes each product nor reads them back to add them up.
    for i in 0..n {
        if g.is_input(i) || op(i) != Op::Add {
            continue;
        }
        let srcs = &g.edges[i];
        for e in [1, 0] {
            let (p, o) = (srcs[e], srcs[1 - e]);
            let is_product = !g.is_input(p)
                && p != o
                && gemms[p].as_ref().is_some_and(|gm| gm.onto.is_none())
                && !is_target[p]
                && consumers[p].len() == 1;
            if is_product && reads_plainly(g, i, e) && reads_plainly(g, i, 1 - e) {
                let mut gemm = gemms[p].take().unwrap();
                gemm.onto = Some(o);
                absorbed[p] = true;
                gemms[i] = Some(gemm);
                break;
            }
        }
    }

    // Pass 2: fusion. Decided in dependency order so tree sizes are known.
    // Sums turned into products (pass 1b) are not elementwise any more.
    let elementwise = |i: usize| is_elementwise(op(i)) && gemms[i].is_none();
    let fusable_consumer = |i: usize| !g.is_input(i) && elementwise(i) && !absorbed[i];
    let mut inlined = vec![false; n];
    let mut tree_size = vec![1usize; n];
    // Whether a node is an Add whose inlined inputs are all such Adds.
    let mut pure_sum = vec![false; n];
    // Padded reads in a node's fused tree.
    let mut padded_reads = vec![0usize; n];
    let mut constant_needs_buffer = vec![false; n];
    for i in 0..n {
        if g.is_input(i) || absorbed[i] {
            continue;
        }
        if let Op::Constant(_) = op(i) {
            // Immediates wherever an elementwise kernel reads them unpadded.
            constant_needs_buffer[i] = is_target[i]
                || consumers[i].iter().any(|&(c, e)| {
                    !fusable_consumer(c) || edge_view(g, c, e).valid.is_some()
                });
            continue;
        }
        if !elementwise(i) {
            continue;
        }
        tree_size[i] = 1 + g.edges[i]
            .iter()
            .filter(|&&s| inlined[s])
            .map(|&s| tree_size[s])
            .sum::<usize>();
        pure_sum[i] = op(i) == Op::Add
            && g.edges[i].iter().all(|&s| !inlined[s] || pure_sum[s])
            && g.edges[i].iter().all(|&s| !matches!(op(s), Op::Constant(_)));
        padded_reads[i] = g.edges[i]
            .iter()
            .enumerate()
            .map(|(e, &s)| if inlined[s] { padded_reads[s] } else { edge_view(g, i, e).valid.is_some() as usize })
            .sum();
        let into_sum = !consumers[i].is_empty() && op(consumers[i][0].0) == Op::Add;
        let limit = if pure_sum[i] && into_sum { MAX_SUM_TERMS } else { MAX_FUSED };
        // A sum of padded views (a concatenation) read by anything but
        // another sum stays its own kernel: fused, every element would read
        // every term, mostly padding.
        let concatenation = pure_sum[i] && padded_reads[i] >= 2 && !into_sum;
        inlined[i] = !is_target[i]
            && consumers[i].len() == 1
            && fusable_consumer(consumers[i][0].0)
            && reads_plainly(g, consumers[i][0].0, consumers[i][0].1)
            && tree_size[i] <= limit
            && !concatenation;
    }

    // Products that read the same B (a recurrent weight, once per time
    // step) read it packed once into the packed kernel's panels; without
    // that kernel, a column-major B gets one row-major copy, which
    // `matrixmultiply` packs much faster.
    let pack_shared = packed::enabled();
    for gemm in gemms.iter_mut().flatten() {
        with_rows_of_c_contiguous(gemm);
    }
    let mut shared_b: std::collections::HashMap<SharedB, (usize, Option<usize>)> = Default::default();
    for gemm in gemms.iter().flatten() {
        if let Some(key) = shared_b_key(gemm, pack_shared) {
            shared_b.entry(key).or_insert((0, None)).0 += 1;
        }
    }
    shared_b.retain(|_, (uses, _)| *uses >= MIN_SHARED_B_USES);

    // Pass 3: slots and steps.
    let mut slot_of = vec![usize::MAX; n];
    let mut lens = Vec::new();
    let mut slot_is_target = Vec::new();
    let mut input_slots = Vec::new();
    let mut new_slot = |i: Option<usize>, len: usize, slot_of: &mut Vec<usize>| {
        let slot = lens.len();
        lens.push(len);
        slot_is_target.push(i.is_some_and(|i| is_target[i]));
        if let Some(i) = i {
            slot_of[i] = slot;
        }
        slot
    };
    let node_len = |i: usize| g.order[i].shape.iter().product::<usize>();
    let mut steps = Vec::new();
    let mut op_count = 0;
    for i in 0..n {
        if g.is_input(i) {
            input_slots.push(new_slot(Some(i), node_len(i), &mut slot_of));
            continue;
        }
        op_count += 1;
        if absorbed[i] || inlined[i] {
            continue;
        }
        let kernel = match op(i) {
            _ if gemms[i].is_some() => {
                let mut gemm = gemms[i].take().unwrap();
                if let Some((_, copy)) = shared_b_key(&gemm, pack_shared).and_then(|key| shared_b.get_mut(&key)) {
                    // The packed (or row-major) copy, made before its first use.
                    let copy = *copy.get_or_insert_with(|| {
                        let (k, n) = (gemm.k, gemm.n);
                        let src = slot_of[gemm.b];
                        let (kernel, len) = if pack_shared {
                            let (offset, strides) = (gemm.b_offset, gemm.b_strides);
                            (Kernel::PackB { src, offset, strides, k, n }, packed::packed_len(k, n))
                        } else {
                            let view = Strided {
                                ndim: 2,
                                shape: [k, n, 1, 1, 1, 1],
                                strides: [gemm.b_strides.0, gemm.b_strides.1, 0, 0, 0, 0],
                                offset: gemm.b_offset,
                                valid: None,
                            };
                            let instrs = vec![Instr::Load { slot: src, view }];
                            (Kernel::Fused(Fused { instrs }), k * n)
                        };
                        let out = new_slot(None, len, &mut slot_of);
                        steps.push(Step { out, kernel });
                        out
                    });
                    gemm.b = copy;
                    gemm.b_offset = 0;
                    gemm.b_strides = (gemm.n as isize, 1);
                    gemm.b_packed = pack_shared;
                } else {
                    gemm.b = slot_of[gemm.b];
                }
                gemm.a = slot_of[gemm.a];
                gemm.onto = gemm.onto.map(|o| slot_of[o]);
                Kernel::Gemm(gemm)
            }
            Op::Constant(value) => {
                if !constant_needs_buffer[i] {
                    continue;
                }
                Kernel::Fused(Fused {
                    instrs: vec![Instr::Const(value)],
                })
            }
            Op::SumReduce(axis) | Op::MaxReduce(axis) => Kernel::Reduce {
                src: slot_of[g.edges[i][0]],
                view: Strided::from_tracker(&g.order[i].inputs[0].view),
                axis,
                max: matches!(op(i), Op::MaxReduce(_)),
            },
            Op::Leaf => unreachable!("leaves always hold data"),
            Op::LstmLoop { reverse } => {
                let (e, shape) = (&g.edges[i], &g.order[i].shape);
                debug_assert!((0..5).all(|k| reads_in_order(g, i, k)), "an LSTM loop reads its inputs in buffer order");
                Kernel::LstmLoop(LstmLoop {
                    dims: Dims { steps: shape[0] - 1, batch: shape[1], hidden: shape[2] / 6, reverse },
                    xw: slot_of[e[0]],
                    bias: slot_of[e[1]],
                    w: slot_of[e[2]],
                    h0: slot_of[e[3]],
                    c0: slot_of[e[4]],
                })
            }
            Op::LstmLoopBackward { reverse } => {
                let (e, shape) = (&g.edges[i], &g.order[i].shape);
                debug_assert!((1..3).all(|k| reads_in_order(g, i, k)), "an LSTM loop's adjoint reads the tape and weight in buffer order");
                Kernel::LstmLoopBackward(LstmLoopBackward {
                    dims: Dims { steps: shape[0] - 2, batch: shape[1], hidden: shape[2] / 4, reverse },
                    dtape: slot_of[e[0]],
                    dtape_view: Strided::from_tracker(&g.order[i].inputs[0].view),
                    tape: slot_of[e[1]],
                    w: slot_of[e[2]],
                })
            }
            _ => {
                let mut instrs = Vec::new();
                emit(g, i, &inlined, &slot_of, &mut instrs);
                match as_sum_of_views(&instrs) {
                    Some(terms) => Kernel::SumOfViews(terms),
                    None => Kernel::Fused(Fused { instrs }),
                }
            }
        };
        let out = new_slot(Some(i), node_len(i), &mut slot_of);
        steps.push(Step { out, kernel });
    }
    let mut readers: Vec<usize> = slot_is_target.iter().map(|&t| t as usize).collect();
    for step in &steps {
        match &step.kernel {
            Kernel::Fused(f) => {
                for instr in &f.instrs {
                    if let Instr::Load { slot, .. } = instr {
                        readers[*slot] += 1;
                    }
                }
            }
            Kernel::Reduce { src, .. } => readers[*src] += 1,
            Kernel::SumOfViews(sum) => {
                for (slot, _, _) in &sum.terms {
                    readers[*slot] += 1;
                }
            }
            Kernel::Gemm(gm) => {
                for slot in [Some(gm.a), Some(gm.b), gm.onto].into_iter().flatten() {
                    readers[slot] += 1;
                }
            }
            Kernel::PackB { src, .. } => readers[*src] += 1,
            Kernel::LstmLoop(l) => {
                for slot in [l.xw, l.bias, l.w, l.h0, l.c0] {
                    readers[slot] += 1;
                }
            }
            Kernel::LstmLoopBackward(l) => {
                for slot in [l.dtape, l.tape, l.w] {
                    readers[slot] += 1;
                }
            }
        }
    }
    Program {
        lens,
        input_slots,
        steps,
        target_slots: g.targets.iter().map(|&t| slot_of[t]).collect(),
        is_target: slot_is_target,
        readers,
        op_count,
        runs: Cell::new(0),
        scratch: RefCell::new(Vec::new()),
    }
}

/// Makes C's rows contiguous where its columns are, by computing `Cᵀ = Bᵀ·Aᵀ`
/// (a convolution's weight gradient writes C column by column): the packed
/// kernel writes rows, and every element still sums the same products in
/// the same order.
fn with_rows_of_c_contiguous(g: &mut Gemm) {
    if g.c_strides.0 != 1 || g.c_strides.1 == 1 {
        return;
    }
    std::mem::swap(&mut g.a, &mut g.b);
    std::mem::swap(&mut g.m, &mut g.n);
    std::mem::swap(&mut g.a_offset, &mut g.b_offset);
    let (a, b) = (g.a_strides, g.b_strides);
    g.a_strides = (b.1, b.0);
    g.b_strides = (a.1, a.0);
    g.c_strides = (g.c_strides.1, g.c_strides.0);
    for (_, sa, sb, _) in &mut g.batch {
        std::mem::swap(sa, sb);
    }
}

/// Products reading one B this many times share a packed (or row-major) copy.
const MIN_SHARED_B_USES: usize = 4;

/// A product's B operand, by node position, offset, strides, K and N.
type SharedB = (usize, isize, (isize, isize), usize, usize);

/// The B operand of an unbatched product (operands still node positions)
/// that a shared copy can serve: with the packed kernel any B of a product
/// it runs (C's rows contiguous); without it, a B read column by column
/// (stride 1 down K, not along N).
fn shared_b_key(g: &Gemm, packed: bool) -> Option<SharedB> {
    let eligible = if packed {
        g.c_strides.1 == 1 && g.n > 1
    } else {
        g.b_strides.0 == 1 && g.b_strides.1 != 1 && g.k > 1 && g.n > 1
    };
    (g.batch.is_empty() && eligible).then_some((g.b, g.b_offset, g.b_strides, g.k, g.n))
}

/// A fused kernel that only adds loads, some of them padded, as a list of
/// (slot, view, how many times it is added). Adding each view over the box
/// where it reads data costs the size of the boxes, not (terms × output).
fn as_sum_of_views(instrs: &[Instr]) -> Option<SumOfViews> {
    let mut padded = false;
    for instr in instrs {
        match instr {
            Instr::Load { view, .. } => padded |= view.valid.is_some(),
            Instr::Binary(Op::Add, Arg::Reg(_), Arg::Reg(_)) => {}
            _ => return None,
        }
    }
    if instrs.len() < 2 || !(padded || instrs.len() > MAX_FUSED) {
        return None;
    }
    // How many times each register reaches the root.
    let mut times = vec![0.0f32; instrs.len()];
    times[instrs.len() - 1] = 1.0;
    for (i, instr) in instrs.iter().enumerate().rev() {
        if let Instr::Binary(_, Arg::Reg(a), Arg::Reg(b)) = instr {
            times[*a] += times[i];
            times[*b] += times[i];
        }
    }
    let terms: Vec<(usize, Strided, f32)> = instrs
        .iter()
        .zip(times)
        .filter_map(|(instr, t)| match instr {
            Instr::Load { slot, view } if t > 0.0 => Some((*slot, *view, t)),
            _ => None,
        })
        .collect();
    let tiles = tiles_output(&terms);
    Some(SumOfViews { terms, tiles })
}

/// Whether the terms' data boxes are disjoint and together cover the
/// output, each term added once (all in one logical shape).
fn tiles_output(terms: &[(usize, Strided, f32)]) -> bool {
    let Some((_, first, _)) = terms.first() else { return false };
    let nd = first.ndim;
    if terms.iter().any(|(_, v, t)| *t != 1.0 || v.ndim != nd || v.shape[..nd] != first.shape[..nd]) {
        return false;
    }
    let boxes: Vec<_> = terms.iter().map(|(_, v, _)| data_box(v)).collect();
    let volume = |(lo, hi): &([usize; 6], [usize; 6])| (0..nd).map(|a| hi[a].saturating_sub(lo[a])).product::<usize>();
    let total: usize = first.shape[..nd].iter().product();
    if boxes.iter().map(volume).sum::<usize>() != total {
        return false;
    }
    // Disjoint: every pair is separated along some axis.
    boxes.iter().enumerate().all(|(i, a)| {
        boxes[i + 1..]
            .iter()
            .all(|b| (0..nd).any(|x| a.1[x] <= b.0[x] || b.1[x] <= a.0[x]))
    })
}

/// Appends the instructions computing elementwise node `i` (with its inlined
/// inputs) to `instrs`; returns the register holding the result.
fn emit(
    g: &Lowered,
    i: usize,
    inlined: &[bool],
    slot_of: &[usize],
    instrs: &mut Vec<Instr>,
) -> usize {
    match emit_arg(g, i, inlined, slot_of, instrs) {
        Arg::Reg(r) => r,
        Arg::Imm(value) => {
            instrs.push(Instr::Const(value));
            instrs.len() - 1
        }
    }
}

fn emit_arg(
    g: &Lowered,
    i: usize,
    inlined: &[bool],
    slot_of: &[usize],
    instrs: &mut Vec<Instr>,
) -> Arg {
    let mut args = [Arg::Imm(0.0); 2];
    for (e, &src) in g.edges[i].iter().enumerate() {
        args[e] = if inlined[src] {
            emit_arg(g, src, inlined, slot_of, instrs)
        } else {
            let view = edge_view(g, i, e);
            match g.order[src].op {
                // Constants are immediates unless read through padding.
                Op::Constant(value) if slot_of[src] == usize::MAX || view.valid.is_none() => {
                    Arg::Imm(value)
                }
                _ => {
                    let load = Instr::Load {
                        slot: slot_of[src],
                        view: view.coalesced(),
                    };
                    // The same read twice in one kernel (a max's adjoint
                    // compares the input with the broadcast max repeatedly):
                    // registers are written once, so reuse the first.
                    let same = |i: &Instr| match (i, &load) {
                        (Instr::Load { slot: a, view: va }, Instr::Load { slot: b, view: vb }) => a == b && va == vb,
                        _ => false,
                    };
                    match instrs.iter().position(same) {
                        Some(r) => Arg::Reg(r),
                        None => {
                            instrs.push(load);
                            Arg::Reg(instrs.len() - 1)
                        }
                    }
                }
            }
        };
    }
    let reg = |arg: Arg, instrs: &mut Vec<Instr>| match arg {
        Arg::Reg(r) => r,
        Arg::Imm(value) => {
            instrs.push(Instr::Const(value));
            instrs.len() - 1
        }
    };
    match g.order[i].op {
        // A copy: the load above already is the result.
        Op::Contiguous => return args[0],
        op if op.is_unary() => {
            let x = reg(args[0], instrs);
            instrs.push(Instr::Unary(op, x));
        }
        op => {
            let (a, b) = match args {
                [Arg::Imm(_), Arg::Imm(_)] => (Arg::Reg(reg(args[0], instrs)), args[1]),
                _ => (args[0], args[1]),
            };
            instrs.push(Instr::Binary(op, a, b));
        }
    }
    Arg::Reg(instrs.len() - 1)
}
