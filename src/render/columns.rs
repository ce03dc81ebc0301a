//! Result tables described once: a table is a list of [`Column`]s — key (the JSON/CSV field
//! name of SPEC §5), Korean and English labels, [`Kind`] and accessor over the analysis's fact
//! type — and every surface is derived from that one list: the generated sheet
//! ([`sheet_table`]), the terminal table ([`terminal_table`]), CSV ([`csv_table`]) and JSON
//! ([`JsonRows`]).
//!
//! Adding a column to a table is one line in its list. Where a surface leaves a column out or
//! shows it elsewhere (the terminal's short labels, its `--verbose` columns), the column says
//! so itself with [`Place`], so no surface keeps a column list of its own.
//!
//! JSON and CSV always speak English (SPEC §5: the field names and the built-in grade and
//! segment names are a contract), so their accessors are called with [`Out::Data`]; the sheet
//! and the terminal table with [`Out::Show`] in the workbook's language.

use std::fmt;

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use super::table::{Cell, SheetTable};
use crate::model::Lang;

/// What a column holds, and so how every surface shows it: money in the currency's format in
/// the sheet and the terminal and as a plain decimal string in CSV and JSON, a rate as a
/// decimal of four places, counts as whole numbers, dates `YYYY-MM-DD`, text as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free text from the data or a built-in name (customer, grade, segment, reason).
    Text,
    /// A customer key (an e-mail, a normalised name or an id).
    Key,
    Email,
    Phone,
    /// A whole count (orders, quotes, days, scores, ranks).
    Count,
    /// Money in the shop's currency.
    Money,
    /// A fraction 0..1, kept to four decimal places.
    Rate,
    /// A percentage in percent units: 12.5 is 12.5 %.
    Percent,
    /// A plain decimal (median days, expected orders).
    Number,
    Date,
    /// Yes/no.
    Flag,
    /// Where a row was read (`Quotes!A7`): never given the CSV text mark.
    Cell,
}

/// One value of a row as an accessor returns it, before its column's [`Kind`] turns it into a
/// cell or a JSON value. `Text("")` stays an empty string in JSON where [`Fact::None`] is `null`.
#[derive(Debug, Clone, PartialEq)]
pub enum Fact {
    None,
    Text(String),
    Int(i64),
    Dec(Decimal),
    Date(NaiveDate),
    Bool(bool),
    /// Several names (a group's members): a JSON array, one text joined by `, ` elsewhere.
    List(Vec<String>),
    /// A model's estimate, already rounded: a JSON number, a decimal of the given places in
    /// the sheet, the terminal and CSV.
    Float(f64, u32),
}

impl Fact {
    /// Money as the decimal's own text in JSON and CSV (`"1000.00"`, the scale kept), for the
    /// JSON shapes that have always written it so; a money cell elsewhere.
    pub fn money_as_written(d: Decimal, out: Out) -> Fact {
        match out {
            Out::Data => Fact::Text(d.to_string()),
            Out::Show(_) => Fact::Dec(d),
        }
    }
}

impl From<&str> for Fact {
    fn from(s: &str) -> Fact {
        Fact::Text(s.to_string())
    }
}

impl From<String> for Fact {
    fn from(s: String) -> Fact {
        Fact::Text(s)
    }
}

impl From<i64> for Fact {
    fn from(n: i64) -> Fact {
        Fact::Int(n)
    }
}

impl From<u8> for Fact {
    fn from(n: u8) -> Fact {
        Fact::Int(i64::from(n))
    }
}

impl From<u32> for Fact {
    fn from(n: u32) -> Fact {
        Fact::Int(i64::from(n))
    }
}

impl From<u64> for Fact {
    fn from(n: u64) -> Fact {
        // Counts of rows in one workbook are far below i64::MAX.
        Fact::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl From<Decimal> for Fact {
    fn from(d: Decimal) -> Fact {
        Fact::Dec(d)
    }
}

impl From<NaiveDate> for Fact {
    fn from(d: NaiveDate) -> Fact {
        Fact::Date(d)
    }
}

impl From<bool> for Fact {
    fn from(b: bool) -> Fact {
        Fact::Bool(b)
    }
}

impl<T: Into<Fact>> From<Option<T>> for Fact {
    fn from(v: Option<T>) -> Fact {
        v.map_or(Fact::None, Into::into)
    }
}

impl Kind {
    /// The decimal as this kind keeps it (a rate to four places, anything else as it is).
    fn decimal(self, d: Decimal) -> Decimal {
        match self {
            Kind::Rate => d.round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero),
            _ => d,
        }
    }

    /// The typed cell of the sheet, the terminal and CSV.
    pub fn cell(self, fact: Fact) -> Cell {
        match fact {
            Fact::None => Cell::Empty,
            Fact::Text(s) => Cell::text(s),
            Fact::Int(n) => Cell::Int(n),
            Fact::Dec(d) => match self {
                Kind::Money => Cell::Money(d),
                Kind::Percent => Cell::Percent(d),
                _ => Cell::Number(self.decimal(d)),
            },
            Fact::Date(d) => Cell::Date(d),
            Fact::Bool(b) => Cell::Bool(b),
            Fact::List(v) => Cell::text(v.join(", ")),
            Fact::Float(v, dp) => Decimal::try_from(v).map_or(Cell::Empty, |d| {
                let mut d = d.round_dp(dp);
                d.rescale(dp);
                Cell::Number(d)
            }),
        }
    }
}

/// Who a value is made for: scripts reading JSON and CSV (English names, stable words such as
/// `upgrade`), or a person reading the sheet or the terminal in a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Out {
    Data,
    Show(Lang),
}

impl Out {
    /// The language of the text: English for data.
    pub fn lang(self) -> Lang {
        match self {
            Out::Data => Lang::En,
            Out::Show(lang) => lang,
        }
    }

    /// `ko` or `en` for this audience.
    pub fn pick<'a>(self, ko: &'a str, en: &'a str) -> &'a str {
        self.lang().pick(ko, en)
    }
}

/// Where a column appears on a surface: in list order, after the other columns, only with
/// `--verbose` (the terminal's reasons), or not at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    No,
    Yes,
    /// After the `Yes` columns, in list order (the sheet's group column).
    Last,
    /// After the other columns, and only in the `--verbose` terminal table.
    Verbose,
}

/// A header in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label {
    pub ko: &'static str,
    pub en: &'static str,
}

impl Label {
    pub fn pick(self, lang: Lang) -> &'static str {
        lang.pick(self.ko, self.en)
    }
}

/// One column of a result table over rows of type `T`.
pub struct Column<T: ?Sized> {
    /// The JSON field name and CSV header (English, SPEC §5).
    pub key: &'static str,
    /// The generated sheet's header.
    pub label: Label,
    pub kind: Kind,
    /// Where the sheet shows it.
    pub sheet: Place,
    /// The terminal table's header (often shorter) and where it shows it.
    pub terminal: (Label, Place),
    /// Whether JSON has it (a sheet's note repeated on every row need not).
    pub json: bool,
    /// Whether CSV has it.
    pub csv: bool,
    /// The value of a row, with built-in names for the given audience.
    pub get: fn(&T, Out) -> Fact,
}

impl<T: ?Sized> fmt::Debug for Column<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Column")
            .field("key", &self.key)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

impl<T: ?Sized> Column<T> {
    /// A column shown in JSON and CSV only.
    pub const fn data(key: &'static str, kind: Kind, get: fn(&T, Out) -> Fact) -> Self {
        Column {
            key,
            label: Label { ko: "", en: "" },
            kind,
            sheet: Place::No,
            terminal: (Label { ko: "", en: "" }, Place::No),
            json: true,
            csv: true,
            get,
        }
    }

    /// A column of the sheet (and of JSON and CSV), with its header as `(ko, en)`.
    pub const fn sheet(
        key: &'static str,
        label: (&'static str, &'static str),
        kind: Kind,
        get: fn(&T, Out) -> Fact,
    ) -> Self {
        Column {
            label: Label {
                ko: label.0,
                en: label.1,
            },
            sheet: Place::Yes,
            ..Self::data(key, kind, get)
        }
    }

    /// A column of the terminal table only, with its header as `(ko, en)`: where the
    /// terminal shows a value of a sheet column's key otherwise (the sheet column, earlier in
    /// the list, gives JSON and CSV theirs).
    pub const fn terminal_only(
        key: &'static str,
        label: (&'static str, &'static str),
        kind: Kind,
        get: fn(&T, Out) -> Fact,
    ) -> Self {
        Column {
            json: false,
            csv: false,
            ..Self::data(key, kind, get).terminal(label, Place::Yes)
        }
    }

    /// The same column, also in the terminal table under `label` at `place`.
    #[must_use]
    pub const fn terminal(self, label: (&'static str, &'static str), place: Place) -> Self {
        Column {
            terminal: (
                Label {
                    ko: label.0,
                    en: label.1,
                },
                place,
            ),
            ..self
        }
    }

    /// The same column, also in the terminal table under its sheet header.
    #[must_use]
    pub const fn on_terminal(self) -> Self {
        Column {
            terminal: (self.label, Place::Yes),
            ..self
        }
    }

    /// The same column, left out of JSON and CSV.
    #[must_use]
    pub const fn sheet_only(self) -> Self {
        Column {
            json: false,
            csv: false,
            ..self
        }
    }

    /// The same column, in JSON only (JSON keeping more places than the CSV twin of the
    /// same key that follows it).
    #[must_use]
    pub const fn json_only(self) -> Self {
        Column { csv: false, ..self }
    }

    /// The same column, left out of JSON (its JSON twin of the same key precedes it).
    #[must_use]
    pub const fn not_in_json(self) -> Self {
        Column {
            json: false,
            ..self
        }
    }

    /// The same column, placed after the others in the sheet.
    #[must_use]
    pub const fn sheet_last(self) -> Self {
        Column {
            sheet: Place::Last,
            ..self
        }
    }

    /// This column's cell of `row` for `out`.
    pub fn cell(&self, row: &T, out: Out) -> Cell {
        self.kind.cell((self.get)(row, out))
    }
}

/// The columns a surface shows, in its order: `Yes` in list order, then `Last`, then (when
/// `verbose`) `Verbose`.
fn placed<T: ?Sized>(
    cols: &[Column<T>],
    place: impl Fn(&Column<T>) -> Place,
    verbose: bool,
) -> Vec<&Column<T>> {
    let place = &place;
    let mut order = vec![Place::Yes, Place::Last];
    if verbose {
        order.push(Place::Verbose);
    }
    order
        .into_iter()
        .flat_map(|p| cols.iter().filter(move |c| place(c) == p))
        .collect()
}

fn table<'r, T: ?Sized + 'r>(
    title: String,
    cols: &[&Column<T>],
    header: impl Fn(&Column<T>) -> &'static str,
    rows: impl IntoIterator<Item = &'r T>,
    out: Out,
) -> SheetTable {
    let headers: Vec<&str> = cols.iter().map(|c| header(c)).collect();
    let mut t = SheetTable::new(title, &headers);
    for r in rows {
        t.push(cols.iter().map(|c| c.cell(r, out)).collect());
    }
    t
}

/// The generated sheet's table: the sheet's columns and headers in `lang`.
pub fn sheet_table<'r, T: ?Sized + 'r>(
    cols: &[Column<T>],
    title: String,
    rows: impl IntoIterator<Item = &'r T>,
    lang: Lang,
) -> SheetTable {
    let shown = placed(cols, |c| c.sheet, false);
    table(title, &shown, |c| c.label.pick(lang), rows, Out::Show(lang))
}

/// The terminal table: the terminal's columns and short headers in `lang`, the `--verbose`
/// ones too when `verbose`.
pub fn terminal_table<'r, T: ?Sized + 'r>(
    cols: &[Column<T>],
    title: String,
    rows: impl IntoIterator<Item = &'r T>,
    lang: Lang,
    verbose: bool,
) -> SheetTable {
    let shown = placed(cols, |c| c.terminal.1, verbose);
    table(
        title,
        &shown,
        |c| c.terminal.0.pick(lang),
        rows,
        Out::Show(lang),
    )
}

/// The keys of the CSV columns, in order: the CSV header (and the JSON fields but for a
/// column's JSON-only twin).
pub fn keys<T: ?Sized>(cols: &[Column<T>]) -> Vec<&'static str> {
    cols.iter().filter(|c| c.csv).map(|c| c.key).collect()
}

/// The CSV table: every data column, keys as headers, values for [`Out::Data`].
pub fn csv_table<'r, T: ?Sized + 'r>(
    cols: &[Column<T>],
    rows: impl IntoIterator<Item = &'r T>,
) -> SheetTable {
    let all: Vec<&Column<T>> = cols.iter().filter(|c| c.csv).collect();
    table(String::new(), &all, |c| c.key, rows, Out::Data)
}

/// CSV text for scripts (UTF-8 with BOM, `\n` line ends): the keys of the CSV columns, then
/// one record per row for [`Out::Data`]; text, keys, e-mails and phones that could start a
/// formula get the text mark, dates, numbers and codes are written as they are.
pub fn data_csv<'r, T: ?Sized + 'r>(
    cols: &[Column<T>],
    rows: impl IntoIterator<Item = &'r T>,
) -> anyhow::Result<Vec<u8>> {
    let cols: Vec<&Column<T>> = cols.iter().filter(|c| c.csv).collect();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(cols.iter().map(|c| c.key))?;
    for row in rows {
        w.write_record(cols.iter().map(|c| {
            let text = match (c.get)(row, Out::Data) {
                Fact::None => String::new(),
                Fact::Text(s) => s,
                Fact::Int(n) => n.to_string(),
                Fact::Dec(d) => d.to_string(),
                Fact::Date(d) => d.to_string(),
                Fact::Bool(b) => b.to_string(),
                Fact::List(v) => v.join(", "),
                Fact::Float(v, _) => v.to_string(),
            };
            match c.kind {
                Kind::Text | Kind::Key | Kind::Email | Kind::Phone => {
                    super::csv_out::neutralise(&text).into_owned()
                }
                _ => text,
            }
        }))?;
    }
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend(w.into_inner()?);
    Ok(bytes)
}

/// A fact as JSON: money and other decimals as exact decimal strings (`"1250000"`, SPEC §5),
/// counts as numbers, dates as `YYYY-MM-DD` strings, a missing value as `null`.
struct JsonValue(Kind, Fact);

impl Serialize for JsonValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.1 {
            Fact::None => s.serialize_none(),
            Fact::Text(t) => s.serialize_str(t),
            Fact::Int(n) => s.serialize_i64(*n),
            Fact::Dec(d) => s.serialize_str(&self.0.decimal(*d).normalize().to_string()),
            Fact::Date(d) => s.collect_str(&d.format("%Y-%m-%d")),
            Fact::Bool(b) => s.serialize_bool(*b),
            Fact::List(v) => v.serialize(s),
            Fact::Float(v, _) => s.serialize_f64(*v),
        }
    }
}

/// One row as a JSON object: every data column's key and value for [`Out::Data`], in order.
pub struct JsonRow<'a, T: ?Sized>(pub &'a [Column<T>], pub &'a T);

impl<T: ?Sized> Serialize for JsonRow<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let n = self.0.iter().filter(|c| c.json).count();
        let mut m = s.serialize_map(Some(n))?;
        for c in self.0.iter().filter(|c| c.json) {
            m.serialize_entry(c.key, &JsonValue(c.kind, (c.get)(self.1, Out::Data)))?;
        }
        m.end()
    }
}

/// Rows as a JSON array of [`JsonRow`]s, each made only as it is written (a million customers
/// are never a second copy in memory).
pub struct JsonRows<'a, T: ?Sized>(pub &'a [Column<T>], pub &'a [&'a T]);

impl<T: ?Sized> Serialize for JsonRows<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.1.len()))?;
        for r in self.1 {
            seq.serialize_element(&JsonRow(self.0, *r))?;
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Row {
        name: &'static str,
        total: Decimal,
        rate: Option<Decimal>,
        note: &'static str,
        group: Option<&'static str>,
    }

    type C = Column<Row>;
    const COLS: &[C] = &[
        C::sheet("customer", ("고객", "Customer"), Kind::Text, |r, _| {
            r.name.into()
        })
        .terminal(("고객", "Customer"), Place::Yes),
        C::sheet("group", ("그룹", "Group"), Kind::Text, |r, _| {
            r.group.into()
        })
        .sheet_last(),
        C::sheet("total", ("순매출", "Net total"), Kind::Money, |r, _| {
            r.total.into()
        })
        .terminal(("합계", "Total"), Place::Yes),
        C::data("rate", Kind::Rate, |r, _| r.rate.into()),
        C::sheet("note", ("메모", "Note"), Kind::Text, |r, out| {
            out.pick("메모", r.note).into()
        })
        .terminal(("메모", "Note"), Place::Verbose),
    ];

    fn rows() -> Vec<Row> {
        vec![Row {
            name: "Ann",
            total: Decimal::new(1_250_000, 0),
            rate: Some(Decimal::new(123_456, 6)),
            note: "",
            group: None,
        }]
    }

    #[test]
    fn every_surface_follows_the_one_description() {
        let rows = rows();
        let s = sheet_table(COLS, "t".into(), &rows, Lang::Ko);
        assert_eq!(s.columns, ["고객", "순매출", "메모", "그룹"]);
        assert_eq!(s.rows[0][1], Cell::Money(Decimal::new(1_250_000, 0)));
        let t = terminal_table(COLS, String::new(), &rows, Lang::En, false);
        assert_eq!(t.columns, ["Customer", "Total"]);
        let t = terminal_table(COLS, String::new(), &rows, Lang::En, true);
        assert_eq!(t.columns, ["Customer", "Total", "Note"]);
        assert_eq!(t.rows[0][2], Cell::Empty);
        let c = csv_table(COLS, &rows);
        assert_eq!(c.columns, ["customer", "group", "total", "rate", "note"]);
        assert_eq!(c.rows[0][3], Cell::Number(Decimal::new(1235, 4)));
        let refs: Vec<&Row> = rows.iter().collect();
        assert_eq!(
            serde_json::to_string(&JsonRows(COLS, &refs)).unwrap(),
            r#"[{"customer":"Ann","group":null,"total":"1250000","rate":"0.1235","note":""}]"#
        );
    }

    struct Est {
        members: Vec<String>,
        p: f64,
        paid: Decimal,
    }

    type E = Column<Est>;
    const EST: &[E] = &[
        E::sheet(
            "members",
            ("회원", "Members"),
            Kind::Count,
            |r, out| match out {
                Out::Data => Fact::List(r.members.clone()),
                Out::Show(_) => u64::try_from(r.members.len()).unwrap_or(0).into(),
            },
        )
        .on_terminal(),
        E::sheet("p", ("확률", "P"), Kind::Number, |r, _| {
            Fact::Float(r.p, 2)
        }),
        E::sheet("paid", ("결제", "Paid"), Kind::Money, |r, out| {
            Fact::money_as_written(r.paid, out)
        }),
        E::sheet("note", ("비고", "Note"), Kind::Text, |_, _| "x".into()).sheet_only(),
    ];

    #[test]
    fn lists_estimates_and_sheet_only_columns() {
        let rows = [Est {
            members: vec!["a@x".into(), "b@x".into()],
            p: 0.126,
            paid: Decimal::new(100_000, 2),
        }];
        let s = sheet_table(EST, String::new(), &rows, Lang::En);
        assert_eq!(s.columns, ["Members", "P", "Paid", "Note"]);
        assert_eq!(
            s.rows[0],
            [
                Cell::Int(2),
                Cell::Number(Decimal::new(13, 2)),
                Cell::Money(Decimal::new(100_000, 2)),
                Cell::text("x"),
            ]
        );
        let t = terminal_table(EST, String::new(), &rows, Lang::Ko, false);
        assert_eq!(t.columns, ["회원"]);
        assert_eq!(keys(EST), ["members", "p", "paid"]);
        let c = csv_table(EST, &rows);
        assert_eq!(c.rows[0][0], Cell::text("a@x, b@x"));
        let refs: Vec<&Est> = rows.iter().collect();
        assert_eq!(
            serde_json::to_string(&JsonRows(EST, &refs)).unwrap(),
            r#"[{"members":["a@x","b@x"],"p":0.126,"paid":"1000.00"}]"#
        );
    }
}
