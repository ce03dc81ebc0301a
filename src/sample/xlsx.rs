//! Writing a synthetic (or starter) shop as an `.xlsx` workbook: the Sales sheet streamed in
//! `rust_xlsxwriter`'s constant-memory mode, the small sheets with fitted widths.

use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::Context;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{DocProperties, Format, FormatAlign, Workbook, Worksheet};

use super::cells::{self, SALES_AMOUNT_COL, SALES_DATE_COL, display_width};
use super::defaults::{self, Value};
use super::pools;
use super::world::{Bad, FlagForm, Plan, SalesCounts, SalesStream, World};
use crate::model::{CellRef, Currency, Lang};

/// Excel's row limit per sheet.
pub(crate) const EXCEL_MAX_ROWS: u32 = 1_048_576;

/// How the workbook is laid out.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Layout {
    /// A title and a blank row above the Sales header (exercises header search).
    pub title_row: bool,
    /// Replace an existing file at the target (`sample`), or refuse (`init`).
    pub overwrite: bool,
    /// Rows per Sales sheet (header included) before a continuation sheet starts.
    pub sheet_rows: u32,
}

/// What was written, for the summary.
#[derive(Debug, Clone, Default)]
pub(crate) struct Written {
    pub counts: SalesCounts,
    pub sales_sheets: Vec<String>,
    pub bad_cells: Vec<CellRef>,
    pub customers_without_sales: u32,
    pub quotes: u32,
    pub quotes_converted: u32,
    pub pipeline_rows: u32,
}

struct Formats {
    header: Format,
    title: Format,
    date: Format,
    money: Format,
    wrap: Format,
}

impl Formats {
    fn new(lang: Lang) -> Formats {
        Formats {
            header: Format::new().set_bold().set_align(FormatAlign::Center),
            title: Format::new().set_bold().set_font_size(14),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            // Locale-tagged currency formats, as Excel writes them for ₩ and £.
            money: Format::new().set_num_format(match lang {
                Lang::Ko => "[$₩-412]#,##0;-[$₩-412]#,##0",
                Lang::En => "[$£-809]#,##0.00;-[$£-809]#,##0.00",
            }),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
        }
    }
}

/// Exact decimal → the nearest binary float (mantissa / 10^scale is one correctly rounded
/// division for the small scales used here), so a reader's shortest form gives it back.
fn dec_f64(d: Decimal) -> f64 {
    const POW10: [f64; 5] = [1.0, 10.0, 100.0, 1_000.0, 10_000.0];
    match POW10.get(d.scale() as usize) {
        Some(p) if d.mantissa().unsigned_abs() < (1 << 53) => d.mantissa() as f64 / p,
        _ => d.to_f64().unwrap_or(0.0),
    }
}

fn col_width(w: usize) -> f64 {
    (w + 2).clamp(8, 60) as f64
}

/// A small sheet written row by row, remembering the widest cell of each column.
struct Table<'a> {
    ws: &'a mut Worksheet,
    f: &'a Formats,
    widths: Vec<usize>,
    row: u32,
    max_width: usize,
}

impl<'a> Table<'a> {
    fn new(
        ws: &'a mut Worksheet,
        f: &'a Formats,
        name: &str,
        headers: &[&str],
    ) -> anyhow::Result<Self> {
        ws.set_name(name)?;
        for (c, h) in headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &f.header)?;
        }
        ws.set_freeze_panes(1, 0)?;
        Ok(Table {
            ws,
            f,
            widths: headers.iter().map(|h| display_width(h)).collect(),
            row: 0,
            max_width: 60,
        })
    }
    fn next_row(&mut self) {
        self.row += 1;
    }
    fn note(&mut self, col: u16, w: usize) {
        let slot = &mut self.widths[col as usize];
        *slot = (*slot).max(w);
    }
    fn text(&mut self, col: u16, s: &str) -> anyhow::Result<()> {
        if !s.is_empty() {
            self.ws.write_string(self.row, col, s)?;
            self.note(col, display_width(s));
        }
        Ok(())
    }
    fn opt(&mut self, col: u16, s: Option<&str>) -> anyhow::Result<()> {
        self.text(col, s.unwrap_or(""))
    }
    fn wrapped(&mut self, col: u16, s: &str) -> anyhow::Result<()> {
        self.ws
            .write_string_with_format(self.row, col, s, &self.f.wrap)?;
        self.note(col, display_width(s));
        Ok(())
    }
    fn date(&mut self, col: u16, d: NaiveDate) -> anyhow::Result<()> {
        self.ws
            .write_date_with_format(self.row, col, d, &self.f.date)?;
        self.note(col, 10);
        Ok(())
    }
    fn money(&mut self, col: u16, d: Decimal, lang: Lang) -> anyhow::Result<()> {
        self.ws
            .write_number_with_format(self.row, col, dec_f64(d), &self.f.money)?;
        self.note(col, cells::grouped(d, lang).len() + 2);
        Ok(())
    }
    fn int(&mut self, col: u16, n: i64) -> anyhow::Result<()> {
        self.ws.write_number(self.row, col, n as f64)?;
        self.note(col, n.to_string().len());
        Ok(())
    }
    fn finish(self) -> anyhow::Result<()> {
        for (c, w) in self.widths.iter().enumerate() {
            self.ws
                .set_column_width(c as u16, (*w + 2).clamp(8, self.max_width) as f64)?;
        }
        let last_col = self.widths.len().saturating_sub(1) as u16;
        self.ws.autofilter(0, 0, self.row.max(1), last_col)?;
        Ok(())
    }
}

/// Write the whole workbook to `out` (atomically: a temp file beside it, then a rename).
pub(crate) fn write_workbook(
    plan: &Plan,
    world: &mut World,
    shop_name: &str,
    layout: Layout,
    out: &Path,
) -> anyhow::Result<Written> {
    write_workbook_logged(plan, world, shop_name, layout, out, None)
}

/// [`write_workbook`], with a Sent Log of flow messages when `history` has some (see
/// [`super::history`]).
pub(crate) fn write_workbook_logged(
    plan: &Plan,
    world: &mut World,
    shop_name: &str,
    layout: Layout,
    out: &Path,
    history: Option<&super::history::History>,
) -> anyhow::Result<Written> {
    let lang = plan.lang;
    let names = cells::sheet_names(lang);
    let f = Formats::new(lang);
    let mut wb = Workbook::new();
    // Pinned creation date: the same options give a byte-identical file.
    let mut props = DocProperties::new()
        .set_creation_datetime(&plan.end)
        .set_title(shop_name);
    let sent_log = history.and_then(|h| {
        crate::render::contents_sentlog::sent_log_with_flows(&[], &h.rows, false, lang)
    });
    if let Some(c) = &sent_log {
        // Recorded as dangol's own sheet, as `run` records it: a later run replaces it
        // (keeping its flow rows) and never calls it a sheet of the owner's.
        let names = serde_json::to_string(&[c.sheet.name(lang)])?;
        props = props.set_custom_property(crate::writeback::GENERATED_PROPERTY, names.as_str());
    }
    wb.set_properties(&props);
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    // Constant-memory sheets spool to temp files: keep them on the output's disk, not a tmpfs.
    wb.set_tempdir(dir)
        .with_context(|| format!("cannot write temporary files in {}", dir.display()))?;

    let mut written = write_sales(plan, world, &mut wb, &f, layout)?;
    write_quotes(plan, world, &mut wb, &f, names.quotes, &mut written)?;
    write_customers(plan, world, &mut wb, &f, names.customers)?;
    written.pipeline_rows = world.deals.len() as u32;
    write_pipeline(plan, world, &mut wb, &f, names.pipeline)?;
    write_defaults(lang, shop_name, &mut wb, &f)?;
    write_flows(lang, plan.end, &mut wb, &f)?;
    write_shop_lists(plan, world, &mut wb, &f)?;
    write_carts(plan, world, &mut wb, &f)?;
    if let (Some(c), Some(h)) = (&sent_log, history) {
        let ctx = crate::render::sheets::SheetContext {
            lang,
            as_of: h.as_of,
            currency: h.currency,
        };
        crate::render::sheets::add_generated_sheet(&mut wb, c, &ctx)?;
    }

    let tmp = tempfile::Builder::new()
        .prefix(".dangol-")
        .suffix(".xlsx.tmp")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    {
        let mut w = BufWriter::with_capacity(1 << 20, tmp.as_file());
        wb.save_to_writer(&mut w)
            .with_context(|| format!("cannot write {}", out.display()))?;
        w.flush()?;
    }
    // A new workbook is the owner's ordinary file (rw-r--r--), not the temporary file's 0600.
    crate::writeback::set_new_file_mode(tmp.as_file())?;
    tmp.as_file().sync_all()?;
    if layout.overwrite {
        tmp.persist(out)
            .map_err(|e| e.error)
            .with_context(|| format!("cannot write {}", out.display()))?;
    } else {
        tmp.persist_noclobber(out)
            .map_err(|e| e.error)
            .with_context(|| {
                format!(
                    "{} already exists; dangol init never overwrites a file",
                    out.display()
                )
            })?;
    }
    Ok(written)
}

fn sales_sheet_name(base: &str, lang: Lang, n: usize) -> String {
    if n == 0 {
        base.to_string()
    } else {
        format!("{base}{}{}", lang.pick("", " "), n + 1)
    }
}

fn write_sales(
    plan: &Plan,
    world: &mut World,
    wb: &mut Workbook,
    f: &Formats,
    layout: Layout,
) -> anyhow::Result<Written> {
    let lang = plan.lang;
    let names = cells::sheet_names(lang);
    let headers = cells::sales_headers(lang);
    let widths = sales_widths(plan, world, &headers);
    let title = if plan.start().year() == plan.end.year() {
        lang.pick("{}년 판매 내역", "Sales {}")
            .replace("{}", &plan.end.year().to_string())
    } else {
        lang.pick("{}~{}년 판매 내역", "Sales {}–{}")
            .replacen("{}", &plan.start().year().to_string(), 1)
            .replacen("{}", &plan.end.year().to_string(), 1)
    };
    let header_row: u32 = if layout.title_row { 2 } else { 0 };
    let per_sheet = u64::from(layout.sheet_rows.saturating_sub(header_row + 1).max(1));
    let mut seen = vec![false; world.customers.len()];
    let mut bad_cells = Vec::new();
    let mut sheets = Vec::new();
    let mut stream = SalesStream::new(plan, world);
    let channels = pools::sales_channels(lang);
    let products = plan.products();
    let mut pending = stream.next_line();
    loop {
        let name = sales_sheet_name(names.sales, lang, sheets.len());
        let ws = wb.add_worksheet_with_constant_memory()?;
        ws.set_name(&name)?;
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(c as u16, *w)?;
        }
        if layout.title_row {
            ws.write_string_with_format(0, 0, &title, &f.title)?;
        }
        for (c, h) in headers.iter().enumerate() {
            ws.write_string_with_format(header_row, c as u16, *h, &f.header)?;
        }
        ws.set_freeze_panes(header_row + 1, 0)?;
        let mut row = header_row;
        let mut in_sheet = 0;
        while in_sheet < per_sheet {
            let Some(line) = pending.take() else { break };
            row += 1;
            in_sheet += 1;
            let c = stream.customer(line.customer);
            seen[line.customer as usize] = true;
            match (line.bad, line.date_text) {
                (Some(Bad::Date), _) => {
                    ws.write_string(row, SALES_DATE_COL, format!("{}-02-30", line.day.year()))?;
                    bad_cells.push(CellRef::new(&name, row, u32::from(SALES_DATE_COL)));
                }
                (_, Some(kind)) => {
                    ws.write_string(row, SALES_DATE_COL, cells::date_text(lang, line.day, kind))?;
                }
                _ => {
                    ws.write_date_with_format(row, SALES_DATE_COL, line.day, &f.date)?;
                }
            }
            ws.write_string(row, 1, cells::order_id(line.order_no))?;
            let name_text = match (&c.spaced, line.spaced) {
                (Some(s), true) => s.as_str(),
                _ => c.name.as_str(),
            };
            ws.write_string(row, 2, name_text)?;
            if let Some(e) = &c.email {
                ws.write_string(row, 3, e)?;
            }
            if let Some(p) = &c.phone {
                ws.write_string(row, 4, p)?;
            }
            ws.write_string(row, 5, products[line.product].name)?;
            ws.write_number(row, 6, line.qty as f64)?;
            ws.write_number_with_format(row, 7, dec_f64(line.unit_price), &f.money)?;
            match (line.bad, line.money_text) {
                (Some(Bad::Amount), _) => {
                    ws.write_string(row, SALES_AMOUNT_COL, "N/A")?;
                    bad_cells.push(CellRef::new(&name, row, u32::from(SALES_AMOUNT_COL)));
                }
                (_, Some(kind)) => {
                    let text = cells::money_text(lang, line.amount, kind, line.fullwidth, false);
                    ws.write_string(row, SALES_AMOUNT_COL, text)?;
                }
                _ => {
                    ws.write_number_with_format(
                        row,
                        SALES_AMOUNT_COL,
                        dec_f64(line.amount),
                        &f.money,
                    )?;
                }
            }
            ws.write_string(row, 9, line.status.label(lang))?;
            ws.write_string(row, 10, channels[line.channel])?;
            pending = stream.next_line();
        }
        ws.autofilter(
            header_row,
            0,
            row.max(header_row + 1),
            (headers.len() - 1) as u16,
        )?;
        sheets.push(name);
        if pending.is_none() {
            break;
        }
    }
    let counts = stream.counts;
    drop(stream);
    let customers_without_sales = seen.iter().filter(|s| !**s).count() as u32;
    Ok(Written {
        counts,
        sales_sheets: sheets,
        bad_cells,
        customers_without_sales,
        ..Written::default()
    })
}

/// Sales column widths, fixed before streaming (constant-memory sheets write as they go).
fn sales_widths(plan: &Plan, world: &World, headers: &[&str; 11]) -> Vec<f64> {
    let lang = plan.lang;
    let max_of = |it: &mut dyn Iterator<Item = usize>| it.max().unwrap_or(0);
    let name = max_of(&mut world.customers.iter().map(|c| display_width(&c.name)));
    let email = max_of(
        &mut world
            .customers
            .iter()
            .filter_map(|c| c.email.as_deref())
            .map(display_width),
    );
    let phone = max_of(
        &mut world
            .customers
            .iter()
            .filter_map(|c| c.phone.as_deref())
            .map(display_width),
    );
    let product = max_of(&mut plan.products().iter().map(|p| display_width(p.name)));
    let max_price = plan
        .products()
        .iter()
        .map(|p| p.price_minor)
        .max()
        .unwrap_or(0);
    let price = cells::grouped(plan.price(0).max(Decimal::from(max_price)), lang).len() + 2;
    let channel = max_of(&mut pools::sales_channels(lang).iter().map(|s| display_width(s)));
    let status = lang.pick("결제완료", "Delivered");
    let content = [
        10,
        cells::order_id(0).len(),
        name,
        email,
        phone,
        product,
        4,
        price,
        price + 2,
        display_width(status),
        channel,
    ];
    headers
        .iter()
        .zip(content)
        .map(|(h, w)| col_width(display_width(h).max(w)))
        .collect()
}

fn write_flag(
    t: &mut Table<'_>,
    col: u16,
    lang: Lang,
    on: Option<NaiveDate>,
    form: FlagForm,
) -> anyhow::Result<()> {
    match (on, form) {
        (_, FlagForm::Blank) => Ok(()),
        (Some(d), FlagForm::Date) => t.date(col, d),
        (yes, FlagForm::Yn | FlagForm::Date) => t.text(col, if yes.is_some() { "Y" } else { "N" }),
        (yes, FlagForm::Ox) => {
            let (y, n) = match lang {
                Lang::Ko => ("O", "X"),
                Lang::En => ("Yes", "No"),
            };
            t.text(col, if yes.is_some() { y } else { n })
        }
    }
}

fn write_quotes(
    plan: &Plan,
    world: &World,
    wb: &mut Workbook,
    f: &Formats,
    name: &str,
    written: &mut Written,
) -> anyhow::Result<()> {
    let lang = plan.lang;
    let channels = pools::quote_channels(lang);
    let mut t = Table::new(wb.add_worksheet(), f, name, &cells::quote_headers(lang))?;
    for q in &world.quotes {
        t.next_row();
        let c = &world.customers[q.customer as usize];
        t.text(0, &q.id())?;
        t.text(1, &c.name)?;
        t.opt(2, c.email.as_deref())?;
        t.opt(3, c.phone.as_deref())?;
        t.date(4, q.sent)?;
        write_flag(&mut t, 5, lang, q.opened, q.opened_form)?;
        if q.opens > 0 {
            t.int(6, i64::from(q.opens))?;
        }
        write_flag(&mut t, 7, lang, q.responded, q.responded_form)?;
        // A conversion whose order did not fit in the requested rows is not claimed.
        if let (Some(day), Some(no)) = (q.converted, q.order_no) {
            write_flag(&mut t, 8, lang, Some(day), q.converted_form)?;
            t.text(9, &cells::order_id(no))?;
            written.quotes_converted += 1;
        }
        t.money(10, q.amount, lang)?;
        t.text(11, channels[q.channel])?;
        if let Some(d) = q.reminded {
            t.date(12, d)?;
            t.int(13, i64::from(q.reminders))?;
        }
    }
    written.quotes = world.quotes.len() as u32;
    t.finish()
}

fn write_customers(
    plan: &Plan,
    world: &World,
    wb: &mut Workbook,
    f: &Formats,
    name: &str,
) -> anyhow::Result<()> {
    let lang = plan.lang;
    let mut t = Table::new(wb.add_worksheet(), f, name, &cells::customer_headers(lang))?;
    for (i, c) in world.customers.iter().enumerate() {
        t.next_row();
        t.text(0, &c.name)?;
        t.opt(1, c.email.as_deref())?;
        t.opt(2, c.phone.as_deref())?;
        t.text(3, c.group.label(lang))?;
        t.date(4, c.joined)?;
        if c.opt_out {
            t.text(5, "Y")?;
        }
        t.opt(6, c.note)?;
        if let Some(b) = cells::birthday(i, plan.end) {
            t.date(7, b)?;
        }
        // No answer (a blank cell) is no consent to marketing, not an opt-out of everything.
        if cells::consent(i, c.opt_out) {
            t.text(8, "Y")?;
        }
    }
    t.finish()
}

fn write_pipeline(
    plan: &Plan,
    world: &World,
    wb: &mut Workbook,
    f: &Formats,
    name: &str,
) -> anyhow::Result<()> {
    let lang = plan.lang;
    let mut t = Table::new(wb.add_worksheet(), f, name, &cells::pipeline_headers(lang))?;
    for d in &world.deals {
        t.next_row();
        t.text(0, &cells::deal_id(d.deal))?;
        t.text(1, &world.customers[d.customer as usize].name)?;
        t.text(2, d.stage)?;
        t.date(3, d.date)?;
        if let Some(a) = d.amount {
            t.money(4, a, lang)?;
        }
        t.text(5, d.owner)?;
        t.text(6, d.source)?;
    }
    t.finish()
}

/// Settings, Grades and Templates with every default written out.
fn write_defaults(
    lang: Lang,
    shop_name: &str,
    wb: &mut Workbook,
    f: &Formats,
) -> anyhow::Result<()> {
    let names = cells::sheet_names(lang);
    let currency = match lang {
        Lang::Ko => Currency::Krw,
        Lang::En => Currency::Gbp,
    };
    let mut t = Table::new(
        wb.add_worksheet(),
        f,
        names.settings,
        &cells::settings_headers(lang),
    )?;
    for r in defaults::settings_rows(lang, shop_name, currency) {
        t.next_row();
        t.text(0, r.key)?;
        match &r.value {
            Value::Text(s) => t.text(1, s)?,
            Value::Int(n) => t.int(1, *n)?,
        }
        t.text(2, r.note)?;
    }
    t.finish()?;

    let mut t = Table::new(
        wb.add_worksheet(),
        f,
        names.grades,
        &cells::grade_headers(lang),
    )?;
    for r in defaults::grade_rows(lang, currency) {
        t.next_row();
        t.text(0, r.kind)?;
        t.text(1, r.grade)?;
        t.text(2, r.rule)?;
        t.text(3, r.note)?;
    }
    t.finish()?;

    let mut t = Table::new(
        wb.add_worksheet(),
        f,
        names.templates,
        &cells::template_headers(lang),
    )?;
    t.max_width = 80;
    for r in defaults::template_rows(lang) {
        t.next_row();
        t.text(0, r.grade)?;
        t.text(1, r.subject)?;
        t.wrapped(2, r.body)?;
    }
    t.finish()
}

/// The Flows sheet with the default flows (SPEC §8), live from four weeks before the data's
/// last day: customers who first ordered before that are never welcomed.
fn write_flows(lang: Lang, end: NaiveDate, wb: &mut Workbook, f: &Formats) -> anyhow::Result<()> {
    let names = cells::sheet_names(lang);
    let mut t = Table::new(
        wb.add_worksheet(),
        f,
        names.flows,
        &cells::flow_headers(lang),
    )?;
    let go_live = end - chrono::Days::new(28);
    for r in defaults::flow_rows(lang) {
        t.next_row();
        t.text(0, r.flow)?;
        t.text(1, r.trigger)?;
        t.int(2, r.delay_days)?;
        t.text(3, r.condition)?;
        t.text(4, r.template)?;
        t.text(5, "email")?;
        t.text(6, if r.marketing { "Y" } else { "N" })?;
        t.text(7, r.stop_if)?;
        t.int(8, r.cooldown_days)?;
        t.date(9, go_live)?;
    }
    t.finish()
}

/// Names of the group, price and stock sheets per language (SPEC §7, §10).
struct ListNames {
    groups: &'static str,
    members: &'static str,
    prices: &'static str,
    promos: &'static str,
    stock: &'static str,
    moves: &'static str,
    wholesale: &'static str,
    wholesale_list: &'static str,
    regular_list: &'static str,
    club: &'static str,
    regulars: &'static str,
    promo: &'static str,
}

fn list_names(lang: Lang) -> ListNames {
    match lang {
        Lang::Ko => ListNames {
            groups: "고객그룹",
            members: "그룹회원",
            prices: "단가표",
            promos: "프로모션",
            stock: "재고",
            moves: "입출고",
            wholesale: "도매",
            wholesale_list: "도매가",
            regular_list: "정가",
            club: "클럽",
            regulars: "우수고객",
            promo: "연말감사전",
        },
        Lang::En => ListNames {
            groups: "Groups",
            members: "Group Members",
            prices: "Price List",
            promos: "Promotions",
            stock: "Stock",
            moves: "Stock Moves",
            wholesale: "Wholesale",
            wholesale_list: "Wholesale prices",
            regular_list: "Regular",
            club: "Club",
            regulars: "Regulars",
            promo: "Year-end thanks",
        },
    }
}

/// Whole won, or pence rounded to 10p: a wholesale price about `pct`% of the regular one.
fn share_of(plan: &Plan, product: usize, pct: i64) -> Decimal {
    let step = match plan.lang {
        Lang::Ko => Decimal::from(100),
        Lang::En => Decimal::new(10, 2),
    };
    let p = plan.price(product) * Decimal::from(pct) / Decimal::from(100);
    (p / step).floor() * step
}

/// The customer groups, their members, the price list and a promotion; then the stock list
/// and a few stock moves — all from the same seed-made world as the sales.
fn write_shop_lists(
    plan: &Plan,
    world: &World,
    wb: &mut Workbook,
    f: &Formats,
) -> anyhow::Result<()> {
    let n = list_names(plan.lang);
    groups_sheet(plan, wb, f, &n)?;
    members_sheet(plan, world, wb, f, &n)?;
    prices_sheet(plan, wb, f, &n)?;
    promos_sheet(plan, wb, f, &n)?;
    stock_sheet(plan, wb, f, &n)?;
    moves_sheet(plan, wb, f, &n)
}

/// The club starts a third of the way into the sales history.
fn club_start(plan: &Plan) -> NaiveDate {
    plan.day(plan.days() / 3)
}

/// The groups sheet: wholesale (group prices), a dated club, regulars by rule.
fn groups_sheet(plan: &Plan, wb: &mut Workbook, f: &Formats, n: &ListNames) -> anyhow::Result<()> {
    let lang = plan.lang;
    let yes = "Y";
    let club_start = club_start(plan);
    let club_end = plan.end + chrono::Days::new(180);
    let mut t = Table::new(
        wb.add_worksheet(),
        f,
        n.groups,
        lang.pick_list(
            &[
                "그룹",
                "시작일",
                "종료일",
                "설명",
                "그룹가적용",
                "할인율",
                "단가표",
                "우선순위",
                "조건",
            ],
            &[
                "group",
                "start",
                "end",
                "description",
                "use_group_price",
                "discount",
                "price_list",
                "priority",
                "rule",
            ],
        ),
    )?;
    t.next_row();
    t.text(0, n.wholesale)?;
    t.text(4, yes)?;
    t.text(6, n.wholesale_list)?;
    t.int(7, 1)?;
    t.next_row();
    t.text(0, n.club)?;
    t.date(1, club_start)?;
    t.date(2, club_end)?;
    t.next_row();
    t.text(0, n.regulars)?;
    t.text(8, "orders_all >= 8")?;
    t.finish()?;

    Ok(())
}

/// The group members sheet.
fn members_sheet(
    plan: &Plan,
    world: &World,
    wb: &mut Workbook,
    f: &Formats,
    n: &ListNames,
) -> anyhow::Result<()> {
    let lang = plan.lang;
    let (src_contract, src_signup) = match lang {
        Lang::Ko => ("계약", "가입"),
        Lang::En => ("contract", "signup"),
    };
    let club_start = club_start(plan);
    // Members: the shop's wholesale buyers (one of them ended), and a handful of club members
    // (some ended), each with an e-mail.
    let mut t = Table::new(
        wb.add_worksheet(),
        f,
        n.members,
        lang.pick_list(
            &["그룹", "이메일", "시작일", "종료일", "등록경로"],
            &["group", "email", "start", "end", "source"],
        ),
    )?;
    let wholesale: Vec<&str> = world
        .customers
        .iter()
        .filter(|c| c.group == super::world::Group::Wholesale)
        .filter_map(|c| c.email.as_deref())
        .take(3)
        .collect();
    let ws_since = plan.day(plan.days().saturating_sub(60));
    for (i, e) in wholesale.iter().enumerate() {
        t.next_row();
        t.text(0, n.wholesale)?;
        t.text(1, e)?;
        t.date(2, ws_since)?;
        if i == 2 {
            t.date(3, plan.day(plan.days().saturating_sub(30)))?;
        }
        t.text(4, src_contract)?;
    }
    let club: Vec<&str> = world
        .customers
        .iter()
        .filter(|c| c.group == super::world::Group::Vip && !c.opt_out)
        .filter_map(|c| c.email.as_deref())
        .take(6)
        .collect();
    for (i, e) in club.iter().enumerate() {
        t.next_row();
        t.text(0, n.club)?;
        t.text(1, e)?;
        t.date(2, club_start)?;
        if i % 3 == 2 {
            t.date(3, plan.day(plan.days().saturating_sub(28)))?;
        }
        t.text(4, src_signup)?;
    }
    t.finish()?;

    Ok(())
}

/// The price lists sheet.
fn prices_sheet(plan: &Plan, wb: &mut Workbook, f: &Formats, n: &ListNames) -> anyhow::Result<()> {
    let lang = plan.lang;
    // Regular prices of every product, wholesale prices of the first four (one min_qty tier).
    let mut t = Table::new(
        wb.add_worksheet(),
        f,
        n.prices,
        lang.pick_list(
            &["단가표", "상품명", "단가", "최소수량"],
            &["price_list", "product", "price", "min_qty"],
        ),
    )?;
    let products = plan.products();
    for (i, p) in products.iter().enumerate() {
        t.next_row();
        t.text(0, n.regular_list)?;
        t.text(1, p.name)?;
        t.money(2, plan.price(i), lang)?;
    }
    for (i, p) in products.iter().enumerate().take(4) {
        t.next_row();
        t.text(0, n.wholesale_list)?;
        t.text(1, p.name)?;
        t.money(2, share_of(plan, i, 85), lang)?;
        if i == 0 {
            t.next_row();
            t.text(0, n.wholesale_list)?;
            t.text(1, p.name)?;
            t.money(2, share_of(plan, i, 75), lang)?;
            t.int(3, 20)?;
        }
    }
    t.finish()?;

    Ok(())
}

/// The promotions sheet: one club promotion over the last three weeks and two ahead.
fn promos_sheet(plan: &Plan, wb: &mut Workbook, f: &Formats, n: &ListNames) -> anyhow::Result<()> {
    let lang = plan.lang;
    let end = plan.end;
    let promo_start = plan.day(plan.days().saturating_sub(21));
    let products = plan.products();
    let mut t = Table::new(
        wb.add_worksheet(),
        f,
        n.promos,
        lang.pick_list(
            &["프로모션", "그룹", "상품명", "할인율", "시작일", "종료일"],
            &["promo", "group", "product", "discount", "start", "end"],
        ),
    )?;
    t.next_row();
    t.text(0, n.promo)?;
    t.text(1, n.club)?;
    t.text(2, products[2].name)?;
    t.text(3, "10%")?;
    t.date(4, promo_start)?;
    t.date(5, end + chrono::Days::new(14))?;
    t.finish()?;

    Ok(())
}

/// The stock list.
fn stock_sheet(plan: &Plan, wb: &mut Workbook, f: &Formats, n: &ListNames) -> anyhow::Result<()> {
    let lang = plan.lang;
    let products = plan.products();
    // Stock: every product sold, the first out of stock, two low, plus one never sold.
    let (suppliers, dead, dead_price) = match lang {
        Lang::Ko => (
            ["한빛상사", "다온물산", "소담공방"],
            "한정판 선물 상자",
            45_000,
        ),
        Lang::En => (
            ["Northfield Supply", "Bramble & Co", "Kiln Works"],
            "Limited gift box",
            4_500,
        ),
    };
    let mut t = Table::new(
        wb.add_worksheet(),
        f,
        n.stock,
        lang.pick_list(
            &[
                "상품코드",
                "상품명",
                "재고",
                "안전재고",
                "발주단위",
                "리드타임",
                "매입처",
                "매입가",
            ],
            &[
                "sku",
                "name",
                "stock",
                "safety_stock",
                "reorder_qty",
                "lead_time_days",
                "supplier",
                "cost",
            ],
        ),
    )?;
    for (i, p) in products.iter().enumerate() {
        let stock = match i {
            0 => 0,
            1 => 2,
            3 => 4,
            _ => 40 + ((i as i64 * 37) % 60),
        };
        t.next_row();
        t.text(0, &format!("P-{:03}", i + 1))?;
        t.text(1, p.name)?;
        t.int(2, stock)?;
        t.int(3, if i % 2 == 0 { 5 } else { 8 })?;
        t.int(4, if i % 3 == 0 { 12 } else { 10 })?;
        t.int(5, 3 + (i as i64 % 4) * 2)?;
        t.text(6, suppliers[i % 3])?;
        t.money(7, share_of(plan, i, 55), lang)?;
    }
    t.next_row();
    t.text(0, &format!("P-{:03}", products.len() + 1))?;
    t.text(1, dead)?;
    t.int(2, 15)?;
    t.int(3, 3)?;
    t.int(4, 6)?;
    t.int(5, 7)?;
    t.text(6, suppliers[2])?;
    let dead_cost = match lang {
        Lang::Ko => Decimal::from(dead_price / 2),
        Lang::En => Decimal::new(dead_price / 2, 2),
    };
    t.money(7, dead_cost, lang)?;
    t.finish()?;

    Ok(())
}

/// A few stock moves.
fn moves_sheet(plan: &Plan, wb: &mut Workbook, f: &Formats, n: &ListNames) -> anyhow::Result<()> {
    let lang = plan.lang;
    let mut t = Table::new(
        wb.add_worksheet(),
        f,
        n.moves,
        lang.pick_list(
            &["일자", "상품코드", "입고", "출고", "조정"],
            &["date", "sku", "in", "out", "adjustment"],
        ),
    )?;
    let moves: [(u32, &str, i64, i64, i64); 3] = [
        (20, "P-005", 30, 0, 0),
        (10, "P-007", 0, 5, 0),
        (5, "P-010", 0, 0, -2),
    ];
    for (ago, sku, i, o, a) in moves {
        t.next_row();
        t.date(0, plan.day(plan.days().saturating_sub(ago)))?;
        t.text(1, sku)?;
        if i != 0 {
            t.int(2, i)?;
        }
        if o != 0 {
            t.int(3, o)?;
        }
        if a != 0 {
            t.int(4, a)?;
        }
    }
    t.finish()?;
    Ok(())
}

/// The store's abandoned-checkout export (SPEC §12): carts completed in the store, carts
/// recovered by a later order (a one-timer's order two days after the cart), open carts of the
/// last days and lost ones of prospects who never bought; one cart's line items on rows below
/// it, as Shopify exports them.
fn write_carts(plan: &Plan, world: &World, wb: &mut Workbook, f: &Formats) -> anyhow::Result<()> {
    let lang = plan.lang;
    let last = plan.days().saturating_sub(1);
    let products = plan.products();
    let prospects: Vec<u32> = world
        .customers
        .iter()
        .enumerate()
        .filter(|(_, c)| c.class == super::world::Class::Prospect && c.email.is_some())
        .map(|(i, _)| i as u32)
        .take(7)
        .collect();
    let mut recovered: Vec<(u32, u32)> = world
        .scheduled_orders()
        .filter(|(d, _)| (last.saturating_sub(30)..last.saturating_sub(3)).contains(d))
        .collect();
    recovered.truncate(3);
    let buyers: Vec<u32> = world
        .customers
        .iter()
        .enumerate()
        .filter(|(_, c)| c.class == super::world::Class::Heavy)
        .map(|(i, _)| i as u32)
        .take(2)
        .collect();
    // (customer, day the cart was started, completed, products)
    let mut carts: Vec<(u32, u32, bool, Vec<usize>)> = Vec::new();
    for (k, &(day, who)) in recovered.iter().enumerate() {
        carts.push((who, day.saturating_sub(2), false, vec![k % 20]));
    }
    for (k, &who) in buyers.iter().enumerate() {
        carts.push((who, last.saturating_sub(9 + 5 * k as u32), true, vec![3, 4]));
    }
    for (k, &who) in prospects.iter().enumerate() {
        let ago = if k < 3 {
            1 + 2 * k as u32
        } else {
            12 + 7 * k as u32
        };
        let items = if k == 0 {
            vec![5, 6, 1]
        } else {
            vec![(k * 3) % 20, 5]
        };
        carts.push((who, last.saturating_sub(ago), false, items));
    }
    carts.sort_by_key(|c| c.1);
    let mut t = Table::new(
        wb.add_worksheet(),
        f,
        lang.pick("장바구니", "Carts"),
        lang.pick_list(
            &[
                "장바구니ID",
                "생성일",
                "고객명",
                "이메일",
                "전화번호",
                "상품",
                "합계",
                "복구링크",
                "완료일",
            ],
            &[
                "cart id",
                "created",
                "customer",
                "email",
                "phone",
                "items",
                "total",
                "recovery_url",
                "completed",
            ],
        ),
    )?;
    for (n, (who, day, completed, items)) in carts.iter().enumerate() {
        let c = &world.customers[*who as usize];
        let id = format!("C-{}", 1001 + n);
        let total: Decimal = items.iter().map(|&i| plan.price(i)).sum();
        t.next_row();
        t.text(0, &id)?;
        t.date(1, plan.day(*day))?;
        t.text(2, &c.name)?;
        t.opt(3, c.email.as_deref())?;
        t.opt(4, c.phone.as_deref())?;
        t.text(5, products[items[0]].name)?;
        t.money(6, total, lang)?;
        t.text(7, &format!("https://shop.example/cart/{id}"))?;
        if *completed {
            t.date(8, plan.day(*day))?;
        }
        // The other line items on rows of their own, the cart id repeated.
        for &i in &items[1..] {
            t.next_row();
            t.text(0, &id)?;
            t.text(5, products[i].name)?;
        }
    }
    t.finish()
}

trait PickList {
    fn pick_list<'a>(self, ko: &'a [&'a str], en: &'a [&'a str]) -> &'a [&'a str];
}

impl PickList for Lang {
    fn pick_list<'a>(self, ko: &'a [&'a str], en: &'a [&'a str]) -> &'a [&'a str] {
        match self {
            Lang::Ko => ko,
            Lang::En => en,
        }
    }
}
