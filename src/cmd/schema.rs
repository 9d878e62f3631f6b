use crate::cli::SchemaArgs;

pub fn run(args: &SchemaArgs) -> i32 {
    match crate::schema::schema_for(&args.kind) {
        Some(s) => {
            println!("{s}");
            0
        }
        None => {
            crate::say!(
                "fel: okänd filtyp {:?}; välj en av: {}",
                args.kind,
                crate::schema::KINDS.join(", ")
            );
            2
        }
    }
}
