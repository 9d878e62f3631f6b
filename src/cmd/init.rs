use crate::cli::InitArgs;

pub fn run(_args: &InitArgs) -> i32 {
    eprintln!("fel: inte klart");
    2
}
