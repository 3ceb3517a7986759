//! Realization: turning lazy nodes into numbers.
//!
//! The unrealized part of the graph below the targets is collected in
//! dependency order and handed to a backend: the engine's own CPU compiler
//! (`cpu::execute`, compiled once per graph shape and cached), the CUDA
//! backend when that device is selected, or — with `NMA_ENGINE_BACKEND=luminal`
//! — luminal's plain operators, the slow reference the CPU compiler is tested
//! against. Each target's output buffer is then cached in its node, so later
//! realizations treat it as a leaf.
//!
//! For the luminal reference the graph is lowered into a fresh luminal `Graph`
//! ([`lower`]) straight from operator nodes and edges (`Dependency::Data`
//! carrying our views), so no `GraphTensor` (which holds a raw pointer to its
//! graph) is ever created. The graph is boxed because `Constant` keeps a raw
//! pointer to the graph's dynamic-dimension map, and fresh per realization,
//! which also sidesteps luminal's "an output that is not dropped after reading
//! is never recomputed" behaviour. No luminal compilers run there
//! (`GenericCompiler` folds `exp2(log2(x))` to `x`, losing NaNs, and its
//! matmul passes have bugs), and never `execute_debug` (it panics without a
//! terminal).

use std::cell::Cell;
use std::collections::HashMap;
use std::rc::Rc;

use luminal::graph::{Dependency, Graph, NodeIndex};
use luminal::op::{self as lop, ConstantValue, Operator};

use crate::ir::{Node, NodeSet, Op, Walk};
use crate::tensor::Tensor;

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
        _ if crate::device::current() == crate::device::Device::Cuda => crate::cuda::execute(&order, &targets),
        _ if use_luminal_backend() => luminal_execute(&order, &targets),
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

/// Whether realizations on this thread run on the engine's CPU compiler (the
/// only backend with fused operators such as [`Op::LstmLoop`]).
pub(crate) fn runs_on_cpu_compiler() -> bool {
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

/// A fresh luminal graph holding the unrealized graph `order`: realized nodes
/// become input nodes (listed in `inputs`, in `order`'s order, with their data),
/// the others luminal's primitive operators, with our views on the edges.
/// Boxed, because luminal's `Constant` keeps a pointer into the graph.
pub(crate) struct Lowering {
    pub graph: Box<Graph>,
    pub ids: HashMap<*const Node, NodeIndex>,
    pub inputs: Vec<(NodeIndex, Rc<Vec<f32>>)>,
}

pub(crate) fn lower(order: &[Rc<Node>]) -> Lowering {
    let mut graph = Box::new(Graph::new());
    let mut ids: HashMap<*const Node, NodeIndex> = HashMap::with_capacity(order.len());
    let mut inputs = Vec::new();
    for node in order {
        let id = match node.realized_data() {
            Some(data) => {
                let id = graph.graph.add_node(Box::new(lop::Function(
                    "engine input".to_string(),
                    Box::new(|_| unreachable!("inputs are preset before execution")),
                )));
                inputs.push((id, data));
                id
            }
            None => {
                let operator = luminal_operator(node.op, &graph);
                let id = graph.graph.add_node(operator);
                for (input_order, input) in node.inputs.iter().enumerate() {
                    let source = ids[&Rc::as_ptr(&input.node)];
                    graph.graph.add_edge(
                        source,
                        id,
                        Dependency::Data {
                            input_order: input_order as u8,
                            output_order: 0,
                            shape: input.view.to_tracker(),
                        },
                    );
                }
                LOWERED_OPS.with(|c| c.set(c.get() + 1));
                id
            }
        };
        ids.insert(Rc::as_ptr(node), id);
    }
    Lowering { graph, ids, inputs }
}

/// Takes the host buffer luminal left for node `id` (a `Vec<f32>`).
pub(crate) fn take_output(graph: &mut Graph, id: NodeIndex) -> Vec<f32> {
    let mut output = graph
        .get_tensor(id, 0)
        .expect("luminal produced no output for a realized node");
    let buffer = output
        .data
        .as_any_mut()
        .downcast_mut::<Vec<f32>>()
        .expect("luminal's outputs on the host are Vec<f32> buffers");
    std::mem::take(buffer)
}

/// The reference path: lower `order` (see [`unrealized_in_dependency_order`])
/// into a fresh luminal graph, run luminal's own CPU operators, and return the
/// output buffers of `targets` (in that order).
pub(crate) fn luminal_execute(order: &[Rc<Node>], targets: &[Rc<Node>]) -> Vec<Vec<f32>> {
    let Lowering { mut graph, ids, inputs } = lower(order);
    for (id, data) in inputs {
        graph.set_tensor(id, 0, luminal::tensor::Tensor::new(data.as_ref().clone()));
    }
    let target_ids: Vec<NodeIndex> = targets.iter().map(|t| ids[&Rc::as_ptr(t)]).collect();
    // `execute` frees intermediates as soon as their consumers ran; the targets
    // must survive until we have read them.
    for &id in &target_ids {
        graph.no_delete.insert(id);
    }
    graph.execute();
    target_ids.iter().map(|&id| take_output(&mut graph, id)).collect()
}

/// `graph` must be boxed and stay put: `Constant` keeps a pointer into it.
fn luminal_operator(op: Op, graph: &Graph) -> Box<dyn Operator> {
    match op {
        Op::Leaf => unreachable!("leaves always hold data"),
        Op::Constant(value) => Box::new(lop::Constant(
            ConstantValue::Float(value),
            &graph.dyn_map as *const _,
        )),
        Op::Log2 => Box::new(lop::Log2),
        Op::Exp2 => Box::new(lop::Exp2),
        Op::Sin => Box::new(lop::Sin),
        Op::Sqrt => Box::new(lop::Sqrt),
        Op::Recip => Box::new(lop::Recip),
        Op::Add => Box::new(lop::Add),
        Op::Mul => Box::new(lop::Mul),
        Op::Mod => Box::new(lop::Mod),
        Op::LessThan => Box::new(lop::LessThan),
        Op::SumReduce(axis) => Box::new(lop::SumReduce(axis)),
        Op::MaxReduce(axis) => Box::new(lop::MaxReduce(axis)),
        Op::Contiguous => Box::new(lop::Contiguous),
        Op::LstmLoop { .. } | Op::LstmLoopBackward { .. } => {
            unreachable!("fused loops are built only where the engine's CPU compiler runs them")
        }
    }
}

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
