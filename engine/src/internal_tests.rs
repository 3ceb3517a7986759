//! Tests that need the engine's internals: the IR built for an expression,
//! how many operators reach luminal, and result caching.

use std::rc::Rc;

use crate::ir::Op;
use crate::realize::lowered_op_count;
use crate::tensor::Tensor;
use crate::view;

/// Operator nodes lowered into luminal while running `f`.
fn ops_lowered_by(f: impl FnOnce()) -> usize {
    let before = lowered_op_count();
    f();
    lowered_op_count() - before
}

#[test]
fn realized_result_is_cached_and_reused_as_a_leaf() {
    let x = Tensor::from_vec(vec![1.0, 2.0, 3.0], &[3]);
    let y = x.exp().sqrt(); // Mul(const), Constant, Exp2, Sqrt: 4 operator nodes
    assert!(!y.is_realized());
    let first = ops_lowered_by(|| assert_eq!(y.to_vec().len(), 3));
    assert_eq!(first, 4);
    assert!(y.is_realized());

    // Realizing again computes nothing and hands out the very same buffer.
    let cached = y.node.realized_data().unwrap();
    assert_eq!(ops_lowered_by(|| drop(y.to_vec())), 0);
    assert!(Rc::ptr_eq(&cached, &y.node.realized_data().unwrap()));

    // A new expression on top of y lowers only its own nodes (Constant + Add).
    let z = &y + 1.0;
    assert_eq!(ops_lowered_by(|| drop(z.to_vec())), 2);
    // e^(x/2) + 1, values from Python: math.exp(0.5) etc.
    let expected = [2.6487213, 3.7182817, 5.481689];
    for (got, want) in z.to_vec().iter().zip(expected) {
        assert!((got - want).abs() < 1e-5, "{got} vs {want}");
    }
}

#[test]
fn shared_subexpressions_are_lowered_once() {
    let x = Tensor::from_vec(vec![0.5, 1.0], &[2]);
    let s = x.sin(); // one Sin node
    let y = &s + &s; // one Add node reading it twice
    assert_eq!(ops_lowered_by(|| drop(y.to_vec())), 2);
    assert_eq!(y.to_vec(), vec![2.0 * 0.5f32.sin(), 2.0 * 1.0f32.sin()]);
}

#[test]
fn realizing_a_view_caches_the_underlying_node() {
    let x = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[2, 2]);
    let y = x.matmul(&x);
    let yt = y.t();
    assert_eq!(yt.to_vec(), vec![7.0, 15.0, 10.0, 22.0]);
    assert!(y.is_realized(), "y and y.t() share one node");
    assert_eq!(ops_lowered_by(|| drop(y.to_vec())), 0);
}

#[test]
fn views_create_no_nodes_and_unary_ops_copy_non_plain_views_first() {
    let x = Tensor::from_vec((0..6).map(|v| v as f32).collect(), &[2, 3]);
    let t = x.t();
    assert!(Rc::ptr_eq(&t.node, &x.node), "transpose is only a view");

    // Unary primitives ignore views in luminal, so they read a Contiguous copy.
    let root = t.sqrt();
    assert_eq!(root.node.op, Op::Sqrt);
    assert_eq!(root.node.inputs[0].node.op, Op::Contiguous);
    assert!(view::is_plain(&root.node.inputs[0].view));
    assert_eq!(
        root.to_vec(),
        [0.0f32, 3.0, 1.0, 4.0, 2.0, 5.0].map(f32::sqrt).to_vec()
    );

    // Binary primitives read views directly: no copy.
    let doubled = &t * 2.0;
    assert_eq!(doubled.node.op, Op::Mul);
    assert!(Rc::ptr_eq(&doubled.node.inputs[0].node, &x.node));
    assert_eq!(doubled.to_vec(), vec![0.0, 6.0, 2.0, 8.0, 4.0, 10.0]);
}

#[test]
fn unary_op_on_a_padded_view_sees_the_padding() {
    // luminal's unary operators ignore views, so exp of a padded view would
    // skip the zero padding; the engine inserts Contiguous first.
    let x = Tensor::from_vec(vec![1.0, 2.0], &[2]);
    let padded = x.padded(0, 1, 2); // [0, 1, 2, 0, 0]
    assert_eq!(padded.shape(), vec![5]);
    assert_eq!(padded.to_vec(), vec![0.0, 1.0, 2.0, 0.0, 0.0]);
    let e = padded.sqrt();
    assert_eq!(e.node.inputs[0].node.op, Op::Contiguous);
    assert_eq!(e.to_vec(), vec![0.0, 1.0, 2.0f32.sqrt(), 0.0, 0.0]);
    // exp(0) = 1 in the padding.
    let e = padded.exp().to_vec();
    assert!(
        (e[0] - 1.0).abs() < 1e-6 && (e[4] - 1.0).abs() < 1e-6,
        "{e:?}"
    );
}

#[test]
fn zero_sized_results_never_reach_luminal() {
    let x = Tensor::zeros(&[0, 3]);
    let y = (&x + 1.0).exp();
    assert_eq!(ops_lowered_by(|| assert!(y.to_vec().is_empty())), 0);
    assert_eq!(y.shape(), vec![0, 3]);
    // Summing over the empty dimension gives zeros, without luminal.
    assert_eq!(x.sum_dim(0, false).to_vec(), vec![0.0, 0.0, 0.0]);
}

#[test]
fn dropping_a_very_long_chain_does_not_overflow_the_stack() {
    let mut x = Tensor::scalar(0.0);
    for _ in 0..20_000 {
        x = &x + 1.0;
    }
    drop(x);
}

#[test]
fn realizing_a_deep_chain_works() {
    let mut x = Tensor::scalar(0.0);
    for _ in 0..3_000 {
        x = &x + 1.0;
    }
    assert_eq!(x.item(), 3000.0);
}

#[test]
fn max_of_a_padded_view_sees_the_zero_padding() {
    // luminal's MaxReduce skips padded positions; padding must read as 0.
    let x = Tensor::from_vec(vec![-3.0, -1.0], &[2]);
    let padded = x.padded(0, 1, 0); // [0, -3, -1]
    assert_eq!(padded.max_dim(0, false).item(), 0.0);
    assert_eq!(padded.sum_dim(0, false).item(), -4.0);
}

#[test]
fn realize_all_computes_several_targets_in_one_pass() {
    let x = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[2, 2]);
    let shared = x.matmul(&x); // Mul + SumReduce
    let a = &shared + 1.0; // Constant + Add
    let b = shared.sum(); // SumReduce
    let already = Tensor::scalar(5.0);
    // One lowering: the shared product is computed once for both targets.
    let lowered = ops_lowered_by(|| Tensor::realize_all(&[&a, &b, &already, &a]));
    assert_eq!(lowered, 5);
    assert!(a.is_realized() && b.is_realized());
    assert_eq!(ops_lowered_by(|| drop((a.to_vec(), b.item()))), 0);
    assert_eq!(a.to_vec(), vec![8.0, 11.0, 16.0, 23.0]);
    assert_eq!(b.item(), 54.0);
    Tensor::realize_all(&[]);
}

/// Reshapes that a view can say stay views of the same node (no copy), and
/// every reshape, view or copy, keeps the row-major order of the elements;
/// gradients through the view equal those through a copy.
#[test]
fn reshapes_of_views_need_no_copy_where_a_view_can_say_them() {
    let cube = || Tensor::arange(0.0, 72.0, 1.0).reshape(&[2, 3, 12]).requires_grad();
    type Case = (&'static str, fn(&Tensor) -> Tensor, &'static [usize], bool);
    let cases: [Case; 13] = [
        ("heads of the first third", |t| t.slice(2, 0, 4), &[2, 3, 2, 2], true),
        ("heads of the last third", |t| t.slice(2, 8, 12), &[2, 3, 2, 2], true),
        ("a slice of rows merged", |t| t.slice(0, 1, 2), &[36], true),
        ("rows and columns of a slice merged", |t| t.slice(1, 1, 3), &[2, 24], true),
        ("a column slice merged with its rows", |t| t.slice(2, 0, 6), &[36], false),
        ("a split off the slice's boundaries", |t| t.slice(2, 2, 8), &[2, 3, 2, 3], false),
        ("a split on the slice's boundaries", |t| t.slice(2, 3, 9), &[2, 3, 2, 3], true),
        ("unit axes around a slice", |t| t.slice(2, 4, 8), &[1, 2, 1, 3, 4, 1], true),
        ("a broadcast folded into another shape", |t| t.sum_dim(2, true).expand(&[2, 3, 5]), &[6, 5], true),
        ("two broadcasts merged", |t| t.sum_dim(0, false).sum_dim(0, false).expand(&[4, 5, 12]), &[20, 12], true),
        ("a permutation merged", |t| t.permute(&[0, 2, 1]), &[2, 36], false),
        ("a row sliced to one element, merged", |t| t.slice(1, 1, 2), &[2, 12], true),
        ("a row sliced to one element, last", |t| t.slice(2, 5, 6), &[6], false),
    ];
    for (what, make, shape, is_view) in cases {
        let x = cube();
        let seen = make(&x);
        let reshaped = seen.reshape(shape);
        assert_eq!(reshaped.shape(), shape, "{what}");
        assert_eq!(reshaped.to_vec(), seen.to_vec(), "{what}: row-major order kept");
        assert_eq!(Rc::ptr_eq(&reshaped.node, &seen.node), is_view, "{what}: a view, not a copy ({:?})", reshaped.view);
        assert_eq!(view::is_plain(&reshaped.view), !is_view || view::is_plain(&seen.view), "{what}: plain exactly when a copy");
        // Gradients through the view and through a copy, with distinct weights per element.
        let n = reshaped.numel();
        let w = Tensor::arange(1.0, n as f32 + 1.0, 1.0).reshape(shape);
        let grad_of = |r: &Tensor| {
            x.zero_grad();
            r.mul(&w).sum().backward();
            x.grad().expect("x has a gradient").to_vec()
        };
        let through_view = grad_of(&reshaped);
        let through_copy = grad_of(&make(&x).contiguous().reshape(shape));
        assert_eq!(through_view, through_copy, "{what}: gradient");
    }
}
