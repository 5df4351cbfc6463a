//! `runner flaky`: the verdict of a flake hunt (make flaky). Reads the results.json of two or
//! more boots of one variant, lines every (suite, case) up across the runs and names the tests
//! whose outcome was not the same in every run: flaky.tsv (every test, its outcome per run)
//! and flaky.txt (the flaky ones, with the reasons of their failures and skips).
//!
//! flaky.txt's table stays hand-written (a few padded format strings): a table crate would
//! not be smaller.

use crate::console::Outcome;
use crate::results::ResultsFile;
use crate::Result;
use std::collections::HashMap;

/// Fewer runs than this prove nothing: one run cannot differ from anything.
pub const MIN_RUNS: usize = 2;

/// Suite and case of the pseudo-test that stands for the run itself: pass when the guest
/// reached its final line and the kernel printed no splat.  A crash or a WARN in one run of
/// many is a difference, even where no test case shows it.
pub const RUN_SUITE: &str = "run";
pub const RUN_CASE: &str = "guest finished, no splats";

/// One case of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub suite: String,
    pub case: String,
    pub outcome: Outcome,
    pub reason: String,
}

/// One results.json.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub origin: String,
    pub variant: String,
    pub guest_finished: bool,
    /// "line N: text", in console order.
    pub splats: Vec<String>,
    /// Every case in file order.  A case name seen twice in one suite gets " #2" etc.
    pub entries: Vec<Entry>,
}

impl Run {
    /// The run's pseudo-test ([`RUN_SUITE`], [`RUN_CASE`]).
    pub fn health(&self) -> Entry {
        let mut why = Vec::new();
        if !self.guest_finished {
            why.push("the guest did not finish".to_string());
        }
        if let Some(first) = self.splats.first() {
            why.push(format!(
                "{} splat(s), the first at {first}",
                self.splats.len()
            ));
        }
        Entry {
            suite: RUN_SUITE.into(),
            case: RUN_CASE.into(),
            outcome: if why.is_empty() {
                Outcome::Pass
            } else {
                Outcome::Fail
            },
            reason: why.join("; "),
        }
    }

    /// Cases that passed, failed and were skipped (the pseudo-test not included).
    pub fn totals(&self) -> [usize; 3] {
        [Outcome::Pass, Outcome::Fail, Outcome::Skip]
            .map(|o| self.entries.iter().filter(|e| e.outcome == o).count())
    }
}

/// Read the text of a results.json written by `runner parse`; errors name `origin`.
pub fn from_results(data: &str, origin: &str) -> Result<Run> {
    let doc = ResultsFile::parse(data, origin)?;
    let mut entries = Vec::new();
    let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
    for s in &doc.suites {
        for c in &s.cases {
            let n = seen.entry((&s.name, &c.name)).or_default();
            *n += 1;
            entries.push(Entry {
                suite: s.name.clone(),
                case: if *n == 1 {
                    c.name.clone()
                } else {
                    format!("{} #{n}", c.name)
                },
                outcome: c.outcome,
                reason: c.reason.clone(),
            });
        }
    }
    let splats = doc
        .splats
        .iter()
        .map(|s| format!("line {}: {}", s.line, s.text))
        .collect();
    Ok(Run {
        origin: origin.to_string(),
        variant: doc.variant,
        guest_finished: doc.guest_finished,
        splats,
        entries,
    })
}

/// A test's result in one run: its outcome and reason, or `None` when the run lacks it.
pub type Cell = Option<(Outcome, String)>;

/// One (suite, case) across all runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Test {
    pub suite: String,
    pub case: String,
    /// One per run, in run order.
    pub cells: Vec<Cell>,
}

fn outcome(c: &Cell) -> Option<Outcome> {
    c.as_ref().map(|(o, _)| *o)
}

/// A cell as flaky.tsv writes it.
fn word(c: &Cell) -> &'static str {
    outcome(c).map_or("missing", Outcome::as_str)
}

/// A cell as one letter of flaky.txt's per-run column.
fn letter(c: &Cell) -> char {
    match outcome(c) {
        Some(Outcome::Pass) => 'P',
        Some(Outcome::Fail) => 'F',
        Some(Outcome::Skip) => 'S',
        None => '-',
    }
}

impl Test {
    /// Flaky: the outcomes (missing being one) are not all the same.
    pub fn flaky(&self) -> bool {
        self.cells
            .windows(2)
            .any(|w| outcome(&w[0]) != outcome(&w[1]))
    }

    /// Runs in which the test passed, failed, was skipped, was missing.
    pub fn counts(&self) -> [usize; 4] {
        let mut n = [0; 4];
        for c in &self.cells {
            n[match outcome(c) {
                Some(Outcome::Pass) => 0,
                Some(Outcome::Fail) => 1,
                Some(Outcome::Skip) => 2,
                None => 3,
            }] += 1;
        }
        n
    }
}

/// Line the runs up: every (suite, case) seen in any run, each run's pseudo-test first, the
/// flaky tests first, otherwise in order of first appearance.  Fewer than [`MIN_RUNS`] runs,
/// or runs of different variants, are an error.
pub fn compare(runs: &[Run]) -> Result<Vec<Test>> {
    if runs.len() < MIN_RUNS {
        return Err(format!(
            "a flake hunt needs at least {MIN_RUNS} runs, got {}: one run cannot differ from anything",
            runs.len()
        ));
    }
    if let Some(r) = runs.iter().find(|r| r.variant != runs[0].variant) {
        return Err(format!(
            "{} is a run of variant {:?}, {} one of {:?}: a flake hunt compares boots of one variant",
            r.origin, r.variant, runs[0].origin, runs[0].variant
        ));
    }
    let mut tests: Vec<Test> = Vec::new();
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    for (i, run) in runs.iter().enumerate() {
        let health = run.health();
        for e in std::iter::once(&health).chain(&run.entries) {
            let t = *index
                .entry((e.suite.clone(), e.case.clone()))
                .or_insert_with(|| {
                    tests.push(Test {
                        suite: e.suite.clone(),
                        case: e.case.clone(),
                        cells: vec![None; runs.len()],
                    });
                    tests.len() - 1
                });
            tests[t].cells[i] = Some((e.outcome, e.reason.clone()));
        }
    }
    // Stable: flaky (false) before steady (true), each in order of first appearance.
    tests.sort_by_key(|t| !t.flaky());
    Ok(tests)
}

/// Tabs and line breaks inside a name would break a TSV row.
fn cell_text(s: &str) -> String {
    s.replace(['\t', '\n', '\r'], " ")
}

/// flaky.tsv: suite, case, run1..runN, the pass/fail/skip/missing counts, flaky yes/no.
pub fn to_tsv(tests: &[Test], runs: usize) -> String {
    let mut out = String::from("suite\tcase");
    for i in 1..=runs {
        out.push_str(&format!("\trun{i}"));
    }
    out.push_str("\tpass\tfail\tskip\tmissing\tflaky\n");
    for t in tests {
        out.push_str(&format!("{}\t{}", cell_text(&t.suite), cell_text(&t.case)));
        for c in &t.cells {
            out.push('\t');
            out.push_str(word(c));
        }
        for n in t.counts() {
            out.push_str(&format!("\t{n}"));
        }
        out.push_str(if t.flaky() { "\tyes\n" } else { "\tno\n" });
    }
    out
}

/// The first line of a reason, or a placeholder for an empty one.
fn first_line(reason: &str) -> &str {
    match reason.lines().next().map(str::trim) {
        Some(l) if !l.is_empty() => l,
        _ => "(no reason given)",
    }
}

/// "run3", or "runs 1-4, 6" for several (1-based run numbers, ascending).
fn run_label(runs: &[usize]) -> String {
    if let [one] = runs {
        return format!("run{one}");
    }
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < runs.len() {
        let mut j = i;
        while j + 1 < runs.len() && runs[j + 1] == runs[j] + 1 {
            j += 1;
        }
        parts.push(if j == i {
            runs[i].to_string()
        } else {
            format!("{}-{}", runs[i], runs[j])
        });
        i = j + 1;
    }
    format!("runs {}", parts.join(", "))
}

/// flaky.txt: one line per run (its file and totals), then the flaky tests, one letter per run
/// and the reasons of their failures and skips grouped by run, or the line saying no test
/// changed.  The last line is always the verdict.
pub fn render(runs: &[Run], tests: &[Test]) -> String {
    let mut out = String::new();
    let lw = format!("run{}", runs.len()).len();
    for (i, r) in runs.iter().enumerate() {
        let [p, f, s] = r.totals();
        out.push_str(&format!(
            "{:<lw$}  {}: {p} passed, {f} failed, {s} skipped; guest {}, {} splat(s)\n",
            format!("run{}", i + 1),
            r.origin,
            if r.guest_finished {
                "finished"
            } else {
                "did NOT finish"
            },
            r.splats.len()
        ));
    }
    out.push('\n');
    let flaky: Vec<&Test> = tests.iter().filter(|t| t.flaky()).collect();
    if flaky.is_empty() {
        out.push_str(&format!(
            "no test changed result over {} runs ({} tests)\n",
            runs.len(),
            tests.len()
        ));
        return out;
    }
    let sw = flaky
        .iter()
        .map(|t| t.suite.len())
        .max()
        .unwrap_or(0)
        .max(5);
    let cw = flaky.iter().map(|t| t.case.len()).max().unwrap_or(0).max(4);
    let rw = runs.len().max(4);
    out.push_str(&format!(
        "flaky tests; per run 1..{}: P pass, F fail, S skip, - missing\n",
        runs.len()
    ));
    out.push_str(&format!(
        "{:<sw$}  {:<cw$}  {:<rw$}  {:>4}  {:>4}  {:>4}  {:>7}\n",
        "suite", "case", "runs", "pass", "fail", "skip", "missing"
    ));
    for t in &flaky {
        let letters: String = t.cells.iter().map(letter).collect();
        let [p, f, s, m] = t.counts();
        out.push_str(&format!(
            "{:<sw$}  {:<cw$}  {letters:<rw$}  {p:>4}  {f:>4}  {s:>4}  {m:>7}\n",
            t.suite, t.case
        ));
        // The reasons, each once, with the runs that gave it.
        let mut reasons: Vec<(&str, &str, Vec<usize>)> = Vec::new();
        for (i, c) in t.cells.iter().enumerate() {
            let Some((o, reason)) = c else { continue };
            let kind = match o {
                Outcome::Fail => "FAIL",
                Outcome::Skip => "SKIP",
                Outcome::Pass => continue,
            };
            let line = first_line(reason);
            let run = i + 1;
            match reasons
                .iter_mut()
                .find(|(k, l, _)| *k == kind && *l == line)
            {
                Some((_, _, list)) => list.push(run),
                None => reasons.push((kind, line, vec![run])),
            }
        }
        for (kind, line, list) in reasons {
            out.push_str(&format!("    {kind} {}: {line}\n", run_label(&list)));
        }
    }
    out.push_str(&format!(
        "\n{} of {} tests changed result over {} runs\n",
        flaky.len(),
        tests.len(),
        runs.len()
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A results.json with one suite "s" of `cases` (name, result, reason).
    fn doc(finished: bool, cases: &[(&str, &str, &str)], splats: &[&str]) -> String {
        let cases: Vec<serde_json::Value> = cases
            .iter()
            .map(|(n, r, why)| serde_json::json!({"name": n, "result": r, "reason": why}))
            .collect();
        let splats: Vec<serde_json::Value> = (10..)
            .zip(splats)
            .map(|(line, text)| serde_json::json!({"line": line, "text": text}))
            .collect();
        serde_json::json!({
            "schema_version": 1, "variant": "rust", "log": "c.log", "guest_finished": finished,
            "suites": [{"name": "s", "kind": "kselftest", "exit_code": 0,
                        "passed": 0, "failed": 0, "skipped": 0, "cases": cases}],
            "splats": splats, "console_tail": []
        })
        .to_string()
    }

    fn runs(docs: &[String]) -> Vec<Run> {
        docs.iter()
            .enumerate()
            .map(|(i, d)| from_results(d, &format!("run-{}.json", i + 1)).unwrap())
            .collect()
    }

    fn row<'a>(tests: &'a [Test], case: &str) -> &'a Test {
        tests.iter().find(|t| t.case == case).expect(case)
    }

    const AB: &[(&str, &str, &str)] = &[("a", "pass", ""), ("b", "skip", "no clone3")];

    #[test]
    fn identical_runs_are_steady() {
        let d = doc(true, AB, &[]);
        let r = runs(&[d.clone(), d.clone(), d]);
        let tests = compare(&r).unwrap();
        assert_eq!(tests.len(), 3);
        assert!(tests.iter().all(|t| !t.flaky()));
        assert_eq!(
            (tests[0].suite.as_str(), tests[0].case.as_str()),
            (RUN_SUITE, RUN_CASE)
        );
        assert_eq!(row(&tests, "b").counts(), [0, 0, 3, 0]);
        let text = render(&r, &tests);
        assert!(text.starts_with(
            "run1  run-1.json: 1 passed, 0 failed, 1 skipped; guest finished, 0 splat(s)\n"
        ));
        assert!(
            text.ends_with("\nno test changed result over 3 runs (3 tests)\n"),
            "{text}"
        );
    }

    #[test]
    fn pass_then_fail_is_flaky_and_first() {
        let r = runs(&[
            doc(true, AB, &[]),
            doc(true, &[("a", "fail", "timeout\nmore"), AB[1]], &[]),
        ]);
        let tests = compare(&r).unwrap();
        assert_eq!(tests[0].case, "a");
        assert!(tests[0].flaky() && !tests[1].flaky());
        assert_eq!(tests[0].counts(), [1, 1, 0, 0]);
        let tsv = to_tsv(&tests, 2);
        let mut lines = tsv.lines();
        assert_eq!(
            lines.next(),
            Some("suite\tcase\trun1\trun2\tpass\tfail\tskip\tmissing\tflaky")
        );
        assert_eq!(lines.next(), Some("s\ta\tpass\tfail\t1\t1\t0\t0\tyes"));
        assert_eq!(
            lines.next(),
            Some("run\tguest finished, no splats\tpass\tpass\t2\t0\t0\t0\tno")
        );
        let text = render(&r, &tests);
        assert!(
            text.contains(
                "\ns      a     PF       1     1     0        0\n    FAIL run2: timeout\n"
            ),
            "{text}"
        );
        assert!(
            text.ends_with("\n1 of 3 tests changed result over 2 runs\n"),
            "{text}"
        );
    }

    #[test]
    fn a_missing_case_is_flaky() {
        let r = runs(&[
            doc(true, AB, &[]),
            doc(true, &AB[..1], &[]),
            doc(true, AB, &[]),
        ]);
        let tests = compare(&r).unwrap();
        let b = row(&tests, "b");
        assert!(b.flaky());
        assert_eq!(b.counts(), [0, 0, 2, 1]);
        assert!(to_tsv(&tests, 3).contains("\ns\tb\tskip\tmissing\tskip\t0\t0\t2\t1\tyes\n"));
        let text = render(&r, &tests);
        assert!(
            text.contains("  S-S  ") && text.contains("    SKIP runs 1, 3: no clone3\n"),
            "{text}"
        );
        // A case only a later run has is missing from the earlier ones.
        let r = runs(&[doc(true, &AB[..1], &[]), doc(true, AB, &[])]);
        assert_eq!(row(&compare(&r).unwrap(), "b").counts(), [0, 0, 1, 1]);
    }

    #[test]
    fn a_crash_or_a_splat_in_one_run_is_flaky() {
        let r = runs(&[doc(true, AB, &[]), doc(false, AB, &[])]);
        let tests = compare(&r).unwrap();
        let health = row(&tests, RUN_CASE);
        assert!(health.flaky() && !row(&tests, "a").flaky());
        assert!(render(&r, &tests).contains("    FAIL run2: the guest did not finish\n"));
        let r = runs(&[
            doc(true, AB, &["WARNING: CPU: 0", "BUG: x"]),
            doc(true, AB, &[]),
        ]);
        let tests = compare(&r).unwrap();
        assert_eq!(tests[0].case, RUN_CASE);
        assert!(render(&r, &tests)
            .contains("    FAIL run1: 2 splat(s), the first at line 10: WARNING: CPU: 0\n"));
        // The same crash in every run is a steady failure, not a flake.
        let d = doc(false, AB, &[]);
        assert!(compare(&runs(&[d.clone(), d]))
            .unwrap()
            .iter()
            .all(|t| !t.flaky()));
    }

    #[test]
    fn bad_input_and_too_few_runs() {
        let d = doc(true, AB, &[]);
        let e = compare(&runs(std::slice::from_ref(&d))).unwrap_err();
        assert!(e.contains("at least 2 runs, got 1"), "{e}");
        assert!(compare(&[]).is_err());
        let mut other = runs(&[d.clone(), d.clone()]);
        other[1].variant = "c".into();
        assert!(compare(&other)
            .unwrap_err()
            .contains("run-2.json is a run of variant"));
        let e = from_results("{\"variant\": ", "x.json").unwrap_err();
        assert!(e.starts_with("x.json: JSON: "), "{e}");
        let e = from_results(&d.replace("\"skip\"", "\"maybe\""), "y.json").unwrap_err();
        assert!(
            e.starts_with("y.json: bad results.json: unknown variant `maybe`"),
            "{e}"
        );
        assert!(from_results(&d.replace("\"guest_finished\"", "\"g\""), "z").is_err());
    }

    #[test]
    fn run_labels() {
        assert_eq!(run_label(&[3]), "run3");
        assert_eq!(run_label(&[1, 3]), "runs 1, 3");
        assert_eq!(run_label(&[1, 2, 3, 4, 6, 8, 9]), "runs 1-4, 6, 8-9");
    }

    #[test]
    fn repeated_names_and_odd_characters() {
        let r = runs(&[
            doc(true, &[("a", "pass", ""), ("a", "pass", "")], &[]),
            doc(true, &[("a", "pass", ""), ("a", "fail", "")], &[]),
        ]);
        let tests = compare(&r).unwrap();
        assert_eq!(tests[0].case, "a #2");
        assert!(render(&r, &tests).contains("    FAIL run2: (no reason given)\n"));
        let t = Test {
            suite: "s\tx".into(),
            case: "c\nd".into(),
            cells: vec![None, None],
        };
        assert!(to_tsv(&[t], 2).ends_with("\ns x\tc d\tmissing\tmissing\t0\t0\t0\t2\tno\n"));
    }
}
