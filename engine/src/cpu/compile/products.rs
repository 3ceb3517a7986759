//! Pass 1 (matrix products), pass 1b (products added onto a sum in place, or
//! with a bias row added and ReLU applied as C is stored)
//! and the shared-weights step: which nodes become [`Gemm`]s, with operand
//! slots still given as node positions (scheduling turns them into slots).

#![allow(clippy::needless_range_loop)]

use std::collections::HashMap;

use super::*;
use crate::cpu::packed;

/// The products found: `gemms[i]` is the product node `i` computes, and
/// `absorbed[i]` marks a node computed inside another's product (its `Mul`,
/// or a product added onto a sum).
pub(super) struct Products {
    pub gemms: Vec<Option<Gemm>>,
    pub absorbed: Vec<bool>,
}

/// Pass 1: every `SumReduce` of a `Mul` that is a matrix product, and every
/// `SumReduce` of such a product that folds into it.
pub(super) fn find(g: &Lowered, uses: &Uses) -> Products {
    let n = g.order.len();
    let mut p = Products { gemms: vec![None; n], absorbed: vec![false; n] };
    for i in 0..n {
        let Op::SumReduce(axis) = g.order[i].op else { continue };
        if g.is_input(i) {
            continue;
        }
        let src = g.edges[i][0];
        if !g.is_input(src)
            && p.gemms[src].as_ref().is_some_and(|gm| gm.onto.is_none() && gm.bias.is_none())
            && !uses.is_target[src]
            && uses.consumers[src].len() == 1
            && reads_plainly(g, i, 0)
        {
            if let Some(gemm) = reduce_gemm(p.gemms[src].as_ref().unwrap(), &g.order[src].shape, axis) {
                p.gemms[src] = None;
                p.absorbed[src] = true;
                p.gemms[i] = Some(gemm);
            }
            continue;
        }
        if g.is_input(src) || g.order[src].op != Op::Mul || uses.is_target[src] || uses.consumers[src].len() != 1
        {
            continue;
        }
        let Some(perm) = permutation_of(&g.order[i].inputs[0].view, &g.order[src].shape) else {
            continue;
        };
        if let Some(gemm) = as_gemm(g, src, &perm, axis) {
            p.absorbed[src] = true;
            p.gemms[i] = Some(gemm);
        }
    }
    p
}

/// Pass 1b: `x + A·B` where the product is used only there runs as the
/// product added onto x's buffer in place (beta = 1): a sum of products
/// (an RNN's weight gradient over its time steps) then never
/// materializes each product nor reads them back to add them up. And
/// `A·B + b` with `b` one row broadcast over the product's rows (a layer's
/// bias) adds `b` as the kernel stores C, instead of a pass of its own.
pub(super) fn add_onto_sums(g: &Lowered, uses: &Uses, found: &mut Products) {
    let n = g.order.len();
    for i in 0..n {
        if g.is_input(i) || g.order[i].op != Op::Add {
            continue;
        }
        let srcs = &g.edges[i];
        for e in [1, 0] {
            let (p, o) = (srcs[e], srcs[1 - e]);
            let is_product = !g.is_input(p)
                && p != o
                && found.gemms[p].as_ref().is_some_and(|gm| gm.onto.is_none() && gm.bias.is_none())
                && !uses.is_target[p]
                && uses.consumers[p].len() == 1;
            if is_product && reads_plainly(g, i, e) && reads_plainly(g, i, 1 - e) {
                let mut gemm = found.gemms[p].take().unwrap();
                gemm.onto = Some(o);
                found.absorbed[p] = true;
                found.gemms[i] = Some(gemm);
                break;
            }
            let bias = (is_product && reads_plainly(g, i, e)).then(|| bias_row(g, i, 1 - e, found.gemms[p].as_ref().unwrap())).flatten();
            if let Some(offset) = bias {
                let mut gemm = found.gemms[p].take().unwrap();
                gemm.bias = Some((o, offset));
                found.absorbed[p] = true;
                found.gemms[i] = Some(gemm);
                break;
            }
        }
    }
}

/// Pass 1b, continued: a plain product `x` (with a bias or without) times
/// `0 < y`, where the product and the mask are read by nothing else, runs
/// as the product's epilogue. With `y = x`, that is ReLU: a layer's forward
/// pass is one step, and `x` is never stored (ReLU's gradient reads its
/// output). With `y` another buffer, it is ReLU's gradient `(g·W) · (0 < y)`.
pub(super) fn relu_epilogues(g: &Lowered, uses: &Uses, found: &mut Products) {
    for i in 0..g.order.len() {
        if g.is_input(i) || g.order[i].op != Op::Mul || !reads_plainly(g, i, 0) || !reads_plainly(g, i, 1) {
            continue;
        }
        for e in [0, 1] {
            let (x, mask) = (g.edges[i][e], g.edges[i][1 - e]);
            let Some(y) = positive_mask(g, mask) else { continue };
            let plain_product = !g.is_input(x)
                && found.gemms[x].as_ref().is_some_and(|gm| {
                    gm.onto.is_none() && !gm.relu && gm.mask.is_none() && gm.batch.is_empty() && gm.c_strides == (gm.n as isize, 1)
                });
            // ReLU: x is read by the mask and the multiply; its gradient: x only by the multiply,
            // and y stored (not computed inside another product).
            let relu = y == x;
            let x_readers: &[usize] = if relu { &[i, mask] } else { &[i] };
            let read_only_here = !uses.is_target[x]
                && !uses.is_target[mask]
                && uses.consumers[mask] == [(i, 1 - e)]
                && uses.consumers[x].len() == x_readers.len()
                && uses.consumers[x].iter().all(|(c, _)| x_readers.contains(c))
                && (relu || !found.absorbed[y]);
            if plain_product && read_only_here {
                let mut gemm = found.gemms[x].take().unwrap();
                if relu {
                    gemm.relu = true;
                } else {
                    gemm.mask = Some(y);
                }
                found.absorbed[x] = true;
                found.absorbed[mask] = true;
                found.gemms[i] = Some(gemm);
                break;
            }
        }
    }
}

/// `y` where node `mask` is `0 < y`, reading `y` plainly.
fn positive_mask(g: &Lowered, mask: usize) -> Option<usize> {
    let is_mask = !g.is_input(mask)
        && g.order[mask].op == Op::LessThan
        && matches!(g.order[g.edges[mask][0]].op, Op::Constant(c) if c == 0.0)
        && reads_plainly(g, mask, 1);
    is_mask.then(|| g.edges[mask][1])
}

/// Whether edge `e` of the `Add` node `i` reads a row of `gemm.n` contiguous
/// floats broadcast over every row of the product (a layer's bias), and at
/// which offset: the product then adds it as it stores C. Only for a plain
/// product (no batch loops), whose C is row-major `m × n`.
fn bias_row(g: &Lowered, i: usize, e: usize, gemm: &Gemm) -> Option<isize> {
    let v = edge_view(g, i, e);
    let plain_c = gemm.batch.is_empty() && gemm.c_strides == (gemm.n as isize, 1) && gemm.onto.is_none();
    let last = v.ndim.checked_sub(1)?;
    let broadcast = (0..last).all(|a| v.strides[a] == 0 || v.shape[a] == 1);
    let row = v.shape[last] == gemm.n && v.strides[last] == 1 && gemm.n > 1;
    (plain_c && v.valid.is_none() && broadcast && row && v.offset >= 0).then_some(v.offset)
}

/// The shared-weights step: a B that several products read, and the copy
/// each will read instead (made before its first use, by scheduling).
pub(super) struct SharedWeights {
    /// Whether the copies are packed panels (our kernel) or row-major copies (`matrixmultiply`).
    pub packed: bool,
    /// Per shared B: how many products read it, and the slot of its copy once made.
    pub copies: HashMap<SharedB, (usize, Option<usize>)>,
}

/// Products that read the same B (a recurrent weight, once per time
/// step) read it packed once into the packed kernel's panels; without
/// that kernel, a column-major B gets one row-major copy, which
/// `matrixmultiply` packs much faster.
pub(super) fn share_weights(p: &mut Products) -> SharedWeights {
    let pack_shared = packed::enabled();
    for gemm in p.gemms.iter_mut().flatten() {
        with_rows_of_c_contiguous(gemm);
    }
    let mut shared_b: HashMap<SharedB, (usize, Option<usize>)> = HashMap::new();
    for gemm in p.gemms.iter().flatten() {
        if let Some(key) = shared_b_key(gemm, pack_shared) {
            shared_b.entry(key).or_insert((0, None)).0 += 1;
        }
    }
    shared_b.retain(|_, (uses, _)| *uses >= MIN_SHARED_B_USES);
    SharedWeights { packed: pack_shared, copies: shared_b }
}

/// Is `SumReduce(axis)` of the `Mul` node `mul`, read through the
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
        bias: None,
        relu: false,
        mask: None,
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
pub(super) type SharedB = (usize, isize, (isize, isize), usize, usize);

/// The B operand of an unbatched product (operands still node positions)
/// that a shared copy can serve: with the packed kernel any B of a product
/// it runs (C's rows contiguous); without it, a B read column by column
/// (stride 1 down K, not along N).
pub(super) fn shared_b_key(g: &Gemm, packed: bool) -> Option<SharedB> {
    let eligible = if packed {
        g.c_strides.1 == 1 && g.n > 1
    } else {
        g.b_strides.0 == 1 && g.b_strides.1 != 1 && g.k > 1 && g.n > 1
    };
    (g.batch.is_empty() && eligible).then_some((g.b, g.b_offset, g.b_strides, g.k, g.n))
}
