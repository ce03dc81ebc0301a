//! Shell conventions: completions, the man page, and no colour off a terminal.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::support::{dangol, stderr, stdout};

#[test]
fn completions_for_every_shell_are_printed_and_bash_parses() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let o = dangol(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", stderr(&o));
        assert_eq!(stderr(&o), "", "{shell}");
        let text = stdout(&o);
        assert!(text.contains("dangol"), "{shell}: {text}");
        for sub in ["customers", "remind", "completions", "man"] {
            assert!(text.contains(sub), "{shell} completes `{sub}`");
        }
    }
    let bash = stdout(&dangol(&["completions", "bash"]));
    assert!(bash.contains("complete -F _dangol"), "{bash}");
    let mut child = Command::new("bash")
        .arg("-n")
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bash must be installed to check the completion script");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(bash.as_bytes())
        .unwrap();
    let checked = child.wait_with_output().unwrap();
    assert!(
        checked.status.success(),
        "bash -n: {}",
        String::from_utf8_lossy(&checked.stderr)
    );
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let o = dangol(&["completions", "tcsh"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("invalid value 'tcsh'"),
        "{}",
        stderr(&o)
    );
    assert_eq!(stdout(&o), "");
}

#[test]
fn the_man_page_is_roff_for_dangol() {
    let o = dangol(&["man"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let page = stdout(&o);
    // The roff preamble defining the apostrophe string, then the title.
    let head: Vec<&str> = page.lines().take(3).collect();
    assert_eq!(
        head[..2],
        [".ie \\n(.g .ds Aq \\(aq", ".el .ds Aq '"],
        "{page}"
    );
    assert!(head[2].starts_with(".TH dangol 1 "), "{page}");
    assert!(
        page.contains("completions"),
        "the man page lists the commands"
    );
}

#[test]
fn help_lists_completions_and_man() {
    let o = dangol(&["--help"]);
    let help = stdout(&o);
    // The column the descriptions start in follows the longest command name.
    let listed = |name: &str, about: &str| {
        help.lines().any(|l| {
            l.strip_prefix("  ")
                .and_then(|l| l.strip_prefix(name))
                .is_some_and(|rest| rest.trim_start() == about && rest.starts_with(' '))
        })
    };
    assert!(
        listed(
            "completions",
            "Print shell completions: bash, zsh, fish or powershell"
        ),
        "{help}"
    );
    assert!(listed("man", "Print the man page (roff)"), "{help}");
}

/// Off a terminal there is never an escape code: not in warnings, errors or grade movement,
/// whatever `NO_COLOR` and `--no-color` say.
#[test]
fn no_colour_codes_when_not_on_a_terminal() {
    let dir = crate::support::tmp();
    let out = dir.path().join("x.xlsx");
    let out = out.to_str().unwrap();
    let runs: Vec<Vec<&str>> = vec![
        // Default as-of (today): the sample's data looks stale, so a warning is printed.
        vec!["customers", "sample-data/shop.xlsx", "--movement"],
        vec![
            "customers",
            "sample-data/shop.xlsx",
            "--movement",
            "--as-of",
            "latest",
        ],
        vec![
            "run",
            "sample-data/shop.xlsx",
            "--out",
            out,
            "--as-of",
            "latest",
        ],
        vec!["customers", "no-such-workbook.xlsx"],
        vec!["customers", "sample-data/shop.xlsx", "--format", "xlsx"],
    ];
    let mut saw_warning = false;
    let mut saw_error = false;
    for args in &runs {
        for no_color in [None, Some("1"), Some("")] {
            for flag in [false, true] {
                let mut cmd = crate::support::cmd();
                cmd.args(args.iter());
                if flag {
                    cmd.arg("--no-color");
                }
                match no_color {
                    Some(v) => cmd.env("NO_COLOR", v),
                    None => cmd.env_remove("NO_COLOR"),
                };
                let o = cmd.output().unwrap();
                let (so, se) = (stdout(&o), stderr(&o));
                assert!(!so.contains('\u{1b}'), "{args:?}: {so:?}");
                assert!(!se.contains('\u{1b}'), "{args:?}: {se:?}");
                saw_warning |= se.contains("dangol: 경고: ") || se.contains("dangol: warning: ");
                saw_error |= se.contains("dangol: error: ");
            }
        }
        let _ = std::fs::remove_file(out);
    }
    assert!(
        saw_warning && saw_error,
        "the runs print a warning and an error"
    );
}

/// One part of an `.xlsx` as text.
fn part(path: &std::path::Path, name: &str) -> String {
    use std::io::Read;
    let f = std::fs::File::open(path).expect("open the written workbook");
    let mut z = zip::ZipArchive::new(f).expect("zip");
    let mut s = String::new();
    z.by_name(name)
        .unwrap_or_else(|_| panic!("{name} in {}", path.display()))
        .read_to_string(&mut s)
        .unwrap();
    s
}

/// The worksheet part of the sheet named `sheet`, through workbook.xml and its relationships.
fn sheet_part(path: &std::path::Path, sheet: &str) -> String {
    let wb = part(path, "xl/workbook.xml");
    let tag = format!("<sheet name=\"{sheet}\" ");
    let at = wb
        .find(&tag)
        .unwrap_or_else(|| panic!("sheet {sheet}: {wb}"));
    let rest = &wb[at..];
    let rid = rest
        .split("r:id=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let rels = part(path, "xl/_rels/workbook.xml.rels");
    let rel = rels
        .split("<Relationship ")
        .find(|r| r.contains(&format!("Id=\"{rid}\"")))
        .unwrap();
    let target = rel
        .split("Target=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let target = target.trim_start_matches("/xl/");
    part(path, &format!("xl/{}", target.trim_start_matches("xl/")))
}

#[test]
fn generated_sheets_print_landscape_one_page_wide_with_repeated_headers() {
    let dir = crate::support::tmp();
    let out = dir.path().join("x.xlsx");
    let o = dangol(&[
        "run",
        "sample-data/shop.xlsx",
        "--out",
        out.to_str().unwrap(),
        "--as-of",
        "latest",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let wb = part(&out, "xl/workbook.xml");
    // The notice row, the title and the header: the first table's header is row 4.
    for name in [
        // The sample's 15 owner sheets come first (sales … stock moves, the Flows sheet and the
        // carts export), then its Sent Log (발송기록, kept in its place since the sample has flow
        // history), so 고객분석 is the 17th.
        "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"16\">고객분석!$4:$4</definedName>",
        "<definedName name=\"_xlnm.Print_Area\" localSheetId=\"16\">고객분석!$A$1:$S$304</definedName>",
        "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"17\">퍼널!$4:$4</definedName>",
    ] {
        assert!(wb.contains(name), "{name} in {wb}");
    }
    // The owner's own sheets get no print setup from dangol.
    assert!(!wb.contains("localSheetId=\"0\">판매!$4"), "{wb}");
    let stats = sheet_part(&out, "고객분석");
    assert!(
        stats.contains("<sheetPr><pageSetUpPr fitToPage=\"1\"/></sheetPr>"),
        "{stats}"
    );
    assert!(
        stats.contains("<pageSetup fitToHeight=\"0\" orientation=\"landscape\""),
        "{stats}"
    );
    // A narrow sheet stays portrait at 100%.
    let changes = sheet_part(&out, "등급변동");
    assert!(
        changes.contains("<pageSetup orientation=\"portrait\""),
        "{changes}"
    );
    assert!(!changes.contains("fitToPage"), "{changes}");
}

#[test]
fn customer_stats_lists_the_biggest_net_total_first() {
    use calamine::{Data, DataType, Reader, open_workbook_auto};
    let dir = crate::support::tmp();
    let out = dir.path().join("x.xlsx");
    let o = dangol(&[
        "run",
        "sample-data/shop.xlsx",
        "--out",
        out.to_str().unwrap(),
        "--as-of",
        "latest",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut wb = open_workbook_auto(&out).expect("open");
    let r = wb.worksheet_range("고객분석").expect("고객분석");
    let rows: Vec<&[Data]> = r.rows().collect();
    // Row 4 (index 3 from A1) is the header.
    let start = r.start().unwrap().0 as usize;
    let header = rows[3 - start];
    assert_eq!(header[1].to_string(), "고객 키");
    assert_eq!(header[5].to_string(), "순매출");
    // Net totals in hundredths (the sample is in won; exact either way).
    let data: Vec<(i64, String)> = rows[4 - start..]
        .iter()
        .take_while(|row| !row[1].to_string().is_empty())
        .map(|row| {
            let total = row[5].as_f64().expect("a net total");
            ((total * 100.0).round() as i64, row[1].to_string())
        })
        .collect();
    assert_eq!(data.len(), 300, "one row per customer");
    for w in data.windows(2) {
        let ((ta, ka), (tb, kb)) = (&w[0], &w[1]);
        assert!(
            ta > tb || (ta == tb && ka < kb),
            "{:?} before {:?}",
            w[0],
            w[1]
        );
    }
    assert!(data[0].0 > data[299].0);
}

#[test]
fn init_templates_wrap_their_multi_line_bodies() {
    let dir = crate::support::tmp();
    let path = dir.path().join("shop.xlsx");
    let o = dangol(&["init", path.to_str().unwrap(), "--lang", "ko"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let styles = part(&path, "xl/styles.xml");
    let xfs = styles
        .split("<cellXfs")
        .nth(1)
        .unwrap()
        .split("</cellXfs>")
        .next()
        .unwrap();
    let wrap = xfs
        .split("<xf ")
        .skip(1)
        .position(|xf| xf.split("</xf>").next().unwrap().contains("wrapText=\"1\""))
        .expect("a wrapping cell format");
    let sheet = sheet_part(&path, "템플릿");
    for row in 2..=5 {
        let cell = format!("<c r=\"C{row}\" s=\"{wrap}\" t=\"s\">");
        assert!(sheet.contains(&cell), "{cell} in {sheet}");
    }
}

#[test]
fn numeric_column_headers_are_right_aligned_over_their_numbers() {
    let dir = crate::support::tmp();
    let out = dir.path().join("x.xlsx");
    let o = dangol(&[
        "run",
        "sample-data/shop.xlsx",
        "--out",
        out.to_str().unwrap(),
        "--as-of",
        "latest",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let styles = part(&out, "xl/styles.xml");
    let xfs: Vec<String> = styles
        .split("<cellXfs")
        .nth(1)
        .unwrap()
        .split("</cellXfs>")
        .next()
        .unwrap()
        .split("<xf ")
        .skip(1)
        .map(|x| x.split("</xf>").next().unwrap().to_string())
        .collect();
    let funnel = sheet_part(&out, "퍼널");
    let style_of = |cell: &str| -> usize {
        let at = funnel
            .find(&format!("<c r=\"{cell}\""))
            .unwrap_or_else(|| panic!("{cell} in {funnel}"));
        funnel[at..]
            .split('>')
            .next()
            .unwrap()
            .split("s=\"")
            .nth(1)
            .map_or(0, |s| s.split('"').next().unwrap().parse().unwrap())
    };
    // Row 4: 단계 | 수 | 단계 전환율 …: the stage names stay left, the numbers' headers right.
    assert!(!xfs[style_of("A4")].contains("horizontal=\"right\""));
    for cell in ["B4", "C4", "D4"] {
        assert!(
            xfs[style_of(cell)].contains("horizontal=\"right\""),
            "{cell}: {}",
            xfs[style_of(cell)]
        );
    }
}
