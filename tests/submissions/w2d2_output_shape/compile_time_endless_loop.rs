// An endless loop at compile time that prints nothing: constant evaluation that never
// ends, with the compiler's own warning about it switched off.
#![allow(long_running_const_eval)]

const NEVER: u64 = {
    let mut i: u64 = 0;
    loop {
        i = i.wrapping_add(1);
    }
};

pub fn output_shape(input: [usize; 2], _kernel: [usize; 2], _stride: usize, _padding: usize) -> [usize; 2] {
    [input[0] + NEVER as usize, input[1]]
}
