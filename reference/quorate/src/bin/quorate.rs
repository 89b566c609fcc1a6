//! The one Quorate binary. Everything lives in the library's command modules.

fn main() -> std::process::ExitCode {
    quorate::main()
}
