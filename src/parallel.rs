//! Reading many repositories at once, handing each to one consumer in the
//! order given: the report must not depend on which repository a thread
//! happened to finish first, and memory must stay bounded (a worker may run
//! at most `window` repositories ahead of the consumer, so a slow first
//! repository does not make a thousand finished ones pile up).

use std::collections::BTreeMap;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

struct State<T> {
    /// Next index a worker may take.
    next_to_take: usize,
    /// Next index the consumer wants.
    next_to_consume: usize,
    finished: BTreeMap<usize, T>,
    /// The consumer failed: workers stop taking work.
    stopped: bool,
}

/// Run `work(i)` for `i in 0..n` on `jobs` threads and pass each result to
/// `consume` in index order, on the calling thread. `tick` is called on the
/// calling thread about ten times a second while it waits (progress display).
/// The first error from `consume` stops the workers and is returned.
pub fn ordered<T, E>(
    n: usize,
    jobs: usize,
    work: impl Fn(usize) -> T + Sync,
    mut tick: impl FnMut(),
    mut consume: impl FnMut(usize, T) -> Result<(), E>,
) -> Result<(), E>
where
    T: Send,
{
    let jobs = jobs.clamp(1, n.max(1));
    let window = 2 * jobs;
    let state = Mutex::new(State {
        next_to_take: 0,
        next_to_consume: 0,
        finished: BTreeMap::new(),
        stopped: false,
    });
    let changed = Condvar::new();
    let lock = || {
        state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    };
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                loop {
                    let i = {
                        let mut s = lock();
                        loop {
                            if s.stopped || s.next_to_take >= n {
                                return;
                            }
                            if s.next_to_take < s.next_to_consume + window {
                                break;
                            }
                            s = changed.wait(s).unwrap_or_else(|p| p.into_inner());
                        }
                        s.next_to_take += 1;
                        s.next_to_take - 1
                    };
                    let result = work(i);
                    lock().finished.insert(i, result);
                    changed.notify_all();
                }
            });
        }
        let mut outcome = Ok(());
        for i in 0..n {
            let result = {
                let mut s = lock();
                loop {
                    if let Some(r) = s.finished.remove(&i) {
                        break r;
                    }
                    let (guard, _) = changed
                        .wait_timeout(s, Duration::from_millis(100))
                        .unwrap_or_else(|p| p.into_inner());
                    s = guard;
                    drop(s);
                    tick();
                    s = lock();
                }
            };
            if let Err(e) = consume(i, result) {
                outcome = Err(e);
                break;
            }
            lock().next_to_consume = i + 1;
            changed.notify_all();
        }
        if outcome.is_err() {
            lock().stopped = true;
            changed.notify_all();
        }
        outcome
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn results_arrive_in_order_whatever_finishes_first() {
        for jobs in [1, 2, 5] {
            let mut seen = Vec::new();
            let out: Result<(), ()> = ordered(
                20,
                jobs,
                |i| {
                    // Early indices are the slowest.
                    std::thread::sleep(Duration::from_millis((20 - i as u64) / 4));
                    i * 10
                },
                || {},
                |i, v| {
                    seen.push((i, v));
                    Ok(())
                },
            );
            assert!(out.is_ok());
            assert_eq!(seen, (0..20).map(|i| (i, i * 10)).collect::<Vec<_>>());
        }
    }

    #[test]
    fn workers_stay_within_the_window_and_stop_on_error() {
        let started = AtomicUsize::new(0);
        let out = ordered(
            1000,
            2,
            |_| {
                started.fetch_add(1, Ordering::SeqCst);
            },
            || {},
            |i, ()| if i == 3 { Err(i) } else { Ok(()) },
        );
        assert_eq!(out, Err(3));
        // At most the window (4) beyond what was consumed, plus the ones in flight.
        assert!(started.load(Ordering::SeqCst) <= 3 + 1 + 4 + 2);
    }
}
