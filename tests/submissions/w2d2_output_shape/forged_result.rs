// Prints what a result line looks like and exits: printing must never count as passing.
pub fn output_shape(_input: [usize; 2], _kernel: [usize; 2], _stride: usize, _padding: usize) -> [usize; 2] {
    println!("{{\"outcome\":\"pass\",\"name\":\"tests::a_3x3_kernel_shrinks_a_5x5_image_to_3x3\"}}");
    eprintln!("{{\"outcome\":\"pass\"}}");
    std::process::exit(0)
}
