//! Where a command's output goes: `--output FILE` (buffered, created here)
//! or standard output, flushed; colour as `--color` and the terminal decide;
//! a reader that goes away (`| head`) is not an error.

use std::io::{IsTerminal, Write};
use std::path::Path;

use crate::error::Error;

use crate::files::WriteError;

use super::ColorChoice;

/// How writing ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Written {
    Complete,
    /// The reader closed the pipe first: the command ends quietly with 0.
    PipeClosed,
}

/// Write with `write(out, colour)` to `output` or `stdout`, and flush. An
/// output of `-` is standard output, as for most command-line tools (it used
/// to create a file named `-`).
pub(super) fn write_output(
    output: Option<&Path>,
    color: ColorChoice,
    stdout: &mut dyn Write,
    write: impl FnOnce(&mut dyn Write, bool) -> std::io::Result<()>,
) -> Result<Written, Error> {
    let output = output.filter(|path| path.as_os_str() != "-");
    let colored = match color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            output.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let result = match output {
        // Written beside the target and renamed into place: a symbolic link
        // of that name (committed in a checkout) is refused, and a failed
        // write leaves the previous file.
        Some(path) => match crate::files::write_atomically(path, |out| write(out, colored)) {
            Ok(()) => Ok(()),
            Err(WriteError::Fill(e)) => Err(e),
            Err(e) => {
                return Err(Error::Output {
                    path: path.to_owned(),
                    source: write_error(e),
                });
            }
        },
        None => write(&mut *stdout, colored).and_then(|_| stdout.flush()),
    };
    match result {
        Ok(()) => Ok(Written::Complete),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(Written::PipeClosed),
        Err(e) => Err(Error::Io(e)),
    }
}

/// A failed [`crate::files::write_atomically`] as an I/O error that keeps its cause.
pub(super) fn write_error(e: WriteError<std::io::Error>) -> std::io::Error {
    match e {
        WriteError::Fill(e) => e,
        WriteError::File(crate::files::FileError::Io(e)) => e,
        WriteError::File(other) => std::io::Error::other(other),
    }
}
