//! `man`: the manual pages.

use std::io::Write;

use crate::error::Error;

use super::*;

/// `man`: the manual pages, one for the tool and one per command
/// (`git-alibi-scan.1`, …), as clap_mangen renders them from the arguments.
pub(super) fn man(a: ManArgs, stdout: &mut dyn Write) -> Result<i32, Error> {
    let cmd = <Cli as clap::CommandFactory>::command();
    std::fs::create_dir_all(&a.dir).map_err(|source| Error::Output {
        path: a.dir.clone(),
        source,
    })?;
    let mut written = Vec::new();
    let mut pages = vec![("git-alibi".to_owned(), cmd.clone())];
    for sub in cmd.get_subcommands() {
        let name = format!("git-alibi-{}", sub.get_name());
        pages.push((name.clone(), sub.clone().name(name)));
    }
    for (name, page) in pages {
        let path = a.dir.join(format!("{name}.1"));
        let mut buffer = Vec::new();
        clap_mangen::Man::new(page).render(&mut buffer)?;
        std::fs::write(&path, buffer).map_err(|source| Error::Output {
            path: path.clone(),
            source,
        })?;
        written.push(path);
    }
    writeln!(
        stdout,
        "wrote {} manual pages to {}",
        written.len(),
        a.dir.display()
    )?;
    Ok(EXIT_OK)
}
