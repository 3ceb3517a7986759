//! Everything that happens to the tutor, on one channel: the learner's keys and mouse,
//! the terminal's size, changes the watcher saw, the worker's progress and verdicts, and
//! the clock. The loop blocks on the channel, so an idle tutor sleeps; it ticks only while
//! the screen counts time. The state takes events one at a time (`AppState::update`),
//! also those that answer an effect (see `effects.rs`), which never travel on the channel.

use super::worker::WorkerEvent;
use crossterm::event::{KeyEvent, MouseEvent};
use nma_grader::course::Lesson;
use nma_grader::Progress;
use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

#[derive(Debug)]
pub enum Event {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// Files changed in the watched folder (debounced), or why the watch failed. The loop
    /// keeps only real saves (`SaveWatcher::saves`) and passes those on as `Saved`.
    FolderChanged(Result<Vec<PathBuf>, String>),
    /// Files saved in the watched folder, by name (reads and the tutor's own writes do not count).
    Saved(Vec<OsString>),
    /// The watcher's trouble, in words.
    WatchProblem(String),
    Worker(WorkerEvent),
    /// Time passed while the screen shows something that counts it.
    Tick,
    /// The terminal can no longer be read (it has gone): the tutor stops with this.
    InputGone(String),
    // What came of an effect (see `effects.rs`):
    /// The progress now on disk, and a problem met reading what was there.
    ProgressSaved { progress: Progress, problem: Option<String> },
    /// Something failed that the learner should hear of.
    Problem(String),
    EditorClosed(Result<(), String>),
    SolutionLoaded { index: usize, source: Result<String, String> },
    /// `Ok` holds the backup of the learner's file, if there was one.
    ResetDone { index: usize, result: Result<Option<PathBuf>, String> },
    LessonReloaded(Result<Lesson, String>),
}

/// The one channel. Senders go to the watcher, the worker and the input thread.
pub struct Events {
    sender: Sender<Event>,
    receiver: Receiver<Event>,
}

impl Events {
    pub fn new() -> Events {
        let (sender, receiver) = channel();
        Events { sender, receiver }
    }

    pub fn sender(&self) -> Sender<Event> {
        self.sender.clone()
    }

    /// Waits for the next event; with `tick`, for at most that long, then says `Tick`.
    pub fn next(&self, tick: Option<Duration>) -> Event {
        match tick {
            // We hold a sender, so the channel never closes.
            None => self.receiver.recv().unwrap_or(Event::Tick),
            Some(wait) => match self.receiver.recv_timeout(wait) {
                Ok(event) => event,
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => Event::Tick,
            },
        }
    }

    /// The events already waiting, without blocking: taken before the next frame, so a
    /// burst (a training run's loss points) draws once.
    pub fn ready(&self) -> impl Iterator<Item = Event> + '_ {
        self.receiver.try_iter()
    }
}

/// How long the input thread waits for a key before it looks whether it should pause.
/// A pause (the editor's hand-off) waits at most this long.
const INPUT_WAIT: Duration = Duration::from_millis(250);

#[derive(Default)]
struct Gate {
    /// Asked to stop reading.
    paused: bool,
    /// Stopped: not inside crossterm's poll or read, which take bytes from the terminal.
    parked: bool,
}

/// The thread that reads the terminal's input into the channel, and can be paused while
/// another program (the learner's editor) has the terminal.
pub struct Input {
    gate: Arc<(Mutex<Gate>, Condvar)>,
}

impl Input {
    pub fn start(events: Sender<Event>) -> std::io::Result<Input> {
        let gate = Arc::new((Mutex::new(Gate::default()), Condvar::new()));
        let shared = Arc::clone(&gate);
        std::thread::Builder::new().name("nma-tutor-input".into()).spawn(move || read_input(events, &shared))?;
        Ok(Input { gate })
    }

    /// Stops reading until `resume`; returns once the thread no longer reads.
    pub fn pause(&self) {
        let (lock, wake) = &*self.gate;
        let mut gate = lock.lock().unwrap_or_else(|e| e.into_inner());
        gate.paused = true;
        // Bounded: a thread that has ended (its terminal gone) never parks.
        let mut waited = Duration::ZERO;
        while !gate.parked && waited < INPUT_WAIT * 4 {
            let (next, _) = wake.wait_timeout(gate, INPUT_WAIT).unwrap_or_else(|e| e.into_inner());
            gate = next;
            waited += INPUT_WAIT;
        }
    }

    pub fn resume(&self) {
        let (lock, wake) = &*self.gate;
        lock.lock().unwrap_or_else(|e| e.into_inner()).paused = false;
        wake.notify_all();
    }
}

fn read_input(events: Sender<Event>, gate: &(Mutex<Gate>, Condvar)) {
    use crossterm::event as term;
    let (lock, wake) = gate;
    loop {
        {
            let mut state = lock.lock().unwrap_or_else(|e| e.into_inner());
            while state.paused {
                state.parked = true;
                wake.notify_all();
                state = wake.wait(state).unwrap_or_else(|e| e.into_inner());
            }
            state.parked = false;
        }
        match term::poll(INPUT_WAIT) {
            Ok(false) => continue,
            Ok(true) => {}
            // The terminal is gone: nothing more will come.
            Err(e) => {
                let _ = events.send(Event::InputGone(e.to_string()));
                return;
            }
        }
        if lock.lock().unwrap_or_else(|e| e.into_inner()).paused {
            continue; // what poll buffered is read after the pause, as typed before it
        }
        let event = match term::read() {
            Ok(term::Event::Key(key)) => Event::Key(key),
            Ok(term::Event::Mouse(mouse)) => Event::Mouse(mouse),
            Ok(term::Event::Resize(width, height)) => Event::Resize(width, height),
            Ok(_) => continue,
            Err(e) => {
                let _ = events.send(Event::InputGone(e.to_string()));
                return;
            }
        };
        if events.send(event).is_err() {
            return; // the loop has ended
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_ticks_only_when_asked_and_events_come_first() {
        let events = Events::new();
        assert!(matches!(events.next(Some(Duration::from_millis(10))), Event::Tick));
        events.sender().send(Event::Resize(80, 24)).unwrap();
        events.sender().send(Event::Resize(81, 25)).unwrap();
        assert!(matches!(events.next(None), Event::Resize(80, 24)));
        assert!(matches!(events.ready().collect::<Vec<_>>()[..], [Event::Resize(81, 25)]));
    }
}
