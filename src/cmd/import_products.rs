//! `dangol import-products WORKBOOK FILE.csv`: a WooCommerce product export into the
//! workbook's Stock (재고) sheet (SPEC §10).
//!
//! The export's documented columns are read by name (`ID`, `Type`, `SKU`, `Name`, `Stock`,
//! `Low stock amount`, `Regular price`, `Parent`, `Attribute 1 value(s)`; the others are
//! ignored), prices and stock as the text WooCommerce writes. Variations name their parent as
//! `id:123` (or its SKU); it is written as the parent's SKU so the parent's low-stock amount
//! applies to them. A row that cannot be used is reported with its CSV line and skipped.
//!
//! A product is the Stock row with the same SKU (else the same name and option); only cells
//! whose value differs are written, new products are appended below the table, so importing
//! the same file again changes nothing. Nothing is written without `--apply`, and the write is
//! the one write job (lock, open-in-Excel check, backup, atomic replace).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;

use crate::cli::Global;
use crate::exit::Exit;
use crate::i18n::{Msg, Text};
use crate::ingest::Loaded;
use crate::ingest::source::Input;
use crate::ingest::stock::{StockItem, product_key};
use crate::model::Lang;
use crate::model::values::{header_key, parse_money};
use crate::render::contents_edits::{ImportOutcome, ImportReport, import_report};
use crate::settings::Role;
use crate::writeback::{self, CellEdit, EditValue, WriteJob, WriteOptions};

/// Import a WooCommerce product export (CSV) into the Stock sheet: SKU, name, option, stock,
/// low stock amount, regular price and parent; lists what would change, writes with --apply.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  dangol import-products shop.xlsx wc-product-export.csv           # what would change
  dangol import-products shop.xlsx wc-product-export.csv --apply   # write it into the Stock sheet")]
pub struct Args {
    /// The workbook (.xlsx or .xlsm) with a Stock (재고) sheet.
    pub workbook: PathBuf,
    /// The WooCommerce product export (CSV, UTF-8).
    pub file: PathBuf,
    /// Write the changes into the workbook (default: only list them).
    #[arg(long)]
    pub apply: bool,
}

/// One usable product of the export.
#[derive(Debug, Clone, PartialEq)]
pub struct Product {
    pub line: u64,
    pub sku: Option<String>,
    pub name: Option<String>,
    pub option: Option<String>,
    pub stock: Option<Decimal>,
    pub safety_stock: Option<Decimal>,
    pub price: Option<Decimal>,
    pub parent: Option<String>,
}

/// The export read: usable products and the lines that could not be used.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Export {
    pub products: Vec<Product>,
    /// Each line that could not be used: its line number and what is wrong with it.
    pub unusable: Vec<(u64, Text)>,
}

fn blank_none(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// A field of a record, trimmed; `None` when blank or missing.
fn field(rec: &csv::StringRecord, c: Option<usize>) -> Option<String> {
    c.and_then(|c| rec.get(c)).and_then(blank_none)
}

/// `id:123` → that product's SKU (else its name), for the Parent column.
fn labels_by_id(
    records: &[(u64, csv::StringRecord)],
    id: Option<usize>,
    sku: Option<usize>,
    name: Option<usize>,
) -> BTreeMap<String, String> {
    let mut by_id = BTreeMap::new();
    for (_, rec) in records {
        if let Some(i) = field(rec, id)
            && let Some(label) = field(rec, sku).or_else(|| field(rec, name))
        {
            by_id.insert(i, label);
        }
    }
    by_id
}

/// An error in the catalogue's words, shown in the workbook's language.
fn said(text: Text) -> anyhow::Error {
    anyhow::Error::new(crate::i18n::Said(text))
}

/// Read a WooCommerce product export (`path` names it in errors).
pub fn read_export(text: &str, path: &str) -> anyhow::Result<Export> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rd = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let csv_error = |e: csv::Error| anyhow::Error::new(e).context(path.to_string());
    let headers: Vec<String> = rd
        .headers()
        .map_err(csv_error)?
        .iter()
        .map(header_key)
        .collect();
    let col = |name: &str| headers.iter().position(|h| *h == header_key(name));
    let (id, kind, sku, name, stock, low, price, parent, option) = (
        col("ID"),
        col("Type"),
        col("SKU"),
        col("Name"),
        col("Stock"),
        col("Low stock amount"),
        col("Regular price"),
        col("Parent"),
        col("Attribute 1 value(s)"),
    );
    if (sku.is_none() && name.is_none()) || stock.is_none() {
        let found = rd
            .headers()
            .map_err(csv_error)?
            .iter()
            .collect::<Vec<_>>()
            .join(", ");
        return Err(said(
            Text::new(Msg::ImportNotWoo)
                .arg("path", path)
                .arg("found", found),
        ));
    }
    let mut records = Vec::new();
    for rec in rd.records() {
        let rec = rec.map_err(csv_error)?;
        let line = rec.position().map_or(0, csv::Position::line);
        records.push((line, rec));
    }
    let by_id = labels_by_id(&records, id, sku, name);
    let mut out = Export::default();
    for (line, rec) in &records {
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let mut bad = |what: Text| out.unusable.push((*line, what));
        let (s, n) = (field(rec, sku), field(rec, name));
        if s.is_none() && n.is_none() {
            bad(Text::new(Msg::ImportNoSkuName));
            continue;
        }
        let label = s.clone().or_else(|| n.clone()).unwrap_or_default();
        let t = field(rec, kind).unwrap_or_default().to_lowercase();
        if t.contains("grouped") || t.contains("external") {
            // The export's own type word in English; the kind in Korean.
            let ko = if t.contains("grouped") {
                Msg::ImportKindGrouped
            } else {
                Msg::ImportKindExternal
            };
            bad(Text::new(Msg::ImportHoldsNoStock)
                .arg("label", &label)
                .io_parts("kind", t.clone(), Text::new(ko)));
            continue;
        }
        let number = |c: Option<usize>, what: &str| -> Result<Option<Decimal>, Text> {
            match field(rec, c) {
                None => Ok(None),
                Some(v) => parse_money(&v).map(|(d, _)| Some(d)).map_err(|()| {
                    Text::new(Msg::ImportNotNumber)
                        .arg("label", &label)
                        .arg("what", what)
                        .arg("value", format!("{v:?}"))
                }),
            }
        };
        let (st, lo, pr) = (
            number(stock, "Stock"),
            number(low, "Low stock amount"),
            number(price, "Regular price"),
        );
        let (st, lo, pr) = match (st, lo, pr) {
            (Ok(a), Ok(b), Ok(c)) => (a, b, c),
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
                bad(e);
                continue;
            }
        };
        let par = match field(rec, parent) {
            None => None,
            Some(p) => match p.strip_prefix("id:") {
                Some(i) => {
                    if let Some(l) = by_id.get(i.trim()) {
                        Some(l.clone())
                    } else {
                        bad(Text::new(Msg::ImportParentUnknown)
                            .arg("label", &label)
                            .arg("parent", format!("{p:?}")));
                        continue;
                    }
                }
                None => Some(p),
            },
        };
        out.products.push(Product {
            line: *line,
            sku: s,
            name: n,
            option: field(rec, option).filter(|_| par.is_some()),
            stock: st,
            safety_stock: lo,
            price: pr,
            parent: par,
        });
    }
    Ok(out)
}

/// The fields written, in the order new columns are added.
const FIELDS: [&str; 7] = [
    "sku",
    "name",
    "option",
    "stock",
    "safety_stock",
    "price",
    "parent",
];

fn header_text(field: &str, lang: Lang) -> &'static str {
    match field {
        "sku" => lang.pick("품목코드", "SKU"),
        "name" => lang.pick("상품명", "Name"),
        "option" => lang.pick("옵션", "Option"),
        "stock" => lang.pick("재고", "Stock"),
        "safety_stock" => lang.pick("안전재고", "Safety stock"),
        "price" => lang.pick("판매가", "Price"),
        _ => lang.pick("상위상품", "Parent"),
    }
}

fn text_value(v: Option<&String>) -> EditValue {
    v.map_or(EditValue::Blank, |s| EditValue::Text(s.clone()))
}

fn num_value(v: Option<Decimal>) -> EditValue {
    v.map_or(EditValue::Blank, |d| EditValue::Number(d.normalize()))
}

/// The values of a product, by field.
fn values_of(p: &Product) -> [(&'static str, EditValue); 7] {
    [
        ("sku", text_value(p.sku.as_ref())),
        ("name", text_value(p.name.as_ref())),
        ("option", text_value(p.option.as_ref())),
        ("stock", num_value(p.stock)),
        ("safety_stock", num_value(p.safety_stock)),
        ("price", num_value(p.price)),
        ("parent", text_value(p.parent.as_ref())),
    ]
}

/// The values of an existing Stock row, by field.
fn values_of_item(it: &StockItem) -> [(&'static str, EditValue); 7] {
    values_of(&Product {
        line: 0,
        sku: it.sku.clone(),
        name: it.name.clone(),
        option: it.option.clone(),
        stock: it.stock,
        safety_stock: it.safety_stock,
        price: it.price,
        parent: it.parent.clone(),
    })
}

fn same(a: &EditValue, b: &EditValue) -> bool {
    match (a, b) {
        (EditValue::Number(x), EditValue::Number(y)) => x == y,
        _ => a == b,
    }
}

/// What an import changes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    pub sheet: String,
    pub edits: Vec<CellEdit>,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// The Stock sheet's last header column and last non-blank row (0-based).
fn sheet_extent(
    path: &Path,
    sheet: &str,
    header_row: u32,
    limits: &crate::ingest::guard::Limits,
) -> anyhow::Result<(u32, u32)> {
    let mut input = Input::open_with(path, None, limits)?;
    let (mut last_col, mut last_row) = (0, header_row);
    input.for_each_row(sheet, |r, cells| {
        if r == header_row {
            last_col = cells
                .iter()
                .rposition(|c| !c.is_blank())
                .map_or(0, |i| i as u32);
        }
        if cells.iter().any(|c| !c.is_blank()) {
            last_row = last_row.max(r);
        }
        true
    })?;
    Ok((last_col, last_row))
}

/// Plan the cell edits of importing `export` into the loaded workbook's Stock sheet.
pub fn plan(
    loaded: &Loaded,
    export: &Export,
    limits: &crate::ingest::guard::Limits,
) -> anyhow::Result<Plan> {
    let Some(info) = loaded
        .data
        .sheets
        .iter()
        .find(|s| s.role == Some(Role::Stock))
    else {
        return Err(said(
            Text::new(Msg::ImportNoStockSheet).arg("path", loaded.path.display()),
        ));
    };
    let (last_col, last_row) = sheet_extent(&loaded.path, &info.name, info.header_row, limits)?;
    let mut p = Plan {
        sheet: info.name.clone(),
        ..Plan::default()
    };
    let mut cols: BTreeMap<&str, u32> = BTreeMap::new();
    let mut next_col = last_col + 1;
    for f in FIELDS {
        if let Some(c) = info.columns.iter().find(|c| c.0 == f) {
            cols.insert(f, c.1);
        }
    }
    let items: Vec<&StockItem> = loaded
        .data
        .stock
        .iter()
        .filter(|i| i.cell.sheet == info.name)
        .collect();
    let key_of = |sku: Option<&String>, name: Option<&String>, option: Option<&String>| {
        sku.and_then(|s| product_key(s))
            .map(|k| format!("sku:{k}"))
            .or_else(|| {
                let n = format!(
                    "{}{}",
                    name.map_or("", String::as_str),
                    option.map_or("", String::as_str)
                );
                product_key(&n).map(|k| format!("name:{k}"))
            })
    };
    let mut rows: BTreeMap<String, usize> = BTreeMap::new();
    for (i, it) in items.iter().enumerate() {
        if let Some(k) = key_of(it.sku.as_ref(), it.name.as_ref(), it.option.as_ref()) {
            rows.entry(k).or_insert(i);
        }
    }
    let mut append = last_row + 1;
    let mut seen: BTreeMap<String, u64> = BTreeMap::new();
    for prod in &export.products {
        let Some(k) = key_of(prod.sku.as_ref(), prod.name.as_ref(), prod.option.as_ref()) else {
            continue;
        };
        if seen.insert(k.clone(), prod.line).is_some() {
            // The same product twice in one file: the first wins.
            continue;
        }
        let new = values_of(prod);
        let (row, old) = if let Some(i) = rows.get(&k) {
            (items[*i].cell.row, Some(values_of_item(items[*i])))
        } else {
            append += 1;
            (append - 1, None)
        };
        let mut changed = false;
        for (i, (field, value)) in new.iter().enumerate() {
            let before = old.as_ref().map_or(&EditValue::Blank, |o| &o[i].1);
            if same(before, value) {
                continue;
            }
            let col = if let Some(c) = cols.get(field) {
                *c
            } else {
                let c = next_col;
                next_col += 1;
                cols.insert(field, c);
                p.edits.push(CellEdit {
                    row: info.header_row,
                    col: c,
                    value: EditValue::Text(header_text(field, loaded.lang).to_string()),
                });
                c
            };
            p.edits.push(CellEdit {
                row,
                col,
                value: value.clone(),
            });
            changed = true;
        }
        match (old.is_some(), changed) {
            (false, _) => p.added += 1,
            (true, true) => p.updated += 1,
            (true, false) => p.unchanged += 1,
        }
    }
    Ok(p)
}

pub fn run(args: &Args, g: &Global) -> anyhow::Result<Exit> {
    let file = args.file.display();
    let bytes = std::fs::read(&args.file).map_err(|e| {
        said(
            Text::new(Msg::ImportCannotRead)
                .arg("path", &file)
                .io_parts("error", e.to_string(), crate::i18n::read_error(&e)),
        )
    })?;
    let text = String::from_utf8(bytes)
        .map_err(|_| said(Text::new(Msg::ImportNotUtf8).arg("path", &file)))?;
    let loaded = super::load(&args.workbook, g)?;
    let export = read_export(&text, &file.to_string())?;
    let plan = plan(&loaded, &export, &g.limits)?;
    let outcome = if args.apply && !plan.edits.is_empty() {
        write(&loaded, &plan, g)?;
        ImportOutcome::Wrote {
            sheet: &plan.sheet,
            workbook: &args.workbook,
        }
    } else if plan.edits.is_empty() {
        ImportOutcome::NothingToChange
    } else {
        ImportOutcome::NotApplied
    };
    let report = import_report(
        &ImportReport {
            file: &args.file,
            unusable: &export.unusable,
            products: export.products.len(),
            added: plan.added,
            updated: plan.updated,
            unchanged: plan.unchanged,
            outcome,
        },
        loaded.lang,
    );
    if !g.quiet {
        super::emit(&report)?;
    }
    Ok(Exit::Ok)
}

fn write(loaded: &Loaded, plan: &Plan, g: &Global) -> anyhow::Result<()> {
    let input = &loaded.path;
    super::require_editable(input, Msg::ApplyNeedsXlsx, None)?;
    let job = WriteJob::begin(
        input,
        None,
        WriteOptions {
            backups: loaded.settings.backups,
            ..WriteOptions::now(g.force, super::as_of(g), g.limits)
        },
    )?;
    let bytes = writeback::edit_cells_with(input, &plan.sheet, &plan.edits, &g.limits)?;
    let report = job.commit(&bytes)?;
    for w in report.warnings.iter().filter(|_| !g.quiet) {
        eprintln!("dangol: warning: {w}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unusable_export_lines_are_said_in_both_languages() {
        let text = "ID,Type,SKU,Name,Stock,Parent\n\
                    1,grouped,G-1,Set,,\n\
                    2,external,E-1,Ext,,\n\
                    3,simple,,,4,\n\
                    4,simple,A-1,Mug,ten,\n\
                    5,variation,A-2,Mug red,1,id:9\n\
                    6,simple,B-1,Cup,3,\n";
        let export = read_export(text, "woo.csv").unwrap();
        assert_eq!(export.products.len(), 1);
        let said = |lang: Lang| -> Vec<String> {
            export
                .unusable
                .iter()
                .map(|(line, t)| format!("{line}: {}", t.render(lang)))
                .collect()
        };
        assert_eq!(
            said(Lang::En),
            [
                "2: G-1: a grouped product holds no stock",
                "3: E-1: a external product holds no stock",
                "4: no SKU and no name",
                "5: A-1: Stock \"ten\" is not a number",
                "6: A-2: Parent \"id:9\" is not a product of this file",
            ]
        );
        assert_eq!(
            said(Lang::Ko),
            [
                "2: G-1: 묶음 상품은 재고를 두지 않습니다",
                "3: E-1: 외부 판매 상품은 재고를 두지 않습니다",
                "4: 품목코드도 상품명도 없습니다",
                "5: A-1: Stock 열에 숫자가 아닌 값 \"ten\"",
                "6: A-2: 이 파일에 없는 상위상품 \"id:9\"",
            ]
        );
        let err = read_export("Foo,Bar\n1,2\n", "woo.csv").unwrap_err();
        let said = err.downcast_ref::<crate::i18n::Said>().unwrap();
        assert_eq!(
            said.0.render(Lang::Ko),
            "woo.csv: WooCommerce 상품 내보내기 파일이 아닙니다: SKU(또는 Name) 열과 Stock 열이 있어야 하는데, 있는 열은 Foo, Bar"
        );
    }
}
