//! The one table of setting definitions (SPEC §3): every key dangol knows, written once — its
//! Korean key, the values it accepts, its default (by currency where money is involved), what
//! it means in Korean and English, where it may be set, how its value is parsed into
//! [`Settings`] and how `dangol config` shows it.
//!
//! Everything else derives from [`DEFS`]: validation and "did you mean" (`load::apply`),
//! `dangol config` (`load::describe`), the Settings sheet of `dangol init`/`dangol sample`
//! (`sample::defaults::settings_rows`), `--set`, and `docs/settings.md` (checked by a test).
//! Adding a setting is one field of [`Settings`] and one entry here.

use std::borrow::Cow;

use chrono::Weekday;
use rust_decimal::Decimal;

use super::load::SettingsError;
use super::{FunnelMode, FunnelUnit, LangSetting, Origin, RfmMethod, Role, Settings};
use crate::i18n::{Msg, Text};
use crate::model::values::{self, DateOrder};
use crate::model::{Currency, Lang};
use crate::notify::settings::{NotionVersion, Provider, SmtpTls};

/// How a key is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// The key itself.
    Exact,
    /// Any key starting with it (`notify.alimtalk.template.<kind>`).
    Prefix,
}

/// What a setting accepts: the text after "expected" in its error messages and in the docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    /// A whole number in a range; `_` and `,` separators are allowed.
    Count { min: u32, max: u32 },
    /// A plain number in a range (the `notify.*` numbers).
    Number { lo: u32, hi: u32 },
    /// Anything else, described in words (a catalogue entry, so in both languages).
    Values(Msg),
}

/// A setting's built-in value, as written in the docs and the starter Settings sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    Text(&'static str),
    /// Written as a number in the Settings sheet.
    Int(i64),
    /// Money amounts: won (no decimals) or a two-decimal currency.
    Money {
        won: &'static str,
        other: &'static str,
    },
    /// Not a value one could type: found from the data (e.g. a sheet found by its headers).
    Derived(&'static str),
}

impl Builtin {
    /// The default as text, in `currency`.
    pub fn text(self, currency: Currency) -> &'static str {
        match self {
            Builtin::Text(t) | Builtin::Derived(t) => t,
            Builtin::Int(_) => "",
            Builtin::Money { won, other } => {
                if currency.decimals() == 0 {
                    won
                } else {
                    other
                }
            }
        }
    }
}

/// Where a setting may be given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetIn {
    /// The Settings sheet, `dangol.toml` or `--set`.
    Anywhere,
    /// `dangol.toml` or `--set` only: it says where the Settings sheet is, so it is read first.
    FileOrFlag,
    /// The Grades sheet, or a TOML array of `{ grade, rule }` tables.
    GradeTable,
}

impl SetIn {
    /// Words for the docs.
    pub fn words(self, lang: Lang) -> &'static str {
        match self {
            SetIn::Anywhere => lang.pick(
                "설정 시트, dangol.toml, --set",
                "Settings sheet, dangol.toml, --set",
            ),
            SetIn::FileOrFlag => lang.pick("dangol.toml, --set", "dangol.toml, --set"),
            SetIn::GradeTable => lang.pick(
                "등급 시트, dangol.toml의 { grade, rule } 배열",
                "Grades sheet, a TOML array of { grade, rule }",
            ),
        }
    }
}

/// What the starter Settings sheet (`dangol init`, `dangol sample`) writes for a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Starter {
    /// Not written (the owner adds it when needed).
    No,
    /// The default.
    Default,
    /// The shop's name.
    ShopName,
    /// The shop's currency code.
    Currency,
    /// The pipeline stages of the sample data.
    Stages,
}

/// How `dangol config` shows a setting.
#[derive(Clone, Copy)]
pub enum Show {
    /// One line: the value in the output language.
    One(fn(&Settings, Lang) -> String),
    /// One line per value set (the prefix keys): (full key, value).
    Many(fn(&Settings) -> Vec<(String, String)>),
    /// Not listed (it only tells the reader where to look).
    Hidden,
}

/// One setting value being applied: its key, text and origin, and the definition that parses
/// it (so every message says what is expected the same way).
pub struct Given<'a> {
    pub key: &'a str,
    pub value: &'a str,
    pub origin: &'a Origin,
    pub def: &'static Def,
}

impl Given<'_> {
    /// `key: found "x", expected …`.
    pub fn bad(&self) -> SettingsError {
        self.bad_as(self.def.expected_text())
    }

    /// `key: found "x", expected <expected>`.
    pub fn bad_as(&self, expected: Text) -> SettingsError {
        self.found_as(&format!("{:?}", self.value), expected)
    }

    /// `key: found <found>, expected <expected>`, `found` as written.
    fn found_as(&self, found: &str, expected: Text) -> SettingsError {
        self.error(
            crate::text!(SettingBad, key = self.key, value = found).text("expected", expected),
        )
    }

    /// An error at the value's origin.
    pub fn error(&self, message: Text) -> SettingsError {
        SettingsError::new(self.origin, message)
    }

    /// A [`Ty::Count`] value.
    pub fn count(&self) -> Result<u32, SettingsError> {
        let Ty::Count { min, max } = self.def.ty else {
            return Err(self.bad());
        };
        let n: u32 = self
            .value
            .trim()
            .replace(['_', ','], "")
            .parse()
            .map_err(|_| self.bad())?;
        if n < min || n > max {
            return Err(self.found_as(&n.to_string(), self.def.expected_text()));
        }
        Ok(n)
    }

    /// A [`Ty::Number`] value.
    pub fn number(&self) -> Result<u32, SettingsError> {
        let Ty::Number { lo, hi } = self.def.ty else {
            return Err(self.bad());
        };
        self.value
            .parse::<u32>()
            .ok()
            .filter(|n| (lo..=hi).contains(n))
            .ok_or_else(|| self.bad())
    }

    /// One of a few words (any case): the value of the first `(words, value)` that has it.
    pub fn one_of<T: Copy>(&self, choices: &[(&[&str], T)]) -> Result<T, SettingsError> {
        let v = self.value.to_ascii_lowercase();
        choices
            .iter()
            .find(|(words, _)| words.contains(&v.as_str()))
            .map(|(_, t)| *t)
            .ok_or_else(|| self.bad())
    }

    /// A comma-separated list.
    pub fn list(&self) -> Vec<String> {
        list(self.value)
    }

    /// An `http(s)://` address without a trailing `/`; empty is allowed.
    pub fn url(&self) -> Result<String, SettingsError> {
        let v = self.value.trim_end_matches('/');
        if v.is_empty() || v.starts_with("https://") || v.starts_with("http://") {
            Ok(v.to_string())
        } else {
            Err(self.found_as(&format!("{v:?}"), self.def.expected_text()))
        }
    }

    /// Four ascending numbers.
    pub fn cut_points(&self) -> Result<Vec<Decimal>, SettingsError> {
        let mut out = Vec::new();
        for p in self
            .value
            .split([',', ';', ' '])
            .filter(|s| !s.trim().is_empty())
        {
            let (d, _) = values::parse_money(p).map_err(|()| self.bad())?;
            out.push(d);
        }
        if out.len() != 4 || out.windows(2).any(|w| w[0] >= w[1]) {
            return Err(self.bad());
        }
        Ok(out)
    }
}

/// One setting.
#[derive(Clone, Copy)]
pub struct Def {
    /// The key as written in `dangol.toml` and `--set` (`lookback_days`).
    pub key: &'static str,
    /// Its Korean key (`분석기간`): shown by `dangol config` for a Korean workbook and accepted
    /// in the Settings sheet.
    pub ko: &'static str,
    /// Other Korean keys owners write (`가게이름` for `shop_name`).
    pub aliases: &'static [&'static str],
    pub kind: KeyKind,
    pub ty: Ty,
    pub default: Builtin,
    pub about_ko: &'static str,
    pub about_en: &'static str,
    pub set_in: SetIn,
    pub starter: Starter,
    /// Parse the value into the settings.
    pub apply: fn(&mut Settings, &Given<'_>) -> Result<(), SettingsError>,
    pub show: Show,
}

impl Def {
    /// What the setting accepts, as the docs and error messages say it.
    pub fn expected(&self) -> Cow<'static, str> {
        self.expected_text().render(Lang::En).into()
    }

    /// What the setting accepts, as a message to show in the workbook's language.
    pub fn expected_text(&self) -> Text {
        match self.ty {
            Ty::Count { min, max } => crate::text!(ExpectCount, min = min, max = max),
            Ty::Number { lo, hi } => crate::text!(ExpectNumber, lo = lo, hi = hi),
            Ty::Values(m) => Text::new(m),
        }
    }

    /// The description in `lang`.
    pub fn about(&self, lang: Lang) -> &'static str {
        lang.pick(self.about_ko, self.about_en)
    }

    /// Whether `key` (already canonical: lower-case English) is this setting.
    pub fn matches(&self, key: &str) -> bool {
        match self.kind {
            KeyKind::Exact => key == self.key,
            KeyKind::Prefix => key.starts_with(self.key),
        }
    }
}

/// The definition of a canonical key.
pub fn find(key: &str) -> Option<&'static Def> {
    DEFS.iter().find(|d| d.matches(key))
}

/// A Korean key (any spacing or case folding) → the English key.
pub fn korean(key: &str) -> Option<&'static str> {
    let folded = values::header_key(key);
    DEFS.iter()
        .find(|d| {
            std::iter::once(d.ko)
                .chain(d.aliases.iter().copied())
                .any(|k| values::header_key(k) == folded)
        })
        .map(|d| d.key)
}

/// The default cancel words (SPEC §2), comma-separated as the Settings sheet holds them.
pub const CANCEL_WORDS: &str =
    "cancelled, canceled, refunded, returned, void, 취소, 환불, 반품, 주문취소, 결제취소";

/// A comma-separated list (`,`, `，`, `;` or a line break), trimmed, blanks dropped.
pub fn list(v: &str) -> Vec<String> {
    v.split([',', '，', ';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn weekday(v: &str) -> Option<Weekday> {
    let k = v.trim().to_lowercase();
    Some(match k.as_str() {
        "monday" | "mon" | "월" | "월요일" => Weekday::Mon,
        "tuesday" | "tue" | "화" | "화요일" => Weekday::Tue,
        "wednesday" | "wed" | "수" | "수요일" => Weekday::Wed,
        "thursday" | "thu" | "목" | "목요일" => Weekday::Thu,
        "friday" | "fri" | "금" | "금요일" => Weekday::Fri,
        "saturday" | "sat" | "토" | "토요일" => Weekday::Sat,
        "sunday" | "sun" | "일" | "일요일" => Weekday::Sun,
        _ => return None,
    })
}

/// `1%`, `1 %` or `0.01` → 0.01; a rate outside 0 ..= 50 % a month is `None`.
fn monthly_rate(v: &str) -> Option<Decimal> {
    let t = v.trim();
    let (num, pct) = match t.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (t, false),
    };
    let d: Decimal = num.parse().ok()?;
    let rate = if pct { d / Decimal::from(100) } else { d };
    (rate >= Decimal::ZERO && rate <= Decimal::new(5, 1)).then_some(rate)
}

fn plain_email(e: &str) -> bool {
    e.split_once('@')
        .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.contains('@'))
        && !e.contains(|c: char| c.is_whitespace() || c.is_control() || "<>,;\"".contains(c))
}

fn digits(v: &str) -> String {
    v.chars().filter(char::is_ascii_digit).collect()
}

fn nums(v: &[Decimal]) -> String {
    v.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn pin(s: &mut Settings, role: Role, g: &Given<'_>) {
    s.sheet_pins.insert(role, g.list());
}

fn show_pin(s: &Settings, role: Role, lang: Lang) -> String {
    s.sheet_pins.get(&role).map_or_else(
        || {
            lang.pick("(머리글로 찾음)", "(found by headers)")
                .to_string()
        },
        |v| v.join(", "),
    )
}

fn show_rules(rules: &[super::GradeRule], lang: Lang) -> String {
    rules
        .iter()
        .map(|r| format!("{}: {}", r.grade.in_lang(lang), r.rule.source()))
        .collect::<Vec<_>>()
        .join(" | ")
}

fn grade_table(_: &mut Settings, g: &Given<'_>) -> Result<(), SettingsError> {
    Err(g.error(crate::text!(SettingGradeTable, key = g.key)))
}

const YES_NO: &[(&[&str], bool)] = &[
    (&["true", "yes", "y", "1", "예"], true),
    (&["false", "no", "n", "0", "아니오"], false),
];

const URL: Ty = Ty::Values(Msg::ExpectUrl);
const TEXT: Ty = Ty::Values(Msg::ExpectText);

/// A setting given anywhere, not in the starter sheet: the common case.
const fn def(
    key: &'static str,
    ko: &'static str,
    ty: Ty,
    default: Builtin,
    about: [&'static str; 2],
    apply: fn(&mut Settings, &Given<'_>) -> Result<(), SettingsError>,
    show: fn(&Settings, Lang) -> String,
) -> Def {
    Def {
        key,
        ko,
        aliases: &[],
        kind: KeyKind::Exact,
        ty,
        default,
        about_ko: about[0],
        about_en: about[1],
        set_in: SetIn::Anywhere,
        starter: Starter::No,
        apply,
        show: Show::One(show),
    }
}

/// [`def`], also written into the starter Settings sheet.
const fn starter(d: Def, starter: Starter) -> Def {
    Def { starter, ..d }
}

/// Every setting, in the order `dangol config` lists them and the Settings sheet holds them.
pub static DEFS: &[Def] = &[
    Def {
        aliases: &["가게이름", "상점명"],
        ..starter(
            def(
                "shop_name",
                "상호",
                TEXT,
                Builtin::Text(""),
                ["가게 이름 (보고서 제목에 쓰임)", "Shop name (report title)"],
                |s, g| {
                    s.shop_name = g.value.to_string();
                    Ok(())
                },
                |s, _| s.shop_name.clone(),
            ),
            Starter::ShopName,
        )
    },
    def(
        "shop_email",
        "가게이메일",
        Ty::Values(Msg::ExpectEmail),
        Builtin::Text(""),
        [
            "리마인드 메일 초안의 보내는 사람·회신 주소 (비우면 메일 프로그램의 계정)",
            "From and Reply-To of reminder drafts (blank = the mail program's own account)",
        ],
        |s, g| {
            if !g.value.is_empty() && !plain_email(g.value) {
                return Err(g.bad());
            }
            s.shop_email = g.value.to_string();
            Ok(())
        },
        |s, _| s.shop_email.clone(),
    ),
    starter(
        def(
            "currency",
            "통화",
            Ty::Values(Msg::ExpectCurrency),
            Builtin::Text("auto"),
            [
                "통화: KRW, GBP, USD, EUR (비우면 데이터에서 추정)",
                "Currency: KRW, GBP, USD, EUR (blank = inferred from the data)",
            ],
            |s, g| {
                s.currency = match g.value.to_ascii_lowercase().as_str() {
                    "" | "auto" => None,
                    _ => Some(Currency::parse(g.value).ok_or_else(|| g.bad())?),
                };
                Ok(())
            },
            |s, lang| {
                s.currency.map_or_else(
                    || {
                        lang.pick(
                            "auto (데이터에서 추정, 없으면 KRW)",
                            "auto (from the data, else KRW)",
                        )
                        .to_string()
                    },
                    |c| c.code().to_string(),
                )
            },
        ),
        Starter::Currency,
    ),
    starter(
        def(
            "lang",
            "언어",
            Ty::Values(Msg::ExpectLang),
            Builtin::Text("auto"),
            [
                "언어: auto, ko, en (auto = 머리글 언어)",
                "Language: auto, ko, en (auto = the headers' language)",
            ],
            |s, g| {
                s.lang = g.one_of(&[
                    (&["auto", ""], LangSetting::Auto),
                    (&["ko", "korean", "한국어"], LangSetting::Fixed(Lang::Ko)),
                    (&["en", "english", "영어"], LangSetting::Fixed(Lang::En)),
                ])?;
                Ok(())
            },
            |s, _| {
                match s.lang {
                    LangSetting::Auto => "auto",
                    LangSetting::Fixed(Lang::Ko) => "ko",
                    LangSetting::Fixed(Lang::En) => "en",
                }
                .into()
            },
        ),
        Starter::Default,
    ),
    starter(
        def(
            "week_start",
            "주시작요일",
            Ty::Values(Msg::ExpectWeekday),
            Builtin::Text("monday"),
            ["한 주의 시작 요일", "First day of the week"],
            |s, g| {
                s.week_start = weekday(g.value).ok_or_else(|| g.bad())?;
                Ok(())
            },
            |s, _| format!("{:?}", s.week_start).to_lowercase(),
        ),
        Starter::Default,
    ),
    starter(
        def(
            "date_order",
            "날짜순서",
            Ty::Values(Msg::ExpectDateOrder),
            Builtin::Text("auto"),
            [
                "4/5/2026 같은 날짜 읽는 순서: auto, dmy, mdy",
                "How to read 4/5/2026: auto, dmy, mdy",
            ],
            |s, g| {
                s.date_order = g.one_of(&[
                    (&["auto", ""], DateOrder::Auto),
                    (&["dmy", "d/m/y", "day-month-year"], DateOrder::Dmy),
                    (&["mdy", "m/d/y", "month-day-year"], DateOrder::Mdy),
                ])?;
                Ok(())
            },
            |s, _| {
                match s.date_order {
                    DateOrder::Auto => "auto",
                    DateOrder::Dmy => "dmy",
                    DateOrder::Mdy => "mdy",
                }
                .into()
            },
        ),
        Starter::Default,
    ),
    starter(
        def(
            "lookback_days",
            "분석기간",
            Ty::Count {
                min: 1,
                max: 36_500,
            },
            Builtin::Int(365),
            [
                "등급 계산에 쓰는 기간(일)",
                "Days of history the grades look at",
            ],
            |s, g| {
                s.lookback_days = g.count()?;
                Ok(())
            },
            |s, _| s.lookback_days.to_string(),
        ),
        Starter::Default,
    ),
    starter(
        def(
            "cancel_words",
            "취소상태",
            Ty::Values(Msg::ExpectWords),
            Builtin::Text(CANCEL_WORDS),
            [
                "이 상태의 주문은 취소로 봄 (쉼표로 구분)",
                "Statuses that mean the order was voided (comma-separated)",
            ],
            |s, g| {
                s.cancel_words = g.list().into_iter().map(|w| w.to_lowercase()).collect();
                Ok(())
            },
            |s, _| s.cancel_words.join(", "),
        ),
        Starter::Default,
    ),
    starter(
        def(
            "cancel_prefix",
            "반품접두어",
            TEXT,
            Builtin::Text(""),
            [
                "이 글자로 시작하는 주문번호는 반품으로 봄 (비우면 없음)",
                "Order ids starting with this are returns (blank = none; C for C536379-style credit invoices)",
            ],
            |s, g| {
                s.cancel_prefix = g.value.to_string();
                Ok(())
            },
            |s, _| s.cancel_prefix.clone(),
        ),
        Starter::Default,
    ),
    starter(
        def(
            "backups",
            "백업개수",
            Ty::Count { min: 0, max: 1000 },
            Builtin::Int(7),
            ["보관할 백업 개수", "Backups kept"],
            |s, g| {
                s.backups = g.count()?;
                Ok(())
            },
            |s, _| s.backups.to_string(),
        ),
        Starter::Default,
    ),
    def(
        "sheet.sales",
        "판매시트",
        Ty::Values(Msg::ExpectSheets),
        Builtin::Derived("(found by headers)"),
        [
            "판매 시트로 읽을 시트 이름 (쉼표로 구분)",
            "Sheets to read as sales (comma-separated)",
        ],
        |s, g| {
            pin(s, Role::Sales, g);
            Ok(())
        },
        |s, lang| show_pin(s, Role::Sales, lang),
    ),
    def(
        "sheet.quotes",
        "견적시트",
        Ty::Values(Msg::ExpectSheets),
        Builtin::Derived("(found by headers)"),
        ["견적 시트로 읽을 시트 이름", "Sheets to read as quotes"],
        |s, g| {
            pin(s, Role::Quotes, g);
            Ok(())
        },
        |s, lang| show_pin(s, Role::Quotes, lang),
    ),
    def(
        "sheet.customers",
        "고객시트",
        Ty::Values(Msg::ExpectSheets),
        Builtin::Derived("(found by headers)"),
        ["고객 시트로 읽을 시트 이름", "Sheets to read as customers"],
        |s, g| {
            pin(s, Role::Customers, g);
            Ok(())
        },
        |s, lang| show_pin(s, Role::Customers, lang),
    ),
    def(
        "sheet.pipeline",
        "파이프라인시트",
        Ty::Values(Msg::ExpectSheets),
        Builtin::Derived("(found by headers)"),
        [
            "파이프라인 시트로 읽을 시트 이름",
            "Sheets to read as the pipeline",
        ],
        |s, g| {
            pin(s, Role::Pipeline, g);
            Ok(())
        },
        |s, lang| show_pin(s, Role::Pipeline, lang),
    ),
    Def {
        set_in: SetIn::FileOrFlag,
        show: Show::Hidden,
        // Used by the reader before the settings are read (it says where they are).
        ..def(
            "sheet.settings",
            "설정시트",
            Ty::Values(Msg::ExpectSheets),
            Builtin::Derived("(found by headers)"),
            [
                "설정으로 읽을 시트 이름 (머리글과 상관없이)",
                "Sheets to read as settings, whatever their headers",
            ],
            |_, _| Ok(()),
            |_, _| String::new(),
        )
    },
    Def {
        set_in: SetIn::GradeTable,
        ..def(
            "vip.rules",
            "구매등급규칙",
            Ty::Values(Msg::ExpectGradeTable),
            Builtin::Derived("VIP, Gold, Standard, New, Prospect (SPEC §3)"),
            [
                "구매 등급 규칙: 위에서부터 처음 맞는 등급, 마지막은 true",
                "VIP grade rules: the first that matches wins, the last is true",
            ],
            grade_table,
            |s, lang| show_rules(&s.vip_rules, lang),
        )
    },
    Def {
        set_in: SetIn::GradeTable,
        ..def(
            "responder.rules",
            "응답등급규칙",
            Ty::Values(Msg::ExpectGradeTable),
            Builtin::Derived("Regular, Interested, Pending, Unresponsive, No quotes (SPEC §3)"),
            [
                "응답 등급 규칙: 위에서부터 처음 맞는 등급, 마지막은 true",
                "Responder grade rules: the first that matches wins, the last is true",
            ],
            grade_table,
            |s, lang| show_rules(&s.responder_rules, lang),
        )
    },
    starter(
        def(
            "rfm.method",
            "RFM방식",
            Ty::Values(Msg::ExpectRfmMethod),
            Builtin::Text("auto"),
            [
                "RFM 점수: auto(주문 고객 100명 이상이면 5분위, 아니면 아래 기준값), quintile, fixed",
                "RFM scoring: auto (quintiles from 100 customers who ordered, else the cut points below), quintile or fixed",
            ],
            |s, g| {
                s.rfm_method = g.one_of(&[
                    (&["auto"], RfmMethod::Auto),
                    (&["quintile", "quintiles"], RfmMethod::Quintile),
                    (&["fixed"], RfmMethod::Fixed),
                ])?;
                Ok(())
            },
            |s, _| {
                match s.rfm_method {
                    RfmMethod::Auto => "auto",
                    RfmMethod::Quintile => "quintile",
                    RfmMethod::Fixed => "fixed",
                }
                .into()
            },
        ),
        Starter::Default,
    ),
    starter(
        def(
            "rfm.recency_days",
            "RFM최근성",
            CUTS,
            Builtin::Text("30, 60, 90, 180"),
            [
                "fixed일 때 최근 구매일 기준(일, 4개)",
                "Fixed recency cut points in days (4)",
            ],
            |s, g| {
                s.rfm_recency_days = g.cut_points()?;
                Ok(())
            },
            |s, _| nums(&s.rfm_recency_days),
        ),
        Starter::Default,
    ),
    starter(
        def(
            "rfm.frequency",
            "RFM빈도",
            CUTS,
            Builtin::Text("2, 3, 4, 6"),
            [
                "fixed일 때 구매 횟수 기준(4개)",
                "Fixed frequency cut points in orders (4)",
            ],
            |s, g| {
                s.rfm_frequency = g.cut_points()?;
                Ok(())
            },
            |s, _| nums(&s.rfm_frequency),
        ),
        Starter::Default,
    ),
    starter(
        def(
            "rfm.monetary",
            "RFM금액",
            CUTS,
            Builtin::Money {
                won: "100000, 300000, 500000, 1000000",
                other: "100, 300, 500, 1000",
            },
            [
                "fixed일 때 구매 금액 기준(4개)",
                "Fixed monetary cut points (4)",
            ],
            |s, g| {
                s.rfm_monetary = g.cut_points()?;
                Ok(())
            },
            |s, _| nums(&s.rfm_monetary),
        ),
        Starter::Default,
    ),
    starter(
        def(
            "reminder.after_days",
            "리마인드기준일",
            Ty::Count { min: 0, max: 3650 },
            Builtin::Int(3),
            [
                "견적 발송 후 며칠 동안 응답이 없으면 리마인드",
                "Remind when a quote is unanswered this many days",
            ],
            |s, g| {
                s.reminder_after_days = g.count()?;
                Ok(())
            },
            |s, _| s.reminder_after_days.to_string(),
        ),
        Starter::Default,
    ),
    starter(
        def(
            "reminder.max",
            "리마인드최대횟수",
            Ty::Count { min: 0, max: 100 },
            Builtin::Int(2),
            ["견적당 최대 리마인드 횟수", "Most reminders per quote"],
            |s, g| {
                s.reminder_max = g.count()?;
                Ok(())
            },
            |s, _| s.reminder_max.to_string(),
        ),
        Starter::Default,
    ),
    starter(
        def(
            "reminder.gap_days",
            "리마인드간격",
            Ty::Count { min: 0, max: 3650 },
            Builtin::Int(3),
            ["리마인드 사이 최소 간격(일)", "Days between reminders"],
            |s, g| {
                s.reminder_gap_days = g.count()?;
                Ok(())
            },
            |s, _| s.reminder_gap_days.to_string(),
        ),
        Starter::Default,
    ),
    def(
        "reminder.max_age_days",
        "리마인드최대경과일",
        Ty::Count {
            min: 0,
            max: 36_500,
        },
        Builtin::Int(30),
        [
            "이보다 오래전에 보낸 견적은 리마인드하지 않음 (0 = 제한 없음)",
            "Quotes sent longer ago than this are not reminded (0 = no limit)",
        ],
        |s, g| {
            s.reminder_max_age_days = g.count()?;
            Ok(())
        },
        |s, _| s.reminder_max_age_days.to_string(),
    ),
    def(
        "winback.after_days",
        "재구매유도기준일",
        Ty::Count { min: 1, max: 3650 },
        Builtin::Int(90),
        [
            "일반 등급 이상 고객이 이 일수 넘게 주문이 없으면 '재구매 유도'",
            "A Standard-or-better customer with no order for longer than this gets \"win back\"",
        ],
        |s, g| {
            s.winback_after_days = g.count()?;
            Ok(())
        },
        |s, _| s.winback_after_days.to_string(),
    ),
    def(
        "flows.catch_up_days",
        "발송유예일",
        Ty::Count { min: 1, max: 365 },
        Builtin::Int(7),
        [
            "자동발송 메시지는 보낼 날부터 이 일수 안에만 보냄 (주말에 못 돌린 작업을 따라잡음); 그보다 오래된 것은 놓침으로 표시",
            "A flow message is sent up to this many days after its send day (a run missed over a weekend catches up); older ones are listed as missed",
        ],
        |s, g| {
            s.flows_catch_up_days = g.count()?;
            Ok(())
        },
        |s, _| s.flows_catch_up_days.to_string(),
    ),
    def(
        "cart.recovery_days",
        "장바구니회복기간",
        Ty::Count { min: 1, max: 365 },
        Builtin::Int(7),
        [
            "장바구니를 담은 뒤 이 일수 안에 주문하면 회복된 장바구니로 봄",
            "A cart is recovered when the customer ordered within this many days of starting it",
        ],
        |s, g| {
            s.cart_recovery_days = g.count()?;
            Ok(())
        },
        |s, _| s.cart_recovery_days.to_string(),
    ),
    starter(
        def(
            "funnel.stages",
            "퍼널단계",
            Ty::Values(Msg::ExpectStages),
            Builtin::Text(""),
            [
                "파이프라인 단계 순서 (쉼표로 구분)",
                "Pipeline stages in order (comma-separated)",
            ],
            |s, g| {
                s.funnel_stages = g.list();
                Ok(())
            },
            |s, lang| {
                if s.funnel_stages.is_empty() {
                    lang.pick("(처음 나온 순서)", "(order of first appearance)")
                        .into()
                } else {
                    s.funnel_stages.join(", ")
                }
            },
        ),
        Starter::Stages,
    ),
    starter(
        def(
            "funnel.mode",
            "퍼널방식",
            Ty::Values(Msg::ExpectFunnelMode),
            Builtin::Text("reach"),
            [
                "reach(뒷단계 도달 = 앞단계 통과) 또는 strict",
                "reach (a later stage implies the earlier ones) or strict",
            ],
            |s, g| {
                s.funnel_mode = g.one_of(&[
                    (&["reach"], FunnelMode::Reach),
                    (&["strict"], FunnelMode::Strict),
                ])?;
                Ok(())
            },
            |s, _| {
                if s.funnel_mode == FunnelMode::Reach {
                    "reach"
                } else {
                    "strict"
                }
                .into()
            },
        ),
        Starter::Default,
    ),
    starter(
        def(
            "funnel.unit",
            "퍼널단위",
            Ty::Values(Msg::ExpectFunnelUnit),
            Builtin::Text("quote"),
            [
                "견적 퍼널 단위: quote 또는 customer",
                "Quote funnel counts quotes or customers",
            ],
            |s, g| {
                s.funnel_unit = g.one_of(&[
                    (&["quote", "quotes"], FunnelUnit::Quote),
                    (&["customer", "customers"], FunnelUnit::Customer),
                ])?;
                Ok(())
            },
            |s, _| {
                if s.funnel_unit == FunnelUnit::Quote {
                    "quote"
                } else {
                    "customer"
                }
                .into()
            },
        ),
        Starter::Default,
    ),
    starter(
        def(
            "report.top_n",
            "보고서상위고객수",
            Ty::Count { min: 1, max: 100 },
            Builtin::Int(10),
            [
                "주간 보고서의 상위 고객 수",
                "Top customers shown in the weekly report",
            ],
            |s, g| {
                s.report_top_n = g.count()?;
                Ok(())
            },
            |s, _| s.report_top_n.to_string(),
        ),
        Starter::Default,
    ),
    def(
        "clv.discount",
        "고객가치할인율",
        Ty::Values(Msg::ExpectMonthlyRate),
        Builtin::Text("1%"),
        [
            "12개월 고객가치의 월 할인율 (1% = 0.01)",
            "Monthly discount rate of the 12-month customer value (1% = 0.01)",
        ],
        |s, g| {
            s.clv_discount = monthly_rate(g.value).ok_or_else(|| g.bad())?;
            Ok(())
        },
        |s, _| format!("{}%", (s.clv_discount * Decimal::from(100)).normalize()),
    ),
    def(
        "clv.min_repeaters",
        "고객가치최소재구매고객",
        Ty::Count {
            min: 1,
            max: 1_000_000,
        },
        Builtin::Int(30),
        [
            "재구매 고객이 이보다 적으면 고객가치 모형을 맞추지 않음",
            "Fewer repeat customers than this and the value models are not fitted",
        ],
        |s, g| {
            s.clv_min_repeaters = g.count()?;
            Ok(())
        },
        |s, _| s.clv_min_repeaters.to_string(),
    ),
    def(
        "notify.mask",
        "알림이름가림",
        Ty::Values(Msg::ExpectBool),
        Builtin::Text("true"),
        [
            "채팅 알림에서 고객 이름 가리기 (김*수)",
            "Mask customer names in chat messages (김*수)",
        ],
        |s, g| {
            s.notify.mask = g.one_of(YES_NO)?;
            Ok(())
        },
        |s, _| s.notify.mask.to_string(),
    ),
    def(
        "notify.link",
        "알림링크",
        URL,
        Builtin::Text(""),
        [
            "카카오 메시지와 웹훅에 함께 보내는 링크",
            "A link sent with Kakao messages and the webhook payload",
        ],
        |s, g| {
            s.notify.link = g.url()?;
            Ok(())
        },
        |s, _| s.notify.link.clone(),
    ),
    def(
        "notify.timeout_seconds",
        "알림제한시간",
        Ty::Number { lo: 1, hi: 600 },
        Builtin::Int(10),
        [
            "요청 제한 시간(초, 연결부터 마지막 바이트까지)",
            "Request timeout in seconds (connect to last byte)",
        ],
        |s, g| {
            s.notify.timeout_seconds = g.number()?;
            Ok(())
        },
        |s, _| s.notify.timeout_seconds.to_string(),
    ),
    def(
        "notify.attempts",
        "알림시도횟수",
        Ty::Number { lo: 1, hi: 10 },
        Builtin::Int(3),
        [
            "429 응답이나 연결 실패 때 메시지당 시도 횟수",
            "Attempts per message for 429s and failed connections",
        ],
        |s, g| {
            s.notify.attempts = g.number()?;
            Ok(())
        },
        |s, _| s.notify.attempts.to_string(),
    ),
    def(
        "notify.max_retry_after",
        "알림최대대기",
        Ty::Number { lo: 0, hi: 3600 },
        Builtin::Int(60),
        [
            "따르는 가장 긴 Retry-After(초); 더 길면 시도를 멈춤",
            "The longest Retry-After honoured, in seconds; a longer one ends the attempts",
        ],
        |s, g| {
            s.notify.max_retry_after = g.number()?;
            Ok(())
        },
        |s, _| s.notify.max_retry_after.to_string(),
    ),
    def(
        "notify.kakao.api_url",
        "카카오API주소",
        URL,
        Builtin::Text("https://kapi.kakao.com"),
        ["카카오 API 주소", "The Kakao API address"],
        |s, g| {
            s.notify.kakao_api_url = g.url()?;
            Ok(())
        },
        |s, _| s.notify.kakao_api_url.clone(),
    ),
    def(
        "notify.kakao.auth_url",
        "카카오인증주소",
        URL,
        Builtin::Text("https://kauth.kakao.com"),
        ["카카오 인증 주소", "The Kakao sign-in address"],
        |s, g| {
            s.notify.kakao_auth_url = g.url()?;
            Ok(())
        },
        |s, _| s.notify.kakao_auth_url.clone(),
    ),
    def(
        "notify.alimtalk.provider",
        "알림톡업체",
        Ty::Values(Msg::ExpectProvider),
        Builtin::Text("solapi"),
        [
            "알림톡을 보내 주는 업체: solapi 또는 nhn",
            "The 알림톡 provider: solapi or nhn",
        ],
        |s, g| {
            s.notify.alimtalk_provider = g.one_of(&[
                (&["solapi"], Provider::Solapi),
                (&["nhn", "nhncloud", "nhn cloud", "toast"], Provider::Nhn),
            ])?;
            Ok(())
        },
        |s, _| {
            match s.notify.alimtalk_provider {
                Provider::Solapi => "solapi",
                Provider::Nhn => "nhn",
            }
            .into()
        },
    ),
    def(
        "notify.alimtalk.url",
        "알림톡주소",
        URL,
        Builtin::Text(""),
        [
            "알림톡 업체 주소 (비우면 업체 기본값)",
            "The provider's address (blank = its own)",
        ],
        |s, g| {
            s.notify.alimtalk_url = g.url()?;
            Ok(())
        },
        |s, _| s.notify.alimtalk_url.clone(),
    ),
    def(
        "notify.alimtalk.pf_id",
        "알림톡채널ID",
        TEXT,
        Builtin::Text(""),
        ["Solapi: 채널의 pfId", "Solapi: the channel's pfId"],
        |s, g| {
            s.notify.alimtalk_pf_id = g.value.to_string();
            Ok(())
        },
        |s, _| s.notify.alimtalk_pf_id.clone(),
    ),
    def(
        "notify.alimtalk.from",
        "알림톡발신번호",
        Ty::Values(Msg::ExpectPhone),
        Builtin::Text(""),
        [
            "Solapi: 등록된 발신 번호",
            "Solapi: the registered sender number",
        ],
        |s, g| {
            s.notify.alimtalk_from = digits(g.value);
            Ok(())
        },
        |s, _| s.notify.alimtalk_from.clone(),
    ),
    def(
        "notify.alimtalk.to",
        "알림톡수신번호",
        Ty::Values(Msg::ExpectPhone),
        Builtin::Text(""),
        [
            "알림톡을 받을 사장님 전화번호",
            "The owner's phone that receives the 알림톡",
        ],
        |s, g| {
            s.notify.alimtalk_to = digits(g.value);
            Ok(())
        },
        |s, _| s.notify.alimtalk_to.clone(),
    ),
    def(
        "notify.notion.url",
        "노션주소",
        URL,
        Builtin::Text("https://api.notion.com"),
        ["Notion API 주소", "The Notion API address"],
        |s, g| {
            s.notify.notion_url = g.url()?;
            Ok(())
        },
        |s, _| s.notify.notion_url.clone(),
    ),
    def(
        "notify.notion.version",
        "노션버전",
        Ty::Values(Msg::ExpectNotionVersion),
        Builtin::Text("2022-06-28"),
        [
            "연동이 쓰는 Notion API 버전",
            "The Notion API version the integration uses",
        ],
        |s, g| {
            s.notify.notion_version = match g.value {
                "2022-06-28" => NotionVersion::V20220628,
                "2025-09-03" => NotionVersion::V20250903,
                _ => return Err(g.bad()),
            };
            Ok(())
        },
        |s, _| s.notify.notion_version.header().into(),
    ),
    def(
        "notify.notion.parent",
        "노션데이터베이스",
        TEXT,
        Builtin::Text(""),
        [
            "페이지를 추가할 데이터베이스(또는 데이터 소스) ID",
            "The database (or data source) id pages are added to",
        ],
        |s, g| {
            s.notify.notion_parent = g.value.to_string();
            Ok(())
        },
        |s, _| s.notify.notion_parent.clone(),
    ),
    def(
        "notify.notion.title",
        "노션제목속성",
        TEXT,
        Builtin::Text("Name"),
        [
            "데이터베이스의 제목 속성 이름 (Name, 이름)",
            "The database's title property (Name, 이름)",
        ],
        |s, g| {
            s.notify.notion_title = g.value.to_string();
            Ok(())
        },
        |s, _| s.notify.notion_title.clone(),
    ),
    def(
        "notify.webhook.url",
        "웹훅주소",
        URL,
        Builtin::Text(""),
        [
            "웹훅 주소 (비밀 주소는 환경 변수로)",
            "The webhook address (secret ones via the environment)",
        ],
        |s, g| {
            s.notify.webhook_url = g.url()?;
            Ok(())
        },
        |s, _| s.notify.webhook_url.clone(),
    ),
    def(
        "notify.email.to",
        "알림메일받는사람",
        TEXT,
        Builtin::Text(""),
        ["알림 메일을 받을 주소", "Where notification e-mails go"],
        |s, g| {
            s.notify.email_to = g.value.to_string();
            Ok(())
        },
        |s, _| s.notify.email_to.clone(),
    ),
    def(
        "notify.email.from",
        "알림메일보내는사람",
        TEXT,
        Builtin::Text(""),
        [
            "알림 메일의 보내는 사람",
            "The sender of notification e-mails",
        ],
        |s, g| {
            s.notify.email_from = g.value.to_string();
            Ok(())
        },
        |s, _| s.notify.email_from.clone(),
    ),
    def(
        "notify.smtp.host",
        "SMTP서버",
        TEXT,
        Builtin::Text(""),
        ["메일 서버 (SMTP)", "The mail (SMTP) server"],
        |s, g| {
            s.notify.smtp_host = g.value.to_string();
            Ok(())
        },
        |s, _| s.notify.smtp_host.clone(),
    ),
    def(
        "notify.smtp.port",
        "SMTP포트",
        Ty::Number { lo: 1, hi: 65535 },
        Builtin::Int(587),
        ["메일 서버 포트", "The mail server's port"],
        |s, g| {
            // `number` checked 1..=65535.
            s.notify.smtp_port = u16::try_from(g.number()?).map_err(|_| g.bad())?;
            Ok(())
        },
        |s, _| s.notify.smtp_port.to_string(),
    ),
    def(
        "notify.smtp.tls",
        "SMTP보안",
        Ty::Values(Msg::ExpectTls),
        Builtin::Text("starttls"),
        [
            "메일 서버 연결 보호: starttls(587), tls(465), none(이 컴퓨터의 릴레이만)",
            "How the connection is protected: starttls (587), tls (465), none (a relay on this machine only)",
        ],
        |s, g| {
            s.notify.smtp_tls = g.one_of(&[
                (&["tls", "ssl"], SmtpTls::Tls),
                (&["starttls"], SmtpTls::Starttls),
                (&["none", "off"], SmtpTls::None),
            ])?;
            Ok(())
        },
        |s, _| {
            match s.notify.smtp_tls {
                SmtpTls::Tls => "tls",
                SmtpTls::Starttls => "starttls",
                SmtpTls::None => "none",
            }
            .into()
        },
    ),
    Def {
        key: "notify.alimtalk.template.",
        ko: "알림톡템플릿.",
        aliases: &[],
        kind: KeyKind::Prefix,
        ty: Ty::Values(Msg::ExpectTemplateCode),
        default: Builtin::Derived(""),
        about_ko: "메시지 종류별 승인된 알림톡 템플릿 코드 (notify.alimtalk.template.weekly)",
        about_en: "The approved 알림톡 template code per message kind (notify.alimtalk.template.weekly)",
        set_in: SetIn::Anywhere,
        starter: Starter::No,
        apply: |s, g| {
            let kind = g
                .key
                .strip_prefix("notify.alimtalk.template.")
                .unwrap_or("");
            if crate::notify::Kind::parse(kind).is_none() {
                return Err(g.error(crate::text!(
                    SettingMessageKind,
                    key = g.key,
                    kind = format!("{kind:?}"),
                    kinds = crate::notify::Kind::NAMES.join(", ")
                )));
            }
            s.notify
                .alimtalk_templates
                .insert(kind.to_string(), g.value.to_string());
            Ok(())
        },
        show: Show::Many(|s| {
            s.notify
                .alimtalk_templates
                .iter()
                .map(|(k, v)| (format!("notify.alimtalk.template.{k}"), v.clone()))
                .collect()
        }),
    },
    def(
        "pricing.stack",
        "할인중복적용",
        Ty::Values(Msg::ExpectBool),
        Builtin::Text("false"),
        [
            "그룹 가격 위에 프로모션 할인을 더 적용",
            "A promotion's discount applies on top of a group price",
        ],
        |s, g| {
            s.pricing_stack = match values::parse_flag(g.value) {
                Ok(f) => f.is_yes(),
                Err(()) => return Err(g.bad()),
            };
            Ok(())
        },
        |s, _| s.pricing_stack.to_string(),
    ),
    def(
        "stock.velocity_days",
        "판매속도기간",
        Ty::Count { min: 1, max: 3650 },
        Builtin::Int(30),
        [
            "판매 속도를 계산하는 기준일 이전 일수",
            "Days before the as-of date whose sales give the velocity",
        ],
        |s, g| {
            s.stock.velocity_days = g.count()?;
            Ok(())
        },
        |s, _| s.stock.velocity_days.to_string(),
    ),
    def(
        "stock.low_threshold",
        "재고부족기준",
        Ty::Values(Msg::ExpectUnits),
        Builtin::Text("2"),
        [
            "상품에 안전재고가 없을 때 이 수량 이하면 재고 부족",
            "Low stock at or below this when a product sets no safety stock",
        ],
        |s, g| {
            s.stock.low_threshold = values::parse_money(g.value)
                .ok()
                .map(|(d, _)| d)
                .filter(|d| *d >= Decimal::ZERO)
                .ok_or_else(|| g.bad())?;
            Ok(())
        },
        |s, _| s.stock.low_threshold.normalize().to_string(),
    ),
    def(
        "stock.dead_days",
        "악성재고기준일",
        Ty::Count {
            min: 1,
            max: 36_500,
        },
        Builtin::Int(90),
        [
            "이 일수 동안 판매가 없으면 악성 재고",
            "No sale in this many days is dead stock",
        ],
        |s, g| {
            s.stock.dead_days = g.count()?;
            Ok(())
        },
        |s, _| s.stock.dead_days.to_string(),
    ),
    def(
        "stock.lead_time_days",
        "입고소요일",
        Ty::Count { min: 0, max: 3650 },
        Builtin::Int(7),
        [
            "상품에 입고 소요일이 없을 때 쓰는 일수",
            "Lead time in days when a product sets none",
        ],
        |s, g| {
            s.stock.lead_time_days = g.count()?;
            Ok(())
        },
        |s, _| s.stock.lead_time_days.to_string(),
    ),
];

const CUTS: Ty = Ty::Values(Msg::ExpectCuts);

/// `docs/settings.md`'s table of every setting, as the table above gives it.
pub fn docs_table() -> String {
    let mut out = String::from(
        "| Key | 한국어 키 | Accepts | Default | Where | Description | 설명 |\n\
         |---|---|---|---|---|---|---|\n",
    );
    let cell = |s: &str| s.replace('|', "\\|");
    for d in DEFS {
        let key = match d.kind {
            KeyKind::Exact => format!("`{}`", d.key),
            KeyKind::Prefix => format!("`{}<kind>`", d.key),
        };
        let default = match d.default {
            Builtin::Int(n) => n.to_string(),
            Builtin::Money { won, other } => format!("{won} (won); {other} (other currencies)"),
            Builtin::Text("") => "(blank)".into(),
            Builtin::Text(t) | Builtin::Derived(t) => t.to_string(),
        };
        out.push_str(&format!(
            "| {key} | {} | {} | {} | {} | {} | {} |\n",
            cell(d.ko),
            cell(&d.expected()),
            cell(&default),
            cell(d.set_in.words(Lang::En)),
            cell(d.about_en),
            cell(d.about_ko),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn given<'a>(d: &'static Def, key: &'a str, value: &'a str, o: &'a Origin) -> Given<'a> {
        Given {
            key,
            value,
            origin: o,
            def: d,
        }
    }

    #[test]
    fn every_key_has_both_languages_and_a_description() {
        for d in DEFS {
            assert!(!d.key.is_empty() && d.key.is_ascii(), "{}", d.key);
            assert_eq!(d.key, d.key.to_ascii_lowercase(), "{}", d.key);
            assert!(
                d.ko.chars().any(|c| ('가'..='힣').contains(&c)),
                "{}: no Korean key",
                d.key
            );
            assert!(!d.about_en.trim().is_empty(), "{}: no English text", d.key);
            assert!(
                d.about_ko.chars().any(|c| ('가'..='힣').contains(&c)),
                "{}: no Korean text",
                d.key
            );
            assert!(!d.expected().is_empty(), "{}", d.key);
        }
    }

    #[test]
    fn keys_and_korean_keys_are_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for d in DEFS {
            assert!(seen.insert(d.key.to_string()), "{} twice", d.key);
            for k in std::iter::once(d.ko).chain(d.aliases.iter().copied()) {
                assert!(seen.insert(values::header_key(k)), "{k} twice");
                assert_eq!(korean(k), Some(d.key), "{k}");
            }
        }
        // Each key finds its own definition (no prefix entry swallows an exact key).
        for d in DEFS.iter().filter(|d| d.kind == KeyKind::Exact) {
            assert_eq!(find(d.key).map(|f| f.key), Some(d.key));
        }
    }

    /// The default the docs and the starter sheet state is the one `Settings::defaults` holds.
    #[test]
    fn stated_defaults_are_the_built_in_ones() {
        let base = Settings::defaults();
        let o = Origin::Default;
        for d in DEFS {
            let text = match d.default {
                Builtin::Derived(_) => continue,
                Builtin::Int(n) => n.to_string(),
                other => other.text(Currency::Krw).to_string(),
            };
            let mut s = Settings::defaults();
            (d.apply)(&mut s, &given(d, d.key, &text, &o))
                .unwrap_or_else(|e| panic!("{}: {e}", d.key));
            assert_eq!(s, base, "{} = {text:?} is not the built-in value", d.key);
        }
        // And in a two-decimal currency, the money defaults.
        let mut s = Settings::defaults();
        s.use_money_defaults_for(Currency::Gbp);
        let d = find("rfm.monetary").unwrap();
        assert_eq!((d.show_one())(&s, Lang::En), d.default.text(Currency::Gbp));
    }

    /// A value no setting accepts is refused with the definition's "expected" text, so the
    /// docs say what the messages say.
    #[test]
    fn bad_values_are_refused_with_the_stated_expectation() {
        let o = Origin::Flag("--set".into());
        for d in DEFS.iter().filter(|d| d.kind == KeyKind::Exact) {
            let mut s = Settings::defaults();
            let Err(e) = (d.apply)(&mut s, &given(d, d.key, "zz?", &o)) else {
                continue;
            };
            if d.set_in == SetIn::GradeTable {
                continue;
            }
            assert_eq!(
                e.message,
                format!("{}: found \"zz?\", expected {}", d.key, d.expected()),
                "{}",
                d.key
            );
        }
        // Counts refuse just outside their range and take its ends.
        for d in DEFS {
            let Ty::Count { min, max } = d.ty else {
                continue;
            };
            let mut s = Settings::defaults();
            for ok in [min, max] {
                let v = ok.to_string();
                assert!(
                    (d.apply)(&mut s, &given(d, d.key, &v, &o)).is_ok(),
                    "{}",
                    d.key
                );
            }
            let over = (u64::from(max) + 1).to_string();
            assert!((d.apply)(&mut s, &given(d, d.key, &over, &o)).is_err());
        }
    }

    #[test]
    fn docs_settings_md_holds_the_table() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/settings.md");
        let doc = std::fs::read_to_string(path).unwrap_or_default();
        let table = docs_table();
        let begin = "<!-- settings-table:begin -->\n";
        let end = "<!-- settings-table:end -->";
        let inside = doc
            .split_once(begin)
            .and_then(|(_, rest)| rest.split_once(end))
            .map(|(t, _)| t);
        if inside != Some(table.as_str()) && std::env::var_os("DANGOL_UPDATE_DOCS").is_some() {
            let (head, tail) = match doc.split_once(begin) {
                Some((h, rest)) => (
                    h.to_string(),
                    rest.split_once(end).map_or("", |(_, t)| t).to_string(),
                ),
                None => (doc.clone(), "\n".to_string()),
            };
            std::fs::write(path, format!("{head}{begin}{table}{end}{tail}")).unwrap();
            return;
        }
        assert_eq!(
            inside,
            Some(table.as_str()),
            "docs/settings.md is out of date: run DANGOL_UPDATE_DOCS=1 cargo test --lib docs_settings_md"
        );
    }

    impl Def {
        /// The one-line show function of a single-valued setting.
        fn show_one(&self) -> fn(&Settings, Lang) -> String {
            match self.show {
                Show::One(f) => f,
                _ => |_, _| String::new(),
            }
        }
    }
}
