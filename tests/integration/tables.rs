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

/// The same refusal for a Korean shop's CSV, in Korean without `--lang` (the file's headers
/// say its language), for every writing command; and the errors of `import-products` and
/// `groups` when the workbook lacks their sheet or the export cannot be read.
#[test]
fn apply_refuses_a_korean_csv_in_korean() {
    const KO_CSV: &str =
        "주문번호,고객명,이메일,주문일,금액\nO1,김민수,kim@ex.com,2025-04-01,1000\n";
    let xlsx_only = "--apply는 .xlsx나 .xlsm 통합문서만 고칠 수 있는데, 이 파일은 .csv 파일입니다";
    let cases: [(&[&str], String); 7] = [
        (
            &[
                "groups", "add", "가게.csv", "--group", "G", "--emails", "list.txt", "--apply",
            ],
            format!("dangol: 오류: 가게.csv: {xlsx_only}\n"),
        ),
        // `--apply` is refused before the workbook is read (the write job comes first) …
        (
            &["import-products", "가게.csv", "woo.csv", "--apply"],
            format!("dangol: 오류: 가게.csv: {xlsx_only}\n"),
        ),
        // … and without it the CSV is read, and has no Stock sheet.
        (
            &["import-products", "가게.csv", "woo.csv"],
            "dangol: 오류: 가게.csv: 가져올 재고 시트가 없습니다. 머리글이 품목코드 | 상품명 | 재고 | 안전재고 | 판매가 | 상위상품 (또는 SKU | Name | Stock | Low stock amount | Price | Parent)인 시트를 추가하세요\n".to_string(),
        ),
        (
            &["groups", "가게.csv"],
            "dangol: 오류: 가게.csv: 고객그룹이 없습니다 — 고객그룹 시트(그룹 | 시작일 | 종료일 | 단가표 | 할인율 | 조건)나 그룹회원 시트(그룹 | 이메일 | 시작일 | 종료일)를 추가하세요\n".to_string(),
        ),
        (
            &["import-products", "가게.csv", "없는파일.csv"],
            "dangol: 오류: 없는파일.csv: 읽을 수 없습니다: 파일이나 폴더가 없습니다\n".to_string(),
        ),
        (
            &["remind", "가게.csv", "--apply"],
            format!(
                "dangol: 오류: 가게.csv: {xlsx_only}. Excel에서 .xlsx로 저장하세요 (--apply 없이 실행하면 알림 목록을 보여 줍니다)\n"
            ),
        ),
        (
            &["today", "가게.csv", "--apply", "--at", "10:00"],
            "dangol: 오류: 가게.csv: --apply는 보낸 메시지를 통합문서의 발송기록 시트에 적으므로 .xlsx나 .xlsm 통합문서가 있어야 하는데, 이 파일은 .csv 파일입니다. Excel에서 .xlsx로 저장하세요 (--apply 없이 실행하면 보낼 메시지 목록을 보여 줍니다)\n".to_string(),
        ),
    ];
    for (args, stderr) in cases {
        Test::new()
            .file("가게.csv", KO_CSV)
            .file("list.txt", "kim@ex.com\n")
            .file("woo.csv", "SKU,Name,Stock\nA-1,Mug,3\n")
            .args(args)
            .args(&["--as-of", "2025-04-02"])
            .stderr(&stderr)
            .status(1)
            .expect_unchanged("가게.csv")
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
        "nobody@example.com: 알 수 없음 (이 이메일을 쓰는 고객이 없습니다)\n\
         클럽: 추가 0명, 이미 회원 0명, 알 수 없음 1명, 중복 0명\n\
         추가할 회원이 없습니다\n"
    );
}
