//! Shape operations and views (permute, reshape, slice, expand, cat, stack),
//! including operations applied on top of views. Expected values are worked
//! out by hand from `arange`, where element values equal their flat index.

use nma_engine::prelude::*;
#[allow(unused_imports)]
use nma_engine::{data::*, nn::*, testing::*, train::*};

fn check(got: &Tensor, shape: &[usize], expected: &[f32]) {
    assert_close(got, shape, expected, 1e-6);
}

fn range(n: usize) -> Tensor {
    Tensor::arange(0.0, n as f32, 1.0)
}

fn floats(values: &[usize]) -> Vec<f32> {
    values.iter().map(|&v| v as f32).collect()
}

#[test]
fn reshape_and_flatten() {
    let x = range(6).reshape(&[2, 3]);
    check(&x, &[2, 3], &floats(&[0, 1, 2, 3, 4, 5]));
    check(&x.reshape(&[3, 2]), &[3, 2], &floats(&[0, 1, 2, 3, 4, 5]));
    check(
        &x.reshape(&[6, 1, 1]).flatten(),
        &[6],
        &floats(&[0, 1, 2, 3, 4, 5]),
    );
    check(&Tensor::scalar(5.0).reshape(&[1, 1]), &[1, 1], &[5.0]);
    check(&Tensor::from_vec(vec![5.0], &[1]).reshape(&[]), &[], &[5.0]);
}

#[test]
fn transpose_and_permute() {
    let x = range(6).reshape(&[2, 3]);
    check(&x.t(), &[3, 2], &floats(&[0, 3, 1, 4, 2, 5]));
    check(&x.t().t(), &[2, 3], &floats(&[0, 1, 2, 3, 4, 5]));
    check(&x.transpose(1, 0), &[3, 2], &floats(&[0, 3, 1, 4, 2, 5]));
    // 1-D tensors are unchanged by t(), like PyTorch.
    check(&range(3).t(), &[3], &[0.0, 1.0, 2.0]);

    // cube[i][j][k] = 12i + 4j + k; permute([2, 0, 1]) gives out[k][i][j].
    let cube = range(24).reshape(&[2, 3, 4]);
    let p = cube.permute(&[2, 0, 1]);
    assert_eq!(p.shape(), vec![4, 2, 3]);
    let mut expected = Vec::new();
    for k in 0..4 {
        for i in 0..2 {
            for j in 0..3 {
                expected.push(12 * i + 4 * j + k);
            }
        }
    }
    check(&p, &[4, 2, 3], &floats(&expected));
    // Permute then reshape must copy in the permuted order.
    check(&p.reshape(&[4, 6]), &[4, 6], &floats(&expected));
    check(&p.flatten(), &[24], &floats(&expected));
    // transpose(0, 2): out[k][j][i] = 12i + 4j + k.
    let tr = cube.transpose(0, 2);
    assert_eq!(tr.shape(), vec![4, 3, 2]);
    assert_eq!(tr.to_vec()[..4], [0.0, 12.0, 4.0, 16.0]);
}

#[test]
fn unsqueeze_and_squeeze() {
    let v = range(3);
    check(&v.unsqueeze(0), &[1, 3], &[0.0, 1.0, 2.0]);
    check(&v.unsqueeze(1), &[3, 1], &[0.0, 1.0, 2.0]);
    check(&v.unsqueeze(1).squeeze(1), &[3], &[0.0, 1.0, 2.0]);
    // On a transposed view, too.
    let x = range(6).reshape(&[2, 3]).t(); // [[0,3],[1,4],[2,5]]
    let u = x.unsqueeze(1);
    check(&u, &[3, 1, 2], &floats(&[0, 3, 1, 4, 2, 5]));
    check(&u.squeeze(1), &[3, 2], &floats(&[0, 3, 1, 4, 2, 5]));
    check(&u.reshape(&[6]), &[6], &floats(&[0, 3, 1, 4, 2, 5]));
    // Squeezing a dimension that came from a slice keeps the slice's offset.
    let row = range(6).reshape(&[2, 3]).slice(0, 1, 2); // [[3, 4, 5]]
    check(&row.squeeze(0), &[3], &[3.0, 4.0, 5.0]);
}

#[test]
fn slicing() {
    let x = range(12).reshape(&[3, 4]);
    check(&x.slice(1, 1, 3), &[3, 2], &floats(&[1, 2, 5, 6, 9, 10]));
    check(&x.slice(0, 2, 3), &[1, 4], &floats(&[8, 9, 10, 11]));
    check(
        &x.slice(1, 1, 3).slice(0, 1, 3),
        &[2, 2],
        &floats(&[5, 6, 9, 10]),
    );
    // A slice of a slice along the same dimension is relative to the first slice.
    check(&range(10).slice(0, 2, 8).slice(0, 1, 3), &[2], &[3.0, 4.0]);
    // Slicing a transposed view: columns 1..3 of xᵀ are rows 1..3 of x, transposed.
    check(
        &x.t().slice(1, 1, 3),
        &[4, 2],
        &floats(&[4, 8, 5, 9, 6, 10, 7, 11]),
    );
    // Operations on slices.
    check(
        &(x.slice(1, 0, 2) + x.slice(1, 2, 4)),
        &[3, 2],
        &floats(&[2, 4, 10, 12, 18, 20]),
    );
    check(
        &x.slice(0, 1, 2).reshape(&[2, 2]),
        &[2, 2],
        &floats(&[4, 5, 6, 7]),
    );
    check(&x.slice(1, 3, 4).exp().log(), &[3, 1], &floats(&[3, 7, 11]));
    // Empty slices are allowed.
    assert_eq!(x.slice(0, 1, 1).shape(), vec![0, 4]);
    assert!(x.slice(0, 1, 1).to_vec().is_empty());
}

#[test]
fn expand_broadcasts_without_copying_values_wrongly() {
    let col = Tensor::from_vec(vec![1.0, 2.0, 3.0], &[3, 1]);
    check(
        &col.expand(&[3, 4]),
        &[3, 4],
        &[1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 2.0, 2.0, 3.0, 3.0, 3.0, 3.0],
    );
    let row = Tensor::from_vec(vec![1.0, 2.0, 3.0], &[3]);
    check(
        &row.expand(&[2, 3]),
        &[2, 3],
        &[1.0, 2.0, 3.0, 1.0, 2.0, 3.0],
    );
    check(
        &row.expand(&[2, 3]).t(),
        &[3, 2],
        &[1.0, 1.0, 2.0, 2.0, 3.0, 3.0],
    );
    // Expand, then reshape and unary ops (both need a real copy).
    check(
        &row.expand(&[2, 3]).reshape(&[6]),
        &[6],
        &[1.0, 2.0, 3.0, 1.0, 2.0, 3.0],
    );
    check(
        &Tensor::from_vec(vec![4.0, 9.0], &[2])
            .expand(&[2, 2])
            .sqrt(),
        &[2, 2],
        &[2.0, 3.0, 2.0, 3.0],
    );
    // Expanding a sliced size-1 dimension must keep the slice's offset.
    let x = range(6).reshape(&[2, 3]);
    check(
        &x.slice(0, 1, 2).expand(&[2, 3]),
        &[2, 3],
        &floats(&[3, 4, 5, 3, 4, 5]),
    );
    check(
        &x.slice(1, 2, 3).expand(&[2, 2]),
        &[2, 2],
        &floats(&[2, 2, 5, 5]),
    );
    // Broadcasting in arithmetic against a sliced size-1 dimension.
    check(
        &(&x + &x.slice(0, 1, 2)),
        &[2, 3],
        &floats(&[3, 5, 7, 6, 8, 10]),
    );
    // Reducing an expanded view counts every copy: 2 rows of [1, 2, 3].
    assert_scalar_close(row.expand(&[2, 3]).sum().item(), 12.0, 0.0);
}

#[test]
fn cat_joins_along_a_dimension() {
    let a = range(6).reshape(&[2, 3]);
    let b = Tensor::from_vec(vec![10.0, 11.0, 12.0], &[1, 3]);
    check(
        &Tensor::cat(&[&a, &b], 0),
        &[3, 3],
        &floats(&[0, 1, 2, 3, 4, 5, 10, 11, 12]),
    );
    let c = Tensor::from_vec(vec![-1.0, -2.0], &[2, 1]);
    check(
        &Tensor::cat(&[&c, &a, &c], 1),
        &[2, 5],
        &[-1.0, 0.0, 1.0, 2.0, -1.0, -2.0, 3.0, 4.0, 5.0, -2.0],
    );
    // Views as inputs: a transpose, a slice and a broadcast.
    let parts = [
        &a.t(),
        &a.t().slice(0, 0, 1),
        &Tensor::from_vec(vec![7.0], &[1, 1]).expand(&[1, 2]),
    ];
    check(
        &Tensor::cat(&parts, 0),
        &[5, 2],
        &floats(&[0, 3, 1, 4, 2, 5, 0, 3, 7, 7]),
    );
    // Operations on the result, including unary ones.
    check(
        &Tensor::cat(&[&a, &b], 0).sum_dim(0, false),
        &[3],
        &[13.0, 16.0, 19.0],
    );
    check(
        &Tensor::cat(&[&b, &b], 1).square(),
        &[1, 6],
        &[100.0, 121.0, 144.0, 100.0, 121.0, 144.0],
    );
    // Empty pieces are skipped; a single tensor is returned as is.
    check(
        &Tensor::cat(&[&a, &Tensor::zeros(&[0, 3])], 0),
        &[2, 3],
        &floats(&[0, 1, 2, 3, 4, 5]),
    );
    check(&Tensor::cat(&[&b], 0), &[1, 3], &[10.0, 11.0, 12.0]);
}

#[test]
fn stack_adds_a_dimension() {
    let a = Tensor::from_vec(vec![1.0, 2.0], &[2]);
    let b = Tensor::from_vec(vec![3.0, 4.0], &[2]);
    check(&Tensor::stack(&[&a, &b], 0), &[2, 2], &[1.0, 2.0, 3.0, 4.0]);
    check(&Tensor::stack(&[&a, &b], 1), &[2, 2], &[1.0, 3.0, 2.0, 4.0]);
    let m = range(4).reshape(&[2, 2]);
    let s = Tensor::stack(&[&m, &m.t(), &m], 2);
    assert_eq!(s.shape(), vec![2, 2, 3]);
    // s[i][j] = [m[i][j], m[j][i], m[i][j]]
    check(
        &s,
        &[2, 2, 3],
        &floats(&[0, 0, 0, 1, 2, 1, 2, 1, 2, 3, 3, 3]),
    );
}

#[test]
fn binary_ops_on_mixed_views() {
    let x = range(6).reshape(&[2, 3]);
    // x + xᵀᵀ and x * (x sliced and expanded)
    check(&(&x + &x.t().t()), &[2, 3], &floats(&[0, 2, 4, 6, 8, 10]));
    let first_col = x.slice(1, 0, 1); // [[0], [3]]
    check(&(&x * &first_col), &[2, 3], &floats(&[0, 0, 0, 9, 12, 15]));
    // xᵀ (3×2) + row [10, 20]
    check(
        &(x.t() + Tensor::from_vec(vec![10.0, 20.0], &[2])),
        &[3, 2],
        &floats(&[10, 23, 11, 24, 12, 25]),
    );
}

/// Padding one dimension of a view that is sliced (or already padded) in
/// another needs no copy; the values must be exactly those of the copy.
#[test]
fn padding_one_dimension_of_a_view_sliced_in_another() {
    let data: Vec<f32> = (0..20).map(|v| v as f32).collect();
    let x = Tensor::from_vec(data.clone(), &[4, 5]);
    // Columns 1..4, then two zero rows before and one after: [7, 3].
    let v = Tensor::cat(&[&Tensor::zeros(&[2, 3]), &x.slice(1, 1, 4), &Tensor::zeros(&[1, 3])], 0);
    let mut expected = vec![0.0; 21];
    for r in 0..4 {
        for c in 0..3 {
            expected[(r + 2) * 3 + c] = data[r * 5 + c + 1];
        }
    }
    assert_eq!(v.to_vec(), expected);
    // Stacking shifted slices of a padded image (a convolution's patches).
    let img = x.reshape(&[1, 4, 5]);
    let padded = Tensor::cat(&[&Tensor::zeros(&[1, 4, 1]), &img, &Tensor::zeros(&[1, 4, 1])], 2); // [1, 4, 7]
    let taps: Vec<Tensor> = (0..3).map(|j| padded.slice(1, 1, 3).slice(2, j, j + 5)).collect();
    let refs: Vec<&Tensor> = taps.iter().collect();
    let stacked = Tensor::stack(&refs, 1); // [1, 3, 2, 5]
    let got = stacked.to_vec();
    for j in 0..3 {
        for r in 0..2 {
            for c in 0..5 {
                let src_col = c as isize + j as isize - 1;
                let want = if (0..5).contains(&src_col) { data[(r + 1) * 5 + src_col as usize] } else { 0.0 };
                assert_eq!(got[(j * 2 + r) * 5 + c], want, "tap {j}, row {r}, column {c}");
            }
        }
    }
}
