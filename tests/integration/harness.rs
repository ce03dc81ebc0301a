//! The test harness itself: the command-line definition is consistent, the [`Test`] builder
//! compares what it says it compares, and no variable of the developer's or CI's environment
//! reaches the binary.

use clap::CommandFactory;

use crate::support::{Test, V};

/// clap's own consistency checks over every command and flag (duplicate names, conflicting
/// groups, bad defaults), run on the definition the binary parses with.
#[test]
fn the_command_line_definition_is_consistent() {
    dangol::cli::Cli::command().debug_assert();
}

/// Run inside [`a_leaked_variable_never_reaches_the_binary`] with `DANGOL_MAX_CELLS=1` and
/// `NO_COLOR` in its environment: the hermetic run reads the sample workbook as if neither
/// were set. Ignored on its own: outside that parent it has nothing to prove.
#[test]
#[ignore = "run by a_leaked_variable_never_reaches_the_binary with a leaky environment"]
fn hermetic_child() {
    assert_eq!(std::env::var("DANGOL_MAX_CELLS").as_deref(), Ok("1"));
    Test::new()
        .copy("sample-data/shop.xlsx", "shop.xlsx")
        .args(&["check", "shop.xlsx", "--quiet", "--as-of", "2026-11-23"])
        .any_stdout()
        .run();
}

#[test]
fn a_leaked_variable_never_reaches_the_binary() {
    // Without the hermetic environment the cell limit of 1 refuses the workbook (exit 1):
    // proof that the variable would change the run.
    let leaky = std::process::Command::new(crate::support::bin())
        .args(["check", "sample-data/shop.xlsx", "--quiet"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DANGOL_MAX_CELLS", "1")
        .output()
        .expect("run");
    assert_eq!(
        leaky.status.code(),
        Some(1),
        "{}",
        crate::support::stderr(&leaky)
    );
    let me = std::env::current_exe().expect("the test binary");
    let o = std::process::Command::new(me)
        .args([
            "--exact",
            "harness::hermetic_child",
            "--ignored",
            "--test-threads=1",
        ])
        .env("DANGOL_MAX_CELLS", "1")
        .env("NO_COLOR", "1")
        .output()
        .expect("run the child test");
    let out = crate::support::stdout(&o);
    assert!(
        o.status.success() && out.contains("1 passed"),
        "{out}\n{}",
        crate::support::stderr(&o)
    );
}

/// The builder checks stdout, stderr and the exit code exactly: a usage error is exit 2.
#[test]
fn the_builder_checks_exit_code_and_both_streams() {
    let ran = Test::new()
        .args(&["no-such-command"])
        .any_stderr()
        .status(2)
        .run();
    assert!(ran.stderr().contains("no-such-command"), "{}", ran.stderr());
    assert_eq!(ran.stdout(), "");
}

/// A deliberately wrong expectation fails the test (the builder cannot pass vacuously).
#[test]
#[should_panic(expected = "exit code")]
fn a_wrong_exit_code_fails_the_test() {
    Test::new()
        .args(&["--version"])
        .any_stdout()
        .status(1)
        .run();
}

#[test]
#[should_panic(expected = "stdout")]
fn a_wrong_stdout_fails_the_test() {
    Test::new()
        .args(&["--version"])
        .stdout("dangol 0.0.0\n")
        .run();
}

/// A workbook built inline, a file the run must leave and one it must not write.
#[test]
fn the_builder_builds_inputs_and_checks_files() {
    Test::new()
        .workbook(
            "shop.xlsx",
            &[(
                "Sales",
                vec![
                    vec![V::S("Date"), V::S("Customer"), V::S("Amount")],
                    vec![V::D(2025, 3, 3, 10, 0), V::S("kim@ex.com"), V::N(12000.0)],
                ],
            )],
        )
        .args(&["check", "shop.xlsx", "--quiet", "--as-of", "2025-03-04"])
        .args(&["--set", "currency=KRW"])
        .any_stdout()
        .expect_unchanged("shop.xlsx")
        .expect_absent("shop.backup.xlsx")
        .run();
}
