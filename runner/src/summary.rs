//! `runner summary`: reads results.json files and `cargo test` output, prints per-variant
//! tables, splats and a final `N passed, N failed, N skipped` line.
//!
//! The table stays hand-written (one format string per row in `render`): a table crate
//! would not be smaller, and scripts read these columns (scripts/mutants.sh's awk).

use crate::console::Outcome;
use crate::results::ResultsFile;

/// One row of the table plus the indented notes (failures and skips) under it.
#[derive(Debug, Default, PartialEq)]
pub struct Row {
    pub name: String,
    pub passed: u64,
    pub failed: u64,
    pub skipped: u64,
    pub notes: Vec<String>,
    /// The skipped cases as `(case name, reason)`, for `summary --expect`.
    pub skips: Vec<(String, String)>,
}

/// One variant (or the host) with its rows and splat lines.
#[derive(Debug, Default, PartialEq)]
pub struct Section {
    pub title: String,
    /// The results' variant ("host" for `cargo test` output); empty if unknown.
    pub variant: String,
    pub rows: Vec<Row>,
    pub splats: Vec<String>,
}

/// Build a section from the text of a results.json written by `runner parse`.
pub fn from_results(data: &str, origin: &str) -> Result<Section, String> {
    let doc = ResultsFile::parse(data, origin)?;
    let mut sec = Section {
        title: format!("{} ({origin})", doc.variant),
        variant: doc.variant.clone(),
        ..Default::default()
    };
    for s in &doc.suites {
        let mut row = Row {
            name: s.name.clone(),
            ..Default::default()
        };
        for c in &s.cases {
            let (name, reason) = (&c.name, &c.reason);
            match c.outcome {
                Outcome::Pass => row.passed += 1,
                Outcome::Fail => {
                    row.failed += 1;
                    row.notes.push(format!("FAIL {name}: {reason}"));
                }
                Outcome::Skip => {
                    row.skipped += 1;
                    row.notes.push(format!("SKIP {name}: {reason}"));
                    row.skips.push((name.clone(), reason.clone()));
                }
            }
        }
        sec.rows.push(row);
    }
    for s in &doc.splats {
        sec.splats.push(format!(
            "SPLAT {} {}:{}: {}",
            doc.variant, doc.log, s.line, s.text
        ));
    }
    Ok(sec)
}

/// The line scripts/check.sh appends to `cargo test`'s output: `cargo test exit status: N`.
pub const CARGO_STATUS: &str = "cargo test exit status:";

/// Build the `host/cargo-test` row from `cargo test` output followed by its
/// [`CARGO_STATUS`] line. A non-zero status fails the row even when every
/// `test result:` line is ok (a test binary that crashed or did not build has none).
pub fn from_cargo(data: &str) -> Row {
    let mut row = Row {
        name: "host/cargo-test".into(),
        ..Default::default()
    };
    let mut seen = false;
    let mut status: Option<Result<i64, String>> = None;
    let mut why: Vec<String> = Vec::new();
    for line in data.lines() {
        let line = line.trim();
        if let Some(s) = line.strip_prefix(CARGO_STATUS) {
            let s = s.trim();
            status = Some(s.parse().map_err(|_| s.to_string()));
        } else if line.starts_with("error:") || line.starts_with("process didn't exit successfully")
        {
            why.push(line.to_string());
        } else if let Some(rest) = line.split_once("test result:").map(|(_, r)| r) {
            seen = true;
            for part in rest.split([';', '.']) {
                let mut w = part.split_whitespace();
                if let (Some(n), Some(word)) =
                    (w.next().and_then(|n| n.parse::<u64>().ok()), w.next())
                {
                    match word {
                        "passed" => row.passed += n,
                        "failed" => row.failed += n,
                        "ignored" => row.skipped += n,
                        _ => {}
                    }
                }
            }
        } else if let Some(name) = line
            .strip_prefix("test ")
            .and_then(|l| l.strip_suffix(" ... FAILED"))
        {
            row.notes.push(format!("FAIL {name}"));
        } else if let Some((name, why)) = line
            .strip_prefix("test ")
            .and_then(|l| l.split_once(" ... ignored"))
        {
            let why = why.trim_start_matches(',').trim();
            let why = if why.is_empty() { "ignored" } else { why };
            row.notes.push(format!("SKIP {name}: {why}"));
            row.skips.push((name.to_string(), why.to_string()));
        }
    }
    if !seen {
        row.failed += 1;
        row.notes
            .push("FAIL no `test result:` line in cargo test output".into());
    }
    if row.failed == 0 {
        match status {
            Some(Ok(0)) => {}
            Some(Ok(n)) => {
                row.failed += 1;
                row.notes.push(format!(
                    "FAIL cargo test exited with status {n}, although no test failed{}",
                    if why.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", why.join(" / "))
                    }
                ));
            }
            Some(Err(s)) => {
                row.failed += 1;
                row.notes
                    .push(format!("FAIL bad `{CARGO_STATUS}` line: {s:?}"));
            }
            None => {
                row.failed += 1;
                row.notes.push(format!(
                    "FAIL no `{CARGO_STATUS}` line (scripts/check.sh appends it): \
                     whether cargo test finished is unknown"
                ));
            }
        }
    }
    row
}

/// A section standing for a file that could not be read or parsed: one failure.
pub fn broken(origin: &str, err: &str) -> Section {
    let row = Row {
        name: format!("results {origin}"),
        failed: 1,
        notes: vec![format!("FAIL {err}")],
        ..Default::default()
    };
    Section {
        title: origin.to_string(),
        rows: vec![row],
        ..Default::default()
    }
}

/// Render everything; returns the text and the totals `(passed, failed, skipped)`.
pub fn render(sections: &[Section]) -> (String, [u64; 3]) {
    let mut out = String::new();
    let mut tot = [0u64; 3];
    let width = sections
        .iter()
        .flat_map(|s| &s.rows)
        .map(|r| r.name.len())
        .max()
        .unwrap_or(5)
        .max(5);
    for sec in sections {
        out.push_str(&format!("== {} ==\n", sec.title));
        out.push_str(&format!(
            "{:<width$}  {:>6}  {:>6}  {:>7}\n",
            "suite", "passed", "failed", "skipped"
        ));
        for r in &sec.rows {
            out.push_str(&format!(
                "{:<width$}  {:>6}  {:>6}  {:>7}\n",
                r.name, r.passed, r.failed, r.skipped
            ));
            for n in &r.notes {
                out.push_str(&format!("    {n}\n"));
            }
            tot[0] += r.passed;
            tot[1] += r.failed;
            tot[2] += r.skipped;
        }
        for s in &sec.splats {
            out.push_str(s);
            out.push('\n');
            tot[1] += 1;
        }
    }
    out.push_str(&format!(
        "{} passed, {} failed, {} skipped\n",
        tot[0], tot[1], tot[2]
    ));
    (out, tot)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_output() {
        let out = "test a ... ok\ntest b ... FAILED\ntest c ... ignored, slow\n\
                   test result: FAILED. 1 passed; 1 failed; 1 ignored; 0 measured; 0 filtered out\n\
                   test result: ok. 4 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s\n";
        let r = from_cargo(out);
        assert_eq!((r.passed, r.failed, r.skipped), (5, 1, 1));
        assert_eq!(r.notes, vec!["FAIL b", "SKIP c: slow"]);
        assert_eq!(r.skips, vec![("c".to_string(), "slow".to_string())]);
        assert_eq!(from_cargo("nothing").failed, 1);
    }

    #[test]
    fn cargo_exit_status() {
        let ok = "test result: ok. 2 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out\n";
        let with = |tail: &str| from_cargo(&format!("{ok}{tail}"));
        assert_eq!(with("cargo test exit status: 0\n").failed, 0);
        // A test binary aborted after the library's tests passed.
        let r =
            with("error: test failed, to rerun pass `--test cli`\ncargo test exit status: 101\n");
        assert_eq!((r.passed, r.failed), (2, 1));
        assert_eq!(
            r.notes,
            vec![
                "FAIL cargo test exited with status 101, although no test failed: \
                  error: test failed, to rerun pass `--test cli`"
            ]
        );
        assert_eq!(with("").failed, 1);
        assert_eq!(with("cargo test exit status: x\n").failed, 1);
    }

    #[test]
    fn results_and_totals() {
        let doc = r#"{"schema_version":1,"variant":"rust","log":"c.log","guest_finished":true,
            "suites":[{"name":"s","kind":"kselftest","exit_code":0,"passed":1,"failed":0,"skipped":1,
            "cases":[{"name":"a","result":"pass","reason":""},{"name":"b","result":"skip","reason":"why"}]}],
            "splats":[{"line":3,"text":"WARNING: x"}],"console_tail":[]}"#;
        let sec = from_results(doc, "r.json").unwrap();
        assert_eq!(sec.splats, vec!["SPLAT rust c.log:3: WARNING: x"]);
        let (text, tot) = render(&[sec, broken("gone.json", "missing")]);
        assert_eq!(tot, [1, 2, 1]);
        assert!(text.ends_with("\n1 passed, 2 failed, 1 skipped\n"));
        assert!(from_results("{\"schema_version\":1,\"variant\":1}", "x").is_err());
        let e = from_results(&doc.replace("\"schema_version\":1,", ""), "r.json").unwrap_err();
        assert!(e.starts_with("r.json: not a results.json"), "{e}");
    }
}
