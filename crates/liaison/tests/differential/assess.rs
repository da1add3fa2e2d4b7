//! Judging each case: Liaison's verdict against the specification's, and the
//! reference's verdict against the specification's (through the allowlist);
//! then the summary table and the list of problems.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use crate::allowlist::{Deviation, REFERENCE_MISSES, REFERENCE_REJECTS_VALID};

/// What the specification says about a case.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// The object breaks a MUST.
    Error,
    /// The object is valid (warnings allowed).
    Valid,
}

/// stix2-validator's verdict on one object.
pub struct Reference {
    pub valid: bool,
    /// It raised an exception instead of answering (counted as a rejection).
    pub crashed: bool,
    pub errors: Vec<String>,
}

/// One Liaison finding, its path relative to the object.
pub struct Finding {
    pub error: bool,
    pub path: String,
    pub code: String,
    pub message: String,
}

/// One object of the corpus (baseline or mutant).
pub struct Case {
    pub kind: String,
    pub subject: String,
    pub expect: Expect,
    pub section: String,
    /// Properties the mutation touched.
    pub paths: Vec<String>,
    /// The baseline case a mutant was made from.
    pub base: Option<usize>,
    pub file: String,
    pub index: usize,
    pub reference: Reference,
    /// Liaison's findings (None until attached).
    pub findings: Option<Vec<Finding>>,
}

impl Case {
    fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().flatten().filter(|f| f.error)
    }

    fn rejected(&self) -> bool {
        self.errors().next().is_some()
    }

    fn location(&self) -> String {
        format!("{} [{}]", self.file, self.index)
    }
}

/// Why a case fails.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Problem {
    /// A MUST is broken and Liaison accepted the object.
    Missed,
    /// A MUST is broken; Liaison rejected the object, but not for it.
    RejectedElsewhere,
    /// A MUST is broken and Liaison said so, but it also reported errors
    /// about properties the mutation did not touch.
    UnrelatedErrors,
    /// The object is valid and Liaison rejected it.
    FalseReject,
    /// The reference's verdict differs from the spec and the allowlist does not say why.
    UnlistedReferenceDeviation,
}

impl Problem {
    fn title(self) -> &'static str {
        match self {
            Problem::Missed => "MISSED: a MUST is broken and Liaison accepted the object",
            Problem::RejectedElsewhere => {
                "REJECTED ELSEWHERE: Liaison rejected the mutant, but with no error about the mutated property"
            }
            Problem::UnrelatedErrors => {
                "UNRELATED ERRORS: besides the broken MUST, Liaison reported errors about untouched properties (a false positive, or a mutation that breaks two rules)"
            }
            Problem::FalseReject => {
                "FALSE REJECT: valid per the specification, Liaison rejected it"
            }
            Problem::UnlistedReferenceDeviation => {
                "UNLISTED: the reference differs from the specification and allowlist.rs does not say why (add an entry with the spec section if the reference is wrong)"
            }
        }
    }
}

/// One row of the summary table.
#[derive(Default)]
struct Row {
    expect: &'static str,
    cases: usize,
    reference_rejects: usize,
    reference_crashes: usize,
    liaison_rejects: usize,
    allowlisted: usize,
    skipped: usize,
    problems: usize,
}

/// The outcome of the whole comparison.
pub struct Report {
    rows: BTreeMap<(usize, String), Row>,
    /// Allowlist entries that matched, with how many cases each.
    deviations: Vec<(&'static Deviation, usize)>,
    problems: BTreeMap<Problem, Vec<String>>,
    global: Vec<String>,
}

impl Report {
    pub fn problems(&self) -> usize {
        self.problems.values().map(Vec::len).sum::<usize>() + self.global.len()
    }
}

/// Judges every case.
pub fn assess(cases: &[Case], stray: &[String]) -> Report {
    let mut report = Report {
        rows: BTreeMap::new(),
        deviations: Vec::new(),
        problems: BTreeMap::new(),
        global: stray.to_vec(),
    };
    let mut used_misses = vec![0; REFERENCE_MISSES.len()];
    let mut used_rejects = vec![0; REFERENCE_REJECTS_VALID.len()];
    let mut order: BTreeMap<&str, usize> = BTreeMap::new();
    for case in cases {
        let next = order.len();
        let position = *order.entry(&case.kind).or_insert(next);
        let row = report
            .rows
            .entry((position, case.kind.clone()))
            .or_default();
        row.expect = if case.expect == Expect::Error {
            "error"
        } else {
            "valid"
        };
        row.cases += 1;
        row.reference_rejects += usize::from(!case.reference.valid);
        row.reference_crashes += usize::from(case.reference.crashed);
        row.liaison_rejects += usize::from(case.rejected());

        let base = case.base.map(|b| &cases[b]);
        let mut found = Vec::new();
        let generator_flaw = case.kind == "corpus" && case.rejected() && {
            let codes: BTreeSet<&str> = case.errors().map(|f| f.code.as_str()).collect();
            mark(REFERENCE_MISSES, &mut used_misses, |d| {
                d.matches("corpus", &case.subject) && codes.iter().all(|c| d.codes.contains(c))
            })
        };
        if generator_flaw {
            row.allowlisted += 1;
        } else {
            match judge_liaison(case, base) {
                Judgement::Fine => {}
                Judgement::Skipped => row.skipped += 1,
                Judgement::Fails(p) => found.push(p),
            }
            let deviates = match case.expect {
                Expect::Error => case.reference.valid,
                Expect::Valid => !case.reference.valid,
            };
            if deviates {
                let (list, used) = match case.expect {
                    Expect::Error => (REFERENCE_MISSES, &mut used_misses),
                    Expect::Valid => (REFERENCE_REJECTS_VALID, &mut used_rejects),
                };
                if mark(list, used, |d| d.matches(&case.kind, &case.subject)) {
                    row.allowlisted += 1;
                } else {
                    found.push(Problem::UnlistedReferenceDeviation);
                }
            }
        }
        row.problems += usize::from(!found.is_empty());
        for problem in found {
            report
                .problems
                .entry(problem)
                .or_default()
                .push(describe(case, problem));
        }
    }
    stale_entries(
        &mut report,
        REFERENCE_MISSES,
        &used_misses,
        "REFERENCE_MISSES",
    );
    stale_entries(
        &mut report,
        REFERENCE_REJECTS_VALID,
        &used_rejects,
        "REFERENCE_REJECTS_VALID",
    );
    report
}

/// Counts a use of the first entry satisfying `matches`; false if none does.
fn mark(list: &[Deviation], used: &mut [usize], matches: impl Fn(&Deviation) -> bool) -> bool {
    match list.iter().position(matches) {
        Some(i) => {
            used[i] += 1;
            true
        }
        None => false,
    }
}

fn stale_entries(report: &mut Report, list: &'static [Deviation], used: &[usize], name: &str) {
    for (entry, &used) in list.iter().zip(used) {
        if used > 0 {
            report.deviations.push((entry, used));
        } else {
            report.global.push(format!(
                "stale allowlist entry in {name}: {} {} ({}): the reference no longer deviates here; remove it",
                entry.kind, entry.subject, entry.section
            ));
        }
    }
}

enum Judgement {
    Fine,
    /// A "valid" mutant whose only errors are inherited from a rejected base
    /// (that base is already reported).
    Skipped,
    Fails(Problem),
}

/// Liaison's verdict against the specification's.
fn judge_liaison(case: &Case, base: Option<&Case>) -> Judgement {
    // Errors the mutant shares with its base are not about the mutation.
    let inherited: BTreeSet<(&str, &str)> = base
        .map(|b| {
            b.errors()
                .map(|f| (f.path.as_str(), f.code.as_str()))
                .collect()
        })
        .unwrap_or_default();
    let new_errors: Vec<&Finding> = case
        .errors()
        .filter(|f| !inherited.contains(&(f.path.as_str(), f.code.as_str())))
        .collect();
    let about_mutation = |f: &&Finding| case.paths.iter().any(|p| related(&f.path, p));
    match case.expect {
        Expect::Error if !case.rejected() => Judgement::Fails(Problem::Missed),
        Expect::Error if !new_errors.iter().any(about_mutation) => {
            Judgement::Fails(Problem::RejectedElsewhere)
        }
        Expect::Error if !new_errors.iter().all(about_mutation) => {
            Judgement::Fails(Problem::UnrelatedErrors)
        }
        Expect::Error => Judgement::Fine,
        Expect::Valid if !case.rejected() => Judgement::Fine,
        Expect::Valid if new_errors.is_empty() && base.is_some() => Judgement::Skipped,
        Expect::Valid => Judgement::Fails(Problem::FalseReject),
    }
}

/// True when `finding` is the mutated property `mutated`, inside it, or one of
/// its ancestors (the object itself included).
fn related(finding: &str, mutated: &str) -> bool {
    let within = |inner: &str, outer: &str| {
        inner == outer
            || outer.is_empty()
            || inner
                .strip_prefix(outer)
                .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
    };
    within(finding, mutated) || within(mutated, finding)
}

fn describe(case: &Case, problem: Problem) -> String {
    let mut line = format!(
        "{:<40} {:<55} {} ({})",
        case.kind,
        case.subject,
        case.location(),
        case.section
    );
    let errors: Vec<String> = case
        .errors()
        .take(3)
        .map(|f| format!("{}: {} [{}]", f.path, f.message, f.code))
        .collect();
    match problem {
        Problem::Missed => {
            let _ = write!(line, "\n      reference: {}", reference_summary(case));
        }
        Problem::RejectedElsewhere | Problem::UnrelatedErrors | Problem::FalseReject => {
            let _ = write!(line, "\n      liaison: {}", errors.join("; "));
        }
        Problem::UnlistedReferenceDeviation => {
            let _ = write!(
                line,
                "\n      reference: {}; liaison: {}",
                reference_summary(case),
                if case.rejected() {
                    errors.join("; ")
                } else {
                    "accepted".to_owned()
                }
            );
        }
    }
    line
}

fn reference_summary(case: &Case) -> String {
    match (case.reference.valid, case.reference.crashed) {
        (true, _) => "accepted".to_owned(),
        (false, true) => format!(
            "crashed ({})",
            case.reference.errors.first().map_or("", String::as_str)
        ),
        (false, false) => format!(
            "rejected ({})",
            case.reference.errors.first().map_or("", String::as_str)
        ),
    }
}

impl Report {
    /// The summary table, then every problem, grouped.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "\n{:<40} {:>5} {:>5} {:>13} {:>15} {:>11} {:>7} {:>8}",
            "kind",
            "spec",
            "cases",
            "ref rejects",
            "liaison rejects",
            "allowlisted",
            "skipped",
            "problems"
        );
        for ((_, kind), row) in &self.rows {
            let crashes = if row.reference_crashes > 0 {
                format!(" ({} crash)", row.reference_crashes)
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "{:<40} {:>5} {:>5} {:>13} {:>15} {:>11} {:>7} {:>8}",
                kind,
                row.expect,
                row.cases,
                format!("{}{crashes}", row.reference_rejects),
                row.liaison_rejects,
                row.allowlisted,
                row.skipped,
                if row.problems == 0 {
                    "ok".to_owned()
                } else {
                    row.problems.to_string()
                }
            );
        }
        if !self.deviations.is_empty() {
            let _ = writeln!(
                out,
                "\nKnown deviations of the reference validator (allowlist.rs), cases:"
            );
            for (entry, count) in &self.deviations {
                let _ = writeln!(
                    out,
                    "  {:>3}  {} {} — {}: {}",
                    count, entry.kind, entry.subject, entry.section, entry.why
                );
            }
        }
        for (problem, lines) in &self.problems {
            let _ = writeln!(out, "\n{} — {} case(s):", problem.title(), lines.len());
            for line in lines.iter().take(80) {
                let _ = writeln!(out, "  {line}");
            }
            if lines.len() > 80 {
                let _ = writeln!(out, "  … and {} more", lines.len() - 80);
            }
        }
        if !self.global.is_empty() {
            let _ = writeln!(out, "\nOther problems:");
            for line in &self.global {
                let _ = writeln!(out, "  {line}");
            }
        }
        let _ = writeln!(out, "\n{} problem(s)", self.problems());
        out
    }
}
