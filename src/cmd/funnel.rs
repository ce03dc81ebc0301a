//! x
use crate::cli::Global;
use crate::exit::Exit;
#[derive(Debug, clap::Args)]
pub struct Args {
    pub workbook: std::path::PathBuf,
}
pub fn run(_a: &Args, _g: &Global) -> anyhow::Result<Exit> {
    Ok(Exit::Ok)
}
