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
    assert!(
        help.contains("  completions  Print shell completions: bash, zsh, fish or powershell\n"),
        "{help}"
    );
    assert!(
        help.contains("  man          Print the man page (roff)\n"),
        "{help}"
    );
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
                let mut cmd = assert_cmd::Command::cargo_bin("dangol").unwrap();
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
