//! The summary of `dangol run`: what the run did, as text for a terminal (in the workbook's
//! language) and as JSON for scripts (`--format json`).

use std::fmt::Write as _;
use std::path::Path;

use crate::pipeline::Analyses;
use crate::writeback::{WriteKind, WriteReport};

/// The fields of the run summary for scripts.
#[derive(serde::Serialize)]
struct RunJson {
    workbook: String,
    written: String,
    kind: &'static str,
    unchanged: bool,
    as_of: String,
    sheets_added: Vec<String>,
    sheets_replaced: Vec<String>,
    sheets_removed: Vec<String>,
    customers: usize,
    data_problems: usize,
    backup: Option<String>,
    weekly_report: Option<String>,
    warnings: Vec<String>,
}

/// The run summary for scripts (`--format json`).
pub fn run_json(
    workbook: &Path,
    a: &Analyses,
    r: &WriteReport,
    pdf: Option<&Path>,
    warnings: &[String],
) -> anyhow::Result<String> {
    // Nothing was written when unchanged: no sheet was added, replaced or removed.
    let m = if r.unchanged {
        &crate::writeback::MergeSummary::default()
    } else {
        &r.summary
    };
    let j = RunJson {
        workbook: workbook.display().to_string(),
        written: r.target.display().to_string(),
        kind: match r.kind {
            WriteKind::InPlace => "in_place",
            WriteKind::OutFile => "out_file",
            WriteKind::Converted => "converted",
        },
        unchanged: r.unchanged,
        as_of: a.as_of.to_string(),
        sheets_added: m.added.clone(),
        sheets_replaced: m.replaced.clone(),
        sheets_removed: m.removed.clone(),
        customers: a.customers.rows.len(),
        data_problems: problem_count(a),
        backup: r.backup.as_ref().map(|b| b.display().to_string()),
        weekly_report: pdf.map(|p| p.display().to_string()),
        warnings: warnings.to_vec(),
    };
    let mut s = serde_json::to_string_pretty(&j)?;
    s.push('\n');
    Ok(s)
}

/// Errors and warnings found in the input (notes — void rows counted, returns netted — are
/// information, not problems).
fn problem_count(a: &Analyses) -> usize {
    a.problems
        .iter()
        .filter(|p| p.severity != crate::model::Severity::Note)
        .count()
}

fn names(list: &[String]) -> String {
    list.join(", ")
}

/// What the run did, in the workbook's language.
pub fn run_summary(workbook: &Path, a: &Analyses, r: &WriteReport, pdf: Option<&Path>) -> String {
    let l = a.lang;
    let input = workbook.display();
    let target = r.target.display();
    let mut s = String::new();
    let head = match (r.kind, r.unchanged) {
        (WriteKind::InPlace, true) => crate::msg!(l, RunUpToDate, input = input),
        (WriteKind::InPlace, false) => crate::msg!(l, RunUpdated, input = input),
        (WriteKind::OutFile, _) => crate::msg!(l, RunWroteOut, target = target, input = input),
        (WriteKind::Converted, _) => {
            crate::msg!(l, RunConverted, target = target, input = input)
        }
    };
    let _ = writeln!(s, "{head} ({} {})", l.pick("기준일", "as of"), a.as_of);
    let m = &r.summary;
    let sheet_lists = if r.unchanged {
        Vec::new()
    } else {
        vec![
            (&m.added, "추가한 시트", "sheets added"),
            (&m.replaced, "교체한 시트", "sheets replaced"),
            (&m.removed, "지운 시트", "sheets removed"),
        ]
    };
    for (list, ko, en) in sheet_lists {
        if !list.is_empty() {
            let _ = writeln!(s, "  {}: {}", l.pick(ko, en), names(list));
        }
    }
    let customers = a.customers.rows.len();
    let problems = problem_count(a);
    let _ = writeln!(
        s,
        "{}",
        crate::msg!(
            l,
            RunCustomers,
            customers = crate::i18n::count(customers),
            problems = crate::i18n::count(problems)
        )
    );
    if problems > 0 {
        let _ = writeln!(
            s,
            "  {}",
            l.pick(
                "문제 목록: `dangol check` 또는 데이터점검 시트",
                "see `dangol check` or the Data Issues sheet"
            )
        );
    }
    if let Some(b) = &r.backup {
        let _ = writeln!(s, "  {}: {}", l.pick("백업", "backup"), b.display());
    }
    if let Some(p) = pdf {
        let _ = writeln!(
            s,
            "  {}: {}",
            l.pick("주간 리포트", "weekly report"),
            p.display()
        );
    }
    s
}
