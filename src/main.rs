//! The `dangol` binary: parse the command line, run, map the outcome to an exit code.

fn main() {
    dangol::cmd::freed_at_exit();
    std::process::exit(dangol::main_with_args(std::env::args_os()));
}
