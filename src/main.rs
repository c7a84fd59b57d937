//! The amlgen command line: parse, run, print, exit. Everything else is in the library.

fn main() {
    std::process::exit(amlgen::cli::main());
}
