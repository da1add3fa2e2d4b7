//! `liaison validate` through the real binary: exit statuses, the text and
//! JSON reports, folders, standard input and unreadable input.
//!
//! Fixtures live in tests/fixtures/: `valid/phishing-campaign.json` (a
//! realistic bundle of 16 objects of mixed types, free of warnings for both
//! Liaison and stix2-validator --strict), `valid/indicator-without-name.json`
//! (valid, two SHOULD warnings), `invalid/indicator-expires-early.json`
//! (bundle; valid_until before valid_from), `invalid/array-two-problems.json`
//! (top-level array; the second member breaks two rules) and
//! `invalid/truncated.json` (not JSON).

mod support;

use std::path::{Path, PathBuf};

use serde_json::Value;
use support::{Run, TempDir};

const CAMPAIGN: &str = "valid/phishing-campaign.json";
const WARNINGS: &str = "valid/indicator-without-name.json";
const EXPIRES_EARLY: &str = "invalid/indicator-expires-early.json";
const ARRAY: &str = "invalid/array-two-problems.json";
const TRUNCATED: &str = "invalid/truncated.json";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(fixtures().join(name)).expect("read fixture")
}

/// Runs `liaison validate ARGS` in the fixtures folder.
fn validate(args: &[&str]) -> Run {
    let mut all = vec!["validate"];
    all.extend_from_slice(args);
    support::liaison(&fixtures(), all, None)
}

/// Runs `liaison validate ARGS` with `stdin`.
fn validate_stdin(args: &[&str], stdin: &str) -> Run {
    let mut all = vec!["validate"];
    all.extend_from_slice(args);
    support::liaison(&fixtures(), all, Some(stdin.as_bytes()))
}

/// The exit status for each kind of input: 0 valid, 1 errors (or warnings
/// under --strict), 2 unreadable input or bad usage.
#[test]
fn exit_status_tells_valid_invalid_and_unreadable_apart() {
    let cases: &[(&[&str], i32)] = &[
        (&[CAMPAIGN], 0),
        (&["--strict", CAMPAIGN], 0),
        (&[WARNINGS], 0),
        (&["--strict", WARNINGS], 1),
        (&["--json", "--strict", WARNINGS], 1),
        (&[EXPIRES_EARLY], 1),
        (&[ARRAY], 1),
        (&[TRUNCATED], 1),
        (&[CAMPAIGN, EXPIRES_EARLY], 1),
        (&["no-such-file.json"], 2),
        (&[EXPIRES_EARLY, "no-such-file.json"], 2),
        (&["--json", "no-such-file.json"], 2),
        (&[], 2),
        (&["--no-such-flag", CAMPAIGN], 2),
    ];
    for (args, expected) in cases {
        let run = validate(args);
        assert_eq!(
            run.code,
            *expected,
            "liaison validate {}\nstdout: {}\nstderr: {}",
            args.join(" "),
            run.stdout,
            run.stderr
        );
    }
}

#[test]
fn a_valid_bundle_prints_no_finding_and_a_summary_on_stderr() {
    let run = validate(&[CAMPAIGN]);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr.trim(),
        "1 file(s), 16 object(s): 0 error(s), 0 warning(s)"
    );
}

/// One line per finding: `FILE: PATH: MESSAGE`, with `warning: ` before the
/// message of a warning; paths start at `objects[i]` in a bundle, `[i]` in an
/// array and at the property in a single object.
#[test]
fn text_report_has_one_line_per_finding_with_its_path() {
    let run = validate(&[EXPIRES_EARLY]);
    assert_eq!(
        run.stdout,
        format!(
            "{EXPIRES_EARLY}: objects[0].valid_until: must be later than valid_from (indicator)\n"
        )
    );
    assert_eq!(
        run.stderr.trim(),
        "1 file(s), 2 object(s): 1 error(s), 0 warning(s)"
    );

    let run = validate(&[ARRAY]);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    assert!(
        lines.contains(&format!("{ARRAY}: [1].is_family: is required (malware)").as_str()),
        "{}",
        run.stdout
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with(&format!("{ARRAY}: [1].modified: "))),
        "{}",
        run.stdout
    );

    let run = validate(&[WARNINGS]);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    for (line, property) in lines.iter().zip(["name", "description"]) {
        assert!(
            line.starts_with(&format!("{WARNINGS}: {property}: warning: ")),
            "{line}"
        );
    }
}

#[test]
fn invalid_json_is_reported_with_line_and_column() {
    let run = validate(&[TRUNCATED]);
    assert_eq!(run.code, 1);
    let line = run.stdout.trim();
    assert!(
        line.starts_with(&format!("{TRUNCATED}: not valid JSON: ")),
        "{line}"
    );
    assert!(line.contains("line 5 column 21"), "{line}");
}

#[test]
fn an_unreadable_path_is_named_and_exits_2() {
    let run = validate(&[CAMPAIGN, "no-such-file.json"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stdout.starts_with("no-such-file.json: cannot read: "),
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains("1 unreadable"), "{}", run.stderr);
}

/// `--json` prints exactly one line: `{"valid", "files": [...]}` with, per
/// file, `path`, `valid`, `objects`, `errors`, `warnings` and `findings`
/// (`severity`, `path`, `code`, `message`), or `path`, `valid`, `error` when
/// the file could not be read.
#[test]
fn json_report_has_the_documented_shape() {
    let run = validate(&[
        "--json",
        CAMPAIGN,
        EXPIRES_EARLY,
        WARNINGS,
        "no-such-file.json",
    ]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stdout.matches('\n').count(),
        1,
        "one line: {}",
        run.stdout
    );
    assert_eq!(run.stderr, "", "no summary on stderr in JSON mode");
    let report: Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(keys(&report), ["files", "valid"]);
    assert_eq!(report["valid"], false);
    let files = report["files"].as_array().expect("files");
    let summary: Vec<(&str, bool)> = files
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default(),
                f["valid"].as_bool().unwrap_or(true),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (CAMPAIGN, true),
            (EXPIRES_EARLY, false),
            (WARNINGS, true),
            ("no-such-file.json", false)
        ]
    );

    for file in &files[..3] {
        assert_eq!(
            keys(file),
            ["errors", "findings", "objects", "path", "valid", "warnings"]
        );
    }
    assert_eq!(
        (
            files[0]["objects"].as_u64(),
            files[0]["errors"].as_u64(),
            files[0]["warnings"].as_u64()
        ),
        (Some(16), Some(0), Some(0))
    );
    assert_eq!(files[0]["findings"], Value::Array(Vec::new()));
    let finding = &files[1]["findings"][0];
    assert_eq!(keys(finding), ["code", "message", "path", "severity"]);
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["path"], "objects[0].valid_until");
    assert_eq!(finding["code"], "timestamp-order");
    assert_eq!(
        finding["message"],
        "must be later than valid_from (indicator)"
    );
    assert_eq!(
        (files[2]["errors"].as_u64(), files[2]["warnings"].as_u64()),
        (Some(0), Some(2))
    );
    assert!(
        files[2]["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .all(|f| f["severity"] == "warning")
    );

    assert_eq!(keys(&files[3]), ["error", "path", "valid"]);
    assert!(
        files[3]["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("cannot read: ")),
        "{}",
        files[3]
    );
}

/// `valid` is about errors only: warnings leave a file valid even under
/// --strict (which changes the exit status, not the report).
#[test]
fn json_valid_ignores_warnings() {
    let run = validate(&["--json", "--strict", WARNINGS]);
    let report: Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(
        (
            report["valid"].as_bool(),
            report["files"][0]["valid"].as_bool()
        ),
        (Some(true), Some(true))
    );
    assert_eq!(run.code, 1);
}

#[test]
fn folders_are_searched_recursively_for_json_files_in_sorted_order() {
    let dir = TempDir::new("validate-tree");
    dir.write("tree/b.json", fixture(CAMPAIGN));
    dir.write("tree/sub/a.json", fixture(EXPIRES_EARLY));
    dir.write("tree/sub/deeper/c.json", fixture(WARNINGS));
    dir.write("tree/sub/notes.txt", "not STIX");
    dir.write("tree/sub/old.json.bak", "not STIX either");
    let run = support::liaison(dir.path(), ["validate", "--json", "tree"], None);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).expect("JSON");
    let paths: Vec<&str> = report["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert_eq!(
        paths,
        ["tree/b.json", "tree/sub/a.json", "tree/sub/deeper/c.json"]
    );
}

#[test]
fn dash_reads_standard_input() {
    let run = validate_stdin(&["-"], &fixture(EXPIRES_EARLY));
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout,
        "-: objects[0].valid_until: must be later than valid_from (indicator)\n"
    );

    let run = validate_stdin(&["--json", "-", CAMPAIGN], &fixture(WARNINGS));
    assert_eq!(run.code, 0);
    let report: Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(report["files"][0]["path"], "-");
    assert_eq!(report["files"][0]["warnings"], 2);
    assert_eq!(report["files"][1]["path"], CAMPAIGN);
}

#[test]
fn empty_standard_input_is_invalid_json() {
    let run = validate_stdin(&["-"], "");
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.starts_with("-: not valid JSON: "),
        "{}",
        run.stdout
    );
}

fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    keys.sort_unstable();
    keys
}
