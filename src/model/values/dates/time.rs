//! The last step of date parsing: the optional time after the date.

use chrono::NaiveTime;

use super::parser::Parser;
use super::tokens::Tok;

impl Parser<'_, '_> {
    /// The optional time after a date; midnight when there is none.
    pub(super) fn time(&mut self) -> Option<NaiveTime> {
        if self.pos == self.toks.len() {
            return NaiveTime::from_hms_opt(0, 0, 0);
        }
        self.word("t");
        let before = self.meridiem();
        let (h, m, s, nano) = self
            .attempt(Parser::clock_time)
            .or_else(|| self.attempt(Parser::korean_time))?;
        let after = self.meridiem();
        let mer = match (before, after) {
            (Some(_), Some(_)) => return None,
            (m, None) | (None, m) => m,
        };
        // `Z` or an ISO offset (`+09:00`, `-0500`, `+09`): the time is kept as written — days
        // are local, no time-zone conversion (SPEC §2).
        if !self.word("z") {
            self.attempt(|p| {
                p.any_sym(&['+', '-'])?;
                if p.num(4, 4).is_some() {
                    return Some(());
                }
                p.num(2, 2)?;
                if p.sym(':') {
                    p.num(2, 2)?;
                }
                Some(())
            });
        }
        let h = match mer {
            None => h,
            Some(false) if h <= 12 => h % 12,
            Some(true) if h <= 12 => h % 12 + 12,
            Some(_) => return None,
        };
        NaiveTime::from_hms_nano_opt(h, m, s, nano)
    }

    /// `Some(false)` for AM/오전, `Some(true)` for PM/오후.
    pub(super) fn meridiem(&mut self) -> Option<bool> {
        for (w, pm) in [("am", false), ("pm", true), ("오전", false), ("오후", true)] {
            if self.word(w) {
                return Some(pm);
            }
        }
        // `a.m.` / `p.m.`
        self.attempt(|p| {
            let pm = if p.word("a") {
                false
            } else if p.word("p") {
                true
            } else {
                return None;
            };
            (p.sym('.') && p.word("m")).then(|| p.sym('.')).map(|_| pm)
        })
    }

    pub(super) fn clock_time(&mut self) -> Option<(u32, u32, u32, u32)> {
        let h = self.num(1, 2)?;
        if !self.sym(':') {
            return None;
        }
        let m = self.num(2, 2)?;
        let mut s = 0;
        let mut nano = 0;
        if self.sym(':') {
            s = self.num(2, 2)?;
            if self.sym('.') {
                let Some(Tok::Num(f)) = self.peek() else {
                    return None;
                };
                // Keep at most nanoseconds; further digits cannot matter to a shop.
                let digits: String = f.chars().chain(std::iter::repeat('0')).take(9).collect();
                nano = digits.parse().ok()?;
                self.pos += 1;
            }
        }
        Some((h, m, s, nano))
    }

    pub(super) fn korean_time(&mut self) -> Option<(u32, u32, u32, u32)> {
        let h = self.num(1, 2)?;
        if !self.word("시") {
            return None;
        }
        let mut m = 0;
        let mut s = 0;
        if let Some(v) = self.attempt(|p| p.num(1, 2).filter(|_| p.word("분"))) {
            m = v;
            if let Some(v) = self.attempt(|p| p.num(1, 2).filter(|_| p.word("초"))) {
                s = v;
            }
        }
        Some((h, m, s, 0))
    }
}
