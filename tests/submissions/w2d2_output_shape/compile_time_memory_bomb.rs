// An enormous mistake at compile time: each level of this macro doubles the expression,
// so 40 levels ask the compiler for about 2^40 nodes.
macro_rules! double {
    () => { 1usize };
    (x $($rest:tt)*) => { double!($($rest)*) + double!($($rest)*) };
}

pub fn output_shape(input: [usize; 2], _kernel: [usize; 2], _stride: usize, _padding: usize) -> [usize; 2] {
    let n = double!(x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x);
    [input[0] + n, input[1]]
}
