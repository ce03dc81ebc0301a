//! The benchmark baseline: a bare calamine streaming read that visits every cell of every sheet
//! of an `.xlsx` and prints how many it saw — nothing parsed, nothing kept.
//!
//! `cargo run --release --example bare_read -- WORKBOOK.xlsx`
//! Used by `scripts/bench-check.sh` (see `docs/benchmarks.md`).

use std::process::ExitCode;

use calamine::{DataRef, Reader, Xlsx, open_workbook};

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: bare_read WORKBOOK.xlsx");
        return ExitCode::from(2);
    };
    match run(&path) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bare_read: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(path: &std::ffi::OsStr) -> Result<(), calamine::XlsxError> {
    let mut book: Xlsx<_> = open_workbook(path)?;
    let mut total: u64 = 0;
    let mut non_empty: u64 = 0;
    for name in book.sheet_names() {
        let mut rd = book.worksheet_cells_reader(&name)?;
        let mut cells: u64 = 0;
        while let Some(cell) = rd.next_cell()? {
            cells += 1;
            // Touch the value so the read cannot be optimised away.
            if !matches!(cell.get_value(), DataRef::Empty) {
                non_empty += 1;
            }
        }
        println!("{name}: {cells} cells");
        total += cells;
    }
    println!("total: {total} cells ({non_empty} non-empty)");
    Ok(())
}
