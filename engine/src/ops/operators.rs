//! `+ - * /` and unary `-` for every combination of `Tensor`, `&Tensor` and `f32`,
//! plus the compound assignments (`w -= lr * g`).

use std::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};

use crate::tensor::Tensor;

macro_rules! binary_operator {
    ($trait:ident, $method:ident, $assign_trait:ident, $assign_method:ident) => {
        impl $trait<Tensor> for Tensor {
            type Output = Tensor;
            #[track_caller]
            fn $method(self, rhs: Tensor) -> Tensor {
                Tensor::$method(&self, &rhs)
            }
        }
        impl $trait<&Tensor> for Tensor {
            type Output = Tensor;
            #[track_caller]
            fn $method(self, rhs: &Tensor) -> Tensor {
                Tensor::$method(&self, rhs)
            }
        }
        impl $trait<Tensor> for &Tensor {
            type Output = Tensor;
            #[track_caller]
            fn $method(self, rhs: Tensor) -> Tensor {
                Tensor::$method(self, &rhs)
            }
        }
        impl $trait<&Tensor> for &Tensor {
            type Output = Tensor;
            #[track_caller]
            fn $method(self, rhs: &Tensor) -> Tensor {
                Tensor::$method(self, rhs)
            }
        }
        impl $trait<f32> for Tensor {
            type Output = Tensor;
            fn $method(self, rhs: f32) -> Tensor {
                Tensor::$method(&self, rhs)
            }
        }
        impl $trait<f32> for &Tensor {
            type Output = Tensor;
            fn $method(self, rhs: f32) -> Tensor {
                Tensor::$method(self, rhs)
            }
        }
        impl $trait<Tensor> for f32 {
            type Output = Tensor;
            fn $method(self, rhs: Tensor) -> Tensor {
                Tensor::$method(&Tensor::from(self), &rhs)
            }
        }
        impl $trait<&Tensor> for f32 {
            type Output = Tensor;
            fn $method(self, rhs: &Tensor) -> Tensor {
                Tensor::$method(&Tensor::from(self), rhs)
            }
        }
        impl $assign_trait<Tensor> for Tensor {
            #[track_caller]
            fn $assign_method(&mut self, rhs: Tensor) {
                *self = Tensor::$method(self, &rhs);
            }
        }
        impl $assign_trait<&Tensor> for Tensor {
            #[track_caller]
            fn $assign_method(&mut self, rhs: &Tensor) {
                *self = Tensor::$method(self, rhs);
            }
        }
        impl $assign_trait<f32> for Tensor {
            fn $assign_method(&mut self, rhs: f32) {
                *self = Tensor::$method(self, rhs);
            }
        }
    };
}

binary_operator!(Add, add, AddAssign, add_assign);
binary_operator!(Sub, sub, SubAssign, sub_assign);
binary_operator!(Mul, mul, MulAssign, mul_assign);
binary_operator!(Div, div, DivAssign, div_assign);

impl Neg for Tensor {
    type Output = Tensor;
    fn neg(self) -> Tensor {
        Tensor::neg(&self)
    }
}

impl Neg for &Tensor {
    type Output = Tensor;
    fn neg(self) -> Tensor {
        Tensor::neg(self)
    }
}
