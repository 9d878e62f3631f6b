use clap::Parser;
use lovportal::cli::{Cli, Command};
use lovportal::cmd;

fn main() {
    let cli = Cli::parse();
    let code = match &cli.command {
        Command::Build(a) => cmd::build::run(a),
        Command::Check(a) => cmd::check::run(a),
        Command::Schema(a) => cmd::schema::run(a),
    };
    std::process::exit(code);
}
