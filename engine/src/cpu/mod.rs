//! The fast CPU path of realization: compile once, run many.
//!
//! The unrealized subgraph is first reduced to a structural key (operators,
//! constants, views, input shapes, which nodes are targets — never data).
//! A training loop rebuilds an identical graph every step, so the key finds
//! an already compiled [`Program`](compile::Program) in a small LRU cache and
//! realization is just: bind the input buffers, run the kernels. On a miss the
//! graph is compiled by the passes in `compile/`.
//!
//! Programs hold no tensor data (only shapes, strides and constants), plus
//! reusable scratch buffers for their intermediates (shared between steps
//! once their readers have run, see `FreeBuffers`), so the cache's memory is
//! bounded by its capacity.

pub(crate) mod alloc;
mod compile;
mod kernels;
mod packed;
mod pool;
mod profile;
mod recurrence;
mod updates;
pub(crate) mod simd;
mod strided;

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Instant;


use crate::ir::{Node, Op, Walk};
use compile::{Kernel, Lowered, Program, Step};
use crate::view::View;

/// Compiled programs kept per thread.
const CACHE_CAPACITY: usize = 32;
/// Programs whose intermediates together exceed this many floats do not keep
/// them between runs (a CNN step's are ~8M: reusing them saves allocating
/// and faulting in fresh pages every step).
const MAX_KEPT_SCRATCH: usize = 1 << 24;
/// At most this many floats of intermediates are kept by all of a thread's
/// cached programs together, so the cache's memory stays bounded (128 MiB).
const MAX_KEPT_TOTAL: usize = 1 << 25;

struct Entry {
    hash: u64,
    key: Vec<u64>,
    program: Rc<Program>,
    last_used: u64,
}

#[derive(Default)]
struct Cache {
    entries: Vec<Entry>,
    clock: u64,
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache::default());
    /// Registers of fused kernels, reused across runs.
    static REGISTERS: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
    /// Registers for the second thread's half of a fused kernel.
    static SECOND_REGISTERS: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
    /// Output buffers allocated (or grown) by programs on this thread; tests
    /// use it to check that a program rerun reuses its buffers.
    static ALLOCATIONS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    /// Floats of intermediates currently kept by this thread's programs.
    static KEPT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn floats(bufs: &[Vec<f32>]) -> usize {
    bufs.iter().map(|b| b.capacity()).sum()
}

impl Drop for Program {
    fn drop(&mut self) {
        let held = floats(self.scratch.get_mut());
        let _ = KEPT.try_with(|k| k.set(k.get().saturating_sub(held)));
    }
}

fn push_view(key: &mut Vec<u64>, st: &View) {
    key.push(st.dims.len() as u64);
    // Three words per dimension: a shorter key is faster to build, hash and
    // compare. Exact as long as sizes, slice bounds and padding fit in 32
    // bits (a slice end is at most `UNSLICED`; a logical dimension of 2^32
    // floats could not be allocated).
    for p in 0..st.dims.len() {
        key.push((st.dims[p] as u64) << 16 | (st.indexes[p] as u64) << 1 | st.fake[p] as u64);
        key.push((st.slices[p].0 as u64) << 32 | st.slices[p].1 as u64);
        key.push((st.padding[p].0 as u64) << 32 | st.padding[p].1 as u64);
    }
}

fn op_code(op: Op) -> (u64, u64) {
    match op {
        Op::Leaf => (0, 0),
        Op::Constant(v) => (1, v.to_bits() as u64),
        Op::Log2 => (2, 0),
        Op::Exp2 => (3, 0),
        Op::Sin => (4, 0),
        Op::Sqrt => (5, 0),
        Op::Recip => (6, 0),
        Op::Add => (7, 0),
        Op::Mul => (8, 0),
        Op::Mod => (9, 0),
        Op::LessThan => (10, 0),
        Op::SumReduce(a) => (11, a as u64),
        Op::MaxReduce(a) => (12, a as u64),
        Op::Contiguous => (13, 0),
        Op::LstmLoop { reverse } => (14, reverse as u64),
        Op::LstmLoopBackward { reverse, initial_state } => (15, reverse as u64 | (initial_state as u64) << 1),
        Op::MaxPoolTiles { kh, kw } => (16, ((kh as u64) << 32) | kw as u64),
        Op::MaxPoolTilesBackward { kh, kw } => (17, ((kh as u64) << 32) | kw as u64),
        Op::SoftmaxRows => (18, 0),
        Op::SoftmaxRowsBackward => (19, 0),
        Op::LayerNormRows { eps } => (20, eps.to_bits() as u64),
        Op::LayerNormRowsBackward { eps } => (21, eps.to_bits() as u64),
    }
}

/// The structural key of the graph, and its edges as positions in `order`.
fn structure<'a>(order: &'a [Rc<Node>], targets: &[Rc<Node>]) -> (Vec<u64>, Lowered<'a>) {
    let position = Walk::new();
    let mut key = Vec::with_capacity(order.len() * 24);
    let mut edges = Vec::with_capacity(order.len());
    for (i, node) in order.iter().enumerate() {
        position.set(node, i as u32);
        if node.realized_data().is_some() {
            key.push(u64::MAX);
            key.push(node.shape.len() as u64);
            key.extend(node.shape.iter().map(|&d| d as u64));
            edges.push(Vec::new());
            continue;
        }
        let (code, param) = op_code(node.op);
        key.extend([code, param, node.inputs.len() as u64]);
        key.extend(node.shape.iter().map(|&d| d as u64));
        let mut inputs = Vec::with_capacity(node.inputs.len());
        for input in &node.inputs {
            let at = position.get(&input.node).expect("inputs come before their consumers") as usize;
            inputs.push(at);
            key.push(at as u64);
            push_view(&mut key, &input.view);
        }
        edges.push(inputs);
    }
    let targets: Vec<usize> = targets
        .iter()
        .map(|t| position.get(t).expect("targets are in the graph") as usize)
        .collect();
    key.push(u64::MAX - 1);
    key.extend(targets.iter().map(|&t| t as u64));
    (
        key,
        Lowered {
            order,
            edges,
            targets,
        },
    )
}

/// The structural key of an unrealized graph (ops, views, input shapes, targets;
/// never data): equal keys mean one compiled program serves both. Other backends
/// (CUDA) cache their compiled graphs by it too.
#[cfg(feature = "cuda")]
pub(crate) fn structure_key(order: &[Rc<Node>], targets: &[Rc<Node>]) -> Vec<u64> {
    structure(order, targets).0
}

fn hash(key: &[u64]) -> u64 {
    // Four independent lanes, so the multiplies overlap.
    let mut h = [0xcbf2_9ce4_8422_2325u64, 0x9e37_79b9_7f4a_7c15, 0x1234_5678_9abc_def1, 0x0f1e_2d3c_4b5a_6978];
    let mut chunks = key.chunks_exact(4);
    for c in &mut chunks {
        for l in 0..4 {
            h[l] = (h[l] ^ c[l]).wrapping_mul(0x100_0000_01b3).rotate_left(17);
        }
    }
    for &k in chunks.remainder() {
        h[0] = (h[0] ^ k).wrapping_mul(0x100_0000_01b3).rotate_left(17);
    }
    (h[0] ^ h[1].rotate_left(13) ^ h[2].rotate_left(29) ^ h[3].rotate_left(47)) ^ key.len() as u64
}

/// Runs the unrealized graph `order` (see `realize::unrealized_in_dependency_order`)
/// and returns the buffers of `targets`, plus how many operator nodes that computed.
pub(crate) fn execute(order: &[Rc<Node>], targets: &[Rc<Node>]) -> (Vec<Vec<f32>>, usize) {
    let started = Instant::now();
    let (key, lowered) = structure(order, targets);
    let h = hash(&key);
    let cached = CACHE.with(|c| {
        let mut c = c.borrow_mut();
        c.clock += 1;
        let now = c.clock;
        let entry = c.entries.iter_mut().find(|e| e.hash == h && e.key == key)?;
        entry.last_used = now;
        Some(entry.program.clone())
    });
    record("graph key + cache lookup", started);
    let program = match cached {
        Some(program) => program,
        None => {
            let started = Instant::now();
            let program = Rc::new(compile::compile(&lowered));
            record("compile (cache miss)", started);
            CACHE.with(|c| {
                let mut c = c.borrow_mut();
                if c.entries.len() >= CACHE_CAPACITY {
                    let oldest = (0..c.entries.len())
                        .min_by_key(|&i| c.entries[i].last_used)
                        .unwrap();
                    c.entries.swap_remove(oldest);
                }
                let now = c.clock;
                c.entries.push(Entry {
                    hash: h,
                    key,
                    program: program.clone(),
                    last_used: now,
                });
            });
            program
        }
    };
    let inputs = order
        .iter()
        .filter_map(|n| n.realized_data())
        .collect::<Vec<_>>();
    (run(&program, inputs), program.op_count)
}

/// `data` (a node's contiguous buffer) read through `view` into a fresh
/// row-major vector, with the same semantics as luminal's operators.
pub(crate) fn read_view(data: &[f32], view: &View) -> Vec<f32> {
    let v = strided::Strided::from_tracker(view).coalesced();
    let n: usize = crate::view::logical_shape(view).iter().product();
    let mut out = vec![0.0; n];
    if n > 0 {
        kernels::gather(data, &v, 0, &mut out);
    }
    out
}

enum Buf {
    Empty,
    Shared(Rc<Vec<f32>>),
    /// A buffer holding the slot's floats (see [`Owned`]).
    Owned(Owned),
}

/// A computed slot's `len` floats, at `data[at..]`: intermediates start on a
/// cache line (see [`FreeBuffers::take`]), and a buffer that served a longer
/// output before keeps its length, so it is never filled again to grow back.
struct Owned {
    data: Vec<f32>,
    at: usize,
    len: usize,
    /// The step that first took the buffer in this run (see [`FreeBuffers`]).
    first_taken: usize,
}

impl Owned {
    fn floats(&self) -> &[f32] {
        &self.data[self.at..self.at + self.len]
    }

    fn floats_mut(&mut self) -> &mut [f32] {
        &mut self.data[self.at..self.at + self.len]
    }
}

struct Bufs(Vec<Buf>);

impl Bufs {
    /// Pointers to every computed buffer, for kernels split between threads.
    fn shared(&self) -> kernels::SharedSlots {
        kernels::SharedSlots(
            self.0
                .iter()
                .map(|b| match b {
                    Buf::Shared(data) => (data.as_ptr(), data.len()),
                    Buf::Owned(o) => (o.floats().as_ptr(), o.len),
                    Buf::Empty => (std::ptr::null(), 0),
                })
                .collect(),
        )
    }
}

impl kernels::Slots for Bufs {
    fn get(&self, slot: usize) -> &[f32] {
        match &self.0[slot] {
            Buf::Shared(data) => data,
            Buf::Owned(o) => o.floats(),
            Buf::Empty => unreachable!("slot {slot} read before it was computed"),
        }
    }
}

/// Floats in a 64-byte cache line.
const LINE_FLOATS: usize = 16;

/// Where a buffer's first cache line starts, in floats.
fn line_start(v: &[f32]) -> usize {
    v.as_ptr().align_offset(LINE_FLOATS * 4).min(v.len())
}

/// Buffers free for steps' outputs: the intermediates of the program's last
/// run, and those whose readers have all run in this one, each with the
/// step that first took it in this run (`usize::MAX`: none yet).
///
/// A run ends by stacking its buffers in the order its steps first took
/// them (the first on top), so the next run, taking them by the same rule,
/// hands each slot the same buffer: none wanders from slot to slot, and so
/// from one pattern of threads writing it to another, run after run.
struct FreeBuffers(Vec<(usize, Vec<f32>)>);

impl FreeBuffers {
    fn new(last_run: Vec<Vec<f32>>) -> FreeBuffers {
        FreeBuffers(last_run.into_iter().map(|v| (usize::MAX, v)).collect())
    }

    /// Room for `len` floats starting on a cache line (contents
    /// unspecified), for step `step`: the shortest free buffer that has it,
    /// the latest freed among equals (the likeliest still in cache), or a
    /// new one. On a cache line, no vector load of a row start straddles two
    /// lines; where a buffer starts otherwise is the allocator's luck (one
    /// comparison, in a noisy spell: the transformer's step ~8% faster
    /// aligned).
    fn take(&mut self, len: usize, step: usize) -> Owned {
        let room = |v: &Vec<f32>| v.len() - line_start(v);
        let mut best: Option<usize> = None;
        for (i, (_, v)) in self.0.iter().enumerate().rev() {
            if room(v) >= len && best.is_none_or(|b| v.len() < self.0[b].1.len()) {
                best = Some(i);
            }
        }
        let (first_taken, data) = match best {
            Some(i) => self.0.remove(i),
            None => {
                ALLOCATIONS.with(|a| a.set(a.get() + 1));
                (usize::MAX, vec![0.0; len + LINE_FLOATS - 1])
            }
        };
        Owned { at: line_start(&data), data, len, first_taken: first_taken.min(step) }
    }

    fn give_back(&mut self, o: Owned) {
        self.0.push((o.first_taken, o.data));
    }

    /// The buffers for the next run, the first taken on top.
    fn in_taking_order(mut self) -> Vec<Vec<f32>> {
        // Stable: buffers no step took keep their order, at the bottom.
        self.0.sort_by_key(|&(first, _)| std::cmp::Reverse(first));
        self.0.into_iter().map(|(_, v)| v).collect()
    }
}

/// The buffer step `step_index` writes its output into.
fn output_buffer(p: &Program, step: &Step, step_index: usize, bufs: &mut Bufs, free: &mut FreeBuffers) -> Owned {
    let len = p.lens[step.out];
    let onto = match &step.kernel {
        Kernel::Gemm(g) => g.onto,
        _ => None,
    };
    match onto {
        // A product added onto a buffer starts from that buffer: moved
        // when this is its only reader, else copied.
        Some(src) if p.readers[src] == 1 && matches!(bufs.0[src], Buf::Owned(_)) => {
            let Buf::Owned(o) = std::mem::replace(&mut bufs.0[src], Buf::Empty) else { unreachable!() };
            o
        }
        Some(src) => {
            let mut o = free.take(len, step_index);
            o.floats_mut().copy_from_slice(kernels::Slots::get(bufs, src));
            o
        }
        // Targets are handed out: a new buffer each run.
        None if p.is_target[step.out] => {
            ALLOCATIONS.with(|a| a.set(a.get() + 1));
            Owned { data: vec![0.0; len], at: 0, len, first_taken: usize::MAX }
        }
        None => free.take(len, step_index),
    }
}

/// Target `slot`'s floats, as a vector of their own for the caller.
fn hand_out(bufs: &mut Bufs, slot: usize) -> Vec<f32> {
    match std::mem::replace(&mut bufs.0[slot], Buf::Empty) {
        // (A target added onto an intermediate's buffer moves its floats to the start.)
        Buf::Owned(Owned { mut data, at, len, .. }) => {
            data.copy_within(at..at + len, 0);
            data.truncate(len);
            data
        }
        Buf::Shared(v) => v.as_ref().clone(),
        Buf::Empty => unreachable!("a target listed twice"),
    }
}

/// Keeps the run's intermediates for the program's next run, only for
/// programs that run repeatedly (a training loop), and only if they are
/// small, so the cache's memory stays bounded.
fn keep_for_next_run(p: &Program, bufs: Bufs, mut free: FreeBuffers) {
    for buf in bufs.0 {
        if let Buf::Owned(o) = buf {
            free.give_back(o);
        }
    }
    let mut spare = free.in_taking_order();
    let kept = floats(&spare);
    let total = KEPT.with(|k| k.get());
    if p.runs.get() < 2 || kept > MAX_KEPT_SCRATCH || total + kept > MAX_KEPT_TOTAL {
        spare = Vec::new();
    }
    let held = floats(&spare);
    KEPT.with(|k| k.set(k.get() + held));
    *p.scratch.borrow_mut() = spare;
}

fn run(p: &Rc<Program>, inputs: Vec<Rc<Vec<f32>>>) -> Vec<Vec<f32>> {
    let started = Instant::now();
    let profile = profiling();
    let mut bufs = Bufs((0..p.lens.len()).map(|_| Buf::Empty).collect());
    for (&slot, data) in p.input_slots.iter().zip(inputs) {
        bufs.0[slot] = Buf::Shared(data);
    }
    // Intermediates of this program's previous run, reused.
    let last_run = std::mem::take(&mut *p.scratch.borrow_mut());
    let held = floats(&last_run);
    let mut free = FreeBuffers::new(last_run);
    KEPT.with(|k| k.set(k.get().saturating_sub(held)));
    p.runs.set(p.runs.get() + 1);
    let mut registers = REGISTERS.with(|r| std::mem::take(&mut *r.borrow_mut()));
    if profile {
        record("bind inputs", started);
    }
    for (step_index, step) in p.steps.iter().enumerate() {
        let t = Instant::now();
        let len = p.lens[step.out];
        let mut out = output_buffer(p, step, step_index, &mut bufs, &mut free);
        if profile {
            record("allocate outputs", t);
        }
        let t = Instant::now();
        let dst = out.floats_mut();
        match &step.kernel {
            // Kernels split between threads read the buffers through plain
            // pointers, gathered only for them.
            Kernel::Fused(f) if kernels::worth_splitting(len) => {
                let shared = bufs.shared();
                SECOND_REGISTERS.with(|r| {
                    kernels::run_fused_parallel(f, &shared, dst, &mut registers, &mut r.borrow_mut())
                })
            }
            Kernel::Fused(f) => kernels::run_fused(f, &bufs, dst, 0, &mut registers),
            Kernel::Reduce {
                src,
                view,
                axis,
                max,
            } => kernels::reduce(kernels::Slots::get(&bufs, *src), view, *axis, *max, dst),
            Kernel::Gemm(g) => kernels::gemm(g, &bufs, dst),
            Kernel::SumOfViews(sum) if kernels::splits_sum_of_views(sum, len) => {
                kernels::sum_of_views_parallel(sum, &bufs.shared(), dst)
            }
            Kernel::SumOfViews(sum) => kernels::sum_of_views(sum, &bufs, dst),
            Kernel::PackB { src, offset, strides, k, n } => {
                packed::pack(kernels::Slots::get(&bufs, *src), *offset, *strides, *k, *n, dst)
            }
            Kernel::LstmLoop(l) => l.run(&bufs, dst),
            Kernel::LstmLoopBackward(l) => l.run(&bufs, dst),
            Kernel::MaxPoolTiles { x, tiles } => kernels::max_pool_tiles(tiles, kernels::Slots::get(&bufs, *x), dst),
            Kernel::SoftmaxRows { x, len } => kernels::softmax_rows(kernels::Slots::get(&bufs, *x), *len, dst),
            Kernel::SoftmaxRowsBackward { y, g, len } => {
                let get = |slot: &usize| kernels::Slots::get(&bufs, *slot);
                kernels::softmax_rows_adjoint(get(y), get(g), *len, dst)
            }
            Kernel::LayerNormRows { x, len, eps } => kernels::layer_norm_rows(kernels::Slots::get(&bufs, *x), *len, *eps, dst),
            Kernel::LayerNormRowsBackward { x, y, g, len, eps } => {
                let get = |slot: &usize| kernels::Slots::get(&bufs, *slot);
                kernels::layer_norm_rows_adjoint(get(x), get(y), get(g), *len, *eps, dst)
            }
            Kernel::MaxPoolTilesBackward { g, x, y, tiles } => {
                let get = |slot: &usize| kernels::Slots::get(&bufs, *slot);
                kernels::max_pool_tiles_adjoint(tiles, get(g), get(x), get(y), dst)
            }
        }
        bufs.0[step.out] = Buf::Owned(out);
        for &slot in &p.frees[step_index] {
            if let Buf::Owned(o) = std::mem::replace(&mut bufs.0[slot], Buf::Empty) {
                free.give_back(o);
            }
        }
        if profile {
            record(step.kernel.name(), t);
            profile::record_step((Rc::as_ptr(p) as usize, step_index), t.elapsed(), || step.kernel.describe(len));
        }
    }
    let t = Instant::now();
    let outputs = p.target_slots.iter().map(|&s| hand_out(&mut bufs, s)).collect();
    keep_for_next_run(p, bufs, free);
    REGISTERS.with(|r| *r.borrow_mut() = registers);
    if profile {
        record("outputs + scratch", t);
    }
    outputs
}

thread_local! {
    /// `runtime::set_fused_operators(false)` on this thread.
    static UNFUSED_HERE: Cell<bool> = const { Cell::new(false) };
}

/// Whether fused operators are on for this thread (see `runtime::set_fused_operators`).
pub(crate) fn fused_operators_on() -> bool {
    !UNFUSED_HERE.with(Cell::get)
}

pub mod runtime;

pub(crate) use profile::record;
use profile::profiling;
pub(crate) use updates::update_halves;

#[cfg(test)]
pub(crate) fn allocations() -> usize {
    ALLOCATIONS.with(|a| a.get())
}

#[cfg(test)]
mod tests;
