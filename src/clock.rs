//! The only place that reads the wall clock. Analysis never does: its "now"
//! is the newest commit date of the history it reads, so the same repository
//! gives the same report on any day. Only conveniences for a person at a
//! terminal (the default year of `git alibi calendar`) ask the clock.

use chrono::Datelike;

/// The current year (UTC).
pub fn current_year() -> i32 {
    chrono::Utc::now().year()
}

/// Time elapsed since it was started: for progress displays only, never for
/// anything a report says.
#[derive(Clone, Copy, Debug)]
pub struct Stopwatch(std::time::Instant);

impl Stopwatch {
    pub fn start() -> Stopwatch {
        Stopwatch(std::time::Instant::now())
    }

    pub fn elapsed(&self) -> std::time::Duration {
        self.0.elapsed()
    }
}
