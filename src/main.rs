fn main() {
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    let code = git_alibi::cli::run(std::env::args_os().collect(), &mut stdout, &mut stderr);
    std::process::exit(code);
}
