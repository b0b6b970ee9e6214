fn main() -> std::process::ExitCode {
    korobka::cli::main()
}
