//! Which device computes tensors: the CPU always; an NVIDIA GPU when the engine is built
//! with the `cuda` feature and one is present.
//!
//! The choice is per thread (tensors are single-threaded) and is made once, on first
//! use, from `NMA_DEVICE` (`auto`, `cpu` or `cuda`; default `auto`), unless [`set`] or
//! [`prepare`] chose before. `auto` takes CUDA when it can and the CPU otherwise.

use std::cell::Cell;
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Device {
    Cpu,
    Cuda,
}

impl Device {
    pub fn name(self) -> &'static str {
        match self {
            Device::Cpu => "cpu",
            Device::Cuda => "cuda",
        }
    }
}

impl fmt::Display for Device {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What was asked for: `--device auto|cpu|cuda`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeviceChoice {
    #[default]
    Auto,
    Cpu,
    Cuda,
}

impl FromStr for DeviceChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" | "" => Ok(DeviceChoice::Auto),
            "cpu" => Ok(DeviceChoice::Cpu),
            "cuda" | "gpu" => Ok(DeviceChoice::Cuda),
            other => Err(format!("unknown device `{other}`: use auto, cpu or cuda")),
        }
    }
}

/// Whether this build can use CUDA at all.
pub const CUDA_BUILT: bool = cfg!(feature = "cuda");

/// How many GPUs the CUDA driver sees, or why none can be used (a build without CUDA, a
/// driver that did not start).
pub fn cuda_devices() -> Result<usize, String> {
    #[cfg(feature = "cuda")]
    {
        crate::cuda::device_count()
    }
    #[cfg(not(feature = "cuda"))]
    {
        Err("this build has no CUDA support: rebuild with `--features cuda` (see the README)".into())
    }
}

/// Whether a CUDA GPU can be used now (built with `cuda` and the driver sees a device).
pub fn cuda_available() -> bool {
    cuda_devices().is_ok_and(|n| n > 0)
}

/// Turns a choice into a device, or says in plain words why it cannot be had.
pub fn resolve(choice: DeviceChoice) -> Result<Device, String> {
    match choice {
        DeviceChoice::Cpu => Ok(Device::Cpu),
        DeviceChoice::Auto => Ok(if cuda_available() { Device::Cuda } else { Device::Cpu }),
        DeviceChoice::Cuda => match cuda_devices() {
            Err(why) => Err(format!("CUDA was asked for, but {why}")),
            Ok(0) => Err("CUDA was asked for, but no NVIDIA GPU is visible to the CUDA driver".into()),
            Ok(_) => Ok(Device::Cuda),
        },
    }
}

thread_local! {
    static CURRENT: Cell<Option<Device>> = const { Cell::new(None) };
}

/// The device this thread computes on, choosing it from `NMA_DEVICE` on first use.
/// Panics with a clear message when `NMA_DEVICE=cuda` cannot be honoured.
#[track_caller]
pub fn current() -> Device {
    if let Some(device) = CURRENT.with(Cell::get) {
        return device;
    }
    let choice = std::env::var("NMA_DEVICE").ok().map(|v| v.parse::<DeviceChoice>());
    let device = match choice {
        None => resolve(DeviceChoice::Auto),
        Some(Ok(choice)) => resolve(choice),
        Some(Err(e)) => Err(format!("NMA_DEVICE: {e}")),
    }
    .unwrap_or_else(|why| panic!("{why}"));
    CURRENT.with(|c| c.set(Some(device)));
    device
}

/// Makes this thread compute on `device` from now on.
pub fn set(device: Device) {
    CURRENT.with(|c| c.set(Some(device)));
}

/// Chooses the device now and, for CUDA, opens the driver and warms the kernel compiler.
/// The grader's test harness calls this before it takes away file access: the CUDA
/// driver opens `/dev/nvidia*` and the kernel compiler loads a library on first use.
pub fn prepare() -> Result<Device, String> {
    let choice = match std::env::var("NMA_DEVICE") {
        Ok(v) => v.parse::<DeviceChoice>().map_err(|e| format!("NMA_DEVICE: {e}"))?,
        Err(_) => DeviceChoice::Auto,
    };
    #[cfg_attr(not(feature = "cuda"), allow(unused_mut))]
    let mut device = resolve(choice)?;
    #[cfg(feature = "cuda")]
    if device == Device::Cuda {
        // luminal's CUDA code unwraps some driver errors: a panic here is the device's
        // failure, reported as such, not a crash of whatever runs next.
        let warmed = std::panic::catch_unwind(crate::cuda::warm_up).unwrap_or_else(|payload| {
            let what = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "a panic without a message".into());
            Err(format!("the CUDA runtime failed while starting: {what}"))
        });
        match warmed {
            Ok(()) => {}
            // `auto` means the GPU when it works: the CPU gives the same results.
            Err(_) if choice == DeviceChoice::Auto => device = Device::Cpu,
            Err(why) => return Err(why),
        }
    }
    set(device);
    Ok(device)
}

/// The grader's budget of GPU memory for one test (see [`crate::gpu_memory`]).
pub use crate::gpu_memory::MEMORY_LIMIT_ENV;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_parse_and_cpu_builds_refuse_cuda_clearly() {
        assert_eq!("CUDA".parse::<DeviceChoice>(), Ok(DeviceChoice::Cuda));
        assert_eq!("auto".parse::<DeviceChoice>(), Ok(DeviceChoice::Auto));
        assert!("tpu".parse::<DeviceChoice>().unwrap_err().contains("auto, cpu or cuda"));
        assert_eq!(resolve(DeviceChoice::Cpu), Ok(Device::Cpu));
        if !CUDA_BUILT {
            assert_eq!(resolve(DeviceChoice::Auto), Ok(Device::Cpu));
            assert!(resolve(DeviceChoice::Cuda).unwrap_err().contains("--features cuda"));
        }
    }
}
