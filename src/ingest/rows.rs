//! Turning the rows of one recognised sheet into typed rows, streaming, with every problem
//! reported by cell.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::Dataset;
use super::cells::{self, DateHint};
use super::headers::Mapping;
use super::source::Cell;
use crate::model::fast;
use crate::model::ledger::ADD_ROWS;
use crate::model::values::{self, DateOrder};
use crate::model::{
    CellRef, Currency, CustomerRow, Flag, PipelineRow, Problem, QuoteRow, SaleKind, SaleRow,
    Severity,
};
use crate::settings::{Role, Settings};

/// How many rows are looked at before deciding what each date column holds.
pub const PREFIX_ROWS: usize = 200;
/// Problems kept per sheet and field before they are only counted.
const MAX_PROBLEMS_PER_FIELD: u32 = 100;

/// Why an amount cannot be used although it is a number.
const TOO_BIG_SUM: &str = "an amount that can be added up: with the amounts before it, the \
     workbook's amounts pass 10,000,000,000,000,000,000,000,000 (10^25)";
const TOO_BIG_PRODUCT: &str = "a unit price whose product with the quantity can be computed \
     (it passes 79,228,162,514,264,337,593,543,950,335)";

/// Which fields of a role hold dates.
fn date_fields(role: Role) -> &'static [&'static str] {
    match role {
        Role::Sales => &["date"],
        Role::Quotes => &["sent", "opened", "responded", "converted", "reminded"],
        Role::Customers => &["joined", "birthday"],
        Role::Pipeline => &["date"],
        _ => &[],
    }
}

/// Reads one data sheet.
pub struct SheetRows<'s> {
    pub sheet: String,
    pub role: Role,
    pub map: Mapping,
    settings: &'s Settings,
    hints: BTreeMap<u32, DateHint>,
    prefix: Vec<(u32, Vec<Cell<'static>>)>,
    decided: bool,
    pub rows: u64,
    pub bad_rows: u64,
    problem_counts: BTreeMap<&'static str, u32>,
    /// Columns of the pipeline's per-stage dates (`engage_date`).
    stage_date_cols: Vec<(u32, String)>,
    cancel_words: Vec<String>,
    /// Status texts seen (trimmed, as written) and whether each is a cancel word: a shop has a
    /// handful of statuses, repeated on every row, each folded once instead of per row.
    statuses: Vec<(Box<str>, bool)>,
    currency_votes: BTreeMap<Currency, u64>,
    /// Columns of the fields read on every sales row, looked up once instead of per cell.
    cols: HotCols,
    /// Sales after this day are not read; after `typo_after` too they are warnings.
    as_of: Option<chrono::NaiveDate>,
    typo_after: Option<chrono::NaiveDate>,
    /// Sales rows read and not yet added to the ledger (up to `ADD_ROWS`, with their order
    /// keys' fingerprints): the ledger takes them a few at a time (`add_queued`).
    queued: Vec<(SaleRow, u64)>,
    /// Sales rows added, whose buffers the next lines reuse.
    free_rows: Vec<SaleRow>,
    /// Where the typed rows go while the ledger is on another thread (see
    /// [`SheetRows::add_elsewhere`]).
    ledger: Option<LedgerLink>,
    /// The phone cell's text on the line before and the form it gave, and a buffer for the
    /// digits of a phone.
    phone_memo: PhoneMemo,
    /// Buffers kept while a field of the reused row is blank.
    spare: [String; 6],
    /// The order key of a row when the sheet has no order-id column (`#Sales!17`).
    row_key: String,
    /// For a later part of a sheet read on its own (see [`SheetRows::take_part`]): the field
    /// of each problem counted against [`MAX_PROBLEMS_PER_FIELD`], by its index in the
    /// part's problems.
    tags: Option<Vec<(usize, &'static str)>>,
}

/// Column indices of the fields the per-row paths read (`None`: no such column).
#[derive(Debug, Clone, Copy, Default)]
struct HotCols {
    date: Option<u32>,
    amount: Option<u32>,
    quantity: Option<u32>,
    unit_price: Option<u32>,
    customer: Option<u32>,
    email: Option<u32>,
    phone: Option<u32>,
    order_id: Option<u32>,
    status: Option<u32>,
    channel: Option<u32>,
    /// Stock (SPEC §10): the product name and code of a sales line.
    product: Option<u32>,
    sku: Option<u32>,
}

impl HotCols {
    fn of(map: &Mapping) -> Self {
        HotCols {
            date: map.col("date"),
            amount: map.col("amount"),
            quantity: map.col("quantity"),
            unit_price: map.col("unit_price"),
            customer: map.col("customer"),
            email: map.col("email"),
            phone: map.col("phone"),
            order_id: map.col("order_id"),
            status: map.col("status"),
            channel: map.col("channel"),
            product: map.col("product"),
            sku: map.col("sku"),
        }
    }
}

fn owned(cells: &[Cell<'_>]) -> Vec<Cell<'static>> {
    cells
        .iter()
        .map(|c| match c {
            Cell::Text(t) => Cell::Text(std::borrow::Cow::Owned(t.to_string())),
            Cell::Empty => Cell::Empty,
            Cell::Float(f) => Cell::Float(*f),
            Cell::Int(i) => Cell::Int(*i),
            Cell::Bool(b) => Cell::Bool(*b),
            Cell::Date(d) => Cell::Date(*d),
            Cell::Error(e) => Cell::Error(e.clone()),
            Cell::Leap1900(d) => Cell::Leap1900(*d),
        })
        .collect()
}

/// The cell at `col` unless blank (or the column is absent).
fn get_at<'c>(cells: &'c [Cell<'c>], col: Option<u32>) -> Option<(u32, &'c Cell<'c>)> {
    let col = col?;
    let c = cells.get(col as usize)?;
    if c.is_blank() { None } else { Some((col, c)) }
}

/// The trimmed text at `col`; `None` when blank or absent.
fn text_at(cells: &[Cell<'_>], col: Option<u32>) -> Option<String> {
    cells.get(col? as usize).and_then(cells::text)
}

/// A text cell in the common form of a date (`2009-12-01 07:45:00`), read without the full
/// parser; `None` sends the cell to [`cells::date`].
fn fast_date(c: &Cell<'_>) -> Option<chrono::NaiveDateTime> {
    match c {
        Cell::Text(t) => fast::iso_datetime(t),
        _ => None,
    }
}

/// A text cell holding a plain decimal (`6.95`, `-12`), read without the full parser; `None`
/// sends the cell to [`cells::money`].
fn fast_money(c: &Cell<'_>) -> Option<Decimal> {
    match c {
        Cell::Text(t) => fast::plain_decimal(t),
        _ => None,
    }
}

/// Whether the phone `form` (as written) has the digits `digits` (as `phone_digits` gives them).
fn same_digits(form: &str, digits: &str) -> bool {
    if form.is_ascii() && !form.contains('.') {
        form.bytes().filter(u8::is_ascii_digit).eq(digits.bytes())
    } else {
        values::phone_digits(form).as_deref() == Some(digits)
    }
}

/// Writes the trimmed text of a cell into `out` (cleared first), as [`cells::text`] gives it;
/// `false` when the cell is blank.
fn write_text(c: &Cell<'_>, out: &mut String) -> bool {
    use std::fmt::Write as _;
    out.clear();
    match c {
        Cell::Empty => false,
        Cell::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
            let _ = write!(out, "{}", *f as i64);
            true
        }
        Cell::Int(i) => {
            let _ = write!(out, "{i}");
            true
        }
        Cell::Text(t) => {
            out.push_str(t.trim());
            !out.is_empty()
        }
        other => match cells::text(other) {
            Some(t) => {
                out.push_str(&t);
                true
            }
            None => false,
        },
    }
}

/// Sets `slot` to the trimmed text at `col` (`None` when blank or absent), reusing the
/// allocation of its previous value, or of `spare`, where the buffer waits while `slot` is
/// `None`.
fn fill(slot: &mut Option<String>, spare: &mut String, cells: &[Cell<'_>], col: Option<u32>) {
    let mut buf = slot.take().unwrap_or_else(|| std::mem::take(spare));
    match col.and_then(|c| cells.get(c as usize)) {
        Some(c) if write_text(c, &mut buf) => *slot = Some(buf),
        _ => *spare = buf,
    }
}

/// Sales rows handed to the ledger's thread at once: few enough that the batches in flight
/// stay small, enough that handing them over costs next to nothing per row.
const THREAD_ROWS: usize = 64 * ADD_ROWS;
/// A batch is handed over sooner when its rows' texts pass this many bytes (a CSV cell has no
/// length limit): the batches in flight stay small whatever the rows hold.
const THREAD_TEXT: usize = 1 << 20;
/// Batches the ledger's thread may have waiting: enough that neither side waits for the other
/// at every batch.
const THREAD_BATCHES: usize = 8;

/// The phone cell's text on the line before and the form it gave, and a buffer for the
/// digits of a phone.
type PhoneMemo = (String, Option<String>, String);

/// Typed sales rows on their way to the ledger's thread, packed end to end: the texts of the
/// rows one after another in one buffer, so that the other core reads them in a row (rows
/// with a buffer for each text, read on another core, each cost a wait for memory there).
/// Only what the ledger reads is kept: the row's cell, time, amount, kind, order key and its
/// customer key, name, e-mail, phone and channel.
struct RowBatch {
    text: String,
    rows: Vec<Packed>,
}

/// One row of a [`RowBatch`]: its texts end at `ends` in the batch's text (each after the one
/// before; those not in `present` are blank).
#[derive(Clone, Copy)]
struct Packed {
    row: u32,
    col: u32,
    at: chrono::NaiveDateTime,
    amount: Decimal,
    kind: SaleKind,
    order: u64,
    ends: [usize; 5],
    present: u8,
}

impl RowBatch {
    fn with_room() -> Self {
        RowBatch {
            text: String::with_capacity(THREAD_ROWS * 96),
            rows: Vec::with_capacity(THREAD_ROWS),
        }
    }

    fn push(&mut self, row: &SaleRow, order: u64) {
        let mut ends = [0; 5];
        let mut present = 0;
        let texts = [
            &row.customer,
            &row.name,
            &row.email,
            &row.phone,
            &row.channel,
        ];
        for (i, text) in texts.into_iter().enumerate() {
            if let Some(t) = text {
                self.text.push_str(t);
                present |= 1 << i;
            }
            ends[i] = self.text.len();
        }
        self.rows.push(Packed {
            row: row.cell.row,
            col: row.cell.col,
            at: row.at,
            amount: row.amount,
            kind: row.kind,
            order,
            ends,
            present,
        });
    }

    /// Row `i` into `into` (its buffers reused; a blank text's buffer kept in `spare`), with
    /// its order key.
    fn unpack(&self, i: usize, into: &mut SaleRow, spare: &mut [String; 5]) -> u64 {
        let p = &self.rows[i];
        into.cell.row = p.row;
        into.cell.col = p.col;
        into.at = p.at;
        into.amount = p.amount;
        into.kind = p.kind;
        let mut from = match i.checked_sub(1) {
            Some(before) => self.rows[before].ends[4],
            None => 0,
        };
        let slots = [
            &mut into.customer,
            &mut into.name,
            &mut into.email,
            &mut into.phone,
            &mut into.channel,
        ];
        for (k, (slot, spare)) in slots.into_iter().zip(spare.iter_mut()).enumerate() {
            let to = p.ends[k];
            let mut buf = slot.take().unwrap_or_else(|| std::mem::take(spare));
            match self.text.get(from..to) {
                Some(t) if p.present & (1 << k) != 0 => {
                    buf.clear();
                    buf.push_str(t);
                    *slot = Some(buf);
                }
                _ => *spare = buf,
            }
            from = to;
        }
        p.order
    }

    fn clear(&mut self) {
        self.text.clear();
        self.rows.clear();
    }
}

/// Where a sales reader hands its typed rows while they are added up on another thread (see
/// [`SheetRows::add_elsewhere`]).
struct LedgerLink {
    rows: std::sync::mpsc::SyncSender<RowBatch>,
    /// Batches added, to be filled again.
    back: std::sync::mpsc::Receiver<RowBatch>,
    /// The batch being filled.
    batch: RowBatch,
}

impl LedgerLink {
    /// Hands the batch over and takes one the end has added (or a new one) to fill next.
    fn send(&mut self) {
        let mut next = self
            .back
            .try_recv()
            .unwrap_or_else(|_| RowBatch::with_room());
        next.clear();
        let full = std::mem::replace(&mut self.batch, next);
        // An end that has stopped has panicked: its thread says so when it is joined.
        let _ = self.rows.send(full);
    }

    /// Hands over what is left; the end stops once it has added it.
    fn send_last(self) {
        if !self.batch.rows.is_empty() {
            let _ = self.rows.send(self.batch);
        }
    }
}

/// The ledger of a sales sheet while its rows are typed on another thread (see
/// [`SheetRows::add_elsewhere`]): it adds the rows handed to it, in their order.
pub struct LedgerEnd {
    rows: std::sync::mpsc::Receiver<RowBatch>,
    back: std::sync::mpsc::Sender<RowBatch>,
    sales: crate::model::SalesLedger,
    forms: std::collections::HashMap<String, String>,
    memo: PhoneMemo,
    batches: u64,
    /// The rows unpacked here, [`ADD_ROWS`] at a time, and their spare buffers.
    local: Vec<(SaleRow, u64)>,
    spares: Vec<[String; 5]>,
}

impl LedgerEnd {
    /// Adds the rows handed over until the reader has flushed or is gone.
    pub fn run(&mut self) {
        while let Ok(batch) = self.rows.recv() {
            self.batches += 1;
            let mut i = 0;
            while i < batch.rows.len() {
                let n = ADD_ROWS.min(batch.rows.len() - i);
                let local = self.local.iter_mut().zip(&mut self.spares).take(n);
                for (j, ((row, order), spare)) in local.enumerate() {
                    *order = batch.unpack(i + j, row, spare);
                }
                add_rows(
                    &mut self.local[..n],
                    &mut self.sales,
                    &mut self.forms,
                    &mut self.memo,
                );
                i += n;
            }
            // The reader may have stopped taking batches back: it is only freed then.
            let _ = self.back.send(batch);
        }
    }

    /// Puts the ledger and the phone forms back into `out`, with the counts the reader kept
    /// there meanwhile (rows after the as-of day, prefixed returns).
    pub fn restore(self, out: &mut Dataset) {
        let kept = std::mem::replace(&mut out.sales, self.sales);
        out.sales.later_rows += kept.later_rows;
        out.sales.future_rows += kept.future_rows;
        out.sales.prefixed_return_rows += kept.prefixed_return_rows;
        out.batches_added_apart += self.batches;
        let forms = std::mem::replace(&mut out.phone_forms, self.forms);
        for (digits, form) in forms {
            out.phone_forms.entry(digits).or_insert(form);
        }
    }
}

/// A sales row of `sheet` with nothing in it yet, for a reader to fill and reuse.
fn blank_sale(sheet: &str) -> SaleRow {
    SaleRow {
        cell: CellRef::new(sheet, 0, 0),
        at: chrono::NaiveDateTime::MIN,
        customer: None,
        name: None,
        email: None,
        phone: None,
        order_id: None,
        product: None,
        amount: Decimal::ZERO,
        kind: SaleKind::Order,
        channel: None,
    }
}

/// Adds up to [`ADD_ROWS`] typed sales rows to the ledger: their customers found at once
/// (`SalesLedger::find_rows`), each phone turned into its form ([`phone_form_of`]), then the
/// rows added (`SalesLedger::add_found`).
fn add_rows(
    rows: &mut [(SaleRow, u64)],
    sales: &mut crate::model::SalesLedger,
    forms: &mut std::collections::HashMap<String, String>,
    memo: &mut PhoneMemo,
) {
    let at = sales.find_rows(rows);
    for (i, a) in at.iter().enumerate().take(rows.len()) {
        phone_form_of(&mut rows[i].0.phone, *a, sales, forms, memo);
    }
    sales.add_found(rows, &at);
}

/// A sales row's phone, as written, turned into the form the workbook first wrote the
/// number in (see `Dataset::phone_form`; `None` when it holds no phone number), for the
/// customer at `at` in the ledger (found by `SalesLedger::find_rows`).
fn phone_form_of(
    phone: &mut Option<String>,
    at: Option<usize>,
    sales: &mut crate::model::SalesLedger,
    forms: &mut std::collections::HashMap<String, String>,
    memo: &mut PhoneMemo,
) {
    let Some(written) = phone.as_deref() else {
        return;
    };
    // The same text as the line before (the next line of one order): the same form,
    // written into the reused buffer, without the digits and the lookup again.
    if !memo.0.is_empty() && memo.0 == written {
        match &memo.1 {
            Some(form) => {
                if let Some(p) = phone.as_mut() {
                    p.clone_from(form);
                }
            }
            None => *phone = None,
        }
        return;
    }
    memo.0.clear();
    memo.0.push_str(written);
    // The digits into the memo's buffer: no allocation for a number written in ASCII.
    let digits = &mut memo.2;
    let number = match fast::ascii_phone_digits(written, digits) {
        Some(number) => number,
        None => match values::phone_digits(written) {
            Some(d) => {
                *digits = d;
                true
            }
            None => false,
        },
    };
    if !number {
        memo.1 = None;
        *phone = None;
        return;
    }
    // A number this customer was already seen with: its form is the one `phone_form` gave
    // then (the workbook's first), found in the customer's own short list (already
    // fetched) instead of the workbook-wide table.
    let known = at
        .map(|i| sales.customers.at_mut(i))
        .and_then(|c| c.phones.iter().find(|f| same_digits(f, digits)));
    let p = phone.get_or_insert_default();
    match known {
        Some(form) => {
            p.clear();
            p.push_str(form);
        }
        // The workbook's first form of the number, or this one, the first.
        None => {
            if let Some(form) = forms.get(digits.as_str()) {
                p.clone_from(form);
            } else {
                p.clone_from(&memo.0);
                forms.insert(digits.clone(), memo.0.clone());
            }
        }
    }
    match &mut memo.1 {
        Some(m) => m.clone_from(p),
        m @ None => *m = Some(p.clone()),
    }
}

/// 합계, 총계, 소계, Total, Subtotal, Grand total (any case and spacing; `합계:` too).
fn is_totals_word(s: &str) -> bool {
    // Every word starts with a letter: a text that starts with a digit (a date, on nearly
    // every row of a CSV) is settled without folding it.
    if s.trim_start().starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    let k = values::header_key(s);
    let k = k.trim_end_matches([':', '：']);
    matches!(
        k,
        "합계" | "총계" | "소계" | "총합계" | "total" | "subtotal" | "grandtotal" | "totals"
    )
}

fn norm_word(s: &str) -> String {
    values::header_key(s)
}

impl<'s> SheetRows<'s> {
    pub fn new(sheet: &str, role: Role, map: Mapping, settings: &'s Settings) -> Self {
        let stage_date_cols = if role == Role::Pipeline {
            map.others
                .iter()
                .filter(|(_, t)| {
                    let k = values::header_key(t);
                    k.ends_with("date") || k.ends_with("일") || k.ends_with("일자")
                })
                .cloned()
                .collect()
        } else {
            Vec::new()
        };
        let cols = HotCols::of(&map);
        SheetRows {
            sheet: sheet.to_string(),
            role,
            map,
            settings,
            hints: BTreeMap::new(),
            prefix: Vec::new(),
            decided: false,
            rows: 0,
            bad_rows: 0,
            problem_counts: BTreeMap::new(),
            stage_date_cols,
            cancel_words: settings.cancel_words.iter().map(|w| norm_word(w)).collect(),
            statuses: Vec::new(),
            currency_votes: BTreeMap::new(),
            cols,
            as_of: None,
            typo_after: None,
            queued: Vec::with_capacity(ADD_ROWS),
            free_rows: Vec::new(),
            ledger: None,
            phone_memo: Default::default(),
            spare: Default::default(),
            row_key: String::new(),
            tags: None,
        }
    }

    /// Reads a later part of the sheet (the rows after a cut of a CSV file), to be taken in
    /// by the reader of the part before with [`SheetRows::take_part`].
    #[must_use]
    pub fn later_part(mut self) -> Self {
        self.tags = Some(Vec::new());
        self
    }

    /// Takes in the later part of this sheet, read on its own into `part` (rows and problems
    /// in row order after this part's), once both are [flushed](SheetRows::flush): the same
    /// rows, problems and ledger as reading its rows after this part's — the problems over
    /// [`MAX_PROBLEMS_PER_FIELD`] for a field counted, not listed. `false` when the two parts
    /// did not read dates alike (their first rows told different date orders) or the amounts
    /// added up would pass the money limit: then read the sheet again whole.
    pub fn take_part(
        &mut self,
        later: SheetRows<'_>,
        out: &mut Dataset,
        mut part: Dataset,
    ) -> bool {
        if self.hints != later.hints || !self.decided || !later.decided {
            return false;
        }
        match out.money_read.checked_add(part.money_read) {
            Some(sum) if sum <= super::MONEY_LIMIT => out.money_read = sum,
            _ => return false,
        }
        let tags = later.tags.unwrap_or_default();
        let mut tags = tags.iter().peekable();
        let mut listed: BTreeMap<&'static str, u32> = BTreeMap::new();
        for (i, p) in std::mem::take(&mut part.problems).into_iter().enumerate() {
            if let Some((_, field)) = tags.next_if(|t| t.0 == i) {
                let before = self.problem_counts.get(field).copied().unwrap_or(0);
                let n = listed.entry(field).or_default();
                if before + *n >= MAX_PROBLEMS_PER_FIELD {
                    continue;
                }
                *n += 1;
            }
            out.problems.push(p);
        }
        for (field, n) in later.problem_counts {
            *self.problem_counts.entry(field).or_default() += n;
        }
        for (cur, n) in later.currency_votes {
            *self.currency_votes.entry(cur).or_default() += n;
        }
        self.rows += later.rows;
        self.bad_rows += later.bad_rows;
        out.sales.absorb(part.sales);
        for (cur, n) in part.currency_votes {
            *out.currency_votes.entry(cur).or_default() += n;
        }
        out.credit_hint.absorb(part.credit_hint);
        true
    }

    /// Read sales only up to `as_of`; a sale after both it and `today` is a warning with its
    /// cell (most are typos: 2062 for 2026), the others after `as_of` are counted in a note.
    pub fn dated_until(
        &mut self,
        as_of: Option<chrono::NaiveDate>,
        today: Option<chrono::NaiveDate>,
    ) {
        self.as_of = as_of;
        self.typo_after = match (as_of, today) {
            (Some(a), Some(t)) => Some(a.max(t)),
            (a, t) => a.or(t),
        };
    }

    /// Feed one data row (below the header).
    pub fn push(&mut self, row: u32, cells: &[Cell<'_>], out: &mut Dataset) {
        if !self.decided {
            if self.prefix.len() < PREFIX_ROWS {
                self.prefix.push((row, owned(cells)));
                return;
            }
            self.decide();
            let prefix = std::mem::take(&mut self.prefix);
            for (r, c) in &prefix {
                self.process(*r, c, out);
            }
        }
        self.process(row, cells, out);
    }

    /// Reads the rows buffered while deciding what the date columns hold, and adds the sales
    /// rows still queued to the ledger: after this the ledger holds every row read.
    pub fn flush(&mut self, out: &mut Dataset) {
        if !self.decided {
            self.decide();
            let prefix = std::mem::take(&mut self.prefix);
            for (r, c) in &prefix {
                self.process(*r, c, out);
            }
        }
        self.add_queued(out);
        if let Some(link) = self.ledger.take() {
            link.send_last();
        }
    }

    /// Flush what is buffered and add the sheet-level notes.
    pub fn finish(&mut self, out: &mut Dataset) {
        self.flush(out);
        for (field, n) in &self.problem_counts {
            if *n > MAX_PROBLEMS_PER_FIELD {
                out.problems.push(Problem {
                    severity: Severity::Error,
                    place: self.sheet.clone(),
                    found: String::new(),
                    expected: format!(
                        "{} more unusable values in column '{}' not listed",
                        n - MAX_PROBLEMS_PER_FIELD,
                        field
                    ),
                });
            }
        }
        for (cur, n) in &self.currency_votes {
            *out.currency_votes.entry(*cur).or_default() += n;
        }
    }

    /// Decide what each date column holds from the buffered rows.
    fn decide(&mut self) {
        self.decided = true;
        let mut cols: Vec<u32> = date_fields(self.role)
            .iter()
            .filter_map(|f| self.map.col(f))
            .collect();
        cols.extend(self.stage_date_cols.iter().map(|c| c.0));
        for col in cols {
            let mut all_serial = true;
            let mut any = false;
            let mut order: Option<DateOrder> = None;
            let mut conflict = false;
            for (_, cells) in &self.prefix {
                let Some(c) = cells.get(col as usize) else {
                    continue;
                };
                match cells::looks_serial(c) {
                    None => continue,
                    Some(s) => {
                        any = true;
                        all_serial &= s;
                    }
                }
                if let Cell::Text(t) = c
                    && let Some(h) = values::date_order_hint(t)
                {
                    match order {
                        None => order = Some(h),
                        Some(o) if o != h => conflict = true,
                        _ => {}
                    }
                }
            }
            let order = match self.settings.date_order {
                DateOrder::Auto if !conflict => order.unwrap_or(DateOrder::Auto),
                o => o,
            };
            self.hints.insert(
                col,
                DateHint {
                    serials: any && all_serial,
                    order,
                },
            );
        }
    }

    /// The note for Excel's 1900-02-29 (see [`Cell::Leap1900`]).
    fn leap_note(&self, c: &Cell<'_>, row: u32, col: u32, out: &mut Dataset) {
        if matches!(c, Cell::Leap1900(_)) {
            out.problems.push(Problem {
                severity: Severity::Note,
                place: CellRef::new(self.sheet.clone(), row, col).to_string(),
                found: String::new(),
                expected: "Excel's date serial 60 is 1900-02-29, a day that does not exist (kept \
                           from Lotus 1-2-3); read as 1900-02-28"
                    .to_string(),
            });
        }
    }

    fn problem(
        &mut self,
        out: &mut Dataset,
        field: &'static str,
        row: u32,
        col: u32,
        found: String,
        expected: &str,
    ) {
        let n = self.problem_counts.entry(field).or_default();
        *n += 1;
        if *n <= MAX_PROBLEMS_PER_FIELD {
            if let Some(tags) = &mut self.tags {
                tags.push((out.problems.len(), field));
            }
            out.problems.push(Problem {
                severity: Severity::Error,
                place: CellRef::new(self.sheet.clone(), row, col).to_string(),
                found,
                expected: expected.to_string(),
            });
        }
    }

    fn hint(&self, col: u32) -> DateHint {
        self.hints.get(&col).copied().unwrap_or(DateHint {
            serials: false,
            order: self.settings.date_order,
        })
    }

    fn process(&mut self, row: u32, cells: &[Cell<'_>], out: &mut Dataset) {
        self.rows += 1;
        if let Some((col, word)) = self.totals_row(cells) {
            out.problems.push(Problem {
                severity: Severity::Note,
                place: CellRef::new(self.sheet.clone(), row, col).to_string(),
                found: String::new(),
                expected: format!("a totals row ({word}) with no date; skipped"),
            });
            return;
        }
        let ok = match self.role {
            Role::Sales => self.sale(row, cells, out),
            Role::Quotes => self.quote(row, cells, out),
            Role::Customers => self.customer(row, cells, out),
            Role::Pipeline => self.pipeline(row, cells, out),
            _ => true,
        };
        if !ok {
            self.bad_rows += 1;
        }
    }

    /// A totals row under the table (SPEC §2): its customer cell or first cell reads 합계,
    /// 총계, 소계, Total, Subtotal or Grand total, and its date is blank. Returns the cell's
    /// column and text.
    fn totals_row(&self, cells: &[Cell<'_>]) -> Option<(u32, String)> {
        let date_col = match self.role {
            Role::Sales | Role::Pipeline => self.map.col("date"),
            Role::Quotes => self.map.col("sent"),
            _ => None,
        }?;
        // The date cell is blank, or is itself the word (`Total` in column A, the date column).
        // Only a text cell can read `Total`: a real date (nearly every row) is settled without
        // making text of it.
        if let Some(c) = cells.get(date_col as usize)
            && !c.is_blank()
            && !matches!(c, Cell::Text(t) if is_totals_word(t))
        {
            return None;
        }
        let first = cells.iter().position(|c| !c.is_blank()).map(|i| i as u32);
        [self.map.col("customer"), first]
            .into_iter()
            .flatten()
            .find_map(|col| {
                let text = text_at(cells, Some(col))?;
                is_totals_word(&text).then_some((col, text))
            })
    }

    fn get<'c>(&self, cells: &'c [Cell<'c>], field: &str) -> Option<(u32, &'c Cell<'c>)> {
        get_at(cells, self.map.col(field))
    }

    fn text_of(&self, cells: &[Cell<'_>], field: &str) -> Option<String> {
        text_at(cells, self.map.col(field))
    }

    /// A required date; reports and returns None when missing or bad.
    fn req_date(
        &mut self,
        cells: &[Cell<'_>],
        field: &'static str,
        col: Option<u32>,
        row: u32,
        out: &mut Dataset,
    ) -> Option<chrono::NaiveDateTime> {
        let col = col?;
        match cells.get(col as usize).filter(|c| !c.is_blank()) {
            None => {
                self.problem(
                    out,
                    field,
                    row,
                    col,
                    String::new(),
                    &if field == "date" {
                        "a date (the cell is blank)".to_string()
                    } else {
                        format!("a {field} date (the cell is blank)")
                    },
                );
                None
            }
            Some(c) => match fast_date(c).map_or_else(|| cells::date(c, self.hint(col)), Ok) {
                Ok(d) => {
                    self.leap_note(c, row, col, out);
                    Some(d)
                }
                Err(e) => {
                    self.problem(out, field, row, col, c.display(), e);
                    None
                }
            },
        }
    }

    fn opt_money(
        &mut self,
        cells: &[Cell<'_>],
        field: &'static str,
        col: Option<u32>,
        row: u32,
        out: &mut Dataset,
    ) -> Result<Option<Decimal>, ()> {
        let Some((col, c)) = get_at(cells, col) else {
            return Ok(None);
        };
        match fast_money(c).map_or_else(|| cells::money(c), |d| Ok((d, None))) {
            Ok((d, cur)) => {
                if let Some(cur) = cur {
                    *self.currency_votes.entry(cur).or_default() += 1;
                }
                Ok(Some(d))
            }
            Err(e) => {
                let found = c.display();
                self.problem(out, field, row, col, found, e);
                Err(())
            }
        }
    }

    /// A quote's or deal's amount: read like a sales amount and counted against the limit.
    fn side_amount(&mut self, cells: &[Cell<'_>], row: u32, out: &mut Dataset) -> Option<Decimal> {
        let col = self.map.col("amount");
        let a = self
            .opt_money(cells, "amount", col, row, out)
            .ok()
            .flatten()?;
        if out.count_money(a) {
            Some(a)
        } else {
            let col = col.unwrap_or(0);
            let found = cells
                .get(col as usize)
                .map(Cell::display)
                .unwrap_or_default();
            self.problem(out, "amount", row, col, found, TOO_BIG_SUM);
            None
        }
    }

    fn identity(
        &self,
        cells: &[Cell<'_>],
        out: &mut Dataset,
    ) -> (
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    ) {
        let name = text_at(cells, self.cols.customer).map(|n| values::nfc(&n).into_owned());
        let email = text_at(cells, self.cols.email).filter(|e| e.contains('@'));
        // The phone as the owner wrote it (`010-4444-5555`); one form per number across the
        // workbook, so that identity and the duplicate review compare the digits only.
        let phone = text_at(cells, self.cols.phone)
            .and_then(|p| values::phone_digits(&p).map(|d| out.phone_form(d, p)));
        let key = values::customer_key(email.as_deref(), name.as_deref());
        (key, name, email.map(|e| e.trim().to_lowercase()), phone)
    }

    /// One sales row: its money and date read ([`SheetRows::sale_amount`]), one dated after
    /// the as-of day only counted ([`SheetRows::later_sale`]), the amount counted against the
    /// money limit, then the row built in place and added to the ledger
    /// ([`SheetRows::add_sale`]).
    fn sale(&mut self, row: u32, cells: &[Cell<'_>], out: &mut Dataset) -> bool {
        let Some((at, amount, qty, price)) = self.sale_amount(row, cells, out) else {
            return false;
        };
        if let Some(as_of) = self.as_of
            && at.date() > as_of
        {
            self.later_sale(row, cells, at, as_of, out);
            return true;
        }
        let cols = self.cols;
        if !out.count_money(amount) {
            let col = cols.amount.or(cols.unit_price).unwrap_or(0);
            let found = cells
                .get(col as usize)
                .map(Cell::display)
                .unwrap_or_default();
            self.problem(out, "amount", row, col, found, TOO_BIG_SUM);
            return false;
        }
        self.add_sale(row, cells, at, amount, (qty, price), out);
        true
    }

    /// The date and the amount of a sales row (the amount cell, else quantity × unit price),
    /// with the quantity and unit price; `None` (each problem reported) when one is unusable.
    fn sale_amount(
        &mut self,
        row: u32,
        cells: &[Cell<'_>],
        out: &mut Dataset,
    ) -> Option<(
        chrono::NaiveDateTime,
        Decimal,
        Option<Decimal>,
        Option<Decimal>,
    )> {
        let cols = self.cols;
        let at = self.req_date(cells, "date", cols.date, row, out);
        let amount = self.opt_money(cells, "amount", cols.amount, row, out);
        let qty = match get_at(cells, cols.quantity) {
            None => Ok(None),
            Some((col, c)) => fast_money(c)
                .map_or_else(|| cells::quantity(c), Ok)
                .map(Some)
                .map_err(|e| (col, c.display(), e)),
        };
        let qty = match qty {
            Ok(q) => Ok(q),
            Err((col, found, e)) => {
                self.problem(out, "quantity", row, col, found, e);
                Err(())
            }
        };
        let price = self.opt_money(cells, "unit_price", cols.unit_price, row, out);
        let (Some(at), Ok(amount), Ok(qty), Ok(price)) = (at, amount, qty, price) else {
            return None;
        };
        let amount = match (amount, qty, price) {
            (Some(a), _, _) => a,
            (None, Some(q), Some(p)) => {
                let Some(a) = q.checked_mul(p) else {
                    let col = cols.unit_price.unwrap_or(0);
                    let found = cells
                        .get(col as usize)
                        .map(Cell::display)
                        .unwrap_or_default();
                    self.problem(out, "amount", row, col, found, TOO_BIG_PRODUCT);
                    return None;
                };
                a
            }
            (None, _, _) => {
                let col = self
                    .map
                    .col("amount")
                    .or(self.map.col("unit_price"))
                    .or(self.map.col("quantity"))
                    .unwrap_or(0);
                let expected = if self.map.has("amount") {
                    "an amount (the cell is blank)"
                } else {
                    "a quantity and a unit price (one is blank)"
                };
                self.problem(out, "amount", row, col, String::new(), expected);
                return None;
            }
        };
        Some((at, amount, qty, price))
    }

    /// A sale dated after the as-of day: not added, only counted — and a warning with its
    /// cell when it is after today too (most are typos: 2062 for 2026).
    fn later_sale(
        &mut self,
        row: u32,
        cells: &[Cell<'_>],
        at: chrono::NaiveDateTime,
        as_of: chrono::NaiveDate,
        out: &mut Dataset,
    ) {
        if self.typo_after.is_some_and(|t| at.date() > t) {
            let col = self.cols.date.unwrap_or(0);
            let found = cells
                .get(col as usize)
                .map(Cell::display)
                .unwrap_or_default();
            out.problems.push(Problem {
                severity: Severity::Warning,
                place: CellRef::new(self.sheet.clone(), row, col).to_string(),
                found,
                expected: format!(
                    "a date on or before {as_of} (the as-of day); the row is not counted — a typo?"
                ),
            });
            out.sales.future_rows += 1;
        } else {
            out.sales.later_rows += 1;
        }
        if out.groups.collect_lines
            && let Some(product) = text_at(cells, self.map.col("product"))
        {
            out.groups.later_products.insert(product);
        }
    }

    /// Builds the sales row in place, in buffers reused from row to row (no allocation per
    /// row once they have grown; the ledger copies a key only for a new customer), tells an
    /// order from a return or a void, and adds it to the ledger (and the per-line data kept
    /// for price lists and stock).
    fn add_sale(
        &mut self,
        row: u32,
        cells: &[Cell<'_>],
        at: chrono::NaiveDateTime,
        amount: Decimal,
        (qty, price): (Option<Decimal>, Option<Decimal>),
        out: &mut Dataset,
    ) {
        let cols = self.cols;
        let mut sale = self
            .free_rows
            .pop()
            .unwrap_or_else(|| blank_sale(&self.sheet));
        sale.cell.row = row;
        sale.at = at;
        self.identity_into(cells, &mut sale);
        // The phone as written; its form is settled when the row is added (`phone_form_of`).
        fill(&mut sale.phone, &mut self.spare[5], cells, cols.phone);
        let spare = &mut self.spare;
        fill(&mut sale.order_id, &mut spare[0], cells, cols.order_id);
        fill(&mut sale.channel, &mut spare[1], cells, cols.channel);
        let cancel_status = self.is_cancel_status(cells);
        let order_id = sale.order_id.as_deref();
        let prefix = &self.settings.cancel_prefix;
        // A prefix the owner set applies as written (`C-INV-2037` with `C`); none is set by
        // default, and ids that merely look like credit invoices are only counted for a hint.
        let prefixed =
            order_id.is_some_and(|id| !prefix.is_empty() && id.starts_with(prefix.as_str()));
        if prefix.is_empty()
            && let Some(id) = order_id
        {
            out.credit_hint.see(id);
        }
        let negative = amount < Decimal::ZERO || qty.is_some_and(|q| q < Decimal::ZERO);
        let kind = if negative || prefixed {
            SaleKind::Return
        } else if cancel_status {
            SaleKind::Void
        } else {
            SaleKind::Order
        };
        sale.kind = kind;
        sale.amount = if kind == SaleKind::Return {
            -amount.abs()
        } else {
            amount
        };
        let key: &str = if let Some(id) = &sale.order_id {
            id.as_str()
        } else {
            // No order id: each row is an order.
            use std::fmt::Write as _;
            self.row_key.clear();
            let _ = write!(self.row_key, "#{}!{}", self.sheet, row + 1);
            &self.row_key
        };
        let order_key = crate::model::ledger::fingerprint(key);
        if out.groups.collect_lines {
            let product = text_at(cells, self.map.col("product"));
            super::groups::collect_line(
                &mut out.groups,
                &sale,
                product,
                qty,
                price,
                cols.unit_price,
                key,
            );
        }
        if kind != SaleKind::Void && out.collect_product_sales {
            product_line(cells, cols, at, qty, kind, out);
        }
        if prefixed {
            out.sales.prefixed_return_rows += 1;
        }
        self.queued.push((sale, order_key));
        if self.queued.len() == ADD_ROWS {
            self.add_queued(out);
        }
    }

    /// Whether the row's status reads one of the cancel words (any case and spacing).
    fn is_cancel_status(&mut self, cells: &[Cell<'_>]) -> bool {
        /// More distinct statuses than this are folded on every row (a column of free text).
        const STATUSES: usize = 32;
        let Some(cell) = self.cols.status.and_then(|c| cells.get(c as usize)) else {
            return false;
        };
        let Cell::Text(t) = cell else {
            return cells::text(cell).is_some_and(|s| self.cancel_words.contains(&norm_word(&s)));
        };
        let t = t.trim();
        if t.is_empty() {
            return false;
        }
        if let Some((_, cancel)) = self.statuses.iter().find(|(s, _)| **s == *t) {
            return *cancel;
        }
        let cancel = self.cancel_words.contains(&norm_word(t));
        if self.statuses.len() < STATUSES {
            self.statuses.push((t.into(), cancel));
        }
        cancel
    }

    /// Adds the queued sales rows to the ledger ([`add_rows`]), or, while the ledger is on
    /// another thread, packs them into the batch for it (handed over when full); their buffers
    /// are reused for the next rows.
    fn add_queued(&mut self, out: &mut Dataset) {
        if let Some(link) = &mut self.ledger {
            for (row, order) in &self.queued {
                link.batch.push(row, *order);
            }
            self.free_rows
                .extend(self.queued.drain(..).map(|(row, _)| row));
            if link.batch.rows.len() >= THREAD_ROWS || link.batch.text.len() >= THREAD_TEXT {
                link.send();
            }
            return;
        }
        add_rows(
            &mut self.queued,
            &mut out.sales,
            &mut out.phone_forms,
            &mut self.phone_memo,
        );
        self.free_rows
            .extend(self.queued.drain(..).map(|(row, _)| row));
    }

    /// From here on, the rows this reader types go to the ledger's end (which adds them up on
    /// another thread: [`LedgerEnd::run`]) instead of the ledger, so that one core reads and
    /// types rows while the other adds them up: the ledger and the phone forms move there
    /// until [`LedgerEnd::restore`] puts them back, after [`SheetRows::flush`]. The rows
    /// reach the ledger in the same order, so the result is the same as on one thread. Only
    /// for a sales sheet (`None` for another).
    pub fn add_elsewhere(&mut self, out: &mut Dataset) -> Option<LedgerEnd> {
        if self.role != Role::Sales || self.ledger.is_some() {
            return None;
        }
        self.add_queued(out);
        let (rows_tx, rows_rx) = std::sync::mpsc::sync_channel(THREAD_BATCHES);
        let (back_tx, back_rx) = std::sync::mpsc::channel();
        // The batches that go back and forth are made here, where the ledger is: what they
        // hold when the sheet is read is memory the tables made next reuse (an allocator keeps
        // memory in the arena of the thread that took it, and a buffer grown stays there).
        for _ in 0..3 {
            let _ = back_tx.send(RowBatch::with_room());
        }
        self.ledger = Some(LedgerLink {
            rows: rows_tx,
            back: back_rx,
            batch: RowBatch::with_room(),
        });
        Some(LedgerEnd {
            rows: rows_rx,
            back: back_tx,
            sales: std::mem::take(&mut out.sales),
            forms: std::mem::take(&mut out.phone_forms),
            memo: std::mem::take(&mut self.phone_memo),
            batches: 0,
            local: (0..ADD_ROWS)
                .map(|_| (blank_sale(&self.sheet), 0))
                .collect(),
            spares: (0..ADD_ROWS).map(|_| Default::default()).collect(),
        })
    }

    /// Adds the rows to the ledger here again (after [`SheetRows::add_elsewhere`], once its
    /// end has put the ledger back).
    pub fn add_here(&mut self) {
        self.ledger = None;
    }

    /// [`SheetRows::identity`] for a sales row, written into the reused row: the name, e-mail
    /// and identity key of the customer (the phone comes later, see `phone_into`).
    fn identity_into(&mut self, cells: &[Cell<'_>], sale: &mut SaleRow) {
        let cols = self.cols;
        let [_, _, name_spare, email_spare, key_spare, _] = &mut self.spare;
        fill(&mut sale.name, name_spare, cells, cols.customer);
        if let Some(n) = &sale.name
            && let std::borrow::Cow::Owned(composed) = values::nfc(n)
        {
            sale.name = Some(composed);
        }
        fill(&mut sale.email, email_spare, cells, cols.email);
        if sale.email.as_ref().is_some_and(|e| !e.contains('@')) {
            *email_spare = sale.email.take().unwrap_or_default();
        }
        if sale.email.is_none()
            && let Some(name) = &sale.name
        {
            let mut key = sale
                .customer
                .take()
                .unwrap_or_else(|| std::mem::take(key_spare));
            match fast::ascii_name_key(name, &mut key) {
                Some(true) => sale.customer = Some(key),
                Some(false) => *key_spare = key,
                None => {
                    *key_spare = key;
                    sale.customer = values::customer_key(None, Some(name));
                }
            }
        } else if let Some(e) = sale.email.as_mut().filter(|e| e.is_ascii()) {
            // An ASCII address (nearly all): the key is the address trimmed and in lower case,
            // as `customer_key` makes it, written into the reused buffers.
            let mut key = sale
                .customer
                .take()
                .unwrap_or_else(|| std::mem::take(key_spare));
            key.clear();
            key.push_str(e.trim());
            key.make_ascii_lowercase();
            e.clone_from(&key);
            sale.customer = Some(key);
        } else {
            if let Some(k) = sale.customer.take() {
                *key_spare = k;
            }
            sale.customer = values::customer_key(sale.email.as_deref(), sale.name.as_deref());
            if let Some(e) = &mut sale.email {
                *e = e.trim().to_lowercase();
            }
        }
    }

    fn flag_of(
        &mut self,
        cells: &[Cell<'_>],
        field: &'static str,
        row: u32,
        out: &mut Dataset,
    ) -> Flag {
        let Some((col, c)) = self.get(cells, field) else {
            return Flag::No;
        };
        match cells::flag(c, self.hint(col)) {
            Ok(f) => f,
            Err(e) => {
                let found = c.display();
                self.problem(out, field, row, col, found, e);
                Flag::No
            }
        }
    }

    fn count_of(
        &mut self,
        cells: &[Cell<'_>],
        field: &'static str,
        row: u32,
        out: &mut Dataset,
    ) -> Option<u32> {
        let (col, c) = self.get(cells, field)?;
        match cells::count(c) {
            Ok(n) => Some(n),
            Err(e) => {
                let found = c.display();
                self.problem(out, field, row, col, found, e);
                None
            }
        }
    }

    /// An optional date column: blank is `None`; a value that is not a date is reported and
    /// read as `None`.
    fn opt_date(
        &mut self,
        cells: &[Cell<'_>],
        field: &'static str,
        row: u32,
        out: &mut Dataset,
    ) -> Option<chrono::NaiveDateTime> {
        let (col, c) = self.get(cells, field)?;
        match cells::date(c, self.hint(col)) {
            Ok(d) => Some(d),
            Err(e) => {
                let found = c.display();
                self.problem(out, field, row, col, found, e);
                None
            }
        }
    }

    /// Reports a row with neither a customer name nor an e-mail.
    fn no_customer(&mut self, row: u32, out: &mut Dataset) {
        let col = self
            .map
            .col("customer")
            .or(self.map.col("email"))
            .unwrap_or(0);
        self.problem(
            out,
            "customer",
            row,
            col,
            String::new(),
            "a customer name or e-mail (both are blank)",
        );
    }

    fn quote(&mut self, row: u32, cells: &[Cell<'_>], out: &mut Dataset) -> bool {
        let sent = self.req_date(cells, "sent", self.map.col("sent"), row, out);
        let (customer, name, email, phone) = self.identity(cells, out);
        let Some(customer) = customer else {
            self.no_customer(row, out);
            return false;
        };
        let opened = self.flag_of(cells, "opened", row, out);
        let opens = self.count_of(cells, "opens", row, out);
        let responded = self.flag_of(cells, "responded", row, out);
        let converted = self.flag_of(cells, "converted", row, out);
        let amount = self.side_amount(cells, row, out);
        let reminded_at = self.opt_date(cells, "reminded", row, out);
        let reminders = self
            .count_of(cells, "reminders", row, out)
            .unwrap_or(u32::from(reminded_at.is_some()));
        let Some(sent) = sent else { return false };
        let opens = match opens {
            Some(n) => n,
            None => u32::from(opened.is_yes()),
        };
        let opened = if opened == Flag::No && opens > 0 {
            Flag::Yes
        } else {
            opened
        };
        out.quotes.push(QuoteRow {
            cell: CellRef::new(self.sheet.clone(), row, 0),
            quote_id: self.text_of(cells, "quote_id"),
            customer: Some(customer),
            name,
            email,
            phone,
            sent,
            opened,
            opens,
            responded,
            converted,
            order_id: self.text_of(cells, "order_id"),
            amount,
            channel: self.text_of(cells, "channel"),
            status: self.text_of(cells, "status"),
            reminded_at,
            reminders,
        });
        true
    }

    fn customer(&mut self, row: u32, cells: &[Cell<'_>], out: &mut Dataset) -> bool {
        let (customer, name, email, phone) = self.identity(cells, out);
        let Some(customer) = customer else {
            self.no_customer(row, out);
            return false;
        };
        let joined = self.opt_date(cells, "joined", row, out).map(|d| d.date());
        let consent = self.get(cells, "consent").is_some()
            && self.flag_of(cells, "consent", row, out).is_yes();
        let opt_out = self.flag_of(cells, "opt_out", row, out).is_yes()
            || (self.get(cells, "consent").is_some() && !consent);
        let birthday = self.opt_date(cells, "birthday", row, out).map(|d| d.date());
        out.customers.push(CustomerRow {
            cell: CellRef::new(self.sheet.clone(), row, 0),
            customer,
            name,
            email,
            phone,
            group: self.text_of(cells, "group"),
            joined,
            opt_out,
            note: self.text_of(cells, "note"),
            birthday,
            consent,
        });
        true
    }

    fn pipeline(&mut self, row: u32, cells: &[Cell<'_>], out: &mut Dataset) -> bool {
        let deal = self.text_of(cells, "deal");
        let stage = self.text_of(cells, "stage");
        let (Some(deal), Some(stage)) = (deal, stage) else {
            let (field, col) = if self.text_of(cells, "deal").is_none() {
                ("deal", self.map.col("deal"))
            } else {
                ("stage", self.map.col("stage"))
            };
            self.problem(
                out,
                field,
                row,
                col.unwrap_or(0),
                String::new(),
                &format!("a {field} (the cell is blank)"),
            );
            return false;
        };
        let date = self.opt_date(cells, "date", row, out).map(|d| d.date());
        let mut stage_dates = Vec::new();
        for (col, header) in self.stage_date_cols.clone() {
            let v = match cells.get(col as usize).filter(|c| !c.is_blank()) {
                None => None,
                Some(c) => match cells::date(c, self.hint(col)) {
                    Ok(d) => Some(d.date()),
                    Err(e) => {
                        let found = c.display();
                        self.problem(out, "stage date", row, col, found, e);
                        None
                    }
                },
            };
            stage_dates.push((header, v));
        }
        let amount = self.side_amount(cells, row, out);
        let customer = self.identity(cells, out).0;
        out.pipeline.push(PipelineRow {
            cell: CellRef::new(self.sheet.clone(), row, 0),
            deal,
            customer,
            stage,
            date,
            amount,
            owner: self.text_of(cells, "owner"),
            channel: self.text_of(cells, "channel"),
            stage_dates,
        });
        true
    }
}

/// Stock (SPEC §10): one sales line's net units for its product (a return counts negative; no
/// quantity column means one unit per line).
fn product_line(
    cells: &[Cell<'_>],
    cols: HotCols,
    at: chrono::NaiveDateTime,
    qty: Option<Decimal>,
    kind: SaleKind,
    out: &mut Dataset,
) {
    let sku = text_at(cells, cols.sku);
    let name = text_at(cells, cols.product);
    let Some(label) = sku.as_deref().or(name.as_deref()) else {
        return;
    };
    let units = qty.unwrap_or(Decimal::ONE);
    let units = if kind == SaleKind::Return {
        -units.abs()
    } else {
        units
    };
    let name = if sku.is_some() { name.as_deref() } else { None };
    out.product_sales.add(label, name, at.date(), units);
}
