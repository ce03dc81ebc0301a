//! Result tables described once (`src/render/columns.rs`) and the checks every writing command
//! shares: the sheet, terminal, CSV and JSON of a table agree because they come from one list,
//! and `--apply` refuses a workbook it cannot update with one message.

use crate::support::Test;

const SALES_CSV: &str = "Order ID,Customer,Email,Date,Amount\nO1,Kim,kim@ex.com,2025-04-01,1000\n";

/// `--apply` on a CSV: the same check (and the same words) in every writing command, before
/// anything is read or written.
#[test]
fn apply_refuses_a_csv_workbook_in_every_writing_command() {
    let cases: [(&[&str], &str); 3] = [
        (
            &[
                "groups", "add", "shop.csv", "--group", "G", "--emails", "list.txt", "--apply",
            ],
            "dangol: error: shop.csv: --apply can only update an .xlsx or .xlsm workbook; this is a .csv file\n",
        ),
        (
            &["remind", "shop.csv", "--apply"],
            "dangol: error: shop.csv: --apply can only update an .xlsx or .xlsm workbook; this is a .csv file. Save it as .xlsx in Excel (or run without --apply to list the reminders)\n",
        ),
        (
            &["today", "shop.csv", "--apply", "--at", "10:00"],
            "dangol: error: shop.csv: --apply records the messages in the workbook's Sent Log, so it needs an .xlsx or .xlsm workbook; this is a .csv file. Save it as .xlsx in Excel (or run without --apply to list the messages)\n",
        ),
    ];
    for (args, stderr) in cases {
        Test::new()
            .file("shop.csv", SALES_CSV)
            .file("list.txt", "kim@ex.com\n")
            .args(args)
            .args(&["--as-of", "2025-04-02"])
            .stderr(stderr)
            .status(1)
            .expect_unchanged("shop.csv")
            .run();
    }
}

/// An upper-case `.XLSX` is a workbook dangol can update (the check ignores case).
#[test]
fn apply_accepts_an_upper_case_xlsx_extension() {
    let ran = Test::new()
        .copy("sample-data/shop.xlsx", "SHOP.XLSX")
        .file("list.txt", "nobody@example.com\n")
        .args(&[
            "groups",
            "add",
            "SHOP.XLSX",
            "--group",
            "클럽",
            "--emails",
            "list.txt",
            "--apply",
            "--as-of",
            "latest",
        ])
        .any_stdout()
        .run();
    assert_eq!(
        ran.stdout(),
        "nobody@example.com: unknown (no customer has this e-mail)\n\
         클럽: 0 to add, 0 already members, 1 unknown, 0 duplicates\n\
         nothing to add\n"
    );
}
