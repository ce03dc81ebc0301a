//! The message catalogue: every user-facing sentence dangol writes, once per language, with
//! named arguments — and the Korean text helpers those sentences need (money as `98,000원`,
//! particles chosen from the preceding word, thousands separators in counts).
//!
//! Why an enum made by one macro rather than a table keyed by string ids: a message is looked
//! up by a Rust path (`Msg::CheckNoProblems`), so a typo in an id is a compile error, not a
//! missing text found by a user; the macro writes the Korean and the English text of a message
//! side by side in one entry, so a message cannot be added in one language only (the entry
//! would not parse), and [`Msg::ALL`] lets the unit tests check every message: both texts are
//! non-empty, the Korean one is Korean, the English one holds no Hangul, and both name the same
//! arguments. This is the house style of the header alias tables (one macro, one table).
//!
//! A template names its arguments in braces: `{path}`. An argument followed by a Korean
//! particle, `{word:은}`, is replaced by the word and the particle that fits its last sound
//! (`고객은`, `VIP는`, `3개월은`); see [`particle`]. `{{` and `}}` are literal braces.

mod catalogue;
mod korean;
pub mod problems;

pub use catalogue::Msg;
pub use korean::{count, has_final_consonant, money, particle};

use crate::model::Lang;

impl Msg {
    /// The message in `lang` with its named arguments filled in. An argument the template
    /// does not name is ignored; a name the caller did not give is left as written (`{n}`),
    /// which the catalogue tests rule out for every message.
    pub fn render(self, lang: Lang, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        fill(self.template(lang), args)
    }

    /// The names of the arguments a template uses, in order of first use.
    pub fn arguments(self, lang: Lang) -> Vec<&'static str> {
        let mut out = Vec::new();
        for (name, _) in placeholders(self.template(lang)) {
            if !out.contains(&name) {
                out.push(name);
            }
        }
        out
    }
}

/// `msg!(lang, CheckNoProblems)` or `msg!(lang, CheckRows, rows = n, bad = m)`: render a
/// catalogue message with named arguments.
#[macro_export]
macro_rules! msg {
    ($lang:expr, $id:ident $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::i18n::Msg::$id.render(
            $lang,
            &[$((stringify!($name), &$value as &dyn ::std::fmt::Display)),*],
        )
    };
}

/// A message not yet written: a catalogue entry and its arguments, rendered in a language
/// when it is shown. Errors raised before the workbook's language is known (a settings cell, a
/// rule) carry one of these instead of a finished sentence, so `main` prints them in the
/// language the workbook turned out to have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    msg: Msg,
    args: Vec<(&'static str, Arg)>,
}

/// One argument of a [`Text`]: a plain value, or another message (rendered in the same
/// language).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Plain(String),
    Text(Text),
    /// What the system said: its own words in English, the owner's in Korean.
    Io(String, Box<Text>),
}

impl Text {
    /// The message `msg` with no arguments yet.
    pub fn new(msg: Msg) -> Text {
        Text {
            msg,
            args: Vec::new(),
        }
    }

    /// Adds a plain argument.
    #[must_use]
    pub fn arg(mut self, name: &'static str, value: impl std::fmt::Display) -> Text {
        self.args.push((name, Arg::Plain(value.to_string())));
        self
    }

    /// Adds an argument that is itself a message.
    #[must_use]
    pub fn text(mut self, name: &'static str, value: Text) -> Text {
        self.args.push((name, Arg::Text(value)));
        self
    }

    /// Adds an I/O error: as the system said it in English, as [`io_error`] in Korean.
    #[must_use]
    pub fn io(self, name: &'static str, e: &std::io::Error) -> Text {
        self.io_parts(name, e.to_string(), io_error(e))
    }

    /// Adds an argument said as `en` in English and as `ko` in Korean (what the system said).
    #[must_use]
    pub fn io_parts(mut self, name: &'static str, en: String, ko: Text) -> Text {
        self.args.push((name, Arg::Io(en, Box::new(ko))));
        self
    }

    /// Whether the message says nothing (in English; the catalogue tests make both texts
    /// non-empty together).
    pub fn is_empty(&self) -> bool {
        self.render(Lang::En).trim().is_empty()
    }

    /// The catalogue entry.
    pub fn msg(&self) -> Msg {
        self.msg
    }

    /// The message in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        let values: Vec<(&str, String)> = self
            .args
            .iter()
            .map(|(n, a)| {
                (
                    *n,
                    match a {
                        Arg::Plain(s) => s.clone(),
                        Arg::Text(t) => t.render(lang),
                        Arg::Io(en, _) if lang == Lang::En => en.clone(),
                        Arg::Io(_, t) => t.render(lang),
                    },
                )
            })
            .collect();
        let args: Vec<(&str, &dyn std::fmt::Display)> = values
            .iter()
            .map(|(n, v)| (*n, v as &dyn std::fmt::Display))
            .collect();
        self.msg.render(lang, &args)
    }
}

/// Shown in the language of the workbook being worked on ([`current`]), else English.
impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(current().unwrap_or(Lang::En)))
    }
}

/// Compared as its English text (the tests of the parts that raise it name it that way).
impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.render(Lang::En) == *other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        self.render(Lang::En) == *other
    }
}

/// `text!(SettingUnknown, key = k)`: a [`Text`] with named arguments, like [`msg!`] but
/// rendered later.
#[macro_export]
macro_rules! text {
    ($id:ident $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::i18n::Text::new($crate::i18n::Msg::$id)
            $(.arg(stringify!($name), &$value))*
    };
}

/// The placeholders of a template: (name, particle) for each `{name}` or `{name:particle}`.
fn placeholders(template: &str) -> Vec<(&str, Option<&str>)> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(i) = rest.find(['{', '}']) {
        let after = &rest[i + 1..];
        if after.starts_with(&rest[i..=i]) {
            rest = &after[1..];
            continue;
        }
        if rest.as_bytes()[i] == b'}' {
            rest = after;
            continue;
        }
        let Some(end) = after.find('}') else { break };
        let inner = &after[..end];
        let (name, p) = match inner.split_once(':') {
            Some((n, p)) => (n, Some(p)),
            None => (inner, None),
        };
        out.push((name, p));
        rest = &after[end + 1..];
    }
    out
}

fn fill(template: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let brace = &rest[i..=i];
        let after = &rest[i + 1..];
        if after.starts_with(brace) {
            out.push_str(brace);
            rest = &after[1..];
            continue;
        }
        if brace == "}" {
            out.push('}');
            rest = after;
            continue;
        }
        let Some(end) = after.find('}') else {
            out.push_str(&rest[i..]);
            return out;
        };
        let inner = &after[..end];
        let (name, p) = match inner.split_once(':') {
            Some((n, p)) => (n, Some(p)),
            None => (inner, None),
        };
        if let Some((_, v)) = args.iter().find(|(n, _)| *n == name) {
            let text = v.to_string();
            out.push_str(&text);
            if let Some(p) = p {
                out.push_str(particle(&text, p));
            }
        } else {
            out.push('{');
            out.push_str(inner);
            out.push('}');
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

// The language of the workbook being worked on, once read: 0 not yet known, 1 Korean,
// 2 English. An error is printed by `main`, far from the workbook it is about; this lets it
// (and the few messages made before or outside a [`crate::ingest::Loaded`]) speak the
// workbook's language. Set once per command, by the reader.
thread_local! {
    // One per thread, not one per process: the binary sets and reads it on its main thread,
    // and library callers running several loads at once (the test suite does) never see each
    // other's workbook language.
    static CURRENT: std::cell::Cell<u8> = const { std::cell::Cell::new(0) };
}

/// Record the language of the workbook being worked on.
pub fn set_current(lang: Lang) {
    CURRENT.set(match lang {
        Lang::Ko => 1,
        Lang::En => 2,
    });
}

/// The language of the workbook being worked on, when one was read.
pub fn current() -> Option<Lang> {
    match CURRENT.get() {
        1 => Some(Lang::Ko),
        2 => Some(Lang::En),
        _ => None,
    }
}

/// The language for a message made before (or without) reading the workbook: the workbook's
/// when it was read, else Korean with `--lang ko`, else English.
pub fn lang_of(g: &crate::cli::GlobalArgs) -> Lang {
    current().unwrap_or(match g.lang {
        Some(crate::cli::LangArg::Ko) => Lang::Ko,
        _ => Lang::En,
    })
}

/// What an I/O error means for the owner (`디스크가 가득 찼습니다`), from its kind; the
/// system's own words are kept only for a kind with no message of its own.
pub fn io_error(e: &std::io::Error) -> Text {
    use std::io::ErrorKind as K;
    if let Some(f) = e
        .get_ref()
        .and_then(|r| r.downcast_ref::<crate::writeback::safe::FolderError>())
    {
        return f.text();
    }
    match e.kind() {
        K::NotFound => Text::new(Msg::IoNotFound),
        K::PermissionDenied => Text::new(Msg::IoPermission),
        K::StorageFull | K::QuotaExceeded => Text::new(Msg::IoDiskFull),
        K::ReadOnlyFilesystem => Text::new(Msg::IoReadOnly),
        K::ResourceBusy | K::ExecutableFileBusy => Text::new(Msg::IoBusy),
        K::AlreadyExists => Text::new(Msg::IoExists),
        K::NotADirectory => Text::new(Msg::IoNotFolder),
        _ => crate::text!(IoOther, detail = e),
    }
}

/// Why an input file could not be read, for the owner (`읽을 권한이 없습니다`): the common
/// kinds in the catalogue's words, any other as [`io_error`] says it (the system's words only in
/// parentheses).
pub fn read_error(e: &std::io::Error) -> Text {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::PermissionDenied => Text::new(Msg::ReadPermission),
        K::IsADirectory => Text::new(Msg::ReadIsFolder),
        K::InvalidInput => Text::new(Msg::ReadInvalid),
        K::UnexpectedEof => Text::new(Msg::ReadCutShort),
        _ => io_error(e),
    }
}

/// Why a `--week` text names no week (`"garbage"`, `2025-W53` in a year of 52 weeks).
pub fn week_error(e: &crate::analysis::weekly::WeekError) -> Text {
    use crate::analysis::weekly::WeekError as W;
    match e {
        W::Syntax(t) => crate::text!(WeekNotIso, week = format!("{t:?}")),
        W::NoSuchWeek { year, week, weeks } => {
            crate::text!(WeekNoSuch, year = year, week = week, weeks = weeks)
        }
    }
}

/// A folder a command writes into (`--eml`, `--orders`) could not be made: nothing was
/// written, in the catalogue's words with what the system said.
pub fn folder_not_made(folder: &std::path::Path, e: &std::io::Error) -> anyhow::Error {
    anyhow::Error::new(Said(
        crate::text!(FolderNotMade, folder = folder.display()).io("error", e),
    ))
}

/// An error in the catalogue's words with nothing beneath it: what the system said, if
/// anything, is already one of its arguments. Shown in the language of the workbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said(pub Text);

impl std::fmt::Display for Said {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Said {}

/// An error in the catalogue's words ([`Said`]).
pub fn said(text: Text) -> anyhow::Error {
    anyhow::Error::new(Said(text))
}

/// The I/O error at the bottom of `e` (a full disk, a folder that is a file), if it is one.
pub fn io_cause<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a std::io::Error> {
    use crate::writeback::WritebackError as W;
    let mut c = Some(e);
    while let Some(e) = c {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            return Some(io);
        }
        if let Some(W::Io(io) | W::NotWritten { error: io, .. }) = e.downcast_ref::<W>() {
            return Some(io);
        }
        c = e.source();
    }
    None
}

/// `dangol: error: …` (`dangol: 오류: …`) on stderr, as the terminal may show it.
pub fn eprint_error(lang: Lang, message: &str) {
    let line = crate::msg!(lang, ErrorLine, message = message);
    eprintln!("{}", crate::render::terminal::stderr_line(&line));
}

/// Whether `s` holds a Hangul syllable or jamo.
pub fn has_hangul(s: &str) -> bool {
    s.chars().any(is_hangul)
}

/// A Hangul syllable or jamo.
pub fn is_hangul(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7A3}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Messages whose Korean text is rightly free of Hangul (none yet): listed, never silent.
    const KOREAN_WITHOUT_HANGUL: &[Msg] = &[];

    #[test]
    fn every_message_exists_in_both_languages_with_the_same_arguments() {
        assert!(Msg::ALL.len() > 20, "the catalogue lists its messages");
        for m in Msg::ALL.iter().copied() {
            let (ko, en) = (m.template(Lang::Ko), m.template(Lang::En));
            assert!(!ko.trim().is_empty(), "{m:?} has no Korean text");
            assert!(!en.trim().is_empty(), "{m:?} has no English text");
            assert_ne!(ko, en, "{m:?}: the Korean text is the English one");
            assert!(
                has_hangul(ko) || KOREAN_WITHOUT_HANGUL.contains(&m),
                "{m:?}: the Korean text {ko:?} holds no Korean"
            );
            assert!(
                !has_hangul(en),
                "{m:?}: the English text {en:?} holds Hangul"
            );
            let mut a = m.arguments(Lang::Ko);
            let mut b = m.arguments(Lang::En);
            a.sort_unstable();
            b.sort_unstable();
            assert_eq!(a, b, "{m:?}: the two texts name different arguments");
            assert!(
                placeholders(en).iter().all(|(_, p)| p.is_none()),
                "{m:?}: a Korean particle in the English text"
            );
            for (name, p) in placeholders(ko) {
                if let Some(p) = p {
                    assert!(
                        korean::PARTICLES.iter().any(|(a, b)| *a == p || *b == p),
                        "{m:?}: {{{name}:{p}}} is not a particle dangol knows"
                    );
                }
            }
        }
    }

    #[test]
    fn read_errors_are_said_by_their_kind_with_the_systems_words_only_as_a_detail() {
        use std::io::{Error, ErrorKind as K};
        let said = |k: K| {
            let e = Error::new(k, "the system's words");
            let t = read_error(&e);
            (t.render(Lang::Ko), t.render(Lang::En))
        };
        assert_eq!(
            said(K::NotFound),
            (
                "파일이나 폴더가 없습니다".into(),
                "no such file or folder".into()
            )
        );
        assert_eq!(said(K::PermissionDenied).0, msg!(Lang::Ko, ReadPermission));
        assert_eq!(
            said(K::IsADirectory),
            (
                "파일이 아니라 폴더입니다".into(),
                "it is a folder, not a file".into()
            )
        );
        assert_eq!(said(K::InvalidInput).1, msg!(Lang::En, ReadInvalid));
        assert_eq!(
            said(K::UnexpectedEof),
            (
                "파일이 도중에 끝납니다 (잘렸거나 아직 복사 중입니다)".into(),
                "the file ends early (it is cut short, or still being copied)".into()
            )
        );
        assert_eq!(
            said(K::Interrupted),
            (
                "입출력 오류 (the system's words)".into(),
                "input/output error (the system's words)".into()
            )
        );
    }

    #[test]
    fn arguments_and_particles_are_filled_in() {
        let s = fill(
            "{who:은} {n}건, {what:을} {{x}}",
            &[("who", &"고객"), ("n", &"5,000"), ("what", &"견적")],
        );
        assert_eq!(s, "고객은 5,000건, 견적을 {x}");
        assert_eq!(fill("{a:는} {b}", &[("a", &"VIP")]), "VIP는 {b}");
        assert_eq!(
            msg!(Lang::En, CheckNoProblems),
            "No problems found.".to_string()
        );
        assert_eq!(msg!(Lang::Ko, CheckNoProblems), "문제가 없습니다.");
    }
}
