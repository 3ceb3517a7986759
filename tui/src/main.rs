//! `nma-tutor`: the learner's terminal tutor (no subcommand) and the command line.

mod app;
mod author;
mod cli;
mod context;
mod engine_bar;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(name = "nma-tutor", version, about = "Learn the Neuromatch Academy Deep Learning course in Rust, in your terminal")]
struct Cli {
    /// The course folder (holds exercises/ and lessons/). Default: the repository this binary was built from.
    #[arg(long, global = true, env = "NMA_COURSE")]
    course: Option<PathBuf>,
    /// Your workspace, where your copies of the exercises live. Default: <course>/workspace.
    #[arg(long, global = true, env = "NMA_WORKSPACE")]
    workspace: Option<PathBuf>,
    /// Where grading builds happen (the engine is built there once). Default: <course>/target/grading.
    /// On a cluster, point it at node-local disk.
    #[arg(long, global = true, env = "NMA_BUILD_DIR")]
    build_dir: Option<PathBuf>,
    /// Where learners' code computes: auto (a CUDA GPU when this build has CUDA and one is
    /// present, else the CPU), cpu, or cuda. Exercises marked `device = "cpu"` always use the CPU.
    #[arg(long, global = true, env = "NMA_DEVICE", value_parser = ["auto", "cpu", "cuda"])]
    device: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// List the exercises with your progress.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Grade an exercise: your copy in the workspace, or another file.
    Grade {
        /// Exercise id, e.g. w1d1_simple_ops.
        exercise: String,
        /// Grade this file instead of your workspace copy (progress is not recorded).
        #[arg(long)]
        file: Option<PathBuf>,
        /// Print the verdict as JSON on stdout.
        #[arg(long)]
        json: bool,
        /// With --json: native (default), gradescope or exercism.
        #[arg(long, default_value = "native", requires = "json")]
        format: nma_grader::report::Format,
    },
    /// Grade a folder of submissions (files, or one folder per learner) into --out.
    GradeBatch {
        exercise: String,
        submissions: PathBuf,
        /// Where results/, summary.csv (and gradescope/ or exercism/) go.
        #[arg(long)]
        out: PathBuf,
        /// Submissions graded at once.
        #[arg(long, default_value_t = 2)]
        jobs: usize,
        /// Grade again even where a result exists (otherwise a rerun resumes).
        #[arg(long)]
        force: bool,
        /// Grade only share K of N (1-based), e.g. --shard 3/10 on the third of ten machines.
        #[arg(long)]
        shard: Option<nma_grader::batch::Shard>,
        /// Also write each result as gradescope or exercism JSON.
        #[arg(long, default_value = "native")]
        format: nma_grader::report::Format,
    },
    /// Join the --out folders of several shards into one results/ and summary.csv.
    Merge {
        /// The shards' output folders.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        #[arg(long)]
        out: PathBuf,
    },
    /// Show the hints of an exercise, one more each time you ask.
    Hint {
        exercise: String,
        /// Show every hint at once.
        #[arg(long)]
        all: bool,
    },
    /// Put the starter back in your workspace (your file is backed up first).
    Reset { exercise: String },
    /// For instructors: scaffold lessons and exercises, check the course, preview a lesson.
    #[command(subcommand)]
    Author(author::AuthorCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(device) = &cli.device {
        if device == "cuda" && !cfg!(feature = "cuda") {
            eprintln!("nma-tutor: --device cuda needs a build with CUDA: `cargo run --release --features cuda` (see the README)");
            return ExitCode::FAILURE;
        }
        // Test processes inherit it; the engine reads NMA_DEVICE when it starts computing.
        // Set before any thread starts.
        std::env::set_var("NMA_DEVICE", device);
    }
    // Authoring works on a course that may not load yet (that is what `check` reports),
    // so it opens the course itself.
    if let Some(Command::Author(command)) = cli.command {
        return exit_code(author::run(command, cli.course, cli.workspace, cli.build_dir));
    }
    let result = context::Context::open(cli.course, cli.workspace, cli.build_dir).and_then(|(ctx, report)| match cli.command {
        None => app::run(ctx, report),
        Some(Command::List { json }) => cli::list(&ctx, json),
        Some(Command::Grade { exercise, file, json, format }) => cli::grade(&ctx, &exercise, file, json.then_some(format)),
        Some(Command::GradeBatch { exercise, submissions, out, jobs, force, shard, format }) => {
            let options = nma_grader::batch::BatchOptions { out, jobs, force, shard, format };
            cli::grade_batch(&ctx, &exercise, &submissions, &options)
        }
        Some(Command::Merge { inputs, out }) => cli::merge(&inputs, &out),
        Some(Command::Hint { exercise, all }) => cli::hint(&ctx, &exercise, all),
        Some(Command::Reset { exercise }) => cli::reset(&ctx, &exercise),
        Some(Command::Author(_)) => unreachable!("author commands return above"),
    });
    exit_code(result)
}

fn exit_code(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("nma-tutor: {e:#}");
            ExitCode::FAILURE
        }
    }
}
