//! Optimizer updates over a parameter's buffer, split over two threads when long.

use super::pool;

/// An elementwise optimizer update: values, gradient, optional state.
pub(crate) type UpdateFn<'a> = dyn Fn(&mut [f32], &[f32], Option<&mut [f32]>) + Sync + 'a;

/// Parameters at least this long are updated by two threads (when enabled).
const PARALLEL_MIN_UPDATE: usize = 1 << 15;

/// Runs the elementwise update `f(p, g, state)` over `p` (with gradient `g`
/// and optional per-element state of the same length), in two halves on two
/// threads when threads are enabled and `p` is long. Each element must
/// depend only on its own position, so the halves are independent.
pub(crate) fn update_halves(p: &mut [f32], g: &[f32], state: Option<&mut [f32]>, f: &UpdateFn<'_>) {
    let len = p.len();
    if pool::threads() < 2 || len < PARALLEL_MIN_UPDATE || g.len() != len {
        return f(p, g, state);
    }
    let half = len / 2;
    let (p0, p1) = p.split_at_mut(half);
    let (g0, g1) = g.split_at(half);
    let (s0, s1) = match state {
        Some(s) => {
            let (a, b) = s.split_at_mut(half);
            (Some(a), Some(b))
        }
        None => (None, None),
    };
    pool::run_parts([(p0, g0, s0), (p1, g1, s1)], &|(p, g, s)| f(p, g, s));
}
