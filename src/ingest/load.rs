//! The whole read of one workbook: find each sheet's role, hand the Settings/Grades sheets'
//! cells to [`crate::settings::load::resolve`] (with `dangol.toml` and flags), then stream the
//! data sheets.

use std::path::{Path, PathBuf};

use super::headers::{self, Mapping};
use super::rows::SheetRows;
use super::source::{Cell, FileKind, Input, OpenError};
use super::{Dataset, SheetInfo, TemplateRow};
use crate::model::{CellRef, Currency, Lang, Problem, Severity};
use crate::settings::load::{RawGrade, RawSetting, SettingsError, Sources};
use crate::settings::{LangSetting, Role, Settings};

/// Rows searched for the header.
pub const HEADER_SEARCH_ROWS: usize = 20;

/// How to read.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// `--encoding` for CSV input.
    pub encoding: Option<String>,
    /// `--config FILE`; else `dangol.toml` beside the workbook when present.
    pub config: Option<PathBuf>,
    /// Settings given as flags (`--lang`, `--set key=value`).
    pub flags: Vec<RawSetting>,
    /// `--as-of`: sales dated after it are not read (every command sees the same rows), and
    /// those after both it and `today` are warnings naming the cell (2062 typed for 2026).
    pub as_of: Option<chrono::NaiveDate>,
    /// The clock's day.
    pub today: Option<chrono::NaiveDate>,
    /// Input limits (zip-bomb guard); `None`: the environment's, else the built-in ones.
    pub limits: Option<super::guard::Limits>,
    /// A CSV at least this long is read in two halves, one per core; `None`: 4 MiB, or
    /// `DANGOL_CSV_SPLIT_MIN` (bytes; for tests of small files).
    pub csv_split_min: Option<u64>,
    /// Add up each sales sheet's rows on the thread that types them, not on a second one (for
    /// tests that compare the two).
    pub sales_on_one_thread: bool,
    /// Keep the units sold per product per day (`Dataset::product_sales`) even without a Stock
    /// sheet: for a caller that reports stock against a list of its own.
    pub product_sales: bool,
}

/// A workbook read and its effective settings.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub path: PathBuf,
    pub data: Dataset,
    pub settings: Settings,
    /// The language of output: the setting, else the headers' language.
    pub lang: Lang,
    /// The shop's currency: the setting, else the signs in the data, else KRW.
    pub currency: Currency,
}

/// Why a workbook could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Open(#[from] OpenError),
    /// Not `#[from]`: a source would print the message twice in `{:#}`.
    #[error("{}", settings_line(.0))]
    Settings(SettingsError),
    /// `--config FILE` (or the `dangol.toml` beside the workbook) could not be read.
    #[error("{0}")]
    SettingsFile(crate::i18n::Text),
    /// `detail` holds the whole message, in the language asked for (`--lang`).
    #[error("{detail}")]
    NoData { path: String, detail: String },
    #[error("{0}")]
    Config(String),
    /// A sheet is almost a sales/quotes/pipeline sheet: a required column is missing or
    /// misspelled. Nothing is read, so nothing is replaced with an analysis of nothing.
    #[error("{0}")]
    AlmostRole(String),
    /// The sales sheets gave no usable row while the generated sheets of the last run list
    /// customers (SPEC promise 7).
    #[error("{0}")]
    NothingUsable(String),
}

/// `settings: …` (`설정: …`) in the language of the workbook being read.
fn settings_line(e: &SettingsError) -> String {
    let lang = crate::i18n::current().unwrap_or(Lang::En);
    crate::msg!(lang, SettingsErrorHead, message = e.render(lang))
}

impl From<SettingsError> for LoadError {
    fn from(e: SettingsError) -> Self {
        LoadError::Settings(e)
    }
}

/// What the header search found in one sheet.
#[derive(Debug, Clone)]
struct Scan {
    name: String,
    found: Option<(Role, u32, Mapping)>,
    /// A data role the sheet is almost (a required column missing or misspelled), with its
    /// header row: an error, never a silent change of role (SPEC promise 3).
    almost: Option<(Role, u32, Mapping)>,
    /// Header row candidates: (row, headers).
    rows: Vec<(u32, Vec<(u32, String)>)>,
}

fn header_cells(cells: &[Cell<'_>]) -> Vec<(u32, String)> {
    cells
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let t = c.display();
            let t = t.trim();
            if t.is_empty() {
                None
            } else {
                Some((i as u32, t.to_string()))
            }
        })
        .collect()
}

fn scan_sheet(input: &mut Input, name: &str) -> Result<Scan, OpenError> {
    let mut rows = Vec::new();
    input.for_each_row(name, |r, cells| {
        rows.push((r, header_cells(cells)));
        rows.len() < HEADER_SEARCH_ROWS
    })?;
    let mut best: Option<(usize, Role, u32, Mapping)> = None;
    for (r, h) in &rows {
        if let Some((role, m)) = headers::detect(h) {
            let score = m.columns.len();
            if best.as_ref().is_none_or(|b| score > b.0) {
                best = Some((score, role, *r, m));
            }
        }
    }
    let mut almost: Option<(Role, u32, Mapping)> = None;
    for (r, h) in &rows {
        if let Some((role, m)) = headers::almost_role(h)
            && almost
                .as_ref()
                .is_none_or(|a| m.columns.len() > a.2.columns.len())
        {
            almost = Some((role, *r, m));
        }
    }
    let mut found = best.map(|(_, role, r, m)| (role, r, m));
    if let Some((Role::Settings, r, m)) = &found
        && !settings_by_keys(name, *r, m, &rows)
    {
        found = None;
    }
    // `주문일자` misspelled `날자` leaves a sales sheet that still reads as a customer list:
    // the role it almost has wins when it recognises more of the headers.
    let almost = almost.filter(|a| {
        !other_table(name)
            && found
                .as_ref()
                .is_none_or(|f| a.2.columns.len() > f.2.columns.len())
    });
    if almost.is_some() {
        found = None;
    }
    Ok(Scan {
        name: name.to_string(),
        found,
        almost,
        rows,
    })
}

/// Sheets named as the other tables of the SPEC (§7–§12: carts, stock, groups, price lists …):
/// their headers overlap a sales sheet's (a cart has a customer, an e-mail and a total), but
/// they are not almost a sales sheet.
fn other_table(name: &str) -> bool {
    const NAMES: &[&str] = &[
        "carts",
        "장바구니",
        "stock",
        "재고",
        "stockmoves",
        "입출고",
        "groups",
        "고객그룹",
        "groupmembers",
        "그룹회원",
        "pricelist",
        "단가표",
        "promotions",
        "프로모션",
        "flows",
        "자동발송규칙",
        "sentlog",
        "발송기록",
    ];
    NAMES.contains(&crate::model::values::header_key(name).as_str())
}

/// Whether a sheet headed like settings (`Key | Value`) holds settings: it is named
/// Settings/설정, or its first keys include a setting dangol knows. An inventory list headed
/// `Name | Value` is not settings and is left alone.
fn settings_by_keys(
    name: &str,
    header_row: u32,
    m: &Mapping,
    rows: &[(u32, Vec<(u32, String)>)],
) -> bool {
    let sheet = crate::model::values::header_key(name);
    if matches!(
        sheet.as_str(),
        "settings" | "setting" | "설정" | "환경설정" | "dangolsettings"
    ) {
        return true;
    }
    let Some(col) = m.col("key") else {
        return false;
    };
    rows.iter()
        .filter(|(r, _)| *r > header_row)
        .filter_map(|(_, h)| h.iter().find(|(c, _)| *c == col).map(|(_, t)| t))
        .any(|k| crate::settings::load::is_known_key(k))
}

/// The best header row of a sheet for a given role (for `sheet.<role>` pins).
fn best_for_role(scan: &Scan, role: Role) -> Option<(u32, Mapping)> {
    scan.rows
        .iter()
        .map(|(r, h)| (*r, headers::map_headers(role, h)))
        .max_by(|a, b| {
            a.1.columns
                .len()
                .cmp(&b.1.columns.len())
                .then(b.0.cmp(&a.0))
        })
}

/// A sheet that is almost a role: `판매: no date column; found 날자 in C3 — did you mean
/// 주문일자? (headers found: …)` — the sheet, the missing field, the closest header and its
/// cell, and every header found (SPEC promise 3).
fn missing_message(lang: Lang, role: Role, name: &str, header_row: u32, m: &Mapping) -> String {
    let missing = headers::missing_required(role, m);
    let mut found: Vec<(u32, String)> = m
        .columns
        .iter()
        .map(|c| (c.1, c.2.clone()))
        .chain(m.others.iter().cloned())
        .collect();
    found.sort_by_key(|f| f.0);
    let found: Vec<String> = found.into_iter().map(|f| f.1).collect();
    let mut parts = Vec::new();
    for f in &missing {
        // A Korean message names the column by its Korean header (`주문일자`).
        let field = match lang {
            Lang::Ko => headers::canonical_header(role, f, true).to_string(),
            Lang::En => (*f).to_string(),
        };
        let p = if let Some((col, text, _)) = headers::closest_header(role, f, m) {
            let canonical = headers::canonical_header(role, f, headers::is_hangul(&text));
            crate::msg!(
                lang,
                AlmostNear,
                field = field,
                text = text,
                cell = CellRef::new(name.to_string(), header_row, col).a1(),
                canonical = canonical
            )
        } else {
            let spec = headers::fields_of(role).iter().find(|s| s.field == *f);
            let aliases = spec
                .map(|s| {
                    s.aliases
                        .iter()
                        .take(6)
                        .copied()
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            if *f == "amount" {
                crate::msg!(lang, AlmostMissingAmount, field = field, aliases = aliases)
            } else {
                crate::msg!(lang, AlmostMissing, field = field, aliases = aliases)
            }
        };
        parts.push(p);
    }
    crate::msg!(
        lang,
        AlmostSheet,
        sheet = name,
        parts = parts.join("; "),
        found = found.join(", ")
    )
}

fn cell_text(c: Option<&Cell<'_>>) -> String {
    c.map(|c| super::cells::text(c).unwrap_or_default())
        .unwrap_or_default()
}

/// The sheets dangol generated in an `.xlsx`/`.xlsm` on an earlier run: its own output is not
/// input (reading the Dashboard back as a quote log would change the results on every run).
/// A list that cannot be read is a warning, and every sheet is then read.
fn generated_sheets(
    path: &Path,
    input: &Input,
    limits: &super::guard::Limits,
) -> (Vec<String>, Option<Problem>) {
    if !matches!(
        input,
        Input::Book {
            kind: FileKind::Xlsx,
            ..
        }
    ) {
        return (Vec::new(), None);
    }
    let listed = std::fs::File::open(path)
        .map_err(crate::writeback::WritebackError::Io)
        .and_then(|f| crate::writeback::generated_sheets_with(std::io::BufReader::new(f), limits));
    match listed {
        Ok(names) => (names, None),
        Err(e) => (
            Vec::new(),
            Some(Problem {
                severity: Severity::Warning,
                place: path.display().to_string(),
                found: String::new(),
                expected: format!(
                    "cannot tell which sheets dangol generated ({e}); every sheet is read as data"
                ),
            }),
        ),
    }
}

/// Read a workbook: scan, settings, data.
///
/// Two or more sales sheets of a workbook are read at once, one thread per sheet (see
/// [`read_sales_in_parallel`]); their ledgers are merged in sheet order, so the result is the
/// one reading them one after the other gives. In the one case where it could differ — the
/// amounts of the parts, added up, pass the money limit, which must then name the very cell
/// that passed it — the workbook is read again one sheet after the other.
pub fn load(path: &Path, opts: &ReadOptions) -> Result<Loaded, LoadError> {
    match load_with(path, opts, true)? {
        Some(loaded) => Ok(loaded),
        None => load_with(path, opts, false)?.ok_or_else(|| {
            LoadError::Config("the workbook could not be read sheet by sheet".into())
        }),
    }
}

/// What the first pass over a workbook found: the workbook open, its data sheets' names (the
/// ones dangol generated left out) and each one's header search.
struct Scanned {
    input: Input,
    names: Vec<String>,
    scans: Vec<Scan>,
    data: Dataset,
}

/// A data sheet to read: (sheet, role, header row, columns).
type Planned = (String, Role, u32, Mapping);

/// [`load`], with the sales sheets read in parallel when `parallel` allows it; `Ok(None)` when
/// the parallel read must be redone sheet by sheet.
///
/// Three steps: scan the sheets' first rows (roles, and from them the workbook's language),
/// resolve the settings (the Settings/Grades sheets' cells, `dangol.toml`, flags — an error
/// there is already in the workbook's language), then read the data sheets.
fn load_with(path: &Path, opts: &ReadOptions, parallel: bool) -> Result<Option<Loaded>, LoadError> {
    let limits = super::guard::limits_or_env(opts.limits);
    let mut scanned = scan_workbook(path, opts, &limits)?;
    let settings = resolve_settings(path, opts, &mut scanned)?;
    read_workbook(path, opts, &limits, parallel, scanned, settings)
}

/// Step 1: open the workbook and search each sheet's first rows for a header.
fn scan_workbook(
    path: &Path,
    opts: &ReadOptions,
    limits: &super::guard::Limits,
) -> Result<Scanned, LoadError> {
    let mut input = Input::open_with(path, opts.encoding.as_deref(), limits)?;
    let (generated, generated_problem) = generated_sheets(path, &input, limits);
    let names: Vec<String> = input
        .sheet_names()
        .into_iter()
        .filter(|n| !generated.iter().any(|g| g.eq_ignore_ascii_case(n)))
        .collect();
    let mut scans: Vec<Scan> = Vec::new();
    for n in &names {
        scans.push(scan_sheet(&mut input, n)?);
    }
    let mut data = Dataset {
        generated_sheets: generated,
        ..Dataset::default()
    };
    data.problems.extend(generated_problem);
    Ok(Scanned {
        input,
        names,
        scans,
        data,
    })
}

/// The language of the workbook at `path` by a cheap scan of its sheets' first rows (no
/// settings, no data): for a message raised before the workbook is read (its lock is held,
/// it is open in Excel, its folder is read-only). `None` when it cannot be opened.
pub fn probe_lang(path: &Path) -> Option<Lang> {
    let limits = super::guard::limits_or_env(None);
    let scanned = scan_workbook(path, &ReadOptions::default(), &limits).ok()?;
    Some(early_lang(&scanned.scans, &Sources::default()))
}

/// The language of a workbook before its data is read, for the messages of the settings
/// step: `lang` from the flags, `dangol.toml` or the Settings sheet's cells when it names one,
/// else the language of the headers found by the scan (Korean when most are Korean, the rule
/// the full read applies to the data sheets).
fn early_lang(scans: &[Scan], src: &Sources) -> Lang {
    let toml: Vec<RawSetting> = src
        .toml
        .as_ref()
        .and_then(|(p, t)| crate::settings::load::parse_toml(p, t).ok())
        .map(|(s, _)| s)
        .unwrap_or_default();
    let named = src
        .flags
        .iter()
        .chain(&toml)
        .chain(&src.sheet)
        .filter(|r| crate::settings::load::canonical_key(&r.key) == "lang")
        .find_map(|r| match r.value.trim().to_lowercase().as_str() {
            "ko" | "korean" | "한국어" => Some(Lang::Ko),
            "en" | "english" | "영어" => Some(Lang::En),
            _ => None,
        });
    named.unwrap_or_else(|| {
        let (korean, recognised) = scans
            .iter()
            .filter_map(|s| s.found.as_ref().or(s.almost.as_ref()))
            .fold((0, 0), |(k, n), (_, _, m)| {
                (k + m.korean, n + m.columns.len() as u32)
            });
        if recognised > 0 {
            return if korean * 2 > recognised {
                Lang::Ko
            } else {
                Lang::En
            };
        }
        // No header dangol knows: the words of the sheets' first rows.
        let (hangul, words) = scans
            .iter()
            .filter_map(|s| s.rows.first())
            .flat_map(|(_, cells)| cells)
            .filter(|(_, t)| t.chars().any(char::is_alphabetic))
            .fold((0, 0), |(h, n), (_, t)| {
                (h + usize::from(crate::i18n::has_hangul(t)), n + 1)
            });
        if hangul * 2 > words {
            Lang::Ko
        } else {
            Lang::En
        }
    })
}

/// Step 2: the Settings, Grades and Templates sheets (they shape how data is read), merged
/// with `dangol.toml` and the flags into checked settings.
fn resolve_settings(
    path: &Path,
    opts: &ReadOptions,
    scanned: &mut Scanned,
) -> Result<Settings, LoadError> {
    let src = Sources::outside(path, opts.config.as_deref(), &opts.flags);
    let mut src = match src {
        Ok(src) => src,
        Err(e) => {
            crate::i18n::set_current(early_lang(&scanned.scans, &Sources::default()));
            return Err(LoadError::SettingsFile(e));
        }
    };
    // `sheet.settings` (a flag or dangol.toml) pins the Settings sheet whatever its headers.
    for name in src.settings_sheets() {
        if let Some(scan) = scanned.scans.iter_mut().find(|s| s.name == name)
            && let Some((r, m)) = best_for_role(scan, Role::Settings)
            && headers::satisfies(Role::Settings, &m)
        {
            scan.found = Some((Role::Settings, r, m));
            scan.almost = None;
        }
    }
    for scan in &scanned.scans {
        let Some((role, header_row, map)) = &scan.found else {
            continue;
        };
        if matches!(role, Role::Settings | Role::Grades | Role::Templates) {
            read_settings_sheet(
                &mut scanned.input,
                &scan.name,
                (*role, *header_row, map),
                &mut src,
                &mut scanned.data,
            )?;
        }
    }
    // Known before anything is checked: a settings error speaks the workbook's language.
    crate::i18n::set_current(early_lang(&scanned.scans, &src));
    Ok(crate::settings::load::resolve(&src)?)
}

/// The cells of one Settings, Grades or Templates sheet, into the settings' sources (or the
/// templates of the data).
fn read_settings_sheet(
    input: &mut Input,
    sheet: &str,
    (role, header_row, map): (Role, u32, &Mapping),
    src: &mut Sources,
    data: &mut Dataset,
) -> Result<(), LoadError> {
    input.for_each_row(sheet, |r, cells| {
        if r <= header_row {
            return true;
        }
        let get = |f: &str| map.col(f).map(|c| (c, cell_text(cells.get(c as usize))));
        let origin_of = |c: u32| {
            crate::settings::Origin::Sheet(CellRef::new(sheet.to_string(), r, c).to_string())
        };
        match role {
            Role::Settings => {
                if let (Some((kc, key)), Some((vc, value))) = (get("key"), get("value"))
                    && !key.is_empty()
                {
                    src.sheet_key_cells.push(origin_of(kc));
                    src.sheet.push(RawSetting {
                        key,
                        value,
                        origin: origin_of(vc),
                    });
                }
            }
            Role::Grades => {
                if let (Some((_, kind)), Some((_, grade)), Some((rc, rule))) =
                    (get("kind"), get("grade"), get("rule"))
                    && !(kind.is_empty() && grade.is_empty() && rule.is_empty())
                {
                    src.grades_sheet.push(RawGrade {
                        kind,
                        grade,
                        rule,
                        origin: origin_of(rc),
                    });
                }
            }
            _ => {
                if let (Some((_, grade)), Some((sc, subject)), Some((bc, body))) =
                    (get("grade"), get("subject"), get("body"))
                    && !grade.is_empty()
                {
                    data.templates.push(TemplateRow {
                        grade,
                        subject,
                        body,
                        subject_cell: CellRef::new(sheet.to_string(), r, sc),
                        body_cell: CellRef::new(sheet.to_string(), r, bc),
                    });
                }
            }
        }
        true
    })?;
    Ok(())
}

/// The sheets pinned by `sheet.<role>`, each checked against the role it is pinned to.
fn plan_pinned(
    scanned: &mut Scanned,
    settings: &Settings,
    plan: &mut Vec<Planned>,
) -> Result<(), LoadError> {
    for (role, pinned) in &settings.sheet_pins {
        for name in pinned {
            let Some(scan) = scanned.scans.iter().find(|s| &s.name == name) else {
                let key = format!("sheet.{}", headers::role_name(*role));
                let origin = settings
                    .origins
                    .get(&key)
                    .map(ToString::to_string)
                    .unwrap_or_default();
                return Err(LoadError::Settings(SettingsError::new(
                    origin,
                    crate::text!(
                        SettingPinMissing,
                        key = key,
                        sheet = name,
                        sheets = scanned.names.join(", ")
                    ),
                )));
            };
            match best_for_role(scan, *role) {
                Some((r, m)) if headers::satisfies(*role, &m) => {
                    plan.push((name.clone(), *role, r, m));
                }
                other => {
                    let (r, m) = other.unwrap_or((
                        0,
                        Mapping {
                            columns: vec![],
                            korean: 0,
                            others: vec![],
                        },
                    ));
                    scanned.data.problems.push(Problem {
                        severity: Severity::Error,
                        place: name.clone(),
                        found: String::new(),
                        expected: missing_message(Lang::En, *role, name, r, &m)
                            .trim_start_matches(&format!("{name}: "))
                            .to_string(),
                    });
                }
            }
        }
    }
    Ok(())
}

/// Step 3a: which sheet is read as what — pins first, then what the headers say. A sheet that
/// is almost a role stops the read (SPEC promise 3).
fn plan_sheets(scanned: &mut Scanned, settings: &Settings) -> Result<Vec<Planned>, LoadError> {
    let mut plan: Vec<Planned> = Vec::new();
    plan_pinned(scanned, settings, &mut plan)?;
    let mut almost = Vec::new();
    let unread = |name: &str, role: Option<Role>, header_row: u32, columns| SheetInfo {
        name: name.to_string(),
        role,
        header_row,
        columns,
        rows: 0,
        bad_rows: 0,
    };
    for scan in &scanned.scans {
        if plan.iter().any(|p| p.0 == scan.name) {
            continue;
        }
        match &scan.found {
            Some((role, r, m))
                if matches!(role, Role::Settings | Role::Grades | Role::Templates) =>
            {
                let info = unread(&scan.name, Some(*role), *r, m.columns.clone());
                scanned.data.sheets.push(info);
            }
            // The owner pinned this role to other sheets.
            Some((role, r, _)) if settings.sheet_pins.contains_key(role) => {
                scanned
                    .data
                    .sheets
                    .push(unread(&scan.name, None, *r, vec![]));
            }
            Some((role, r, m)) => plan.push((scan.name.clone(), *role, *r, m.clone())),
            None => {
                // A sheet that holds no role (a price list, notes) is left alone; one that is
                // almost a role stops the read, unless the owner pinned that role elsewhere.
                if let Some((role, r, m)) = &scan.almost
                    && !settings.sheet_pins.contains_key(role)
                {
                    let lang = crate::i18n::current().unwrap_or(Lang::En);
                    almost.push(missing_message(lang, *role, &scan.name, *r, m));
                }
                scanned
                    .data
                    .sheets
                    .push(unread(&scan.name, None, 0, vec![]));
            }
        }
    }
    if !almost.is_empty() {
        return Err(LoadError::AlmostRole(almost.join("\n")));
    }
    plan.sort_by_key(|p| scanned.names.iter().position(|n| n == &p.0));
    Ok(plan)
}

/// One data sheet, read by the reader of its role: (rows read, unusable rows).
fn read_sheet(
    input: &mut Input,
    opts: &ReadOptions,
    settings: &Settings,
    (name, role, header_row, map): &Planned,
    data: &mut Dataset,
    two_threads: bool,
) -> Result<(u64, u64), LoadError> {
    let (role, header_row) = (*role, *header_row);
    Ok(if role == Role::Flows {
        // The Flows sheet (SPEC §8) has its own reader.
        let mut rows = super::flows::FlowRows::new(name, map, settings.date_order);
        input.for_each_row(name, |r, cells| {
            if r > header_row {
                rows.push(r, cells, data);
            }
            true
        })?;
        (rows.rows, rows.bad_rows)
    } else if role == Role::Carts {
        super::carts::read_sheet(input, name, header_row, map, settings, data)?
    } else if matches!(role, Role::Stock | Role::StockMoves) {
        // Stock sheets (SPEC §10) have their own reader.
        let mut rows = super::stock::StockRows::new(name, role, map, settings.date_order);
        input.for_each_row(name, |r, cells| {
            if r > header_row {
                rows.push(r, cells, data);
            }
            true
        })?;
        rows.finish(data);
        (rows.rows, rows.bad_rows)
    } else if super::groups::is_group_role(role) {
        super::groups::read_sheet(input, name, role, header_row, map, settings, data)?
    } else {
        let mut rows = SheetRows::new(name, role, map.clone(), settings);
        rows.dated_until(opts.as_of, opts.today);
        let read = |mut rows: SheetRows<'_>, input: &mut Input, data: &mut Dataset| {
            let read = input.for_each_row(name, |r, cells| {
                if r > header_row {
                    rows.push(r, cells, data);
                }
                true
            });
            if read.is_ok() {
                rows.finish(data);
            }
            read.map(|()| (rows.rows, rows.bad_rows))
        };
        let end = if two_threads {
            rows.add_elsewhere(data)
        } else {
            None
        };
        let Some(end) = end else {
            return Ok(read(rows, input, data)?);
        };
        // The rows typed on a thread of their own and added up on this one (where the ledger's
        // memory is the memory the tables made next reuse). The reader is moved there, and the
        // ledger's end is owned in here: whichever side stops, on an error or a panic, drops
        // its end of the hand-over, and the other side stops too.
        let (typed, end) = std::thread::scope(|scope| {
            let mut end = end;
            let (job_tx, job_rx) = std::sync::mpsc::channel();
            let typing = std::thread::Builder::new()
                .name("dangol-rows".into())
                .spawn_scoped(scope, move || {
                    let (rows, input, data) = job_rx.recv().ok()?;
                    Some(read(rows, input, data))
                });
            let Ok(typing) = typing else {
                // No thread could be started: the rows are read here.
                return (Err(rows), end);
            };
            // The thread holds the receiving end until this arrives.
            let _ = job_tx.send((rows, &mut *input, &mut *data));
            end.run();
            let typed = typing
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p));
            (Ok(typed), end)
        });
        end.restore(data);
        match typed {
            Ok(Some(read)) => read?,
            Ok(None) => {
                return Err(OpenError::Io {
                    path: name.clone(),
                    source: std::io::Error::other("the sales rows' thread stopped before reading"),
                }
                .into());
            }
            Err(mut rows) => {
                rows.add_here();
                read(rows, input, data)?
            }
        }
    })
}

/// Step 3: read the data sheets in workbook order (the sales sheets in parallel when that
/// gives the same result), then what the whole read says (no data, nothing usable, notes,
/// currency, language).
fn read_workbook(
    path: &Path,
    opts: &ReadOptions,
    limits: &super::guard::Limits,
    parallel: bool,
    mut scanned: Scanned,
    settings: Settings,
) -> Result<Option<Loaded>, LoadError> {
    let plan = plan_sheets(&mut scanned, &settings)?;
    let Scanned {
        mut input,
        names,
        scans,
        mut data,
    } = scanned;
    let mut korean = 0;
    let mut recognised = 0;
    data.groups.collect_lines = plan
        .iter()
        .any(|p| matches!(p.1, Role::PriceList | Role::Promotions));
    // Units per product per day cost a map entry per sales line: kept only for a Stock sheet
    // (or a caller's own stock list).
    data.collect_product_sales = opts.product_sales
        || plan
            .iter()
            .any(|p| matches!(p.1, Role::Stock | Role::StockMoves));
    let mut parts = if parallel && parallel_sales_fit(&input, &plan, &data) {
        read_sales_in_parallel(&mut input, path, opts, limits, &settings, &plan)
    } else if parallel && csv_halves_fit(&input, &plan, &data) {
        read_csv_in_halves(path, opts, &settings, &plan)
    } else {
        Vec::new()
    };
    // A sales sheet read here (not in parallel) is typed on this thread and added up on another.
    let two_cores = std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2);
    for planned in &plan {
        let (name, role, header_row, map) = planned;
        korean += map.korean;
        recognised += map.columns.len() as u32;
        let part = parts
            .iter()
            .position(|p| &p.0 == name)
            .map(|i| parts.swap_remove(i).1);
        let (rows_read, bad_rows) = if let Some(part) = part {
            let (part, rows, bad_rows) = part?;
            if !absorb_sales(&mut data, part) {
                return Ok(None);
            }
            (rows, bad_rows)
        } else {
            let two = parallel && *role == Role::Sales && two_cores && !opts.sales_on_one_thread;
            read_sheet(&mut input, opts, &settings, planned, &mut data, two)?
        };
        data.sheets.push(SheetInfo {
            name: name.clone(),
            role: Some(*role),
            header_row: *header_row,
            columns: map.columns.clone(),
            rows: rows_read,
            bad_rows,
        });
    }
    data.sheets
        .sort_by_key(|s| names.iter().position(|n| n == &s.name));
    if !data.sheets.iter().any(|s| {
        matches!(
            s.role,
            Some(Role::Sales | Role::Quotes | Role::Customers | Role::Pipeline | Role::Stock)
        )
    }) {
        // Nothing was recognised: the setting (or `--lang`), else the words of the sheets'
        // first rows, as the scan found them.
        let lang = match settings.lang {
            LangSetting::Fixed(l) => l,
            LangSetting::Auto if korean * 2 > recognised && recognised > 0 => Lang::Ko,
            LangSetting::Auto => crate::i18n::current().unwrap_or(Lang::En),
        };
        return Err(no_data(path, lang, &scans, &data));
    }
    let s = &data.sales;
    // Rows dated after `--as-of` are there, only not yet counted: not "no usable row".
    if s.order_rows + s.return_rows + s.void_rows + s.later_rows + s.future_rows == 0 {
        let previous = previous_customers(&mut input, &data.generated_sheets)?;
        if let Some((sheet, n)) = previous {
            let lang = crate::i18n::current().unwrap_or(Lang::En);
            return Err(LoadError::NothingUsable(nothing_usable(
                lang, &data, &sheet, n,
            )));
        }
    }
    super::flows::read_flow_log(&mut input, &mut data)?;
    add_notes(&mut data, &settings.cancel_prefix);
    let header_lang = if korean * 2 > recognised {
        Lang::Ko
    } else {
        Lang::En
    };
    Ok(Some(finish(path, data, settings, header_lang)))
}

/// The error of a workbook with no recognisable data: each sheet and what its first row
/// holds, in `lang`.
fn no_data(path: &Path, lang: Lang, scans: &[Scan], data: &Dataset) -> LoadError {
    let mut detail = crate::msg!(lang, NoDataHead, path = path.display());
    detail.push('\n');
    for scan in scans {
        let first = scan.rows.first().map(|(r, h)| {
            let cells: Vec<&str> = h.iter().take(8).map(|x| x.1.as_str()).collect();
            crate::msg!(lang, NoDataRow, row = r + 1, cells = cells.join(", "))
        });
        let what = first.unwrap_or_else(|| crate::msg!(lang, SheetEmpty));
        detail.push_str(&crate::msg!(
            lang,
            NoDataSheet,
            sheet = scan.name,
            what = what
        ));
        detail.push('\n');
    }
    for p in &data.problems {
        detail.push_str(&format!(
            "  {}\n",
            crate::i18n::problems::line(lang, p, &[])
        ));
    }
    detail.push_str(&crate::msg!(lang, NoDataHint));
    LoadError::NoData {
        path: path.display().to_string(),
        detail,
    }
}

/// The currency (the setting, else the signs in the data, else KRW with a warning) and the
/// language of output (the setting, else the headers').
fn finish(path: &Path, mut data: Dataset, settings: Settings, header_lang: Lang) -> Loaded {
    // What only the read needed goes before the analyses allocate theirs: the first form of
    // each phone number (every phone kept is already in that form), and the room the order
    // sets grew into.
    data.phone_forms = std::collections::HashMap::new();
    data.sales.shrink_to_fit();
    let currency = settings.currency.unwrap_or_else(|| {
        data.currency_votes
            .iter()
            .max_by_key(|(c, n)| (**n, std::cmp::Reverse(**c)))
            .map_or(Currency::Krw, |(c, _)| *c)
    });
    let mut settings = settings;
    settings.use_money_defaults_for(currency);
    if settings.currency.is_none() && data.currency_votes.is_empty() && has_money(&data) {
        data.problems.push(Problem {
            severity: Severity::Warning,
            place: "currency".into(),
            found: String::new(),
            expected: "no currency sign (₩, 원, £, $, €) in the data, so amounts are taken as KRW; \
                       if they are not, set currency (e.g. --set currency=GBP, or currency | GBP in the Settings sheet)"
                .into(),
        });
    }
    data.currency_seen = data
        .currency_votes
        .iter()
        .max_by_key(|(_, n)| **n)
        .map(|(c, _)| *c);
    data.header_lang = Some(header_lang);
    let lang = match settings.lang {
        LangSetting::Fixed(l) => l,
        LangSetting::Auto => header_lang,
    };
    Loaded {
        path: path.to_path_buf(),
        data,
        settings,
        lang,
        currency,
    }
}

/// One sales sheet read on its own: its rows in a dataset of their own, rows read, bad rows.
type SheetPart = Result<(Dataset, u64, u64), OpenError>;

/// Whether the sales sheets of `plan` can be read in parallel with the same result: two or
/// more of them in a workbook (a CSV is one sheet), a second core, and nothing the sheets
/// share while they are read — no phone column (a number's form is the first one written in
/// the workbook), no channel column (an order's channel counts once across sheets), no price
/// list or stock sheet (their per-line data is kept in row order).
fn parallel_sales_fit(input: &Input, plan: &[Planned], data: &Dataset) -> bool {
    let sales: Vec<&Mapping> = plan
        .iter()
        .filter(|p| p.1 == Role::Sales)
        .map(|p| &p.3)
        .collect();
    sales.len() >= 2
        && matches!(input, Input::Book { .. })
        && !data.groups.collect_lines
        && !data.collect_product_sales
        && sales.iter().all(|m| !m.has("phone") && !m.has("channel"))
        && std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2)
}

/// A CSV shorter than this is read on one core (plus its record splitter's thread); a longer
/// one is cut in two and read on two (see [`read_csv_in_halves`]). `DANGOL_CSV_SPLIT_MIN`
/// (bytes) sets it, for tests of small files.
const CSV_SPLIT_MIN: u64 = 4 * 1024 * 1024;

/// Whether the one sales sheet of a CSV file can be read in two halves with the same result:
/// what [`parallel_sales_fit`] asks of sheets read in parallel, for the two halves.
fn csv_halves_fit(input: &Input, plan: &[(String, Role, u32, Mapping)], data: &Dataset) -> bool {
    matches!(input, Input::Csv { .. })
        && plan.len() == 1
        && plan[0].1 == Role::Sales
        && !plan[0].3.has("phone")
        && !plan[0].3.has("channel")
        && !data.groups.collect_lines
        && !data.collect_product_sales
        && std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2)
}

/// Reads the one sales sheet of a CSV file on two cores: cut at a line break near the middle
/// ([`CsvSource::open_split`](super::csv::CsvSource::open_split)), the first half on the
/// caller's thread and the rest on another, each into a dataset of its own, then the rest
/// taken in after the first half ([`SheetRows::take_part`]): rows, problems (in row order,
/// the right rows) and ledger as reading it whole. Empty — read it whole then — when the file
/// is short, cannot be cut, or the halves did not read alike: the cut fell inside a quoted
/// field with a line break, the text was decoded differently on either side, the halves'
/// first rows told different date orders, a half met an error (reading it whole reports it
/// as always), or the amounts pass the money limit.
fn read_csv_in_halves(
    path: &Path,
    opts: &ReadOptions,
    settings: &Settings,
    plan: &[(String, Role, u32, Mapping)],
) -> Vec<(String, SheetPart)> {
    use super::csv::CsvSource;
    use super::source::csv_rows;
    let Some((name, role, header_row, map)) = plan.first() else {
        return Vec::new();
    };
    let min_len = opts.csv_split_min.unwrap_or_else(|| {
        std::env::var("DANGOL_CSV_SPLIT_MIN")
            .ok()
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(CSV_SPLIT_MIN)
    });
    let Ok((mut first, Some(rest))) =
        CsvSource::open_split(path, opts.encoding.as_deref(), min_len)
    else {
        return Vec::new();
    };
    let reader = || {
        let mut rows = SheetRows::new(name, *role, map.clone(), settings);
        rows.dated_until(opts.as_of, opts.today);
        rows
    };
    let read = |src: &mut CsvSource, rows: &mut SheetRows<'_>, data: &mut Dataset| {
        let read = csv_rows(src, |r, cells| {
            if r > *header_row {
                rows.push(r, cells, data);
            }
            true
        });
        rows.flush(data);
        read.is_ok()
    };
    // The halves are put together on the thread that read the later one: the memory its
    // ledger frees there stays with that thread's allocator arena, and the memory the first
    // half's ledger frees stays with this thread, for the tables made next (glibc keeps what
    // is freed in the arena it came from; put together on this thread, the later half's
    // whole ledger was left behind, freed but resident, beside the tables).
    let (tx, rx) = std::sync::mpsc::channel();
    let joined = std::thread::scope(|scope| {
        let later = scope.spawn(move || {
            let src = rest.open().ok();
            let mut later = reader().later_part();
            let mut part = Dataset::default();
            let read_ok = src
                .map(|mut src| read(&mut src, &mut later, &mut part).then_some(src))
                .unwrap_or_default();
            let (first, mut rows, mut data): (CsvSource, SheetRows<'_>, Dataset) =
                rx.recv().ok().flatten()?;
            let src = read_ok?;
            (first.joins(&src) && rows.take_part(later, &mut data, part)).then_some((rows, data))
        });
        let mut rows = reader();
        let mut data = Dataset::default();
        let head = read(&mut first, &mut rows, &mut data).then_some((first, rows, data));
        // The later half's thread answers `None` when its half could not be read; a send to a
        // thread that has stopped is that answer too.
        let _ = tx.send(head);
        later
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p))
    });
    let Some((mut rows, mut data)) = joined else {
        return Vec::new();
    };
    rows.finish(&mut data);
    data.csv_halves = true;
    vec![(name.clone(), Ok((data, rows.rows, rows.bad_rows)))]
}

/// Reads every sales sheet of `plan` into a dataset of its own, on as many threads as there
/// are cores (the caller's with `input`, each other one with a handle of its own on the
/// workbook), and returns them by sheet name.
/// Memory: each part holds the ledger of its own sheet until it is merged.
fn read_sales_in_parallel(
    input: &mut Input,
    path: &Path,
    opts: &ReadOptions,
    limits: &super::guard::Limits,
    settings: &Settings,
    plan: &[Planned],
) -> Vec<(String, SheetPart)> {
    let sheets: Vec<&(String, Role, u32, Mapping)> =
        plan.iter().filter(|p| p.1 == Role::Sales).collect();
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(sheets.len());
    let next = std::sync::atomic::AtomicUsize::new(0);
    // Takes sheets until none is left, reading them with `input` (the workbook already open,
    // for the caller's thread) or a handle of its own, opened once.
    let worker = |mut input: Option<&mut Input>| {
        let mut done: Vec<(usize, SheetPart)> = Vec::new();
        let mut own: Option<Input> = None;
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some((name, role, header_row, map)) = sheets.get(i) else {
                break;
            };
            let open = if let Some(open) = input.as_deref_mut() {
                Ok(open)
            } else {
                if own.is_none() {
                    match Input::open_with(path, opts.encoding.as_deref(), limits) {
                        Ok(opened) => own = Some(opened),
                        Err(e) => {
                            done.push((i, Err(e)));
                            continue;
                        }
                    }
                }
                own.as_mut().ok_or_else(|| OpenError::Corrupt {
                    path: path.display().to_string(),
                    detail: "the workbook could not be opened again".into(),
                })
            };
            let part = open.and_then(|open| {
                let mut data = Dataset::default();
                let mut rows = SheetRows::new(name, *role, map.clone(), settings);
                rows.dated_until(opts.as_of, opts.today);
                open.for_each_row(name, |r, cells| {
                    if r > *header_row {
                        rows.push(r, cells, &mut data);
                    }
                    true
                })?;
                rows.finish(&mut data);
                Ok((data, rows.rows, rows.bad_rows))
            });
            done.push((i, part));
        }
        done
    };
    let mut parts: Vec<(usize, SheetPart)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (1..workers).map(|_| scope.spawn(|| worker(None))).collect();
        let mut parts = worker(Some(input));
        for h in handles {
            parts.extend(h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        }
        parts
    });
    parts.sort_by_key(|p| p.0);
    parts
        .into_iter()
        .map(|(i, part)| (sheets[i].0.clone(), part))
        .collect()
}

/// Takes in a sales sheet read on its own, after the sheets before it; `false` when the
/// amounts read so far would pass the money limit (then the workbook is read sheet by sheet,
/// so that the cell that passed it is named).
fn absorb_sales(data: &mut Dataset, part: Dataset) -> bool {
    match data.money_read.checked_add(part.money_read) {
        Some(sum) if sum <= super::MONEY_LIMIT => data.money_read = sum,
        _ => return false,
    }
    data.sales.absorb(part.sales);
    data.csv_halves |= part.csv_halves;
    data.problems.extend(part.problems);
    for (cur, n) in part.currency_votes {
        *data.currency_votes.entry(cur).or_default() += n;
    }
    data.credit_hint.absorb(part.credit_hint);
    true
}

/// The customers with orders that the last run's Customer Stats sheet lists: (sheet, count),
/// `None` when there is no such sheet or it lists none.
fn previous_customers(
    input: &mut Input,
    generated: &[String],
) -> Result<Option<(String, u64)>, OpenError> {
    let Some(sheet) = generated
        .iter()
        .find(|g| g.as_str() == "Customer Stats" || g.as_str() == "고객분석")
    else {
        return Ok(None);
    };
    // The table's "First order" column is filled for every customer who ever ordered.
    let mut first_order: Option<u32> = None;
    let mut n = 0;
    input.for_each_row(sheet, |_, cells| {
        match first_order {
            None => {
                first_order = cells
                    .iter()
                    .position(|c| {
                        let t = c.display();
                        t == "First order" || t == "첫 주문"
                    })
                    .map(|i| i as u32);
            }
            Some(col) => {
                if cells.get(col as usize).is_some_and(|c| !c.is_blank()) {
                    n += 1;
                }
            }
        }
        true
    })?;
    Ok((n > 0).then(|| (sheet.clone(), n)))
}

fn nothing_usable(lang: Lang, data: &Dataset, previous: &str, n: u64) -> String {
    let sales: Vec<&str> = data
        .sheets
        .iter()
        .filter(|s| s.role == Some(Role::Sales))
        .map(|s| s.name.as_str())
        .collect();
    let n = crate::i18n::count(n);
    let mut msg = if sales.is_empty() {
        crate::msg!(lang, NothingUsableNoSheet, previous = previous, n = n)
    } else {
        crate::msg!(
            lang,
            NothingUsableSheets,
            sheets = sales.join("', '"),
            previous = previous,
            n = n
        )
    };
    let errors: Vec<&Problem> = data
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .collect();
    for p in errors.iter().take(5) {
        msg.push_str(&format!(
            "\n  {}",
            crate::i18n::problems::line(lang, p, &[])
        ));
    }
    if errors.len() > 5 {
        let more = crate::i18n::count(errors.len() - 5);
        msg.push_str(&format!(
            "\n{}",
            crate::msg!(lang, NothingUsableMore, n = more)
        ));
    }
    msg
}

/// Whether any amount was read (a workbook of quotes without amounts needs no currency).
fn has_money(data: &Dataset) -> bool {
    data.money_read > rust_decimal::Decimal::ZERO
}

fn add_notes(data: &mut Dataset, cancel_prefix: &str) {
    let s = &data.sales;
    let mut notes = Vec::new();
    if s.anonymous_rows > 0 {
        notes.push(format!("{} rows have no customer; excluded from customer statistics (still counted in shop revenue)", s.anonymous_rows));
    }
    if s.return_rows > 0 {
        notes.push(format!(
            "{} return rows (negative amount or quantity, or a cancel-prefixed order id) subtracted from net totals",
            s.return_rows
        ));
        if s.prefixed_return_rows > 0 {
            notes.push(format!(
                "{} of those rows have an order id starting with the cancel prefix {:?} (cancelled invoices)",
                s.prefixed_return_rows, cancel_prefix
            ));
        }
    }
    if s.later_rows > 0 {
        notes.push(format!(
            "{} rows dated after the as-of day are not counted (as of that day)",
            crate::model::values::group_thousands(&s.later_rows.to_string())
        ));
    }
    if s.void_rows > 0 {
        notes.push(format!(
            "{} cancelled rows (a cancel word in the status) not counted as orders",
            s.void_rows
        ));
    }
    if cancel_prefix.is_empty()
        && let Some((letter, n)) = data.credit_hint.suggestion()
    {
        notes.push(format!(
            "{} order ids look like credit invoices ({letter} followed by an order number, e.g. {letter}{}); \
             if they are returns, set cancel_prefix = {letter} (in the Settings sheet, dangol.toml or --set cancel_prefix={letter})",
            crate::model::values::group_thousands(&n.to_string()),
            data.credit_hint.example(letter).unwrap_or_default()
        ));
    }
    for n in notes {
        data.problems.push(Problem {
            severity: Severity::Note,
            place: "sales".into(),
            found: String::new(),
            expected: n,
        });
    }
}
