//! What the demo prints: numbered steps and indented lines, or nothing (the benchmark).

use std::cell::Cell;
use std::io::Write;

/// Prints the demo's story to stdout, flushed line by line.
#[derive(Debug)]
pub(crate) struct Narrator {
    quiet: bool,
    step: Cell<usize>,
}

impl Narrator {
    /// A narrator that prints.
    pub(crate) fn new() -> Self {
        Self {
            quiet: false,
            step: Cell::new(0),
        }
    }

    /// A narrator that prints nothing.
    pub(crate) fn quiet() -> Self {
        Self {
            quiet: true,
            step: Cell::new(0),
        }
    }

    /// Starts a numbered step.
    pub(crate) fn step(&self, title: &str) {
        self.step.set(self.step.get() + 1);
        self.print(&format!("\n[{}] {title}", self.step.get()));
    }

    /// One line of the current step.
    pub(crate) fn line(&self, text: &str) {
        self.print(&format!("    {text}"));
    }

    /// A line with no indentation.
    pub(crate) fn plain(&self, text: &str) {
        self.print(text);
    }

    fn print(&self, text: &str) {
        if self.quiet {
            return;
        }
        let mut out = std::io::stdout().lock();
        // A closed stdout must not stop the demo: its outcome is the exit code.
        let _ = writeln!(out, "{text}");
        let _ = out.flush();
    }
}
