use clap::Parser;
use lovportal::cli::{Cli, Command};
use lovportal::cmd;

fn main() {
    let cli = Cli::parse();
    let code = match &cli.command {
        Command::Build(a) => cmd::build::run(a),
        Command::Check(a) => cmd::check::run(a),
        Command::Schema(a) => cmd::schema::run(a),
        Command::Serve(a) => cmd::serve::run(a),
        Command::New(a) => cmd::new::run(a),
        Command::Init(a) => cmd::init::run(a),
    };
    std::process::exit(code);
}
