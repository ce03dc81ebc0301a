//! Writing the sales table alone as CSV, the way spreadsheet programs export it: UTF-8 with a
//! BOM for English, CP949 (Korean Excel's "CSV (쉼표로 분리)" encoding) for Korean. Streams
//! row by row, so memory stays flat for any number of rows.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::{Context, bail};
use chrono::Datelike;

use super::cells::{self, SALES_AMOUNT_COL, SALES_DATE_COL};
use super::pools;
use super::world::{Bad, Plan, SalesStream, World};
use super::xlsx::Written;
use crate::model::{CellRef, Lang};

/// Write the sales CSV to `out` (atomically: a temp file beside it, then a rename).
pub(crate) fn write_sales_csv(
    plan: &Plan,
    world: &mut World,
    out: &Path,
) -> anyhow::Result<Written> {
    let lang = plan.lang;
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let tmp = tempfile::Builder::new()
        .prefix(".dangol-")
        .suffix(".csv.tmp")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    // Cell references name the file as a sheet, as a reader of a CSV would.
    let sheet = out
        .file_stem()
        .map_or_else(|| "sales".to_string(), |s| s.to_string_lossy().into_owned());
    let file = BufWriter::with_capacity(1 << 20, tmp.as_file());
    let mut sink = match lang {
        Lang::En => Sink::Utf8(file),
        Lang::Ko => Sink::Cp949 {
            file,
            pending: Vec::new(),
        },
    };
    if lang == Lang::En {
        sink.write_all(b"\xEF\xBB\xBF")?;
    }
    // CRLF line ends, as Excel writes them.
    let mut rec = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(sink);
    let n_customers = world.customers.len();
    rec.write_record(cells::sales_headers(lang))?;
    let mut stream = SalesStream::new(plan, world);
    let channels = pools::sales_channels(lang);
    let products = plan.products();
    let mut bad_cells = Vec::new();
    let mut seen = vec![false; n_customers];
    let mut row: u32 = 0;
    while let Some(line) = stream.next_line() {
        row += 1;
        let c = stream.customer(line.customer);
        seen[line.customer as usize] = true;
        let date = match (line.bad, line.date_text) {
            (Some(Bad::Date), _) => {
                bad_cells.push(CellRef::new(&sheet, row, u32::from(SALES_DATE_COL)));
                format!("{}-02-30", line.day.year())
            }
            (_, Some(kind)) => cells::date_text(lang, line.day, kind),
            _ => cells::iso(line.day),
        };
        let amount = match (line.bad, line.money_text) {
            (Some(Bad::Amount), _) => {
                bad_cells.push(CellRef::new(&sheet, row, u32::from(SALES_AMOUNT_COL)));
                "N/A".to_string()
            }
            (_, Some(kind)) => cells::money_text(lang, line.amount, kind, line.fullwidth, true),
            _ => line.amount.to_string(),
        };
        let name = match (&c.spaced, line.spaced) {
            (Some(s), true) => s.as_str(),
            _ => c.name.as_str(),
        };
        rec.write_record([
            date.as_str(),
            &cells::order_id(line.order_no),
            name,
            c.email.as_deref().unwrap_or(""),
            c.phone.as_deref().unwrap_or(""),
            products[line.product].name,
            &line.qty.to_string(),
            &line.unit_price.to_string(),
            &amount,
            line.status.label(lang),
            channels[line.channel],
        ])?;
    }
    let counts = stream.counts;
    drop(stream);
    let mut sink = rec
        .into_inner()
        .map_err(|e| anyhow::anyhow!("cannot write {}: {}", out.display(), e.error()))?;
    sink.finish()?;
    drop(sink);
    crate::writeback::set_new_file_mode(tmp.as_file())?;
    tmp.as_file().sync_all()?;
    tmp.persist(out)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot write {}", out.display()))?;
    Ok(Written {
        counts,
        sales_sheets: vec![sheet],
        bad_cells,
        customers_without_sales: seen.iter().filter(|s| !**s).count() as u32,
        ..Written::default()
    })
}

/// The file, in its encoding: UTF-8 passes through; CP949 is encoded from the UTF-8 the csv
/// writer produces, holding back a character split across two writes.
enum Sink<'a> {
    Utf8(BufWriter<&'a File>),
    Cp949 {
        file: BufWriter<&'a File>,
        pending: Vec<u8>,
    },
}

impl Sink<'_> {
    fn finish(&mut self) -> anyhow::Result<()> {
        match self {
            Sink::Utf8(file) => file.flush()?,
            Sink::Cp949 { file, pending } => {
                if !pending.is_empty() {
                    bail!("the CSV ended inside a character");
                }
                file.flush()?;
            }
        }
        Ok(())
    }
}

impl Write for Sink<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Sink::Utf8(file) => file.write(buf),
            Sink::Cp949 { file, pending } => {
                pending.extend_from_slice(buf);
                let valid = match std::str::from_utf8(pending) {
                    Ok(s) => s.len(),
                    Err(e) if e.error_len().is_none() => e.valid_up_to(),
                    Err(e) => return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, e)),
                };
                // `valid` bytes are UTF-8 by the check above.
                let text = std::str::from_utf8(&pending[..valid]).unwrap_or_default();
                let (bytes, _, unmappable) = encoding_rs::EUC_KR.encode(text);
                if unmappable {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!("characters CP949 cannot hold in {text:?}"),
                    ));
                }
                file.write_all(&bytes)?;
                pending.drain(..valid);
                Ok(buf.len())
            }
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Utf8(file) | Sink::Cp949 { file, .. } => file.flush(),
        }
    }
}
