//! Progress on stderr while history is read.

use std::io::{IsTerminal, Write};

use crate::model::history::{self};
use crate::reports::{self};

/// How far reading has come. On a terminal, a bar on stderr. Elsewhere (a CI
/// log) a plain line every `GIT_ALIBI_PROGRESS_SECONDS` (default 10; `off`
/// for none), so a long run is not silent and a short one prints nothing.
pub(super) enum Progress<'w> {
    Bar(indicatif::ProgressBar),
    Lines {
        stderr: std::cell::RefCell<&'w mut dyn Write>,
        every: std::time::Duration,
        clock: crate::clock::Stopwatch,
        next: std::cell::Cell<std::time::Duration>,
    },
    Silent,
}

impl<'w> Progress<'w> {
    pub(super) fn new(stderr: &'w mut dyn Write) -> Progress<'w> {
        if std::io::stderr().is_terminal() {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} reading history: {human_pos} commits{msg} ({elapsed})",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            return Progress::Bar(bar);
        }
        let seconds = match std::env::var("GIT_ALIBI_PROGRESS_SECONDS") {
            Ok(v) if v.trim() == "off" => return Progress::Silent,
            Ok(v) => v.trim().parse::<u64>().unwrap_or(10),
            Err(_) => 10,
        };
        let every = std::time::Duration::from_secs(seconds);
        Progress::Lines {
            stderr: std::cell::RefCell::new(stderr),
            every,
            clock: crate::clock::Stopwatch::start(),
            next: std::cell::Cell::new(every),
        }
    }

    pub(super) fn update(&self, at: history::ReadProgress) {
        let repos = if at.repos_total > 1 {
            format!(
                ", {} of {} repositories done",
                at.repos_done, at.repos_total
            )
        } else {
            String::new()
        };
        match self {
            Progress::Bar(bar) => {
                bar.set_position(at.commits);
                bar.set_message(repos);
            }
            Progress::Lines {
                stderr,
                every,
                clock,
                next,
            } => {
                let elapsed = clock.elapsed();
                if elapsed < next.get() {
                    return;
                }
                next.set(elapsed + *every);
                if let Ok(mut w) = stderr.try_borrow_mut() {
                    let _ = writeln!(
                        w,
                        "git-alibi: reading history: {}{repos} ({} s)",
                        reports::count(at.commits as usize, "commit"),
                        elapsed.as_secs()
                    );
                }
            }
            Progress::Silent => {}
        }
    }

    pub(super) fn finish(self) {
        if let Progress::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}
