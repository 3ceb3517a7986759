//! Pass 3: scheduling. Every value still needed gets a buffer slot, and
//! every computed slot one step, in dependency order; fused trees become
//! instruction lists and pure sums of views their own kernel.

#![allow(clippy::needless_range_loop)]

use super::fusion::Fusion;
use super::products::{shared_b_key, Products, SharedWeights};
use super::*;
use crate::cpu::kernels::{data_box, Arg, Instr, PoolTiles};
use crate::cpu::packed;
use crate::cpu::recurrence::Dims;

pub(super) fn schedule(g: &Lowered, uses: &Uses, mut p: Products, f: &Fusion, mut shared: SharedWeights) -> Program {
    let n = g.order.len();
    let mut slot_of = vec![usize::MAX; n];
    let mut lens = Vec::new();
    let mut slot_is_target = Vec::new();
    let mut input_slots = Vec::new();
    let mut new_slot = |i: Option<usize>, len: usize, slot_of: &mut Vec<usize>| {
        let slot = lens.len();
        lens.push(len);
        slot_is_target.push(i.is_some_and(|i| uses.is_target[i]));
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
        if p.absorbed[i] || f.inlined[i] {
            continue;
        }
        let kernel = match g.order[i].op {
            _ if p.gemms[i].is_some() => {
                let mut gemm = p.gemms[i].take().unwrap();
                if let Some((_, copy)) = shared_b_key(&gemm, shared.packed).and_then(|key| shared.copies.get_mut(&key)) {
                    // The packed (or row-major) copy, made before its first use.
                    let copy = *copy.get_or_insert_with(|| {
                        let (k, n) = (gemm.k, gemm.n);
                        let src = slot_of[gemm.b];
                        let (kernel, len) = if shared.packed {
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
                    gemm.b_packed = shared.packed;
                } else {
                    gemm.b = slot_of[gemm.b];
                }
                gemm.a = slot_of[gemm.a];
                gemm.onto = gemm.onto.map(|o| slot_of[o]);
                gemm.bias = gemm.bias.map(|(b, offset)| (slot_of[b], offset));
                gemm.mask = gemm.mask.map(|y| slot_of[y]);
                Kernel::Gemm(gemm)
            }
            Op::Constant(value) => {
                if !f.constant_needs_buffer[i] {
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
                max: matches!(g.order[i].op, Op::MaxReduce(_)),
            },
            Op::Leaf => unreachable!("leaves always hold data"),
            op if op.is_fused() => fused_operator(g, i, &slot_of),
            _ => {
                let mut instrs = Vec::new();
                emit(g, i, &f.inlined, &slot_of, &mut instrs);
                match as_sum_of_views(&instrs) {
                    Some(terms) => Kernel::SumOfViews(terms),
                    None => Kernel::Fused(Fused { instrs }),
                }
            }
        };
        let out = new_slot(Some(i), node_len(i), &mut slot_of);
        steps.push(Step { out, kernel });
    }
    let readers = count_readers(&steps, &slot_is_target);
    let frees = last_reads(&steps, &slot_is_target);
    Program {
        lens,
        input_slots,
        steps,
        target_slots: g.targets.iter().map(|&t| slot_of[t]).collect(),
        is_target: slot_is_target,
        readers,
        frees,
        op_count,
        runs: Cell::new(0),
        scratch: RefCell::new(Vec::new()),
    }
}

/// The kernel of fused operator node `i` (an LSTM loop, max pooling, their
/// adjoints, or softmax), which reads its inputs in buffer order.
fn fused_operator(g: &Lowered, i: usize, slot_of: &[usize]) -> Kernel {
    let (e, shape) = (&g.edges[i], &g.order[i].shape);
    match g.order[i].op {
        Op::LstmLoop { reverse } => {
            debug_assert!((0..5).all(|k| reads_in_order(g, i, k)), "an LSTM loop reads its inputs in buffer order");
            Kernel::LstmLoop(LstmLoop {
                dims: Dims { steps: shape[0] - 1, batch: shape[1], hidden: shape[2] / crate::ir::LSTM_TAPE_PARTS, reverse },
                xw: slot_of[e[0]],
                bias: slot_of[e[1]],
                w: slot_of[e[2]],
                h0: slot_of[e[3]],
                c0: slot_of[e[4]],
            })
        }
        Op::LstmLoopBackward { reverse, initial_state } => {
            debug_assert!((1..3).all(|k| reads_in_order(g, i, k)), "an LSTM loop's adjoint reads the tape and weight in buffer order");
            Kernel::LstmLoopBackward(LstmLoopBackward {
                dims: Dims { steps: shape[0] - 2, batch: shape[1], hidden: shape[2] / 4, reverse },
                dtape: slot_of[e[0]],
                dtape_view: Strided::from_tracker(&g.order[i].inputs[0].view),
                tape: slot_of[e[1]],
                w: slot_of[e[2]],
                initial_state,
            })
        }
        Op::MaxPoolTiles { kh, kw } => {
            debug_assert!(reads_in_order(g, i, 0), "max pooling reads its input in buffer order");
            Kernel::MaxPoolTiles { x: slot_of[e[0]], tiles: pool_tiles(&g.order[i].inputs[0].shape(), kh, kw) }
        }
        Op::MaxPoolTilesBackward { kh, kw } => {
            debug_assert!((0..3).all(|k| reads_in_order(g, i, k)), "max pooling's adjoint reads its inputs in buffer order");
            Kernel::MaxPoolTilesBackward {
                g: slot_of[e[0]],
                x: slot_of[e[1]],
                y: slot_of[e[2]],
                tiles: pool_tiles(shape, kh, kw),
            }
        }
        Op::SoftmaxRows => {
            debug_assert!(reads_in_order(g, i, 0), "softmax reads its input in buffer order");
            Kernel::SoftmaxRows { x: slot_of[e[0]], len: shape[shape.len() - 1] }
        }
        Op::SoftmaxRowsBackward => {
            debug_assert!((0..2).all(|k| reads_in_order(g, i, k)), "softmax's adjoint reads its inputs in buffer order");
            Kernel::SoftmaxRowsBackward { y: slot_of[e[0]], g: slot_of[e[1]], len: shape[shape.len() - 1] }
        }
        Op::LayerNormRows { eps } => {
            debug_assert!(reads_in_order(g, i, 0), "layer norm reads its input in buffer order");
            Kernel::LayerNormRows { x: slot_of[e[0]], len: shape[shape.len() - 1], eps }
        }
        Op::LayerNormRowsBackward { eps } => {
            debug_assert!((0..3).all(|k| reads_in_order(g, i, k)), "layer norm's adjoint reads its inputs in buffer order");
            let len = shape[shape.len() - 1];
            Kernel::LayerNormRowsBackward { x: slot_of[e[0]], y: slot_of[e[1]], g: slot_of[e[2]], len, eps }
        }
        other => unreachable!("{other:?} is not a fused operator"),
    }
}

/// The tiling of an `[N, C, H, W]` input by `kh × kw` windows.
fn pool_tiles(input: &[usize], kh: usize, kw: usize) -> PoolTiles {
    let &[n, c, h, w] = input else { unreachable!("max pooling's input is NCHW") };
    PoolTiles { planes: n * c, h, w, kh, kw }
}

/// How many times each slot is read: by the steps, and once more if it is a
/// target (the caller reads it). `cpu::run` moves a buffer added onto by
/// its only reader instead of copying it.
fn count_readers(steps: &[Step], slot_is_target: &[bool]) -> Vec<usize> {
    let mut readers: Vec<usize> = slot_is_target.iter().map(|&t| t as usize).collect();
    for step in steps {
        step.kernel.for_each_read(|slot| readers[slot] += 1);
    }
    readers
}

/// Per step, the slots it reads last of all (computed ones, not targets):
/// `cpu::run` hands their buffers to later steps' outputs once it has run,
/// so a step's working set stays in cache instead of every intermediate
/// living to the end of the run.
fn last_reads(steps: &[Step], slot_is_target: &[bool]) -> Vec<Vec<usize>> {
    let mut last = vec![None; slot_is_target.len()];
    for (s, step) in steps.iter().enumerate() {
        step.kernel.for_each_read(|slot| last[slot] = Some(s));
    }
    let mut frees = vec![Vec::new(); steps.len()];
    for step in steps {
        if let (Some(s), false) = (last[step.out], slot_is_target[step.out]) {
            frees[s].push(step.out);
        }
    }
    frees
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

