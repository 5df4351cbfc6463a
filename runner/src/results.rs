//! results.json: the typed document `runner parse` writes and `summary`, `flaky` and the tests
//! read back (serde), its `schema_version`, and the checked reader shared with the bench
//! results.

use crate::console::{Case, Kind, Outcome, Results, Splat};
use crate::Result;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// results.json's `schema_version`: raised on every change a reader of the old one would
/// misread.
pub const SCHEMA_VERSION: u32 = 1;

/// A whole results.json.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultsFile {
    pub schema_version: u32,
    pub variant: String,
    /// The console log it was parsed from.
    pub log: String,
    /// The guest printed its final `##> guest-exit: ok`.
    pub guest_finished: bool,
    pub suites: Vec<SuiteRecord>,
    pub splats: Vec<Splat>,
    /// The console's last lines when the guest did not finish (empty otherwise).
    pub console_tail: Vec<String>,
}

/// One suite with its cases and their counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuiteRecord {
    pub name: String,
    pub kind: Kind,
    pub exit_code: Option<i64>,
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    pub cases: Vec<Case>,
}

impl From<&Results> for ResultsFile {
    fn from(r: &Results) -> Self {
        let suites = r
            .suites
            .iter()
            .map(|s| SuiteRecord {
                name: s.name.clone(),
                kind: s.kind,
                exit_code: s.exit_code,
                passed: s.count(Outcome::Pass),
                failed: s.count(Outcome::Fail),
                skipped: s.count(Outcome::Skip),
                cases: s.cases.clone(),
            })
            .collect();
        ResultsFile {
            schema_version: SCHEMA_VERSION,
            variant: r.variant.clone(),
            log: r.log.clone(),
            guest_finished: r.guest_finished,
            suites,
            splats: r.splats.clone(),
            console_tail: r.console_tail.clone(),
        }
    }
}

impl ResultsFile {
    /// The file's text: indented JSON and a final newline.
    pub fn to_json(&self) -> Result<String> {
        to_pretty(self)
    }

    /// Read the text of a results.json; every error names `origin`.
    pub fn parse(text: &str, origin: &str) -> Result<ResultsFile> {
        read_versioned(text, origin, "results.json", SCHEMA_VERSION)
    }
}

/// Indented JSON with a final newline.
pub fn to_pretty<T: Serialize>(doc: &T) -> Result<String> {
    let mut s = serde_json::to_string_pretty(doc).map_err(|e| format!("cannot write JSON: {e}"))?;
    s.push('\n');
    Ok(s)
}

/// Read a JSON document of kind `what` whose top-level `"schema_version"` must be `version`.
/// Errors name `origin` (the file): malformed JSON, a missing or other version (checked
/// before the fields, which another version may lay out differently), then a missing or
/// mistyped field with its line and column.
pub fn read_versioned<T: DeserializeOwned>(
    text: &str,
    origin: &str,
    what: &str,
    version: u32,
) -> Result<T> {
    let doc: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("{origin}: JSON: {e}"))?;
    let obj = doc
        .as_object()
        .ok_or_else(|| format!("{origin}: not a {what}: the document is not a JSON object"))?;
    match obj.get("schema_version") {
        None => {
            return Err(format!(
                "{origin}: not a {what} of schema_version {version}: it has no \"schema_version\" \
                 (written by an older runner? write it again)"
            ))
        }
        Some(v) if v.as_u64() != Some(u64::from(version)) => {
            return Err(format!(
                "{origin}: {what} has schema_version {v}, but this runner reads only \
                 schema_version {version}"
            ))
        }
        Some(_) => {}
    }
    serde_json::from_str(text).map_err(|e| format!("{origin}: bad {what}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::console::parse_log;

    fn sample() -> ResultsFile {
        let log =
            "##> suite-begin a/b\nTAP version 13\n1..3\nok 1 x\n# why \"q\" \\ \u{1}\nnot ok 2 y\n\
                   ok 3 z # SKIP no hw\n##> suite-end a/b rc=1\n[ 1.0] WARNING: CPU: 0 PID: 1\n\
                   [0.1] KTAP version 1\n[0.1] 1..1\n[0.1] not ok 1 k\n";
        ResultsFile::from(&parse_log(log.as_bytes(), "rust", "c.log"))
    }

    #[test]
    fn round_trip() {
        let doc = sample();
        assert_eq!(doc.suites.len(), 3, "{doc:?}");
        assert_eq!(
            (
                doc.suites[0].passed,
                doc.suites[0].failed,
                doc.suites[0].skipped
            ),
            (1, 1, 1)
        );
        assert!(!doc.console_tail.is_empty() && !doc.splats.is_empty());
        let text = doc.to_json().unwrap();
        assert!(text.ends_with("}\n"));
        assert_eq!(ResultsFile::parse(&text, "r.json"), Ok(doc));
    }

    #[test]
    fn version_is_written_first() {
        let text = sample().to_json().unwrap();
        assert!(
            text.starts_with("{\n  \"schema_version\": 1,\n  \"variant\": \"rust\",\n"),
            "{text}"
        );
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["schema_version"], 1);
        assert_eq!(v["suites"][0]["cases"][1]["result"], "fail");
        assert_eq!(v["suites"][0]["kind"], "kselftest");
        assert_eq!(v["suites"][2]["exit_code"], serde_json::Value::Null);
    }

    #[test]
    fn malformed_or_other_version_is_a_clear_error() {
        let good = sample().to_json().unwrap();
        let err = |text: &str| ResultsFile::parse(text, "out/x.json").unwrap_err();
        let e = err(&good[..good.len() / 2]);
        assert!(e.starts_with("out/x.json: JSON: EOF while parsing"), "{e}");
        let e = err("[1, 2]");
        assert_eq!(
            e,
            "out/x.json: not a results.json: the document is not a JSON object"
        );
        let e = err(&good.replace("\"schema_version\": 1,", ""));
        assert!(
            e.starts_with(
                "out/x.json: not a results.json of schema_version 1: it has no \"schema_version\""
            ),
            "{e}"
        );
        for other in ["2", "0", "\"1\"", "1.5", "null"] {
            let e = err(&good.replace(
                "\"schema_version\": 1,",
                &format!("\"schema_version\": {other},"),
            ));
            assert_eq!(
                e,
                format!("out/x.json: results.json has schema_version {other}, but this runner reads only schema_version 1")
            );
        }
        let e = err(&good.replace("\"variant\"", "\"variants\""));
        assert!(
            e.starts_with("out/x.json: bad results.json: missing field `variant` at line "),
            "{e}"
        );
        let e = err(&good.replace("\"fail\"", "\"maybe\""));
        assert!(
            e.starts_with("out/x.json: bad results.json: unknown variant `maybe`"),
            "{e}"
        );
        let e = err(&good.replace("\"guest_finished\": false", "\"guest_finished\": 0"));
        assert!(
            e.contains("invalid type: integer `0`, expected a boolean"),
            "{e}"
        );
        // Deep nesting is refused, not a stack overflow.
        let e = err(&format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)));
        assert!(e.contains("recursion limit exceeded"), "{e}");
    }
}
