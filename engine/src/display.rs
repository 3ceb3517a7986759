//! Printing tensors, PyTorch style: `tensor([[1., 2.], [3., 4.]], shape=[2, 2])`.
//! `{:#}` puts each row on its own line. Big tensors (more than 1000 elements)
//! show only the first and last 3 entries of each long dimension.

use std::fmt;

use crate::tensor::Tensor;

const SUMMARIZE_ABOVE: usize = 1000;
const EDGE_ITEMS: usize = 3;

/// How every number of one tensor is written, chosen from all its values so
/// the columns look alike.
#[derive(Clone, Copy)]
enum NumberStyle {
    /// All whole numbers: `1.`, `-3.`
    Whole,
    /// Moderate magnitudes: `0.5000`
    Fixed,
    /// Very large or very small magnitudes: `1.2346e-7`
    Scientific,
}

impl NumberStyle {
    fn choose(values: &[f32]) -> NumberStyle {
        let finite: Vec<f32> = values.iter().copied().filter(|v| v.is_finite()).collect();
        if finite.iter().all(|v| v.fract() == 0.0 && v.abs() < 1e8) {
            return NumberStyle::Whole;
        }
        let nonzero = finite.iter().map(|v| v.abs()).filter(|&a| a > 0.0);
        let (smallest, largest) = nonzero.fold((f32::INFINITY, 0.0f32), |(lo, hi), a| {
            (lo.min(a), hi.max(a))
        });
        if largest >= 1e8 || smallest < 1e-4 {
            NumberStyle::Scientific
        } else {
            NumberStyle::Fixed
        }
    }

    fn format(self, v: f32) -> String {
        if v.is_nan() {
            return "nan".to_string();
        }
        if v.is_infinite() {
            return if v > 0.0 { "inf" } else { "-inf" }.to_string();
        }
        match self {
            NumberStyle::Whole => format!("{v}."),
            NumberStyle::Fixed => format!("{v:.4}"),
            NumberStyle::Scientific => format!("{v:.4e}"),
        }
    }
}

struct Printer<'a> {
    values: &'a [f32],
    shape: &'a [usize],
    style: NumberStyle,
    summarize: bool,
    multiline: bool,
}

impl Printer<'_> {
    /// Writes the sub-array that starts at `offset` and spans dimensions `dim..`.
    fn write(&self, out: &mut String, dim: usize, offset: usize) {
        if dim == self.shape.len() {
            out.push_str(&self.style.format(self.values[offset]));
            return;
        }
        let size = self.shape[dim];
        let stride: usize = self.shape[dim + 1..].iter().product();
        let separator = if self.multiline && dim + 1 < self.shape.len() {
            // Line up nested brackets under the opening one: "tensor(" + one "[" per level.
            format!(
                ",{}\n{}",
                "\n".repeat(self.shape.len() - dim - 2),
                " ".repeat(7 + dim + 1)
            )
        } else {
            ", ".to_string()
        };
        out.push('[');
        let shown: Vec<Option<usize>> = if self.summarize && size > 2 * EDGE_ITEMS {
            (0..EDGE_ITEMS)
                .map(Some)
                .chain(std::iter::once(None))
                .chain((size - EDGE_ITEMS..size).map(Some))
                .collect()
        } else {
            (0..size).map(Some).collect()
        };
        for (n, index) in shown.iter().enumerate() {
            if n > 0 {
                out.push_str(&separator);
            }
            match index {
                Some(i) => self.write(out, dim + 1, offset + i * stride),
                None => out.push_str("..."),
            }
        }
        out.push(']');
    }
}

impl fmt::Display for Tensor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shape = self.shape();
        let values = self.to_vec();
        let mut body = String::new();
        if values.is_empty() {
            body.push_str("[]");
        } else {
            let printer = Printer {
                values: &values,
                shape: &shape,
                style: NumberStyle::choose(&values),
                summarize: values.len() > SUMMARIZE_ABOVE,
                multiline: f.alternate(),
            };
            printer.write(&mut body, 0, 0);
        }
        write!(f, "tensor({body}, shape={shape:?})")
    }
}

impl fmt::Debug for Tensor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
