use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::{assert_close, assert_scalar_close};

/// (∂L/∂w, ∂L/∂b) of (y − tanh(wx + b))² in f64.
fn reference_gradient(w: f64, b: f64, x: f64, y: f64) -> (f64, f64) {
    let t = (w * x + b).tanh();
    let g = -2.0 * (y - t) * (1.0 - t * t);
    (g * x, g)
}

const POINTS: [(f32, f32, f32, f32); 5] = [
    (1.0, 0.5, 1.0, 2.0),
    (0.3, -0.2, 2.0, -1.0),
    (-1.2, 0.4, 0.5, 0.25),
    (0.8, 0.1, -1.5, 3.0),
    (2.0, -1.0, 0.7, 0.0),
];

#[test]
fn forward_on_a_batch() {
    let graph = SimpleGraph::new(1.3, -0.2);
    let xs = [-2.0f32, -0.5, 0.0, 0.4, 1.0, 3.0];
    let expected: Vec<f32> = xs.iter().map(|&x| (1.3 * x as f64 - 0.2).tanh() as f32).collect();
    assert_close(&graph.forward(&Tensor::from_vec(xs.to_vec(), &[6])), &[6], &expected, 1e-5);
}

#[test]
fn loss_is_the_mean_of_squares() {
    let y = Tensor::from_vec(vec![1.0, -2.0, 0.5, 3.0], &[4]);
    let p = Tensor::from_vec(vec![0.5, 0.0, 0.5, -1.0], &[4]);
    // (0.25 + 4 + 0 + 16) / 4
    assert_scalar_close(sq_loss(&y, &p).item(), 5.0625, 1e-5);
    assert_scalar_close(sq_loss(&p, &y).item(), 5.0625, 1e-5);
}

#[test]
fn hand_gradient_matches_autograd_where_tanh_bends() {
    for (w, b, x, y) in POINTS {
        let (dw, db) = dloss_dparams(w, b, x, y);
        let (rw, rb) = reference_gradient(w as f64, b as f64, x as f64, y as f64);
        // The engine's autograd on its own graph, as an independent check of the reference.
        let (pw, pb) = (Tensor::scalar(w).requires_grad(), Tensor::scalar(b).requires_grad());
        (Tensor::scalar(y) - (&pw * x + &pb).tanh()).square().backward();
        assert_scalar_close(pw.grad().unwrap().item(), rw as f32, 1e-4);
        assert_scalar_close(pb.grad().unwrap().item(), rb as f32, 1e-4);
        assert!(
            (dw as f64 - rw).abs() < 1e-4 && (db as f64 - rb).abs() < 1e-4,
            "at w={w}, b={b}, x={x}, y={y}: the gradient is ({rw:.6}, {rb:.6}), you give ({dw}, {db})"
        );
    }
}

#[test]
fn your_graph_backpropagates_a_batch() {
    let graph = SimpleGraph::new(0.7, -0.3);
    let xs = [-1.0f32, 0.5, 2.0];
    let ys = [0.5f32, -0.5, 1.0];
    sq_loss(&Tensor::from_vec(ys.to_vec(), &[3]), &graph.forward(&Tensor::from_vec(xs.to_vec(), &[3]))).backward();
    let (mut rw, mut rb) = (0.0, 0.0);
    for (x, y) in xs.iter().zip(&ys) {
        let (gw, gb) = reference_gradient(0.7, -0.3, *x as f64, *y as f64);
        rw += gw / 3.0;
        rb += gb / 3.0;
    }
    let dw = graph.w.grad().expect("w has no gradient: mark it with requires_grad() in `new`");
    let db = graph.b.grad().expect("b has no gradient: mark it with requires_grad() in `new`");
    assert_scalar_close(dw.item(), rw as f32, 1e-4);
    assert_scalar_close(db.item(), rb as f32, 1e-4);
}
