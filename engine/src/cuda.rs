//! Realization on an NVIDIA GPU (feature `cuda`): the unrealized graph is lowered to a
//! luminal graph exactly as on the reference path, compiled with luminal_cuda's
//! `CudaCompiler` (kernels generated and compiled by nvrtc, matmuls through cuBLAS), and
//! the compiled graph is cached by the graph's structure — the same key as the CPU
//! programs — so a training loop compiles once and afterwards only uploads its inputs.

use crate::ir::Node;
use crate::luminal_backend::{lower, take_output, LuminalGraph};
use luminal::prelude::{Graph, NodeIndex};
use luminal_cuda::CudaCompiler;
use luminal_cudarc::driver::CudaDevice;
use std::cell::RefCell;
use std::rc::Rc;

/// Compiled graphs kept per thread; the least recently used goes first.
const CACHE_CAPACITY: usize = 16;

struct Compiled {
    key: Vec<u64>,
    graph: Box<Graph>,
    /// Input nodes, in the order of the realized nodes of `order`.
    inputs: Vec<NodeIndex>,
    /// Where each target's host copy appears after compilation.
    outputs: Vec<NodeIndex>,
    last_used: u64,
}

thread_local! {
    static CACHE: RefCell<(u64, Vec<Compiled>)> = const { RefCell::new((0, Vec::new())) };
}

/// GPUs the CUDA driver can see, or why the driver cannot say. `CudaDevice::count`
/// panics when the driver fails to start, so this asks the driver itself.
pub(crate) fn device_count() -> Result<usize, String> {
    use luminal_cudarc::driver::result;
    // The error's code, not `{e:?}`: DriverError's Debug asks the driver for a message
    // and panics when it cannot give one.
    result::init().map_err(|e| {
        let e = e.0;
        let hint = if e == luminal_cudarc::driver::sys::CUresult::CUDA_ERROR_OUT_OF_MEMORY {
            // Seen on an H200: the driver reserves ~300 GB of address space as it starts.
            " (a limit on the process's address space, such as `ulimit -v`, makes the driver fail this way)"
        } else {
            ""
        };
        format!("the CUDA driver did not start: {e:?}{hint}")
    })?;
    let count = result::device::get_count().map_err(|e| format!("the CUDA driver cannot count its GPUs: {:?}", e.0))?;
    Ok(count.max(0) as usize)
}

/// Opens the device and runs one tiny graph through the whole compile path, so the
/// driver's device files and nvrtc's libraries are loaded before a sandbox closes.
pub(crate) fn warm_up() -> Result<(), String> {
    CudaDevice::new(0).map_err(|e| format!("cannot open CUDA device 0: {:?}", e.0))?;
    // Built from the IR's own constructors (this backend sits below the tensor API).
    let a = crate::ir::Tensor::leaf(Rc::new(vec![1.0, 2.0]), vec![2]);
    let b = crate::ir::Tensor::from_op(crate::ir::Op::Add, vec![a.clone(), a], vec![2]);
    let nodes = [b.node.clone()];
    let order = crate::ir::unrealized_in_dependency_order(&nodes);
    let out = execute(&order, &nodes);
    if out.first().map(|v| v.as_slice()) == Some(&[2.0, 4.0][..]) {
        Ok(())
    } else {
        Err(format!("the CUDA warm-up computed {out:?} instead of [[2.0, 4.0]]"))
    }
}

/// Runs the unrealized graph `order` on the GPU and returns the targets' buffers.
pub(crate) fn execute(order: &[Rc<Node>], targets: &[Rc<Node>]) -> Vec<Vec<f32>> {
    // Every node's buffer at once: an upper bound of what this run holds on the GPU
    // (the buffers are dropped after each run, below).
    let bytes = order.iter().map(|n| n.shape.iter().product::<usize>() as u64 * 4).sum();
    if let Err(why) = crate::gpu_memory::check(bytes, crate::gpu_memory::budget_mb()) {
        panic!("{why}");
    }
    let key = crate::cpu::structure_key(order, targets);
    let data: Vec<Rc<Vec<f32>>> = order.iter().filter_map(|n| n.realized_data()).collect();
    CACHE.with(|cache| {
        let (clock, entries) = &mut *cache.borrow_mut();
        *clock += 1;
        let position = match entries.iter().position(|e| e.key == key) {
            Some(i) => i,
            None => {
                if entries.len() >= CACHE_CAPACITY {
                    let oldest = (0..entries.len()).min_by_key(|&i| entries[i].last_used).expect("non-empty");
                    entries.swap_remove(oldest);
                }
                entries.push(compile(key, order, targets));
                entries.len() - 1
            }
        };
        let entry = &mut entries[position];
        entry.last_used = *clock;
        for (&id, buffer) in entry.inputs.iter().zip(&data) {
            entry.graph.set_tensor(id, 0, luminal::tensor::Tensor::new(buffer.as_ref().clone()));
        }
        entry.graph.execute();
        let results = entry.outputs.iter().map(|&id| take_output(&mut entry.graph, id)).collect();
        // Nothing may survive into the next run: luminal skips nodes that still hold an output.
        entry.graph.tensors.clear();
        results
    })
}

fn compile(key: Vec<u64>, order: &[Rc<Node>], targets: &[Rc<Node>]) -> Compiled {
    let LuminalGraph { mut graph, ids, inputs } = lower(order);
    let mut outputs: Vec<NodeIndex> = targets.iter().map(|t| ids[&Rc::as_ptr(t)]).collect();
    let mut inputs: Vec<NodeIndex> = inputs.into_iter().map(|(id, _)| id).collect();
    // Retrieved nodes get a copy back to the host; compilation may renumber nodes,
    // so both lists ride along in the remap.
    graph.retrieve_tensors(outputs.clone());
    let remap: Vec<&mut NodeIndex> = outputs.iter_mut().chain(inputs.iter_mut()).collect();
    graph.compile(CudaCompiler::<f32>::default(), remap);
    Compiled { key, graph, inputs, outputs, last_used: 0 }
}
