//! `dangol completions SHELL` and `dangol man`: shell completions and a man page, both
//! generated from the command-line definition itself, so they never drift from `--help`.

use std::io::Write;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;
use crate::exit::Exit;

/// Print shell completions for bash, zsh, fish or PowerShell.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  dangol completions bash > ~/.local/share/bash-completion/completions/dangol
  dangol completions zsh > ~/.zfunc/_dangol          # with fpath+=~/.zfunc before compinit
  dangol completions fish > ~/.config/fish/completions/dangol.fish
  dangol completions powershell >> $PROFILE")]
pub struct Args {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: ShellArg,
}

/// The shells `dangol completions` writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ShellArg {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

impl ShellArg {
    fn shell(self) -> Shell {
        match self {
            ShellArg::Bash => Shell::Bash,
            ShellArg::Zsh => Shell::Zsh,
            ShellArg::Fish => Shell::Fish,
            ShellArg::Powershell => Shell::PowerShell,
        }
    }
}

/// Print the man page (roff): `dangol man > dangol.1`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  dangol man > ~/.local/share/man/man1/dangol.1 && man dangol
  dangol man | man -l -")]
pub struct ManArgs {}

/// The completion script for `shell`.
pub fn completions(shell: ShellArg) -> Vec<u8> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell.shell(), &mut cmd, "dangol", &mut out);
    out
}

/// The man page in roff.
pub fn man_page() -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    Ok(out)
}

/// `dangol completions SHELL`.
pub fn run(a: &Args) -> anyhow::Result<Exit> {
    write_stdout(&completions(a.shell))
}

/// `dangol man`.
pub fn run_man(_a: &ManArgs) -> anyhow::Result<Exit> {
    write_stdout(&man_page()?)
}

fn write_stdout(bytes: &[u8]) -> anyhow::Result<Exit> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(Exit::Ok),
        // `dangol completions bash | head`: a closed pipe is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(Exit::Ok),
        Err(e) => Err(anyhow::Error::new(e).context("writing to standard output")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_shell_gets_a_script_naming_dangol() {
        for s in [
            ShellArg::Bash,
            ShellArg::Zsh,
            ShellArg::Fish,
            ShellArg::Powershell,
        ] {
            let text = String::from_utf8(completions(s)).unwrap();
            assert!(text.contains("dangol"), "{s:?}: {text}");
            assert!(text.contains("completions"), "{s:?} lists the subcommand");
        }
    }
}
