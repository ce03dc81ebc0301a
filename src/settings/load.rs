//! Merging settings from their sources — built-in defaults, the workbook's `Settings` and
//! `Grades` sheets, `dangol.toml`, command-line flags (later wins) — into one checked
//! [`Settings`], before any data is read.

use std::path::{Path, PathBuf};

use super::defs::{self, KeyKind};
use super::{GradeKind, GradeName, GradeRule, Origin, Settings};
use crate::i18n::Text;
use crate::model::Lang;
use crate::model::values;
use crate::rules::Rule;

/// A settings problem, naming where the bad value came from (`설정!B4`, `dangol.toml:12`).
/// Settings are checked before the data is read, so the message is kept as a catalogue
/// [`Text`] and written in the workbook's language when it is shown.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render(crate::i18n::current().unwrap_or(Lang::En)))]
pub struct SettingsError {
    pub origin: String,
    pub message: Text,
    /// Further problems found in the same pass, each shown on its own `settings:` line.
    pub more: Vec<SettingsError>,
}

impl SettingsError {
    /// A problem at `origin`.
    pub fn new(origin: impl std::fmt::Display, message: Text) -> SettingsError {
        SettingsError {
            origin: origin.to_string(),
            message,
            more: Vec::new(),
        }
    }

    /// `origin: message`, then `settings: origin: message` for each further problem.
    pub fn render(&self, lang: Lang) -> String {
        let mut out = format!("{}: {}", self.origin, self.message.render(lang));
        for e in &self.more {
            out.push('\n');
            out.push_str(&crate::msg!(
                lang,
                SettingsLine,
                origin = e.origin,
                message = e.message.render(lang)
            ));
        }
        out
    }
}

/// One raw `key = value` from a sheet, file or flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawSetting {
    pub key: String,
    pub value: String,
    pub origin: Origin,
}

/// One raw grade-rule row from the Grades sheet or TOML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawGrade {
    pub kind: String,
    pub grade: String,
    pub rule: String,
    pub origin: Origin,
}

/// Everything settings are built from.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub sheet: Vec<RawSetting>,
    /// The key cell of each row of `sheet` (same order): an unknown key points there, a bad
    /// value at the value's cell.
    pub sheet_key_cells: Vec<Origin>,
    pub grades_sheet: Vec<RawGrade>,
    /// `dangol.toml` path and text.
    pub toml: Option<(PathBuf, String)>,
    pub flags: Vec<RawSetting>,
}

impl Sources {
    /// The sources that are not the workbook, read before it: `dangol.toml` (`--config FILE`,
    /// else the one beside the workbook when present) and the flags. The Settings and Grades
    /// sheets' cells are added as the reader meets them; [`resolve`] then merges all.
    pub fn outside(
        workbook: &Path,
        config: Option<&Path>,
        flags: &[RawSetting],
    ) -> Result<Sources, Text> {
        let config = config.map(Path::to_path_buf).or_else(|| {
            let beside = workbook
                .parent()
                .map_or_else(|| PathBuf::from("dangol.toml"), |d| d.join("dangol.toml"));
            beside.is_file().then_some(beside)
        });
        let toml = match config {
            Some(cfg) => {
                let text = std::fs::read_to_string(&cfg).map_err(|e| {
                    crate::text!(SettingsFileUnreadable, path = cfg.display())
                        .text("error", crate::i18n::io_error(&e))
                })?;
                Some((cfg, text))
            }
            None => None,
        };
        Ok(Sources {
            toml,
            flags: flags.to_vec(),
            ..Sources::default()
        })
    }

    /// The sheets `sheet.settings` names in the flags and `dangol.toml`: they say where the
    /// settings are, so they are known before any sheet is read.
    pub fn settings_sheets(&self) -> Vec<String> {
        let mut raws: Vec<RawSetting> = self.flags.clone();
        if let Some((p, text)) = &self.toml
            && let Ok((from_toml, _)) = parse_toml(p, text)
        {
            raws.extend(from_toml);
        }
        raws.iter()
            .filter(|r| r.key.trim() == "sheet.settings")
            .flat_map(|r| r.value.split(',').map(|v| v.trim().to_string()))
            .filter(|v| !v.is_empty())
            .collect()
    }
}

fn err(origin: &Origin, message: Text) -> SettingsError {
    SettingsError::new(origin, message)
}

fn closest_key(key: &str) -> Option<&'static str> {
    defs::DEFS
        .iter()
        .filter(|d| d.kind == KeyKind::Exact)
        .map(|d| (crate::ingest::headers::distance(key, d.key), d.key))
        .filter(|(d, _)| *d <= 3)
        .min()
        .map(|(_, k)| k)
}

/// Whether a key (English, Korean or any case) is a setting dangol knows.
pub fn is_known_key(key: &str) -> bool {
    defs::find(&canonical_key(key)).is_some()
}

/// An unknown key, with the closest known one: `unknown setting 'lookback'; did you mean
/// 'lookback_days'?`.
pub fn unknown_key_message(key: &str) -> Text {
    let canonical = canonical_key(key);
    let hint = closest_key(&canonical).or_else(|| {
        defs::DEFS
            .iter()
            .filter(|d| d.kind == KeyKind::Exact && !d.key.starts_with("notify."))
            .map(|d| d.key)
            .find(|k| k.starts_with(canonical.as_str()) && !canonical.is_empty())
    });
    match hint {
        Some(hint) => crate::text!(SettingUnknownHint, key = key.trim(), hint = hint),
        None => crate::text!(SettingUnknown, key = key.trim()),
    }
}

/// The English key of a key as written: a Korean key (`분석기간`) or any case and dashes.
pub fn canonical_key(key: &str) -> String {
    let k = key.trim();
    if let Some(en) = defs::korean(k) {
        return en.to_string();
    }
    k.to_ascii_lowercase().replace('-', "_")
}

/// Apply one `key = value` to the settings, through its definition in [`defs::DEFS`].
pub fn apply(s: &mut Settings, raw: &RawSetting) -> Result<(), SettingsError> {
    let key = canonical_key(&raw.key);
    let value = raw.value.trim();
    crate::notify::secrets::refuse_secret(&key, value, &raw.origin)?;
    let def = defs::find(&key).ok_or_else(|| err(&raw.origin, unknown_key_message(&raw.key)))?;
    let given = defs::Given {
        key: &key,
        value,
        origin: &raw.origin,
        def,
    };
    (def.apply)(s, &given)?;
    s.origins.insert(key, raw.origin.clone());
    Ok(())
}

/// `vip`, `VIP등급`, `responder`, `응답등급` … → the grade kind.
pub fn grade_kind(text: &str) -> Option<GradeKind> {
    let k = values::header_key(text);
    if k.starts_with("vip") || k == "고객등급" || k == "구매등급" || k == "등급" {
        Some(GradeKind::Vip)
    } else if k.starts_with("respon") || k.starts_with("응답") || k == "반응" || k == "반응등급"
    {
        Some(GradeKind::Responder)
    } else {
        None
    }
}

/// Replace a kind's rules with the given rows, checking each rule and the final `true`.
fn set_rules(s: &mut Settings, kind: GradeKind, rows: &[RawGrade]) -> Result<(), SettingsError> {
    let mut rules = Vec::new();
    for r in rows {
        let rule = Rule::parse(&r.rule).map_err(|e| {
            err(
                &r.origin,
                crate::text!(
                    SettingRule,
                    rule = format!("{:?}", crate::rules::excerpt(&r.rule))
                )
                .text("error", e.message),
            )
        })?;
        let name = r.grade.trim().to_string();
        if name.is_empty() {
            return Err(err(&r.origin, crate::text!(SettingNoGradeName)));
        }
        // Built-in grade names keep both languages so JSON stays English.
        let builtin = Settings::default_grade_rules(kind)
            .into_iter()
            .map(|r| r.grade)
            .find(|g| g.en == name || g.ko == name);
        rules.push(GradeRule {
            grade: builtin.unwrap_or(GradeName {
                en: name.clone(),
                ko: name,
            }),
            rule,
            origin: r.origin.clone(),
        });
    }
    check_rules(kind, &rules, rows.last().map(|r| &r.origin))?;
    let key = match kind {
        GradeKind::Vip => "vip.rules",
        GradeKind::Responder => "responder.rules",
    };
    if let Some(first) = rows.first() {
        s.origins.insert(key.to_string(), first.origin.clone());
    }
    match kind {
        GradeKind::Vip => s.vip_rules = rules,
        GradeKind::Responder => s.responder_rules = rules,
    }
    Ok(())
}

fn check_rules(
    kind: GradeKind,
    rules: &[GradeRule],
    last: Option<&Origin>,
) -> Result<(), SettingsError> {
    let name = match kind {
        GradeKind::Vip => "vip",
        GradeKind::Responder => "responder",
    };
    match rules.last() {
        Some(r) if r.rule.is_true() => Ok(()),
        Some(r) => Err(err(
            last.unwrap_or(&r.origin),
            crate::text!(
                SettingLastNotTrue,
                kind = name,
                found = format!("{:?}", r.rule.source())
            ),
        )),
        None => Err(err(
            &Origin::Default,
            crate::text!(SettingNoRules, kind = name),
        )),
    }
}

/// Flatten a TOML document into raw settings and grade rows, with `dangol.toml:LINE` origins.
pub fn parse_toml(
    path: &Path,
    text: &str,
) -> Result<(Vec<RawSetting>, Vec<RawGrade>), SettingsError> {
    use toml::de::{DeTable, DeValue};
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("dangol.toml")
        .to_string();
    let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
    let origin = |offset: usize| Origin::Toml(format!("{name}:{}", line_of(offset)));
    let doc = DeTable::parse(text).map_err(|e| {
        let at = e.span().map_or(0, |s| s.start);
        err(
            &origin(at),
            crate::text!(SettingTomlInvalid, detail = e.message()),
        )
    })?;
    let mut settings = Vec::new();
    let mut grades = Vec::new();

    fn scalar(v: &DeValue<'_>) -> Option<String> {
        match v {
            DeValue::String(s) => Some(s.to_string()),
            DeValue::Integer(i) => Some(i.as_str().replace('_', "")),
            DeValue::Float(f) => Some(f.as_str().to_string()),
            DeValue::Boolean(b) => Some(b.to_string()),
            DeValue::Datetime(d) => Some(d.to_string()),
            DeValue::Array(a) => {
                let parts: Option<Vec<String>> = a.iter().map(|x| scalar(x.get_ref())).collect();
                parts.map(|p| p.join(", "))
            }
            DeValue::Table(_) => None,
        }
    }

    fn walk(
        prefix: &str,
        table: &DeTable<'_>,
        origin: &dyn Fn(usize) -> Origin,
        settings: &mut Vec<RawSetting>,
        grades: &mut Vec<RawGrade>,
    ) -> Result<(), SettingsError> {
        for (k, v) in table {
            let key = if prefix.is_empty() {
                k.get_ref().to_string()
            } else {
                format!("{prefix}.{}", k.get_ref())
            };
            let at = origin(k.span().start);
            if key == "vip.rules" || key == "responder.rules" {
                let DeValue::Array(items) = v.get_ref() else {
                    return Err(err(&at, crate::text!(SettingTomlRules, key = key)));
                };
                let kind = key.trim_end_matches(".rules").to_string();
                for item in items {
                    let o = origin(item.span().start);
                    let DeValue::Table(t) = item.get_ref() else {
                        return Err(err(&o, crate::text!(SettingTomlRule, key = key)));
                    };
                    let field = |name: &str| {
                        t.iter()
                            .find(|(k, _)| k.get_ref() == name)
                            .and_then(|(_, v)| scalar(v.get_ref()))
                    };
                    let (Some(grade), Some(rule)) = (field("grade"), field("rule")) else {
                        return Err(err(&o, crate::text!(SettingTomlFields, key = key)));
                    };
                    grades.push(RawGrade {
                        kind: kind.clone(),
                        grade,
                        rule,
                        origin: o,
                    });
                }
                continue;
            }
            match v.get_ref() {
                DeValue::Table(t) => walk(&key, t, origin, settings, grades)?,
                other => {
                    let value = scalar(other)
                        .ok_or_else(|| err(&at, crate::text!(SettingTomlValue, key = key)))?;
                    settings.push(RawSetting {
                        key,
                        value,
                        origin: origin(v.span().start),
                    });
                }
            }
        }
        Ok(())
    }
    walk("", doc.get_ref(), &origin, &mut settings, &mut grades)?;
    Ok((settings, grades))
}

/// Problems of the Settings sheet's keys: unknown keys (at the key's cell) and keys set twice
/// (naming both cells).
fn sheet_key_problems(src: &Sources) -> Vec<SettingsError> {
    let mut out = Vec::new();
    let mut seen: Vec<(String, &Origin)> = Vec::new();
    for (i, raw) in src.sheet.iter().enumerate() {
        let key_cell = src.sheet_key_cells.get(i).unwrap_or(&raw.origin);
        if !is_known_key(&raw.key) {
            out.push(err(key_cell, unknown_key_message(&raw.key)));
            continue;
        }
        let key = canonical_key(&raw.key);
        if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key) {
            out.push(err(
                key_cell,
                crate::text!(SettingTwice, key = key, first = first, second = key_cell),
            ));
        } else {
            seen.push((key, key_cell));
        }
    }
    out
}

/// Several problems as one error: the first, then each other on its own line.
fn combine(mut errors: Vec<SettingsError>) -> Result<(), SettingsError> {
    if errors.is_empty() {
        return Ok(());
    }
    let mut first = errors.remove(0);
    for mut e in errors {
        let more = std::mem::take(&mut e.more);
        first.more.push(e);
        first.more.extend(more);
    }
    Err(first)
}

/// Build the effective settings from all sources. Every problem is reported, not only the
/// first.
pub fn resolve(src: &Sources) -> Result<Settings, SettingsError> {
    let mut s = Settings::defaults();
    let mut errors = sheet_key_problems(src);
    let sheet: Vec<RawSetting> = src
        .sheet
        .iter()
        .filter(|r| is_known_key(&r.key))
        .cloned()
        .collect();
    let mut layers: Vec<(Vec<RawSetting>, Vec<RawGrade>)> = vec![(sheet, src.grades_sheet.clone())];
    if let Some((path, text)) = &src.toml {
        match parse_toml(path, text) {
            Ok(layer) => layers.push(layer),
            Err(e) => errors.push(e),
        }
    }
    layers.push((src.flags.clone(), Vec::new()));
    for (raws, grades) in &layers {
        for r in raws {
            if let Err(e) = apply(&mut s, r) {
                errors.push(e);
            }
        }
        for kind in [GradeKind::Vip, GradeKind::Responder] {
            let mut rows = Vec::new();
            for g in grades {
                match grade_kind(&g.kind) {
                    Some(k) if k == kind => rows.push(g.clone()),
                    Some(_) => {}
                    None if kind == GradeKind::Vip => errors.push(err(
                        &g.origin,
                        crate::text!(SettingGradeKind, found = format!("{:?}", g.kind)),
                    )),
                    None => {}
                }
            }
            if !rows.is_empty()
                && let Err(e) = set_rules(&mut s, kind, &rows)
            {
                errors.push(e);
            }
        }
    }
    combine(errors)?;
    Ok(s)
}

/// Every effective setting as (key, value text, origin), for `dangol config`, in the order of
/// [`defs::DEFS`]; values and the default origin in `lang`.
pub fn describe(s: &Settings, lang: Lang) -> Vec<(String, String, String)> {
    let origin = |k: &str| {
        s.origins.get(k).map_or_else(
            || lang.pick("기본값", "default").to_string(),
            ToString::to_string,
        )
    };
    let mut out = Vec::new();
    for d in defs::DEFS {
        match d.show {
            defs::Show::One(f) => out.push((d.key.to_string(), f(s, lang), origin(d.key))),
            defs::Show::Many(f) => {
                for (k, v) in f(s) {
                    let o = origin(&k);
                    out.push((k, v, o));
                }
            }
            defs::Show::Hidden => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(key: &str, value: &str, origin: Origin) -> RawSetting {
        RawSetting {
            key: key.into(),
            value: value.into(),
            origin,
        }
    }

    fn cell(c: &str) -> Origin {
        Origin::Sheet(c.into())
    }

    /// Resolution needs no workbook: the Settings sheet's cells, `dangol.toml` and the flags
    /// give the effective settings, later sources winning, each value with its origin.
    #[test]
    fn settings_resolve_from_cells_toml_and_flags_without_a_workbook() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("dangol.toml"),
            "backups = 3\n[reminder]\nmax = 4\n",
        )
        .unwrap();
        let flags = [raw("backups", "5", Origin::Flag("--set backups".into()))];
        let mut src = Sources::outside(&dir.path().join("shop.xlsx"), None, &flags).unwrap();
        assert_eq!(src.settings_sheets(), Vec::<String>::new());
        src.sheet_key_cells.push(cell("설정!A2"));
        src.sheet.push(raw("분석기간", "180", cell("설정!B2")));
        let s = resolve(&src).unwrap();
        assert_eq!((s.lookback_days, s.backups, s.reminder_max), (180, 5, 4));
        assert_eq!(s.origins["lookback_days"], cell("설정!B2"));
        assert_eq!(
            s.origins["reminder.max"],
            Origin::Toml("dangol.toml:3".into())
        );
        assert_eq!(s.origins["backups"], Origin::Flag("--set backups".into()));
    }

    /// Every problem is reported at its own place: an unknown key at the key's cell, a bad
    /// value at the value's cell, a TOML value at its line.
    #[test]
    fn every_settings_error_names_its_cell() {
        let dir = tempfile::tempdir().unwrap();
        let toml = dir.path().join("dangol.toml");
        std::fs::write(&toml, "week_start = \"someday\"\n").unwrap();
        let mut src = Sources::outside(&dir.path().join("shop.xlsx"), Some(&toml), &[]).unwrap();
        for (k, v, r) in [("lookback_dys", "1", 2), ("backups", "-1", 3)] {
            src.sheet_key_cells.push(cell(&format!("Settings!A{r}")));
            src.sheet.push(raw(k, v, cell(&format!("Settings!B{r}"))));
        }
        let e = resolve(&src).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Settings!A2: unknown setting 'lookback_dys'; did you mean 'lookback_days'?\n\
             settings: Settings!B3: backups: found \"-1\", expected a whole number from 0 to 1000\n\
             settings: dangol.toml:1: week_start: found \"someday\", expected a weekday such as \
             monday or sunday"
        );
        let missing = Sources::outside(Path::new("shop.xlsx"), Some(Path::new("nope.toml")), &[]);
        assert!(
            missing
                .unwrap_err()
                .render(Lang::En)
                .starts_with("nope.toml: cannot read the settings file: "),
        );
    }
}
