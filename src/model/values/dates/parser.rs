//! The second step of date parsing: the date read from the tokens (year first, year last,
//! Korean, named month, weekday names skipped).

use chrono::NaiveDate;

use super::tokens::{Tok, is_weekday, month_name};
use super::{DateError, DateOrder};

pub(super) struct Parser<'t, 'a> {
    pub(super) toks: &'t [Tok<'a>],
    pub(super) pos: usize,
}

impl<'t, 'a> Parser<'t, 'a> {
    pub(super) fn new(toks: &'t [Tok<'a>]) -> Self {
        Parser { toks, pos: 0 }
    }
}

impl Parser<'_, '_> {
    pub(super) fn peek(&self) -> Option<&Tok<'_>> {
        self.toks.get(self.pos)
    }

    /// A number of `min..=max` digits.
    pub(super) fn num(&mut self, min: usize, max: usize) -> Option<u32> {
        match self.peek() {
            Some(Tok::Num(n)) if (min..=max).contains(&n.len()) => {
                let v = n.parse().ok()?;
                self.pos += 1;
                Some(v)
            }
            _ => None,
        }
    }

    pub(super) fn sym(&mut self, want: char) -> bool {
        if self.peek() == Some(&Tok::Sym(want)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    pub(super) fn word(&mut self, want: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Word(w)) if w == want) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    pub(super) fn any_sym(&mut self, allowed: &[char]) -> Option<char> {
        match self.peek() {
            Some(&Tok::Sym(c)) if allowed.contains(&c) => {
                self.pos += 1;
                Some(c)
            }
            _ => None,
        }
    }

    /// Try a sub-parser; rewind when it fails.
    pub(super) fn attempt<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        let start = self.pos;
        let r = f(self);
        if r.is_none() {
            self.pos = start;
        }
        r
    }

    pub(super) fn date(&mut self, order: DateOrder) -> Result<NaiveDate, DateError> {
        let ymd = |y: u32, m: u32, d: u32| {
            NaiveDate::from_ymd_opt(y as i32, m, d).ok_or(DateError::Invalid)
        };
        if let Some((y, m, d)) = self.attempt(Parser::korean_date) {
            return ymd(y, m, d);
        }
        if let Some((y, m, d)) = self.attempt(Parser::year_first) {
            return ymd(y, m, d);
        }
        if let Some((y, m, d)) = self.attempt(Parser::named_month) {
            return ymd(y, m, d);
        }
        if let Some(n) = self.num(8, 8) {
            if n / 10_000 < 1000 {
                return Err(DateError::Invalid);
            }
            return ymd(n / 10_000, n / 100 % 100, n % 100);
        }
        let (a, b, y) = self.attempt(Parser::year_last).ok_or(DateError::Invalid)?;
        let dmy = NaiveDate::from_ymd_opt(y as i32, b, a);
        let mdy = NaiveDate::from_ymd_opt(y as i32, a, b);
        match order {
            DateOrder::Dmy => dmy.ok_or(DateError::Invalid),
            DateOrder::Mdy => mdy.ok_or(DateError::Invalid),
            DateOrder::Auto => match (dmy, mdy) {
                (Some(x), Some(y)) if x == y => Ok(x),
                (Some(_), Some(_)) => Err(DateError::Ambiguous),
                (Some(x), None) | (None, Some(x)) => Ok(x),
                (None, None) => Err(DateError::Invalid),
            },
        }
    }

    /// A weekday name, bare or in parentheses (`(화)`, `화요일`, `Tue`); its value is not
    /// checked against the date: a wrong label should not lose a clear date.
    pub(super) fn weekday(&mut self) -> bool {
        self.attempt(|p| {
            let open = p.sym('(');
            if !matches!(p.peek(), Some(Tok::Word(w)) if is_weekday(w)) {
                return None;
            }
            p.pos += 1;
            p.sym('.');
            (!open || p.sym(')')).then_some(())
        })
        .is_some()
    }

    pub(super) fn month_word(&mut self) -> Option<u32> {
        let m = match self.peek() {
            Some(Tok::Word(w)) => month_name(w)?,
            _ => return None,
        };
        self.pos += 1;
        self.sym('.');
        Some(m)
    }

    /// `15-Apr-2025`, `15 Apr 25`, `Apr 15, 2025`, `April 15 2025`: the month is named, so
    /// there is no day/month question.
    pub(super) fn named_month(&mut self) -> Option<(u32, u32, u32)> {
        if let Some(m) = self.attempt(Parser::month_word) {
            let d = self.num(1, 2)?;
            self.sym(',');
            let y = self.num(4, 4).filter(|&y| y >= 1000)?;
            return Some((y, m, d));
        }
        let d = self.num(1, 2)?;
        let sep = self.any_sym(&['-', '/', '.']);
        let m = self.month_word()?;
        if let Some(sep) = sep
            && !self.sym(sep)
        {
            return None;
        }
        let y = match self.peek() {
            Some(Tok::Num(n)) if n.len() == 4 => self.num(4, 4).filter(|&y| y >= 1000)?,
            Some(Tok::Num(n)) if n.len() == 2 => 2000 + self.num(2, 2)?,
            _ => return None,
        };
        Some((y, m, d))
    }

    pub(super) fn korean_date(&mut self) -> Option<(u32, u32, u32)> {
        let y = self.num(2, 4)?;
        let y = match y {
            0..=99 => 2000 + y,
            100..=999 => return None,
            _ => y,
        };
        if !self.word("년") {
            return None;
        }
        let m = self.num(1, 2)?;
        if !self.word("월") {
            return None;
        }
        let d = self.num(1, 2)?;
        if !self.word("일") {
            return None;
        }
        self.sym('.');
        Some((y, m, d))
    }

    pub(super) fn year_first(&mut self) -> Option<(u32, u32, u32)> {
        let y = self.num(4, 4)?;
        if y < 1000 {
            return None;
        }
        let sep = self.any_sym(&['-', '/', '.'])?;
        let m = self.num(1, 2)?;
        if !self.sym(sep) {
            return None;
        }
        let d = self.num(1, 2)?;
        if sep == '.' {
            self.sym('.');
        }
        Some((y, m, d))
    }

    /// `a sep b sep year`: the two leading parts (unresolved) and the year.
    pub(super) fn year_last(&mut self) -> Option<(u32, u32, u32)> {
        let a = self.num(1, 2)?;
        let sep = self.any_sym(&['-', '/', '.'])?;
        let b = self.num(1, 2)?;
        if !self.sym(sep) {
            return None;
        }
        let y = match self.peek() {
            Some(Tok::Num(n)) if n.len() == 4 => self.num(4, 4).filter(|&y| y >= 1000)?,
            Some(Tok::Num(n)) if n.len() == 2 && sep == '/' => 2000 + self.num(2, 2)?,
            _ => return None,
        };
        Some((a, b, y))
    }
}
