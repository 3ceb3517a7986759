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
//! so a GPU run also allows `ioctl` and polling. Landlock checks device ioctls when a
//! file is opened, so descriptors opened before it keep working. The warm-up opens the
//! device files, but two things are read again whenever a test's graph needs a new
//! kernel (seen on an H200): nvrtc reads the CUDA header the kernel includes, and the
//! driver loads its PTX compiler library. Where Landlock is enforced, a CUDA run may
//! therefore open files read-only, and Landlock grants exactly those
//! ([`cuda_readable_paths`]); without Landlock, opening stays refused.
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

/// Where luminal_cuda's kernels find the header they include (`cuda_fp16.h`). nvrtc reads
/// it each time a test's graph needs a kernel not compiled yet, after the sandbox closed.
pub const CUDA_HEADER_DIRS: &[&str] = &["/usr/local/cuda/include"];

/// Confines this process for good: Landlock first (where the kernel has it), then the
/// seccomp allowlist for `device`. A CUDA run may read [`cuda_readable_paths`].
pub fn confine_for(device: DeviceAccess) -> Layers {
    let readable = if device == DeviceAccess::Cuda { cuda_readable_paths() } else { Vec::new() };
    confine_reading(device, &readable.iter().map(String::as_str).collect::<Vec<_>>())
}

/// What a CUDA run reads after the sandbox closed: the header folders, and the NVIDIA
/// driver's own libraries beside the `libcuda.so` this process loaded, with the loader's
/// cache that finds them. The driver loads its PTX compiler
/// (`libnvidia-ptxjitcompiler.so.1`) afresh for every kernel it loads, and luminal_cuda
/// hands it PTX for each new kernel (seen on an H200: `CUDA_ERROR_JIT_COMPILER_NOT_FOUND`
/// without this).
pub fn cuda_readable_paths() -> Vec<String> {
    let mut paths: Vec<String> = CUDA_HEADER_DIRS.iter().map(|dir| dir.to_string()).collect();
    paths.push("/etc/ld.so.cache".into());
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap_or_default();
    let driver = maps.lines().filter_map(|line| line.split_whitespace().nth(5)).find(|path| {
        std::path::Path::new(path).file_name().is_some_and(|name| name.to_string_lossy().starts_with("libcuda.so"))
    });
    if let Some(folder) = driver.and_then(|path| std::path::Path::new(path).parent()) {
        for entry in std::fs::read_dir(folder).into_iter().flatten().flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with("libnvidia-") || name.starts_with("libcuda.so") {
                paths.push(entry.path().display().to_string());
            }
        }
    }
    paths
}

/// [`confine_for`], with the files and folders a CUDA run may read named (public for
/// tests). Landlock grants reading those files, and files beneath those folders, and
/// nothing else; only then does the seccomp list let files be opened, read-only: without
/// Landlock, any file (the hidden tests' sources among them) could be read, so the call
/// stays refused, and a test that needs a new kernel fails in luminal_cuda.
pub fn confine_reading(device: DeviceAccess, readable: &[&str]) -> Layers {
    let readable = if device == DeviceAccess::Cuda { readable } else { &[] };
    let (landlock, granted) = landlock_layer(device, readable);
    Layers { seccomp: seccomp_layer(device, landlock && granted), landlock }
}

/// Caps the address space at what the process maps now plus `budget_mb` MiB. The grader
/// caps it before the process starts, except for a CUDA build: its libraries map ~1 GB
/// before `main` and the driver reserves ~300 GB more (seen on an H200, ~300 MB of it
/// resident), so the grader limits private memory only (`RLIMIT_DATA`), and the harness
/// calls this once the device is ready, before any learner code, to bound shared mappings
/// too. Returns whether the cap is in place.
pub fn cap_address_space_growth(budget_mb: u64) -> bool {
    address_space::cap_growth(budget_mb).is_some()
}

#[cfg(target_os = "linux")]
mod address_space {
    pub fn cap_growth(budget_mb: u64) -> Option<()> {
        // The first field of statm is the whole address space, in pages.
        let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
        let pages: u64 = statm.split_whitespace().next()?.parse().ok()?;
        // SAFETY: sysconf and setrlimit are plain calls on this process.
        let page_size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        let limit = pages.checked_mul(u64::try_from(page_size).ok()?)?.checked_add(budget_mb.checked_mul(1024 * 1024)?)?;
        let rl = libc::rlimit { rlim_cur: limit as libc::rlim_t, rlim_max: limit as libc::rlim_t };
        // SAFETY: setrlimit reads the struct it is given and changes only this process.
        (unsafe { libc::setrlimit(libc::RLIMIT_AS, &rl) } == 0).then_some(())
    }
}

#[cfg(not(target_os = "linux"))]
mod address_space {
    pub fn cap_growth(_budget_mb: u64) -> Option<()> {
        None
    }
}

/// Landlock alone, without seccomp: every path refused. Returns whether it is enforced.
/// `confine_for` does this too; it is public so tests can check the layer by itself.
pub fn confine_files() -> bool {
    landlock_layer(DeviceAccess::Cpu, &[]).0
}

/// Whether Landlock is enforced, and whether it granted reading beneath a folder.
#[cfg(target_os = "linux")]
fn landlock_layer(device: DeviceAccess, readable: &[&str]) -> (bool, bool) {
    files::restrict(device == DeviceAccess::Cpu, readable).unwrap_or((false, false))
}

#[cfg(not(target_os = "linux"))]
fn landlock_layer(_device: DeviceAccess, _readable: &[&str]) -> (bool, bool) {
    (false, false)
}

#[cfg(all(target_os = "linux", any(target_arch = "x86_64", target_arch = "aarch64")))]
fn seccomp_layer(device: DeviceAccess, reads_files: bool) -> bool {
    calls::install(device, reads_files).is_ok()
}

#[cfg(not(all(target_os = "linux", any(target_arch = "x86_64", target_arch = "aarch64"))))]
fn seccomp_layer(_device: DeviceAccess, _reads_files: bool) -> bool {
    false
}

#[cfg(target_os = "linux")]
mod files {
    use landlock::{
        Access, AccessFs, AccessNet, CompatLevel, Compatible, PathBeneath, PathFd, RestrictSelfAttr, Ruleset,
        RulesetAttr, RulesetCreatedAttr, RulesetError, RulesetStatus, Scope, ABI,
    };

    /// The newest ABI this version of the crate knows; best effort takes what the kernel has.
    const NEWEST: ABI = ABI::V10;

    /// Handles every access right and grants only reading the files of `readable` (files,
    /// or folders for the files beneath them; those that exist), so everything else is
    /// refused. Returns whether it is enforced and whether anything was granted.
    pub fn restrict(all_threads: bool, readable: &[&str]) -> Result<(bool, bool), RulesetError> {
        let mut ruleset = Ruleset::default()
            .set_compatibility(CompatLevel::BestEffort)
            .handle_access(AccessFs::from_all(NEWEST))?
            .handle_access(AccessNet::from_all(NEWEST))?
            .scope(Scope::from_all(NEWEST))?
            .create()?;
        let mut granted = false;
        for folder in readable {
            if let Ok(fd) = PathFd::new(folder) {
                ruleset = ruleset.add_rule(PathBeneath::new(fd, AccessFs::ReadFile))?;
                granted = true;
            }
        }
        let status = ruleset.all_threads(all_threads)?.restrict_self()?;
        Ok((status.ruleset != RulesetStatus::NotEnforced, granted))
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

    /// What nvrtc does to read a kernel's header (traced with strace on CUDA 13's
    /// libnvrtc): `stat` on the header's path, then it opens it read-only (see
    /// [`allowlist`]), reads it with `lseek`, `read` and `fstat`, and reads and re-sets its
    /// own stack and CPU limits (`prlimit64` on itself; soft and hard limits are equal, so
    /// no limit can be raised). It also asks for the working folder and the metadata of
    /// other paths, and goes on when refused, so those stay refused. Landlock decides which
    /// files: this list only says how.
    ///
    /// nvrtc calls `stat` itself; std (and glibc's `stat`) use `statx` and `newfstatat`,
    /// so on x86-64 a test's code still learns nothing about paths. aarch64 has no `stat`:
    /// nvrtc's `newfstatat` there is let through, and with it other files' metadata.
    fn reading_files() -> Vec<libc::c_long> {
        #[cfg(target_arch = "x86_64")]
        return vec![libc::SYS_lseek, libc::SYS_stat];
        #[cfg(not(target_arch = "x86_64"))]
        return vec![libc::SYS_lseek, libc::SYS_newfstatat];
    }

    /// `open` flags that write, create or truncate, or open a path without reading it
    /// (`O_PATH`, which Landlock does not check): an open with any of them stays refused.
    const REFUSED_OPEN_FLAGS: u64 =
        (libc::O_ACCMODE | libc::O_CREAT | libc::O_TRUNC | libc::O_APPEND | libc::O_PATH) as u64;

    fn condition(arg: u8, op: SeccompCmpOp, value: u64) -> SeccompRule {
        let condition = SeccompCondition::new(arg, SeccompCmpArgLen::Dword, op, value).expect("argument index below 6");
        SeccompRule::new(vec![condition]).expect("one condition")
    }

    /// The allowlist: syscall number and the rules of which one must hold (none: always).
    /// `reads_files` only where Landlock limits which files (see `confine_reading`).
    pub fn allowlist(device: DeviceAccess, own_pid: u32, reads_files: bool) -> BTreeMap<i64, Vec<SeccompRule>> {
        let mut rules: BTreeMap<i64, Vec<SeccompRule>> =
            unconditional(device).into_iter().map(|nr| (nr, Vec::new())).collect();
        if reads_files {
            rules.extend(reading_files().into_iter().map(|nr| (nr, Vec::new())));
            // openat(dirfd, path, flags): read-only, nothing created.
            rules.insert(libc::SYS_openat, vec![condition(2, SeccompCmpOp::MaskedEq(REFUSED_OPEN_FLAGS), 0)]);
            // prlimit64(pid, ...): 0 is this process.
            rules.insert(libc::SYS_prlimit64, vec![condition(0, SeccompCmpOp::Eq, 0)]);
            // fstat, as glibc makes it: newfstatat(fd, "", buf, AT_EMPTY_PATH).
            #[cfg(target_arch = "x86_64")]
            rules.insert(
                libc::SYS_newfstatat,
                vec![condition(3, SeccompCmpOp::MaskedEq(libc::AT_EMPTY_PATH as u64), libc::AT_EMPTY_PATH as u64)],
            );
        }
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
    pub fn programs(device: DeviceAccess, own_pid: u32, reads_files: bool) -> Result<[BpfProgram; 2], seccompiler::Error> {
        // Installed first, so both run on every call; for clone3 this one says ENOSYS,
        // the allowlist says allow, and the kernel takes the stricter answer.
        let clone3 = SeccompFilter::new(
            [(libc::SYS_clone3, Vec::new())].into(),
            SeccompAction::Allow,
            SeccompAction::Errno(libc::ENOSYS as u32),
            ARCH,
        )?;
        let allowlist = SeccompFilter::new(
            allowlist(device, own_pid, reads_files),
            SeccompAction::Errno(libc::EPERM as u32),
            SeccompAction::Allow,
            ARCH,
        )?;
        Ok([clone3.try_into()?, allowlist.try_into()?])
    }

    /// Stops at the first failure, so the allowlist (which lets clone3 through) never goes
    /// on without the filter that answers it.
    pub fn install(device: DeviceAccess, reads_files: bool) -> Result<(), seccompiler::Error> {
        for program in programs(device, std::process::id(), reads_files)? {
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
            for reads_files in [false, true] {
                let [clone3, list] = programs(device, 1234, reads_files).expect("the filters compile");
                assert!(!clone3.is_empty() && list.len() < 4096, "{} instructions", list.len());
            }
        }
    }

    #[test]
    fn nothing_that_opens_spawns_or_reaches_out_is_on_the_list() {
        let cpu = allowlist(DeviceAccess::Cpu, 1, false);
        let cuda = allowlist(DeviceAccess::Cuda, 1, false);
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
        // Reading headers adds opening read-only and limits on itself, never writing,
        // spawning or reaching out.
        let reading = allowlist(DeviceAccess::Cuda, 1, true);
        for nr in refused.into_iter().filter(|&nr| nr != libc::SYS_openat) {
            assert!(!reading.contains_key(&nr), "syscall {nr}");
        }
        for conditional in [libc::SYS_openat, libc::SYS_prlimit64] {
            assert!(!reading[&conditional].is_empty(), "syscall {conditional} needs its condition");
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
mod address_space_tests {
    use std::process::Command;

    /// Set in the child copy of this test binary that the cap is tried in: a cap on this
    /// process would bind every other test.
    const CHILD: &str = "NMA_HARNESS_ADDRESS_CAP_CHILD";

    /// Whether a shared anonymous mapping of `bytes` can be made (one that `RLIMIT_DATA`
    /// does not count).
    fn can_map_shared(bytes: usize) -> bool {
        // SAFETY: a fresh anonymous mapping, unmapped before returning.
        unsafe {
            let p = libc::mmap(
                std::ptr::null_mut(),
                bytes,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            if p == libc::MAP_FAILED {
                return false;
            }
            libc::munmap(p, bytes);
            true
        }
    }

    #[test]
    fn the_cap_bounds_the_growth_of_the_address_space_shared_mappings_included() {
        if std::env::var_os(CHILD).is_some() {
            assert!(can_map_shared(512 << 20), "no cap yet");
            assert!(super::cap_address_space_growth(256));
            assert!(can_map_shared(64 << 20), "growth within the budget");
            assert!(!can_map_shared(512 << 20), "a shared mapping past the budget is refused");
            return;
        }
        let out = Command::new(std::env::current_exe().unwrap())
            .args(["the_cap_bounds_the_growth_of_the_address_space_shared_mappings_included", "--test-threads=1"])
            .env(CHILD, "1")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success() && stdout.contains("1 passed"), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    }
}
