//! The whole read of one workbook: find each sheet's role, build the settings from the
//! Settings/Grades sheets, `dangol.toml` and flags, then stream the data sheets.

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
    #[error("settings: {0}")]
    Settings(#[from] SettingsError),
    #[error(
        "{path}: no recognisable data — no sheet has the headers of a sales, quotes, customers or pipeline table.\n{detail}"
    )]
    NoData { path: String, detail: String },
    #[error("{0}")]
    Config(String),
}

/// What the header search found in one sheet.
#[derive(Debug, Clone)]
struct Scan {
    name: String,
    found: Option<(Role, u32, Mapping)>,
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
    Ok(Scan {
        name: name.to_string(),
        found: best.map(|(_, role, r, m)| (role, r, m)),
        rows,
    })
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

fn missing_message(role: Role, name: &str, m: &Mapping) -> String {
    let missing = headers::missing_required(role, m);
    let found: Vec<String> = m
        .columns
        .iter()
        .map(|c| c.2.clone())
        .chain(m.others.iter().map(|o| o.1.clone()))
        .collect();
    let mut parts = Vec::new();
    for f in &missing {
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
        let mut p = format!("no '{f}' column (expected a header such as {aliases}");
        if *f == "amount" {
            p.push_str(", or both quantity and unit price");
        }
        p.push(')');
        if let Some((text, alias)) = headers::closest_header(role, f, m) {
            p.push_str(&format!(
                "; the closest header is '{text}' — did you mean '{alias}'?"
            ));
        }
        parts.push(p);
    }
    format!(
        "looks like a {} sheet but {}; columns found: {}",
        headers::role_name(role),
        parts.join("; "),
        found.join(", ")
    )
    .replace("  ", " ")
    .replace(&format!("{name}: "), "")
}

fn cell_text(c: Option<&Cell<'_>>) -> String {
    c.map(|c| super::cells::text(c).unwrap_or_default())
        .unwrap_or_default()
}

/// The sheets dangol generated in an `.xlsx`/`.xlsm` on an earlier run: its own output is not
/// input (reading the Dashboard back as a quote log would change the results on every run).
/// A list that cannot be read is a warning, and every sheet is then read.
fn generated_sheets(path: &Path, input: &Input) -> (Vec<String>, Option<Problem>) {
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
        .and_then(|f| crate::writeback::generated_sheets(std::io::BufReader::new(f)));
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
pub fn load(path: &Path, opts: &ReadOptions) -> Result<Loaded, LoadError> {
    let mut input = Input::open(path, opts.encoding.as_deref())?;
    let (generated, generated_problem) = generated_sheets(path, &input);
    let names: Vec<String> = input
        .sheet_names()
        .into_iter()
        .filter(|n| !generated.iter().any(|g| g.eq_ignore_ascii_case(n)))
        .collect();
    let mut scans = Vec::new();
    for n in &names {
        scans.push(scan_sheet(&mut input, n)?);
    }

    // Settings, grades and templates sheets come first: they shape how data is read.
    let mut src = Sources::default();
    let mut data = Dataset {
        generated_sheets: generated,
        ..Dataset::default()
    };
    data.problems.extend(generated_problem);
    for scan in &scans {
        let Some((role, header_row, map)) = &scan.found else {
            continue;
        };
        if !matches!(role, Role::Settings | Role::Grades | Role::Templates) {
            continue;
        }
        let sheet = scan.name.clone();
        let (role, header_row, map) = (*role, *header_row, map.clone());
        input.for_each_row(&sheet, |r, cells| {
            if r <= header_row {
                return true;
            }
            let get = |f: &str| map.col(f).map(|c| (c, cell_text(cells.get(c as usize))));
            let origin_of = |c: u32| {
                crate::settings::Origin::Sheet(CellRef::new(sheet.clone(), r, c).to_string())
            };
            match role {
                Role::Settings => {
                    if let (Some((_, key)), Some((vc, value))) = (get("key"), get("value"))
                        && !key.is_empty()
                    {
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
                            subject_cell: CellRef::new(sheet.clone(), r, sc),
                            body_cell: CellRef::new(sheet.clone(), r, bc),
                        });
                    }
                }
            }
            true
        })?;
    }
    let config = if let Some(p) = &opts.config {
        Some(p.clone())
    } else {
        let beside = path
            .parent()
            .map_or_else(|| PathBuf::from("dangol.toml"), |d| d.join("dangol.toml"));
        beside.is_file().then_some(beside)
    };
    if let Some(cfg) = config {
        let text = std::fs::read_to_string(&cfg).map_err(|e| {
            LoadError::Config(format!(
                "{}: cannot read the settings file: {e}",
                cfg.display()
            ))
        })?;
        src.toml = Some((cfg, text));
    }
    src.flags.clone_from(&opts.flags);
    let settings = crate::settings::load::resolve(&src)?;

    // Roles: pins first, then what the headers say.
    let mut plan: Vec<(String, Role, u32, Mapping)> = Vec::new();
    for (role, pinned) in &settings.sheet_pins {
        for name in pinned {
            let Some(scan) = scans.iter().find(|s| &s.name == name) else {
                let origin = settings
                    .origins
                    .get(&format!("sheet.{}", headers::role_name(*role)))
                    .map(ToString::to_string)
                    .unwrap_or_default();
                return Err(LoadError::Settings(SettingsError {
                    origin,
                    message: format!(
                        "sheet.{} names sheet '{name}', which is not in the workbook (sheets: {})",
                        headers::role_name(*role),
                        names.join(", ")
                    ),
                }));
            };
            match best_for_role(scan, *role) {
                Some((r, m)) if headers::satisfies(*role, &m) => {
                    plan.push((name.clone(), *role, r, m));
                }
                other => {
                    let m = other.map_or(
                        Mapping {
                            columns: vec![],
                            korean: 0,
                            others: vec![],
                        },
                        |o| o.1,
                    );
                    data.problems.push(Problem {
                        severity: Severity::Error,
                        place: name.clone(),
                        found: String::new(),
                        expected: missing_message(*role, name, &m),
                    });
                }
            }
        }
    }
    for scan in &scans {
        if plan.iter().any(|p| p.0 == scan.name) {
            continue;
        }
        match &scan.found {
            Some((role, r, m))
                if matches!(role, Role::Settings | Role::Grades | Role::Templates) =>
            {
                data.sheets.push(SheetInfo {
                    name: scan.name.clone(),
                    role: Some(*role),
                    header_row: *r,
                    columns: m.columns.clone(),
                    rows: 0,
                    bad_rows: 0,
                });
            }
            Some((role, r, m)) => {
                if settings.sheet_pins.contains_key(role) {
                    // The owner pinned this role to other sheets.
                    data.sheets.push(SheetInfo {
                        name: scan.name.clone(),
                        role: None,
                        header_row: *r,
                        columns: vec![],
                        rows: 0,
                        bad_rows: 0,
                    });
                } else {
                    plan.push((scan.name.clone(), *role, *r, m.clone()));
                }
            }
            None => {
                let near = scan
                    .rows
                    .iter()
                    .filter_map(|(_, h)| headers::near_miss(h))
                    .max_by_key(|(_, m)| m.columns.len());
                if let Some((role, m)) = near
                    && m.columns.len() >= 3
                {
                    data.problems.push(Problem {
                        severity: Severity::Error,
                        place: scan.name.clone(),
                        found: String::new(),
                        expected: missing_message(role, &scan.name, &m),
                    });
                }
                data.sheets.push(SheetInfo {
                    name: scan.name.clone(),
                    role: None,
                    header_row: 0,
                    columns: vec![],
                    rows: 0,
                    bad_rows: 0,
                });
            }
        }
    }
    // Read the data sheets in workbook order.
    plan.sort_by_key(|p| names.iter().position(|n| n == &p.0));
    let mut korean = 0;
    let mut recognised = 0;
    for (name, role, header_row, map) in plan {
        korean += map.korean;
        recognised += map.columns.len() as u32;
        let (rows_read, bad_rows) = if matches!(role, Role::Stock | Role::StockMoves) {
            // Stock sheets (SPEC §10) have their own reader.
            let mut rows = super::stock::StockRows::new(&name, role, &map, settings.date_order);
            input.for_each_row(&name, |r, cells| {
                if r > header_row {
                    rows.push(r, cells, &mut data);
                }
                true
            })?;
            rows.finish(&mut data);
            (rows.rows, rows.bad_rows)
        } else {
            let mut rows = SheetRows::new(&name, role, map.clone(), &settings);
            input.for_each_row(&name, |r, cells| {
                if r > header_row {
                    rows.push(r, cells, &mut data);
                }
                true
            })?;
            rows.finish(&mut data);
            (rows.rows, rows.bad_rows)
        };
        data.sheets.push(SheetInfo {
            name: name.clone(),
            role: Some(role),
            header_row,
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
        let mut detail = String::new();
        for scan in &scans {
            let first = scan.rows.first().map(|(r, h)| {
                format!(
                    "row {}: {}",
                    r + 1,
                    h.iter()
                        .take(8)
                        .map(|x| x.1.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            });
            detail.push_str(&format!(
                "  sheet '{}': {}\n",
                scan.name,
                first.unwrap_or_else(|| "empty".to_string())
            ));
        }
        for p in &data.problems {
            detail.push_str(&format!("  {p}\n"));
        }
        detail.push_str("A sales sheet needs a date, a customer (or e-mail) and an amount (or quantity and unit price) column; see `dangol init` for a starter workbook.");
        return Err(LoadError::NoData {
            path: path.display().to_string(),
            detail,
        });
    }
    add_notes(&mut data, &settings.cancel_prefix);
    let currency = settings.currency.unwrap_or_else(|| {
        data.currency_votes
            .iter()
            .max_by_key(|(c, n)| (**n, std::cmp::Reverse(**c)))
            .map_or(Currency::Krw, |(c, _)| *c)
    });
    data.currency_seen = data
        .currency_votes
        .iter()
        .max_by_key(|(_, n)| **n)
        .map(|(c, _)| *c);
    let header_lang = if korean * 2 > recognised {
        Lang::Ko
    } else {
        Lang::En
    };
    data.header_lang = Some(header_lang);
    let lang = match settings.lang {
        LangSetting::Fixed(l) => l,
        LangSetting::Auto => header_lang,
    };
    Ok(Loaded {
        path: path.to_path_buf(),
        data,
        settings,
        lang,
        currency,
    })
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
    if s.void_rows > 0 {
        notes.push(format!(
            "{} cancelled rows (a cancel word in the status) not counted as orders",
            s.void_rows
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
