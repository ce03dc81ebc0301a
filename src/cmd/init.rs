//! `dangol init`: write a starter workbook to fill in.

use std::path::PathBuf;

use crate::cli::{Global, LangArg};
use crate::exit::Exit;
use crate::model::Lang;

/// Write a starter workbook: Sales, Quotes, Customers and Pipeline with a few example rows,
/// and Settings, Grades and Templates with every default written out.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  dangol init shop.xlsx              # Korean headers and sheet names (the default)
  dangol init shop.xlsx --lang en    # English
  dangol check shop.xlsx             # then see what dangol understands of it
An existing file is never overwritten: choose another name or move the old file first.")]
pub struct Args {
    /// Where to write the new workbook (.xlsx); must not exist yet.
    pub path: PathBuf,
}

/// The language a new file is written in: `--lang en` gives English; otherwise Korean
/// (there is no workbook yet to detect a language from).
pub fn new_file_lang(g: &Global) -> Lang {
    match g.lang {
        Some(LangArg::En) => Lang::En,
        _ => Lang::Ko,
    }
}

/// Run the command.
pub fn run(args: &Args, g: &Global) -> anyhow::Result<Exit> {
    if args.path.exists() {
        anyhow::bail!(
            "{} already exists; dangol init never overwrites a file (choose another name)",
            args.path.display()
        );
    }
    let lang = new_file_lang(g);
    crate::starter::write_starter(&args.path, lang, super::as_of(g))?;
    if !g.quiet {
        super::emit(&format!(
            "{}: {}\n",
            args.path.display(),
            lang.pick(
                "새 통합 문서를 만들었습니다 (판매, 견적, 고객, 파이프라인, 설정, 등급기준, 템플릿). 예시 행을 지우고 실제 데이터를 넣으세요.",
                "starter workbook written (Sales, Quotes, Customers, Pipeline, Settings, Grades, Templates). Replace the example rows with your own."
            )
        ))?;
    }
    Ok(Exit::Ok)
}
