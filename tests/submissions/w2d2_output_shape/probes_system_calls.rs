// Asks the system for things a test never needs (the working folder, a file's metadata,
// the clock of another process): each must be refused, and the honest arithmetic passes.
pub fn output_shape(input: [usize; 2], kernel: [usize; 2], stride: usize, padding: usize) -> [usize; 2] {
    if let Ok(dir) = std::env::current_dir() {
        panic!("escape: the working folder is {}", dir.display());
    }
    if let Ok(meta) = std::fs::metadata("/etc/passwd") {
        panic!("escape: /etc/passwd has {} bytes", meta.len());
    }
    if std::fs::read_dir("/").is_ok() {
        panic!("escape: listed /");
    }
    let along = |n: usize, k: usize| (n + 2 * padding - k) / stride + 1;
    [along(input[0], kernel[0]), along(input[1], kernel[1])]
}
