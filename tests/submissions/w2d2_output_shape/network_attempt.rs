// Tries to open a socket; the right answer comes only if that works.
pub fn output_shape(input: [usize; 2], kernel: [usize; 2], stride: usize, padding: usize) -> [usize; 2] {
    let socket = std::net::UdpSocket::bind("127.0.0.1:0");
    assert!(socket.is_ok(), "network blocked: {:?}", socket.err());
    let along = |n: usize, k: usize| (n + 2 * padding - k) / stride + 1;
    [along(input[0], kernel[0]), along(input[1], kernel[1])]
}
