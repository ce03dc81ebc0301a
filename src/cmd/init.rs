//! `dangol init`: write a starter workbook to fill in.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::cli::{Global, LangArg};
use crate::exit::Exit;
use crate::model::Lang;
use crate::render::output::{self, Backups};

/// Write a starter workbook: Sales, Quotes, Customers and Pipeline with a few example rows,
/// and Settings, Grades and Templates with every default written out.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  dangol init shop.xlsx              # Korean headers and sheet names (the default)
  dangol init shop.xlsx --lang en    # English
  dangol check shop.xlsx             # then see what dangol understands of it
An existing file is never overwritten without --force (which keeps the old one in
.dangol-backups/ beside it).")]
pub struct Args {
    /// Where to write the new workbook (.xlsx); must not exist yet (unless --force).
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
    let lang = new_file_lang(g);
    let as_of = super::as_of(g);
    if std::fs::symlink_metadata(&args.path).is_ok() {
        if !g.force {
            let text = crate::text!(InitExists, path = args.path.display());
            return Err(anyhow::Error::new(crate::i18n::Said(text)));
        }
        replace_forced(&args.path, lang, as_of)?;
    } else {
        crate::starter::write_starter(&args.path, lang, as_of)?;
    }
    if !g.quiet {
        let done = crate::msg!(lang, InitWritten, path = args.path.display());
        super::emit(&format!("{done}\n"))?;
    }
    Ok(Exit::Ok)
}

/// `--force` over an existing file: the starter is written beside it first, the old file is
/// backed up into `.dangol-backups/`, then the new one is renamed over it.
fn replace_forced(path: &Path, lang: Lang, as_of: chrono::NaiveDate) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let tmp = tempfile::Builder::new()
        .prefix(".dangol-init-")
        .tempdir_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    let name = path
        .file_name()
        .unwrap_or(std::ffi::OsStr::new("starter.xlsx"));
    let fresh = tmp.path().join(name);
    crate::starter::write_starter(&fresh, lang, as_of)?;
    output::backup_of(path, Backups::default_now()).map_err(|e| backup_failed(path, &e))?;
    std::fs::rename(&fresh, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// The backup of `path` (about to be replaced) failed: nothing was changed, in the catalogue's
/// words, with what the system said.
pub(crate) fn backup_failed(path: &Path, e: &crate::writeback::WritebackError) -> anyhow::Error {
    use crate::writeback::WritebackError as W;
    let text = crate::text!(BackupFailed, path = path.display());
    let text = match (crate::i18n::io_cause(e), e) {
        (Some(io), _) => text.io("error", io),
        (None, W::Said(t)) => text.text("error", t.clone()),
        (None, other) => text.io_parts(
            "error",
            other.to_string(),
            crate::text!(IoOther, detail = other),
        ),
    };
    anyhow::Error::new(crate::i18n::Said(text))
}
