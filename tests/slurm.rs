//! The cluster examples in docs/cluster/, run for real.
//!
//! Slurm: on the one-node cluster that scripts/test starts (`scripts/slurm-cluster`,
//! `NMA_SLURM_CONF`), `docs/cluster/slurm-array.sh` is submitted unchanged with
//! `sbatch --array`, in three shards, once with 0-based array ids and once with 1-based ones;
//! the shard folders are merged with `nma-tutor merge` and the merged summary must equal a
//! single-machine `grade-batch` of the same cohort, row for row (name, status, score).
//! Without a cluster the test says why and passes, except in CI (`CI` set), where it fails.
//!
//! Kubernetes: `docs/cluster/k8s-indexed-job.yaml` is read and the fields that make it an
//! indexed Job over N shards are checked; it is validated against the Kubernetes schema with
//! `kubernetes-validate` where scripts/test installed it (`NMA_KUBE_VALIDATE`; required in
//! CI); and each pod's command is run here by `/bin/sh` for every completion index, with
//! the image's /course and the volume's /data mapped to local folders, and merged.
//!
//! `NMA_SLURM_TEST_COLD=1` gives the Slurm arrays an empty build folder, to time a cold node.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use yaml_rust::{Yaml, YamlLoader};

const EXERCISE: &str = "w2d2_output_shape";
const SHARDS: usize = 3;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tui/ has a parent").to_path_buf()
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_nma-tutor")
}

/// The grading build folder the other tests use too (the default one), so it is warm.
fn shared_build_dir() -> PathBuf {
    repo().join("target").join("grading")
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// Where something this test needs is missing: skip, saying why, or fail in CI.
fn missing(why: &str) {
    assert!(!in_ci(), "in CI this test must run, but {why}");
    eprintln!("skipped: {why}");
}

/// The test cluster's slurm.conf, if one is up.
fn slurm_conf() -> Option<PathBuf> {
    let Some(conf) = std::env::var_os("NMA_SLURM_CONF").filter(|c| !c.is_empty()).map(PathBuf::from) else {
        missing(
            "NMA_SLURM_CONF is not set: scripts/test sets it when `scripts/slurm-cluster start` works \
             (see its output for why not); or start one yourself and export NMA_SLURM_CONF=<the path it prints>",
        );
        return None;
    };
    if Command::new("sbatch").arg("--version").output().map(|o| !o.status.success()).unwrap_or(true) {
        missing("sbatch is not installed");
        return None;
    }
    let sinfo = Command::new("sinfo").env("SLURM_CONF", &conf).args(["-h", "-N", "-o", "%N %T"]).output();
    match sinfo {
        Ok(o) if o.status.success() && !o.stdout.is_empty() => Some(conf),
        Ok(o) => {
            missing(&format!(
                "the cluster of {} does not answer: sinfo said {}{}",
                conf.display(),
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            ));
            None
        }
        Err(e) => {
            missing(&format!("sinfo cannot run: {e}"));
            None
        }
    }
}

/// Seven learners of w2d2_output_shape with different verdicts, files and a folder.
fn write_cohort(dir: &Path) {
    let exercise = repo().join("exercises").join(EXERCISE);
    let bad = repo().join("tests/submissions").join(EXERCISE);
    std::fs::create_dir_all(dir.join("fay")).unwrap();
    let copies = [
        (exercise.join("solution.rs"), dir.join("ana.rs")),
        (bad.join("wrong_answer.rs"), dir.join("ben.rs")),
        (bad.join("compile_error.rs"), dir.join("cy.rs")),
        (bad.join("panics.rs"), dir.join("dee.rs")),
        (exercise.join("starter.rs"), dir.join("eve.rs")),
        (exercise.join("solution.rs"), dir.join("fay").join(format!("{EXERCISE}.rs"))),
        (bad.join("early_exit.rs"), dir.join("gus.rs")),
    ];
    for (from, to) in copies {
        std::fs::copy(&from, &to).unwrap_or_else(|e| panic!("copy {}: {e}", from.display()));
    }
}

/// `grade-batch` on this machine: the reference the clusters must match.
fn grade_single(exercise: &str, cohort: &Path, out: &Path, scratch: &Path) {
    let run = Command::new(bin())
        .arg("--workspace")
        .arg(scratch.join("ws-single"))
        .arg("--build-dir")
        .arg(shared_build_dir())
        .args(["grade-batch", exercise])
        .arg(cohort)
        .arg("--out")
        .arg(out)
        .args(["--jobs", "2"])
        .output()
        .unwrap();
    assert!(run.status.success(), "single-machine grade-batch failed: {}", String::from_utf8_lossy(&run.stderr));
}

fn merge(inputs: &[PathBuf], out: &Path) {
    let run = Command::new(bin()).arg("merge").args(inputs).arg("--out").arg(out).output().unwrap();
    assert!(run.status.success(), "merge failed: {}", String::from_utf8_lossy(&run.stderr));
}

/// summary.csv as (submission, status, score) rows, header included.
fn summary_rows(out: &Path) -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(out.join("summary.csv")).unwrap_or_else(|e| panic!("{}/summary.csv: {e}", out.display()));
    text.lines()
        .map(|line| {
            let mut fields = line.splitn(4, ',').map(str::to_string);
            let mut next = || fields.next().unwrap_or_default();
            (next(), next(), next())
        })
        .collect()
}

/// The seconds column of every shard's summary under `results`.
fn learner_seconds(results: &Path) -> Vec<f64> {
    let mut seconds = Vec::new();
    for shard in folder_names(results) {
        for file in folder_names(&results.join(&shard)).into_iter().filter(|f| f.starts_with("summary") && f.ends_with(".csv")) {
            let text = std::fs::read_to_string(results.join(&shard).join(file)).unwrap();
            seconds.extend(text.lines().skip(1).filter_map(|l| l.split(',').nth(4)?.parse::<f64>().ok()));
        }
    }
    seconds
}

fn folder_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Every Slurm output file of an array, for failure messages.
fn logs(dir: &Path) -> String {
    let mut text = String::new();
    for name in folder_names(dir) {
        text += &format!("--- {name}\n{}\n", std::fs::read_to_string(dir.join(&name)).unwrap_or_default());
    }
    text
}

/// One array task as `scontrol -o show job` tells it.
#[derive(Debug)]
struct Task {
    id: String,
    state: String,
    exit: String,
}

fn tasks(conf: &Path, job: &str) -> Vec<Task> {
    let run = Command::new("scontrol").env("SLURM_CONF", conf).args(["-o", "show", "job", job]).output().unwrap();
    assert!(run.status.success(), "scontrol show job {job}: {}", String::from_utf8_lossy(&run.stderr));
    String::from_utf8_lossy(&run.stdout)
        .lines()
        .map(|line| {
            let field = |name: &str| {
                line.split_whitespace().find_map(|w| w.strip_prefix(name).and_then(|v| v.strip_prefix('='))).unwrap_or("").to_string()
            };
            Task { id: field("ArrayTaskId"), state: field("JobState"), exit: field("ExitCode") }
        })
        .collect()
}

const FINAL_STATES: [&str; 9] =
    ["COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE", "PREEMPTED"];

/// A finished array: its tasks, its output files, and the time from submission to its end.
struct Finished {
    job: String,
    tasks: Vec<Task>,
    logs: String,
    took: Duration,
}

/// Submits docs/cluster/slurm-array.sh, as it is, with `sbatch --array=<array>` and these
/// arguments and environment, and waits for every task (polling scontrol: `sbatch --wait`
/// polls with a growing interval, which added up to 20 s to a 20 s array).
fn submit_script(conf: &Path, array: &str, args: &[&Path], env: &[(&str, &Path)], scratch: &Path) -> Finished {
    let log_dir = scratch.join(format!("logs-{}", array.replace([',', ':'], "_")));
    std::fs::create_dir_all(&log_dir).unwrap();
    let started = Instant::now();
    let mut sbatch = Command::new("sbatch");
    sbatch.env("SLURM_CONF", conf);
    for (name, value) in env {
        sbatch.env(name, value);
    }
    let submitted = sbatch
        // One CPU per task, so two tasks run at once on the two-core test node and share
        // its build folder concurrently; the script's own default is two.
        .args(["--parsable", "--array", array, "--cpus-per-task=1", "--time=15", "--job-name=nma-slurm-test"])
        .arg("--chdir")
        .arg(scratch)
        .arg("--output")
        .arg(log_dir.join("slurm-%A_%a.out"))
        .arg(repo().join("docs/cluster/slurm-array.sh"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("sbatch runs");
    assert!(submitted.status.success(), "sbatch --array={array}: {}", String::from_utf8_lossy(&submitted.stderr));
    let job = String::from_utf8(submitted.stdout).unwrap().trim().split(';').next().unwrap().to_string();
    let deadline = started + Duration::from_secs(20 * 60);
    let tasks = loop {
        let now = tasks(conf, &job);
        if !now.is_empty() && now.iter().all(|t| FINAL_STATES.contains(&t.state.as_str())) {
            break now;
        }
        if Instant::now() > deadline {
            let _ = Command::new("scancel").env("SLURM_CONF", conf).arg(&job).status();
            panic!("the array {array} (job {job}) did not finish in 20 minutes: {now:?}; logs:\n{}", logs(&log_dir));
        }
        std::thread::sleep(Duration::from_millis(250));
    };
    Finished { job, tasks, logs: logs(&log_dir), took: started.elapsed() }
}

/// The array ids of a finished array's tasks, sorted as numbers.
fn task_ids(done: &Finished) -> Vec<usize> {
    let mut ids: Vec<usize> = done.tasks.iter().map(|t| t.id.parse().unwrap_or(usize::MAX)).collect();
    ids.sort();
    ids
}

fn all_completed(done: &Finished) -> bool {
    done.tasks.iter().all(|t| t.state == "COMPLETED" && t.exit == "0:0")
}

/// Grades `cohort` with the script in SHARDS array tasks; returns how long the array took.
fn run_array(conf: &Path, array: &str, cohort: &Path, results: &Path, build_dir: &Path, scratch: &Path) -> Duration {
    let env = [("NMA_COURSE", repo()), ("NMA_TUTOR_BIN", PathBuf::from(bin())), ("NMA_BUILD_DIR", build_dir.to_path_buf())];
    let env: Vec<(&str, &Path)> = env.iter().map(|(k, v)| (*k, v.as_path())).collect();
    let done = submit_script(conf, array, &[Path::new(EXERCISE), cohort, results], &env, scratch);
    let first: usize = array.split('-').next().unwrap().parse().unwrap();
    assert_eq!(task_ids(&done), (first..first + SHARDS).collect::<Vec<_>>(), "one task per array id");
    assert!(all_completed(&done), "array {array} (job {}): {:?}\nlogs:\n{}", done.job, done.tasks, done.logs);
    for shard in 1..=SHARDS {
        assert!(done.logs.contains(&format!("shard {shard}/{SHARDS} (array task")), "no task graded shard {shard}:\n{}", done.logs);
    }
    done.took
}

/// The shard arithmetic alone, with `echo` standing in for nma-tutor: ranges with a step
/// and any first id give shards 1..N; a list of ids is refused.
#[test]
fn the_slurm_array_script_numbers_shards_from_any_range_and_refuses_lists() {
    let Some(conf) = slurm_conf() else { return };
    let dir = tempfile::tempdir().unwrap();
    let scratch = dir.path();
    let echo = PathBuf::from("/bin/echo");
    let env = [("NMA_TUTOR_BIN", echo.as_path()), ("NMA_COURSE", scratch)];
    let args = [Path::new("ex"), Path::new("subs"), Path::new("res")];
    for (array, ids) in [("0-9:3", vec![0, 3, 6, 9]), ("5-6", vec![5, 6])] {
        let done = submit_script(&conf, array, &args, &env, scratch);
        assert_eq!(task_ids(&done), ids);
        assert!(all_completed(&done), "{array}: {:?}\n{}", done.tasks, done.logs);
        let n = ids.len();
        for (k, id) in ids.iter().enumerate().map(|(i, id)| (i + 1, id)) {
            let line = format!("grade-batch ex subs --out res/shard-{k} --shard {k}/{n} --jobs 1");
            assert!(done.logs.contains(&line), "array task {id} of {array}: no `{line}` in\n{}", done.logs);
        }
    }
    let done = submit_script(&conf, "1,4,7", &args, &env, scratch);
    assert!(done.tasks.iter().all(|t| t.state == "FAILED"), "{:?}", done.tasks);
    assert!(!done.logs.contains("grade-batch"), "{}", done.logs);
    assert!(done.logs.contains("must be a range"), "{}", done.logs);
}

#[test]
fn the_slurm_array_script_grades_a_cohort_in_shards_like_one_machine() {
    let Some(conf) = slurm_conf() else { return };
    let dir = tempfile::tempdir().unwrap();
    let scratch = dir.path();
    let cohort = scratch.join("cohort");
    std::fs::create_dir_all(&cohort).unwrap();
    write_cohort(&cohort);

    let single = scratch.join("single");
    grade_single(EXERCISE, &cohort, &single, scratch);
    let expected = summary_rows(&single);
    assert_eq!(expected.len(), 8, "a header and seven learners: {expected:?}");
    let statuses: Vec<&str> = expected.iter().skip(1).map(|r| r.1.as_str()).collect();
    assert!(statuses.contains(&"pass") && statuses.contains(&"fail") && statuses.contains(&"error"), "{expected:?}");

    let cold = std::env::var("NMA_SLURM_TEST_COLD").is_ok_and(|v| v == "1");
    // 0-based ids (Slurm's usual --array=0-N) and 1-based ones: the same three shards.
    for (array, label) in [("0-2", "0-based"), ("1-3", "1-based")] {
        let build_dir = if cold { scratch.join(format!("build-{array}")) } else { shared_build_dir() };
        let results = scratch.join(format!("results-{array}"));
        let took = run_array(&conf, array, &cohort, &results, &build_dir, scratch);
        let slowest = learner_seconds(&results).into_iter().fold(0.0, f64::max);
        println!(
            "slurm: sbatch --array={array} ({label}) graded {} submissions in {SHARDS} shards in {:.1} s, {} build folder; \
             slowest learner {slowest:.1} s",
            expected.len() - 1,
            took.as_secs_f64(),
            if cold { "cold" } else { "warm" }
        );
        if cold {
            // The engine's build (minutes here) is never inside a learner's seconds, also
            // for the task that waited while another task on the node built it.
            assert!(slowest < 60.0, "a learner's seconds include the engine build: {slowest} s");
        }
        assert_eq!(folder_names(&results), ["shard-1", "shard-2", "shard-3"], "one folder per shard, named 1..N");
        let per_shard: Vec<usize> =
            (1..=SHARDS).map(|k| folder_names(&results.join(format!("shard-{k}/results"))).len()).collect();
        assert_eq!(per_shard, [3, 2, 2], "round-robin shares of seven");
        let shards: Vec<PathBuf> = (1..=SHARDS).map(|k| results.join(format!("shard-{k}"))).collect();
        let merged = results.join("all");
        merge(&shards, &merged);
        assert_eq!(summary_rows(&merged), expected, "merged --array={array} vs one machine");
    }
}

// ---------------------------------------------------------------- Kubernetes

fn manifest() -> (String, Yaml) {
    let text = std::fs::read_to_string(repo().join("docs/cluster/k8s-indexed-job.yaml")).unwrap();
    let mut docs = YamlLoader::load_from_str(&text).expect("the manifest is YAML");
    assert_eq!(docs.len(), 1, "one document");
    (text, docs.remove(0))
}

fn str_of<'a>(y: &'a Yaml, what: &str) -> &'a str {
    y.as_str().unwrap_or_else(|| panic!("{what} is a string: {y:?}"))
}

/// A Kubernetes quantity such as 8Gi, 512Mi or 4G, in MiB.
fn mebibytes(quantity: &str) -> f64 {
    let split = quantity.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(quantity.len());
    let (number, unit) = quantity.split_at(split);
    let number: f64 = number.parse().unwrap_or_else(|_| panic!("a quantity: {quantity}"));
    let factor = match unit {
        "Gi" => 1024.0,
        "Mi" => 1.0,
        "G" => 1e9 / 1048576.0,
        "M" => 1e6 / 1048576.0,
        "" => 1.0 / 1048576.0,
        other => panic!("unit {other} in {quantity}"),
    };
    number * factor
}

#[test]
fn the_kubernetes_indexed_job_is_valid_and_its_pods_grade_the_cohort_like_one_machine() {
    let (_, job) = manifest();
    assert_eq!(str_of(&job["apiVersion"], "apiVersion"), "batch/v1");
    assert_eq!(str_of(&job["kind"], "kind"), "Job");
    let spec = &job["spec"];
    assert_eq!(str_of(&spec["completionMode"], "completionMode"), "Indexed", "pods get JOB_COMPLETION_INDEX");
    let completions = spec["completions"].as_i64().expect("completions") as usize;
    let parallelism = spec["parallelism"].as_i64().expect("parallelism") as usize;
    assert!(completions >= 1 && (1..=completions).contains(&parallelism), "{completions} shards, {parallelism} at once");
    let pod = &spec["template"]["spec"];
    assert_eq!(str_of(&pod["restartPolicy"], "restartPolicy"), "Never");
    let containers = pod["containers"].as_vec().expect("containers");
    assert_eq!(containers.len(), 1);
    let container = &containers[0];
    let env: BTreeMap<&str, &str> = container["env"]
        .as_vec()
        .expect("env")
        .iter()
        .map(|e| (str_of(&e["name"], "env name"), str_of(&e["value"], "env value")))
        .collect();
    assert_eq!(env.get("SHARDS").map(|s| s.parse::<usize>().unwrap()), Some(completions), "SHARDS = completions");
    assert!(env.contains_key("NMA_BUILD_DIR"), "grading builds on the pod's own disk");
    let command: Vec<&str> = container["command"].as_vec().expect("command").iter().map(|c| str_of(c, "command")).collect();
    assert_eq!(command, ["/bin/sh", "-c"]);
    let args = container["args"].as_vec().expect("args");
    assert_eq!(args.len(), 1, "one shell line");
    let line = str_of(&args[0], "args[0]");
    assert!(line.contains("--shard $((JOB_COMPLETION_INDEX + 1))/$SHARDS"), "index i grades shard i+1 of N: {line}");
    assert!(line.contains("--out /data/results/shard-$((JOB_COMPLETION_INDEX + 1))"), "{line}");
    let words: Vec<&str> = line.split_whitespace().collect();
    let at = |flag: &str| words.iter().position(|w| *w == flag).map(|i| words[i + 1]).unwrap_or_else(|| panic!("{flag} in {line}"));
    let exercise = at("grade-batch");
    let submissions = words[words.iter().position(|w| *w == "grade-batch").unwrap() + 2];
    let jobs: f64 = at("--jobs").parse().unwrap();
    let resources = &container["resources"];
    let cpu: f64 = str_of(&resources["requests"]["cpu"], "requests.cpu").parse().unwrap();
    assert_eq!(cpu, jobs, "--jobs uses the CPUs the pod asks for");
    for kind in ["requests", "limits"] {
        assert!(resources[kind]["memory"].as_str().is_some(), "{kind}.memory");
    }
    let course = nma_grader::Course::load(&repo()).unwrap();
    let memory_mb = course.exercise(exercise).unwrap().meta.limits.memory_mb as f64;
    let limit = mebibytes(str_of(&resources["limits"]["memory"], "limits.memory"));
    assert!(limit >= jobs * memory_mb, "limits.memory {limit} MiB holds --jobs × the exercise's {memory_mb} MB");
    // /data is a mounted volume that the Job defines; submissions and results are on it.
    let mounts = container["volumeMounts"].as_vec().expect("volumeMounts");
    let volumes: Vec<&str> = pod["volumes"].as_vec().expect("volumes").iter().map(|v| str_of(&v["name"], "volume name")).collect();
    let data = mounts.iter().find(|m| m["mountPath"].as_str() == Some("/data")).expect("a volume at /data");
    assert!(volumes.contains(&str_of(&data["name"], "mount name")), "the mount's volume is defined");
    assert!(submissions.starts_with("/data/"), "submissions on the volume: {submissions}");

    // The Kubernetes schema (kubernetes-validate, installed by scripts/test).
    match std::env::var_os("NMA_KUBE_VALIDATE").filter(|v| !v.is_empty()) {
        None => missing("NMA_KUBE_VALIDATE is not set (scripts/test installs kubernetes-validate and sets it): no schema check"),
        Some(tool) => {
            // The oldest and the newest schema the package ships.
            for version in [Some("1.25"), None] {
                let mut check = Command::new(&tool);
                check.arg("--strict");
                if let Some(v) = version {
                    check.args(["-k", v]);
                }
                let run = check.arg(repo().join("docs/cluster/k8s-indexed-job.yaml")).output().expect("kubernetes-validate runs");
                let said = format!("{}{}", String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
                assert!(run.status.success() && said.contains("passed"), "schema {version:?}: {said}");
            }
        }
    }

    // Each pod's command, run here for every index: /course is this checkout, /data a folder.
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let cohort = data.join(submissions.strip_prefix("/data/").unwrap());
    std::fs::create_dir_all(&cohort).unwrap();
    let ex = repo().join("exercises").join(exercise);
    std::fs::copy(ex.join("solution.rs"), cohort.join("ana.rs")).unwrap();
    std::fs::copy(ex.join("starter.rs"), cohort.join("ben.rs")).unwrap();
    std::fs::write(cohort.join("cy.rs"), "pub fn cross_entropy( {\n").unwrap();
    let local = line.replace("/course/target/release/nma-tutor", bin()).replace("/data", data.to_str().unwrap());
    for index in 0..completions {
        let mut pod = Command::new("/bin/sh");
        pod.args(["-c", &local]);
        for (name, value) in &env {
            pod.env(name, value.replace("/course", repo().to_str().unwrap()));
        }
        // The pod's own disk would be cold; this test's engine is already built here.
        pod.env("NMA_BUILD_DIR", shared_build_dir()).env("NMA_WORKSPACE", dir.path().join(format!("ws-{index}")));
        let run = pod.env("JOB_COMPLETION_INDEX", index.to_string()).output().unwrap();
        assert!(run.status.success(), "pod {index}: {}", String::from_utf8_lossy(&run.stderr));
    }
    let results = data.join("results");
    let shards: Vec<PathBuf> = (1..=completions).map(|k| results.join(format!("shard-{k}"))).collect();
    assert_eq!(folder_names(&results).len(), completions, "one folder per pod");
    merge(&shards, &results.join("all"));
    let single = dir.path().join("single");
    grade_single(exercise, &cohort, &single, dir.path());
    let expected = summary_rows(&single);
    assert_eq!(expected.len(), 4, "{expected:?}");
    assert_eq!(summary_rows(&results.join("all")), expected, "merged pods vs one machine");
}
