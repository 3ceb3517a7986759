//! The sandbox, tried for real: confinement cannot be undone, so every test re-runs this
//! test binary as a child (`<binary> <test> --exact`, with `NMA_SANDBOX_CHILD` naming the
//! test) that confines itself, tries things and prints what happened as
//! `NMA-CHILD key=value` lines; the parent asserts on them.
#![cfg(target_os = "linux")]

use nma_harness::sandbox::{self, Confinement, DeviceAccess, Layers};
use std::collections::BTreeMap;
use std::fmt::Display;
use std::fs::File;
use std::io;
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, ExitStatus};
use std::sync::{mpsc, Arc, Mutex};

const CHILD: &str = "NMA_SANDBOX_CHILD";
const PREFIX: &str = "NMA-CHILD ";
/// A file that is there wherever the tests run, readable before confinement.
const SOME_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");

/// What a child reported.
struct Findings {
    said: BTreeMap<String, String>,
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

impl Findings {
    fn get(&self, key: &str) -> &str {
        match self.said.get(key) {
            Some(value) => value,
            None => panic!(
                "the child did not report `{key}` ({:?})\n--- stdout ---\n{}\n--- stderr ---\n{}",
                self.status, self.stdout, self.stderr
            ),
        }
    }
}

/// In the child named `name`: runs `body` and exits. In the parent: runs that child
/// (with `env` added) and returns what it reported.
fn child(name: &str, env: &[(&str, &str)], body: impl FnOnce()) -> Findings {
    if std::env::var(CHILD).as_deref() == Ok(name) {
        body();
        std::process::exit(0);
    }
    let out = Command::new(std::env::current_exe().expect("the test binary's path"))
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, name)
        .env("RUST_BACKTRACE", "0")
        .envs(env.iter().copied())
        .output()
        .expect("the child starts");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let said = stdout
        .lines()
        // libtest may have started the line with "test <name> ... ".
        .filter_map(|line| line.find(PREFIX).map(|at| &line[at + PREFIX.len()..]))
        .filter_map(|line| line.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Findings { said, status: out.status, stdout, stderr: String::from_utf8_lossy(&out.stderr).into_owned() }
}

fn say(key: &str, value: impl Display) {
    println!("{PREFIX}{key}={value}");
}

fn errno_name(errno: i32) -> String {
    match errno {
        libc::EPERM => "EPERM".into(),
        libc::EACCES => "EACCES".into(),
        libc::ENOSYS => "ENOSYS".into(),
        libc::ENOTTY => "ENOTTY".into(),
        other => format!("errno {other}"),
    }
}

/// "ok" or the errno's name, for a raw call returning -1 on failure.
fn raw(ret: libc::c_long) -> String {
    if ret == -1 {
        errno_name(io::Error::last_os_error().raw_os_error().unwrap_or(0))
    } else {
        "ok".into()
    }
}

fn outcome<T>(result: io::Result<T>) -> String {
    match result {
        Ok(_) => "ok".into(),
        Err(e) => e.raw_os_error().map(errno_name).unwrap_or_else(|| format!("{:?}", e.kind())),
    }
}

/// The kernel's Landlock ABI version, 0 without Landlock.
fn landlock_abi() -> i64 {
    const LANDLOCK_CREATE_RULESET_VERSION: libc::c_uint = 1;
    // SAFETY: with a null attribute and size 0 this flag only asks for the version.
    let abi = unsafe {
        libc::syscall(libc::SYS_landlock_create_ruleset, std::ptr::null::<u8>(), 0usize, LANDLOCK_CREATE_RULESET_VERSION)
    };
    abi.max(0)
}

fn confine_and_say() {
    say("confined", sandbox::confine() == Confinement::Confined);
}

#[test]
fn threads_locks_random_keys_and_stdout_work_after_confinement() {
    let found = child("threads_locks_random_keys_and_stdout_work_after_confinement", &[], || {
        confine_and_say();
        let counter = Arc::new(Mutex::new(0u64));
        let workers: Vec<_> = (0..4)
            .map(|i| {
                let counter = Arc::clone(&counter);
                std::thread::Builder::new()
                    .name(format!("worker-{i}"))
                    .spawn(move || {
                        for _ in 0..1000 {
                            *counter.lock().unwrap() += 1;
                        }
                        // A new thread's HashMap draws fresh random keys (getrandom).
                        let mut map = std::collections::HashMap::new();
                        map.insert(i, i * i);
                        std::thread::sleep(std::time::Duration::from_millis(1));
                        println!("hello from {}", std::thread::current().name().unwrap());
                        map[&i]
                    })
                    .expect("a thread starts")
            })
            .collect();
        let squares: u64 = workers.into_iter().map(|w| w.join().expect("no panic")).sum();
        say("count", *counter.lock().unwrap());
        say("squares", squares);
        let scoped = std::thread::scope(|s| s.spawn(|| 6 * 7).join().unwrap());
        say("scoped", scoped);
        say("parallelism", outcome(std::thread::available_parallelism()));
        // A panic in a thread unwinds to join, its message on stderr.
        let panicked = std::thread::spawn(|| panic!("deliberate panic in a thread")).join().is_err();
        say("thread_panic_caught", panicked);
        say("caught_here", std::panic::catch_unwind(|| panic!("deliberate panic here")).is_err());
    });
    assert_eq!(found.get("confined"), "true");
    assert_eq!(found.get("count"), "4000");
    assert_eq!(found.get("squares"), "14");
    assert_eq!(found.get("scoped"), "42");
    assert_eq!(found.get("parallelism"), "ok");
    assert_eq!(found.get("thread_panic_caught"), "true");
    assert_eq!(found.get("caught_here"), "true");
    for i in 0..4 {
        assert!(found.stdout.contains(&format!("hello from worker-{i}")), "{}", found.stdout);
    }
    assert!(found.stderr.contains("deliberate panic in a thread"), "{}", found.stderr);
    assert!(found.status.success(), "{:?}\n{}", found.status, found.stderr);
}

#[test]
fn a_panic_with_a_backtrace_requested_still_unwinds() {
    // Printing a backtrace wants to read the binary: refused, and the panic goes on.
    let found = child("a_panic_with_a_backtrace_requested_still_unwinds", &[("RUST_BACKTRACE", "1")], || {
        confine_and_say();
        say("caught", std::panic::catch_unwind(|| panic!("deliberate panic with a backtrace")).is_err());
    });
    assert_eq!(found.get("confined"), "true");
    assert_eq!(found.get("caught"), "true");
    assert!(found.stderr.contains("deliberate panic with a backtrace"), "{}", found.stderr);
}

#[test]
fn a_hundred_megabytes_can_be_allocated_and_grown() {
    let found = child("a_hundred_megabytes_can_be_allocated_and_grown", &[], || {
        confine_and_say();
        let filled = vec![1u8; 100 << 20];
        say("filled", filled.iter().map(|&b| b as u64).sum::<u64>());
        drop(filled);
        // Growing one step at a time reallocates (mremap for big blocks).
        let mut grown: Vec<f32> = Vec::new();
        for i in 0..(25 << 20) {
            grown.push(i as f32);
        }
        say("grown", grown.len() * std::mem::size_of::<f32>());
    });
    assert_eq!(found.get("confined"), "true");
    assert_eq!(found.get("filled"), (100u64 << 20).to_string());
    assert_eq!(found.get("grown"), (100u64 << 20).to_string());
}

#[test]
fn no_file_can_be_opened_created_or_looked_at() {
    let scratch = std::env::temp_dir().join(format!("nma-sandbox-test-{}", std::process::id()));
    let scratch_for_child = scratch.display().to_string();
    let found = child("no_file_can_be_opened_created_or_looked_at", &[("NMA_SCRATCH", &scratch_for_child)], || {
        let scratch = std::env::var("NMA_SCRATCH").unwrap();
        say("before", outcome(File::open(SOME_FILE)));
        confine_and_say();
        say("open", outcome(File::open(SOME_FILE)));
        say("proc_fd", outcome(File::open("/proc/self/fd/1")));
        say("create", outcome(File::create(&scratch)));
        say("metadata", outcome(std::fs::metadata("/etc/hostname")));
        say("read_dir", outcome(std::fs::read_dir("/")));
    });
    assert!(!scratch.exists(), "the confined child created {}", scratch.display());
    assert_eq!(found.get("before"), "ok");
    assert_eq!(found.get("confined"), "true");
    for key in ["open", "proc_fd", "create", "metadata", "read_dir"] {
        assert_eq!(found.get(key), "EPERM", "{key}");
    }
}

#[test]
fn no_socket_can_be_made() {
    let found = child("no_socket_can_be_made", &[], || {
        confine_and_say();
        say("tcp", outcome(std::net::TcpListener::bind("127.0.0.1:0")));
        say("udp", outcome(std::net::UdpSocket::bind("127.0.0.1:0")));
        say("unix", outcome(std::os::unix::net::UnixDatagram::unbound()));
    });
    assert_eq!(found.get("confined"), "true");
    for key in ["tcp", "udp", "unix"] {
        assert_eq!(found.get(key), "EPERM", "{key}");
    }
}

#[test]
fn no_process_can_be_started() {
    let found = child("no_process_can_be_started", &[], || {
        confine_and_say();
        say("spawn", outcome(Command::new("/bin/true").spawn()));
        // SAFETY: a fork that got through would end its copy at once.
        let pid = unsafe { libc::fork() };
        if pid == 0 {
            unsafe { libc::_exit(0) };
        }
        say("fork", raw(pid as libc::c_long));
    });
    assert_eq!(found.get("confined"), "true");
    assert_ne!(found.get("spawn"), "ok");
    assert_eq!(found.get("fork"), "EPERM");
}

#[test]
fn calls_on_no_list_fail_with_eperm_where_the_old_denylist_let_them_through() {
    let found = child("calls_on_no_list_fail_with_eperm_where_the_old_denylist_let_them_through", &[], || {
        fn calls(when: &str) {
            // SAFETY: each call gets buffers of the size the kernel writes.
            unsafe {
                say(&format!("{when}.getppid"), raw(libc::syscall(libc::SYS_getppid)));
                say(&format!("{when}.getuid"), raw(libc::syscall(libc::SYS_getuid)));
                let mut uts: libc::utsname = std::mem::zeroed();
                say(&format!("{when}.uname"), raw(libc::syscall(libc::SYS_uname, &mut uts)));
                let mut info: libc::sysinfo = std::mem::zeroed();
                say(&format!("{when}.sysinfo"), raw(libc::syscall(libc::SYS_sysinfo, &mut info)));
                say(&format!("{when}.personality"), raw(libc::syscall(libc::SYS_personality, 0xffff_ffffu32)));
                say(&format!("{when}.prctl_dumpable"), raw(libc::syscall(libc::SYS_prctl, libc::PR_GET_DUMPABLE, 0, 0, 0, 0)));
                let mut winsize: libc::winsize = std::mem::zeroed();
                say(&format!("{when}.ioctl"), raw(libc::syscall(libc::SYS_ioctl, 0, libc::TIOCGWINSZ, &mut winsize)));
            }
        }
        calls("before");
        confine_and_say();
        calls("after");
        // SAFETY: a zeroed io_uring_params (120 bytes) and a null clone_args.
        unsafe {
            let mut params = [0u8; 120];
            let ring = libc::syscall(libc::SYS_io_uring_setup, 1u32, params.as_mut_ptr());
            say("io_uring_setup", raw(ring));
            say("clone3", raw(libc::syscall(libc::SYS_clone3, std::ptr::null::<u8>(), 0usize)));
            let name = c"renamed";
            say("prctl_set_name", raw(libc::syscall(libc::SYS_prctl, libc::PR_SET_NAME, name.as_ptr(), 0, 0, 0)));
        }
    });
    assert_eq!(found.get("confined"), "true");
    for call in ["getppid", "getuid", "uname", "sysinfo", "personality", "prctl_dumpable"] {
        assert_eq!(found.get(&format!("before.{call}")), "ok", "{call} works unconfined");
        assert_eq!(found.get(&format!("after.{call}")), "EPERM", "{call} confined");
    }
    assert_eq!(found.get("before.ioctl"), "ENOTTY", "stdin is /dev/null");
    assert_eq!(found.get("after.ioctl"), "EPERM", "no ioctl on the CPU list");
    assert_eq!(found.get("io_uring_setup"), "EPERM");
    assert_eq!(found.get("clone3"), "ENOSYS", "so that glibc falls back to clone");
    assert_eq!(found.get("prctl_set_name"), "ok");
}

#[test]
fn signals_reach_this_process_only() {
    let found = child("signals_reach_this_process_only", &[], || {
        // SAFETY: signal 0 only checks permission; nothing is delivered.
        unsafe {
            let parent = libc::getppid();
            let me = libc::getpid();
            say("before.parent", raw(libc::kill(parent, 0) as libc::c_long));
            confine_and_say();
            say("parent", raw(libc::kill(parent, 0) as libc::c_long));
            say("group", raw(libc::kill(0, 0) as libc::c_long));
            say("everyone", raw(libc::kill(-1, 0) as libc::c_long));
            say("tgkill_parent", raw(libc::syscall(libc::SYS_tgkill, parent, parent, 0)));
            say("self", raw(libc::kill(me, 0) as libc::c_long));
            say("tgkill_self", raw(libc::syscall(libc::SYS_tgkill, me, libc::gettid(), 0)));
        }
    });
    assert_eq!(found.get("before.parent"), "ok");
    assert_eq!(found.get("confined"), "true");
    for key in ["parent", "group", "everyone", "tgkill_parent"] {
        assert_eq!(found.get(key), "EPERM", "{key}");
    }
    assert_eq!(found.get("self"), "ok");
    assert_eq!(found.get("tgkill_self"), "ok");
}

#[test]
fn abort_still_ends_the_process_with_sigabrt() {
    let found = child("abort_still_ends_the_process_with_sigabrt", &[], || {
        confine_and_say();
        std::process::abort();
    });
    assert_eq!(found.get("confined"), "true");
    assert_eq!(found.status.signal(), Some(libc::SIGABRT), "{:?}", found.status);
}

#[test]
fn threads_started_before_confinement_are_confined_too() {
    let found = child("threads_started_before_confinement_are_confined_too", &[], || {
        let (go, wait) = mpsc::channel::<()>();
        let (tell, told) = mpsc::channel::<String>();
        let earlier = std::thread::spawn(move || {
            wait.recv().unwrap();
            tell.send(outcome(File::open(SOME_FILE))).unwrap();
        });
        confine_and_say();
        go.send(()).unwrap();
        say("earlier_thread_open", told.recv().unwrap());
        earlier.join().unwrap();
    });
    assert_eq!(found.get("confined"), "true");
    assert_eq!(found.get("earlier_thread_open"), "EPERM");
}

#[test]
fn both_layers_are_reported() {
    let abi = landlock_abi();
    let found = child("both_layers_are_reported", &[], || {
        let layers = sandbox::confine_for(DeviceAccess::Cpu);
        say("seccomp", layers.seccomp);
        say("landlock", layers.landlock);
        say("confinement", format!("{:?}", layers.confinement()));
    });
    eprintln!("Landlock ABI on this kernel: {abi}");
    assert_eq!(found.get("seccomp"), "true");
    assert_eq!(found.get("landlock"), (abi > 0).to_string());
    assert_eq!(found.get("confinement"), "Confined");
    assert_eq!(Layers::default().confinement(), Confinement::Unconfined);
}

#[test]
fn landlock_alone_refuses_every_path() {
    let abi = landlock_abi();
    if abi == 0 {
        eprintln!("skipped: this kernel has no Landlock ({})", io::Error::last_os_error());
        return;
    }
    let scratch = std::env::temp_dir().join(format!("nma-landlock-test-{}", std::process::id()));
    let scratch_for_child = scratch.display().to_string();
    let found = child("landlock_alone_refuses_every_path", &[("NMA_SCRATCH", &scratch_for_child)], || {
        let scratch = std::env::var("NMA_SCRATCH").unwrap();
        // SAFETY: getppid has no arguments; signal 0 delivers nothing.
        let parent = unsafe { libc::getppid() };
        say("before", outcome(File::open(SOME_FILE)));
        say("enforced", sandbox::confine_files());
        say("open", outcome(File::open(SOME_FILE)));
        say("create", outcome(File::create(&scratch)));
        say("read_dir", outcome(std::fs::read_dir("/")));
        // No seccomp: calls off the allowlist still work.
        say("getppid", raw(unsafe { libc::syscall(libc::SYS_getppid) }));
        say("tcp", outcome(std::net::TcpListener::bind("127.0.0.1:0")));
        say("signal_parent", raw(unsafe { libc::kill(parent, 0) } as libc::c_long));
        say("thread", std::thread::spawn(|| outcome(File::open(SOME_FILE))).join().unwrap());
    });
    eprintln!("Landlock ABI on this kernel: {abi}");
    assert!(!scratch.exists(), "the child created {}", scratch.display());
    assert_eq!(found.get("before"), "ok");
    assert_eq!(found.get("enforced"), "true");
    for key in ["open", "create", "read_dir", "thread"] {
        assert_eq!(found.get(key), "EACCES", "{key}");
    }
    assert_eq!(found.get("getppid"), "ok", "seccomp is not in place");
    if abi >= 4 {
        assert_eq!(found.get("tcp"), "EACCES", "Landlock handles TCP ports from ABI 4");
    }
    if abi >= 6 {
        assert_eq!(found.get("signal_parent"), "EPERM", "Landlock scopes signals from ABI 6");
    }
}

#[test]
fn a_cuda_run_may_use_ioctl_on_held_descriptors_and_still_opens_nothing() {
    let found = child("a_cuda_run_may_use_ioctl_on_held_descriptors_and_still_opens_nothing", &[], || {
        let layers = sandbox::confine_for(DeviceAccess::Cuda);
        say("seccomp", layers.seccomp);
        let mut winsize: libc::winsize = unsafe { std::mem::zeroed() };
        // SAFETY: TIOCGWINSZ writes one winsize; stdin is /dev/null, opened before.
        say("ioctl", raw(unsafe { libc::syscall(libc::SYS_ioctl, 0, libc::TIOCGWINSZ, &mut winsize) }));
        say("open", outcome(File::open(SOME_FILE)));
        say("tcp", outcome(std::net::TcpListener::bind("127.0.0.1:0")));
        say("spawn", outcome(Command::new("/bin/true").spawn()));
        say("thread", std::thread::spawn(|| 6 * 7).join().unwrap());
    });
    assert_eq!(found.get("seccomp"), "true");
    assert_eq!(found.get("ioctl"), "ENOTTY", "the device's own answer: ioctl is let through");
    // EPERM from seccomp; EACCES from Landlock where a CUDA header folder is here to read.
    assert!(["EPERM", "EACCES"].contains(&found.get("open")), "{}", found.get("open"));
    assert_eq!(found.get("tcp"), "EPERM");
    assert_ne!(found.get("spawn"), "ok");
    assert_eq!(found.get("thread"), "42");
}

/// nvrtc reads `cuda_fp16.h` whenever a test's graph needs a new kernel, after the
/// sandbox closed: a CUDA run may open files read-only beneath the folders it names, and
/// nothing else, and only where Landlock decides which files.
#[test]
fn a_cuda_run_reads_beneath_its_header_folders_and_nowhere_else() {
    let folder = std::env::temp_dir().join(format!("nma-cuda-headers-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("cuda_fp16.h"), "// a header\n").unwrap();
    let folder_for_child = folder.display().to_string();
    let name = "a_cuda_run_reads_beneath_its_header_folders_and_nowhere_else";
    let found = child(name, &[("NMA_HEADERS", &folder_for_child)], || {
        let folder = std::env::var("NMA_HEADERS").unwrap();
        let header = format!("{folder}/cuda_fp16.h");
        let layers = sandbox::confine_reading(DeviceAccess::Cuda, &[&folder]);
        say("seccomp", layers.seccomp);
        say("landlock", layers.landlock);
        say("read_header", outcome(std::fs::read_to_string(&header)));
        let path = std::ffi::CString::new(header.clone()).unwrap();
        let mut stat: libc::stat = unsafe { std::mem::zeroed() };
        if let Ok(file) = File::open(&header) {
            use std::os::fd::AsRawFd;
            // SAFETY: fstat as glibc makes it, on a descriptor this process holds.
            let ret = unsafe { libc::syscall(libc::SYS_newfstatat, file.as_raw_fd(), c"".as_ptr(), &mut stat, libc::AT_EMPTY_PATH) };
            say("nvrtc_fstat", raw(ret));
        }
        // SAFETY: stat writes one struct stat for a NUL-terminated path: nvrtc's own call.
        #[cfg(target_arch = "x86_64")]
        say("nvrtc_stat", raw(unsafe { libc::syscall(libc::SYS_stat, path.as_ptr(), &mut stat) }));
        say("std_path_metadata", outcome(std::fs::metadata(&header)));
        say("getcwd", outcome(std::env::current_dir()));
        let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        // SAFETY: prlimit64 with pid 0 reads this process's stack limit into `limit`.
        say("own_limit", raw(unsafe { libc::syscall(libc::SYS_prlimit64, 0, libc::RLIMIT_STACK, std::ptr::null::<u8>(), &mut limit) }));
        // SAFETY: as above, on process 1: only reads, and must be refused.
        say("other_limit", raw(unsafe { libc::syscall(libc::SYS_prlimit64, 1, libc::RLIMIT_STACK, std::ptr::null::<u8>(), &mut limit) }));
        say("write_header", outcome(std::fs::OpenOptions::new().write(true).open(&header)));
        say("append_header", outcome(std::fs::OpenOptions::new().append(true).open(&header)));
        say("create_beside", outcome(File::create(format!("{folder}/new.h"))));
        say("read_elsewhere", outcome(File::open(SOME_FILE)));
        say("list_folder", outcome(std::fs::read_dir(&folder)));
        say("tcp", outcome(std::net::TcpListener::bind("127.0.0.1:0")));
        say("spawn", outcome(Command::new("/bin/true").spawn()));
    });
    let created = folder.join("new.h").exists();
    std::fs::remove_dir_all(&folder).unwrap();
    assert_eq!(found.get("seccomp"), "true");
    assert!(!created, "the child created a file beside the header");
    assert_eq!(found.get("other_limit"), "EPERM", "limits of other processes stay out of reach");
    for key in ["write_header", "append_header", "create_beside"] {
        assert_eq!(found.get(key), "EPERM", "{key}: seccomp refuses every open that writes or creates");
    }
    assert_eq!(found.get("tcp"), "EPERM");
    assert_ne!(found.get("spawn"), "ok");
    // A test's own code learns nothing about paths: only nvrtc's raw `stat` is let through.
    assert_eq!(found.get("std_path_metadata"), "EPERM");
    assert_eq!(found.get("getcwd"), "EPERM");
    if found.get("landlock") == "true" {
        for key in ["read_header", "nvrtc_fstat", "own_limit"] {
            assert_eq!(found.get(key), "ok", "{key}");
        }
        #[cfg(target_arch = "x86_64")]
        assert_eq!(found.get("nvrtc_stat"), "ok");
        // Landlock's answer: seccomp let the read-only open through.
        assert_eq!(found.get("read_elsewhere"), "EACCES");
        assert_eq!(found.get("list_folder"), "EACCES", "reading files, not listing folders");
    } else {
        eprintln!("no Landlock here: a CUDA run opens nothing at all");
        assert_eq!(found.get("read_header"), "EPERM");
        assert_eq!(found.get("read_elsewhere"), "EPERM");
    }
}
