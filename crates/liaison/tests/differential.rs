//! Differential test: `liaison validate` against the reference validator
//! (stix2-validator) and the STIX 2.1 specification.
//!
//! `differential/corpus.py` generates a seeded corpus with stix2-generator,
//! keeps the objects stix2-validator accepts as the valid baseline, applies
//! about 70 kinds of mutations (each breaks one MUST, or, for the "valid"
//! kinds, changes an object in a way the spec allows), and records the
//! reference verdict of every object in a manifest. This test runs the real
//! binary once over the same files and holds Liaison to the specification:
//!
//! * every mutation that breaks a MUST is rejected, with an error on (or
//!   above, or below) the property it touched;
//! * every baseline object and every "valid" mutation is accepted;
//! * wherever the reference's verdict differs from the specification's, the
//!   case is listed in `allowlist.rs` with the section that settles it.
//!
//! It needs the Python venv that `scripts/test` prepares (LIAISON_TEST_PYTHON);
//! `scripts/test differential --no-capture` shows the summary table (kind,
//! spec verdict, reference and Liaison rejections) even when the test passes.

#[path = "differential/allowlist.rs"]
mod allowlist;
#[path = "differential/assess.rs"]
mod assess;
mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use assess::{Case, Expect, Finding, Reference};
use support::TempDir;

/// The corpus seed: change it only on purpose (the allowlist refers to
/// subjects, not to generated content, so it survives a new seed).
const SEED: &str = "20261129";
/// Objects generated per type (and per hand-written template).
const PER_TYPE: &str = "40";

#[test]
fn liaison_follows_the_specification_where_the_reference_validator_does_and_where_it_does_not() {
    let python = std::env::var_os("LIAISON_TEST_PYTHON").unwrap_or_else(|| {
        panic!(
            "LIAISON_TEST_PYTHON is not set. This test compares Liaison with stix2-validator and \
             needs the Python environment that scripts/test prepares: run `scripts/test` \
             (extra arguments go to cargo nextest, e.g. `scripts/test differential`)."
        )
    });
    let dir = TempDir::new("differential");
    let (manifest, corpus_line) = build_corpus(Path::new(&python), dir.path());
    let mut cases = read_cases(&manifest);
    let run = support::liaison(dir.path(), ["validate", "--json", "valid", "mutants"], None);
    assert!(
        run.code == 0 || run.code == 1,
        "liaison validate exited {}: {}",
        run.code,
        run.stderr
    );
    let stray = attach_findings(&mut cases, &manifest, &run.stdout);

    let report = assess::assess(&cases, &stray);
    println!("{corpus_line}");
    println!("{}", report.render());
    assert!(
        report.problems() == 0,
        "{} problem(s) between Liaison, the reference validator and the specification; see the \
         table and list above (set LIAISON_TEST_KEEP=1 to keep the corpus folder)",
        report.problems()
    );
}

/// Runs corpus.py into `out`; returns the manifest and the script's summary line.
fn build_corpus(python: &Path, out: &Path) -> (Value, String) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/differential/corpus.py");
    let output = Command::new(python)
        .arg(&script)
        .args(["--seed", SEED, "--per-type", PER_TYPE, "--out"])
        .arg(out)
        .env("PYTHONHASHSEED", "0")
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {}: {e} (run scripts/test to set up the venv)",
                python.display()
            )
        });
    assert!(
        output.status.success(),
        "corpus.py failed ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let text = std::fs::read_to_string(out.join("manifest.json")).expect("read manifest.json");
    let manifest = serde_json::from_str(&text).expect("manifest.json is JSON");
    (
        manifest,
        String::from_utf8_lossy(&output.stdout).trim().to_owned(),
    )
}

fn read_cases(manifest: &Value) -> Vec<Case> {
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let text = |v: &Value, key: &str| v[key].as_str().unwrap_or_default().to_owned();
    manifest["cases"]
        .as_array()
        .expect("manifest has cases")
        .iter()
        .map(|c| Case {
            kind: text(c, "kind"),
            subject: text(c, "subject"),
            expect: if c["expect"] == "error" {
                Expect::Error
            } else {
                Expect::Valid
            },
            section: text(c, "section"),
            paths: strings(&c["paths"]),
            base: c["base"].as_u64().map(|b| b as usize),
            file: text(c, "file"),
            index: c["index"].as_u64().expect("case index") as usize,
            reference: Reference {
                valid: c["ref"]["valid"].as_bool().expect("reference verdict"),
                crashed: c["ref"]["crashed"].as_bool().unwrap_or(false),
                errors: strings(&c["ref"]["errors"]),
            },
            findings: None,
        })
        .collect()
}

/// Gives each case the findings Liaison reported for its object; returns
/// what could not be attributed to any object (a failure in itself).
fn attach_findings(cases: &mut [Case], manifest: &Value, stdout: &str) -> Vec<String> {
    let output: Value =
        serde_json::from_str(stdout.trim()).expect("liaison --json prints one JSON document");
    let mut by_location: BTreeMap<(String, usize), usize> = BTreeMap::new();
    for (n, case) in cases.iter_mut().enumerate() {
        by_location.insert((case.file.clone(), case.index), n);
        case.findings = Some(Vec::new());
    }
    let layouts: BTreeMap<&str, (&str, u64)> = manifest["files"]
        .as_array()
        .expect("manifest lists files")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default(),
                (
                    f["layout"].as_str().unwrap_or_default(),
                    f["objects"].as_u64().unwrap_or(0),
                ),
            )
        })
        .collect();
    let mut stray = Vec::new();
    let files = output["files"].as_array().expect("files array");
    if files.len() != layouts.len() {
        stray.push(format!(
            "liaison reported {} files, the corpus has {}",
            files.len(),
            layouts.len()
        ));
    }
    for file in files {
        let name = file["path"].as_str().unwrap_or_default().replace('\\', "/");
        let Some(&(layout, count)) = layouts.get(name.as_str()) else {
            stray.push(format!("unexpected file in the output: {name}"));
            continue;
        };
        if file["objects"].as_u64() != Some(count) {
            stray.push(format!(
                "{name}: liaison counted {} objects, the file has {count}",
                file["objects"]
            ));
        }
        for finding in file["findings"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            let path = finding["path"].as_str().unwrap_or_default();
            let located = split_member(path, layout)
                .and_then(|(i, rest)| by_location.get(&(name.clone(), i)).map(|&n| (n, rest)));
            match located {
                Some((n, rest)) => cases[n]
                    .findings
                    .get_or_insert_with(Vec::new)
                    .push(Finding {
                        error: finding["severity"] == "error",
                        path: rest.to_owned(),
                        code: finding["code"].as_str().unwrap_or_default().to_owned(),
                        message: finding["message"].as_str().unwrap_or_default().to_owned(),
                    }),
                None => stray.push(format!("{name}: finding not about one object: {finding}")),
            }
        }
    }
    stray
}

/// `objects[12].valid_until` (bundle) or `[12].valid_until` (array) →
/// `(12, "valid_until")`.
fn split_member<'p>(path: &'p str, layout: &str) -> Option<(usize, &'p str)> {
    let rest = if layout == "bundle" {
        path.strip_prefix("objects[")?
    } else {
        path.strip_prefix('[')?
    };
    let (index, rest) = rest.split_once(']')?;
    let rest = rest.strip_prefix('.').unwrap_or(rest);
    Some((index.parse().ok()?, rest))
}
