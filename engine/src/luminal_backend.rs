//! The reference backend: the unrealized graph lowered into a fresh luminal
//! `Graph` and run on luminal's own plain CPU operators
//! (`NMA_ENGINE_BACKEND=luminal`; slow). The CPU compiler's tests compare
//! against it, and the CUDA backend starts from the same lowering.
//!
//! Built straight from operator nodes and edges (`Dependency::Data` carrying
//! our views), so no `GraphTensor` (which holds a raw pointer to its graph)
//! is ever created. The graph is boxed because `Constant` keeps a raw pointer
//! to the graph's dynamic-dimension map, and fresh per realization, which
//! also sidesteps luminal's "an output that is not dropped after reading is
//! never recomputed" behaviour. No luminal compilers run (`GenericCompiler`
//! folds `exp2(log2(x))` to `x`, losing NaNs, and its matmul passes have
//! bugs), and never `execute_debug` (it panics without a terminal).

use std::collections::HashMap;
use std::rc::Rc;

use luminal::graph::{Dependency, Graph, NodeIndex};
use luminal::op::{self as lop, ConstantValue, Operator};

use crate::ir::{Node, Op};

/// A fresh luminal graph holding the unrealized graph `order`: realized nodes
/// become input nodes (listed in `inputs`, in `order`'s order, with their data),
/// the others luminal's primitive operators, with our views on the edges.
/// Boxed, because luminal's `Constant` keeps a pointer into the graph.
pub(crate) struct LuminalGraph {
    pub graph: Box<Graph>,
    pub ids: HashMap<*const Node, NodeIndex>,
    pub inputs: Vec<(NodeIndex, Rc<Vec<f32>>)>,
}

pub(crate) fn lower(order: &[Rc<Node>]) -> LuminalGraph {
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
                id
            }
        };
        ids.insert(Rc::as_ptr(node), id);
    }
    LuminalGraph { graph, ids, inputs }
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

/// The reference path: lower `order` (see [`crate::ir::unrealized_in_dependency_order`])
/// into a fresh luminal graph, run luminal's own CPU operators, and return the
/// output buffers of `targets` (in that order).
pub(crate) fn execute(order: &[Rc<Node>], targets: &[Rc<Node>]) -> Vec<Vec<f32>> {
    let LuminalGraph { mut graph, ids, inputs } = lower(order);
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
        Op::LstmLoop { .. }
        | Op::LstmLoopBackward { .. }
        | Op::MaxPoolTiles { .. }
        | Op::MaxPoolTilesBackward { .. }
        | Op::SoftmaxRows
        | Op::SoftmaxRowsBackward
        | Op::LayerNormRows { .. }
        | Op::LayerNormRowsBackward { .. } => {
            unreachable!("fused operators are built only where the engine's CPU compiler runs them")
        }
    }
}

