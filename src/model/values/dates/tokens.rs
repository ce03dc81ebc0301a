//! The first step of date parsing: text cut into numbers, words and symbols.

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok<'a> {
    /// A run of ASCII digits.
    Num(&'a str),
    /// A run of letters; `년월일시분초` are always single tokens so `15일오후` splits.
    Word(String),
    /// Any other single character (`-`, `/`, `.`, `:`, …).
    Sym(char),
}

pub(super) fn tokenize(s: &str) -> Option<Vec<Tok<'_>>> {
    // The longest real form (`Tuesday, September 30, 2025 12:59:59.123456 p.m.`) is far
    // shorter; a long text is not a date and is not worth scanning.
    if s.len() > 80 {
        return None;
    }
    let mut toks = Vec::new();
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        let len = if c.is_ascii_digit() {
            let n = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            toks.push(Tok::Num(&rest[..n]));
            n
        } else if c.is_whitespace() {
            c.len_utf8()
        } else if KO_WEEKDAYS.contains(&c) && rest[c.len_utf8()..].starts_with("요일") {
            // `월요일`/`일요일` must not split at their `월`/`일`.
            let n = c.len_utf8() + "요일".len();
            toks.push(Tok::Word(rest[..n].to_string()));
            n
        } else if "년월일시분초".contains(c) {
            toks.push(Tok::Word(c.to_string()));
            c.len_utf8()
        } else if c.is_alphabetic() {
            let n = rest
                .find(|c: char| !c.is_alphabetic() || "년월일시분초".contains(c))
                .unwrap_or(rest.len());
            toks.push(Tok::Word(rest[..n].to_lowercase()));
            n
        } else {
            toks.push(Tok::Sym(c));
            c.len_utf8()
        };
        rest = &rest[len..];
    }
    Some(toks)
}

const KO_WEEKDAYS: [char; 7] = ['월', '화', '수', '목', '금', '토', '일'];

/// `월`, `화요일`, `Tue`, `tuesday` (lower-cased token).
pub(super) fn is_weekday(w: &str) -> bool {
    const EN: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let mut chars = w.chars();
    let ko = chars.next().is_some_and(|c| KO_WEEKDAYS.contains(&c))
        && matches!(chars.as_str(), "" | "요일");
    ko || EN
        .iter()
        .any(|e| w == *e || (w.len() == 3 && e.starts_with(w)))
        || matches!(w, "tues" | "wed" | "thur" | "thurs")
}

/// `apr`, `april`, `sept` → the month number.
pub(super) fn month_name(w: &str) -> Option<u32> {
    const EN: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    if w == "sept" {
        return Some(9);
    }
    EN.iter()
        .position(|m| w == *m || (w.len() == 3 && m.starts_with(w)))
        .map(|i| i as u32 + 1)
}
