//! Reverse-mode automatic differentiation over the engine's primitive operators.
//!
//! A *parameter* is an ordinary leaf tensor that has been marked with
//! [`Tensor::requires_grad`]. [`Tensor::backward`] walks the recorded graph
//! from the loss back to every parameter it depends on, building the gradient
//! as more lazy tensors (so it is evaluated by the same realization path as
//! the forward pass), then computes the loss and all gradients in **one**
//! realization and stores each gradient with its parameter
//! ([`Tensor::grad`]). Gradients accumulate across `backward` calls until
//! [`Tensor::zero_grad`], as in PyTorch.
//!
//! # Parameters are updated in place
//!
//! Optimizers (and [`Tensor::set_data`]) replace a parameter's numbers inside
//! its existing leaf node, so modules keep referring to the same tensor across
//! training steps, and each step builds a graph of exactly the same structure
//! (only leaf data differs). Updates build no history, so there is nothing
//! like `torch.no_grad()` to remember. Beware the one consequence: a lazy
//! expression built *before* an update but evaluated *after* it sees the new
//! values (results evaluated before the update keep the old ones).
//!
//! Parameters (with their gradients), stop-gradient copies and gradient rules
//! live in per-thread side tables keyed by node, so the IR's operators are
//! unchanged; a node carries only a byte saying which tables hold it, so
//! graph walks skip the lookups for the others.
//!
//! # Adjoints
//!
//! Every primitive operator has an adjoint, and so does every view on a graph
//! edge (see `view_adjoint`):
//!
//! | forward | gradient passed to the input |
//! | --- | --- |
//! | `log2(x)` | `g / (x ln 2)` |
//! | `exp2(x) = y` | `g · y · ln 2` |
//! | `sin(x)` | `g · cos x` |
//! | `sqrt(x) = y` | `g / (2y)` |
//! | `recip(x) = y` | `-g · y²` |
//! | `a + b` | `g`, `g` |
//! | `a · b` | `g · b`, `g · a` |
//! | `fmod(a, b) = y` | `g`, `-g · trunc(a / b)` (with `trunc(a/b) = (a - y) / b`; PyTorch's formula) |
//! | `a < b` | nothing (zero) |
//! | `sum` over an axis | `g` broadcast back along the axis |
//! | `max` over an axis | `g` split **evenly among ties**: `g · [x = max] / #ties` (PyTorch's `amax` convention) |
//! | contiguous copy | `g` |
//! | permute view | inverse permutation |
//! | broadcast ("fake") dim | sum over that dim |
//! | slice view | zero padding back to the source size |
//! | pad view | slice of the padded positions away |
//! | reshape view | reshape back |
//! | fused LSTM loop (`LstmLoop`) | its own operator, `LstmLoopBackward`, run backwards over the tape (`nn/lstm_loop.rs`) |
//! | fused tiled max pooling (`MaxPoolTiles`) | its own operator, `MaxPoolTilesBackward`, one pass (`nn/pool.rs`) |
//!
//! Some composites carry their own gradient rule (`with_gradient`), so the
//! backward graph does not contain the derivative of each of their
//! operators: sigmoid (`g·y·(1-y)`), tanh (`g·(1-y²)`), ReLU (`g·(0 < y)`),
//! softmax (`y·(g − Σ g·y)`; on the fused `SoftmaxRows` the operator
//! `SoftmaxRowsBackward`, one pass), layer norm (on the fused `LayerNormRows`
//! only: `LayerNormRowsBackward`, its closed form in one pass, `nn/norm.rs`),
//! tiling max pooling and a convolution's patches (col2im).
//!
//! Kinks follow from how the composite operations are built: `relu(x) = x·(0 < x)`
//! has gradient 0 at 0; `abs(x) = x·sign(x)` has gradient 0 at 0;
//! `maximum(a, b)` gives the whole gradient to `a` on ties.

use std::cell::RefCell;
use std::f32::consts::{FRAC_PI_2, LN_2};
use std::rc::{Rc, Weak};

use crate::ir::{Node, NodeMap, Op, Walk};
use crate::tensor::Tensor;
use crate::view;

struct ParamEntry {
    grad: Option<Rc<Vec<f32>>>,
    /// A frozen parameter is a constant to `backward` (no gradient is built).
    frozen: bool,
}

/// A per-thread table of node addresses, each with a `Weak` so a dead node's
/// address is never reused while its entry exists.
struct NodeTable<T> {
    entries: NodeMap<(Weak<Node>, T)>,
    /// Prune dead entries when the table grows past this size.
    prune_at: usize,
}

impl<T> NodeTable<T> {
    fn new() -> Self {
        NodeTable {
            entries: NodeMap::default(),
            prune_at: 64,
        }
    }

    fn insert(&mut self, node: &Rc<Node>, value: T) {
        if self.entries.len() >= self.prune_at {
            self.entries.retain(|_, (weak, _)| weak.strong_count() > 0);
            self.prune_at = (2 * self.entries.len()).max(64);
        }
        self.entries
            .insert(Rc::as_ptr(node), (Rc::downgrade(node), value));
    }

    fn get_mut(&mut self, node: &Rc<Node>) -> Option<&mut T> {
        self.entries.get_mut(&Rc::as_ptr(node)).map(|(_, v)| v)
    }
}

/// The gradient rule of a composite `y = f(x)`: given `g` (the gradient of
/// `y`), `x` and `y`, the gradient of `x`.
pub(crate) type GradRule = Rc<dyn Fn(&Tensor, &Tensor, &Tensor) -> Tensor>;

thread_local! {
    static PARAMS: RefCell<NodeTable<ParamEntry>> = RefCell::new(NodeTable::new());
    static STOPPED: RefCell<NodeTable<()>> = RefCell::new(NodeTable::new());
    /// Composites whose gradient is given by a rule instead of being derived
    /// through their primitive operators: output node -> (input, rule).
    static CUSTOM: RefCell<NodeTable<(Tensor, GradRule)>> = RefCell::new(NodeTable::new());
}

/// `Node::marks` bits: the node is in `PARAMS`, `STOPPED`, `CUSTOM`.
const MARK_PARAM: u8 = 1;
const MARK_STOPPED: u8 = 2;
const MARK_CUSTOM: u8 = 4;

fn mark(node: &Rc<Node>, bit: u8) {
    node.marks.set(node.marks.get() | bit);
}

fn custom_rule(node: &Rc<Node>) -> Option<(Tensor, GradRule)> {
    if node.marks.get() & MARK_CUSTOM == 0 {
        return None;
    }
    CUSTOM.with(|c| c.borrow_mut().get_mut(node).map(|(x, rule)| (x.clone(), rule.clone())))
}

fn is_param_node(node: &Rc<Node>) -> bool {
    // The mark is set when the node enters the table; a node in a graph is
    // alive, so its entry is never pruned.
    node.marks.get() & MARK_PARAM != 0
}

/// A parameter that `backward` differentiates (not frozen).
fn is_trained_param(node: &Rc<Node>) -> bool {
    is_param_node(node) && PARAMS.with(|p| p.borrow_mut().get_mut(node).is_some_and(|e| !e.frozen))
}

/// Freezes (or unfreezes) a parameter: while frozen, `backward` treats it as
/// a constant, building and computing no gradient for it (and dropping any
/// it had). No effect on tensors that are not parameters.
pub(crate) fn set_frozen(p: &Tensor, frozen: bool) {
    PARAMS.with(|t| {
        if let Some(e) = t.borrow_mut().get_mut(&p.node) {
            e.frozen = frozen;
            if frozen {
                e.grad = None;
            }
        }
    });
}

fn is_stopped_node(node: &Rc<Node>) -> bool {
    node.marks.get() & MARK_STOPPED != 0
}

fn output_of(node: &Rc<Node>) -> Tensor {
    Tensor {
        node: node.clone(),
        view: view::plain(&node.shape),
    }
}

// ------------------------------------------------------------ public API
impl Tensor {
    /// Marks this tensor as a trainable parameter (like PyTorch's
    /// `requires_grad_()` / `nn.Parameter`) and returns it.
    ///
    /// A plain leaf (made by `from_vec`, `randn`, …) is marked in place, so
    /// every clone of it becomes the parameter. Anything else (a view or a
    /// computed tensor) is first evaluated into a fresh leaf, which is marked.
    ///
    /// ```
    /// use nma_engine::prelude::*;
    /// let w = Tensor::from_vec(vec![2.0, -1.0], &[2]).requires_grad();
    /// let loss = (&w * &w).sum();
    /// loss.backward();
    /// assert_eq!(w.grad().unwrap().to_vec(), vec![4.0, -2.0]);
    /// ```
    pub fn requires_grad(self) -> Tensor {
        let is_plain_leaf = self.node.op == Op::Leaf
            && view::is_plain(&self.view)
            && self.shape() == self.node.shape;
        let param = if is_plain_leaf { self } else { self.detach() };
        if !is_param_node(&param.node) {
            PARAMS.with(|p| {
                p.borrow_mut()
                    .insert(&param.node, ParamEntry { grad: None, frozen: false })
            });
            mark(&param.node, MARK_PARAM);
        }
        param
    }

    /// Whether this tensor is (a view of) a parameter marked with
    /// [`requires_grad`](Tensor::requires_grad).
    pub fn is_parameter(&self) -> bool {
        is_param_node(&self.node)
    }

    /// The gradient accumulated by [`backward`](Tensor::backward) calls since
    /// the last [`zero_grad`](Tensor::zero_grad), with this tensor's shape;
    /// `None` for tensors that are not parameters or have no gradient yet.
    /// (On a view of a parameter, e.g. `w.t().grad()`, the same view of the
    /// gradient.)
    pub fn grad(&self) -> Option<Tensor> {
        let data = PARAMS.with(|p| {
            p.borrow_mut()
                .get_mut(&self.node)
                .and_then(|e| e.grad.clone())
        })?;
        let leaf = Tensor::leaf(data, self.node.shape.clone());
        Some(Tensor {
            node: leaf.node,
            view: self.view,
        })
    }

    /// Forgets this parameter's gradient (PyTorch's `zero_grad(set_to_none=True)`):
    /// the next [`backward`](Tensor::backward) starts from zero. No effect on
    /// tensors that are not parameters.
    pub fn zero_grad(&self) {
        PARAMS.with(|p| {
            if let Some(e) = p.borrow_mut().get_mut(&self.node) {
                e.grad = None;
            }
        });
    }

    /// Replaces a parameter's values in place (PyTorch's
    /// `with torch.no_grad(): p.copy_(values)`), keeping its identity, so
    /// modules and optimizers holding it see the new values. Records no history.
    ///
    /// ```
    /// use nma_engine::prelude::*;
    /// let w = Tensor::from_vec(vec![1.0, 2.0], &[2]).requires_grad();
    /// (&w * 3.0).sum().backward();
    /// let lr = 0.1;
    /// w.set_data(&(&w - lr * w.grad().unwrap())); // one step of gradient descent
    /// nma_engine::testing::assert_close(&w, &[2], &[0.7, 1.7], 1e-6);
    /// ```
    ///
    /// Panics unless `self` is a parameter (not a view of one) and `values`
    /// has the same shape.
    #[track_caller]
    pub fn set_data(&self, values: &Tensor) {
        self.check_settable("set_data");
        if values.shape() != self.shape() {
            panic!(
                "set_data: the parameter has shape {:?} but the new values have shape {:?}",
                self.shape(),
                values.shape()
            );
        }
        let data = values.to_vec();
        *self.node.data.borrow_mut() = Some(Rc::new(data));
    }

    /// The same values, but [`backward`](Tensor::backward) does not pass
    /// gradients through it (like JAX's `stop_gradient`, or PyTorch's
    /// `detach()` without evaluating). Lazy, unlike [`detach`](Tensor::detach).
    pub fn stop_gradient(&self) -> Tensor {
        let copy = Tensor::from_op(Op::Contiguous, vec![self.clone()], self.shape());
        STOPPED.with(|s| s.borrow_mut().insert(&copy.node, ()));
        mark(&copy.node, MARK_STOPPED);
        copy
    }

    /// Marks `self`, a composite of primitive operators computing `f(x)`, so
    /// that `backward` passes `rule(g, x, self)` to `x` instead of
    /// differentiating the composite's operators one by one. The rule is
    /// usually far smaller (a sigmoid's `g·y·(1-y)`: 3 operators instead of
    /// ~20), and it can be exact where the operator-by-operator chain meets
    /// `0·∞`. `self` must be a fresh operator node, read plainly (checked in
    /// debug builds); anything else is returned unmarked (its gradient is
    /// then derived as usual).
    pub(crate) fn with_gradient(self, x: &Tensor, rule: impl Fn(&Tensor, &Tensor, &Tensor) -> Tensor + 'static) -> Tensor {
        let fresh = !matches!(self.node.op, Op::Leaf | Op::Constant(_))
            && view::is_plain(&self.view)
            && self.shape() == self.node.shape
            && self.node.realized_data().is_none();
        debug_assert!(
            fresh || self.numel() == 0,
            "with_gradient on a tensor that is not a fresh operator's plain output: the rule would be ignored"
        );
        if fresh {
            CUSTOM.with(|c| c.borrow_mut().insert(&self.node, (x.clone(), Rc::new(rule) as GradRule)));
            mark(&self.node, MARK_CUSTOM);
        }
        self
    }

    /// Computes the gradient of this one-element tensor (a loss) with respect
    /// to every parameter it depends on, and adds it to each parameter's
    /// [`grad`](Tensor::grad). Evaluates the loss and all gradients together
    /// in one pass; the loss value is cached, so `loss.item()` afterwards is free.
    ///
    /// Panics if the tensor has more than one element or depends on no parameter.
    #[track_caller]
    pub fn backward(&self) {
        let shape = self.shape();
        if self.numel() != 1 {
            panic!(
                "backward: can only start from a tensor with exactly one element (a loss), but this one has shape {shape:?}; \
                 reduce it first, e.g. with .sum() or .mean()"
            );
        }
        let started = std::time::Instant::now();
        let params = backward_pass(self, Tensor::constant(1.0).broadcast_view(&shape));
        crate::cpu::record("autograd (gradient graph)", started);
        if params.is_empty() {
            panic!(
                "backward: the loss does not depend on any parameter; mark the tensors to train with .requires_grad() \
                 (and check that no detach() or stop_gradient() cuts them off)"
            );
        }
        // The loss and every gradient in one realization; the loss is cached in its node.
        let mut outputs = vec![output_of(&self.node)];
        outputs.extend(params.iter().map(|(_, g)| g.clone()));
        let refs: Vec<&Tensor> = outputs.iter().collect();
        Tensor::realize_all(&refs);
        PARAMS.with(|p| {
            let mut table = p.borrow_mut();
            for (node, g) in &params {
                let new = buffer_of(g);
                let entry = table
                    .get_mut(node)
                    .expect("parameters found by backward are registered");
                entry.grad = Some(match entry.grad.take() {
                    None => new,
                    Some(old) => Rc::new(old.iter().zip(new.iter()).map(|(a, b)| a + b).collect()),
                });
            }
        });
    }

    #[track_caller]
    fn check_settable(&self, name: &str) {
        if !self.is_parameter() {
            panic!(
                "{name}: only parameters (tensors marked with .requires_grad()) can be changed in place, \
                 but this tensor of shape {:?} is not one",
                self.shape()
            );
        }
        if !view::is_plain(&self.view) || self.shape() != self.node.shape {
            panic!(
                "{name}: call it on the parameter itself (shape {:?}), not on a view of it (shape {:?})",
                self.node.shape,
                self.shape()
            );
        }
    }
}

// ------------------------------------------------ crate API for optimizers
/// The parameter's accumulated gradient, if any.
pub(crate) fn param_grad(p: &Tensor) -> Option<Rc<Vec<f32>>> {
    PARAMS.with(|t| t.borrow_mut().get_mut(&p.node).and_then(|e| e.grad.clone()))
}

/// Updates a parameter's values in place with `f` (copying the buffer only
/// if something else shares it).
#[track_caller]
pub(crate) fn update_param(p: &Tensor, name: &str, f: impl FnOnce(&mut [f32])) {
    p.check_settable(name);
    let mut slot = p.node.data.borrow_mut();
    let mut data = slot.take().expect("parameters always hold data");
    f(Rc::make_mut(&mut data).as_mut_slice());
    *slot = Some(data);
}

/// Panics with a message naming `who` unless every tensor is a parameter.
#[track_caller]
pub(crate) fn check_params(who: &str, params: &[Tensor]) {
    for (i, p) in params.iter().enumerate() {
        if !p.is_parameter() {
            panic!(
                "{who}: tensor {i} of the parameter list (shape {:?}) is not a parameter; \
                 create trainable tensors with .requires_grad()",
                p.shape()
            );
        }
        if !view::is_plain(&p.view) || p.shape() != p.node.shape {
            panic!(
                "{who}: tensor {i} of the parameter list is a view (shape {:?}) of a parameter of shape {:?}; pass the parameter itself",
                p.shape(),
                p.node.shape
            );
        }
    }
}

/// The values of a realized tensor, sharing its node's buffer when the view
/// reads it plainly.
fn buffer_of(t: &Tensor) -> Rc<Vec<f32>> {
    if view::is_plain(&t.view) && t.shape() == t.node.shape {
        if let Some(data) = t.node.realized_data() {
            return data;
        }
    }
    Rc::new(t.to_vec())
}

// ------------------------------------------------------------- the pass
/// Builds (lazily) the gradient of `root`, seeded with `seed` (same shape as
/// `root`), with respect to every parameter node `root` depends on. Returns
/// the parameters in a deterministic order with their gradient buffers
/// (shape = the parameter node's shape).
fn backward_pass(root: &Tensor, seed: Tensor) -> Vec<(Rc<Node>, Tensor)> {
    let (order, walk) = nodes_reaching_params(&root.node);
    // A node's position in `order` if it reaches a parameter.
    let position = |node: &Node| walk.get(node).filter(|&p| p != NOT_REACHING).map(|p| p as usize);
    let Some(root_at) = position(&root.node) else {
        return Vec::new();
    };
    // Gradients of the nodes in `order`, summed as they arrive.
    let mut grads: Vec<Option<Tensor>> = vec![None; order.len()];
    let add = |grads: &mut Vec<Option<Tensor>>, at: usize, g: Tensor| {
        grads[at] = Some(match grads[at].take() {
            None => g,
            Some(acc) => acc.add(&g),
        });
    };
    add(&mut grads, root_at, view_adjoint(root, seed));
    let mut params = Vec::new();
    for (at, node) in order.iter().enumerate().rev() {
        let Some(g) = grads[at].take() else {
            continue;
        };
        if is_trained_param(node) {
            params.push((node.clone(), g));
            continue;
        }
        if let Some((x, rule)) = custom_rule(node) {
            let gx = view_adjoint(&x, rule(&g, &x, &output_of(node)));
            let x_at = position(&x.node).expect("a rule's input reaches a parameter when its output does");
            add(&mut grads, x_at, gx);
            continue;
        }
        let needs: Vec<Option<usize>> = node.inputs.iter().map(|i| position(&i.node)).collect();
        let wanted: Vec<bool> = needs.iter().map(Option::is_some).collect();
        let input_grads = op_adjoint(node, &g, &wanted);
        for ((input, gi), need) in node.inputs.iter().zip(input_grads).zip(needs) {
            let (Some(gi), Some(input_at)) = (gi, need) else { continue };
            add(&mut grads, input_at, view_adjoint(input, gi));
        }
    }
    params
}

/// The number `nodes_reaching_params` leaves on visited nodes that reach no parameter.
const NOT_REACHING: u32 = u32::MAX;

/// Every node below `root` (included) from which a parameter can be reached
/// without crossing a `stop_gradient`, ordered so that each node comes after
/// its inputs; and the walk that numbered them (each such node's position in
/// the list, `NOT_REACHING` on the other visited nodes). Iterative: graphs
/// built in loops can be deeper than the stack.
fn nodes_reaching_params(root: &Rc<Node>) -> (Vec<Rc<Node>>, Walk) {
    let mut post_order: Vec<Rc<Node>> = Vec::new();
    let walk = Walk::new();
    let reaches = |walk: &Walk, node: &Node| walk.get(node).is_some_and(|p| p != NOT_REACHING);
    let mut stack: Vec<(Rc<Node>, bool)> = vec![(root.clone(), false)];
    while let Some((node, inputs_done)) = stack.pop() {
        if inputs_done {
            let r = is_trained_param(&node)
                || (!is_stopped_node(&node)
                    && match custom_rule(&node) {
                        Some((x, _)) => reaches(&walk, &x.node),
                        None => node.inputs.iter().any(|i| reaches(&walk, &i.node)),
                    });
            if r {
                walk.set(&node, post_order.len() as u32);
                post_order.push(node);
            }
            continue;
        }
        if walk.get(&node).is_some() {
            continue;
        }
        walk.set(&node, NOT_REACHING);
        stack.push((node.clone(), true));
        // Parameters are leaves; stopped nodes cut the graph.
        if is_param_node(&node) || is_stopped_node(&node) {
            continue;
        }
        // A composite with a gradient rule: only its input matters.
        if let Some((x, _)) = custom_rule(&node) {
            if walk.get(&x.node).is_none() {
                stack.push((x.node.clone(), false));
            }
            continue;
        }
        for input in node.inputs.iter().rev() {
            if walk.get(&input.node).is_none() {
                stack.push((input.node.clone(), false));
            }
        }
    }
    (post_order, walk)
}

/// Gradients with respect to each input *as the operator reads it* (the
/// input's logical shape), given `g`, the gradient of the node's output
/// buffer. `None` where not needed or zero.
fn op_adjoint(node: &Rc<Node>, g: &Tensor, needs: &[bool]) -> Vec<Option<Tensor>> {
    let inputs = &node.inputs;
    let want = |i: usize| needs.get(i).copied().unwrap_or(false);
    let out = || output_of(node);
    match node.op {
        Op::Leaf | Op::Constant(_) => Vec::new(),
        Op::Log2 => vec![Some(g.div(inputs[0].mul(LN_2)))],
        Op::Exp2 => vec![Some(g.mul(out()).mul(LN_2))],
        Op::Sin => {
            let cos = inputs[0].add(FRAC_PI_2).sin();
            vec![Some(g.mul(&cos))]
        }
        Op::Sqrt => vec![Some(g.div(out()).mul(0.5))],
        Op::Recip => {
            let y = out();
            vec![Some(g.mul(y.mul(&y)).neg())]
        }
        Op::Add => vec![Some(g.clone()), Some(g.clone())],
        Op::Mul => vec![
            want(0).then(|| g.mul(&inputs[1])),
            want(1).then(|| g.mul(&inputs[0])),
        ],
        Op::Mod => vec![
            Some(g.clone()),
            want(1).then(|| {
                // d fmod(a, b) / db = -trunc(a / b), and trunc(a / b) = (a - fmod(a, b)) / b.
                let quotient = inputs[0].sub(out()).div(&inputs[1]);
                g.mul(&quotient).neg()
            }),
        ],
        Op::LessThan => vec![None, None],
        Op::SumReduce(axis) => {
            let shape = inputs[0].shape();
            vec![Some(g.unsqueeze(axis).expand(&shape))]
        }
        Op::MaxReduce(axis) => {
            let x = &inputs[0];
            let shape = x.shape();
            let max = out().unsqueeze(axis).expand(&shape);
            // x ≤ max, so "not below" is "equal" (3 operators; eq_elem's NaN care costs 10).
            let mask = 1.0 - &x.lt(&max);
            let ties = mask.sum_dim(axis, true);
            let share = mask.div(&ties);
            vec![Some(g.unsqueeze(axis).expand(&shape).mul(&share))]
        }
        Op::Contiguous => vec![Some(g.clone())],
        Op::LstmLoop { reverse } => crate::nn::lstm_loop::adjoint(inputs, out(), g, reverse, needs),
        Op::MaxPoolTiles { kh, kw } => vec![Some(crate::nn::pool::fused_max_pool_adjoint(&inputs[0], out(), g, kh, kw))],
        Op::SoftmaxRows => unreachable!("softmax's gradient is the rule it is built with (nn::softmax)"),
        Op::LayerNormRows { .. } => unreachable!("layer norm's gradient is the rule it is built with (nn::layer_norm)"),
        // Gradients are realized by `backward`, never differentiated again.
        Op::LstmLoopBackward { .. } | Op::MaxPoolTilesBackward { .. } | Op::SoftmaxRowsBackward | Op::LayerNormRowsBackward { .. } => {
            panic!("backward: second derivatives through an LSTM layer, max pooling, softmax or layer norm are not supported")
        }
    }
}

/// Carries `g`, a gradient with the logical shape of `input` (a node seen
/// through a view), back to the node's contiguous buffer: the adjoint of
/// the view. Physical dimensions are visited in the tracker's order:
/// un-permute, sum over broadcast dims, undo slices and padding, reshape.
fn view_adjoint(input: &Tensor, g: Tensor) -> Tensor {
    let v = &input.view;
    let target = &input.node.shape;
    if view::is_plain(v) {
        return if g.shape() == *target {
            g
        } else {
            g.reshape(target)
        };
    }
    let n = v.indexes.len();
    // Logical axis i reads physical dim indexes[i]; put g in physical order.
    let mut inverse = vec![0; n];
    for (i, &p) in v.indexes.iter().enumerate() {
        inverse[p] = i;
    }
    let mut g = g.permute(&inverse);
    // Where the view splits the node's axes (heads split off a slice of one
    // projection) and slices them, pad a copy: a reshape can keep padding as
    // a view, but the copy it would make of a padded, permuted view is mostly
    // zeros.
    let physical = (0..n).filter(|&p| !v.fake[p]).map(|p| v.dims[p]);
    let mut copy_before_padding = !physical.eq(target.iter().copied());
    for p in (0..n).rev() {
        if v.fake[p] {
            // Every position of a broadcast dim reads the same element
            // (luminal never masks fake dims, even when sliced or padded).
            g = g.sum_dim(p, false);
            continue;
        }
        let size = view::to_usize(v.dims[p]);
        let pad_before = view::to_usize(v.padding[p].0);
        let start = view::to_usize(v.slices[p].0);
        let logical = g.shape()[p];
        // Logical index i is padded coordinate start + i, i.e. source index
        // start + i - pad_before, valid when it lies in 0..size.
        let first = pad_before.saturating_sub(start);
        let end = logical.min((size + pad_before).saturating_sub(start));
        if end <= first {
            // The view reads only padding: the source gets no gradient.
            return Tensor::zeros(target);
        }
        let source_start = first + start - pad_before;
        let kept = end - first;
        if first != 0 || end != logical {
            g = g.slice(p, first, end);
        }
        if copy_before_padding && kept != size {
            g = g.contiguous();
            copy_before_padding = false;
        }
        g = g.padded(p, source_start, size - source_start - kept);
    }
    if g.shape() == *target {
        g
    } else {
        g.reshape(target)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use super::*;
    use crate::nn::{cross_entropy, Activation, Mlp, Module};

    /// Unrealized operator nodes below `roots`, counted by operator.
    fn census(roots: &[Tensor]) -> Vec<(String, usize)> {
        let mut seen = HashSet::new();
        let mut stack: Vec<Rc<Node>> = roots.iter().map(|t| t.node.clone()).collect();
        let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
        while let Some(n) = stack.pop() {
            if !seen.insert(Rc::as_ptr(&n)) || n.realized_data().is_some() {
                continue;
            }
            let name = format!("{:?}", n.op);
            let name = name.split('(').next().unwrap().to_string();
            *counts.entry(name).or_default() += 1;
            stack.extend(n.inputs.iter().map(|i| i.node.clone()));
        }
        counts.into_iter().collect()
    }

    /// The structure of the graph below `roots` as realization sees it:
    /// operators, shapes and edge views in a deterministic order, with every
    /// node that holds data (leaves, parameters, cached results) as an input.
    fn fingerprint(roots: &[Tensor]) -> Vec<String> {
        let mut ids: HashMap<*const Node, usize> = HashMap::new();
        let mut out = Vec::new();
        let mut stack: Vec<(Rc<Node>, bool)> = roots
            .iter()
            .rev()
            .map(|t| (t.node.clone(), false))
            .collect();
        while let Some((n, done)) = stack.pop() {
            let ptr = Rc::as_ptr(&n);
            if done {
                let id = ids.len();
                ids.insert(ptr, id);
                if n.realized_data().is_some() {
                    out.push(format!("{id}: input {:?}", n.shape));
                } else {
                    let inputs: Vec<String> = n
                        .inputs
                        .iter()
                        .map(|i| format!("{} {:?}", ids[&Rc::as_ptr(&i.node)], i.view))
                        .collect();
                    out.push(format!("{id}: {:?} {:?} <- {inputs:?}", n.op, n.shape));
                }
                continue;
            }
            if ids.contains_key(&ptr) {
                continue;
            }
            stack.push((n.clone(), true));
            if n.realized_data().is_none() {
                for i in n.inputs.iter().rev() {
                    stack.push((i.node.clone(), false));
                }
            }
        }
        out.extend(
            roots
                .iter()
                .map(|r| format!("root {} {:?}", ids[&Rc::as_ptr(&r.node)], r.view)),
        );
        out
    }

    #[test]
    fn every_step_builds_the_same_graph_structure() {
        use crate::optim::{Adam, Optimizer};
        let model = Mlp::new(&[3, 8, 4], Activation::Tanh, 0);
        let mut opt = Adam::new(model.parameters(), 0.1);
        let mut prints = Vec::new();
        for step in 0..3u64 {
            let x = Tensor::randn(&[5, 3], step);
            let labels: Vec<usize> = (0..5).map(|i| (i + step as usize) % 4).collect();
            let loss = cross_entropy(&model.forward(&x), &labels);
            let params = backward_pass(&loss, Tensor::constant(1.0).broadcast_view(&[]));
            let mut roots = vec![output_of(&loss.node)];
            roots.extend(params.iter().map(|(_, g)| g.clone()));
            prints.push(fingerprint(&roots));
            opt.zero_grad();
            loss.backward();
            opt.step();
        }
        assert!(prints[0].len() > 40, "{:?}", prints[0]);
        assert_eq!(prints[0], prints[1]);
        assert_eq!(prints[1], prints[2]);
        // The fingerprint does see structure: a different batch size changes it.
        let x = Tensor::randn(&[6, 3], 0);
        let loss = cross_entropy(&model.forward(&x), &[0; 6]);
        let params = backward_pass(&loss, Tensor::constant(1.0).broadcast_view(&[]));
        let mut roots = vec![output_of(&loss.node)];
        roots.extend(params.iter().map(|(_, g)| g.clone()));
        assert_ne!(fingerprint(&roots), prints[0]);
    }

    #[test]
    fn the_backward_graph_stays_small() {
        let model = Mlp::new(&[2, 32, 32, 4], Activation::Relu, 0);
        let x = Tensor::randn(&[64, 2], 0);
        let labels: Vec<usize> = (0..64).map(|i| i % 4).collect();
        let loss = cross_entropy(&model.forward(&x), &labels);
        let forward = census(std::slice::from_ref(&loss));
        let params = backward_pass(&loss, Tensor::constant(1.0).broadcast_view(&[]));
        assert_eq!(params.len(), 6);
        let grads: Vec<Tensor> = params.iter().map(|(_, g)| g.clone()).collect();
        let both = census(&grads);
        let count = |c: &[(String, usize)], op: &str| {
            c.iter().find(|(n, _)| n == op).map_or(0, |(_, k)| *k)
        };
        let total = |c: &[(String, usize)]| c.iter().map(|(_, k)| k).sum::<usize>();
        // The max subtracted inside log_softmax gets no gradient (stop_gradient),
        // so backward adds no MaxReduce and no tie mask (LessThan); its only
        // masks are the two ReLUs' own, read from their outputs.
        assert_eq!(count(&forward, "MaxReduce"), 1);
        assert_eq!(count(&both, "MaxReduce"), 1);
        assert_eq!(count(&both, "LessThan"), count(&forward, "LessThan") + 2);
        // Three matmuls forward; backward adds two contractions for each
        // weight (dW, dX; none for the input) and one sum per bias.
        assert_eq!(count(&forward, "SumReduce"), 5);
        assert_eq!(count(&both, "SumReduce"), 5 + 2 + 3 + 3);
        assert!(
            total(&both) <= 2 * total(&forward) + 30,
            "forward {forward:?}, with backward {both:?}"
        );
    }
}
