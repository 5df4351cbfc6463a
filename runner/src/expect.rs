//! The expected-results manifest (configs/expected.tsv) and its check, for
//! `runner summary --expect`: the suites each variant must report, the fewest cases
//! each must have, and the skips allowed in it. The file's own header describes the
//! format; in short:
//!
//! ```text
//! [rust debug]                                  the lines below apply to these variants
//! suite<TAB>kunit/clone_autokill<TAB>5          required, with at least 5 cases
//! skip<TAB>SUITE<TAB>CASE-REGEX<TAB>REASON-REGEX an allowed skip (both regexes match whole)
//! ```

use regex::Regex;

/// A manifest regex that must match the whole text, as if in `^(...)$`.
fn whole(pattern: &str) -> Result<Regex, String> {
    Regex::new(&format!("^(?:{pattern})$")).map_err(|e| format!("bad regex {pattern:?}: {e}"))
}
use crate::summary::{Row, Section};

/// One rule of the manifest, with the variants of its section and its line number.
#[derive(Debug)]
struct Entry {
    line: usize,
    variants: Vec<String>,
    rule: Rule,
}

#[derive(Debug)]
enum Rule {
    Suite {
        name: String,
        min: u64,
    },
    Skip {
        suite: String,
        case: Regex,
        reason: Regex,
    },
}

/// A parsed manifest; `path` names it in the notes.
#[derive(Debug)]
pub struct Manifest {
    pub path: String,
    entries: Vec<Entry>,
}

fn valid_variant(v: &str) -> bool {
    !v.is_empty()
        && v.bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
}

/// Parse the manifest text; errors name `path:line`.
pub fn parse(text: &str, path: &str) -> Result<Manifest, String> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut section: Option<Vec<String>> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let at = |msg: String| format!("{path}:{line}: {msg}");
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if let Some(inner) = trimmed.strip_prefix('[') {
            let inner = inner
                .strip_suffix(']')
                .ok_or_else(|| at(format!("section header without ']': {trimmed:?}")))?;
            let names: Vec<String> = inner
                .split([' ', ',', '\t'])
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            if names.is_empty() {
                return Err(at("a section names no variant".into()));
            }
            if let Some(bad) = names.iter().find(|v| !valid_variant(v)) {
                return Err(at(format!("bad variant name {bad:?}")));
            }
            section = Some(names);
            continue;
        }
        let variants = section
            .clone()
            .ok_or_else(|| at("a rule before any [variant ...] section header".into()))?;
        let fields: Vec<&str> = raw
            .trim_end_matches('\r')
            .split('\t')
            .filter(|f| !f.is_empty())
            .collect();
        let rule = match fields.as_slice() {
            ["suite", name, min] => Rule::Suite {
                name: name.to_string(),
                min: min
                    .parse()
                    .map_err(|_| at(format!("minimum case count {min:?} is not a number")))?,
            },
            ["skip", suite, case, reason] => Rule::Skip {
                suite: suite.to_string(),
                case: whole(case).map_err(at)?,
                reason: whole(reason).map_err(at)?,
            },
            [kind @ ("suite" | "skip"), ..] => {
                return Err(at(format!(
                    "{kind}: wrong number of tab-separated fields ({}); expected {}",
                    fields.len(),
                    if *kind == "suite" {
                        "suite, NAME, MIN"
                    } else {
                        "skip, SUITE, CASE-REGEX, REASON-REGEX"
                    }
                )))
            }
            _ => return Err(at(format!("not a suite or skip line: {raw:?}"))),
        };
        entries.push(Entry {
            line,
            variants,
            rule,
        });
    }
    let m = Manifest {
        path: path.to_string(),
        entries,
    };
    m.validate()?;
    Ok(m)
}

impl Manifest {
    fn suite_line(&self, variant: &str, suite: &str) -> Option<(usize, u64)> {
        self.entries.iter().find_map(|e| match &e.rule {
            Rule::Suite { name, min }
                if name == suite && e.variants.iter().any(|v| v == variant) =>
            {
                Some((e.line, *min))
            }
            _ => None,
        })
    }

    /// A suite required twice for one variant, or a skip of a suite a variant does not require.
    fn validate(&self) -> Result<(), String> {
        for (i, e) in self.entries.iter().enumerate() {
            for v in &e.variants {
                match &e.rule {
                    Rule::Suite { name, .. } => {
                        let earlier = self.entries[..i].iter().find(|o| {
                            o.variants.contains(v)
                                && matches!(&o.rule, Rule::Suite { name: n, .. } if n == name)
                        });
                        if let Some(o) = earlier {
                            return Err(format!(
                                "{}:{}: suite {name} required twice for variant {v} (lines {} and {})",
                                self.path, e.line, o.line, e.line
                            ));
                        }
                    }
                    Rule::Skip { suite, .. } => {
                        if self.suite_line(v, suite).is_none() {
                            return Err(format!(
                                "{}:{}: skip in {suite}, but variant {v} has no suite line for it",
                                self.path, e.line
                            ));
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn knows(&self, variant: &str) -> bool {
        self.entries
            .iter()
            .any(|e| e.variants.iter().any(|v| v == variant))
    }

    fn allowed(&self, variant: &str, suite_name: &str, case_name: &str, why: &str) -> bool {
        self.entries.iter().any(|e| match &e.rule {
            Rule::Skip {
                suite,
                case,
                reason,
            } => {
                suite == suite_name
                    && e.variants.iter().any(|v| v == variant)
                    && case.is_match(case_name)
                    && reason.is_match(why)
            }
            Rule::Suite { .. } => false,
        })
    }

    /// The failing rows for one variant, given every row reported for it.
    fn problems(&self, variant: &str, rows: &[&Row]) -> Vec<Row> {
        let mut out: Vec<Row> = Vec::new();
        let mut add = |suite: &str, note: String| {
            let name = format!("expect {suite}");
            let i = match out.iter().position(|r| r.name == name) {
                Some(i) => i,
                None => {
                    out.push(Row {
                        name,
                        ..Default::default()
                    });
                    out.len() - 1
                }
            };
            out[i].failed += 1;
            out[i].notes.push(format!("FAIL {note}"));
        };
        if !self.knows(variant) {
            add(
                "(variant)",
                format!(
                    "no section for variant {variant} in {}: what it must report is unknown",
                    self.path
                ),
            );
            return out;
        }
        for e in &self.entries {
            let Rule::Suite { name, min } = &e.rule else {
                continue;
            };
            if !e.variants.iter().any(|v| v == variant) {
                continue;
            }
            let found: Vec<&&Row> = rows.iter().filter(|r| &r.name == name).collect();
            let Some(count) = found.iter().map(|r| r.passed + r.failed + r.skipped).max() else {
                add(
                    name,
                    format!(
                        "required suite {name} is missing (at least {min} cases: {}:{})",
                        self.path, e.line
                    ),
                );
                continue;
            };
            // A suite skipped as a whole, for an allowed reason, has its one case.
            let whole_skip = found.iter().any(|r| {
                r.passed + r.failed == 0
                    && r.skips.len() == 1
                    && r.skips[0].0 == *name
                    && self.allowed(variant, name, &r.skips[0].0, &r.skips[0].1)
            });
            if count < *min && !whole_skip {
                add(
                    name,
                    format!(
                        "{name}: {count} cases, the minimum is {min} ({}:{})",
                        self.path, e.line
                    ),
                );
            }
        }
        for r in rows {
            for (case, why) in &r.skips {
                if !self.allowed(variant, &r.name, case, why) {
                    add(
                        &r.name,
                        format!(
                            "skip not allowed: case {case:?}, reason {why:?} (suite {}, variant {variant}; \
                             allowed skips: {})",
                            r.name, self.path
                        ),
                    );
                }
            }
        }
        out
    }
}

/// Check every section against the manifest: the sections of one variant together (the
/// host's results.json and its `cargo test` row are one), failing rows appended to the
/// variant's first section. Sections without a variant (unreadable files) are left alone.
pub fn check(m: &Manifest, sections: &mut [Section]) {
    let mut variants: Vec<String> = Vec::new();
    for s in sections.iter() {
        if !s.variant.is_empty() && !variants.contains(&s.variant) {
            variants.push(s.variant.clone());
        }
    }
    for v in variants {
        let rows: Vec<&Row> = sections
            .iter()
            .filter(|s| s.variant == v)
            .flat_map(|s| &s.rows)
            .collect();
        let problems = m.problems(&v, &rows);
        if let Some(first) = sections.iter_mut().find(|s| s.variant == v) {
            first.rows.extend(problems);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, passed: u64, skips: &[(&str, &str)]) -> Row {
        Row {
            name: name.into(),
            passed,
            skipped: skips.len() as u64,
            skips: skips
                .iter()
                .map(|(c, r)| (c.to_string(), r.to_string()))
                .collect(),
            ..Default::default()
        }
    }

    fn section(variant: &str, rows: Vec<Row>) -> Section {
        Section {
            title: variant.into(),
            variant: variant.into(),
            rows,
            splats: Vec::new(),
        }
    }

    const M: &str = "# c\n[a b]\nsuite\tx/one\t2\t\n\n[b, c]\nsuite\tx/two\t3\n\
                     skip\tx/two\tx/two\twhole: .*\nskip\tx/two\tc\\d\tnot (here|now)\n";

    #[test]
    fn per_variant_rules() {
        let m = parse(M, "m.tsv").unwrap();
        let mut secs = vec![
            section("a", vec![row("x/one", 2, &[])]),
            section(
                "b",
                vec![row("x/one", 1, &[]), row("x/two", 1, &[("c1", "not now")])],
            ),
            section("c", vec![row("x/two", 0, &[("x/two", "whole: debug")])]),
            section("d", vec![]),
        ];
        check(&m, &mut secs);
        assert_eq!(secs[0].rows.len(), 1);
        let notes = |s: &Section| -> Vec<String> {
            s.rows
                .iter()
                .filter(|r| r.name.starts_with("expect "))
                .flat_map(|r| r.notes.clone())
                .collect()
        };
        assert_eq!(
            notes(&secs[1]),
            vec![
                "FAIL x/one: 1 cases, the minimum is 2 (m.tsv:3)",
                "FAIL x/two: 2 cases, the minimum is 3 (m.tsv:6)"
            ]
        );
        assert!(notes(&secs[2]).is_empty(), "{:?}", notes(&secs[2]));
        assert_eq!(
            notes(&secs[3]),
            vec!["FAIL no section for variant d in m.tsv: what it must report is unknown"]
        );
        // The same skip is not allowed in a, which does not require x/two at all.
        let mut secs = vec![section("a", vec![row("x/one", 2, &[("c1", "not now")])])];
        check(&m, &mut secs);
        assert_eq!(secs[0].rows[1].failed, 1);
    }

    #[test]
    fn rows_of_a_variant_count_together() {
        let m = parse("[host]\nsuite\th/p\t1\nsuite\th/c\t1\n", "m").unwrap();
        let mut secs = vec![
            section("host", vec![row("h/p", 1, &[])]),
            section("host", vec![row("h/c", 1, &[])]),
        ];
        check(&m, &mut secs);
        assert_eq!(secs.iter().map(|s| s.rows.len()).sum::<usize>(), 2);
    }

    #[test]
    fn bad_manifests() {
        for (text, msg) in [
            ("suite\tx\t1\n", "m:1: a rule before any"),
            (
                "[a]\nsuite\tx\tmany\n",
                "m:2: minimum case count \"many\" is not a number",
            ),
            ("[a]\nsuite x 1\n", "m:2: not a suite or skip line"),
            ("[a]\nskip\tx\ty\n", "wrong number of tab-separated fields"),
            (
                "[a]\nsuite\tx\t1\n[a b]\nsuite\tx\t2\n",
                "m:4: suite x required twice for variant a",
            ),
            (
                "[a]\nsuite\tx\t1\n[b]\nskip\tx\t.*\t.*\n",
                "m:4: skip in x, but variant b has no suite line",
            ),
            ("[A]\n", "bad variant name"),
            ("[a\n", "without ']'"),
            ("[a]\nsuite\tx\t1\nskip\tx\t(\t.*\n", "m:3: bad regex"),
        ] {
            let e = parse(text, "m").unwrap_err();
            assert!(e.contains(msg), "{text:?}: {e}");
        }
    }
}
