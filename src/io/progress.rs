//! Progress of a long command on a terminal (stderr), silent otherwise.

use std::{
    io::{IsTerminal, Write},
    time::{Duration, Instant},
};

pub trait Progress {
    /// `done` of `total` units of `what`.
    fn update(&mut self, what: &str, done: u64, total: u64);
    fn finish(&mut self) {}
}

/// Reports nothing (servers, tests).
pub struct Quiet;

impl Progress for Quiet {
    fn update(&mut self, _: &str, _: u64, _: u64) {}
}

/// One self-overwriting line on stderr, at most ten times a second; silent when stderr is not
/// a terminal (logs and pipes stay clean).
pub struct Terminal {
    on: bool,
    last: Option<Instant>,
    drawn: bool,
}

impl Terminal {
    pub fn new() -> Terminal {
        Terminal {
            on: std::io::stderr().is_terminal(),
            last: None,
            drawn: false,
        }
    }
}

impl Default for Terminal {
    fn default() -> Self {
        Self::new()
    }
}

impl Progress for Terminal {
    fn update(&mut self, what: &str, done: u64, total: u64) {
        if !self.on {
            return;
        }
        let now = Instant::now();
        if done < total
            && self
                .last
                .is_some_and(|t| now - t < Duration::from_millis(100))
        {
            return;
        }
        self.last = Some(now);
        let pct = (done * 100).checked_div(total).unwrap_or(100);
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{what}: {done}/{total} ({pct}%)");
        let _ = err.flush();
        self.drawn = true;
    }

    fn finish(&mut self) {
        if self.drawn {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
            self.drawn = false;
        }
    }
}
