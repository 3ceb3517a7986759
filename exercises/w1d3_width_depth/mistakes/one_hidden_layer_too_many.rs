// Builds depth + 1 hidden layers instead of depth.
//! W1D3 — counting parameters, and widening a net to a parameter budget (reference solution).

pub fn count_params(widths: &[usize]) -> usize {
    widths.windows(2).map(|pair| pair[0] * pair[1] + pair[1]).sum()
}

pub fn widen_to_budget(input: usize, output: usize, depth: usize, budget: usize) -> usize {
    let params = |w: usize| {
        let mut widths = vec![input];
        widths.extend(std::iter::repeat(w).take(depth + 1)); // one hidden layer too many
        widths.push(output);
        count_params(&widths)
    };
    let mut w = 1;
    while params(w) < budget {
        w += 1;
    }
    w
}
