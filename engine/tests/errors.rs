//! Shape errors: each must name the operation and the shapes involved, and
//! (thanks to `#[track_caller]`) point at the learner's line, not the engine's.

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use nma_engine::prelude::*;
#[allow(unused_imports)]
use nma_engine::{data::*, nn::*, testing::*, train::*};

thread_local! {
    static CAPTURING: RefCell<bool> = const { RefCell::new(false) };
    static LOCATION: RefCell<Option<(String, u32)>> = const { RefCell::new(None) };
}

/// Runs `f`, expecting a panic; returns its message and the file/line the
/// panic was reported at. Panics from other tests still print normally.
fn panic_of(f: impl FnOnce()) -> (String, String, u32) {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let default_hook = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if CAPTURING.with(|c| *c.borrow()) {
                let location = info.location().map(|l| (l.file().to_string(), l.line()));
                LOCATION.with(|slot| *slot.borrow_mut() = location);
            } else {
                default_hook(info);
            }
        }));
    });
    CAPTURING.with(|c| *c.borrow_mut() = true);
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    CAPTURING.with(|c| *c.borrow_mut() = false);
    let payload = result.expect_err("expected a panic, but the code ran without one");
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default();
    let (file, line) = LOCATION
        .with(|slot| slot.borrow_mut().take())
        .expect("panic location");
    (message, file, line)
}

/// Asserts the panic message and that it is reported on the line of the call.
#[track_caller]
fn assert_panics_here(expected_line: u32, message: &str, f: impl FnOnce()) {
    let (got, file, line) = panic_of(f);
    assert_eq!(got, message);
    assert!(
        file.ends_with("errors.rs"),
        "panic reported in {file}:{line}, not in the test"
    );
    assert_eq!(line, expected_line, "panic reported at line {line}");
}

fn m(shape: &[usize]) -> Tensor {
    Tensor::zeros(shape)
}

#[test]
fn matmul_inner_dimension_mismatch() {
    let (a, b) = (m(&[2, 3]), m(&[4, 2]));
    assert_panics_here(
        line!() + 3,
        "matmul: the inner dimensions must match, but the left tensor has shape [2, 3] and the right tensor has shape [4, 2] (3 ≠ 4)",
        || {
            a.matmul(&b);
        },
    );
}

#[test]
fn matmul_batch_mismatch_and_scalars() {
    let (msg, _, _) = panic_of(|| {
        m(&[2, 3, 4]).matmul(&m(&[3, 4, 5]));
    });
    assert_eq!(
        msg,
        "matmul: the batch dimensions [2] and [3] cannot be broadcast together (the left tensor has shape [2, 3, 4] and the right tensor has shape [3, 4, 5])"
    );
    let (msg, _, _) = panic_of(|| {
        Tensor::scalar(1.0).matmul(&m(&[2]));
    });
    assert!(
        msg.starts_with("matmul: both tensors need at least 1 dimension"),
        "{msg}"
    );
}

#[test]
fn broadcasting_errors_name_the_operation() {
    let (a, b) = (m(&[2, 3]), m(&[4]));
    let expected_add = "add: shapes [2, 3] and [4] cannot be broadcast together \
        (matching from the right, each pair of sizes must be equal or one of them must be 1)";
    assert_panics_here(line!(), expected_add, || drop(&a + &b));
    assert_panics_here(line!(), expected_add, || drop(a.add(&b)));
    let (msg, _, _) = panic_of(|| drop(&a - &b));
    assert!(
        msg.starts_with("sub: shapes [2, 3] and [4] cannot be broadcast together"),
        "{msg}"
    );
    let (msg, _, _) = panic_of(|| drop(&a * &b));
    assert!(msg.starts_with("mul: shapes [2, 3] and [4]"), "{msg}");
    let (msg, _, _) = panic_of(|| drop(&a / &b));
    assert!(msg.starts_with("div: shapes [2, 3] and [4]"), "{msg}");
    let (msg, _, _) = panic_of(|| drop(a.maximum(&b)));
    assert!(msg.starts_with("maximum: shapes [2, 3] and [4]"), "{msg}");
    let (msg, _, _) = panic_of(|| drop(a.gt(&b)));
    assert!(msg.starts_with("gt: shapes [2, 3] and [4]"), "{msg}");
    let (msg, _, _) = panic_of(|| drop(a.ge(&b)));
    assert!(msg.starts_with("ge: shapes [2, 3] and [4]"), "{msg}");
    let (msg, _, _) = panic_of(|| drop(a.eq_elem(&b)));
    assert!(msg.starts_with("eq_elem: shapes [2, 3] and [4]"), "{msg}");
    let mut w = a.clone();
    assert_panics_here(line!(), expected_add, || w += &b);
}

#[test]
fn creation_errors() {
    assert_panics_here(
        line!() + 2,
        "from_vec: shape [2, 3] needs 6 values, but 5 were given",
        || drop(Tensor::from_vec(vec![0.0; 5], &[2, 3])),
    );
    let (msg, _, _) = panic_of(|| drop(Tensor::arange(0.0, 5.0, -1.0)));
    assert!(
        msg.starts_with("arange: a step of -1 can never get from 0 to 5"),
        "{msg}"
    );
    let (msg, _, _) = panic_of(|| drop(Tensor::arange(0.0, 5.0, 0.0)));
    assert!(
        msg.starts_with("arange:") && msg.contains("step must not be 0"),
        "{msg}"
    );
    let (msg, _, _) = panic_of(|| drop(Tensor::one_hot(&[0, 3], 3)));
    assert_eq!(
        msg,
        "one_hot: label 3 (at position 1) is too big for 3 classes; labels must be between 0 and 2"
    );
    let (msg, _, _) = panic_of(|| drop(Tensor::zeros(&[1; 7])));
    assert_eq!(
        msg,
        "full: tensors can have at most 6 dimensions, but this would create one with 7"
    );
}

#[test]
fn inspection_errors() {
    let x = m(&[2, 3]);
    assert_panics_here(
        line!() + 2,
        "item: expected a tensor with exactly one element, but this tensor has shape [2, 3] (6 elements)",
        || { let _ = x.item(); },
    );
}

#[test]
fn shape_operation_errors() {
    let x = m(&[2, 3]);
    assert_panics_here(
        line!() + 2,
        "reshape: cannot reshape a tensor of shape [2, 3] (6 elements) into shape [4] (4 elements)",
        || drop(x.reshape(&[4])),
    );
    let (msg, _, _) = panic_of(|| drop(x.permute(&[0, 0])));
    assert_eq!(
        msg,
        "permute: [0, 0] is not a valid order for a tensor of shape [2, 3]; it must list each of the dimensions 0..2 exactly once"
    );
    let (msg, _, _) = panic_of(|| drop(x.permute(&[1])));
    assert!(
        msg.starts_with("permute: [1] is not a valid order"),
        "{msg}"
    );
    let (msg, _, _) = panic_of(|| drop(x.transpose(0, 2)));
    assert_eq!(
        msg,
        "transpose: dimension 2 is out of range for a tensor of shape [2, 3] (it has 2 dimensions, so dim must be between 0 and 1)"
    );
    let (msg, _, _) = panic_of(|| drop(m(&[2, 3, 4]).t()));
    assert!(
        msg.starts_with("t: expects a matrix (2 dimensions) but got shape [2, 3, 4]"),
        "{msg}"
    );
    let (msg, _, _) = panic_of(|| drop(x.squeeze(1)));
    assert_eq!(
        msg,
        "squeeze: dimension 1 of shape [2, 3] has size 3, but only dimensions of size 1 can be removed"
    );
    let (msg, _, _) = panic_of(|| drop(x.unsqueeze(3)));
    assert_eq!(
        msg,
        "unsqueeze: position 3 is out of range for a tensor of shape [2, 3] (it must be between 0 and 2)"
    );
    let (msg, _, _) = panic_of(|| drop(x.expand(&[2, 4])));
    assert!(
        msg.starts_with("expand: a tensor of shape [2, 3] cannot be expanded to shape [2, 4]"),
        "{msg}"
    );
    let (msg, _, _) = panic_of(|| drop(x.expand(&[3])));
    assert!(
        msg.starts_with("expand: a tensor of shape [2, 3] cannot be expanded to shape [3]"),
        "{msg}"
    );
    assert_panics_here(
        line!() + 2,
        "slice: range 1..4 does not fit dimension 1 of shape [2, 3]; it needs start <= end <= 3",
        || drop(x.slice(1, 1, 4)),
    );
    let (msg, _, _) = panic_of(|| drop(x.slice(1, 2, 1)));
    assert!(msg.starts_with("slice: range 2..1 does not fit"), "{msg}");
    let (msg, _, _) = panic_of(|| drop(m(&[1; 6]).unsqueeze(0)));
    assert_eq!(
        msg,
        "unsqueeze: tensors can have at most 6 dimensions, but this would create one with 7"
    );
}

#[test]
fn cat_and_stack_errors() {
    let (a, b) = (m(&[2, 3]), m(&[3, 3]));
    assert_panics_here(
        line!() + 2,
        "cat: all tensors must have the same shape except in dimension 1, but tensor 0 has shape [2, 3] and tensor 1 has shape [3, 3]",
        || drop(Tensor::cat(&[&a, &b], 1)),
    );
    let (msg, _, _) = panic_of(|| drop(Tensor::cat(&[], 0)));
    assert_eq!(msg, "cat: needs at least one tensor, but the list is empty");
    let (msg, _, _) = panic_of(|| drop(Tensor::stack(&[&a, &b], 0)));
    assert_eq!(
        msg,
        "stack: all tensors must have the same shape, but tensor 0 has shape [2, 3] and tensor 1 has shape [3, 3]"
    );
}

#[test]
fn reduction_errors() {
    let x = m(&[2, 3]);
    assert_panics_here(
        line!() + 2,
        "sum_dim: dimension 2 is out of range for a tensor of shape [2, 3] (it has 2 dimensions, so dim must be between 0 and 1)",
        || drop(x.sum_dim(2, false)),
    );
    let (msg, _, _) = panic_of(|| drop(x.argmax_dim(5)));
    assert!(
        msg.starts_with("argmax_dim: dimension 5 is out of range"),
        "{msg}"
    );
    let (msg, _, _) = panic_of(|| drop(m(&[0]).max()));
    assert_eq!(
        msg,
        "max: the tensor has no elements (shape [0]), so it has no max"
    );
    let (msg, _, _) = panic_of(|| drop(m(&[2, 0]).max_dim(1, false)));
    assert_eq!(
        msg,
        "max_dim: cannot reduce dimension 1 of shape [2, 0] because it has size 0"
    );
    let (msg, _, _) = panic_of(|| drop(Tensor::scalar(1.0).sum_dim(0, false)));
    assert_eq!(
        msg,
        "sum_dim: dimension 0 is out of range for a tensor of shape [] (it has no dimensions at all)"
    );
}

#[test]
fn dot_errors() {
    let (msg, _, _) = panic_of(|| drop(m(&[3]).dot(&m(&[4]))));
    assert_eq!(
        msg,
        "dot: expects two 1-D tensors of the same length, but got shapes [3] and [4]"
    );
    let (msg, _, _) = panic_of(|| drop(m(&[2, 2]).dot(&m(&[2, 2]))));
    assert!(msg.contains("got shapes [2, 2] and [2, 2]"), "{msg}");
}
