//! The customer table, described once ([`COLUMNS`]), and every form it takes: the Customer
//! Stats sheet, the `dangol customers` terminal table, its CSV and its JSON (SPEC §5); also the
//! grade-movement and possible-duplicate listings of `dangol customers`.
//!
//! To add a customer column, add one line to [`COLUMNS`]: JSON and CSV get it at that place,
//! the sheet and the terminal table where its [`Place`]s say.

use std::io::Write as _;

use serde::Serialize;

use super::columns::{self, Column, Fact, JsonRows, Kind, Out, Place};
use super::table::{GeneratedSheet, SheetContent, SheetTable};
use super::{csv_out, terminal};
use crate::analysis::customers::{
    CustomerStats, CustomerTable, Direction, DuplicateGroup, DuplicateReason, GradeChange,
};
use crate::model::{Currency, Lang};
use crate::settings::GradeKind;

/// A segment's name for `out` (English in JSON and CSV).
fn segment(c: &CustomerStats, out: Out) -> Fact {
    c.segment.map(|s| out.pick(s.name_ko(), s.name_en())).into()
}

/// Every customer column, in JSON/CSV order (SPEC §5 field names). The sheet shows the columns
/// with a Korean/English header, the terminal those with a `.terminal(…)` header.
pub const COLUMNS: &[Column<CustomerStats>] = {
    type C = Column<CustomerStats>;
    &[
        C::sheet("customer", ("고객", "Customer"), Kind::Text, |c, _| {
            c.display_name().into()
        })
        .terminal(("고객", "Customer"), Place::Yes),
        C::sheet("key", ("고객 키", "Key"), Kind::Key, |c, _| {
            c.key.as_str().into()
        }),
        C::sheet("email", ("이메일", "Email"), Kind::Email, |c, _| {
            c.email.as_deref().into()
        }),
        C::sheet("phone", ("전화", "Phone"), Kind::Phone, |c, _| {
            c.phone.as_deref().into()
        }),
        C::sheet("group", ("그룹", "Group"), Kind::Text, |c, _| {
            c.group.as_deref().into()
        })
        .sheet_last(),
        C::data("opt_out", Kind::Flag, |c, _| c.opt_out.into()),
        C::sheet("orders", ("주문 수", "Orders"), Kind::Count, |c, _| {
            c.orders.into()
        })
        .terminal(("주문", "Orders"), Place::Yes),
        C::sheet("total", ("순매출", "Net total"), Kind::Money, |c, _| {
            c.total.into()
        })
        .terminal(("합계", "Total"), Place::Yes),
        C::sheet(
            "avg_order",
            ("평균 주문액", "Avg order"),
            Kind::Money,
            |c, _| c.avg_order.into(),
        )
        .terminal(("평균 주문", "Avg order"), Place::Yes),
        C::sheet(
            "first_order",
            ("첫 주문", "First order"),
            Kind::Date,
            |c, _| c.first_order.into(),
        ),
        C::sheet(
            "last_order",
            ("최근 주문", "Last order"),
            Kind::Date,
            |c, _| c.last_order.into(),
        )
        .terminal(("최근 주문", "Last order"), Place::Yes),
        C::sheet(
            "recency_days",
            ("경과일", "Recency (days)"),
            Kind::Count,
            |c, _| c.recency_days.into(),
        )
        .terminal(("경과일", "Days since"), Place::Yes),
        C::data("tenure_days", Kind::Count, |c, _| c.tenure_days.into()),
        C::data("orders_all", Kind::Count, |c, _| c.orders_all.into()),
        C::data("total_all", Kind::Money, |c, _| c.total_all.into()),
        C::data("quotes", Kind::Count, |c, _| c.quoting().quotes.into()),
        C::data("opens", Kind::Count, |c, _| c.quoting().opens.into()),
        C::data("responses", Kind::Count, |c, _| {
            c.quoting().responses.into()
        }),
        C::data("conversions", Kind::Count, |c, _| {
            c.quoting().conversions.into()
        }),
        C::data("open_rate", Kind::Rate, |c, _| c.quoting().open_rate.into()),
        C::data("conversion_rate", Kind::Rate, |c, _| {
            c.quoting().conversion_rate.into()
        }),
        C::data("days_since_last_quote", Kind::Count, |c, _| {
            c.quoting().days_since_last_quote.into()
        }),
        C::data("reminders", Kind::Count, |c, _| {
            c.quoting().reminders.into()
        }),
        C::sheet("r", ("R", "R"), Kind::Count, |c, _| c.r.into()),
        C::sheet("f", ("F", "F"), Kind::Count, |c, _| c.f.into()),
        C::sheet("m", ("M", "M"), Kind::Count, |c, _| c.m.into()),
        C::sheet("segment", ("세그먼트", "Segment"), Kind::Text, segment)
            .terminal(("RFM 세그먼트", "RFM segment"), Place::Yes),
        C::data("total_rank_pct", Kind::Count, |c, _| {
            c.total_rank_pct.into()
        }),
        // Owner-defined grades carry the name as written in both languages.
        C::sheet(
            "vip_grade",
            ("VIP 등급", "VIP grade"),
            Kind::Text,
            |c, out| c.vip.name.in_lang(out.lang()).into(),
        )
        .terminal(("VIP 등급", "VIP grade"), Place::Yes),
        C::sheet(
            "vip_reason",
            ("VIP 등급 사유", "VIP reason"),
            Kind::Text,
            |c, out| Fact::Text(c.vip.reason_in(c, out.lang())),
        )
        .terminal(("VIP 근거", "VIP reason"), Place::Verbose),
        C::sheet(
            "responder_grade",
            ("응답 등급", "Responder grade"),
            Kind::Text,
            |c, out| c.responder.name.in_lang(out.lang()).into(),
        )
        .terminal(("응답 등급", "Responder"), Place::Yes),
        C::sheet(
            "responder_reason",
            ("응답 등급 사유", "Responder reason"),
            Kind::Text,
            |c, out| Fact::Text(c.responder.reason_in(c, out.lang())),
        )
        .terminal(("응답 근거", "Responder reason"), Place::Verbose),
    ]
};

/// The Customer Stats sheet: one row per customer, the biggest net total first (ties by
/// customer key, so the order is the same on every run).
pub fn stats_sheet(table: &CustomerTable, lang: Lang) -> SheetContent {
    let title = format!(
        "{} {} ~ {}",
        lang.pick("집계 기간", "Window"),
        table.window_start.format("%Y-%m-%d"),
        table.as_of.format("%Y-%m-%d"),
    );
    let mut rows: Vec<_> = table.rows.iter().collect();
    rows.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.key.cmp(&b.key)));
    SheetContent {
        sheet: GeneratedSheet::CustomerStats,
        tables: vec![columns::sheet_table(COLUMNS, title, rows, lang)],
    }
}

/// The terminal table of the customers `rows` (already filtered and sorted).
pub fn terminal_table(
    table: &CustomerTable,
    rows: &[&CustomerStats],
    lang: Lang,
    verbose: bool,
) -> SheetTable {
    let (n, as_of, days, start) = (
        rows.len(),
        table.as_of,
        table.lookback_days,
        table.window_start,
    );
    let title = match lang {
        Lang::Ko => format!("고객 {n}명 · {as_of} 기준 · 최근 {days}일 ({start} ~ {as_of})"),
        Lang::En => format!("{n} customers · as of {as_of} · last {days} days ({start} ~ {as_of})"),
    };
    columns::terminal_table(COLUMNS, title, rows.iter().copied(), lang, verbose)
}

/// The terminal text: the table, then how many of the matching customers are shown (those of
/// the `--grade` filter, else everyone), and which RFM method scored them, why, and with which
/// cut points.
pub fn terminal_text(
    table: &CustomerTable,
    rows: &[&CustomerStats],
    matched: usize,
    grade: Option<&str>,
    (lang, currency, verbose): (Lang, Currency, bool),
) -> String {
    let t = terminal_table(table, rows, lang, verbose);
    let mut s = terminal::render_titled(&t, currency);
    let shown = rows.len();
    if shown < matched {
        s.push_str(&match (lang, grade) {
            (Lang::Ko, Some(g)) => format!("({g} {matched}명 중 {shown}명 표시)\n"),
            (Lang::Ko, None) => format!("(전체 {matched}명 중 {shown}명 표시)\n"),
            (Lang::En, Some(g)) => format!("({shown} of {matched} {g} customers shown)\n"),
            (Lang::En, None) => format!("({shown} of {matched} customers shown)\n"),
        });
    }
    s.push_str(&table.rfm_cuts.describe(lang, table.lookback_days));
    s.push('\n');
    s
}

/// The CSV of the customers `rows`: every column, SPEC §5 field names.
pub fn csv(rows: &[&CustomerStats]) -> anyhow::Result<String> {
    let t = columns::csv_table(COLUMNS, rows.iter().copied());
    Ok(String::from_utf8(csv_out::to_csv(&t)?)?)
}

/// [`csv`] written to stdout a customer at a time, through a buffer (the same bytes; a closed
/// pipe is not an error): the table of every customer's cells, and the text of it, are never
/// held whole — for 80,000 customers they were some 100 MB.
pub fn stream_csv(rows: &[&CustomerStats]) -> anyhow::Result<()> {
    let out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    match write_csv(rows, out) {
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            Ok(())
        }
        other => other,
    }
}

/// The bytes of [`csv`] into `out`, a run of customers at a time (an error writing is the
/// `std::io::Error` itself). With more than one run, every other run is formatted on a second
/// thread while this one formats and writes the rest in order: formatting, not writing, is
/// what takes the time (for 80,000 customers a fifth of a second on one core), and the reading
/// that used both cores is done by now.
pub fn write_csv(rows: &[&CustomerStats], mut out: impl std::io::Write) -> anyhow::Result<()> {
    out.write_all(csv_out::BOM.as_bytes())?;
    let header = columns::csv_table(COLUMNS, std::iter::empty());
    let mut w = csv_writer(Vec::new());
    w.write_record(
        header
            .columns
            .iter()
            .map(|c| csv_out::neutralise(c).into_owned()),
    )?;
    out.write_all(&csv_bytes(w)?)?;
    let cols: Vec<&Column<CustomerStats>> = COLUMNS.iter().filter(|c| c.csv).collect();
    let runs: Vec<&[&CustomerStats]> = rows.chunks(CSV_RUN).collect();
    if runs.len() < 2 {
        for run in &runs {
            out.write_all(&csv_records(run, &cols)?)?;
        }
        out.flush()?;
        return Ok(());
    }
    let lang = crate::i18n::current();
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<anyhow::Result<Vec<u8>>>(2);
        let (theirs, their_cols) = (&runs, &cols);
        let helper = std::thread::Builder::new()
            .name("dangol-csv-out".into())
            .spawn_scoped(s, move || {
                if let Some(l) = lang {
                    crate::i18n::set_current(l);
                }
                for run in theirs.iter().skip(1).step_by(2) {
                    // This side stops taking them after an error of its own.
                    if tx.send(csv_records(run, their_cols)).is_err() {
                        break;
                    }
                }
            });
        for (i, run) in runs.iter().enumerate() {
            let bytes = match (&helper, i % 2) {
                (Ok(_), 1) => rx
                    .recv()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("the CSV's second thread stopped")))?,
                // No second thread could be started: this one formats every run.
                _ => csv_records(run, &cols)?,
            };
            out.write_all(&bytes)?;
        }
        out.flush()?;
        Ok(())
    })
}

/// The customers [`write_csv`] formats at once: some 80 KB of CSV.
const CSV_RUN: usize = 256;

/// The CSV writer of the customer table: CRLF line ends, fields quoted when they need it.
fn csv_writer(into: Vec<u8>) -> ::csv::Writer<Vec<u8>> {
    ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(into)
}

/// The records of `rows`, each customer's cells written one by one, as `csv_table` would put
/// them in its row, without a table and a copy of every text per customer.
fn csv_records(
    rows: &[&CustomerStats],
    cols: &[&Column<CustomerStats>],
) -> anyhow::Result<Vec<u8>> {
    let mut w = csv_writer(Vec::with_capacity(rows.len() * 320));
    for row in rows {
        for c in cols {
            let cell = c.cell(row, Out::Data);
            w.write_field(csv_out::cell_text(&cell).as_bytes())?;
        }
        w.write_record(None::<&[u8]>)?;
    }
    csv_bytes(w)
}

/// What a CSV writer over memory holds.
fn csv_bytes(w: ::csv::Writer<Vec<u8>>) -> anyhow::Result<Vec<u8>> {
    w.into_inner().map_err(|e| anyhow::anyhow!("{}", e.error()))
}

/// The JSON of one customer (SPEC §5 field names, built-in names in English).
pub fn json_row(c: &CustomerStats) -> columns::JsonRow<'_, CustomerStats> {
    columns::JsonRow(COLUMNS, c)
}

/// Write the customers `rows` to stdout as a pretty JSON array, a row at a time, through a
/// buffer (a closed pipe is not an error).
pub fn stream_json(rows: &[&CustomerStats]) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = serde_json::to_writer_pretty(&mut out, &JsonRows(COLUMNS, rows))
        .map_err(std::io::Error::from)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

fn json<T: Serialize + ?Sized>(v: &T) -> anyhow::Result<String> {
    let mut s = serde_json::to_string_pretty(v)?;
    s.push('\n');
    Ok(s)
}

/// The grade changes: the Grade Changes sheet, and `dangol customers --movement` — its
/// terminal table with shorter headers and arrows, JSON and CSV every key but the reason with
/// stable English words (`vip`, `upgrade`).
pub const CHANGE_COLUMNS: &[Column<GradeChange>] = {
    type C = Column<GradeChange>;
    &[
        C::sheet("customer", ("고객", "Customer"), Kind::Text, |c, _| {
            c.name.as_str().into()
        })
        .on_terminal(),
        C::sheet("key", ("고객 키", "Key"), Kind::Key, |c, _| {
            c.key.as_str().into()
        }),
        C::sheet(
            "kind",
            ("등급 종류", "Grade kind"),
            Kind::Text,
            |c, out| {
                match (c.kind, out) {
                    (GradeKind::Vip, Out::Data) => "vip",
                    (GradeKind::Responder, Out::Data) => "responder",
                    (GradeKind::Vip, Out::Show(_)) => "VIP",
                    (GradeKind::Responder, Out::Show(lang)) => lang.pick("응답", "Responder"),
                }
                .into()
            },
        )
        .terminal(("구분", "Kind"), Place::Yes),
        C::sheet("from", ("이전 등급", "From"), Kind::Text, |c, out| {
            c.from.name.in_lang(out.lang()).into()
        })
        .terminal(("이전", "From"), Place::Yes),
        C::sheet("to", ("현재 등급", "To"), Kind::Text, |c, out| {
            c.to.name.in_lang(out.lang()).into()
        })
        .terminal(("현재", "To"), Place::Yes),
        C::sheet("direction", ("변동", "Change"), Kind::Text, |c, out| {
            match (c.direction, out) {
                (Direction::Upgrade, Out::Data) => "upgrade",
                (Direction::Downgrade, Out::Data) => "downgrade",
                (Direction::Upgrade, Out::Show(lang)) => lang.pick("상향", "Upgrade"),
                (Direction::Downgrade, Out::Show(lang)) => lang.pick("하향", "Downgrade"),
            }
            .into()
        }),
        C::terminal_only("direction", ("변동", "Change"), Kind::Text, |c, out| {
            match c.direction {
                Direction::Upgrade => out.pick("▲ 상승", "▲ up"),
                Direction::Downgrade => out.pick("▼ 하락", "▼ down"),
            }
            .into()
        }),
        C::sheet("reason", ("사유", "Reason"), Kind::Text, |c, out| {
            c.reason_in(out.lang()).into()
        })
        .sheet_only(),
    ]
};

/// `dangol customers --movement` in `format`: the grade changes since `since`.
pub fn movement(
    changes: &[GradeChange],
    since: chrono::NaiveDate,
    format: crate::cli::Format,
    (lang, currency): (Lang, Currency),
) -> anyhow::Result<String> {
    use crate::cli::Format;
    Ok(match format {
        Format::Json => json(&JsonRows(
            CHANGE_COLUMNS,
            &changes.iter().collect::<Vec<_>>(),
        ))?,
        Format::Csv => {
            let t = columns::csv_table(CHANGE_COLUMNS, changes);
            String::from_utf8(csv_out::to_csv(&t)?)?
        }
        Format::Table | Format::Xlsx => {
            let title = match lang {
                Lang::Ko => format!("등급 변동: {since}(지난주 말) 이후 {}건", changes.len()),
                Lang::En => format!(
                    "Grade changes since {since} (end of last week): {}",
                    changes.len()
                ),
            };
            if changes.is_empty() {
                format!("{title}\n")
            } else {
                let t = columns::terminal_table(CHANGE_COLUMNS, title, changes, lang, false);
                terminal::stdout_text(&terminal::render_titled(&t, currency)).into_owned()
            }
        }
    })
}

/// One group of customers that may be one person, as listed.
pub struct DuplicateRow {
    /// `phone` or `name`.
    pub by: &'static str,
    pub value: String,
    pub keys: Vec<String>,
    /// The customers as shown: `name <key>`, else the key, joined by `, `.
    pub names: String,
}

/// The `--duplicates` columns: the terminal shows the headers, CSV the keys (the JSON is the
/// analysis's groups as they are).
const DUPLICATE_COLUMNS: &[Column<DuplicateRow>] = {
    type C = Column<DuplicateRow>;
    &[
        C::sheet("by", ("같은", "Same"), Kind::Text, |d, out| {
            match (out, d.by) {
                (Out::Data, by) => by,
                (Out::Show(lang), "phone") => lang.pick("전화번호", "phone"),
                (Out::Show(lang), _) => lang.pick("이름", "name"),
            }
            .into()
        }),
        C::sheet("value", ("값", "Value"), Kind::Text, |d, _| {
            d.value.as_str().into()
        }),
        C::sheet(
            "keys",
            ("고객", "Customers"),
            Kind::Text,
            |d, out| match out {
                Out::Data => Fact::Text(d.keys.join("; ")),
                Out::Show(_) => d.names.as_str().into(),
            },
        ),
    ]
};

/// `dangol customers --duplicates` in `format`: the groups of customers that may be one
/// person.
pub fn duplicates(
    groups: &[DuplicateGroup],
    table: &CustomerTable,
    format: crate::cli::Format,
    (lang, currency): (Lang, Currency),
) -> anyhow::Result<String> {
    use crate::cli::Format;
    let names = |keys: &[String]| {
        keys.iter()
            .map(|k| match table.get(k).and_then(|r| r.name.as_deref()) {
                Some(n) if n != k => format!("{n} <{k}>"),
                _ => k.clone(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let rows: Vec<DuplicateRow> = groups
        .iter()
        .map(|g| {
            let (by, value) = match &g.reason {
                DuplicateReason::Phone(p) => ("phone", p.clone()),
                DuplicateReason::Name(n) => ("name", n.clone()),
            };
            DuplicateRow {
                by,
                value,
                keys: g.keys.clone(),
                names: names(&g.keys),
            }
        })
        .collect();
    Ok(match format {
        Format::Json => json(groups)?,
        Format::Csv => {
            let c = columns::csv_table(DUPLICATE_COLUMNS, &rows);
            String::from_utf8(csv_out::to_csv(&c)?)?
        }
        Format::Table | Format::Xlsx => {
            if groups.is_empty() {
                return Ok(format!(
                    "{}\n",
                    lang.pick(
                        "같은 사람일 수 있는 고객이 없습니다.",
                        "No possible duplicate customers found."
                    )
                ));
            }
            let title = match lang {
                Lang::Ko => format!(
                    "같은 사람일 수 있는 고객 {}묶음 (자동으로 합치지 않습니다)",
                    groups.len()
                ),
                Lang::En => format!(
                    "{} group(s) of customers that may be one person (never merged automatically)",
                    groups.len()
                ),
            };
            let t = columns::sheet_table(DUPLICATE_COLUMNS, title, &rows, lang);
            terminal::render_titled(&t, currency)
        }
    })
}
