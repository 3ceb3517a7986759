// Loops forever: the grader must stop it and say so.
pub fn output_shape(input: [usize; 2], _kernel: [usize; 2], _stride: usize, _padding: usize) -> [usize; 2] {
    loop {
        std::hint::black_box(&input);
    }
}
