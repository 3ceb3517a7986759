//! Pass 2: fusion. Which elementwise nodes are inlined into their one
//! consumer, decided in dependency order so each fused tree's size is known.
//! A tiny value of one buffer read by several elementwise kernels (ReLU's
//! mask `0 < x`, read by the forward product and by its gradient) is
//! inlined into each of them: recomputing it costs an instruction per
//! element, materializing it a write of a whole buffer and a read per reader.
//! Sums turned into products (pass 1b) are not elementwise any more.

#![allow(clippy::needless_range_loop)]

use super::products::Products;
use super::*;

/// `inlined[i]`: node `i` is computed inside its consumer's kernel;
/// `constant_needs_buffer[i]`: constant `i` is read somewhere an immediate cannot serve.
pub(super) struct Fusion {
    pub inlined: Vec<bool>,
    pub constant_needs_buffer: Vec<bool>,
}

pub(super) fn fuse(g: &Lowered, uses: &Uses, p: &Products) -> Fusion {
    let n = g.order.len();
    let elementwise = |i: usize| is_elementwise(g.order[i].op) && p.gemms[i].is_none();
    let fusable_consumer = |i: usize| !g.is_input(i) && elementwise(i) && !p.absorbed[i];
    let mut inlined = vec![false; n];
    let mut tree_size = vec![1usize; n];
    // Whether a node is an Add whose inlined inputs are all such Adds.
    let mut pure_sum = vec![false; n];
    // Padded reads in a node's fused tree.
    let mut padded_reads = vec![0usize; n];
    // Reads of materialized (non-constant) values in a node's fused tree.
    let mut loads = vec![0usize; n];
    let mut constant_needs_buffer = vec![false; n];
    for i in 0..n {
        if g.is_input(i) || p.absorbed[i] {
            continue;
        }
        if let Op::Constant(_) = g.order[i].op {
            // Immediates wherever an elementwise kernel reads them unpadded.
            constant_needs_buffer[i] = uses.is_target[i]
                || uses.consumers[i].iter().any(|&(c, e)| {
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
        pure_sum[i] = g.order[i].op == Op::Add
            && g.edges[i].iter().all(|&s| !inlined[s] || pure_sum[s])
            && g.edges[i].iter().all(|&s| !matches!(g.order[s].op, Op::Constant(_)));
        padded_reads[i] = g.edges[i]
            .iter()
            .enumerate()
            .map(|(e, &s)| if inlined[s] { padded_reads[s] } else { edge_view(g, i, e).valid.is_some() as usize })
            .sum();
        loads[i] = g.edges[i]
            .iter()
            .map(|&s| match g.order[s].op {
                _ if inlined[s] => loads[s],
                Op::Constant(_) => 0,
                _ => 1,
            })
            .sum();
        let consumers = &uses.consumers[i];
        let into_sum = !consumers.is_empty() && g.order[consumers[0].0].op == Op::Add;
        let limit = if pure_sum[i] && into_sum { MAX_SUM_TERMS } else { MAX_FUSED };
        // A sum of padded views (a concatenation) read by anything but
        // another sum stays its own kernel: fused, every element would read
        // every term, mostly padding.
        let concatenation = pure_sum[i] && padded_reads[i] >= 2 && !into_sum;
        let recomputed = tree_size[i] <= MAX_RECOMPUTED && loads[i] <= 1 && padded_reads[i] == 0;
        inlined[i] = !uses.is_target[i]
            && (consumers.len() == 1 || (consumers.len() > 1 && recomputed))
            && consumers.iter().all(|&(c, e)| fusable_consumer(c) && reads_plainly(g, c, e))
            && tree_size[i] <= limit
            && !concatenation;
    }
    Fusion { inlined, constant_needs_buffer }
}
