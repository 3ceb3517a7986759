// An enormous honest mistake: prints a lot and panics with a message of 300,000
// characters, in every test. The verdict must stay small enough to store and show.
pub fn output_shape(_input: [usize; 2], _kernel: [usize; 2], _stride: usize, _padding: usize) -> [usize; 2] {
    println!("{}", "o".repeat(60_000));
    eprintln!("{}", "e".repeat(60_000));
    panic!("{}", "é".repeat(150_000));
}
