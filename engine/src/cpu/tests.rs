//! The fast CPU path against luminal's own operators (the reference), on
//! random shapes and every kind of view, plus caching and thread behaviour.

use std::rc::Rc;

use crate::ir::{Node, Op};
use crate::ir::unrealized_in_dependency_order;
use crate::luminal_backend::execute as luminal_execute;
use crate::rng::Rng;
use crate::tensor::Tensor;

use super::simd::{self, SimdPath};
use super::{execute, pool, runtime};

fn close(got: f32, want: f32, tol: f32) -> bool {
    if got.is_nan() || want.is_nan() {
        return got.is_nan() && want.is_nan();
    }
    got == want || (got - want).abs() <= tol * want.abs().max(1.0)
}

/// Realizes `targets` on both paths (without caching results in the tensors)
/// and compares; runs the fast path twice so the cached program is checked too.
#[track_caller]
fn check(targets: &[&Tensor], tol: f32) {
    let nodes: Vec<Rc<Node>> = targets.iter().map(|t| t.node.clone()).collect();
    assert!(nodes.iter().all(|n| n.realized_data().is_none()), "targets must be unrealized");
    let order = unrealized_in_dependency_order(&nodes);
    let reference = luminal_execute(&order, &nodes);
    let (fast, _) = execute(&order, &nodes);
    let (again, _) = execute(&order, &nodes);
    for (t, ((r, f), a)) in reference.iter().zip(&fast).zip(&again).enumerate() {
        assert_eq!(r.len(), f.len(), "target {t}: lengths differ");
        for (i, (&r, &f)) in r.iter().zip(f).enumerate() {
            assert!(close(f, r, tol), "target {t}, element {i}: fast {f} vs luminal {r}");
        }
        assert!(
            f.iter().zip(a).all(|(x, y)| x.to_bits() == y.to_bits()),
            "target {t}: a cached rerun gave different numbers"
        );
    }
}

fn random(shape: &[usize], rng: &mut Rng) -> Tensor {
    let n = shape.iter().product();
    Tensor::from_vec((0..n).map(|_| rng.normal()).collect(), shape)
}

fn size(rng: &mut Rng, max: usize) -> usize {
    1 + (rng.uniform() * max as f32) as usize % max
}

#[test]
fn matmul_on_random_shapes_and_views() {
    let mut rng = Rng::new(7);
    for case in 0..40 {
        let (m, k, n) = (size(&mut rng, 17), size(&mut rng, 19), size(&mut rng, 13));
        // Left operand: plain, transposed, or a slice of a bigger matrix.
        let a = match case % 3 {
            0 => random(&[m, k], &mut rng),
            1 => random(&[k, m], &mut rng).t(),
            _ => random(&[m + 3, k + 2], &mut rng).slice(0, 2, m + 2).slice(1, 1, k + 1),
        };
        let b = match case / 3 % 3 {
            0 => random(&[k, n], &mut rng),
            1 => random(&[n, k], &mut rng).t(),
            _ => random(&[k + 4, n + 1], &mut rng).slice(0, 3, k + 3).slice(1, 1, n + 1),
        };
        let c = a.matmul(&b);
        let d = a.matmul(&b).t().matmul(&a); // a product of a transposed product
        check(&[&c, &d], 1e-5);
    }
}

#[test]
fn batched_broadcast_and_vector_matmuls() {
    let mut rng = Rng::new(8);
    let a = random(&[3, 4, 5], &mut rng);
    let b = random(&[5, 6], &mut rng);
    let bb = random(&[3, 5, 6], &mut rng);
    let b4 = random(&[2, 1, 5, 2], &mut rng);
    let v = random(&[5], &mut rng);
    let w = random(&[4], &mut rng);
    let sliced = random(&[5, 4, 7], &mut rng).slice(0, 1, 4).slice(2, 2, 7); // [3, 4, 5]
    check(
        &[
            &a.matmul(&b),
            &a.matmul(&bb),
            &a.matmul(&b4),
            &a.matmul(&v),
            &w.matmul(&a),
            &v.dot(&v),
            &sliced.matmul(&bb),
            &sliced.transpose(1, 2).transpose(1, 2).matmul(&b),
        ],
        1e-5,
    );
}

#[test]
fn matmul_with_padded_operands_falls_back_correctly() {
    let mut rng = Rng::new(9);
    let a = random(&[3, 4], &mut rng).padded(1, 1, 2); // [3, 7], zero columns
    let b = random(&[7, 2], &mut rng);
    let c = Tensor::cat(&[&random(&[2, 7], &mut rng), &random(&[1, 7], &mut rng)], 0);
    check(&[&a.matmul(&b), &c.matmul(&b)], 1e-5);
}

#[test]
fn reductions_over_permuted_products_become_gemms_like_autograd_builds_them() {
    // Σ_m of a [M, N, K] product read with M last: the weight-gradient shape.
    let mut rng = Rng::new(10);
    let (m, n, k) = (6, 5, 4);
    let g = random(&[m, n], &mut rng);
    let x = random(&[m, k], &mut rng);
    // Built twice: a product read by two reductions would be materialized.
    let product = || {
        Tensor::from_op(
            Op::Mul,
            vec![g.with_broadcast_dim(2, k), x.with_broadcast_dim(1, n)],
            vec![m, n, k],
        )
    };
    let dw = product().permute(&[1, 2, 0]).sum_dim(2, false); // [N, K]
    let dw_t = product().permute(&[2, 0, 1]).sum_dim(1, false); // [K, N]
    runtime::set_profiling(true);
    check(&[&dw, &dw_t], 1e-5);
    let kernels = runtime::take_kernel_profile(usize::MAX);
    runtime::set_profiling(false);
    // dw_t's C is column-major; it is computed transposed, so every product writes rows.
    let products: Vec<&String> = kernels.iter().map(|(what, _, _)| what).filter(|w| w.contains("sgemm")).collect();
    assert_eq!(products.len(), 2, "{kernels:?}");
    for what in products {
        let c = what.split(" c (").nth(1).and_then(|rest| rest.split(')').next());
        assert!(c.is_some_and(|c| c.ends_with(", 1")), "C's rows are not contiguous: {what}");
    }
    let naive: Vec<f32> = {
        let (g, x) = (g.to_vec(), x.to_vec());
        (0..n * k)
            .map(|i| (0..m).map(|r| g[r * n + i / k] * x[r * k + i % k]).sum())
            .collect()
    };
    crate::testing::assert_close(&dw, &[n, k], &naive, 1e-5);
}

#[test]
fn fused_elementwise_chains_over_all_kinds_of_views() {
    let mut rng = Rng::new(11);
    for case in 0..12 {
        let (r, c) = (size(&mut rng, 9), size(&mut rng, 1100)); // crosses chunk boundaries
        let a = random(&[c, r], &mut rng).t();
        let row = random(&[c], &mut rng);
        let col = random(&[r, 1], &mut rng);
        let big = random(&[r + 2, c + 3], &mut rng).slice(0, 1, r + 1).slice(1, 3, c + 3);
        let padded = random(&[r, c - c / 2], &mut rng).padded(1, c / 2, 0);
        let x = (&a + &row) * &col - &big / 3.0 + &padded;
        let y = match case % 4 {
            0 => x.exp().log().sqrt(),
            1 => x.sin().recip().relu() * x.abs(),
            2 => x.fmod(0.7).lt(&a).maximum(x.tanh()),
            _ => x.sigmoid().pow(3.0) + x.clamp(-0.5, 0.5),
        };
        let z = &y.t() * 2.0 + 1.0; // a second target reading the first through a view
        // exp2 is ours (vectorised, within a few ulp of libm's): not bit-exact.
        check(&[&y, &z, &x], 1e-6);
    }
}

#[test]
fn a_row_broadcast_down_many_chunks_reads_right_in_every_chunk() {
    // A load whose every chunk reads the same values (a row repeated down
    // the rows, its length dividing the chunk) is gathered once per kernel
    // part: rows of 64 (layer norm's weight and bias), of a whole chunk, a
    // scalar; and rows whose length does not divide it (48, 100, 2048),
    // gathered each chunk; and the broadcast copied alone, its load the
    // kernel's output. On one thread and on two (the output split).
    let mut rng = Rng::new(19);
    for threads in [1, 2] {
        runtime::set_threads(threads);
        for (rows, cols) in [(40, 64), (9, 1024), (70, 48), (33, 100), (5, 2048)] {
            let x = random(&[rows, cols], &mut rng);
            let (w, b) = (random(&[cols], &mut rng), random(&[cols], &mut rng));
            let scalar = random(&[1], &mut rng).reshape(&[]).expand(&[rows, cols]);
            let layer = &x * &w + &b;
            let scaled = &x * &scalar + &w;
            // A copy of the broadcast alone: its load writes the output itself.
            let copied = w.reshape(&[1, cols]).expand(&[rows, cols]).contiguous();
            check(&[&layer, &scaled, &copied], 1e-6);
        }
    }
    runtime::set_threads(1);
}

#[test]
fn nan_and_infinity_propagate_like_luminal() {
    let special = [f32::NAN, f32::INFINITY, f32::NEG_INFINITY, 0.0, -0.0, 1.0, -2.5, 1e30];
    let x = Tensor::from_vec(special.to_vec(), &[2, 4]);
    let y = Tensor::from_vec(special.iter().rev().copied().collect(), &[2, 4]);
    check(
        &[
            &(&x * &y + &x.t().t()),
            &x.exp(),
            &x.log(),
            &x.sqrt(),
            &x.recip(),
            &x.sin(),
            &x.fmod(&y),
            &x.lt(&y),
            &x.max_dim(1, false),
            &x.max_dim(0, false),
            &x.sum_dim(1, false),
            &x.matmul(&y.t()),
            &x.relu(),
        ],
        1e-6,
    );
}

#[test]
fn reductions_along_every_axis_of_permuted_views() {
    let mut rng = Rng::new(12);
    let x = random(&[3, 4, 5], &mut rng);
    let mut targets = Vec::new();
    for perm in [[0, 1, 2], [2, 0, 1], [1, 2, 0], [2, 1, 0]] {
        let v = x.permute(&perm);
        for axis in 0..3 {
            targets.push(v.sum_dim(axis, false));
            targets.push(v.max_dim(axis, true));
        }
    }
    targets.push(x.slice(1, 1, 3).sum_dim(2, false));
    targets.push(x.padded(2, 2, 1).max_dim(2, false));
    targets.push(x.sum());
    let refs: Vec<&Tensor> = targets.iter().collect();
    check(&refs, 1e-6);
}

#[test]
fn reductions_split_by_columns_give_the_bits_of_one_thread() {
    // A bias gradient's first stage reads its features contiguously, though
    // they are not the output's last axis (`[256, 32, 32]/[1, 8192, 256]`);
    // large, it is split between two threads by halves of the features:
    // 256 and 40 of them split (at 128 and 16), 17 stay on one thread.
    let mut rng = Rng::new(29);
    for features in [256, 40, 17] {
        let x = random(&[32, 32, features], &mut rng);
        let mut runs = Vec::new();
        for threads in [1, 2] {
            runtime::set_threads(threads);
            let v = x.permute(&[2, 0, 1]);
            let (sum, max) = (v.sum_dim(2, false), v.max_dim(2, false));
            check(&[&sum, &max], 1e-5);
            let bits = |t: &Tensor| t.to_vec().iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            runs.push((bits(&v.sum_dim(2, false)), bits(&v.max_dim(2, false))));
        }
        assert!(runs[0] == runs[1], "{features} features: two threads gave other bits than one");
    }
    runtime::set_threads(1);
}

#[test]
fn zero_size_tensors() {
    let a = Tensor::zeros(&[0, 3]);
    let b = Tensor::ones(&[3, 4]);
    assert_eq!(a.matmul(&b).shape(), vec![0, 4]);
    assert!(a.matmul(&b).to_vec().is_empty());
    let empty_inner = Tensor::ones(&[2, 0]).matmul(&Tensor::ones(&[0, 3]));
    assert_eq!(empty_inner.to_vec(), vec![0.0; 6]);
    let mixed = (&Tensor::ones(&[2, 3]) + Tensor::zeros(&[0, 3]).sum_dim(0, true)).exp();
    check(&[&mixed], 0.0);
    Tensor::realize_all(&[&a, &empty_inner]);
}

#[test]
fn large_products_agree_on_one_and_two_threads() {
    let mut rng = Rng::new(13);
    let a = random(&[96, 200], &mut rng);
    let b = random(&[200, 120], &mut rng);
    const { assert!(96 * 200 * 120 >= super::kernels::PARALLEL_MIN_MACS) };
    let (av, bv) = (a.to_vec(), b.to_vec());
    let naive: Vec<f32> = (0..96 * 120)
        .map(|i| (0..200).map(|p| av[i / 120 * 200 + p] * bv[p * 120 + i % 120]).sum())
        .collect();
    let before = pool::threads();
    for threads in [1, 2] {
        runtime::set_threads(threads);
        for product in [a.matmul(&b), b.t().matmul(&a.t()).t()] {
            crate::testing::assert_close(&product, &[96, 120], &naive, 1e-4);
        }
    }
    runtime::set_threads(before);
}

/// Reductions along a contiguous axis (row sums and maxima, the softmax's
/// and layer norm's) and row-wise dots are split between two threads when
/// large, and give the bits of one thread: each output is still one chain
/// in index order.
#[test]
fn row_reductions_and_dots_give_the_same_bits_on_one_and_two_threads() {
    let mut rng = Rng::new(19);
    let mut xv = random(&[1027, 64], &mut rng).to_vec();
    xv[700] = f32::NAN;
    let x = Tensor::from_vec(xv, &[1027, 64]);
    let heads = random(&[8, 4, 33, 32], &mut rng);
    let (y, heads2) = (random(&[1027, 64], &mut rng), random(&[8, 4, 33, 32], &mut rng));
    let before = pool::threads();
    let run = |threads: usize| {
        runtime::set_threads(threads);
        let outs = [
            x.sum_dim(1, false),
            x.max_dim(1, false),
            heads.sum_dim(3, false),
            x.slice(1, 3, 60).sum_dim(1, false),
            // Row-wise dots (products with M = N = 1), split between threads the same way.
            x.mul(&y).sum_dim(1, false),
            heads.mul(&heads2).sum_dim(3, false),
            heads.permute(&[1, 0, 2, 3]).mul(&heads2.permute(&[1, 0, 2, 3])).sum_dim(3, false),
        ];
        outs.iter().map(|t| t.to_vec().iter().map(|v| v.to_bits()).collect::<Vec<_>>()).collect::<Vec<_>>()
    };
    let (one, two) = (run(1), run(2));
    runtime::set_threads(before);
    assert_eq!(one, two, "row reductions or dots differ between one and two threads");
    runtime::set_threads(2);
    let fresh = Tensor::from_vec(x.to_vec(), &[1027, 64]);
    check(&[&fresh.sum_dim(1, false), &fresh.mul(&y).sum_dim(1, false)], 1e-4);
    runtime::set_threads(before);
}

#[test]
fn long_thin_products_split_along_k_agree_on_one_and_two_threads() {
    // Small M×N with a long K is split along K on two threads (each half
    // into its own buffer, then added), in every output layout.
    let mut rng = Rng::new(17);
    let (m, k, n) = (16, 4096, 40);
    let a = random(&[m, k], &mut rng);
    let b = random(&[k, n], &mut rng);
    const { assert!(16 * 4096 * 40 >= super::kernels::PARALLEL_MIN_MACS) };
    let (av, bv) = (a.to_vec(), b.to_vec());
    let naive: Vec<f32> = (0..m * n)
        .map(|i| (0..k).map(|p| av[i / n * k + p] as f64 * bv[p * n + i % n] as f64).sum::<f64>() as f32)
        .collect();
    let before = pool::threads();
    for threads in [1, 2] {
        runtime::set_threads(threads);
        for product in [a.matmul(&b), b.t().matmul(&a.t()).t(), a.matmul(&b.t().contiguous().t())] {
            crate::testing::assert_close(&product, &[m, n], &naive, 1e-3);
        }
    }
    runtime::set_threads(before);
}

#[test]
fn reused_scratch_never_overwrites_results_still_held() {
    // From its second run a program keeps its intermediates' buffers and
    // reuses them; results handed out (targets) must never be among them.
    let mut held = Vec::new();
    for seed in 0..8 {
        let x = Tensor::rand(&[6, 5], seed);
        let h = (x.exp() + 1.0).log(); // fused intermediate
        let y = h.matmul(&h.t()).relu() * 2.0; // a product feeding a fused target
        let z = y.sum_dim(1, false) + h.sum(); // reduction of a target, plus another
        Tensor::realize_all(&[&y, &z]);
        held.push((y.clone(), y.to_vec(), z.clone(), z.to_vec(), x.clone(), x.to_vec()));
    }
    for (y, yv, z, zv, x, xv) in &held {
        assert_eq!(&y.to_vec(), yv);
        assert_eq!(&z.to_vec(), zv);
        assert_eq!(&x.to_vec(), xv, "inputs are never written");
        // And they are right: recompute on luminal's reference operators.
        let h = (x.exp() + 1.0).log();
        let fresh = h.matmul(&h.t()).relu() * 2.0;
        let order = unrealized_in_dependency_order(std::slice::from_ref(&fresh.node));
        let want = luminal_execute(&order, std::slice::from_ref(&fresh.node));
        crate::testing::assert_close(y, &[6, 6], &want[0], 1e-5);
    }
}

#[test]
fn identical_structures_share_one_program_and_the_cache_is_bounded() {
    let step = |seed: u64| {
        let w = Tensor::rand(&[5, 3], seed);
        let x = Tensor::rand(&[4, 5], seed + 1);
        let loss = x.matmul(&w).relu().sum();
        (loss.item(), x.matmul(&w).relu().to_vec().iter().sum::<f32>())
    };
    step(1);
    let programs = runtime::cached_programs();
    for seed in 2..20 {
        let (got, want) = step(seed);
        assert!((got - want).abs() < 1e-5);
    }
    assert_eq!(runtime::cached_programs(), programs, "new data, same structure: no new program");
    for n in 1..100 {
        Tensor::ones(&[n]).exp().sum().item();
    }
    assert!(runtime::cached_programs() <= super::CACHE_CAPACITY);
}

#[test]
fn constants_as_targets_and_through_padding() {
    let c = Tensor::constant(2.5);
    let padded = Tensor::constant(3.0).broadcast_view(&[2]).contiguous().padded(0, 1, 1);
    let sum = &padded + Tensor::ones(&[4]);
    check(&[&c, &sum, &padded.contiguous()], 0.0);
}

/// Products whose batch loops fold into M or N (a linear layer on `[B, T, D]`),
/// per-head attention products over permuted views, row-wise dots (M = N = 1),
/// and a batch sum folded into K (autograd's weight gradient), on random
/// shapes with plain, transposed, sliced and broadcast operands.
#[test]
fn folded_batches_dots_and_batch_sums_match_the_reference() {
    let mut rng = Rng::new(21);
    for case in 0..24 {
        let (b, t, d, e) = (size(&mut rng, 4) + 1, size(&mut rng, 7), size(&mut rng, 9), size(&mut rng, 6));
        let x = match case % 3 {
            0 => random(&[b, t, d], &mut rng),
            1 => random(&[b, d, t], &mut rng).transpose(1, 2),
            _ => random(&[b + 1, t + 2, d + 1], &mut rng).slice(0, 1, b + 1).slice(1, 1, t + 1).slice(2, 0, d),
        };
        let w = match case / 3 % 2 {
            0 => random(&[d, e], &mut rng),
            _ => random(&[e, d], &mut rng).t(),
        };
        let y = random(&[b, t, d], &mut rng);
        let g = random(&[b, t, e], &mut rng);
        // Linear layer (batch folds into M) and its weight gradient (batch sum folds into K).
        let lin = x.matmul(&w);
        let dw = x.transpose(1, 2).matmul(&g).sum_dim(0, false);
        let dw_t = g.transpose(1, 2).matmul(&x).sum_dim(0, false);
        // Row-wise dots and a dot summed over the batch too.
        let dots = x.mul(&y).sum_dim(2, false);
        let col = x.mul(&y).sum_dim(1, false).sum_dim(0, false);
        // Attention heads: [B, T, H, dh] permuted to [B, H, T, dh].
        let h = 2;
        let q = random(&[b, t, h * 3], &mut rng).reshape(&[b, t, h, 3]).permute(&[0, 2, 1, 3]);
        let k = random(&[b, t, h * 3], &mut rng).reshape(&[b, t, h, 3]).permute(&[0, 2, 1, 3]);
        let scores = q.matmul(&k.transpose(2, 3));
        let ctx = scores.matmul(&k);
        // A batch sum that cannot fold (the operand is sliced along the batch's stride).
        let sliced = random(&[b, t + 1, d], &mut rng).slice(1, 0, t);
        let dw_s = sliced.transpose(1, 2).matmul(&g).sum_dim(0, false);
        check(&[&lin, &dw, &dw_t, &dots, &col, &scores, &ctx, &dw_s], 1e-4);
    }
    // NaN and infinity through the dot path and the folded K.
    let mut a = random(&[3, 4, 5], &mut rng).to_vec();
    a[3] = f32::NAN;
    a[17] = f32::INFINITY;
    let a = Tensor::from_vec(a, &[3, 4, 5]);
    let bt = random(&[3, 4, 5], &mut rng);
    let g = random(&[3, 4, 2], &mut rng);
    check(&[&a.mul(&bt).sum_dim(2, false), &a.transpose(1, 2).matmul(&g).sum_dim(0, false)], 1e-4);
    // Dots down columns (layer norm's weight gradient, Σ over rows of g·x̂ per
    // feature), computed side by side across the features: plain, a column
    // slice, summed over a batch too, with NaN and infinity in one column;
    // and dots, sums and maxima along rows.
    for (rows, feats) in [(37, 8), (5, 33), (64, 64), (3, 100)] {
        let mut xv = random(&[rows, feats + 2], &mut rng).to_vec();
        xv[feats + 3] = f32::NAN;
        xv[2 * (feats + 2) + 5] = f32::INFINITY;
        let x = Tensor::from_vec(xv, &[rows, feats + 2]).slice(1, 1, feats + 1);
        let y = random(&[rows, feats], &mut rng);
        let plain = random(&[rows, feats], &mut rng);
        let z = random(&[2, rows, feats], &mut rng);
        let zy = random(&[2, rows, feats], &mut rng);
        let batch_sum = z.mul(&zy).sum_dim(1, false).sum_dim(0, false);
        check(&[&x.mul(&y).sum_dim(0, false), &plain.mul(&y).sum_dim(0, false), &batch_sum], 1e-4);
        // Along rows: dots, sums and maxima, eight rows side by side, then the rest.
        let rows_too = [x.mul(&y).sum_dim(1, false), x.sum_dim(1, false), x.max_dim(1, false), z.mul(&zy).sum_dim(2, false)];
        check(&rows_too.iter().collect::<Vec<_>>(), 1e-4);
    }
}

/// Reductions whose contiguous source axis is not the output's last (bias
/// gradients read through permutations), and elementwise reads whose rows are
/// short (a pooling window's broadcast), against the reference.
#[test]
fn reductions_along_a_permuted_contiguous_axis_and_short_row_reads() {
    let mut rng = Rng::new(22);
    for case in 0..16 {
        let (b, t, d) = (size(&mut rng, 5), size(&mut rng, 6), size(&mut rng, 40) + 1);
        let mut xv = random(&[b, t, d], &mut rng).to_vec();
        if case % 4 == 0 {
            xv[0] = f32::NAN;
            let last = xv.len() - 1;
            xv[last] = f32::NEG_INFINITY;
        }
        let x = Tensor::from_vec(xv, &[b, t, d]);
        let p = x.permute(&[2, 0, 1]); // [d, b, t]: the contiguous axis first
        let s1 = p.sum_dim(2, false);
        let s2 = p.sum_dim(1, false).sum_dim(1, false);
        let m1 = p.max_dim(2, false);
        let sliced = random(&[b, t, d + 3], &mut rng).slice(2, 1, d + 1).permute(&[2, 1, 0]).sum_dim(1, false);
        // Short rows: each element broadcast 2 or 3 times, plus a small transposed read.
        let r = 2 + case % 2;
        let short = x.unsqueeze(3).expand(&[b, t, d, r]);
        let y = random(&[b, t, d, r], &mut rng);
        let e = short.mul(&y).add(&short);
        let small = random(&[d, 3], &mut rng).t().unsqueeze(0).expand(&[b, 3, d]).add(random(&[b, 3, d], &mut rng));
        check(&[&s1, &s2, &m1, &sliced, &e, &small], 1e-4);
    }
}

#[test]
fn sums_of_products_and_summed_batches_on_one_and_two_threads() {
    let mut rng = Rng::new(23);
    let before = pool::threads();
    for threads in [1, 2] {
        runtime::set_threads(threads);
        // An RNN's weight gradient, Σ_t h_tᵀ·g_t: each product is added onto the running sum.
        let hs: Vec<Tensor> = (0..6).map(|_| random(&[8, 5], &mut rng)).collect();
        let gs: Vec<Tensor> = (0..6).map(|_| random(&[8, 7], &mut rng)).collect();
        let mut sum = hs[0].t().matmul(&gs[0]);
        for t in 1..6 {
            sum = sum.add(hs[t].t().matmul(&gs[t]));
        }
        // Onto an input's buffer, onto a value that is also the product's
        // operand, and onto one read again later: those must be copied, not taken.
        let onto_input = random(&[5, 7], &mut rng).add(hs[0].t().matmul(&gs[1]));
        let x = random(&[5, 5], &mut rng).exp();
        let onto_operand = x.add(x.matmul(&x));
        let shared = hs[1].t().matmul(&gs[2]).exp();
        let onto_shared = shared.add(hs[2].t().matmul(&gs[3])).add(&shared);
        runtime::set_profiling(true);
        check(&[&sum, &onto_input, &onto_operand, &onto_shared], 1e-4);
        let kernels = runtime::take_kernel_profile(usize::MAX);
        let onto = kernels.iter().filter(|(what, _, _)| what.ends_with(" onto")).count();
        assert!(onto >= 5 + 3, "the sums did not run as products added in place: {kernels:?}");
        // A convolution's weight gradient: per image dY·Pᵀ, summed over the
        // images into one C (the batch cannot fold into K), large enough
        // in total to split the images between two threads.
        let (images, out, patch, pixels) = (20, 16, 72, 50);
        const { assert!(20 * 16 * 72 * 50 >= super::kernels::PARALLEL_MIN_MACS) };
        let dy = random(&[images, out, pixels], &mut rng);
        let patches = random(&[images, patch, pixels], &mut rng);
        let dw = dy.matmul(&patches.transpose(1, 2)).sum_dim(0, false);
        // Its forward product: one small product per image, not summed.
        let w = random(&[out, patch], &mut rng);
        let y = w.matmul(&patches);
        // Summed onto a buffer too.
        let dw_onto = random(&[out, patch], &mut rng).add(dy.matmul(&patches.transpose(1, 2)).sum_dim(0, false));
        check(&[&dw, &y, &dw_onto], 1e-3);
        let kernels = runtime::take_kernel_profile(usize::MAX);
        runtime::set_profiling(false);
        let summed = kernels.iter().filter(|(what, _, _)| what.contains(&format!("batch [({images}, {}, {}, 0)]", out * pixels, patch * pixels))).count();
        assert!(summed >= 2, "the weight gradient did not sum its batch in place: {kernels:?}");
    }
    runtime::set_threads(before);
}

#[test]
fn concatenations_and_sums_of_padded_views_match_the_reference() {
    let mut rng = Rng::new(29);
    runtime::set_profiling(true);
    // A stack of 40 time steps (more terms than one fused kernel takes),
    // along the middle axis, of parts that are themselves computed.
    let steps: Vec<Tensor> = (0..40).map(|_| random(&[3, 5], &mut rng).exp()).collect();
    let refs: Vec<&Tensor> = steps.iter().collect();
    let stacked = Tensor::stack(&refs, 1);
    // cat of views: a transpose, a slice, a broadcast; and the same part twice.
    let a = random(&[4, 3], &mut rng);
    let b = random(&[6, 4], &mut rng);
    let c = random(&[4, 1], &mut rng);
    let mixed = Tensor::cat(&[&a.t(), &b.slice(0, 1, 4), &c.expand(&[4, 2]).t(), &a.t()], 0);
    // Adjoints of overlapping slices (a convolution's col2im) summed with
    // an unpadded term, and a term added twice.
    let x = random(&[2, 9], &mut rng);
    let start = random(&[2, 9], &mut rng);
    let overlap = (0..4).map(|k| x.slice(1, k, k + 6).padded(1, k, 3 - k)).fold(start, |acc, t| acc + t);
    let twice = {
        let p = x.slice(1, 2, 5).padded(1, 2, 4);
        &p + &p
    };
    // A long sum of unpadded terms.
    let start = random(&[7], &mut rng);
    let plain = (0..60).map(|_| random(&[7], &mut rng)).fold(start, |acc, t| acc + t);
    // A concatenation read by an elementwise op stays its own (tiling) kernel.
    let gated = Tensor::cat(&[&a.t(), &b.slice(0, 1, 4)], 0).sigmoid();
    check(&[&stacked, &mixed, &overlap, &twice, &plain, &gated], 1e-5);
    let kernels = runtime::take_kernel_profile(usize::MAX);
    runtime::set_profiling(false);
    let sums = kernels.iter().filter(|(what, _, _)| what.starts_with("sum of padded views")).count();
    let names: Vec<String> = kernels.iter().map(|(w, _, _)| w.chars().take(70).collect()).collect();
    assert!(sums >= 5, "expected the sums to run as sums of views: {names:#?}");
    assert!(
        kernels.iter().any(|(what, _, _)| what.starts_with("sum of padded views") && what.contains("40 terms (tiling)")),
        "the 40-step stack was split, or not seen to tile its output: {names:#?}"
    );
    let tiling = names.iter().filter(|w| w.contains("(tiling)")).count();
    assert_eq!(tiling, 3, "the stack and the cats tile their outputs, the other sums do not: {names:#?}");
}

#[test]
fn reruns_reuse_every_intermediate_buffer_with_products_added_in_place() {
    // A sum of products (taken onto in place) whose result is a target, a
    // target in the middle, and intermediates of different sizes: from the
    // third run on, only the targets' buffers are new.
    let mut rng = Rng::new(31);
    let hs: Vec<Tensor> = (0..5).map(|_| random(&[6, 4], &mut rng)).collect();
    let gs: Vec<Tensor> = (0..5).map(|_| random(&[6, 9], &mut rng)).collect();
    let build = || {
        let mut sum = hs[0].t().matmul(&gs[0]).exp();
        for t in 1..5 {
            sum = sum.add(hs[t].t().matmul(&gs[t]));
        }
        let middle = hs[1].exp().sum_dim(0, false);
        let tail = sum.sum_dim(1, false).add(&middle).exp();
        (sum, middle, tail)
    };
    for run in 0..5 {
        let (sum, middle, tail) = build();
        let before = super::allocations();
        Tensor::realize_all(&[&sum, &middle, &tail]);
        let allocated = super::allocations() - before;
        if run >= 2 {
            assert_eq!(allocated, 3, "run {run}: only the three targets should need new buffers");
        }
    }
}

#[test]
fn an_intermediate_read_for_the_last_time_lends_its_buffer_to_a_later_step() {
    // A chain of eight products, each intermediate read only by the next:
    // once a product has run, its input's buffer serves a later output, so
    // two buffers carry the seven intermediates even on the first run (each
    // had its own before), and a rerun allocates only the target. The values
    // are luminal's on every run.
    let mut rng = Rng::new(41);
    let x = random(&[24, 16], &mut rng);
    let chain = (0..8).fold(x, |h, _| h.matmul(&random(&[16, 16], &mut rng)));
    let nodes = vec![chain.node.clone()];
    let order = unrealized_in_dependency_order(&nodes);
    let reference = luminal_execute(&order, &nodes);
    for run in 0..4 {
        let before = super::allocations();
        let (fast, _) = execute(&order, &nodes);
        let allocated = super::allocations() - before;
        // Intermediates are kept between runs from the second run on.
        let expected = if run < 2 { 3 } else { 1 };
        assert_eq!(allocated, expected, "run {run}: buffers allocated");
        for (i, (&f, &r)) in fast[0].iter().zip(&reference[0]).enumerate() {
            assert!(close(f, r, 1e-4), "run {run}, element {i}: fast {f} vs luminal {r}");
        }
    }
}

#[test]
fn long_elementwise_kernels_split_between_two_threads_match_the_reference() {
    // Outputs long enough to be split in two halves (on a chunk boundary),
    // with every kind of read: plain (aliased with an offset), sliced,
    // padded (chunks of only padding), broadcast, permuted.
    const { assert!(2 * 96 * 200 >= super::kernels::PARALLEL_MIN_ELEMENTS) };
    let mut rng = Rng::new(37);
    let before = pool::threads();
    for threads in [2, 1] {
        runtime::set_threads(threads);
        let a = random(&[2, 96, 400], &mut rng);
        let b = random(&[2, 100, 400], &mut rng).slice(1, 3, 99);
        let c = random(&[96, 1], &mut rng).expand(&[96, 400]);
        let d = random(&[400, 96, 2], &mut rng).permute(&[2, 1, 0]);
        let e = random(&[2, 40, 400], &mut rng).padded(1, 50, 6);
        // Positive terms only: a difference near zero would magnify exp's last-bit error.
        let y = ((&a * &b).exp() + (&c * &d).abs() + e.abs()).sqrt().log();
        let z = (&a - 1.0).relu() * &e;
        // Reductions over a short axis (a pooling window), split too.
        let pooled = a.reshape(&[2, 96, 200, 2]).max_dim(3, false);
        let summed = d.reshape(&[2, 96, 100, 4]).sum_dim(3, false);
        check(&[&y, &z, &pooled, &summed], 1e-5);
    }
    runtime::set_threads(before);
}

#[test]
fn long_sums_of_padded_views_split_between_two_threads_match_one_thread() {
    // A tiling stack and an overlapping col2im-like sum, long enough to be
    // split along the outermost axis, and terms of different shapes (not
    // split): bit for bit the one-thread results (which other tests hold
    // against the reference; luminal is too slow at these sizes).
    let mut rng = Rng::new(41);
    let grid = random(&[26, 8, 18, 18], &mut rng);
    let g = random(&[26, 8, 9, 16, 16], &mut rng);
    let (a, b) = (random(&[40000], &mut rng), random(&[200, 150], &mut rng));
    let build = || {
        let taps: Vec<Tensor> = (0..9).map(|t| grid.slice(2, t / 3, t / 3 + 16).slice(3, t % 3, t % 3 + 16)).collect();
        let refs: Vec<&Tensor> = taps.iter().collect();
        let stacked = Tensor::stack(&refs, 2);
        let col2im = (0..9)
            .map(|t| g.slice(2, t, t + 1).padded(3, t / 3, 2 - t / 3).padded(4, t % 3, 2 - t % 3))
            .reduce(|acc, p| acc + p)
            .unwrap();
        let mixed = Tensor::cat(&[&a, &b.reshape(&[30000])], 0);
        [stacked, col2im, mixed]
    };
    const { assert!(26 * 8 * 18 * 18 >= super::kernels::PARALLEL_MIN_ELEMENTS) };
    let before = pool::threads();
    let mut results = Vec::new();
    for threads in [1, 2] {
        runtime::set_threads(threads);
        results.push(build().map(|t| t.to_vec()));
    }
    runtime::set_threads(before);
    for (k, (one, two)) in results[0].iter().zip(&results[1]).enumerate() {
        assert!(one.iter().zip(two).all(|(x, y)| x.to_bits() == y.to_bits()), "result {k} differs on two threads");
    }
}

#[test]
fn vectorised_exp2_matches_f64_within_a_few_ulp_and_keeps_the_special_values() {
    use super::kernels::exp2;
    let mut worst = 0.0f64;
    let mut x = -149.0f32;
    while x < 128.0 {
        let want = (x as f64).exp2();
        let got = exp2(x) as f64;
        if want >= f32::MIN_POSITIVE as f64 {
            worst = worst.max((got - want).abs() / want);
        } else {
            // Subnormal results: within one subnormal step.
            assert!((got - want).abs() <= 1.5e-45, "exp2({x}) = {got}, expected {want}");
        }
        x += 0.0137;
    }
    assert!(worst < 6e-7, "largest relative error {worst}");
    assert_eq!(exp2(0.0), 1.0);
    assert_eq!(exp2(1.0), 2.0);
    assert_eq!(exp2(-1.0), 0.5);
    assert_eq!(exp2(10.0), 1024.0);
    assert_eq!(exp2(f32::INFINITY), f32::INFINITY);
    assert_eq!(exp2(128.0), f32::INFINITY);
    assert_eq!(exp2(1000.0), f32::INFINITY);
    assert_eq!(exp2(f32::NEG_INFINITY), 0.0);
    assert_eq!(exp2(-1000.0), 0.0);
    assert!(exp2(f32::NAN).is_nan());
}

#[test]
fn the_lstm_cells_exp2_sigmoid_and_tanh_match_f64_and_saturate() {
    use super::recurrence::{cell_exp2, sigmoid, tanh};
    // Both forms: FMAs (the vector paths) and multiply-adds (the baseline).
    fn check<const FMA: bool>() {
        let mut worst = 0.0f64;
        let mut t = -125.0f32;
        while t <= 126.0 {
            let want = (t as f64).exp2();
            worst = worst.max((cell_exp2::<FMA>(t) as f64 - want).abs() / want);
            t += 0.0137;
        }
        assert!(worst < 6e-7, "largest relative error {worst} (FMA {FMA})");
        // Held to [-125, 126]: normal floats, never 0 or infinity.
        assert_eq!(cell_exp2::<FMA>(-1000.0), (-125.0f32).exp2());
        assert_eq!(cell_exp2::<FMA>(f32::NEG_INFINITY), (-125.0f32).exp2());
        assert_eq!(cell_exp2::<FMA>(1000.0), 126.0f32.exp2());
        assert_eq!(cell_exp2::<FMA>(f32::INFINITY), 126.0f32.exp2());
        assert!(cell_exp2::<FMA>(f32::NAN).is_nan());
        let (mut worst_sigmoid, mut worst_tanh) = (0.0f64, 0.0f64);
        let mut x = -30.0f32;
        while x <= 30.0 {
            let xd = x as f64;
            worst_sigmoid = worst_sigmoid.max((sigmoid::<FMA>(x) as f64 - 1.0 / (1.0 + (-xd).exp())).abs());
            worst_tanh = worst_tanh.max((tanh::<FMA>(x) as f64 - xd.tanh()).abs());
            x += 0.0173;
        }
        assert!(worst_sigmoid < 2e-7 && worst_tanh < 4e-7, "sigmoid {worst_sigmoid}, tanh {worst_tanh} (FMA {FMA})");
        // Saturated, and NaN through.
        assert_eq!((sigmoid::<FMA>(200.0), tanh::<FMA>(200.0), tanh::<FMA>(-200.0)), (1.0, 1.0, -1.0));
        assert!(sigmoid::<FMA>(-200.0) < 1e-37 && sigmoid::<FMA>(-200.0) >= 0.0);
        assert!(sigmoid::<FMA>(f32::NAN).is_nan() && tanh::<FMA>(f32::NAN).is_nan());
    }
    check::<true>();
    check::<false>();
}

/// Runs `body` on a new thread whose products use `kernel` (`None`:
/// `matrixmultiply`); programs are compiled and cached per thread.
fn on_kernel(kernel: Option<SimdPath>, body: fn()) {
    std::thread::spawn(move || {
        super::packed::set_kernel_here(kernel);
        body()
    })
    .join()
    .unwrap_or_else(|_| panic!("the check failed on {kernel:?}"));
}

fn without_the_packed_kernel(body: fn()) {
    on_kernel(None, body)
}

/// Our product kernels this CPU can run, widest first; says so when there are none.
fn our_kernels_here() -> Vec<SimdPath> {
    let kernels: Vec<SimdPath> = [SimdPath::Avx512, SimdPath::Avx2].into_iter().filter(|&k| k <= simd::detected()).collect();
    if kernels.is_empty() {
        eprintln!("skipped: this CPU has neither AVX2 with FMA nor AVX-512, so every product runs on matrixmultiply");
    }
    kernels
}

/// Runs `body` once on each of our kernels this CPU has.
fn on_each_of_our_kernels(body: fn()) {
    for kernel in our_kernels_here() {
        on_kernel(Some(kernel), body);
    }
}

/// Whether the packed kernel runs here by default; says so when a test is skipped.
fn packed_kernel_here() -> bool {
    let on = super::packed::enabled();
    if !on {
        eprintln!("skipped: products run on matrixmultiply here (no AVX2/AVX-512, or NMA_SIMD/NMA_GEMM)");
    }
    on
}

#[test]
fn products_pass_the_same_checks_on_each_of_our_kernels() {
    on_each_of_our_kernels(|| {
        matmul_on_random_shapes_and_views();
        batched_broadcast_and_vector_matmuls();
        folded_batches_dots_and_batch_sums_match_the_reference();
        long_thin_products_split_along_k_agree_on_one_and_two_threads();
        sums_of_products_and_summed_batches_on_one_and_two_threads();
    });
}

#[test]
fn a_transposed_a_packed_into_tiles_gives_the_bits_of_one_read_in_place() {
    // A weight gradient's `gᵀ·x` reads A transposed; each K block of it is
    // packed into the kernel's tiles first (8 rows on AVX-512, 6 on AVX2).
    // The same FMAs in the same order: the same bits as read in place, and
    // the product. Sides off the tile heights, K over one block (256) and
    // shorter than 8, one panel and several, A's columns further apart than
    // its rows (a slice of a wider gradient), C overwritten and added onto.
    use super::packed::{product, set_a_packing_here, BSource, Finish, NR};
    on_each_of_our_kernels(|| {
        let mut rng = Rng::new(73);
        for (m, n, k) in [(64, 256, 1024), (13, 130, 300), (8, 128, 7), (37, 200, 257), (100, 97, 64), (5, 32, 9), (1, 40, 20)] {
            let a = random(&[(m + 5) * k], &mut rng).to_vec();
            let b = random(&[k, n], &mut rng).to_vec();
            for a_strides in [(1, m as isize), (1, m as isize + 5)] {
                for finish in [Finish::Overwrite, Finish::AddToC] {
                    let start: Vec<f32> = (0..m * n).map(|i| (i % 7) as f32 - 3.0).collect();
                    let run = |packs: bool| {
                        set_a_packing_here(Some(packs));
                        let mut c = start.clone();
                        let b = BSource::Strided { ptr: b.as_ptr(), strides: (n as isize, 1) };
                        // SAFETY: every element of A lies inside `a` for these strides, B and C are whole.
                        unsafe { product(m, n, k, a.as_ptr(), a_strides, b, c.as_mut_ptr(), n as isize, finish, 0..n.div_ceil(NR)) };
                        set_a_packing_here(None);
                        c
                    };
                    let (in_place, packed) = (run(false), run(true));
                    let case = format!("{m}×{n}×{k}, A strides {a_strides:?}, {finish:?}");
                    assert!(
                        in_place.iter().zip(&packed).all(|(x, y)| x.to_bits() == y.to_bits()),
                        "{case}: the product on A packed into tiles differs from the one on A in place"
                    );
                    for (at, &got) in packed.iter().enumerate() {
                        let (i, j) = (at / n, at % n);
                        let dot: f64 = (0..k).map(|p| a[(i as isize * a_strides.0 + p as isize * a_strides.1) as usize] as f64 * b[p * n + j] as f64).sum();
                        let want = dot + if finish == Finish::AddToC { start[at] as f64 } else { 0.0 };
                        assert!((got as f64 - want).abs() <= 1e-4 * (1.0 + want.abs()), "{case}: C[{i}, {j}] is {got}, not {want}");
                    }
                }
            }
        }
    });
}

#[test]
fn the_avx2_and_avx512_kernels_give_the_same_bits() {
    // Both sum each element's K products in order with one FMA each, so
    // a result does not depend on which CPU computed it (dot products
    // excepted: they add up lanes of different widths).
    if our_kernels_here().len() < 2 {
        eprintln!("skipped: this CPU has no AVX-512 to compare the AVX2 kernel with");
        return;
    }
    fn products() -> Vec<Vec<f32>> {
        let mut rng = Rng::new(67);
        let mut outs = Vec::new();
        for (m, n, k) in [(7, 45, 33), (32, 512, 128), (64, 128, 784), (5, 40, 600)] {
            let a = random(&[m, k], &mut rng);
            let b = random(&[k, n], &mut rng);
            let bt = random(&[n, k], &mut rng);
            outs.push(a.matmul(&b).to_vec());
            // A·Bᵀ with a side of 16 or less runs as dot products (above).
            if !super::packed::prefers_dots(m, n, (k as isize, 1), (1, k as isize)) {
                outs.push(a.matmul(&bt.t()).to_vec());
            }
        }
        assert_eq!(outs.len(), 6, "the cases no longer cover both layouts of B");
        // Attention's heads: B a 16-column slice of a wider row, read in
        // place (K ≤ 64) by both kernels; AVX-512's tile only half used.
        let (a, wide) = (random(&[32, 32], &mut rng), random(&[32, 48], &mut rng));
        outs.push(a.matmul(&wide.slice(1, 16, 32)).to_vec());
        outs
    }
    let run = |kernel| {
        std::thread::spawn(move || {
            super::packed::set_kernel_here(Some(kernel));
            products()
        })
        .join()
        .unwrap()
    };
    let (wide, narrow) = (run(SimdPath::Avx512), run(SimdPath::Avx2));
    for (i, (x, y)) in wide.iter().zip(&narrow).enumerate() {
        assert!(x.iter().zip(y).all(|(p, q)| p.to_bits() == q.to_bits()), "product {i}: the AVX2 kernel's product differs from the AVX-512 one's");
    }
}

#[test]
fn products_pass_the_same_checks_on_the_portable_kernel() {
    without_the_packed_kernel(|| {
        matmul_on_random_shapes_and_views();
        batched_broadcast_and_vector_matmuls();
        folded_batches_dots_and_batch_sums_match_the_reference();
        long_thin_products_split_along_k_agree_on_one_and_two_threads();
        sums_of_products_and_summed_batches_on_one_and_two_threads();
    });
}

/// A recurrent layer's `h·Wᵀ` at six steps, and one product reading `W` untransposed.
fn products_sharing_one_weight() -> Vec<Tensor> {
    let mut rng = Rng::new(43);
    let w = random(&[7, 5], &mut rng);
    let mut h = random(&[3, 5], &mut rng);
    let mut outs = Vec::new();
    for _ in 0..6 {
        let y = h.matmul(&w.t());
        outs.push(y.clone());
        h = y.slice(1, 0, 5).tanh();
    }
    outs.push(random(&[3, 7], &mut rng).matmul(&w));
    outs
}

/// The detailed kernel profile of checking `outs` against the reference.
fn kernels_checking(outs: &[Tensor]) -> Vec<(String, f64, u64)> {
    runtime::set_profiling(true);
    let refs: Vec<&Tensor> = outs.iter().collect();
    check(&refs, 1e-5);
    let kernels = runtime::take_kernel_profile(usize::MAX);
    runtime::set_profiling(false);
    kernels
}

/// Layers' `x·Wᵀ + b`: the bias row is added as the product stores C (one
/// kernel, described "+ bias"), on full and partial panels, with K in one
/// block and in several (the bias goes with the last only), batched inputs
/// folded into M; and a bias that is not one row per output row (broadcast
/// down columns) stays an addition of its own. (Products split between
/// threads are checked with a bias in `packed_product_matches_a_naive_product`.)
fn products_with_a_bias_row() {
    let mut rng = Rng::new(31);
    for (m, k, n) in [(5, 3, 16), (37, 20, 70), (8, 300, 48), (33, 40, 96)] {
        let x = random(&[m, k], &mut rng);
        let w = random(&[n, k], &mut rng);
        let b = random(&[n], &mut rng);
        let y = x.matmul(&w.t()).add(&b);
        let x3 = random(&[2, m, k], &mut rng);
        let y3 = x3.matmul(&w.t()).add(&b);
        let wide = random(&[m + 2], &mut rng).slice(0, 1, m + 1).unsqueeze(1);
        let down_columns = x.matmul(&w.t()).add(&wide);
        // ReLU as the product's epilogue, after the bias or alone; not where
        // the product is read elsewhere too.
        let (relu, relu_alone) = (x.matmul(&w.t()).add(&b).relu(), x.matmul(&w.t()).relu());
        let read_twice = x.matmul(&w.t());
        let relu_of_shared = read_twice.relu().add(&read_twice);
        // ReLU's gradient, (g·W) · (0 < relu), as the product's epilogue too.
        let (g, w2) = (random(&[m, 7], &mut rng), random(&[7, n], &mut rng));
        let masked = g.matmul(&w2).mul(&Tensor::constant(0.0).lt(&relu));
        runtime::set_profiling(true);
        check(&[&y, &y3, &down_columns, &relu, &relu_alone, &relu_of_shared, &masked], 1e-4);
        let kernels = runtime::take_kernel_profile(usize::MAX);
        runtime::set_profiling(false);
        let ending = |suffix: &str| kernels.iter().filter(|(what, _, _)| what.trim_end_matches(" (B packed)").ends_with(suffix)).count();
        assert_eq!(ending("+ bias"), 2, "{m}x{k}x{n}: {kernels:?}");
        assert_eq!((ending("+ bias + relu"), ending("] + relu") + ending(") + relu")), (1, 1), "{m}x{k}x{n}: {kernels:?}");
        assert_eq!(ending(") * (0 < y)"), 1, "{m}x{k}x{n}: {kernels:?}");
        // The bits of ReLU's two operators on the product with its bias.
        for (got, x) in relu.to_vec().iter().zip(y.to_vec()) {
            assert_eq!(got.to_bits(), (x * if 0.0 < x { 1.0 } else { 0.0 }).to_bits(), "{m}x{k}x{n}: ReLU of {x}");
        }
    }
}

#[test]
fn products_with_a_bias_row_on_each_kernel_and_on_matrixmultiply() {
    on_each_of_our_kernels(products_with_a_bias_row);
    without_the_packed_kernel(products_with_a_bias_row);
}

#[test]
fn products_sharing_a_weight_read_it_packed_once() {
    if !packed_kernel_here() {
        return;
    }
    let kernels = kernels_checking(&products_sharing_one_weight());
    let count = |pattern: &str| kernels.iter().filter(|(what, _, _)| what.contains(pattern)).count();
    assert_eq!(count("pack shared B k 5 n 7 strides (1, 5)"), 1, "{kernels:?}");
    assert_eq!(count("m 3 n 7 k 5 batch [] a (5, 1) b (7, 1) c (7, 1) (B packed)"), 6, "{kernels:?}");
    // The weight read once without the transpose is a B of its own, not packed ahead.
    assert_eq!(count("m 3 n 5 k 7 batch [] a (7, 1) b (5, 1) c (5, 1)"), 1, "{kernels:?}");
    assert_eq!(count("(B packed)"), 6, "{kernels:?}");
}

#[test]
fn without_the_packed_kernel_a_shared_transposed_weight_gets_one_row_major_copy() {
    without_the_packed_kernel(|| {
        let kernels = kernels_checking(&products_sharing_one_weight());
        let copies = kernels.iter().filter(|(what, _, _)| what.starts_with("copy out 35,")).count();
        let row_major = kernels.iter().filter(|(what, _, _)| what.contains("m 3 n 7 k 5") && what.contains("b (7, 1)")).count();
        assert_eq!(copies, 1, "{kernels:?}");
        assert_eq!(row_major, 6, "{kernels:?}");
        assert!(kernels.iter().all(|(what, _, _)| !what.contains("packed")), "{kernels:?}");
    });
}

#[test]
fn the_packed_kernel_matches_a_naive_product_for_every_layout_and_edge() {
    on_each_of_our_kernels(packed_product_matches_a_naive_product);
}

fn packed_product_matches_a_naive_product() {
    use super::packed::{pack, packed_len, product, BSource, Epilogue, Finish, NR};
    let mut rng = Rng::new(53);
    let mut values = |len: usize| -> Vec<f32> { (0..len).map(|_| rng.normal()).collect() };
    const GUARD: f32 = 7.0;
    for (m, n, k) in [(1, 1, 1), (3, 5, 7), (8, 32, 4), (9, 33, 37), (17, 70, 16), (7, 48, 20), (16, 64, 300), (5, 40, 600)] {
        for a_column_major in [false, true] {
            for b_layout in 0..3 {
                // Overwrite C, add onto it, or overwrite it after an epilogue:
                // a bias row added, ReLU, or both; ReLU's gradient mask, with a bias or not.
                for finish in 0..7 {
                    for prepacked in [false, true] {
                        let av = values(m * k);
                        let bias = values(n);
                        let with_bias = bias.as_ptr();
                        // The mask's y, laid out as C (its origin is set per run, below).
                        let y = values(m * (n + 3));
                        let masked = (y.as_ptr(), std::ptr::null());
                        let none = Epilogue::NONE;
                        let finish = match finish {
                            0 => Finish::Overwrite,
                            1 => Finish::AddToC,
                            2 => Finish::Epilogue(Epilogue { bias: with_bias, ..none }),
                            3 => Finish::Epilogue(Epilogue { relu: true, ..none }),
                            4 => Finish::Epilogue(Epilogue { bias: with_bias, relu: true, ..none }),
                            5 => Finish::Epilogue(Epilogue { mask: masked, ..none }),
                            _ => Finish::Epilogue(Epilogue { bias: with_bias, mask: masked, ..none }),
                        };
                        let a_strides = if a_column_major { (1, m as isize) } else { (k as isize, 1) };
                        // Row-major, column-major, or every other element of a wider buffer from offset 3.
                        let (b_offset, b_strides, b_len) = match b_layout {
                            0 => (0, (n as isize, 1), k * n),
                            1 => (0, (1, k as isize), k * n),
                            _ => (3, (2 * n as isize + 1, 2), 3 + k * (2 * n + 1)),
                        };
                        let bv = values(b_len);
                        let at = |i: usize, p: usize| av[(i as isize * a_strides.0 + p as isize * a_strides.1) as usize] as f64;
                        let bt = |p: usize, j: usize| bv[(b_offset + p as isize * b_strides.0 + j as isize * b_strides.1) as usize] as f64;
                        // C's rows are 3 longer than N: the kernel must not touch the gap.
                        let c_row = n + 3;
                        let start = values(m * c_row);
                        let panels = n.div_ceil(NR);
                        let mut packed = vec![f32::NAN; packed_len(k, n)];
                        pack(&bv, b_offset, b_strides, k, n, &mut packed);
                        let source = if prepacked {
                            BSource::Packed(packed.as_ptr())
                        } else {
                            BSource::Strided { ptr: bv[b_offset as usize..].as_ptr(), strides: b_strides }
                        };
                        let run = |finish: Finish, first: std::ops::Range<usize>, second: std::ops::Range<usize>| {
                            let mut c = start.clone();
                            for j in 0..m {
                                c[j * c_row + n..(j + 1) * c_row].fill(GUARD);
                            }
                            let finish = match finish {
                                Finish::Epilogue(e) if !e.mask.0.is_null() => Finish::Epilogue(Epilogue { mask: (e.mask.0, c.as_ptr()), ..e }),
                                other => other,
                            };
                            for range in [first, second] {
                                // SAFETY: the buffers above have exactly the sizes the arguments describe.
                                unsafe {
                                    product(m, n, k, av.as_ptr(), a_strides, source, c.as_mut_ptr(), c_row as isize, finish, range.clone())
                                };
                            }
                            c
                        };
                        let whole = run(finish, 0..panels, panels..panels);
                        // ReLU gives the bits of `x · (0 < x)`, and the mask those of
                        // `x · (0 < y)`, on the product without them.
                        let without_them = match finish {
                            Finish::Epilogue(e) if e.relu || !e.mask.0.is_null() => {
                                Some(run(Finish::Epilogue(Epilogue { bias: e.bias, ..none }), 0..panels, panels..panels))
                            }
                            _ => None,
                        };
                        let case = format!("m {m} n {n} k {k}, A column-major {a_column_major}, B layout {b_layout}, {finish:?}, prepacked {prepacked}");
                        for i in 0..m {
                            for j in 0..c_row {
                                let got = whole[i * c_row + j];
                                if j >= n {
                                    assert_eq!(got, GUARD, "{case}: wrote outside C at ({i}, {j})");
                                    continue;
                                }
                                let sum: f64 = (0..k).map(|p| at(i, p) * bt(p, j)).sum();
                                let added = match finish {
                                    Finish::AddToC => start[i * c_row + j] as f64,
                                    Finish::Epilogue(e) if !e.bias.is_null() => bias[j] as f64,
                                    _ => 0.0,
                                };
                                let mut want = sum + added;
                                if let (Some(x), Finish::Epilogue(e)) = (&without_them, finish) {
                                    let x = x[i * c_row + j];
                                    let by = if e.relu { x } else { y[i * c_row + j] };
                                    let expected = x * if 0.0 < by { 1.0 } else { 0.0 };
                                    assert_eq!(got.to_bits(), expected.to_bits(), "{case}: {x} times (0 < {by}) at ({i}, {j})");
                                    want *= if 0.0 < by { 1.0 } else { 0.0 };
                                }
                                assert!(
                                    (got as f64 - want).abs() <= 1e-5 * want.abs().max(1.0) * (k as f64).sqrt(),
                                    "{case}: C[{i}, {j}] = {got}, expected {want}"
                                );
                            }
                        }
                        // Panels computed in two calls (as two threads do) give the same bits.
                        let halves = run(finish, 0..panels / 2, panels / 2..panels);
                        assert!(whole.iter().zip(&halves).all(|(x, y)| x.to_bits() == y.to_bits()), "{case}: split differs");
                    }
                }
            }
        }
    }
}

#[test]
fn the_dot_product_kernel_matches_a_naive_product_for_every_edge() {
    on_each_of_our_kernels(dot_products_match_a_naive_product);
}

fn dot_products_match_a_naive_product() {
    use super::packed::Dots;
    let mut rng = Rng::new(61);
    for (m, n, k) in [(1, 1, 1), (3, 2, 15), (4, 4, 16), (5, 7, 17), (9, 6, 40), (2, 9, 33)] {
        for c_column_major in [false, true] {
            for accumulate in [false, true] {
                // A's rows and B's columns 3 longer than K: the tail must not read the gap.
                let (a_row, b_col) = (k + 3, k + 3);
                let av: Vec<f32> = (0..m * a_row).map(|_| rng.normal()).collect();
                let bv: Vec<f32> = (0..n * b_col).map(|_| rng.normal()).collect();
                let c_strides = if c_column_major { (1, m as isize) } else { (n as isize, 1) };
                let start: Vec<f32> = (0..m * n).map(|_| rng.normal()).collect();
                let mut c = start.clone();
                // SAFETY: the buffers have exactly the sizes the arguments describe.
                unsafe {
                    let (a, b) = (av.as_ptr(), bv.as_ptr());
                    let (a_row, b_col) = (a_row as isize, b_col as isize);
                    Dots { m, n, k, a, a_row, b, b_col, c: c.as_mut_ptr(), c_strides, accumulate }.run()
                };
                for i in 0..m {
                    for j in 0..n {
                        let at = (i as isize * c_strides.0 + j as isize * c_strides.1) as usize;
                        let sum: f64 = (0..k).map(|p| av[i * a_row + p] as f64 * bv[j * b_col + p] as f64).sum();
                        let want = sum + if accumulate { start[at] as f64 } else { 0.0 };
                        assert!(
                            (c[at] as f64 - want).abs() <= 1e-5 * want.abs().max(1.0),
                            "m {m} n {n} k {k}, C column-major {c_column_major}, accumulate {accumulate}: C[{i}, {j}] = {}, expected {want}",
                            c[at]
                        );
                    }
                }
            }
        }
    }
}

#[test]
#[should_panic(expected = "B reaches outside its buffer")]
fn packing_a_b_that_reaches_outside_its_buffer_is_refused() {
    let src = vec![1.0f32; 20];
    let mut out = vec![0.0; super::packed::packed_len(5, 5)];
    super::packed::pack(&src, 0, (5, 1), 5, 5, &mut out);
}

#[test]
fn packed_products_give_the_same_bits_on_one_and_two_threads() {
    // Split by panels of B (or by rows when B is one panel, or a few odd
    // ones: 3 and 5 here), never along K. (`matrixmultiply` may split along
    // K, so only the packed kernel promises this.)
    if !packed_kernel_here() {
        return;
    }
    let rng = Rng::new(59);
    let shapes = [(32, 512, 128), (32, 20, 2048), (64, 128, 784), (128, 160, 300), (100, 96, 64)];
    let before = pool::threads();
    let mut results: Vec<Vec<Vec<f32>>> = Vec::new();
    for threads in [1, 2] {
        runtime::set_threads(threads);
        let mut rng = rng.clone();
        let mut outs = Vec::new();
        for (m, n, k) in shapes {
            let a = random(&[m, k], &mut rng);
            let b = random(&[n, k], &mut rng);
            outs.push(a.matmul(&b.t()).to_vec());
            outs.push(a.matmul(&b.t().contiguous()).to_vec());
        }
        results.push(outs);
    }
    runtime::set_threads(before);
    for (one, two) in results[0].iter().zip(&results[1]) {
        assert!(one.iter().zip(two).all(|(x, y)| x.to_bits() == y.to_bits()), "two threads changed the product");
    }
}

#[test]
fn wide_vector_loops_give_the_same_bits_as_the_baseline() {
    // The elementwise loops compiled for AVX2/AVX-512 (used where the CPU
    // has them) against the same loops for baseline x86-64.
    use super::kernels::{binary_baseline, unary_baseline, unary_dispatched, binary_dispatched};
    let mut rng = Rng::new(47);
    let mut x: Vec<f32> = (0..1000).map(|_| rng.normal() * 30.0).collect();
    x.extend([0.0, -0.0, f32::INFINITY, f32::NEG_INFINITY, f32::NAN, 1e-40, -1e-40, 88.7, -150.5, 200.0]);
    let y: Vec<f32> = x.iter().rev().map(|v| v * 0.5 + 1.0).collect();
    let same = |a: &[f32], b: &[f32]| a.iter().zip(b).all(|(p, q)| p.to_bits() == q.to_bits() || (p.is_nan() && q.is_nan()));
    for op in [Op::Exp2, Op::Log2, Op::Sin, Op::Sqrt, Op::Recip] {
        let (mut base, mut wide) = (vec![0.0; x.len()], vec![0.0; x.len()]);
        unary_baseline(op, &x, &mut base);
        unary_dispatched(op, &x, &mut wide);
        assert!(same(&base, &wide), "{op:?} differs between vector widths");
    }
    for op in [Op::Add, Op::Mul, Op::Mod, Op::LessThan] {
        let (mut base, mut wide) = (vec![0.0; x.len()], vec![0.0; x.len()]);
        binary_baseline(op, &x, &y, &mut base);
        binary_dispatched(op, &x, &y, &mut wide);
        assert!(same(&base, &wide), "{op:?} differs between vector widths");
    }
}
