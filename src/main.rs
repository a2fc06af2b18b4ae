fn main() {
    let mut stdout = std::io::stdout().lock();
    // Not locked: the progress bar's timer thread draws on stderr while the
    // analysis runs, and a lock held here for the whole run would deadlock it
    // (the handle locks per write instead).
    let mut stderr = std::io::stderr();
    let code = git_alibi::cli::run(std::env::args_os().collect(), &mut stdout, &mut stderr);
    std::process::exit(code);
}
