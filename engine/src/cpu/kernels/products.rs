//! Matrix products: our packed or dot-product kernels (`packed`), or
//! `matrixmultiply`, split over the worker pool when large.

use super::*;

/// [`pool::run2`], with a kernel a test chose for the calling thread
/// chosen on the helper too (otherwise the helper's half of a product runs
/// on the CPU's widest kernel, and dot products differ in their last bits).
fn run2(f: &(dyn Fn(usize) + Sync)) {
    #[cfg(test)]
    {
        let here = packed::kernel_here();
        pool::run2(&|part| packed::with_kernel_here(here, || f(part)))
    }
    #[cfg(not(test))]
    pool::run2(f)
}

/// `C[m, n] = Σ_k A[m, k] · B[k, n]` for every batch position, all operands
/// given by offsets and element strides into their buffers. A batch loop
/// whose C stride is 0 sums its products into the same C (a weight
/// gradient summed over the batch).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Gemm {
    pub a: usize,
    pub b: usize,
    pub m: usize,
    pub n: usize,
    pub k: usize,
    pub a_offset: isize,
    pub b_offset: isize,
    /// (row stride, column stride) of A, B and C.
    pub a_strides: (isize, isize),
    pub b_strides: (isize, isize),
    pub c_strides: (isize, isize),
    /// Extra loops: (size, A stride, B stride, C stride).
    pub batch: Vec<(usize, isize, isize, isize)>,
    /// The slot of a buffer (of C's length, read plainly) that the product is
    /// added onto, in place: `x + A·B`, as a sum of products builds.
    pub onto: Option<usize>,
    /// A bias row added to every row of C, `A·B + b` (a layer's forward
    /// product): the slot and offset of its `n` contiguous floats. Only on a
    /// product without batch loops or `onto`, with C's rows contiguous.
    pub bias: Option<(usize, isize)>,
    /// ReLU (`x · (0 < x)`) applied to C after any bias: a layer's forward
    /// product and activation in one step. Only where a bias could be.
    pub relu: bool,
    /// ReLU's gradient applied to C: each element times `(0 < y)`, for the
    /// `y` in this slot, laid out as C is (`g·W` masked by the layer's
    /// output, in one step). Only where a bias could be.
    pub mask: Option<usize>,
    /// B's slot holds it packed in panels (a `PackB` step's output, see
    /// [`packed`]); B's offset and strides are then unused.
    pub b_packed: bool,
}

impl Gemm {
    /// Whether some batch loop sums into the same C.
    pub(crate) fn sums_batches(&self) -> bool {
        self.batch.iter().any(|d| d.3 == 0 && d.0 > 1)
    }

    /// Offsets of A, B and C for batch position `linear` (row-major over the batch loops).
    fn batch_offsets(&self, mut linear: usize) -> (isize, isize, isize) {
        let (mut ao, mut bo, mut co) = (self.a_offset, self.b_offset, 0isize);
        for &(size, sa, sb, sc) in self.batch.iter().rev() {
            let i = (linear % size) as isize;
            linear /= size;
            ao += i * sa;
            bo += i * sb;
            co += i * sc;
        }
        (ao, bo, co)
    }
}

/// Products smaller than this many multiply-adds run on one thread: waking a
/// helper costs more than it saves.
pub(crate) const PARALLEL_MIN_MACS: usize = 1 << 20;

/// Runs the product into `out`. `out` already holds the values to add onto
/// when `g.onto` is set; otherwise its contents are ignored.
pub(crate) fn gemm(g: &Gemm, slots: &dyn Slots, out: &mut [f32]) {
    let (a, b) = (slots.get(g.a), slots.get(g.b));
    let batches: usize = g.batch.iter().map(|d| d.0).product();
    // beta = 1 adds onto C: onto a given buffer, or onto earlier batch positions' sums.
    let sums = g.sums_batches();
    if sums && g.onto.is_none() {
        out.fill(0.0);
    }
    let beta = if sums || g.onto.is_some() { 1.0 } else { 0.0 };
    if g.m == 0 || g.n == 0 {
        return;
    }
    let ends = RowEnds {
        bias: g.bias.map(|(slot, offset)| &slots.get(slot)[offset as usize..offset as usize + g.n]),
        relu: g.relu,
        mask: g.mask.map(|slot| slots.get(slot)),
    };
    if ends.any() {
        assert!(beta == 0.0 && batches == 1 && g.c_strides == (g.n as isize, 1), "an epilogue ends a plain product only");
        assert!(ends.mask.is_none_or(|y| y.len() == out.len()), "ReLU's gradient mask is laid out as C");
    }
    // Our packed kernel runs the epilogue as it stores C; every other path after the product.
    let mut epilogue_done = false;
    // (A packed B always has N > 1: see the compiler's `shared_b_key`.)
    if g.m == 1 && g.n == 1 {
        dots(g, a, b, out, batches, beta);
        return ends.apply(g, out);
    }
    let threads = pool::threads();
    let per_call = g.m * g.n * g.k;
    let parallel = threads > 1 && per_call >= PARALLEL_MIN_MACS;
    // Our own kernels, where the CPU has them and C's rows are contiguous.
    let own = packed::enabled() && g.c_strides.1 == 1;
    if g.b_packed {
        assert!(own && batches == 1, "a packed B needs the packed kernel and one product");
        assert_eq!(b.len(), packed::packed_len(g.k, g.n), "packed B has the wrong length");
        // SAFETY: as below; the packed B was sized for this product (checked).
        let finish = ends.finish(beta, out.as_ptr());
        unsafe { own_product(g, a.as_ptr().offset(g.a_offset), BSource::Packed(b.as_ptr()), out.as_mut_ptr(), finish, parallel) };
        return;
    }
    if threads > 1 && batches >= 2 && per_call < PARALLEL_MIN_MACS && batches * per_call >= PARALLEL_MIN_MACS {
        return split_batches(g, a, b, out, batches, beta, own);
    }
    // The second half's partial product when splitting along K.
    let along_k = parallel && !own && split_k(g);
    let mut partial = if along_k { vec![0.0f32; g.m * g.n] } else { Vec::new() };
    for batch in 0..batches {
        let (ao, bo, co) = g.batch_offsets(batch);
        if batch + 1 < batches {
            prefetch_operands(g, a, b, batch + 1);
        }
        // SAFETY: the compiler checked that every index the strides reach
        // lies inside the buffers (operands are whole views of them, and C
        // is this step's own output of the right length).
        let a_ptr = unsafe { a.as_ptr().offset(ao) };
        let b_ptr = unsafe { b.as_ptr().offset(bo) };
        let c_ptr = unsafe { out.as_mut_ptr().offset(co) };
        if own {
            epilogue_done = unsafe { on_own_kernels(g, a_ptr, b_ptr, c_ptr, beta, &ends, parallel) };
        } else if along_k {
            // Small M×N, long K (a layer's forward product on a small
            // batch): halving M or N would make each thread pack the whole
            // other operand, so split K instead. The first half writes C,
            // the second a row-major temporary that is added in afterwards.
            let k0 = g.k / 2;
            let (a_addr, b_addr, c_addr) = (a_ptr as usize, b_ptr as usize, c_ptr as usize);
            let p_addr = partial.as_mut_ptr() as usize;
            run2(&|part: usize| unsafe {
                let (ap, bp) = (a_addr as *const f32, b_addr as *const f32);
                if part == 0 {
                    sgemm(g, (g.m, g.n, k0), ap, bp, c_addr as *mut f32, g.c_strides, beta);
                } else {
                    let ap = ap.offset(k0 as isize * g.a_strides.1);
                    let bp = bp.offset(k0 as isize * g.b_strides.0);
                    sgemm(g, (g.m, g.n, g.k - k0), ap, bp, p_addr as *mut f32, (g.n as isize, 1), 0.0);
                }
            });
            for i in 0..g.m {
                let row = &partial[i * g.n..(i + 1) * g.n];
                for (j, &x) in row.iter().enumerate() {
                    // SAFETY: inside C, as for the product itself.
                    unsafe {
                        *c_ptr.offset(i as isize * g.c_strides.0 + j as isize * g.c_strides.1) += x;
                    }
                }
            }
        } else if parallel {
            // Split the larger of M and N in two halves, one per thread.
            let split_m = g.m >= g.n;
            let total = if split_m { g.m } else { g.n };
            let half = total / 2;
            let (a_addr, b_addr, c_addr) = (a_ptr as usize, b_ptr as usize, c_ptr as usize);
            run2(&|part: usize| {
                let (from, len) = if part == 0 { (0, half) } else { (half, total - half) };
                let (m, n) = if split_m { (len, g.n) } else { (g.m, len) };
                let (mut ap, mut bp, mut cp) =
                    (a_addr as *const f32, b_addr as *const f32, c_addr as *mut f32);
                unsafe {
                    if split_m {
                        ap = ap.offset(from as isize * g.a_strides.0);
                        cp = cp.offset(from as isize * g.c_strides.0);
                    } else {
                        bp = bp.offset(from as isize * g.b_strides.1);
                        cp = cp.offset(from as isize * g.c_strides.1);
                    }
                    sgemm(g, (m, n, g.k), ap, bp, cp, g.c_strides, beta);
                }
            });
        } else {
            unsafe { sgemm(g, (g.m, g.n, g.k), a_ptr, b_ptr, c_ptr, g.c_strides, beta) };
        }
    }
    if !epilogue_done {
        ends.apply(g, out);
    }
}

/// What a plain product does to C after its sums (see [`packed::Epilogue`]).
struct RowEnds<'a> {
    bias: Option<&'a [f32]>,
    relu: bool,
    mask: Option<&'a [f32]>,
}

impl RowEnds<'_> {
    /// Batched products have no epilogue.
    const NONE: RowEnds<'static> = RowEnds { bias: None, relu: false, mask: None };

    fn any(&self) -> bool {
        self.bias.is_some() || self.relu || self.mask.is_some()
    }

    /// How our packed kernel ends the product whose C is at `c`: onto C
    /// (`beta` 1), with the epilogue, or plainly.
    fn finish(&self, beta: f32, c: *const f32) -> packed::Finish {
        if !self.any() {
            return packed::Finish::new(beta != 0.0);
        }
        let bias = self.bias.map_or(std::ptr::null(), |row| row.as_ptr());
        let mask = (self.mask.map_or(std::ptr::null(), |y| y.as_ptr()), c);
        packed::Finish::Epilogue(packed::Epilogue { bias, relu: self.relu, mask })
    }

    /// The epilogue as a pass over C, after a product whose kernel did not run it.
    fn apply(&self, g: &Gemm, out: &mut [f32]) {
        if !self.any() {
            return;
        }
        for i in 0..g.m {
            let at = i * g.c_strides.0 as usize;
            let row = &mut out[at..][..g.n];
            if let Some(bias) = self.bias {
                for (c, &b) in row.iter_mut().zip(bias) {
                    *c += b;
                }
            }
            if self.relu {
                for c in row.iter_mut() {
                    *c = packed::times_positive(*c, *c);
                }
            }
            if let Some(y) = self.mask {
                for (c, &y) in row.iter_mut().zip(&y[at..][..g.n]) {
                    *c = packed::times_positive(*c, y);
                }
            }
        }
    }
}

/// One product (one batch position) on our own kernels: as dot products
/// along K where [`packed::prefers_dots`], else over panels of B.
///
/// # Safety
/// As [`packed::product`], for the whole of `g`'s M × N.
/// Returns whether it ran the epilogue too (the panel kernel does; dots leave it to the caller).
unsafe fn on_own_kernels(g: &Gemm, a: *const f32, b: *const f32, c: *mut f32, beta: f32, ends: &RowEnds, parallel: bool) -> bool {
    if packed::prefers_dots(g.m, g.n, g.a_strides, g.b_strides) {
        own_dots(g, a, b, c, beta, parallel);
        false
    } else {
        own_product(g, a, BSource::Strided { ptr: b, strides: g.b_strides }, c, ends.finish(beta, c), parallel);
        true
    }
}

/// One product on the packed-panel kernel (C row-major), split between two
/// threads when `parallel`: by panels of B (each thread packs only its
/// own), or by rows when B has fewer than [`MIN_PANELS_TO_SPLIT`] panels
/// or a few odd ones ([`splits_by_rows_for_balance`]).
/// Split by panels, each thread reads all of A: for the transformer's
/// `m 1024 n 64 k 256` (a 1 MB A, two panels) two threads were only 1.2×
/// as fast as one (AVX2, Xeon); by rows each reads half.
///
/// # Safety
/// As [`packed::product`], for the whole of `g`'s M × N.
unsafe fn own_product(g: &Gemm, a: *const f32, b: BSource, c: *mut f32, finish: packed::Finish, parallel: bool) {
    let panels = g.n.div_ceil(packed::NR);
    if !parallel {
        return packed::product(g.m, g.n, g.k, a, g.a_strides, b, c, g.c_strides.0, finish, 0..panels);
    }
    let (a_addr, c_addr) = (a as usize, c as usize);
    let (b, finish) = (SendB(b), SendFinish(finish));
    run2(&|part: usize| {
        let (a, c) = (a_addr as *const f32, c_addr as *mut f32);
        let (b, finish) = (b.get(), finish.get());
        if panels >= MIN_PANELS_TO_SPLIT && !splits_by_rows_for_balance(g.m, panels) {
            let range = if part == 0 { 0..panels / 2 } else { panels / 2..panels };
            packed::product(g.m, g.n, g.k, a, g.a_strides, b, c, g.c_strides.0, finish, range);
        } else {
            // On a boundary of both kernels' tiles (8 and 6 rows) where M allows.
            let half = if g.m >= 48 { g.m / 48 * 24 } else { g.m / 2 };
            let (from, rows) = if part == 0 { (0, half) } else { (half, g.m - half) };
            let (a, c) = (a.offset(from as isize * g.a_strides.0), c.offset(from as isize * g.c_strides.0));
            packed::product(rows, g.n, g.k, a, g.a_strides, b, c, g.c_strides.0, finish, 0..panels);
        }
    });
}

/// Whether a product of `panels` panels (at least [`MIN_PANELS_TO_SPLIT`])
/// is split by rows all the same: an odd number of few panels splits
/// unevenly (5 as 2 and 3), while rows split evenly where M is large. The
/// price is each thread packing every panel of B. (An LSTM's merged weight
/// gradient, 512 × 160 × 1024 at two threads: 1130 → 960 µs on AVX2, 780 →
/// 685 on AVX-512.)
fn splits_by_rows_for_balance(m: usize, panels: usize) -> bool {
    panels % 2 == 1 && panels <= MAX_ODD_PANELS_BY_ROWS && m >= MIN_ROWS_TO_BALANCE
}

/// Most panels split by rows when odd: from 9 on, the uneven split costs
/// at most 1/9 of the product.
const MAX_ODD_PANELS_BY_ROWS: usize = 7;

/// Fewest rows of A that a product with an odd number of panels is split by.
const MIN_ROWS_TO_BALANCE: usize = 96;

/// Panels of B from which a product is split between threads by panels.
const MIN_PANELS_TO_SPLIT: usize = 3;

/// A [`packed::Finish`] handed to the helper thread.
#[derive(Clone, Copy)]
struct SendFinish(packed::Finish);

// SAFETY: its bias row and mask are only read, while the caller waits for both threads.
unsafe impl Sync for SendFinish {}

impl SendFinish {
    // A method, so that closures capture the whole wrapper, not its field.
    fn get(&self) -> packed::Finish {
        self.0
    }
}

/// One product as dot products along K ([`packed::dots`]), split by rows
/// between two threads when `parallel`.
///
/// # Safety
/// As [`packed::dots`], for the whole of `g`'s M × N.
unsafe fn own_dots(g: &Gemm, a: *const f32, b: *const f32, c: *mut f32, beta: f32, parallel: bool) {
    let accumulate = beta != 0.0;
    let (a_addr, b_addr, c_addr) = (a as usize, b as usize, c as usize);
    // Rows `from..from + rows` of C.
    let rows_of = |from: usize, rows: usize| {
        let a = (a_addr as *const f32).offset(from as isize * g.a_strides.0);
        let c = (c_addr as *mut f32).offset(from as isize * g.c_strides.0);
        let b = b_addr as *const f32;
        let (n, k, a_row, b_col, c_strides) = (g.n, g.k, g.a_strides.0, g.b_strides.1, g.c_strides);
        packed::Dots { m: rows, n, k, a, a_row, b, b_col, c, c_strides, accumulate }.run()
    };
    if !parallel || g.m < 2 {
        return rows_of(0, g.m);
    }
    let half = g.m / 2;
    run2(&|part: usize| if part == 0 { rows_of(0, half) } else { rows_of(half, g.m - half) });
}

/// A [`BSource`] handed to the helper thread.
#[derive(Clone, Copy)]
struct SendB(BSource);

// SAFETY: B is only read, while the caller waits for both threads.
unsafe impl Sync for SendB {}

impl SendB {
    // A method, so that closures capture the whole wrapper, not its field.
    fn get(&self) -> BSource {
        self.0
    }
}

/// Many small products (a convolution's per-image products): the batch
/// positions are split between two threads. Products that sum into the same
/// C (`beta` = 1 over a summed batch loop) give the second thread a zeroed
/// copy of C to sum into, added in afterwards.
fn split_batches(g: &Gemm, a: &[f32], b: &[f32], out: &mut [f32], batches: usize, beta: f32, own: bool) {
    let sums = g.sums_batches();
    let mut second = if sums { vec![0.0f32; out.len()] } else { Vec::new() };
    let half = batches / 2;
    let c_addrs = [out.as_mut_ptr() as usize, if sums { second.as_mut_ptr() as usize } else { out.as_mut_ptr() as usize }];
    run2(&|part: usize| {
        let range = if part == 0 { 0..half } else { half..batches };
        let end = range.end;
        for batch in range {
            let (ao, bo, co) = g.batch_offsets(batch);
            if batch + 1 < end {
                prefetch_operands(g, a, b, batch + 1);
            }
            // SAFETY: as in `gemm`; without a summed loop the two halves
            // write disjoint parts of C, with one each writes its own buffer.
            unsafe {
                let ap = a.as_ptr().offset(ao);
                let bp = b.as_ptr().offset(bo);
                let cp = (c_addrs[part] as *mut f32).offset(co);
                if own {
                    on_own_kernels(g, ap, bp, cp, beta, &RowEnds::NONE, false);
                } else {
                    sgemm(g, (g.m, g.n, g.k), ap, bp, cp, g.c_strides, beta);
                }
            }
        }
    });
    if sums {
        for (o, s) in out.iter_mut().zip(&second) {
            *o += s;
        }
    }
}

/// Starts loading batch position `batch`'s A and B into cache while the
/// current product runs. A batch of small products (a convolution's weight
/// gradient, one image each) reads operands the forward pass wrote long
/// before, from memory: without this each product waits for its own.
fn prefetch_operands(g: &Gemm, a: &[f32], b: &[f32], batch: usize) {
    let (ao, bo, _) = g.batch_offsets(batch);
    // The span of buffer one operand reads, when it is small and dense.
    let span = |offset: isize, rows: usize, cols: usize, (rs, cs): (isize, isize), len: usize| {
        if rs < 0 || cs < 0 || offset < 0 {
            return None;
        }
        let extent = (rows - 1) * rs as usize + (cols - 1) * cs as usize + 1;
        let dense = extent <= 2 * rows * cols && extent <= 64 * 1024;
        (dense && offset as usize + extent <= len).then_some((offset as usize, extent))
    };
    for (buf, range) in [
        (a, span(ao, g.m, g.k, g.a_strides, a.len())),
        (b, span(bo, g.k, g.n, g.b_strides, b.len())),
    ] {
        if let Some((start, extent)) = range {
            prefetch(&buf[start..start + extent]);
        }
    }
}

/// A hint to bring `data` into cache (one touch per 64-byte line); no-op off x86-64.
fn prefetch(data: &[f32]) {
    #[cfg(target_arch = "x86_64")]
    for line in data.chunks(16) {
        // SAFETY: a prefetch hint never faults, and the address is inside `data`.
        unsafe { std::arch::x86_64::_mm_prefetch(line.as_ptr() as *const i8, std::arch::x86_64::_MM_HINT_T0) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = data;
}

/// Whether two threads should split a product along K rather than M or N:
/// splitting N (M) makes both threads pack all of A (B), k·min(m, n) floats
/// packed twice; splitting K costs a temporary C, ~3·m·n floats moved.
fn split_k(g: &Gemm) -> bool {
    3 * g.m * g.n < g.k * g.m.min(g.n)
}

/// `C = A·B + beta·C` for an `m × n × k` block of the product (C with strides `c_strides`).
#[allow(clippy::too_many_arguments)]
unsafe fn sgemm(g: &Gemm, (m, n, k): (usize, usize, usize), a: *const f32, b: *const f32, c: *mut f32, c_strides: (isize, isize), beta: f32) {
    matrixmultiply::sgemm(
        m,
        k,
        n,
        1.0,
        a,
        g.a_strides.0,
        g.a_strides.1,
        b,
        g.b_strides.0,
        g.b_strides.1,
        beta,
        c,
        c_strides.0,
        c_strides.1,
    );
}

/// A product with M = N = 1 (a row-wise dot product, as attention's and
/// layer norm's adjoints build): one strided dot per batch position, since an
/// sgemm call per element costs far more than the element. Each dot adds its
/// products in K order from 0 (one chain, waiting on the previous add), so
/// eight batch positions run side by side: eight chains overlap.
fn dots(g: &Gemm, a: &[f32], b: &[f32], out: &mut [f32], batches: usize, beta: f32) {
    let (ak, bk) = (g.a_strides.1, g.b_strides.0);
    if let Some(unit) = g.batch.iter().position(|&(size, sa, sb, sc)| (sa, sb, sc) == (1, 1, 1) && size >= 8) {
        if (ak, bk) != (1, 1) {
            return column_dots(g, a, b, out, unit, beta);
        }
    }
    // Two threads take half the positions each when C is laid out in batch
    // order (position p writes C[p]), so each writes its own half of C.
    let mut stride = 1isize;
    let c_in_batch_order = g.batch.iter().rev().all(|&(size, _, _, sc)| {
        let ok = sc == stride || size == 1;
        stride *= size as isize;
        ok
    });
    let half = batches / 2 / rows::LANES * rows::LANES;
    if pool::threads() > 1 && c_in_batch_order && out.len() == batches && half > 0 && batches * g.k >= PARALLEL_MIN_ELEMENTS {
        let (low, high) = out.split_at_mut(half);
        return pool::run_parts([(low, 0..half), (high, half..batches)], &|(out, positions)| {
            dots_part(g, a, b, out, positions, beta)
        });
    }
    dots_part(g, a, b, out, 0..batches, beta)
}

/// [`dots`] for the batch positions `positions`, into `out`: the whole C,
/// or the part of a C in batch order that the positions write.
fn dots_part(g: &Gemm, a: &[f32], b: &[f32], out: &mut [f32], positions: std::ops::Range<usize>, beta: f32) {
    use rows::LANES;
    let (first, end) = (positions.start, positions.end);
    let nb = g.batch.len();
    // The multi-index of position `first` (row-major over the batch loops).
    let mut idx = [0usize; 8];
    let mut rest = first;
    for (i, d) in idx[..nb].iter_mut().zip(&g.batch).rev() {
        *i = rest % d.0;
        rest /= d.0;
    }
    // C offsets are relative to the part's first position.
    let c_first = g.batch_offsets(first).2;
    let mut done = first;
    while done < end {
        // Four groups of eight side by side where as many are left (their
        // chains overlap), else one group of up to eight.
        done += if end - done >= GROUP {
            dot_positions::<GROUP>(g, a, b, out, &mut idx, c_first, GROUP, beta)
        } else {
            dot_positions::<LANES>(g, a, b, out, &mut idx, c_first, LANES.min(end - done), beta)
        };
    }
}

/// Rows of dots [`dots_part`] takes at once where it can.
const GROUP: usize = rows::LANES * rows::MAX_GROUPS;

/// The next `lanes` (≤ `N`) positions of [`dots_part`] from the batch
/// multi-index `idx` (moved past them); returns `lanes`.
#[allow(clippy::too_many_arguments)]
fn dot_positions<const N: usize>(g: &Gemm, a: &[f32], b: &[f32], out: &mut [f32], idx: &mut [usize; 8], c_first: isize, lanes: usize, beta: f32) -> usize {
    let (ak, bk) = (g.a_strides.1, g.b_strides.0);
    let nb = g.batch.len();
    let mut at = [(0isize, 0isize, 0isize); N];
    for slot in &mut at[..lanes] {
        let (mut ao, mut bo, mut co) = (g.a_offset, g.b_offset, -c_first);
        for (i, &(_, sa, sb, sc)) in idx[..nb].iter().zip(&g.batch) {
            ao += *i as isize * sa;
            bo += *i as isize * sb;
            co += *i as isize * sc;
        }
        *slot = (ao, bo, co);
        for (i, d) in idx[..nb].iter_mut().zip(&g.batch).rev() {
            *i += 1;
            if *i < d.0 {
                break;
            }
            *i = 0;
        }
    }
    let mut acc = [0.0f32; N];
    if lanes == N && (ak, bk) == (1, 1) {
        let ar: [&[f32]; N] = at.map(|p| &a[p.0 as usize..p.0 as usize + g.k]);
        let br: [&[f32]; N] = at.map(|p| &b[p.1 as usize..p.1 as usize + g.k]);
        rows::dot_rows(&ar, &br, g.k, &mut acc);
    } else if lanes == N {
        for k in 0..g.k as isize {
            for (acc, &(ao, bo, _)) in acc.iter_mut().zip(&at) {
                *acc += a[(ao + k * ak) as usize] * b[(bo + k * bk) as usize];
            }
        }
    } else {
        for (acc, &(ao, bo, _)) in acc.iter_mut().zip(&at[..lanes]) {
            for k in 0..g.k as isize {
                *acc += a[(ao + k * ak) as usize] * b[(bo + k * bk) as usize];
            }
        }
    }
    // In batch order: positions summed into one C add in the order they would one by one.
    for (&acc, &(_, _, co)) in acc.iter().zip(&at[..lanes]) {
        // (Never read C when beta is 0: reused buffers may hold anything, NaN included.)
        let o = &mut out[co as usize];
        *o = if beta == 0.0 { acc } else { *o + acc };
    }
    lanes
}

/// [`dots`] with a batch loop (`unit`) that moves every operand by one
/// element: dots down neighbouring columns (layer norm's weight gradient,
/// `Σ_rows g·x̂`, is one per feature), computed side by side, a row of each
/// operand at a time, so the loop over columns is vectorised. The other batch
/// loops run in their order around it, and each dot still adds its products
/// in K order from 0: the bits of one dot at a time.
fn column_dots(g: &Gemm, a: &[f32], b: &[f32], out: &mut [f32], unit: usize, beta: f32) {
    let (ak, bk) = (g.a_strides.1, g.b_strides.0);
    let mut rest = g.clone();
    let (inner, ..) = rest.batch.remove(unit);
    let outer: usize = rest.batch.iter().map(|d| d.0).product();
    let mut acc = vec![0.0f32; inner];
    // The `inner` elements from `at` (negative offsets cannot pass `as usize` unnoticed).
    let row = |at: isize| -> std::ops::Range<usize> {
        let at = usize::try_from(at).expect("a column dot reads before its buffer");
        at..at + inner
    };
    for o in 0..outer {
        let (ao, bo, co) = rest.batch_offsets(o);
        acc.fill(0.0);
        for k in 0..g.k as isize {
            add_products(&mut acc, &a[row(ao + k * ak)], &b[row(bo + k * bk)]);
        }
        let c = &mut out[co as usize..co as usize + inner];
        // (Never read C when beta is 0: reused buffers may hold anything, NaN included.)
        if beta == 0.0 {
            c.copy_from_slice(&acc);
        } else {
            for (c, &x) in c.iter_mut().zip(&acc) {
                *c += x;
            }
        }
    }
}

widest_vectors!(fn add_products(acc: &mut [f32], x: &[f32], y: &[f32]) => add_products_loop);

#[inline(always)]
fn add_products_loop(acc: &mut [f32], x: &[f32], y: &[f32]) {
    for ((acc, &x), &y) in acc.iter_mut().zip(x).zip(y) {
        *acc += x * y;
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_few_odd_panels_split_by_rows_where_m_is_large() {
        use super::splits_by_rows_for_balance as by_rows;
        // The LSTM's merged weight gradient: 5 panels, 512 rows.
        assert!(by_rows(512, 5) && by_rows(96, 3) && by_rows(512, 7));
        // Even panels split evenly; many odd ones nearly; few rows not at all.
        assert!(!by_rows(512, 4) && !by_rows(512, 9) && !by_rows(64, 5));
    }
}
