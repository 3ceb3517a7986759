//! A seccomp filter installed before the learner's code runs (Linux only).
//!
//! After it, the process can still compute, allocate, start threads and write to the
//! file descriptors it already has, but cannot open files (so it cannot read hidden
//! tests, reach the result pipe through `/proc/self/fd`, or write anywhere), create
//! sockets, start processes, signal other processes, or touch other processes' memory.
//! Forbidden calls fail with `EPERM`, which Rust code sees as an ordinary `io::Error`.

/// Whether the filter is in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confinement {
    Confined,
    /// Not Linux, or the kernel refused: the grader's other limits still apply.
    Unconfined,
}

#[cfg(all(target_os = "linux", any(target_arch = "x86_64", target_arch = "aarch64")))]
pub fn confine() -> Confinement {
    match install() {
        Ok(()) => Confinement::Confined,
        Err(_) => Confinement::Unconfined,
    }
}

#[cfg(not(all(target_os = "linux", any(target_arch = "x86_64", target_arch = "aarch64"))))]
pub fn confine() -> Confinement {
    Confinement::Unconfined
}

#[cfg(all(target_os = "linux", any(target_arch = "x86_64", target_arch = "aarch64")))]
mod linux {
    use libc::{sock_filter, sock_fprog};

    #[cfg(target_arch = "x86_64")]
    pub const AUDIT_ARCH: u32 = 0xC000_003E;
    #[cfg(target_arch = "aarch64")]
    pub const AUDIT_ARCH: u32 = 0xC000_00B7;

    const LD_W_ABS: u16 = 0x20; // BPF_LD | BPF_W | BPF_ABS
    const JEQ_K: u16 = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
    const JSET_K: u16 = 0x45; // BPF_JMP | BPF_JSET | BPF_K
    const RET_K: u16 = 0x06; // BPF_RET | BPF_K
    const RET_ALLOW: u32 = 0x7fff_0000;
    const RET_ERRNO: u32 = 0x0005_0000;
    const RET_KILL_PROCESS: u32 = 0x8000_0000;
    const OFFSET_NR: u32 = 0;
    const OFFSET_ARCH: u32 = 4;
    const OFFSET_ARG0: u32 = 16; // low 32 bits of args[0] on little-endian targets

    fn stmt(code: u16, k: u32) -> sock_filter {
        sock_filter { code, jt: 0, jf: 0, k }
    }
    fn jump(code: u16, k: u32, jt: u8, jf: u8) -> sock_filter {
        sock_filter { code, jt, jf, k }
    }

    /// Syscalls refused outright, with the errno they return.
    fn refused() -> Vec<(libc::c_long, i32)> {
        let mut list = vec![
            (libc::SYS_openat, libc::EPERM),
            (libc::SYS_openat2, libc::EPERM),
            (libc::SYS_open_by_handle_at, libc::EPERM),
            (libc::SYS_socket, libc::EPERM),
            (libc::SYS_socketpair, libc::EPERM),
            (libc::SYS_execve, libc::EPERM),
            (libc::SYS_execveat, libc::EPERM),
            // glibc falls back to clone (checked below) when clone3 is "missing".
            (libc::SYS_clone3, libc::ENOSYS),
            (libc::SYS_ptrace, libc::EPERM),
            (libc::SYS_process_vm_readv, libc::EPERM),
            (libc::SYS_process_vm_writev, libc::EPERM),
            (libc::SYS_tkill, libc::EPERM),
            (libc::SYS_unlinkat, libc::EPERM),
            (libc::SYS_renameat, libc::EPERM),
            (libc::SYS_renameat2, libc::EPERM),
            (libc::SYS_mkdirat, libc::EPERM),
            (libc::SYS_linkat, libc::EPERM),
            (libc::SYS_symlinkat, libc::EPERM),
            (libc::SYS_truncate, libc::EPERM),
            (libc::SYS_fchmodat, libc::EPERM),
            (libc::SYS_fchownat, libc::EPERM),
        ];
        #[cfg(target_arch = "x86_64")]
        list.extend([
            (libc::SYS_open, libc::EPERM),
            (libc::SYS_creat, libc::EPERM),
            (libc::SYS_fork, libc::EPERM),
            (libc::SYS_vfork, libc::EPERM),
            (libc::SYS_unlink, libc::EPERM),
            (libc::SYS_rename, libc::EPERM),
            (libc::SYS_mkdir, libc::EPERM),
            (libc::SYS_rmdir, libc::EPERM),
            (libc::SYS_link, libc::EPERM),
            (libc::SYS_symlink, libc::EPERM),
            (libc::SYS_chmod, libc::EPERM),
            (libc::SYS_chown, libc::EPERM),
            (libc::SYS_lchown, libc::EPERM),
        ]);
        list
    }

    pub fn program(own_pid: u32) -> Vec<sock_filter> {
        let mut p = vec![
            stmt(LD_W_ABS, OFFSET_ARCH),
            jump(JEQ_K, AUDIT_ARCH, 1, 0),
            stmt(RET_K, RET_KILL_PROCESS),
        ];
        for (nr, errno) in refused() {
            p.push(stmt(LD_W_ABS, OFFSET_NR));
            p.push(jump(JEQ_K, nr as u32, 0, 1));
            p.push(stmt(RET_K, RET_ERRNO | errno as u32));
        }
        // clone: threads (CLONE_THREAD) yes, new processes no.
        p.push(stmt(LD_W_ABS, OFFSET_NR));
        p.push(jump(JEQ_K, libc::SYS_clone as u32, 0, 4));
        p.push(stmt(LD_W_ABS, OFFSET_ARG0));
        p.push(jump(JSET_K, libc::CLONE_THREAD as u32, 0, 1));
        p.push(stmt(RET_K, RET_ALLOW));
        p.push(stmt(RET_K, RET_ERRNO | libc::EPERM as u32));
        // kill and tgkill only towards this process (abort() signals itself).
        for nr in [libc::SYS_kill, libc::SYS_tgkill] {
            p.push(stmt(LD_W_ABS, OFFSET_NR));
            p.push(jump(JEQ_K, nr as u32, 0, 4));
            p.push(stmt(LD_W_ABS, OFFSET_ARG0));
            p.push(jump(JEQ_K, own_pid, 0, 1));
            p.push(stmt(RET_K, RET_ALLOW));
            p.push(stmt(RET_K, RET_ERRNO | libc::EPERM as u32));
        }
        p.push(stmt(RET_K, RET_ALLOW));
        p
    }

    pub fn install() -> Result<(), i32> {
        let mut filter = program(std::process::id());
        let prog = sock_fprog { len: filter.len() as u16, filter: filter.as_mut_ptr() };
        // SAFETY: plain prctl calls; `prog` points at `filter`, alive for the call.
        unsafe {
            if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 {
                return Err(*libc::__errno_location());
            }
            if libc::prctl(libc::PR_SET_SECCOMP, libc::SECCOMP_MODE_FILTER, &prog as *const sock_fprog) != 0 {
                return Err(*libc::__errno_location());
            }
        }
        Ok(())
    }
}

#[cfg(all(target_os = "linux", any(target_arch = "x86_64", target_arch = "aarch64")))]
use linux::install;

#[cfg(all(test, target_os = "linux", any(target_arch = "x86_64", target_arch = "aarch64")))]
mod tests {
    #[test]
    fn every_jump_lands_inside_the_program_and_it_ends_by_allowing() {
        let p = super::linux::program(1234);
        assert!(p.len() < 255, "a BPF jump offset is one byte");
        for (i, ins) in p.iter().enumerate() {
            if ins.code & 0x07 == 0x05 {
                assert!(i + 1 + (ins.jt.max(ins.jf) as usize) < p.len(), "jump at {i} leaves the program");
            }
        }
        assert_eq!((p.last().unwrap().code, p.last().unwrap().k), (0x06, 0x7fff_0000));
    }
}
