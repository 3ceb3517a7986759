//! The fixture course the tutor's tests share: a small course written fresh for each
//! test, and an `AppState` on it with a stable clock, size and workspace label.

use crate::app::course_map::Item;
use crate::app::state::AppState;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use nma_grader::{Course, Progress, Status, TestResult, Visibility, Workspace};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The first lesson of the fixture course: one of everything the reader renders.
pub(crate) const TENSORS_LESSON: &str = r#"# Tensors

A **tensor** is an *n-dimensional* array. A matrix of shape $(n, m)$ holds $n·m$ numbers.

## Operations

1. Elementwise: `a + b` adds matching entries
2. Reductions:
   - `sum` of everything
   - `mean`, the sum over the count

| op | result shape |
|----|:---:|
| add | same as the inputs |
| sum | scalar |

```rust
let t = Tensor::zeros(&[2, 3]);
let s = t.sum(); // a scalar
```

> Shapes must match, or broadcast.

See [the luminal docs](https://docs.rs/luminal) for more.

---

Run the tests with:

```sh
cargo test --release  # all of them
```
"#;

/// A small course on disk, written fresh for each test so snapshots never depend on
/// the real course's wording.
pub(crate) fn fixture_course(root: &Path) -> Course {
    let exercises = [
        (
            "w1d1_simple_ops",
            "Simple tensor operations",
            "W1D1",
            "w1d1/tensors",
            "unit",
            "Add, multiply and sum tensors with the engine's elementwise operations.",
            vec!["Look at `Tensor::add`.", "Summing all elements gives a scalar."],
        ),
        (
            "w1d3_cross_entropy",
            "Cross-entropy loss",
            "W1D3",
            "w1d3/losses",
            "property",
            "Compute the mean cross-entropy of logits against integer class labels, stably.",
            vec!["Subtract the row maximum before exponentiating."],
        ),
        (
            "w1d5_train_mlp",
            "Train an MLP",
            "W1D5",
            "w1d5/training",
            "training",
            "Train a two-layer MLP on the spirals until its loss is below the threshold.",
            vec![],
        ),
        (
            "w2d2_output_shape",
            "Output shape of a convolution",
            "W2D2",
            "w2d2/convolutions",
            "unit",
            "Return the height and width a 2-D convolution produces\nfrom an input, a kernel, a stride and a padding.\n\nWork in whole cells.\n",
            vec![
                "Padding adds to both sides of each dimension.",
                "(n + 2p - k) / s + 1, per dimension.",
                "Integer division rounds down, as the convolution does.",
            ],
        ),
    ];
    for (id, title, day, lesson, kind, summary, hints) in exercises {
        let dir = root.join("exercises").join(id);
        std::fs::create_dir_all(&dir).unwrap();
        let hints: Vec<String> = hints.iter().map(|h| format!("{h:?}")).collect();
        std::fs::write(
            dir.join("exercise.toml"),
            format!(
                "id = {id:?}\ntitle = {title:?}\nday = {day:?}\nlesson = {lesson:?}\nkind = {kind:?}\nsummary = {summary:?}\nhints = [{}]\n",
                hints.join(", ")
            ),
        )
        .unwrap();
        for file in ["starter.rs", "tests.rs"] {
            std::fs::write(dir.join(file), "").unwrap();
        }
        std::fs::write(dir.join("solution.rs"), "pub fn answer() -> u32 {\n    42 // the reference\n}\n").unwrap();
    }
    let losses: String = (1..=30)
        .map(|i| format!("Paragraph {i}: the loss measures how wrong the model is, step by step.\n\n"))
        .collect();
    let lessons = [
        ("w1d1", "tensors", "Tensors", 1, "[\"w1d1_simple_ops\"]", TENSORS_LESSON.to_string()),
        ("w1d1", "autograd", "Autograd", 2, "[]", "# Autograd\n\nGradients flow backwards.\n".to_string()),
        ("w1d3", "losses", "Losses", 1, "[\"w1d3_cross_entropy\"]", format!("# Losses\n\n{losses}The end.\n")),
        ("w1d5", "training", "Training loops", 1, "[\"w1d5_train_mlp\"]", "# Training\n\nLoop.\n".to_string()),
    ];
    for (day, slug, title, order, exercises, body) in lessons {
        let dir = root.join("lessons").join(day);
        std::fs::create_dir_all(&dir).unwrap();
        let front = format!(
            "+++\ntitle = {title:?}\nday = {:?}\norder = {order}\nexercises = {exercises}\n+++\n",
            day.to_ascii_uppercase()
        );
        std::fs::write(dir.join(format!("{slug}.md")), front + &body).unwrap();
    }
    Course::load(root).unwrap()
}

/// An `AppState` on the fixture course with a stable clock, size and workspace label.
pub(crate) fn fixture_state() -> (tempfile::TempDir, AppState) {
    let dir = tempfile::tempdir().unwrap();
    let course = fixture_course(dir.path());
    let workspace = Workspace { root: dir.path().join("workspace") };
    let now = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
    let mut state = AppState::new(course, workspace, PathBuf::from("/home/learner/nma"), Progress::default(), now);
    state.resize(100, 30);
    (dir, state)
}

pub(crate) fn test_result(name: &str, status: Status, message: &str) -> TestResult {
    TestResult {
        name: name.into(),
        status,
        kind: None,
        message: message.into(),
        output: String::new(),
        visibility: Visibility::Visible,
        score: if status == Status::Pass { 1.0 } else { 0.0 },
        max_score: 1.0,
        seconds: 0.01,
        training: None,
        device: None,
    }
}

pub(crate) fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}


pub(crate) fn index_of(state: &AppState, id: &str) -> usize {
    state.tutor.course.exercises.iter().position(|e| e.id() == id).unwrap()
}

pub(crate) fn lesson_index(state: &AppState, id: &str) -> usize {
    state.tutor.course.lessons.iter().position(|l| l.id == id).unwrap()
}

/// Types `text` as keys.
pub(crate) fn type_text(state: &mut AppState, text: &str) {
    for c in text.chars() {
        state.handle_key(key(KeyCode::Char(c)));
    }
}

/// Selects the exercise on the map and opens it with Enter.
pub(crate) fn open(state: &mut AppState, id: &str) {
    state.map.selected = Some(Item::Exercise(index_of(state, id)));
    state.handle_key(key(KeyCode::Enter));
}
