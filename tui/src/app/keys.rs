//! Every key the tutor takes, per screen, in one table. The state looks keys up here and
//! hands the screen the action (`screens/`), and the help overlay and the footers are
//! drawn from here, so what the help says and what the keys do cannot drift apart.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key asks for. Its effect depends on the screen (`Down` moves the map's
/// selection, scrolls a reader); the screen's module carries it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    /// Open the help overlay.
    Help,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Open the lesson or exercise selected on the map.
    Open,
    /// Start typing the map's filter.
    StartFilter,
    KeepFilter,
    ClearFilter,
    /// Select the first lesson not read or exercise not passed.
    NextStep,
    /// A printable character typed into the filter or search.
    Type,
    DeleteChar,
    /// Start typing a search in a reader.
    StartSearch,
    /// Run the search typed so far.
    Find,
    CancelSearch,
    NextMatch,
    PreviousMatch,
    /// Esc in a reader: clears the search if there is one, else goes back.
    ClearSearchOrBack,
    /// Esc in the author's preview: clears the search if there is one, else quits.
    ClearSearchOrQuit,
    /// Back to where this screen was opened from (the map, or the exercise).
    Back,
    /// A lesson's exercise (its first one not passed).
    LessonExercise,
    /// `x` in the author's preview, which opens no exercises: says so.
    NoExercisesInPreview,
    /// An exercise's lesson.
    ExerciseLesson,
    Grade,
    Edit,
    Hint,
    Solution,
    /// Ask whether to put the starter back.
    Reset,
    ConfirmReset,
    CancelReset,
    CloseHelp,
}

/// One key, or what stands for a set of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// This key with at least these modifiers. Plain keys ignore modifiers, as terminals
    /// add Shift to capitals and to symbols such as `?`.
    Press(KeyCode, KeyModifiers),
    /// Any printable character, typed into a text field.
    Text,
    /// Any key no other row of the screen takes.
    Any,
    /// Not a key: a mouse gesture, listed for the learner only. The wheel is handled by
    /// `AppState::handle_mouse`, Shift+drag by the terminal itself.
    Mouse(&'static str),
}

impl Key {
    /// A key event this stands for (a typed `a`, an F5 for "any other key"); none for the mouse.
    pub fn example_event(self) -> Option<KeyEvent> {
        match self {
            Key::Press(code, modifiers) => Some(KeyEvent::new(code, modifiers)),
            Key::Text => Some(KeyEvent::new(KeyCode::Char('a'), KeyModifiers::NONE)),
            Key::Any => Some(KeyEvent::new(KeyCode::F(5), KeyModifiers::NONE)),
            Key::Mouse(_) => None,
        }
    }

    pub fn matches(self, key: &KeyEvent) -> bool {
        match self {
            Key::Press(code, modifiers) => key.code == code && key.modifiers.contains(modifiers),
            Key::Text => matches!(key.code, KeyCode::Char(_)),
            Key::Any => true,
            Key::Mouse(_) => false,
        }
    }

    /// How the help and the footers name the key.
    pub fn label(self) -> String {
        match self {
            Key::Press(code, modifiers) if modifiers.contains(KeyModifiers::CONTROL) => {
                format!("Ctrl-{}", key_name(code).to_uppercase())
            }
            Key::Press(code, _) => key_name(code),
            Key::Text => "type".into(),
            Key::Any => "any other key".into(),
            Key::Mouse(gesture) => gesture.into(),
        }
    }
}

/// Spelled out for the keys the tables use: crossterm's own names vary by platform.
fn key_name(code: KeyCode) -> String {
    match code {
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::Backspace => "Backspace".into(),
        KeyCode::Char(' ') => "space".into(),
        KeyCode::Char(c) => c.to_string(),
        other => format!("{other:?}"),
    }
}

const fn press(code: KeyCode) -> Key {
    Key::Press(code, KeyModifiers::NONE)
}

const fn ch(c: char) -> Key {
    Key::Press(KeyCode::Char(c), KeyModifiers::NONE)
}

const UP: Key = press(KeyCode::Up);
const DOWN: Key = press(KeyCode::Down);
const LEFT: Key = press(KeyCode::Left);
const RIGHT: Key = press(KeyCode::Right);
const PAGE_UP: Key = press(KeyCode::PageUp);
const PAGE_DOWN: Key = press(KeyCode::PageDown);
const HOME: Key = press(KeyCode::Home);
const END: Key = press(KeyCode::End);
const ENTER: Key = press(KeyCode::Enter);
const ESC: Key = press(KeyCode::Esc);
const TAB: Key = press(KeyCode::Tab);
const BACKSPACE: Key = press(KeyCode::Backspace);
const SPACE: Key = ch(' ');
const CTRL_C: Key = Key::Press(KeyCode::Char('c'), KeyModifiers::CONTROL);
pub const WHEEL: Key = Key::Mouse("mouse wheel");

/// A row of a screen's table: these keys do this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    pub keys: &'static [Key],
    /// `None` for a mouse row, which no key triggers.
    pub action: Option<Action>,
    /// What the help says the keys do. Neighbouring rows saying the same share a line.
    pub help: &'static str,
}

const fn bind(keys: &'static [Key], action: Action, help: &'static str) -> Binding {
    Binding { keys, action: Some(action), help }
}

const fn mouse(keys: &'static [Key], help: &'static str) -> Binding {
    Binding { keys, action: None, help }
}

/// Taken whatever is on screen, even while typing or with an overlay open.
pub const ALWAYS_KEYS: &[Binding] = &[
    bind(&[CTRL_C], Action::Quit, "quit, from anywhere (even while typing)"),
    mouse(&[Key::Mouse("Shift + drag")], "select text (the tutor takes the mouse wheel)"),
];

/// Taken on every screen (not while typing, not in an overlay).
pub const SCREEN_KEYS: &[Binding] =
    &[bind(&[ch('?')], Action::Help, "this help (any other key closes it)"), bind(&[ch('q')], Action::Quit, "quit")];

pub const MAP_KEYS: &[Binding] = &[
    bind(&[UP, ch('k')], Action::Up, "move"),
    bind(&[DOWN, ch('j')], Action::Down, "move"),
    bind(&[PAGE_UP], Action::PageUp, "move by a page"),
    bind(&[PAGE_DOWN], Action::PageDown, "move by a page"),
    bind(&[HOME], Action::Top, "to the first, the last"),
    bind(&[END], Action::Bottom, "to the first, the last"),
    bind(&[ENTER, RIGHT, ch('l')], Action::Open, "open the lesson or exercise"),
    bind(&[ch('/')], Action::StartFilter, "filter by text (Enter keeps it, Esc clears it)"),
    bind(&[ESC], Action::ClearFilter, "clear the filter"),
    bind(&[ch('n')], Action::NextStep, "jump to the next step (◀ next)"),
    mouse(&[WHEEL], "move"),
];

pub const MAP_FILTER_KEYS: &[Binding] = &[
    bind(&[Key::Text], Action::Type, "show only what has the text in its title, id, day or summary"),
    bind(&[BACKSPACE], Action::DeleteChar, "delete the last character"),
    bind(&[ENTER], Action::KeepFilter, "keep the filter and stop typing"),
    bind(&[ESC], Action::ClearFilter, "clear the filter and stop typing"),
    bind(&[UP], Action::Up, "move"),
    bind(&[DOWN], Action::Down, "move"),
    mouse(&[WHEEL], "move"),
];

/// Scrolling and search, shared by the lesson reader, the solution and the preview.
pub const READER_KEYS: &[Binding] = &[
    bind(&[UP, ch('k')], Action::Up, "scroll a line"),
    bind(&[DOWN, ch('j')], Action::Down, "scroll a line"),
    bind(&[PAGE_UP, ch('b')], Action::PageUp, "scroll a page"),
    bind(&[PAGE_DOWN, SPACE], Action::PageDown, "scroll a page"),
    bind(&[HOME, ch('g')], Action::Top, "top, bottom"),
    bind(&[END, ch('G')], Action::Bottom, "top, bottom"),
    bind(&[ch('/')], Action::StartSearch, "search (Enter finds, Esc cancels)"),
    bind(&[ch('n')], Action::NextMatch, "next, previous match"),
    bind(&[ch('N')], Action::PreviousMatch, "next, previous match"),
    mouse(&[WHEEL], "scroll"),
];

pub const LESSON_KEYS: &[Binding] = &[
    bind(&[ch('x'), TAB], Action::LessonExercise, "the lesson's exercise (its first not passed yet)"),
    bind(&[ESC], Action::ClearSearchOrBack, "clear the search, else back to the map"),
    bind(&[LEFT, BACKSPACE], Action::Back, "back to the map"),
];

pub const SEARCH_KEYS: &[Binding] = &[
    bind(&[Key::Text], Action::Type, "the text to find"),
    bind(&[BACKSPACE], Action::DeleteChar, "delete the last character"),
    bind(&[ENTER], Action::Find, "find it (then n, N move between matches)"),
    bind(&[ESC], Action::CancelSearch, "cancel the search"),
    mouse(&[WHEEL], "scroll"),
];

pub const EXERCISE_KEYS: &[Binding] = &[
    bind(&[ch('e')], Action::Edit, "open your file in $EDITOR ($VISUAL, else vi)"),
    bind(&[ch('g')], Action::Grade, "grade now (saves are graded by themselves)"),
    bind(&[ch('h')], Action::Hint, "reveal the next hint"),
    bind(&[ch('s')], Action::Solution, "the reference solution, once you have passed"),
    bind(&[ch('R')], Action::Reset, "reset your file to the starter (asks first; keeps a backup)"),
    bind(&[TAB, ch('L')], Action::ExerciseLesson, "the exercise's lesson"),
    bind(&[UP, ch('k')], Action::Up, "scroll the result a line"),
    bind(&[DOWN, ch('j')], Action::Down, "scroll the result a line"),
    bind(&[PAGE_UP], Action::PageUp, "scroll the result a page"),
    bind(&[PAGE_DOWN, SPACE], Action::PageDown, "scroll the result a page"),
    bind(&[HOME], Action::Top, "top, bottom of the result"),
    bind(&[END], Action::Bottom, "top, bottom of the result"),
    bind(&[ESC, LEFT, BACKSPACE], Action::Back, "back to the map"),
    mouse(&[WHEEL], "scroll the result"),
];

pub const CONFIRM_RESET_KEYS: &[Binding] = &[
    bind(&[ch('y'), ch('Y')], Action::ConfirmReset, "put the starter back (your file is kept as a .bak)"),
    bind(&[Key::Any], Action::CancelReset, "keep your file"),
];

pub const SOLUTION_KEYS: &[Binding] = &[
    bind(&[ESC], Action::ClearSearchOrBack, "clear the search, else back to the exercise"),
    bind(&[LEFT, BACKSPACE, ch('s')], Action::Back, "back to the exercise"),
];

pub const HELP_KEYS: &[Binding] = &[
    bind(&[UP, ch('k')], Action::Up, "scroll"),
    bind(&[DOWN, ch('j')], Action::Down, "scroll"),
    bind(&[PAGE_UP], Action::PageUp, "scroll a page"),
    bind(&[PAGE_DOWN, SPACE], Action::PageDown, "scroll a page"),
    mouse(&[WHEEL], "scroll"),
    bind(&[Key::Any], Action::CloseHelp, "close the help"),
];

pub const PREVIEW_KEYS: &[Binding] = &[
    bind(&[ESC], Action::ClearSearchOrQuit, "clear the search, else quit"),
    bind(&[LEFT, BACKSPACE], Action::Quit, "quit"),
    bind(&[ch('x'), TAB], Action::NoExercisesInPreview, "say that exercises open in the tutor"),
];

/// The help overlay of the author's preview quits on `q` rather than closing.
pub const PREVIEW_HELP_KEYS: &[Binding] = &[bind(&[ch('q')], Action::Quit, "quit, from the help too")];

/// Where keys go: which screen, overlay or text field has them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Map,
    /// Typing the map's filter (after `/`).
    MapFilter,
    Lesson,
    /// The author's live preview of one lesson.
    Preview,
    /// Typing a search in a lesson or the solution (after `/`).
    Search,
    Exercise,
    Solution,
    Help,
    /// The help opened in the author's preview.
    PreviewHelp,
    ConfirmReset,
}

impl Context {
    #[cfg(test)]
    pub const ALL: [Context; 10] = [
        Context::Map,
        Context::MapFilter,
        Context::Lesson,
        Context::Preview,
        Context::Search,
        Context::Exercise,
        Context::Solution,
        Context::Help,
        Context::PreviewHelp,
        Context::ConfirmReset,
    ];

    /// The tables a key is looked up in, in order.
    pub fn tables(self) -> &'static [&'static [Binding]] {
        match self {
            Context::Map => &[ALWAYS_KEYS, MAP_KEYS, SCREEN_KEYS],
            Context::MapFilter => &[ALWAYS_KEYS, MAP_FILTER_KEYS],
            Context::Lesson => &[ALWAYS_KEYS, LESSON_KEYS, READER_KEYS, SCREEN_KEYS],
            Context::Preview => &[ALWAYS_KEYS, PREVIEW_KEYS, READER_KEYS, SCREEN_KEYS],
            Context::Search => &[ALWAYS_KEYS, SEARCH_KEYS],
            Context::Exercise => &[ALWAYS_KEYS, EXERCISE_KEYS, SCREEN_KEYS],
            Context::Solution => &[ALWAYS_KEYS, SOLUTION_KEYS, READER_KEYS, SCREEN_KEYS],
            Context::Help => &[ALWAYS_KEYS, HELP_KEYS],
            Context::PreviewHelp => &[ALWAYS_KEYS, PREVIEW_HELP_KEYS, HELP_KEYS],
            Context::ConfirmReset => &[ALWAYS_KEYS, CONFIRM_RESET_KEYS],
        }
    }

    /// Every row that applies here, in lookup order.
    pub fn bindings(self) -> impl Iterator<Item = &'static Binding> {
        self.tables().iter().flat_map(|table| table.iter())
    }

    /// Overlays take every key until they close; the screen under them does not move.
    pub fn is_overlay(self) -> bool {
        matches!(self, Context::Help | Context::PreviewHelp | Context::ConfirmReset)
    }

    /// The keys a screen's footer (or an overlay's prompt) names, most useful first.
    pub fn footer(self) -> &'static [FooterItem] {
        match self {
            Context::Map => MAP_FOOTER,
            Context::MapFilter => MAP_FILTER_FOOTER,
            Context::Lesson => LESSON_FOOTER,
            Context::Preview => PREVIEW_FOOTER,
            Context::Search => SEARCH_FOOTER,
            Context::Exercise => EXERCISE_FOOTER,
            Context::Solution => SOLUTION_FOOTER,
            Context::Help => HELP_FOOTER,
            Context::PreviewHelp => PREVIEW_HELP_FOOTER,
            Context::ConfirmReset => CONFIRM_RESET_FOOTER,
        }
    }
}

const MAP_FOOTER: &[FooterItem] = &[
    item(&[UP, DOWN], "move"),
    item(&[ENTER], "open"),
    item(&[ch('/')], "filter"),
    item(&[ch('n')], "next step"),
    item(&[ch('?')], "help"),
    item(&[ch('q')], "quit"),
];
const MAP_FILTER_FOOTER: &[FooterItem] =
    &[item(&[Key::Text], "filter"), item(&[ENTER], "keep"), item(&[ESC], "clear"), item(&[UP, DOWN], "move")];
/// The `x` item is shown only for a lesson with exercises, and says how many.
const LESSON_FOOTER: &[FooterItem] = &[
    item(&[UP, DOWN, SPACE], "scroll"),
    item(&[ch('/')], "search"),
    item(&[ch('x')], "exercise"),
    item(&[ESC], "map"),
    item(&[ch('?')], "help"),
    item(&[ch('q')], "quit"),
];
const PREVIEW_FOOTER: &[FooterItem] =
    &[item(&[UP, DOWN], "scroll"), item(&[ch('/')], "search"), item(&[ESC], "quit"), item(&[ch('?')], "help")];
const SEARCH_FOOTER: &[FooterItem] = &[item(&[ENTER], "find"), item(&[ESC], "cancel")];
/// The `s` item is shown only once the exercise has passed.
const EXERCISE_FOOTER: &[FooterItem] = &[
    item(&[ch('g')], "grade now"),
    item(&[ch('e')], "edit"),
    item(&[ch('h')], "hint"),
    item(&[ch('s')], "solution"),
    item(&[ch('R')], "reset"),
    item(&[TAB], "lesson"),
    item(&[ESC], "map"),
    item(&[ch('?')], "help"),
];
const SOLUTION_FOOTER: &[FooterItem] = &[
    item(&[UP, DOWN], "scroll"),
    item(&[ch('/')], "search"),
    item(&[ESC], "back to the exercise"),
    item(&[ch('?')], "help"),
];
/// The `↑↓` item is shown only when the help is taller than the terminal.
const HELP_FOOTER: &[FooterItem] = &[item(&[UP, DOWN], "scroll"), item(&[Key::Any], "closes")];
const PREVIEW_HELP_FOOTER: &[FooterItem] =
    &[item(&[UP, DOWN], "scroll"), item(&[ESC], "close"), item(&[ch('q')], "quit")];
const CONFIRM_RESET_FOOTER: &[FooterItem] = &[item(&[ch('y')], "reset"), item(&[Key::Any], "keep my file")];

/// A reader's footer while a search has matches to move between (in the lesson, the
/// preview and the solution alike).
pub const SEARCH_RESULTS_FOOTER: &[FooterItem] =
    &[item(&[ch('n')], "next"), item(&[ch('N')], "previous"), item(&[ch('/')], "new search"), item(&[ESC], "clear")];

/// Keys named in a footer, with a word or two on what they do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FooterItem {
    pub keys: &'static [Key],
    pub text: &'static str,
}

const fn item(keys: &'static [Key], text: &'static str) -> FooterItem {
    FooterItem { keys, text }
}

impl FooterItem {
    /// What the item's first key does in `context` (for footers that show an item only sometimes).
    pub fn action(&self, context: Context) -> Option<Action> {
        action(context, &self.keys.first()?.example_event()?)
    }

    /// The keys, short: arrows run together ("↑↓"), other keys are spaced ("↑↓ space").
    pub fn label(&self) -> String {
        let mut label = String::new();
        let mut previous_arrow = false;
        for key in self.keys {
            let arrow = matches!(key, Key::Press(KeyCode::Up | KeyCode::Down | KeyCode::Left | KeyCode::Right, _));
            let runs_on = arrow && previous_arrow;
            if !label.is_empty() && !runs_on {
                label.push(' ');
            }
            label.push_str(&key.label());
            previous_arrow = arrow;
        }
        label
    }
}

/// What `key` does in `context`: keys named outright first, then typed text, then the
/// catch-all "any other key", so a row's place in its table never hides another.
pub fn action(context: Context, key: &KeyEvent) -> Option<Action> {
    let takes = |wanted: fn(&Key) -> bool| {
        context.bindings().find_map(|b| b.keys.iter().any(|k| wanted(k) && k.matches(key)).then_some(b.action?))
    };
    takes(|k| matches!(k, Key::Press(..))).or_else(|| takes(|k| *k == Key::Text)).or_else(|| takes(|k| *k == Key::Any))
}

/// A part of the help overlay: a title and the tables it lists.
pub struct Section {
    pub title: &'static str,
    pub tables: &'static [&'static [Binding]],
}

/// The help overlay, in order. Every table of every context is listed in one of these
/// (a test checks it).
pub const HELP_SECTIONS: &[Section] = &[
    Section { title: "Everywhere", tables: &[SCREEN_KEYS, ALWAYS_KEYS] },
    Section { title: "Course map", tables: &[MAP_KEYS] },
    Section { title: "Typing a filter (after / on the map)", tables: &[MAP_FILTER_KEYS] },
    Section { title: "Lesson reader", tables: &[READER_KEYS, LESSON_KEYS] },
    Section { title: "Typing a search (after / in a lesson or the solution)", tables: &[SEARCH_KEYS] },
    Section { title: "Exercise", tables: &[EXERCISE_KEYS] },
    Section { title: "Reset? (after R)", tables: &[CONFIRM_RESET_KEYS] },
    Section { title: "Reference solution (other keys as in the lesson reader)", tables: &[SOLUTION_KEYS] },
    Section { title: "This help", tables: &[HELP_KEYS] },
    Section {
        title: "Lesson preview, for authors (re-renders on save; other keys as in a lesson)",
        tables: &[PREVIEW_KEYS, PREVIEW_HELP_KEYS],
    },
];

/// The help's (keys, what they do) lines for these tables. Neighbouring rows that say the
/// same share a line, their keys paired column by column: `↑ k` and `↓ j` give "↑ ↓  k j".
/// Mouse rows keep lines of their own.
pub fn help_rows(tables: &[&[Binding]]) -> Vec<(String, &'static str)> {
    let mut groups: Vec<Vec<&Binding>> = Vec::new();
    for binding in tables.iter().flat_map(|t| t.iter()) {
        match groups.last_mut() {
            // A mouse row keeps a line of its own: "↑ ↓ mouse wheel" would read as one gesture.
            Some(group) if group[0].help == binding.help && group[0].action.is_some() && binding.action.is_some() => {
                group.push(binding)
            }
            _ => groups.push(vec![binding]),
        }
    }
    groups
        .into_iter()
        .map(|group| {
            let columns = group.iter().map(|b| b.keys.len()).max().unwrap_or(0);
            let label = (0..columns)
                .map(|column| {
                    group.iter().filter_map(|b| b.keys.get(column)).map(|k| k.label()).collect::<Vec<_>>().join(" ")
                })
                .collect::<Vec<_>>()
                .join("  ");
            (label, group[0].help)
        })
        .collect()
}

#[cfg(test)]
mod tests;
