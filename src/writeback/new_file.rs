//! A new file beside the workbook that `dangol groups --csv FILE` writes (the promotions'
//! mail-merge list): refused over an existing file without `--force`.

use std::path::Path;

use crate::i18n::{Msg, Text};

/// Write a file dangol makes, refusing to overwrite an existing one without `--force`.
pub fn write_new(path: &Path, bytes: &[u8], force: bool) -> anyhow::Result<()> {
    if path.exists() && !force {
        return Err(said(
            Text::new(Msg::GroupsFileExists).arg("path", path.display()),
        ));
    }
    std::fs::write(path, bytes).map_err(|e| {
        said(
            Text::new(Msg::GroupsCannotWrite)
                .arg("path", path.display())
                .io("error", &e),
        )
    })
}

/// An error in the catalogue's words, shown in the workbook's language.
fn said(text: Text) -> anyhow::Error {
    anyhow::Error::new(crate::i18n::Said(text))
}
