//! An adapter run as a child process speaking JSON lines on stdin/stdout (spec/protocol.md).

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, TryRecvError, channel};
use std::time::Duration;

use serde_json::Value;
use wait_timeout::ChildExt;

use super::{Response, Transport};
use crate::error::{Error, Result};
use crate::judge::abbreviate;

/// The longest response line accepted (64 MiB); a longer one is a protocol violation.
const MAX_LINE: usize = 64 << 20;
/// How long [`Transport::shutdown`] waits for the adapter to exit (PROTO-030).
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// Where the adapter's standard error goes. It is logs only, never a failure signal (PROTO-002).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Stderr {
    /// The runner's own standard error.
    #[default]
    Inherit,
    /// Discarded.
    Null,
    /// Appended to this file.
    Log(PathBuf),
}

/// What the reader thread saw on the adapter's standard output.
enum Line {
    Text(Vec<u8>),
    Eof,
    Partial,
    TooLong,
    Failed(String),
}

struct Running {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<Line>,
}

/// An adapter started from a command line, without a shell.
///
/// A reader thread turns the adapter's stdout into lines on a channel, so that every wait is a
/// `recv_timeout` (per-case and start-up timeouts). Killing the adapter kills the child process
/// only: an adapter that forks workers which keep its stdout open (a wrapper script such as
/// `cargo run`) should `exec` the real program instead.
#[derive(Debug)]
pub struct Subprocess {
    argv: Vec<String>,
    command_line: String,
    stderr: Stderr,
    envs: Vec<(String, String)>,
    current_dir: Option<PathBuf>,
    running: Option<Running>,
}

impl std::fmt::Debug for Running {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Running")
            .field("pid", &self.child.id())
            .finish_non_exhaustive()
    }
}

impl Subprocess {
    /// An adapter from a command line such as `python3 adapter.py --flag`, split with
    /// [`split_command_line`](super::split_command_line). Nothing is started yet.
    pub fn new(command_line: &str) -> Result<Self> {
        let argv =
            super::shell_words::split(command_line).map_err(|message| Error::AdapterSpawn {
                command: command_line.to_owned(),
                message,
            })?;
        Ok(Self::from_argv(argv))
    }

    /// An adapter from an explicit argument vector (`argv[0]` is the program).
    pub fn from_argv(argv: Vec<String>) -> Self {
        let command_line = argv.join(" ");
        Subprocess {
            argv,
            command_line,
            stderr: Stderr::default(),
            envs: Vec::new(),
            current_dir: None,
            running: None,
        }
    }

    /// Where the adapter's standard error goes.
    pub fn stderr(mut self, stderr: Stderr) -> Self {
        self.stderr = stderr;
        self
    }

    /// Sets an environment variable for the adapter.
    pub fn env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.envs.push((key.into(), value.into()));
        self
    }

    /// Sets the adapter's working directory.
    pub fn current_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.current_dir = Some(dir.into());
        self
    }

    /// The process id of the running adapter, if any.
    pub fn pid(&self) -> Option<u32> {
        self.running.as_ref().map(|r| r.child.id())
    }

    fn spawn_error(&self, message: String) -> Error {
        Error::AdapterSpawn {
            command: self.command_line.clone(),
            message,
        }
    }

    /// Why the adapter closed its output: its exit status if it exits soon.
    fn exit_detail(running: &mut Running, what: &str) -> String {
        match running.child.wait_timeout(Duration::from_millis(500)) {
            Ok(Some(status)) => format!("{what}; adapter exited with {status}"),
            _ => format!("{what}; adapter still running"),
        }
    }
}

fn read_lines(stdout: ChildStdout, tx: std::sync::mpsc::Sender<Line>) {
    let mut reader = BufReader::new(stdout);
    loop {
        let mut line = Vec::new();
        let outcome = loop {
            let buf = match reader.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => break Line::Failed(e.to_string()),
            };
            if buf.is_empty() {
                break if line.is_empty() {
                    Line::Eof
                } else {
                    Line::Partial
                };
            }
            if let Some(pos) = buf.iter().position(|&b| b == b'\n') {
                line.extend_from_slice(&buf[..pos]);
                reader.consume(pos + 1);
                break Line::Text(std::mem::take(&mut line));
            }
            let n = buf.len();
            line.extend_from_slice(buf);
            reader.consume(n);
            if line.len() > MAX_LINE {
                break Line::TooLong;
            }
        };
        let last = !matches!(outcome, Line::Text(_));
        if tx.send(outcome).is_err() || last {
            return;
        }
    }
}

fn parse_line(bytes: &[u8]) -> Response {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(o)) => Response::Reply(Value::Object(o)),
        Ok(other) => Response::Malformed(format!(
            "answer is not a JSON object: {}",
            abbreviate(&other.to_string())
        )),
        Err(e) => Response::Malformed(format!(
            "answer is not JSON ({e}): {}",
            abbreviate(&String::from_utf8_lossy(bytes))
        )),
    }
}

impl Transport for Subprocess {
    fn describe(&self) -> String {
        self.command_line.clone()
    }

    fn start(&mut self) -> Result<()> {
        self.kill();
        let Some((program, args)) = self.argv.split_first() else {
            return Err(self.spawn_error("empty command line".into()));
        };
        let mut command = Command::new(program);
        command
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped());
        for (k, v) in &self.envs {
            command.env(k, v);
        }
        if let Some(dir) = &self.current_dir {
            command.current_dir(dir);
        }
        match &self.stderr {
            Stderr::Inherit => command.stderr(Stdio::inherit()),
            Stderr::Null => command.stderr(Stdio::null()),
            Stderr::Log(path) => {
                let file = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .map_err(|e| self.spawn_error(format!("stderr log {}: {e}", path.display())))?;
                command.stderr(Stdio::from(file))
            }
        };
        let mut child = command
            .spawn()
            .map_err(|e| self.spawn_error(e.to_string()))?;
        let stdin = child.stdin.take();
        let Some(stdout) = child.stdout.take() else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(self.spawn_error("no stdout pipe".into()));
        };
        let (tx, rx) = channel();
        // Detached on purpose: the thread ends at EOF, which killing the child brings about.
        std::thread::Builder::new()
            .name("adapter-stdout".into())
            .spawn(move || read_lines(stdout, tx))
            .map_err(|e| self.spawn_error(format!("reader thread: {e}")))?;
        self.running = Some(Running {
            child,
            stdin,
            lines: rx,
        });
        Ok(())
    }

    fn exchange(&mut self, request: &Value, timeout: Duration) -> Response {
        let Some(running) = self.running.as_mut() else {
            return Response::Closed("adapter is not running".into());
        };
        // PROTO-004: nothing may arrive before the request is sent.
        match running.lines.try_recv() {
            Ok(Line::Text(bytes)) => {
                return Response::Malformed(format!(
                    "unsolicited output before the request: {}",
                    abbreviate(&String::from_utf8_lossy(&bytes))
                ));
            }
            Ok(_) | Err(TryRecvError::Disconnected) => {
                return Response::Closed(Self::exit_detail(
                    running,
                    "output closed between requests",
                ));
            }
            Err(TryRecvError::Empty) => {}
        }
        let mut line = request.to_string();
        line.push('\n');
        let written = match running.stdin.as_mut() {
            Some(stdin) => stdin
                .write_all(line.as_bytes())
                .and_then(|()| stdin.flush()),
            None => Err(std::io::Error::other("stdin closed")),
        };
        if let Err(e) = written {
            return Response::Closed(Self::exit_detail(
                running,
                &format!("cannot write request: {e}"),
            ));
        }
        match running.lines.recv_timeout(timeout) {
            Ok(Line::Text(bytes)) => parse_line(&bytes),
            Ok(Line::TooLong) => {
                Response::Malformed(format!("answer line longer than {MAX_LINE} bytes"))
            }
            Ok(Line::Partial) => Response::Closed(Self::exit_detail(
                running,
                "output ended in the middle of a line",
            )),
            Ok(Line::Failed(e)) => {
                Response::Closed(Self::exit_detail(running, &format!("read error: {e}")))
            }
            Ok(Line::Eof) | Err(RecvTimeoutError::Disconnected) => {
                Response::Closed(Self::exit_detail(running, "output closed before answering"))
            }
            Err(RecvTimeoutError::Timeout) => Response::TimedOut,
        }
    }

    fn kill(&mut self) {
        if let Some(mut running) = self.running.take() {
            drop(running.stdin.take());
            let _ = running.child.kill();
            let _ = running.child.wait();
        }
    }

    /// Enforces PROTO-030: send `shutdown`, close stdin, wait up to 2 s, then kill.
    fn shutdown(&mut self) {
        if let Some(mut running) = self.running.take() {
            if let Some(mut stdin) = running.stdin.take() {
                let mut line = super::protocol::shutdown_request().to_string();
                line.push('\n');
                let _ = stdin
                    .write_all(line.as_bytes())
                    .and_then(|()| stdin.flush());
            }
            match running.child.wait_timeout(SHUTDOWN_GRACE) {
                Ok(Some(_)) => {}
                _ => {
                    let _ = running.child.kill();
                    let _ = running.child.wait();
                }
            }
        }
    }
}

impl Drop for Subprocess {
    fn drop(&mut self) {
        self.kill();
    }
}
