//! Helpers shared by the bench binaries.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// Wall seconds and peak RSS (KiB, from GNU time when present) of one command.
pub fn measure(cmd: &[&str], cwd: &Path) -> (f64, Option<u64>) {
    let time = Path::new("/usr/bin/time");
    let start = Instant::now();
    let out = if time.exists() {
        Command::new(time)
            .arg("-f")
            .arg("%M")
            .args(cmd)
            .current_dir(cwd)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .unwrap()
    } else {
        Command::new(cmd[0])
            .args(&cmd[1..])
            .current_dir(cwd)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .unwrap()
    };
    let secs = start.elapsed().as_secs_f64();
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rss = String::from_utf8_lossy(&out.stderr)
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok());
    (secs, rss)
}
