//! Each pass on a small graph, looked at alone (the whole compiler is
//! checked against luminal's operators in `cpu/tests.rs`).

use std::rc::Rc;

use super::fusion::fuse;
use super::products::{add_onto_sums, find, share_weights};
use super::schedule::schedule;
use super::*;
use crate::ir::Node;
use crate::realize::unrealized_in_dependency_order;
use crate::tensor::Tensor;

/// Runs `check` on the lowered graph computing `outs` (nothing is realized).
fn on_graph<R>(outs: &[&Tensor], check: impl FnOnce(&Lowered) -> R) -> R {
    let targets: Vec<Rc<Node>> = outs.iter().map(|t| t.node.clone()).collect();
    let order = unrealized_in_dependency_order(&targets);
    let (_, lowered) = crate::cpu::structure(&order, &targets);
    check(&lowered)
}

fn position_of(g: &Lowered, t: &Tensor) -> usize {
    g.order.iter().position(|n| Rc::ptr_eq(n, &t.node)).expect("the tensor is in the graph")
}

#[test]
fn products_turn_a_sum_of_a_product_into_one_gemm_and_absorb_the_multiply() {
    let (x, w) = (Tensor::rand(&[5, 3], 1), Tensor::rand(&[4, 3], 2));
    let y = x.matmul(&w.t());
    on_graph(&[&y], |g| {
        let found = find(g, &Uses::of(g));
        let gemms: Vec<(usize, &Gemm)> = found.gemms.iter().enumerate().filter_map(|(i, p)| Some((i, p.as_ref()?))).collect();
        assert_eq!(gemms.len(), 1, "one product");
        let (at, gemm) = gemms[0];
        assert_eq!(at, position_of(g, &y), "the product is computed by the reduction node");
        assert_eq!((gemm.m, gemm.n, gemm.k), (5, 4, 3));
        assert_eq!(found.absorbed.iter().filter(|&&a| a).count(), 1, "the multiply is absorbed into the product");
    });
}

#[test]
fn a_product_used_only_by_a_sum_is_added_onto_the_other_term() {
    let (a, b, c) = (Tensor::rand(&[3, 2], 1), Tensor::rand(&[2, 4], 2), Tensor::rand(&[3, 4], 3));
    let y = &c * 2.0 + a.matmul(&b);
    on_graph(&[&y], |g| {
        let uses = Uses::of(g);
        let mut found = find(g, &uses);
        add_onto_sums(g, &uses, &mut found);
        let sum = position_of(g, &y);
        let gemm = found.gemms[sum].as_ref().expect("the sum node runs the product");
        assert!(gemm.onto.is_some(), "the product is added onto the other term in place");
        assert_eq!(found.gemms.iter().flatten().count(), 1, "the product node itself computes nothing any more");
    });
}

#[test]
fn fusion_inlines_a_chain_used_once_but_not_a_value_read_twice() {
    let x = Tensor::rand(&[8], 1);
    let chain = ((&x * 2.0) + 1.0).exp();
    let twice = &chain * &chain;
    on_graph(&[&twice], |g| {
        let uses = Uses::of(g);
        let found = find(g, &uses);
        let fused = fuse(g, &uses, &found);
        assert!(!fused.inlined[position_of(g, &chain)], "a value read twice is computed once, into a buffer");
        assert!(!fused.inlined[position_of(g, &twice)], "a target is never inlined");
        let chain_inputs = &g.edges[position_of(g, &chain)];
        assert!(chain_inputs.iter().all(|&s| fused.inlined[s] || g.is_input(s)), "the chain below it is fused into one kernel");
    });
}

#[test]
fn fusion_recomputes_a_tiny_value_of_one_buffer_in_each_reader_but_materializes_a_value_of_two() {
    let (x, g) = (Tensor::rand(&[8], 1), Tensor::rand(&[8], 2));
    // One instruction on one buffer (like ReLU's mask): cheaper to recompute than to store.
    let scaled = &x * 2.0;
    let (a, b) = (&scaled + &g, &scaled * &g);
    // One instruction on two buffers: recomputing it would add a read to each reader.
    let sum = &x + &g;
    let (c, d) = (&sum * 2.0, &sum + 1.0);
    on_graph(&[&a, &b, &c, &d], |g| {
        let uses = Uses::of(g);
        let mut found = find(g, &uses);
        let fused = fuse(g, &uses, &found);
        assert_eq!(uses.consumers[position_of(g, &scaled)].len(), 2);
        assert!(fused.inlined[position_of(g, &scaled)], "recomputed inside both readers");
        assert!(!fused.inlined[position_of(g, &sum)], "a value of two buffers read twice is computed once");
        let shared = share_weights(&mut found);
        let program = schedule(g, &uses, found, &fused, shared);
        assert_eq!(program.steps.len(), 5, "a, b, c, d and sum; no step for the scaled value");
    });
}

#[test]
fn products_reading_one_weight_share_one_packed_or_copied_b() {
    let w = Tensor::rand(&[6, 5], 1);
    let outs: Vec<Tensor> = (0..4).map(|s| Tensor::rand(&[3, 5], 10 + s).matmul(&w.t())).collect();
    let refs: Vec<&Tensor> = outs.iter().collect();
    on_graph(&refs, |g| {
        let uses = Uses::of(g);
        let mut found = find(g, &uses);
        let shared = share_weights(&mut found);
        assert_eq!(shared.copies.len(), 1, "one shared weight: {:?}", shared.copies);
        assert_eq!(shared.copies.values().next().unwrap().0, 4, "read by all four products");
    });
}

#[test]
fn scheduling_gives_each_input_a_slot_and_each_kernel_one_step_in_order() {
    let (x, w) = (Tensor::rand(&[4, 3], 1), Tensor::rand(&[2, 3], 2));
    let y = (x.matmul(&w.t()) + 1.0).exp() * 3.0;
    on_graph(&[&y], |g| {
        let uses = Uses::of(g);
        let mut found = find(g, &uses);
        add_onto_sums(g, &uses, &mut found);
        let fused = fuse(g, &uses, &found);
        let shared = share_weights(&mut found);
        let program = schedule(g, &uses, found, &fused, shared);
        assert_eq!(program.input_slots.len(), 2, "x and w");
        let kinds: Vec<&str> = program
            .steps
            .iter()
            .map(|s| match s.kernel {
                Kernel::Gemm(_) => "gemm",
                Kernel::Fused(_) => "fused",
                _ => "other",
            })
            .collect();
        assert_eq!(kinds, ["gemm", "fused"], "the product, then the bias, exp and scaling fused into one loop");
        assert_eq!(program.target_slots, [program.steps[1].out]);
        assert!(program.readers[program.steps[0].out] >= 1, "the product's buffer is read by the fused step");
    });
}
