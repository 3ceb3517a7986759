//! Matrix products, built as luminal's high-level ops do: broadcast both
//! operands to `[..., M, N, K]` views, multiply, and sum over `K`.

use crate::shape_checks::{check_rank, try_broadcast};
use crate::ir::Op;
use crate::tensor::Tensor;

impl Tensor {
    /// Matrix product, following `torch.matmul`:
    ///
    /// * `[M, K] × [K, N] → [M, N]`
    /// * batched: `[B, M, K] × [B, K, N] → [B, M, N]`, and `[B, M, K] × [K, N] → [B, M, N]`
    ///   (leading batch dimensions broadcast, up to 3 of them)
    /// * a 1-D left operand is treated as one row, a 1-D right operand as one
    ///   column, and that dimension is removed from the result.
    #[track_caller]
    pub fn matmul(&self, other: &Tensor) -> Tensor {
        let (a_shape, b_shape) = (self.shape(), other.shape());
        if a_shape.is_empty() || b_shape.is_empty() {
            panic!(
                "matmul: both tensors need at least 1 dimension, but the left tensor has shape {a_shape:?} \
                 and the right tensor has shape {b_shape:?}; use * to multiply by a scalar"
            );
        }
        // Promote vectors to matrices, and remember to drop that dimension again.
        let a = if a_shape.len() == 1 {
            self.unsqueeze(0)
        } else {
            self.clone()
        };
        let b = if b_shape.len() == 1 {
            other.unsqueeze(1)
        } else {
            other.clone()
        };
        let (a_mat, b_mat) = (a.shape(), b.shape());
        let (m, k) = (a_mat[a_mat.len() - 2], a_mat[a_mat.len() - 1]);
        let (k2, n) = (b_mat[b_mat.len() - 2], b_mat[b_mat.len() - 1]);
        if k != k2 {
            panic!(
                "matmul: the inner dimensions must match, but the left tensor has shape {a_shape:?} \
                 and the right tensor has shape {b_shape:?} ({k} ≠ {k2})"
            );
        }
        let (a_batch, b_batch) = (&a_mat[..a_mat.len() - 2], &b_mat[..b_mat.len() - 2]);
        let Some(batch) = try_broadcast(a_batch, b_batch) else {
            panic!(
                "matmul: the batch dimensions {a_batch:?} and {b_batch:?} cannot be broadcast together \
                 (the left tensor has shape {a_shape:?} and the right tensor has shape {b_shape:?})"
            );
        };
        check_rank("matmul", batch.len() + 3);

        let with_batch = |rows: usize, cols: usize| {
            let mut s = batch.clone();
            s.extend([rows, cols]);
            s
        };
        let r = batch.len(); // position of M in [..., M, N, K]
                             // a: [..., M, K] -> [..., M, N, K] (N is a broadcast dimension)
        let a_view = a
            .broadcast_view(&with_batch(m, k))
            .with_broadcast_dim(r + 1, n);
        // b: [..., K, N] -> [..., N, K] -> [..., M, N, K]
        let b_view = b
            .broadcast_view(&with_batch(k, n))
            .transpose(r, r + 1)
            .with_broadcast_dim(r, m);
        let mut product_shape = with_batch(m, n);
        product_shape.push(k);
        let product = Tensor::from_op(Op::Mul, vec![a_view, b_view], product_shape);
        let mut result = product.sum_dim(r + 2, false);

        if b_shape.len() == 1 {
            result = result.squeeze(r + 1);
        }
        if a_shape.len() == 1 {
            result = result.squeeze(r);
        }
        result
    }

    /// Dot product of two 1-D tensors of equal length, as a scalar tensor.
    #[track_caller]
    pub fn dot(&self, other: &Tensor) -> Tensor {
        let (a, b) = (self.shape(), other.shape());
        if a.len() != 1 || b.len() != 1 || a != b {
            panic!(
                "dot: expects two 1-D tensors of the same length, but got shapes {a:?} and {b:?}"
            );
        }
        self.mul(other).sum()
    }
}
