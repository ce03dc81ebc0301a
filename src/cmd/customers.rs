//! `dangol customers`: per-customer stats, RFM segment, VIP and responder grades; grade
//! movement since last week; possible duplicates.

use std::cmp::Reverse;
use std::path::PathBuf;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::analysis::customers::{
    CustomerJson, CustomerStats, CustomerTable, Direction, DuplicateGroup, DuplicateReason,
    GradeChange, customer_table, grade_changes, possible_duplicates, previous_week_end,
};
use crate::cli::{Format, Global};
use crate::exit::Exit;
use crate::ingest::Loaded;
use crate::model::Lang;
use crate::render::table::{Cell, SheetTable};
use crate::render::{csv_out, terminal};
use crate::settings::{GradeKind, GradeName, Settings};

/// The order customers are listed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SortKey {
    /// Net total in the lookback window, highest first.
    Total,
    /// Orders in the window, most first.
    Orders,
    /// Days since the last order, most recent first (no orders last).
    Recency,
    /// Name, A→Z / 가→힣.
    Name,
    /// Last order date, newest first (no orders last).
    LastOrder,
}

/// Customer statistics, RFM segments, VIP and responder grades (with reasons on --verbose).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  dangol customers shop.xlsx                          # everyone, biggest spenders first
  dangol customers shop.xlsx --top 20 --sort orders
  dangol customers shop.xlsx --grade VIP --verbose    # the VIP list and why each is VIP
  dangol customers shop.xlsx --movement               # upgrades/downgrades since last week
  dangol customers shop.xlsx --duplicates             # customers that may be one person
  dangol customers shop.xlsx --format csv > customers.csv
  dangol customers shop.xlsx --format json --as-of 2025-04-15
JSON and CSV use the SPEC's English field names (customer, orders, total, avg_order, …) and
English names for built-in grades and segments, whatever --lang says.")]
pub struct Args {
    /// The workbook or CSV file.
    pub workbook: PathBuf,
    /// Sort order.
    #[arg(long, value_enum, default_value_t = SortKey::Total)]
    pub sort: SortKey,
    /// Show only the first N customers (after sorting and filtering).
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,
    /// Only customers with this VIP grade (else responder grade), e.g. VIP, Gold, 골드, 관심고객.
    #[arg(long, value_name = "NAME")]
    pub grade: Option<String>,
    /// Show grade upgrades and downgrades since the end of the previous week instead.
    #[arg(long, conflicts_with = "duplicates")]
    pub movement: bool,
    /// Show groups of customers that may be one person (same phone or same name) instead.
    #[arg(long)]
    pub duplicates: bool,
}

/// Run the command.
pub fn run(args: &Args, g: &Global) -> anyhow::Result<Exit> {
    let loaded = super::load(&args.workbook, g)?;
    super::warn_unusable_rows(&loaded);
    let as_of = super::as_of(g);
    let d = &loaded.data;
    if args.movement {
        let changes = grade_changes(&d.sales, &d.quotes, &d.customers, &loaded.settings, as_of);
        let since = previous_week_end(as_of, loaded.settings.week_start);
        return finish(&movement_output(&changes, since, &loaded, g.format)?, g);
    }
    let mut table = customer_table(&d.sales, &d.quotes, &d.customers, &loaded.settings, as_of);
    crate::analysis::groups::tag_groups(d, &loaded.settings, &mut table);
    if args.duplicates {
        let groups = possible_duplicates(&table);
        return finish(&duplicates_output(&groups, &table, &loaded, g.format)?, g);
    }
    let (rows, matched) = match select(&table, args, &loaded.settings) {
        Ok(r) => r,
        Err(msg) => {
            crate::i18n::eprint_error(crate::i18n::lang_of(g), &msg);
            return Ok(Exit::Usage);
        }
    };
    let text = match g.format {
        // Streamed a row at a time: a million customers are never a second copy in memory.
        Format::Json if !g.quiet => return stream_json(&rows).map(|()| Exit::Ok),
        Format::Json => String::new(),
        Format::Csv => {
            let t = csv_table(
                &rows
                    .iter()
                    .map(|s| CustomerJson::from(*s))
                    .collect::<Vec<_>>(),
            );
            String::from_utf8(csv_out::to_csv(&t)?)?
        }
        Format::Table | Format::Xlsx => {
            let t = terminal_table(&table, &rows, loaded.lang, g.verbose);
            let mut s = terminal::render_titled(&t, loaded.currency);
            let filter = args.grade.as_deref().map(str::trim);
            s.push_str(&footer(&table, rows.len(), matched, filter, loaded.lang));
            s
        }
    };
    finish(&text, g)
}

/// The rows as a pretty JSON array, each converted to [`CustomerJson`] only as it is written.
struct JsonRows<'a>(&'a [&'a CustomerStats]);

impl Serialize for JsonRows<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|r| CustomerJson::from(*r)))
    }
}

/// Write the JSON rows to stdout through a buffer (a closed pipe is not an error).
fn stream_json(rows: &[&CustomerStats]) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = serde_json::to_writer_pretty(&mut out, &JsonRows(rows))
        .map_err(std::io::Error::from)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

fn finish(text: &str, g: &Global) -> anyhow::Result<Exit> {
    if !g.quiet {
        super::emit(text)?;
    }
    Ok(Exit::Ok)
}

fn json<T: Serialize>(v: &T) -> anyhow::Result<String> {
    let mut s = serde_json::to_string_pretty(v)?;
    s.push('\n');
    Ok(s)
}

/// Filter by grade, sort, cut to `--top`; also returns how many customers matched before the
/// cut. `--grade` names a grade of the VIP table (else of the responder table), in either
/// language, any case; a name neither table has is a usage error that lists the grades there
/// are.
pub fn select<'a>(
    table: &'a CustomerTable,
    args: &Args,
    settings: &Settings,
) -> Result<(Vec<&'a CustomerStats>, usize), String> {
    let mut rows: Vec<&CustomerStats> = table.rows.iter().collect();
    if let Some(want) = &args.grade {
        let want_l = want.trim().to_lowercase();
        let is = |n: &GradeName| n.en.to_lowercase() == want_l || n.ko.to_lowercase() == want_l;
        let kind = if settings.vip_rules.iter().any(|r| is(&r.grade)) {
            GradeKind::Vip
        } else if settings.responder_rules.iter().any(|r| is(&r.grade)) {
            GradeKind::Responder
        } else {
            let lang = crate::i18n::current().unwrap_or(crate::model::Lang::En);
            let mut names: Vec<&str> = Vec::new();
            for r in settings.vip_rules.iter().chain(&settings.responder_rules) {
                let name = lang.pick(&r.grade.ko, &r.grade.en);
                if !names.contains(&name) {
                    names.push(name);
                }
            }
            let (want, grades) = (format!("{want:?}"), names.join(", "));
            return Err(crate::msg!(lang, NoSuchGrade, want = want, grades = grades));
        };
        rows.retain(|r| is(&r.grade(kind).name));
    }
    match args.sort {
        SortKey::Total => rows.sort_by(|a, b| b.total.cmp(&a.total).then(a.key.cmp(&b.key))),
        SortKey::Orders => rows.sort_by(|a, b| {
            b.orders
                .cmp(&a.orders)
                .then(b.total.cmp(&a.total))
                .then(a.key.cmp(&b.key))
        }),
        SortKey::Recency => {
            rows.sort_by_key(|r| (r.recency_days.is_none(), r.recency_days, &r.key));
        }
        SortKey::Name => rows.sort_by(|a, b| {
            a.display_name()
                .cmp(b.display_name())
                .then(a.key.cmp(&b.key))
        }),
        SortKey::LastOrder => {
            rows.sort_by_key(|r| (r.last_order.is_none(), Reverse(r.last_order), &r.key));
        }
    }
    let matched = rows.len();
    if let Some(n) = args.top {
        rows.truncate(n);
    }
    Ok((rows, matched))
}

/// The terminal table of customers.
pub fn terminal_table(
    table: &CustomerTable,
    rows: &[&CustomerStats],
    lang: Lang,
    verbose: bool,
) -> SheetTable {
    let mut cols = vec![
        lang.pick("고객", "Customer"),
        lang.pick("주문", "Orders"),
        lang.pick("합계", "Total"),
        lang.pick("평균 주문", "Avg order"),
        lang.pick("최근 주문", "Last order"),
        lang.pick("경과일", "Days since"),
        lang.pick("RFM 세그먼트", "RFM segment"),
        lang.pick("VIP 등급", "VIP grade"),
        lang.pick("응답 등급", "Responder"),
    ];
    if verbose {
        cols.push(lang.pick("VIP 근거", "VIP reason"));
        cols.push(lang.pick("응답 근거", "Responder reason"));
    }
    let title = match lang {
        Lang::Ko => format!(
            "고객 {}명 · {} 기준 · 최근 {}일 ({} ~ {})",
            rows.len(),
            table.as_of,
            table.lookback_days,
            table.window_start,
            table.as_of
        ),
        Lang::En => format!(
            "{} customers · as of {} · last {} days ({} ~ {})",
            rows.len(),
            table.as_of,
            table.lookback_days,
            table.window_start,
            table.as_of
        ),
    };
    let mut t = SheetTable::new(title, &cols);
    for r in rows {
        let mut row = vec![
            Cell::text(r.display_name()),
            Cell::Int(i64::from(r.orders)),
            Cell::Money(r.total),
            r.avg_order.map_or(Cell::Empty, Cell::Money),
            r.last_order.into(),
            r.recency_days.map_or(Cell::Empty, Cell::Int),
            r.segment.map_or(Cell::Empty, |s| {
                Cell::text(lang.pick(s.name_ko(), s.name_en()))
            }),
            Cell::text(r.vip.name.in_lang(lang)),
            Cell::text(r.responder.name.in_lang(lang)),
        ];
        if verbose {
            row.push(Cell::text(r.vip.reason_in(lang)));
            row.push(Cell::text(r.responder.reason_in(lang)));
        }
        t.push(row);
    }
    t
}

/// The lines under the terminal table: how many of the matching customers are shown (those
/// of the `--grade` filter, else everyone), and which RFM method scored them, why, and with
/// which cut points.
fn footer(
    table: &CustomerTable,
    shown: usize,
    matched: usize,
    grade: Option<&str>,
    lang: Lang,
) -> String {
    let mut s = String::new();
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

/// Every [`CustomerJson`] field, in order: the CSV header.
pub const CSV_FIELDS: [&str; 32] = [
    "customer",
    "key",
    "email",
    "phone",
    "group",
    "opt_out",
    "orders",
    "total",
    "avg_order",
    "first_order",
    "last_order",
    "recency_days",
    "tenure_days",
    "orders_all",
    "total_all",
    "quotes",
    "opens",
    "responses",
    "conversions",
    "open_rate",
    "conversion_rate",
    "days_since_last_quote",
    "reminders",
    "r",
    "f",
    "m",
    "segment",
    "total_rank_pct",
    "vip_grade",
    "vip_reason",
    "responder_grade",
    "responder_reason",
];

/// The CSV table: the JSON rows' values, typed so that text is neutralised and numbers
/// (a negative total included) stay numbers.
pub fn csv_table(rows: &[CustomerJson]) -> SheetTable {
    let mut t = SheetTable::new("", &CSV_FIELDS);
    let text = |s: &Option<String>| s.as_deref().map_or(Cell::Empty, Cell::text);
    // The JSON money strings are `Decimal::to_string` output: they parse back exactly.
    let money = |s: &str| {
        s.parse::<Decimal>()
            .map_or_else(|_| Cell::text(s), Cell::Money)
    };
    let opt_money = |s: &Option<String>| s.as_deref().map_or(Cell::Empty, money);
    let num = |s: &Option<String>| {
        s.as_deref().map_or(Cell::Empty, |s| {
            s.parse::<Decimal>()
                .map_or_else(|_| Cell::text(s), Cell::Number)
        })
    };
    let int = |v: Option<i64>| v.map_or(Cell::Empty, Cell::Int);
    let small = |v: Option<u8>| v.map_or(Cell::Empty, |v| Cell::Int(i64::from(v)));
    for r in rows {
        let date = text;
        t.push(vec![
            Cell::text(r.customer.as_str()),
            Cell::text(r.key.as_str()),
            text(&r.email),
            text(&r.phone),
            text(&r.group),
            Cell::Bool(r.opt_out),
            Cell::Int(i64::from(r.orders)),
            money(&r.total),
            opt_money(&r.avg_order),
            date(&r.first_order),
            date(&r.last_order),
            int(r.recency_days),
            int(r.tenure_days),
            Cell::Int(i64::from(r.orders_all)),
            money(&r.total_all),
            Cell::Int(i64::from(r.quotes)),
            Cell::Int(i64::from(r.opens)),
            Cell::Int(i64::from(r.responses)),
            Cell::Int(i64::from(r.conversions)),
            num(&r.open_rate),
            num(&r.conversion_rate),
            int(r.days_since_last_quote),
            Cell::Int(i64::from(r.reminders)),
            small(r.r),
            small(r.f),
            small(r.m),
            r.segment.map_or(Cell::Empty, |s| Cell::text(s.name_en())),
            r.total_rank_pct
                .map_or(Cell::Empty, |v| Cell::Int(i64::from(v))),
            Cell::text(r.vip_grade.as_str()),
            Cell::text(r.vip_reason.as_str()),
            Cell::text(r.responder_grade.as_str()),
            Cell::text(r.responder_reason.as_str()),
        ]);
    }
    t
}

/// One grade change as JSON/CSV show it (English built-in names).
#[derive(Debug, Serialize)]
struct ChangeJson<'a> {
    customer: &'a str,
    key: &'a str,
    kind: &'static str,
    from: &'a str,
    to: &'a str,
    direction: Direction,
}

fn kind_name(k: GradeKind) -> &'static str {
    match k {
        GradeKind::Vip => "vip",
        GradeKind::Responder => "responder",
    }
}

fn movement_output(
    changes: &[GradeChange],
    since: chrono::NaiveDate,
    loaded: &Loaded,
    format: Format,
) -> anyhow::Result<String> {
    let lang = loaded.lang;
    let rows: Vec<ChangeJson<'_>> = changes
        .iter()
        .map(|c| ChangeJson {
            customer: &c.name,
            key: &c.key,
            kind: kind_name(c.kind),
            from: &c.from.name.en,
            to: &c.to.name.en,
            direction: c.direction,
        })
        .collect();
    let mut t = SheetTable::new(
        match lang {
            Lang::Ko => format!("등급 변동: {since}(지난주 말) 이후 {}건", changes.len()),
            Lang::En => format!(
                "Grade changes since {since} (end of last week): {}",
                changes.len()
            ),
        },
        &[
            lang.pick("고객", "Customer"),
            lang.pick("구분", "Kind"),
            lang.pick("이전", "From"),
            lang.pick("현재", "To"),
            lang.pick("변동", "Change"),
        ],
    );
    for c in changes {
        let kind = match c.kind {
            GradeKind::Vip => "VIP",
            GradeKind::Responder => lang.pick("응답", "Responder"),
        };
        let dir = match c.direction {
            Direction::Upgrade => lang.pick("▲ 상승", "▲ up"),
            Direction::Downgrade => lang.pick("▼ 하락", "▼ down"),
        };
        t.push(vec![
            Cell::text(c.name.as_str()),
            Cell::text(kind),
            Cell::text(c.from.name.in_lang(lang)),
            Cell::text(c.to.name.in_lang(lang)),
            Cell::text(dir),
        ]);
    }
    Ok(match format {
        Format::Json => json(&rows)?,
        Format::Csv => {
            let mut c =
                SheetTable::new("", &["customer", "key", "kind", "from", "to", "direction"]);
            for r in &rows {
                let dir = match r.direction {
                    Direction::Upgrade => "upgrade",
                    Direction::Downgrade => "downgrade",
                };
                c.push(vec![
                    Cell::text(r.customer),
                    Cell::text(r.key),
                    Cell::text(r.kind),
                    Cell::text(r.from),
                    Cell::text(r.to),
                    Cell::text(dir),
                ]);
            }
            String::from_utf8(csv_out::to_csv(&c)?)?
        }
        Format::Table | Format::Xlsx => {
            if changes.is_empty() {
                format!("{}\n", t.title)
            } else {
                terminal::stdout_text(&terminal::render_titled(&t, loaded.currency)).into_owned()
            }
        }
    })
}

fn duplicates_output(
    groups: &[DuplicateGroup],
    table: &CustomerTable,
    loaded: &Loaded,
    format: Format,
) -> anyhow::Result<String> {
    let lang = loaded.lang;
    let names = |keys: &[String]| {
        keys.iter()
            .map(|k| match table.get(k).and_then(|r| r.name.as_deref()) {
                Some(n) if n != k => format!("{n} <{k}>"),
                _ => k.clone(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let parts = |g: &DuplicateGroup| match &g.reason {
        DuplicateReason::Phone(p) => ("phone", p.clone()),
        DuplicateReason::Name(n) => ("name", n.clone()),
    };
    Ok(match format {
        Format::Json => json(&groups)?,
        Format::Csv => {
            let mut c = SheetTable::new("", &["by", "value", "keys"]);
            for g in groups {
                let (by, v) = parts(g);
                c.push(vec![
                    Cell::text(by),
                    Cell::text(v),
                    Cell::text(g.keys.join("; ")),
                ]);
            }
            String::from_utf8(csv_out::to_csv(&c)?)?
        }
        Format::Table | Format::Xlsx => {
            let mut t = SheetTable::new(
                match lang {
                    Lang::Ko => format!(
                        "같은 사람일 수 있는 고객 {}묶음 (자동으로 합치지 않습니다)",
                        groups.len()
                    ),
                    Lang::En => format!(
                        "{} group(s) of customers that may be one person (never merged automatically)",
                        groups.len()
                    ),
                },
                &[
                    lang.pick("같은", "Same"),
                    lang.pick("값", "Value"),
                    lang.pick("고객", "Customers"),
                ],
            );
            for g in groups {
                let (by, v) = parts(g);
                let by = if by == "phone" {
                    lang.pick("전화번호", "phone")
                } else {
                    lang.pick("이름", "name")
                };
                t.push(vec![
                    Cell::text(by),
                    Cell::text(v),
                    Cell::text(names(&g.keys)),
                ]);
            }
            if groups.is_empty() {
                format!(
                    "{}\n",
                    lang.pick(
                        "같은 사람일 수 있는 고객이 없습니다.",
                        "No possible duplicate customers found."
                    )
                )
            } else {
                terminal::render_titled(&t, loaded.currency)
            }
        }
    })
}
