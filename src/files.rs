//! Files the tool reads and writes on the local disk, where a repository
//! under review may have planted symbolic links, FIFOs or huge files.
//!
//! Reading: only regular files, never through a link that leaves a given
//! root, at most a given number of bytes, and never blocking on a FIFO.
//! Writing: the whole content goes to a temporary file beside the target,
//! which is then renamed over it; a target that is a symbolic link is
//! refused (writing through it would change the file it points at), and a
//! failed write leaves the previous file as it was.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Settings files (`.git-alibi.toml`, accepted findings, `.mailmap`) are read up to this size.
pub const SETTINGS_LIMIT: u64 = 1 << 20;
/// A roster or accepted-findings file given on the command line.
pub const INPUT_LIMIT: u64 = 64 << 20;

/// Why a file was not read or written.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("is a symbolic link that leads outside {root}; not followed")]
    LinkLeavesRoot { root: PathBuf },
    #[error(
        "is a symbolic link; refusing to write through it (remove the link, or give another path)"
    )]
    LinkTarget,
    #[error("is not a regular file")]
    NotRegular,
    #[error("is {size} bytes, over the limit of {limit} bytes")]
    TooLarge { size: u64, limit: u64 },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Read a regular file of at most `limit` bytes; `Ok(None)` when it does
/// not exist. With `root`, a symbolic link (or a linked directory on the
/// way) whose target is outside `root` is refused.
pub fn read_regular(
    path: &Path,
    limit: u64,
    root: Option<&Path>,
) -> Result<Option<Vec<u8>>, FileError> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.into()),
        Ok(_) => {}
    }
    if let Some(root) = root {
        let root = std::fs::canonicalize(root)?;
        let target = match std::fs::canonicalize(path) {
            Ok(t) => t,
            // A dangling link: nothing to read.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        if !target.starts_with(&root) {
            return Err(FileError::LinkLeavesRoot { root });
        }
    }
    // Checked before opening: opening a FIFO for reading blocks until
    // someone writes to it.
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(FileError::NotRegular);
    }
    if meta.len() > limit {
        return Err(FileError::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    let file = open_nonblocking(path)?;
    // The file may have been swapped between the checks and the open.
    if !file.metadata()?.is_file() {
        return Err(FileError::NotRegular);
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(FileError::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(Some(bytes))
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc_o_nonblock())
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// `O_NONBLOCK` (std does not name it): Linux's value, and the BSDs' and macOS's.
#[cfg(unix)]
fn libc_o_nonblock() -> i32 {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        0o4000
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        0x0004
    }
}

/// Write `path` as a whole: `fill` writes the content into a temporary file
/// in the same directory, which is renamed over `path` only when `fill`
/// succeeds. A `path` that is a symbolic link is refused; a device or FIFO
/// is written in place.
pub fn write_atomically<T, E: From<std::io::Error>>(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> Result<T, E>,
) -> Result<T, WriteError<E>> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            return Err(WriteError::File(FileError::LinkTarget));
        }
        // A device or a FIFO (`-o /dev/null`, `-o /dev/stdout`, a named
        // pipe): written in place, never renamed over.
        Ok(meta) if !meta.is_file() && !meta.is_dir() => {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(|e| WriteError::File(e.into()))?;
            let mut out = std::io::BufWriter::new(file);
            let value = fill(&mut out).map_err(WriteError::Fill)?;
            out.flush().map_err(|e| WriteError::File(e.into()))?;
            return Ok(value);
        }
        Ok(meta) if meta.is_dir() => return Err(WriteError::File(FileError::NotRegular)),
        _ => {}
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".git-alibi-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(|e| WriteError::File(e.into()))?;
    let value = {
        let mut out = std::io::BufWriter::new(tmp.as_file_mut());
        let value = fill(&mut out).map_err(WriteError::Fill)?;
        out.flush().map_err(|e| WriteError::File(e.into()))?;
        value
    };
    // Keep the permissions an existing file had (a new one gets the
    // temporary file's 0600 widened to what a plain create would give).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map(|m| m.permissions().mode())
            .unwrap_or(0o644);
        let _ = tmp
            .as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode & 0o7777));
    }
    tmp.persist(path)
        .map_err(|e| WriteError::File(e.error.into()))?;
    Ok(value)
}

/// What [`write_atomically`] failed at: the file, or the content's writer.
#[derive(Debug)]
pub enum WriteError<E> {
    File(FileError),
    Fill(E),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_regular_files_up_to_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.toml");
        std::fs::write(&f, b"12345").unwrap();
        assert_eq!(
            read_regular(&f, 5, Some(dir.path())).unwrap().unwrap(),
            b"12345"
        );
        assert!(matches!(
            read_regular(&f, 4, None),
            Err(FileError::TooLarge { size: 5, limit: 4 })
        ));
        assert!(
            read_regular(&dir.path().join("none"), 5, None)
                .unwrap()
                .is_none()
        );
        assert!(matches!(
            read_regular(dir.path(), 5, None),
            Err(FileError::NotRegular)
        ));
    }

    #[cfg(unix)]
    #[test]
    fn refuses_links_out_of_the_root_and_special_files() {
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("secret");
        std::fs::write(&secret, b"SECRET_TOKEN=1").unwrap();
        let repo = tempfile::tempdir().unwrap();
        let link = repo.path().join(".git-alibi.toml");
        std::os::unix::fs::symlink(&secret, &link).unwrap();
        assert!(matches!(
            read_regular(&link, 1 << 20, Some(repo.path())),
            Err(FileError::LinkLeavesRoot { .. })
        ));
        // A link inside the root is followed.
        std::fs::write(repo.path().join("real.toml"), b"x").unwrap();
        let inner = repo.path().join("inner.toml");
        std::os::unix::fs::symlink(repo.path().join("real.toml"), &inner).unwrap();
        assert_eq!(
            read_regular(&inner, 10, Some(repo.path()))
                .unwrap()
                .unwrap(),
            b"x"
        );
        // A device is not a regular file (and /dev/zero never ends).
        assert!(matches!(
            read_regular(Path::new("/dev/zero"), 10, None),
            Err(FileError::NotRegular)
        ));
    }

    #[cfg(unix)]
    #[test]
    fn writes_replace_the_file_and_refuse_links() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("report.sarif");
        std::fs::write(&target, b"old").unwrap();
        // A failed fill leaves the old content.
        let failed = write_atomically(&target, |out| -> std::io::Result<()> {
            out.write_all(b"partial")?;
            Err(std::io::Error::other("boom"))
        });
        assert!(matches!(failed, Err(WriteError::Fill(_))));
        assert_eq!(std::fs::read(&target).unwrap(), b"old");
        write_atomically(&target, |out| -> std::io::Result<()> {
            out.write_all(b"new")
        })
        .unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
        let victim = dir.path().join("victim");
        std::fs::write(&victim, b"keep").unwrap();
        let link = dir.path().join("link.sarif");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        let refused = write_atomically(&link, |out| -> std::io::Result<()> { out.write_all(b"x") });
        assert!(matches!(
            refused,
            Err(WriteError::File(FileError::LinkTarget))
        ));
        assert_eq!(std::fs::read(&victim).unwrap(), b"keep");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
        // A device is written in place.
        write_atomically(Path::new("/dev/null"), |out| -> std::io::Result<()> {
            out.write_all(b"x")
        })
        .unwrap();
        assert!(Path::new("/dev/null").exists());
    }
}
