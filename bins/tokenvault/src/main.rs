//! The `tokenvault` binary: server, offline administration and client commands.

use std::process::ExitCode;

fn usage() -> String {
    format!(
        "tokenvault {version}\n\nUSAGE:\n    tokenvault <COMMAND>\n\nCOMMANDS:\n    version    Print the version\n    help       Print this message\n",
        version = tokenvault_core::VERSION
    )
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("version" | "--version" | "-V") => {
            println!("tokenvault {}", tokenvault_core::VERSION);
            ExitCode::SUCCESS
        }
        None | Some("help" | "--help" | "-h") => {
            print!("{}", usage());
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("unknown command `{other}`\n\n{}", usage());
            ExitCode::from(2)
        }
    }
}
