//! Progress on stderr: a bar when stderr is a terminal, otherwise one line every 2000 cases.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

use crate::adapter::Hello;
use crate::run::{CaseRecord, Observer, RunReport};

/// Cases between two progress lines when stderr is not a terminal.
const LINE_EVERY: usize = 2000;

/// An [`Observer`] that shows progress on stderr and never writes to stdout.
#[derive(Debug)]
pub struct Progress {
    bar: Option<ProgressBar>,
    terminal: bool,
    quiet: bool,
    total: usize,
    done: usize,
    not_passed: usize,
}

impl Default for Progress {
    fn default() -> Self {
        Progress::new()
    }
}

impl Progress {
    /// A bar if stderr is a terminal, otherwise periodic lines.
    pub fn new() -> Self {
        Progress {
            bar: None,
            terminal: std::io::stderr().is_terminal(),
            quiet: false,
            total: 0,
            done: 0,
            not_passed: 0,
        }
    }

    /// Shows nothing except adapter restarts.
    pub fn quiet() -> Self {
        Progress {
            quiet: true,
            ..Progress::new()
        }
    }

    fn say(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }
}

impl Observer for Progress {
    fn on_start(&mut self, total: usize) {
        self.total = total;
        if self.terminal && !self.quiet {
            let style = ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} cases {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            let bar = ProgressBar::new(u64::try_from(total).unwrap_or(u64::MAX)).with_style(style);
            self.bar = Some(bar);
        }
    }

    fn on_handshake(&mut self, hello: &Hello) {
        if !self.quiet {
            let i = &hello.implementation;
            self.say(&format!(
                "conformance: {} {} ({}), {} features",
                i.name,
                i.version,
                i.language,
                hello.features.len()
            ));
        }
    }

    fn on_restart(&mut self, restarts: usize, reason: &str) {
        self.say(&format!(
            "conformance: restarting the adapter (restart {restarts}) after {reason}"
        ));
    }

    fn on_case(&mut self, record: &CaseRecord) {
        self.done += 1;
        if record.outcome != crate::judge::Outcome::Pass {
            self.not_passed += 1;
        }
        if let Some(bar) = &self.bar {
            bar.inc(1);
            if self.not_passed > 0 {
                bar.set_message(format!("({} not passing)", self.not_passed));
            }
        } else if !self.quiet && self.done.is_multiple_of(LINE_EVERY) {
            eprintln!(
                "conformance: {}/{} cases, {} not passing",
                self.done, self.total, self.not_passed
            );
        }
    }

    fn on_finish(&mut self, _report: &RunReport) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
