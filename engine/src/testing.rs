//! Assertions for exercise tests, with messages written for learners.
//!
//! Two numbers are close when `|got - expected| <= tol * max(1, |expected|)`:
//! an absolute tolerance for values up to 1 in size, a relative one beyond.
//! Equal infinities are close; NaN is close only to an expected NaN, never to
//! a number.

use crate::tensor::Tensor;

/// How many values a message lists before eliding the rest.
const MAX_LISTED: usize = 12;

fn is_close(got: f32, expected: f32, tol: f32) -> bool {
    if got.is_nan() || expected.is_nan() {
        return got.is_nan() && expected.is_nan();
    }
    got == expected || (got - expected).abs() <= tol * expected.abs().max(1.0)
}

fn list(values: &[f32]) -> String {
    let shown: Vec<String> = values
        .iter()
        .take(MAX_LISTED)
        .map(|v| format!("{v}"))
        .collect();
    if values.len() > MAX_LISTED {
        format!(
            "[{}, ... ({} values in total)]",
            shown.join(", "),
            values.len()
        )
    } else {
        format!("[{}]", shown.join(", "))
    }
}

/// Position of flat index `flat` in a row-major tensor of `shape`.
fn multi_index(mut flat: usize, shape: &[usize]) -> Vec<usize> {
    let mut index = vec![0; shape.len()];
    for d in (0..shape.len()).rev() {
        if shape[d] > 0 {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
    }
    index
}

fn difference(got: f32, expected: f32) -> String {
    if got.is_nan() {
        "is NaN (not a number)".to_string()
    } else if expected.is_nan() {
        "should be NaN".to_string()
    } else {
        format!("differs by {}", (got - expected).abs())
    }
}

/// Panics unless `got` has shape `expected_shape` and values (row-major)
/// close to `expected` within `tol` (see the [module docs](self)).
#[track_caller]
pub fn assert_close(got: &Tensor, expected_shape: &[usize], expected: &[f32], tol: f32) {
    let expected_count: usize = expected_shape.iter().product();
    assert!(
        expected.len() == expected_count,
        "assert_close was called incorrectly: expected shape {expected_shape:?} has {expected_count} elements, but {} expected values were given",
        expected.len()
    );
    let shape = got.shape();
    let values = got.to_vec();
    let expected_text = format!(
        "expected a tensor of shape {expected_shape:?} with values {}",
        list(expected)
    );
    if shape != expected_shape {
        panic!(
            "{expected_text}, but got shape {shape:?} with values {} (the shapes differ)",
            list(&values)
        );
    }
    let mismatches: Vec<usize> = (0..values.len())
        .filter(|&i| !is_close(values[i], expected[i], tol))
        .collect();
    if let Some(&first) = mismatches.first() {
        let position = if shape.len() == 1 {
            format!("element {first}")
        } else {
            format!(
                "element {first}, at index {:?},",
                multi_index(first, &shape)
            )
        };
        let others = match mismatches.len() {
            1 => String::new(),
            2 => "; 1 other element also differs".to_string(),
            n => format!("; {} other elements also differ", n - 1),
        };
        panic!(
            "{expected_text}, but got shape {shape:?} with values {} ({position} {}: got {}, expected {}, tolerance {tol}{others})",
            list(&values),
            difference(values[first], expected[first]),
            values[first],
            expected[first],
        );
    }
}

/// Panics unless `got` is close to `expected` within `tol` (see the [module docs](self)).
#[track_caller]
pub fn assert_scalar_close(got: f32, expected: f32, tol: f32) {
    if !is_close(got, expected, tol) {
        panic!(
            "expected {expected}, but got {got} (it {}, tolerance {tol})",
            difference(got, expected)
        );
    }
}
