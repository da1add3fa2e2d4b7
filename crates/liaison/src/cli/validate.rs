//! `liaison validate [--json] [--strict] PATH...`: checks STIX 2.1 files
//! (single objects, bundles or arrays of objects) against the specification.
//!
//! Exit status: 0 when everything is valid, 1 when any error was found (or
//! any warning under `--strict`), 2 for unreadable input or bad usage.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use liaison_stix::json::{Object, Value};
use liaison_stix::{Finding, Severity};

use super::EXIT_USAGE;

/// Arguments of `liaison validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print machine-readable results (one JSON document) instead of lines.
    #[arg(long)]
    json: bool,
    /// Treat warnings (unmet SHOULDs) as failures.
    #[arg(long)]
    strict: bool,
    /// Files or folders (searched recursively for *.json); `-` reads stdin.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
}

/// The outcome for one input.
struct FileReport {
    name: String,
    objects: usize,
    /// `Err` when the input could not be read at all.
    findings: Result<Vec<Finding>, String>,
}

impl FileReport {
    fn count(&self, severity: Severity) -> usize {
        self.findings
            .as_ref()
            .map_or(0, |f| f.iter().filter(|f| f.severity == severity).count())
    }
}

/// Runs the subcommand.
pub fn run(args: &Args) -> ExitCode {
    let inputs = match collect_inputs(&args.paths) {
        Ok(inputs) => inputs,
        Err(message) => {
            eprintln!("liaison validate: {message}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let mut progress = Progress::new(inputs.len());
    // One buffer for every file: a fresh allocation per file would be
    // mapped (and zero-filled by the kernel) page by page each time.
    let mut buffer = Vec::new();
    let reports: Vec<FileReport> = inputs
        .iter()
        .map(|input| {
            let report = validate_input(input, &mut buffer, &mut progress);
            progress.file_done(report.objects);
            report
        })
        .collect();
    progress.finish();

    let stdout = std::io::stdout();
    // Large writes: a run over a big corpus can print many thousand lines.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let written = if args.json {
        write_json(&mut out, &reports)
    } else {
        write_text(&mut out, &reports)
    };
    if written.and_then(|()| out.flush()).is_err() {
        return ExitCode::from(EXIT_USAGE);
    }
    summarise(&reports, args)
}

/// An input: a file path, or standard input.
enum Input {
    Stdin,
    File(PathBuf),
}

/// Expands folders recursively (files ending in `.json`, sorted) and keeps
/// files and `-` as given.
fn collect_inputs(paths: &[PathBuf]) -> Result<Vec<Input>, String> {
    let mut inputs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
        } else if path.is_dir() {
            let mut files = Vec::new();
            walk(path, &mut files)
                .map_err(|e| format!("{}: cannot read folder: {e}", path.display()))?;
            files.sort();
            inputs.extend(files.into_iter().map(Input::File));
        } else {
            inputs.push(Input::File(path.clone()));
        }
    }
    Ok(inputs)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, files)?;
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        {
            files.push(path);
        }
    }
    Ok(())
}

fn validate_input(input: &Input, buffer: &mut Vec<u8>, progress: &mut Progress) -> FileReport {
    buffer.clear();
    let (name, read) = match input {
        Input::Stdin => ("-".to_owned(), std::io::stdin().lock().read_to_end(buffer)),
        Input::File(path) => (path.display().to_string(), read_file(path, buffer)),
    };
    match read {
        Err(e) => FileReport {
            name,
            objects: 0,
            findings: Err(format!("cannot read: {e}")),
        },
        Ok(_) => {
            let (objects, findings) =
                validate_bytes(buffer, &mut |done| progress.object_done(done));
            FileReport {
                name,
                objects,
                findings: Ok(findings),
            }
        }
    }
}

/// Appends the whole file to `buffer`, growing it once to the file's size.
fn read_file(path: &Path, buffer: &mut Vec<u8>) -> std::io::Result<usize> {
    let mut file = std::fs::File::open(path)?;
    let size = file.metadata().map_or(0, |m| m.len());
    buffer.reserve(usize::try_from(size).unwrap_or(0));
    file.read_to_end(buffer)
}

/// Parses and validates one document; returns how many objects it holds.
fn validate_bytes(bytes: &[u8], observer: &mut dyn FnMut(usize)) -> (usize, Vec<Finding>) {
    match liaison_stix::validate_bytes(bytes, observer) {
        Err(e) => {
            let finding = Finding {
                severity: Severity::Error,
                path: String::new(),
                code: "json-syntax",
                message: format!("not valid JSON: {e}"),
            };
            (0, vec![finding])
        }
        Ok(validated) => (validated.objects, validated.findings),
    }
}

fn write_text(out: &mut impl Write, reports: &[FileReport]) -> std::io::Result<()> {
    for report in reports {
        match &report.findings {
            Err(message) => writeln!(out, "{}: {message}", report.name)?,
            Ok(findings) => {
                // `name: path: warning: message`, written piece by piece
                // (a large corpus can yield many thousand lines).
                for f in findings {
                    out.write_all(report.name.as_bytes())?;
                    out.write_all(b": ")?;
                    if !f.path.is_empty() {
                        out.write_all(f.path.as_bytes())?;
                        out.write_all(b": ")?;
                    }
                    if f.severity == Severity::Warning {
                        out.write_all(b"warning: ")?;
                    }
                    out.write_all(f.message.as_bytes())?;
                    out.write_all(b"\n")?;
                }
            }
        }
    }
    Ok(())
}

fn write_json(out: &mut impl Write, reports: &[FileReport]) -> std::io::Result<()> {
    let files: Vec<Value<'_>> = reports.iter().map(report_json).collect();
    let mut root = Object::new();
    root.insert(
        "valid",
        Value::Bool(
            reports
                .iter()
                .all(|r| r.findings.is_ok() && r.count(Severity::Error) == 0),
        ),
    );
    root.insert("files", Value::Array(files));
    writeln!(out, "{}", Value::Object(root))
}

fn report_json(report: &FileReport) -> Value<'_> {
    let mut file = Object::new();
    file.insert("path", Value::from(report.name.as_str()));
    match &report.findings {
        Err(message) => {
            file.insert("valid", Value::Bool(false));
            file.insert("error", Value::from(message.as_str()));
        }
        Ok(findings) => {
            file.insert("valid", Value::Bool(report.count(Severity::Error) == 0));
            file.insert("objects", Value::from(report.objects as i64));
            file.insert("errors", Value::from(report.count(Severity::Error) as i64));
            file.insert(
                "warnings",
                Value::from(report.count(Severity::Warning) as i64),
            );
            file.insert(
                "findings",
                Value::Array(findings.iter().map(finding_json).collect()),
            );
        }
    }
    Value::Object(file)
}

fn finding_json(f: &Finding) -> Value<'_> {
    let mut o = Object::new();
    o.insert("severity", Value::from(f.severity.as_str()));
    o.insert("path", Value::from(f.path.as_str()));
    o.insert("code", Value::from(f.code));
    o.insert("message", Value::from(f.message.as_str()));
    Value::Object(o)
}

/// Prints the totals on stderr (text mode) and chooses the exit status.
fn summarise(reports: &[FileReport], args: &Args) -> ExitCode {
    let unreadable = reports.iter().filter(|r| r.findings.is_err()).count();
    let errors: usize = reports.iter().map(|r| r.count(Severity::Error)).sum();
    let warnings: usize = reports.iter().map(|r| r.count(Severity::Warning)).sum();
    if !args.json {
        let objects: usize = reports.iter().map(|r| r.objects).sum();
        eprintln!(
            "{} file(s), {objects} object(s): {errors} error(s), {warnings} warning(s){}",
            reports.len(),
            if unreadable > 0 {
                format!(", {unreadable} unreadable")
            } else {
                String::new()
            }
        );
    }
    if unreadable > 0 {
        ExitCode::from(EXIT_USAGE)
    } else if errors > 0 || (args.strict && warnings > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// A progress line on stderr for long runs, only when stderr is a terminal.
struct Progress {
    enabled: bool,
    started: Instant,
    last: Instant,
    total: usize,
    done: usize,
    objects: usize,
    shown: bool,
}

impl Progress {
    const DELAY: Duration = Duration::from_millis(500);
    const INTERVAL: Duration = Duration::from_millis(100);

    fn new(total: usize) -> Self {
        let now = Instant::now();
        Progress {
            enabled: std::io::stderr().is_terminal(),
            started: now,
            last: now,
            total,
            done: 0,
            objects: 0,
            shown: false,
        }
    }

    /// One more object of the current file is done (`done` so far in it).
    fn object_done(&mut self, done: usize) {
        if done.is_multiple_of(1024) {
            self.show(self.objects + done);
        }
    }

    /// The current file is done.
    fn file_done(&mut self, objects: usize) {
        self.done += 1;
        self.objects += objects;
        self.show(self.objects);
    }

    fn show(&mut self, objects: usize) {
        if !self.enabled {
            return;
        }
        let now = Instant::now();
        if now - self.started >= Self::DELAY && now - self.last >= Self::INTERVAL {
            self.last = now;
            self.shown = true;
            eprint!(
                "\rvalidated {}/{} file(s), {objects} object(s)",
                self.done, self.total
            );
        }
    }

    fn finish(&self) {
        if self.shown {
            eprint!("\r\x1b[K");
        }
    }
}
