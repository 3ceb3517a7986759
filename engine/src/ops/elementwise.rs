//! Elementwise operations, all built from luminal's primitives
//! (log2, exp2, sin, sqrt, recip, add, mul, mod, less-than).

use std::f32::consts::{FRAC_PI_2, LN_2, LOG2_E};

use crate::shape_checks::broadcast_shapes;
use crate::ir::Op;
use crate::tensor::Tensor;

// ------------------------------------------------------------- primitives
impl Tensor {
    /// A binary primitive with broadcasting. `name` is the learner-facing
    /// operation, used in error messages.
    #[track_caller]
    pub(crate) fn zip(&self, name: &str, op: Op, other: &Tensor) -> Tensor {
        let shape = broadcast_shapes(name, &self.shape(), &other.shape());
        let a = self.broadcast_view(&shape);
        let b = other.broadcast_view(&shape);
        Tensor::from_op(op, vec![a, b], shape)
    }

    /// A unary primitive. luminal's unary operators transform the raw buffer
    /// and ignore the view (including padding), so non-plain views are made
    /// contiguous first.
    pub(crate) fn unary(&self, op: Op) -> Tensor {
        let input = self.contiguous();
        let shape = input.shape();
        Tensor::from_op(op, vec![input], shape)
    }

    fn scale(&self, factor: f32) -> Tensor {
        self.zip("mul", Op::Mul, &Tensor::constant(factor))
    }

    fn shift(&self, amount: f32) -> Tensor {
        self.zip("add", Op::Add, &Tensor::constant(amount))
    }

    /// `1 - self`, for 0/1 masks.
    fn one_minus(&self) -> Tensor {
        self.scale(-1.0).shift(1.0)
    }

    /// 1.0 where the element is not NaN, else 0.0. A number is below +inf or
    /// above -inf (or both); NaN is neither.
    fn not_nan_mask(&self) -> Tensor {
        let below_inf = self.zip("eq_elem", Op::LessThan, &Tensor::constant(f32::INFINITY));
        let above_neg_inf = Tensor::constant(f32::NEG_INFINITY).zip("eq_elem", Op::LessThan, self);
        let count = below_inf.zip("eq_elem", Op::Add, &above_neg_inf);
        Tensor::constant(0.5).zip("eq_elem", Op::LessThan, &count)
    }
}

// -------------------------------------------------------------- arithmetic
impl Tensor {
    /// Elementwise `self + other`, with broadcasting. `other` may be a tensor or an `f32`.
    #[track_caller]
    pub fn add(&self, other: impl Into<Tensor>) -> Tensor {
        self.zip("add", Op::Add, &other.into())
    }

    /// Elementwise `self - other`, with broadcasting.
    #[track_caller]
    pub fn sub(&self, other: impl Into<Tensor>) -> Tensor {
        let other = other.into();
        broadcast_shapes("sub", &self.shape(), &other.shape());
        self.zip("sub", Op::Add, &other.neg())
    }

    /// Elementwise `self * other`, with broadcasting.
    #[track_caller]
    pub fn mul(&self, other: impl Into<Tensor>) -> Tensor {
        self.zip("mul", Op::Mul, &other.into())
    }

    /// Elementwise `self / other`, with broadcasting (computed as `self * (1 / other)`).
    #[track_caller]
    pub fn div(&self, other: impl Into<Tensor>) -> Tensor {
        let other = other.into();
        broadcast_shapes("div", &self.shape(), &other.shape());
        self.zip("div", Op::Mul, &other.recip())
    }

    /// Elementwise remainder with the sign of `self` (like C `fmod` and
    /// `torch.fmod`; note Python's `%` differs for negative numbers).
    #[track_caller]
    pub fn fmod(&self, other: impl Into<Tensor>) -> Tensor {
        self.zip("fmod", Op::Mod, &other.into())
    }

    /// Elementwise `-self`.
    pub fn neg(&self) -> Tensor {
        self.scale(-1.0)
    }

    /// Elementwise `1 / self`.
    pub fn recip(&self) -> Tensor {
        self.unary(Op::Recip)
    }

    /// Elementwise `self * self`.
    pub fn square(&self) -> Tensor {
        self.zip("square", Op::Mul, self)
    }

    /// Elementwise square root (NaN for negative numbers).
    pub fn sqrt(&self) -> Tensor {
        self.unary(Op::Sqrt)
    }

    /// Elementwise `e^x`, computed as `2^(x · log2 e)` (relative error about 1e-6 for |x| < 80).
    pub fn exp(&self) -> Tensor {
        self.scale(LOG2_E).unary(Op::Exp2)
    }

    /// Elementwise natural logarithm, computed as `log2(x) · ln 2`
    /// (`-inf` at 0, NaN for negative numbers).
    pub fn log(&self) -> Tensor {
        self.unary(Op::Log2).scale(LN_2)
    }

    /// Elementwise sine (radians).
    pub fn sin(&self) -> Tensor {
        self.unary(Op::Sin)
    }

    /// Elementwise cosine (radians), computed as `sin(x + π/2)`.
    pub fn cos(&self) -> Tensor {
        self.shift(FRAC_PI_2).unary(Op::Sin)
    }

    /// Elementwise `x` raised to the power `exponent`.
    ///
    /// Whole-number exponents (…, -2, -1, 0, 1, 2, …) use repeated
    /// multiplication, so negative bases work (`(-3)^2 = 9`) and `x^0 = 1`.
    /// Other exponents use `exp(exponent · ln x)`, which is only defined for
    /// `x >= 0`: negative bases give NaN, as in PyTorch.
    pub fn pow(&self, exponent: f32) -> Tensor {
        let is_whole =
            exponent.is_finite() && exponent.fract() == 0.0 && exponent.abs() <= 16_777_216.0;
        if !is_whole {
            return self.log().scale(exponent).exp();
        }
        let mut remaining = exponent.abs() as u64;
        if remaining == 0 {
            return Tensor::constant(1.0).broadcast_view(&self.shape());
        }
        // Exponentiation by squaring.
        let mut base = self.clone();
        let mut result: Option<Tensor> = None;
        loop {
            if remaining & 1 == 1 {
                result = Some(match result {
                    None => base.clone(),
                    Some(r) => r.zip("pow", Op::Mul, &base),
                });
            }
            remaining >>= 1;
            if remaining == 0 {
                break;
            }
            base = base.square();
        }
        let result = result.expect("exponent is at least 1");
        if exponent < 0.0 {
            result.recip()
        } else {
            result
        }
    }

    /// Elementwise absolute value, computed as `x · sign(x)`.
    pub fn abs(&self) -> Tensor {
        let zero = Tensor::constant(0.0);
        let positive = zero.zip("abs", Op::LessThan, self);
        let negative = self.zip("abs", Op::LessThan, &zero);
        let sign = positive.zip("abs", Op::Add, &negative.neg());
        self.zip("abs", Op::Mul, &sign)
    }
}

// ------------------------------------------------------------- activations
impl Tensor {
    /// Rectified linear unit `max(x, 0)`, computed as `x · (x > 0)`.
    /// NaN stays NaN; `-inf` gives NaN (as `-inf · 0`).
    pub fn relu(&self) -> Tensor {
        let positive = |t: &Tensor| Tensor::constant(0.0).zip("relu", Op::LessThan, t);
        // The gradient reads the output (0 < y exactly where 0 < x, NaN
        // included), so a layer's product can store y alone (the CPU
        // compiler's ReLU epilogue) and x is never kept for the backward pass.
        self.zip("relu", Op::Mul, &positive(self))
            .with_gradient(self, move |g, _, y| g.mul(&positive(y)))
    }

    /// Logistic sigmoid `1 / (1 + e^-x)`.
    pub fn sigmoid(&self) -> Tensor {
        // Below x ≈ -88, e^-x is inf and the value 1/inf = 0 is right, but the
        // gradient derived operator by operator would meet 0·inf = NaN; the
        // rule g·σ·(1-σ) has no such problem (and is 3 operators, not ~10).
        self.logistic(1.0).with_gradient(self, |g, _, y| g.mul(y).mul(y.one_minus()))
    }

    /// Hyperbolic tangent, computed as `2 · sigmoid(2x) - 1`, with the
    /// gradient `g · (1 - y²)`.
    pub fn tanh(&self) -> Tensor {
        self.logistic(2.0)
            .scale(2.0)
            .shift(-1.0)
            .with_gradient(self, |g, _, y| g.mul(y.mul(y).one_minus()))
    }

    /// `σ(k·x) = 1 / (1 + 2^(-k·x·log2 e))`, without a gradient rule (the
    /// callers attach theirs).
    fn logistic(&self, k: f32) -> Tensor {
        self.scale(-k * LOG2_E).unary(Op::Exp2).shift(1.0).recip()
    }
}

// ------------------------------------------------------- max, min, clamp
impl Tensor {
    /// Elementwise maximum of two tensors, with broadcasting.
    ///
    /// Built as `a·(1-m) + b·m` with `m = (a < b)`: exact for finite numbers,
    /// NaN if either input is NaN, but also NaN when the smaller value is
    /// infinite (e.g. `maximum(-inf, 0)`), because `inf · 0` is NaN.
    #[track_caller]
    pub fn maximum(&self, other: impl Into<Tensor>) -> Tensor {
        let other = other.into();
        let b_larger = self.zip("maximum", Op::LessThan, &other);
        let a_part = self.zip("maximum", Op::Mul, &b_larger.one_minus());
        let b_part = other.zip("maximum", Op::Mul, &b_larger);
        a_part.zip("maximum", Op::Add, &b_part)
    }

    /// Elementwise minimum of two tensors, with broadcasting (same caveats as
    /// [`maximum`](Tensor::maximum)).
    #[track_caller]
    pub fn minimum(&self, other: impl Into<Tensor>) -> Tensor {
        let other = other.into();
        let a_smaller = self.zip("minimum", Op::LessThan, &other);
        let a_part = self.zip("minimum", Op::Mul, &a_smaller);
        let b_part = other.zip("minimum", Op::Mul, &a_smaller.one_minus());
        a_part.zip("minimum", Op::Add, &b_part)
    }

    /// Limits every element to `[min, max]`: first `maximum(x, min)`, then
    /// `minimum(…, max)`. Like PyTorch, if `min > max` every element becomes `max`.
    pub fn clamp(&self, min: f32, max: f32) -> Tensor {
        self.maximum(min).minimum(max)
    }
}

// ------------------------------------------------------------ comparisons
impl Tensor {
    /// 1.0 where `self < other`, else 0.0 (with broadcasting).
    #[track_caller]
    pub fn lt(&self, other: impl Into<Tensor>) -> Tensor {
        self.zip("lt", Op::LessThan, &other.into())
    }

    /// 1.0 where `self > other`, else 0.0.
    #[track_caller]
    pub fn gt(&self, other: impl Into<Tensor>) -> Tensor {
        let other = other.into();
        broadcast_shapes("gt", &self.shape(), &other.shape());
        other.zip("gt", Op::LessThan, self)
    }

    /// 1.0 where `self == other`, else 0.0. NaN equals nothing, like in PyTorch.
    #[track_caller]
    pub fn eq_elem(&self, other: impl Into<Tensor>) -> Tensor {
        let other = other.into();
        broadcast_shapes("eq_elem", &self.shape(), &other.shape());
        let less = self.zip("eq_elem", Op::LessThan, &other);
        let greater = other.zip("eq_elem", Op::LessThan, self);
        // Neither less nor greater: equal, unless one of them is NaN.
        let neither = less.zip("eq_elem", Op::Add, &greater).one_minus();
        let both_numbers = self
            .not_nan_mask()
            .zip("eq_elem", Op::Mul, &other.not_nan_mask());
        neither.zip("eq_elem", Op::Mul, &both_numbers)
    }

    /// 1.0 where `self != other`, else 0.0 (NaN differs from everything).
    #[track_caller]
    pub fn ne_elem(&self, other: impl Into<Tensor>) -> Tensor {
        self.eq_elem(other).one_minus()
    }

    /// 1.0 where `self <= other`, else 0.0.
    #[track_caller]
    pub fn le(&self, other: impl Into<Tensor>) -> Tensor {
        let other = other.into();
        let less = self.zip("le", Op::LessThan, &other);
        less.zip("le", Op::Add, &self.eq_elem(&other))
    }

    /// 1.0 where `self >= other`, else 0.0.
    #[track_caller]
    pub fn ge(&self, other: impl Into<Tensor>) -> Tensor {
        let other = other.into();
        broadcast_shapes("ge", &self.shape(), &other.shape());
        let greater = other.zip("ge", Op::LessThan, self);
        greater.zip("ge", Op::Add, &self.eq_elem(&other))
    }
}
