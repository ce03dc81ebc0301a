//! `dangol funnel`'s output: the stage table described once ([`STAGE_COLUMNS`]) for the Funnel
//! sheet, the terminal, CSV and JSON; the headings, notes, lost-at-stage table and JSON
//! document around it.

use rust_decimal::Decimal;
use serde::Serialize;

use super::columns::{self, Column, Fact, JsonRows, Kind, Out, Place};
use super::table::{Cell, SheetTable};
use super::terminal;
use crate::analysis::funnel::{
    Breakdown, CountUnit, FunnelKind, FunnelTable, LostRow, PipelineFunnel, QUOTE_STAGES, StageRow,
};
use crate::model::{Currency, Lang};
use crate::settings::FunnelMode;

/// One stage row with the kind of its funnel: quote stages have Korean labels, a pipeline's
/// stages are shown as written.
#[derive(Debug, Clone)]
pub struct Stage {
    pub quote: bool,
    pub row: StageRow,
}

/// A funnel table's rows as [`Stage`]s.
pub fn stages(t: &FunnelTable) -> Vec<Stage> {
    let quote = t.kind == FunnelKind::Quote;
    t.rows
        .iter()
        .map(|row| Stage {
            quote,
            row: row.clone(),
        })
        .collect()
}

/// A stage's name for `out`: the English key in JSON and CSV, a quote stage's Korean label in
/// Korean, a pipeline's stage as written.
fn stage_name(s: &Stage, out: Out) -> Fact {
    let name = s.row.stage.as_str();
    match out {
        Out::Show(lang) if s.quote => QUOTE_STAGES
            .iter()
            .find(|(en, _)| *en == name)
            .map_or(name, |(en, ko)| lang.pick(ko, en))
            .into(),
        _ => name.into(),
    }
}

/// Every stage column, in JSON/CSV order (SPEC §5); percents and medians are decimal strings in
/// JSON, like money.
pub const STAGE_COLUMNS: &[Column<Stage>] = {
    type C = Column<Stage>;
    &[
        C::sheet("stage", ("단계", "Stage"), Kind::Text, stage_name)
            .terminal(("단계", "Stage"), Place::Yes),
        C::sheet("count", ("수", "Count"), Kind::Count, |s, _| {
            s.row.count.into()
        })
        .terminal(("수", "Count"), Place::Yes),
        C::sheet(
            "step_pct",
            ("단계 전환율", "Step conversion"),
            Kind::Percent,
            |s, _| s.row.step_pct.into(),
        )
        .terminal(("전단계 대비", "Step %"), Place::Yes),
        C::sheet(
            "cumulative_pct",
            ("누적 전환율", "Cumulative conversion"),
            Kind::Percent,
            |s, _| s.row.cumulative_pct.into(),
        )
        .terminal(("누적", "Cumulative %"), Place::Yes),
        C::sheet("drop_off", ("이탈", "Drop-off"), Kind::Count, |s, _| {
            s.row.drop_off.into()
        })
        .terminal(("이탈", "Drop-off"), Place::Yes),
        C::sheet(
            "median_days",
            ("이전 단계부터 일수(중앙값)", "Median days from previous"),
            Kind::Number,
            |s, _| s.row.median_days.into(),
        )
        .terminal(("중간 소요일", "Median days"), Place::Yes),
    ]
};

/// The Funnel sheet's table of one funnel table.
pub fn sheet_stage_table(title: String, f: &FunnelTable, lang: Lang) -> SheetTable {
    columns::sheet_table(STAGE_COLUMNS, title, &stages(f), lang)
}

/// A mode's name as JSON/CSV and the terminal show it.
pub fn mode_name(m: FunnelMode) -> &'static str {
    match m {
        FunnelMode::Reach => "reach",
        FunnelMode::Strict => "strict",
    }
}

/// A count unit's name: `quotes`, `customers`, `deals`.
pub fn unit_name(u: CountUnit) -> &'static str {
    match u {
        CountUnit::Quote => "quotes",
        CountUnit::Customer => "customers",
        CountUnit::Deal => "deals",
    }
}

/// A funnel, whichever kind, with what the renderers need.
#[derive(Debug)]
pub struct Funnel {
    /// `quote` or `pipeline`.
    pub kind: &'static str,
    pub table: FunnelTable,
    pub breakdown: Option<Breakdown>,
    pub pipeline: Option<PipelineFunnel>,
    /// The `--from`/`--to` range asked for.
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    /// What the breakdown splits by (`week`, `channel`, …).
    pub by: Option<&'static str>,
}

/// Why strict counts of a one-row-per-deal pipeline say little.
pub fn strict_needs_history(lang: Lang) -> &'static str {
    lang.pick(
        "strict 모드는 단계 이력(거래마다 거친 단계별로 한 행)이 필요합니다. 이 파이프라인 시트는 거래당 한 행(현재 단계)이라 strict는 날짜 열에 기록된 단계만 셉니다. --mode reach를 쓰세요.",
        "strict mode needs a stage history (one row per stage a deal entered); this pipeline sheet has one row per deal (its current stage), so strict counts only the stages its date columns record. Use --mode reach.",
    )
}

/// The terminal table of one funnel table, with a bar per stage.
pub fn stage_table(title: String, t: &FunnelTable, lang: Lang) -> SheetTable {
    let mut out = columns::terminal_table(STAGE_COLUMNS, title, &stages(t), lang, false);
    let max = t
        .total()
        .max(t.rows.iter().map(|r| r.count).max().unwrap_or(0));
    out.columns.push(String::new());
    for (cells, r) in out.rows.iter_mut().zip(&t.rows) {
        cells.push(Cell::text(terminal::bar(r.count, max, 20)));
    }
    out
}

/// The lost-at-stage rows of a pipeline funnel: the Funnel sheet's lost-deal table, the
/// terminal table and the JSON `lost`. A deal that counted at no stage has an empty first cell
/// in the sheet and `(none)` in the terminal (its own terminal column of the same key).
pub const LOST_COLUMNS: &[Column<LostRow>] = {
    type C = Column<LostRow>;
    &[
        C::sheet(
            "at_stage",
            ("도달 단계", "Reached stage"),
            Kind::Text,
            |l, _| l.at_stage.as_deref().into(),
        ),
        C::terminal_only(
            "at_stage",
            ("도달 단계", "Last stage"),
            Kind::Text,
            |l, out| match l.at_stage.as_deref() {
                Some(s) => s.into(),
                None => out.pick("(없음)", "(none)").into(),
            },
        ),
        C::sheet(
            "reason",
            ("이탈 사유", "Lost as"),
            Kind::Text,
            |l, _| l.reason.as_str().into(),
        )
        .on_terminal(),
        C::sheet("count", ("수", "Count"), Kind::Count, |l, _| {
            l.count.into()
        })
        .on_terminal(),
    ]
};

/// The lost-at-stage table of a pipeline funnel.
fn lost_table(title: String, lost: &[LostRow], lang: Lang) -> SheetTable {
    columns::terminal_table(LOST_COLUMNS, title, lost, lang, false)
}

fn heading(b: &Funnel, t: &FunnelTable, group: Option<&str>, lang: Lang) -> String {
    let name = if b.kind == "quote" {
        lang.pick("견적 퍼널", "Quote funnel")
    } else {
        lang.pick("파이프라인 퍼널", "Pipeline funnel")
    };
    let unit = match (t.unit, lang) {
        (CountUnit::Quote, Lang::Ko) => "견적",
        (CountUnit::Customer, Lang::Ko) => "고객",
        (CountUnit::Deal, Lang::Ko) => "거래",
        (u, Lang::En) => unit_name(u),
    };
    let mode = match (t.mode, lang) {
        (FunnelMode::Reach, Lang::Ko) => "reach (이후 단계 도달 시 이전 단계도 통과로 셈)",
        (FunnelMode::Strict, Lang::Ko) => "strict (기록된 단계만 순서대로 셈)",
        (FunnelMode::Reach, Lang::En) => "reach (a later stage counts the earlier ones)",
        (FunnelMode::Strict, Lang::En) => "strict (only stages recorded, in order)",
    };
    let group = group.map(|g| format!(" — {g}")).unwrap_or_default();
    match lang {
        Lang::Ko => format!("{name}{group} · 단위: {unit} · 모드: {mode}"),
        Lang::En => format!("{name}{group} · unit: {unit} · mode: {mode}"),
    }
}

fn range_line(b: &Funnel, lang: Lang) -> Option<String> {
    if b.from.is_none() && b.to.is_none() {
        return None;
    }
    let f = b.from.map_or_else(String::new, |d| d.to_string());
    let t = b.to.map_or_else(String::new, |d| d.to_string());
    Some(format!("{} {f} ~ {t}", lang.pick("기간:", "Period:")))
}

/// The terminal text: the funnel, its notes (range, win rate, stages left out), the
/// lost-at-stage table and the breakdown's tables.
pub fn terminal_text(b: &Funnel, lang: Lang, cur: Currency) -> String {
    let mut tables = vec![stage_table(
        heading(b, &b.table, None, lang),
        &b.table,
        lang,
    )];
    let mut notes = Vec::new();
    if let Some(r) = range_line(b, lang) {
        notes.push(r);
    }
    if let Some(p) = &b.pipeline {
        let rate = p
            .win_rate_pct
            .map_or_else(|| "-".to_string(), terminal::percent);
        notes.push(match lang {
            Lang::Ko => format!(
                "성사 {} / 종료 {} (성사율 {rate}) · 역행 {}회 ({}건)",
                p.won,
                p.closed,
                p.backward_moves,
                p.backward_by_deal.len()
            ),
            Lang::En => format!(
                "Won {} of {} closed (win rate {rate}) · backward moves: {} in {} deal(s)",
                p.won,
                p.closed,
                p.backward_moves,
                p.backward_by_deal.len()
            ),
        });
        if !p.unknown_stages.is_empty() {
            let list: Vec<String> = p
                .unknown_stages
                .iter()
                .map(|(s, n)| format!("{s} ({n})"))
                .collect();
            notes.push(format!(
                "{} {}",
                lang.pick(
                    "설정된 단계에 없는 단계(제외됨):",
                    "stages not in funnel.stages (left out):"
                ),
                list.join(", ")
            ));
        }
        if !b.table.lost.is_empty() {
            tables.push(lost_table(
                format!(
                    "{} · {}: {}",
                    lang.pick("단계별 이탈", "Lost at stage"),
                    lang.pick("모드", "mode"),
                    mode_name(b.table.mode)
                ),
                &b.table.lost,
                lang,
            ));
        }
    }
    if let Some(bd) = &b.breakdown {
        for grp in &bd.groups {
            tables.push(stage_table(
                heading(b, &grp.table, Some(&grp.key), lang),
                &grp.table,
                lang,
            ));
        }
    }
    let mut out = terminal::render_titled(&tables[0], cur);
    for n in &notes {
        out.push_str(n);
        out.push('\n');
    }
    for t in &tables[1..] {
        out.push('\n');
        out.push_str(&terminal::render_titled(t, cur));
    }
    out
}

/// A funnel table's stages as a JSON array of [`STAGE_COLUMNS`] rows.
#[derive(Debug)]
pub struct StagesJson(Vec<Stage>);

impl Serialize for StagesJson {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let rows: Vec<&Stage> = self.0.iter().collect();
        JsonRows(STAGE_COLUMNS, &rows).serialize(s)
    }
}

/// A funnel table's lost-at-stage rows as a JSON array of [`LOST_COLUMNS`] rows.
#[derive(Debug)]
pub struct LostJson(Vec<LostRow>);

impl LostJson {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for LostJson {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let rows: Vec<&LostRow> = self.0.iter().collect();
        JsonRows(LOST_COLUMNS, &rows).serialize(s)
    }
}

/// One breakdown group in JSON.
#[derive(Debug, Serialize)]
pub struct GroupJson {
    pub group: String,
    pub stages: StagesJson,
    #[serde(skip_serializing_if = "LostJson::is_empty")]
    pub lost: LostJson,
}

/// The whole `dangol funnel --format json` document.
#[derive(Debug, Serialize)]
pub struct FunnelJson {
    pub funnel: &'static str,
    pub mode: &'static str,
    pub unit: &'static str,
    pub from: Option<String>,
    pub to: Option<String>,
    pub stages: StagesJson,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lost: Option<LostJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub won: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub win_rate_pct: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backward_moves: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<GroupJson>>,
}

fn dec(d: Option<Decimal>) -> Option<String> {
    d.map(|d| d.normalize().to_string())
}

fn stages_json(t: &FunnelTable) -> StagesJson {
    StagesJson(stages(t))
}

fn lost_json(t: &FunnelTable) -> LostJson {
    LostJson(t.lost.clone())
}

/// The `--format json` document.
pub fn to_json(b: &Funnel) -> FunnelJson {
    let p = b.pipeline.as_ref();
    FunnelJson {
        funnel: b.kind,
        mode: mode_name(b.table.mode),
        unit: unit_name(b.table.unit),
        from: b.from.map(|d| d.to_string()),
        to: b.to.map(|d| d.to_string()),
        stages: stages_json(&b.table),
        lost: p.map(|_| lost_json(&b.table)),
        won: p.map(|p| p.won),
        closed: p.map(|p| p.closed),
        win_rate_pct: p.map(|p| dec(p.win_rate_pct)),
        backward_moves: p.map(|p| p.backward_moves),
        by: b.by,
        groups: b.breakdown.as_ref().map(|bd| {
            bd.groups
                .iter()
                .map(|g| GroupJson {
                    group: g.key.clone(),
                    stages: stages_json(&g.table),
                    lost: lost_json(&g.table),
                })
                .collect()
        }),
    }
}

/// The CSV: one row per stage, of the whole funnel (`group` = `(all)`) and of each group; the
/// funnel, mode, unit and group first, then [`STAGE_COLUMNS`].
pub fn csv_table(b: &Funnel) -> SheetTable {
    let mut header = vec!["funnel", "mode", "unit", "group"];
    header.extend(columns::keys(STAGE_COLUMNS));
    let mut t = SheetTable::new("", &header);
    let mut add = |group: &str, ft: &FunnelTable| {
        let stages = columns::csv_table(STAGE_COLUMNS, &stages(ft));
        for cells in stages.rows {
            let mut row = vec![
                Cell::text(b.kind),
                Cell::text(mode_name(ft.mode)),
                Cell::text(unit_name(ft.unit)),
                Cell::text(group),
            ];
            row.extend(cells);
            t.push(row);
        }
    };
    add("(all)", &b.table);
    if let Some(bd) = &b.breakdown {
        for g in &bd.groups {
            add(&g.key, &g.table);
        }
    }
    t
}
