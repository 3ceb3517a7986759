//! Confinement installed before the learner's code runs (Linux only).
//!
//! The grade rests on the learner's code not reaching the result pipe, the hidden tests,
//! the network or other processes. Two layers close those, each on its own:
//!
//! - **A seccomp allowlist** (what [`Confinement::Confined`] reports). A denylist has to
//!   name every harmful call the kernel has or will gain (io_uring, new ways to open a
//!   file, x32 numbers); an allowlist names only what a numeric test needs (memory,
//!   threads, locks, clocks, random keys, signals to itself, I/O on descriptors it already
//!   holds), so anything new is refused. Refused calls fail with `EPERM`, which Rust code
//!   sees as an ordinary `io::Error` rather than a crash. Three calls are allowed only
//!   with arguments the filter can check: `clone` only for threads, `kill`/`tgkill` only
//!   towards this process (`abort()` signals itself), `prctl` only for thread names.
//!   `clone3`, whose flags are in memory a filter cannot read, answers `ENOSYS` so that
//!   glibc falls back to `clone`.
//! - **Landlock**, where the kernel has it: a ruleset that handles every access right the
//!   crate knows (files, TCP ports, signals and abstract sockets outside the process)
//!   and grants none, so every path stays refused even if a call that takes one ever
//!   slipped onto the allowlist. It goes on first: its own calls are not on the list.
//!
//! CUDA ([`DeviceAccess::Cuda`]): the driver talks to the GPU through `ioctl` on the
//! device files it opened while the engine warmed up, and waits on its own descriptors,
//! so a GPU run also allows `ioctl` and polling. Opening files stays refused: the warm-up
//! exists so that nothing needs opening after this point. Landlock checks device ioctls
//! when a file is opened, so descriptors opened before it keep working.
//!
//! Threads: with the CPU list, the seccomp filter covers every thread of the process
//! (Landlock too from its ABI 8; before that, the calling thread and those it starts).
//! With CUDA, only the calling thread and the threads it starts: the driver's helper
//! threads, started during the warm-up, run only the driver's code, and a list that
//! breaks them could not be tested without a GPU.

/// Whether the seccomp filter is in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confinement {
    Confined,
    /// Not Linux, or the kernel refused: the grader's other limits still apply.
    Unconfined,
}

/// What the compute device needs from the kernel once the sandbox is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeviceAccess {
    /// The CPU engine: the strict list.
    #[default]
    Cpu,
    /// An NVIDIA GPU through the CUDA driver: also `ioctl` on the descriptors the driver
    /// opened before, and polling them.
    Cuda,
}

/// Which layers are in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Layers {
    /// The seccomp allowlist.
    pub seccomp: bool,
    /// Landlock refuses every path (false where the kernel lacks Landlock).
    pub landlock: bool,
}

impl Layers {
    /// `Confined` when the seccomp filter is in place: it alone closes every hole.
    pub fn confinement(self) -> Confinement {
        if self.seccomp {
            Confinement::Confined
        } else {
            Confinement::Unconfined
        }
    }
}

/// Confines this process for a CPU run; see [`confine_for`].
pub fn confine() -> Confinement {
    confine_for(DeviceAccess::Cpu).confinement()
}

/// Confines this process for good: Landlock first (where the kernel has it), then the
/// seccomp allowlist for `device`.
pub fn confine_for(device: DeviceAccess) -> Layers {
    let landlock = landlock_layer(device);
    Layers { seccomp: seccomp_layer(device), landlock }
}

/// Landlock alone, without seccomp: every path refused. Returns whether it is enforced.
/// `confine_for` does this too; it is public so tests can check the layer by itself.
pub fn confine_files() -> bool {
    landlock_layer(DeviceAccess::Cpu)
}

#[cfg(target_os = "linux")]
fn landlock_layer(device: DeviceAccess) -> bool {
    matches!(files::restrict(device == DeviceAccess::Cpu), Ok(true))
}

#[cfg(not(target_os = "linux"))]
fn landlock_layer(_device: DeviceAccess) -> bool {
    false
}

#[cfg(all(target_os = "linux", any(target_arch = "x86_64", target_arch = "aarch64")))]
fn seccomp_layer(device: DeviceAccess) -> bool {
    calls::install(device).is_ok()
}

#[cfg(not(all(target_os = "linux", any(target_arch = "x86_64", target_arch = "aarch64"))))]
fn seccomp_layer(_device: DeviceAccess) -> bool {
    false
}

#[cfg(target_os = "linux")]
mod files {
    use landlock::{
        Access, AccessFs, AccessNet, CompatLevel, Compatible, RestrictSelfAttr, Ruleset, RulesetAttr,
        RulesetError, RulesetStatus, Scope, ABI,
    };

    /// The newest ABI this version of the crate knows; best effort takes what the kernel has.
    const NEWEST: ABI = ABI::V10;

    /// Handles every access right and adds no rule, so all of them are refused.
    pub fn restrict(all_threads: bool) -> Result<bool, RulesetError> {
        let status = Ruleset::default()
            .set_compatibility(CompatLevel::BestEffort)
            .handle_access(AccessFs::from_all(NEWEST))?
            .handle_access(AccessNet::from_all(NEWEST))?
            .scope(Scope::from_all(NEWEST))?
            .create()?
            .all_threads(all_threads)?
            .restrict_self()?;
        Ok(status.ruleset != RulesetStatus::NotEnforced)
    }
}

#[cfg(all(target_os = "linux", any(target_arch = "x86_64", target_arch = "aarch64")))]
pub(crate) mod calls {
    use super::DeviceAccess;
    use seccompiler::{
        apply_filter, apply_filter_all_threads, BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp,
        SeccompCondition, SeccompFilter, SeccompRule, TargetArch,
    };
    use std::collections::BTreeMap;

    #[cfg(target_arch = "x86_64")]
    const ARCH: TargetArch = TargetArch::x86_64;
    #[cfg(target_arch = "aarch64")]
    const ARCH: TargetArch = TargetArch::aarch64;

    /// A thread: `CLONE_THREAD` set and no new namespace, whatever else is set (the
    /// kernel only accepts `CLONE_THREAD` together with a shared address space).
    const CLONE_THREAD_ONLY_MASK: u64 = (libc::CLONE_THREAD
        | libc::CLONE_NEWNS
        | libc::CLONE_NEWCGROUP
        | libc::CLONE_NEWUTS
        | libc::CLONE_NEWIPC
        | libc::CLONE_NEWUSER
        | libc::CLONE_NEWPID
        | libc::CLONE_NEWNET) as u64;

    /// Calls allowed whatever their arguments.
    fn unconditional(device: DeviceAccess) -> Vec<libc::c_long> {
        let mut list = vec![
            // Memory: the allocator, thread stacks and their guard pages, big buffers.
            libc::SYS_brk,
            libc::SYS_mmap,
            libc::SYS_munmap,
            libc::SYS_mremap,
            libc::SYS_mprotect,
            libc::SYS_madvise,
            // Threads, as glibc starts and ends them; locks and parking.
            libc::SYS_set_robust_list,
            libc::SYS_rseq,
            libc::SYS_futex,
            libc::SYS_sched_yield,
            libc::SYS_sched_getaffinity,
            libc::SYS_gettid,
            libc::SYS_getpid,
            libc::SYS_exit,
            libc::SYS_exit_group,
            // Signals within the process: panics, abort, Rust's stack-overflow handler.
            libc::SYS_rt_sigaction,
            libc::SYS_rt_sigprocmask,
            libc::SYS_rt_sigreturn,
            libc::SYS_sigaltstack,
            libc::SYS_restart_syscall,
            // Clocks and sleeping.
            libc::SYS_clock_gettime,
            libc::SYS_clock_getres,
            libc::SYS_gettimeofday,
            libc::SYS_nanosleep,
            libc::SYS_clock_nanosleep,
            // HashMap's random keys.
            libc::SYS_getrandom,
            // I/O on descriptors the process already holds: stdout, stderr, stdin.
            libc::SYS_read,
            libc::SYS_write,
            libc::SYS_readv,
            libc::SYS_writev,
            libc::SYS_pread64,
            libc::SYS_pwrite64,
            libc::SYS_close,
            // Answered ENOSYS by the second filter; listed so this one lets that through.
            libc::SYS_clone3,
        ];
        if device == DeviceAccess::Cuda {
            // The driver's requests to the GPU on the device files it holds.
            list.push(libc::SYS_ioctl);
            // Its event thread and blocking waits poll descriptors it holds.
            list.extend([libc::SYS_ppoll, libc::SYS_epoll_pwait]);
            #[cfg(target_arch = "x86_64")]
            list.extend([libc::SYS_poll, libc::SYS_epoll_wait]);
        }
        list
    }

    fn condition(arg: u8, op: SeccompCmpOp, value: u64) -> SeccompRule {
        let condition = SeccompCondition::new(arg, SeccompCmpArgLen::Dword, op, value).expect("argument index below 6");
        SeccompRule::new(vec![condition]).expect("one condition")
    }

    /// The allowlist: syscall number and the rules of which one must hold (none: always).
    pub fn allowlist(device: DeviceAccess, own_pid: u32) -> BTreeMap<i64, Vec<SeccompRule>> {
        let mut rules: BTreeMap<i64, Vec<SeccompRule>> =
            unconditional(device).into_iter().map(|nr| (nr, Vec::new())).collect();
        rules.insert(
            libc::SYS_clone,
            vec![condition(0, SeccompCmpOp::MaskedEq(CLONE_THREAD_ONLY_MASK), libc::CLONE_THREAD as u64)],
        );
        // The pid (`int`) is the first argument of both; tgkill's second is a thread of it.
        for nr in [libc::SYS_kill, libc::SYS_tgkill] {
            rules.insert(nr, vec![condition(0, SeccompCmpOp::Eq, own_pid as u64)]);
        }
        rules.insert(
            libc::SYS_prctl,
            [libc::PR_SET_NAME, libc::PR_GET_NAME].map(|option| condition(0, SeccompCmpOp::Eq, option as u64)).into(),
        );
        rules
    }

    /// The two programs, in the order they are installed.
    pub fn programs(device: DeviceAccess, own_pid: u32) -> Result<[BpfProgram; 2], seccompiler::Error> {
        // Installed first, so both run on every call; for clone3 this one says ENOSYS,
        // the allowlist says allow, and the kernel takes the stricter answer.
        let clone3 = SeccompFilter::new(
            [(libc::SYS_clone3, Vec::new())].into(),
            SeccompAction::Allow,
            SeccompAction::Errno(libc::ENOSYS as u32),
            ARCH,
        )?;
        let allowlist = SeccompFilter::new(
            allowlist(device, own_pid),
            SeccompAction::Errno(libc::EPERM as u32),
            SeccompAction::Allow,
            ARCH,
        )?;
        Ok([clone3.try_into()?, allowlist.try_into()?])
    }

    /// Stops at the first failure, so the allowlist (which lets clone3 through) never goes
    /// on without the filter that answers it.
    pub fn install(device: DeviceAccess) -> Result<(), seccompiler::Error> {
        for program in programs(device, std::process::id())? {
            match device {
                DeviceAccess::Cpu => apply_filter_all_threads(&program)?,
                DeviceAccess::Cuda => apply_filter(&program)?,
            }
        }
        Ok(())
    }
}

#[cfg(all(test, target_os = "linux", any(target_arch = "x86_64", target_arch = "aarch64")))]
mod tests {
    use super::calls::{allowlist, programs};
    use super::DeviceAccess;

    #[test]
    fn both_programs_compile_for_both_devices() {
        for device in [DeviceAccess::Cpu, DeviceAccess::Cuda] {
            let [clone3, list] = programs(device, 1234).expect("the filters compile");
            assert!(!clone3.is_empty() && list.len() < 4096, "{} instructions", list.len());
        }
    }

    #[test]
    fn nothing_that_opens_spawns_or_reaches_out_is_on_the_list() {
        let cpu = allowlist(DeviceAccess::Cpu, 1);
        let cuda = allowlist(DeviceAccess::Cuda, 1);
        let refused = [
            libc::SYS_openat,
            libc::SYS_openat2,
            libc::SYS_open_by_handle_at,
            libc::SYS_socket,
            libc::SYS_execve,
            libc::SYS_execveat,
            libc::SYS_ptrace,
            libc::SYS_process_vm_readv,
            libc::SYS_process_vm_writev,
            libc::SYS_io_uring_setup,
            libc::SYS_bpf,
            libc::SYS_unlinkat,
            libc::SYS_renameat2,
            libc::SYS_mount,
            libc::SYS_unshare,
            libc::SYS_setns,
            libc::SYS_keyctl,
            libc::SYS_userfaultfd,
            libc::SYS_perf_event_open,
            libc::SYS_tkill,
            libc::SYS_seccomp,
            libc::SYS_landlock_restrict_self,
        ];
        for nr in refused {
            assert!(!cpu.contains_key(&nr) && !cuda.contains_key(&nr), "syscall {nr}");
        }
        assert!(!cpu.contains_key(&libc::SYS_ioctl), "ioctl is for CUDA runs only");
        assert!(cuda.contains_key(&libc::SYS_ioctl));
        for conditional in [libc::SYS_clone, libc::SYS_kill, libc::SYS_tgkill, libc::SYS_prctl] {
            assert!(!cpu[&conditional].is_empty(), "syscall {conditional} needs its condition");
        }
    }
}
