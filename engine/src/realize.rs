//! Realization: turning lazy nodes into numbers.
//!
//! The unrealized part of the graph below the targets is collected in
//! dependency order and handed to a backend: the engine's own CPU compiler
//! (`cpu::execute`, compiled once per graph shape and cached), the CUDA
//! backend when that device is selected, or — with `NMA_ENGINE_BACKEND=luminal`
//! — luminal's plain operators, the slow reference the CPU compiler is tested
//! against. Each target's output buffer is then cached in its node, so later
//! realizations treat it as a leaf.

use std::cell::Cell;
use std::rc::Rc;

use crate::ir::{Node, NodeSet};
use crate::ir::Tensor;
use crate::view::View;

thread_local! {
    /// Number of operator nodes lowered into luminal on this thread; tests use
    /// it to prove cached results are reused instead of recomputed.
    static LOWERED_OPS: Cell<usize> = const { Cell::new(0) };
}

#[cfg(test)]
pub(crate) fn lowered_op_count() -> usize {
    LOWERED_OPS.with(|c| c.get())
}

/// The node's contiguous output buffer, computing it (and caching it) if needed.
pub(crate) fn realize(target: &Rc<Node>) -> Rc<Vec<f32>> {
    if let Some(data) = target.realized_data() {
        return data;
    }
    realize_nodes(std::slice::from_ref(target));
    target
        .realized_data()
        .expect("internal error: realization left the target without data")
}

impl Tensor {
    /// Computes several tensors in one pass, e.g. a loss and every gradient of
    /// a training step: work they share is done once, and each result is
    /// cached in its tensor (so `to_vec()`/`item()` afterwards are free).
    /// Tensors that are already computed are skipped.
    pub fn realize_all(targets: &[&Tensor]) {
        let nodes: Vec<Rc<Node>> = targets.iter().map(|t| t.node.clone()).collect();
        realize_nodes(&nodes);
    }
}

/// Read `data` (a node's contiguous buffer) through `view` into a fresh
/// row-major vector, the same way luminal's operators read their inputs.
pub(crate) fn read_through(data: &[f32], view: &View) -> Vec<f32> {
    if crate::view::is_plain(view) {
        return data.to_vec();
    }
    // Integer strides computed once (see cpu/strided.rs), not luminal's
    // index expressions interpreted per element.
    crate::cpu::read_view(data, view)
}

/// Computes every unrealized node in `targets` in one lowering and stores each
/// result in its node.
pub(crate) fn realize_nodes(targets: &[Rc<Node>]) {
    crate::cpu::alloc::tune();
    let mut seen = NodeSet::default();
    let targets: Vec<Rc<Node>> = targets
        .iter()
        .filter(|t| t.realized_data().is_none() && seen.insert(Rc::as_ptr(t)))
        .cloned()
        .collect();
    if targets.is_empty() {
        return;
    }
    let started = std::time::Instant::now();
    let order = unrealized_in_dependency_order(&targets);
    crate::cpu::record("collect unrealized graph", started);
    let results = match () {
        #[cfg(feature = "cuda")]
        _ if crate::device::current() == crate::device::Device::Cuda => {
            count_lowered(&order);
            crate::cuda::execute(&order, &targets)
        }
        _ if use_luminal_backend() => {
            count_lowered(&order);
            crate::luminal_backend::execute(&order, &targets)
        }
        _ => {
            let (results, op_count) = crate::cpu::execute(&order, &targets);
            LOWERED_OPS.with(|c| c.set(c.get() + op_count));
            results
        }
    };
    for (target, data) in targets.iter().zip(results) {
        assert_eq!(
            data.len(),
            target.shape.iter().product::<usize>(),
            "internal error: realized buffer has the wrong length for shape {:?}",
            target.shape
        );
        *target.data.borrow_mut() = Some(Rc::new(data));
    }
}

/// Counts the operators of `order` handed to a backend that lowers them all.
fn count_lowered(order: &[Rc<Node>]) {
    let ops = order.iter().filter(|n| n.realized_data().is_none()).count();
    LOWERED_OPS.with(|c| c.set(c.get() + ops));
}

/// Whether layers built on this thread may use fused operators such as
/// [`Op::LstmLoop`]: realizations run on the engine's CPU compiler (the only
/// backend that has them; not luminal's interpreter, not CUDA), and
/// `runtime::set_fused_operators` has not turned them off.
pub(crate) fn fused_operators_here() -> bool {
    crate::cpu::fused_operators_on() && runs_on_cpu_compiler()
}

/// Whether realizations on this thread run on the engine's CPU compiler.
fn runs_on_cpu_compiler() -> bool {
    #[cfg(feature = "cuda")]
    if crate::device::current() == crate::device::Device::Cuda {
        return false;
    }
    !use_luminal_backend()
}

/// `NMA_ENGINE_BACKEND=luminal` runs every realization on luminal's own
/// operators (slow; the reference the fast path is tested against).
fn use_luminal_backend() -> bool {
    thread_local! {
        static LUMINAL: bool = std::env::var("NMA_ENGINE_BACKEND").is_ok_and(|v| v == "luminal");
    }
    LUMINAL.with(|l| *l)
}

pub(crate) use crate::ir::unrealized_in_dependency_order;
