//! Realization: turning a lazy node into numbers.
//!
//! The unrealized part of the graph below the target is lowered into a fresh
//! luminal `Graph`, executed with luminal's plain (uncompiled) CPU operators,
//! and the target's output buffer is cached in its node so later realizations
//! treat it as a leaf.
//!
//! We build the luminal graph directly from operator nodes and edges
//! (`Dependency::Data` carrying our views), so no `GraphTensor` (which holds a
//! raw pointer to its graph) is ever created. The graph is still boxed because
//! `Constant` keeps a raw pointer to the graph's dynamic-dimension map.
//! A fresh graph per realization also sidesteps luminal's "an output that is
//! not dropped after reading is never recomputed" behaviour.
//!
//! We deliberately run no luminal compilers (`GenericCompiler` folds
//! `exp2(log2(x))` to `x`, losing NaNs, and its matmul passes have bugs), and
//! never `execute_debug` (it panics without a terminal).

use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use luminal::graph::{Dependency, Graph, NodeIndex};
use luminal::op::{self as lop, ConstantValue, Operator};

use crate::ir::{Node, Op};

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
    let order = unrealized_in_dependency_order(target);

    let mut graph = Box::new(Graph::new());
    let mut ids: HashMap<*const Node, NodeIndex> = HashMap::with_capacity(order.len());
    for node in &order {
        let id = match node.realized_data() {
            Some(data) => {
                let id = graph.graph.add_node(Box::new(lop::Function(
                    "engine input".to_string(),
                    Box::new(|_| unreachable!("inputs are preset before execution")),
                )));
                graph.set_tensor(id, 0, luminal::tensor::Tensor::new(data.as_ref().clone()));
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
                            shape: input.view,
                        },
                    );
                }
                LOWERED_OPS.with(|c| c.set(c.get() + 1));
                id
            }
        };
        ids.insert(Rc::as_ptr(node), id);
    }

    let target_id = ids[&Rc::as_ptr(target)];
    // `execute` frees intermediates as soon as their consumers ran; the target
    // must survive until we have read it.
    graph.no_delete.insert(target_id);
    graph.execute();
    let mut output = graph
        .get_tensor(target_id, 0)
        .expect("luminal produced no output for the realized node");
    let buffer = output
        .data
        .as_any_mut()
        .downcast_mut::<Vec<f32>>()
        .expect("luminal's CPU operators produce Vec<f32> buffers");
    let data = Rc::new(std::mem::take(buffer));
    assert_eq!(
        data.len(),
        target.shape.iter().product::<usize>(),
        "internal error: realized buffer has the wrong length for shape {:?}",
        target.shape
    );
    *target.data.borrow_mut() = Some(data.clone());
    data
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
    }
}

/// The target plus every node it depends on that still has to be computed,
/// and the already-realized nodes on the boundary (they become inputs),
/// ordered so that every node comes after its inputs. Iterative, because
/// graphs built in loops can be deeper than the stack.
fn unrealized_in_dependency_order(target: &Rc<Node>) -> Vec<Rc<Node>> {
    let mut order = Vec::new();
    let mut visited: HashSet<*const Node> = HashSet::new();
    // (node, inputs already scheduled)
    let mut stack: Vec<(Rc<Node>, bool)> = vec![(target.clone(), false)];
    while let Some((node, inputs_done)) = stack.pop() {
        if inputs_done {
            order.push(node);
            continue;
        }
        if !visited.insert(Rc::as_ptr(&node)) {
            continue;
        }
        let is_boundary = node.realized_data().is_some();
        stack.push((node.clone(), true));
        if !is_boundary {
            for input in node.inputs.iter().rev() {
                if !visited.contains(&Rc::as_ptr(&input.node)) {
                    stack.push((input.node.clone(), false));
                }
            }
        }
    }
    order
}
