//! `runner parse --kunit-json` and `runner kunit-compare`: a run's suites in the JSON that the
//! kernel's `tools/testing/kunit/kunit.py parse --json` writes (kunit_json.py, KernelCI's test
//! API), and the check that kunit.py reads the KUnit part of a console log as we do.

use crate::console::{Case, Kind, Outcome, Results, Suite, KUNIT_CUT_OFF, SUITE_CUT_OFF};
use crate::Result;
use serde::{Deserialize, Serialize};

/// A test group, the fields in kunit_json.py's order: the whole run (`KUnit Test Group`, no
/// cases of its own) or one suite.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub name: String,
    pub sub_groups: Vec<Group>,
    pub test_cases: Vec<TestCase>,
    pub misc: Counts,
    pub arch: String,
    pub defconfig: String,
    pub build_environment: String,
    pub lab_name: Option<String>,
    pub kernel: Option<String>,
    pub job: Option<String>,
    pub git_branch: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestCase {
    pub name: String,
    pub status: Status,
}

/// kunit_json.py's statuses: SUCCESS is PASS, SKIPPED is SKIP, TEST_CRASHED is ERROR and
/// every other one FAIL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Status {
    Pass,
    Fail,
    Skip,
    Error,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::Skip => "SKIP",
            Status::Error => "ERROR",
        }
    }
}

/// A group's `misc`: `tests` is passed + failed + crashed + skipped; `errors` counts parse
/// errors.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub tests: usize,
    pub passed: usize,
    pub failed: usize,
    pub crashed: usize,
    pub skipped: usize,
    pub errors: usize,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.tests += o.tests;
        self.passed += o.passed;
        self.failed += o.failed;
        self.crashed += o.crashed;
        self.skipped += o.skipped;
        self.errors += o.errors;
    }

    fn count(&mut self, s: Status) {
        self.tests += 1;
        match s {
            Status::Pass => self.passed += 1,
            Status::Fail => self.failed += 1,
            Status::Skip => self.skipped += 1,
            Status::Error => {
                self.crashed += 1;
                self.errors += 1;
            }
        }
    }
}

fn group(name: &str, sub_groups: Vec<Group>, test_cases: Vec<TestCase>, misc: Counts) -> Group {
    Group {
        name: name.to_string(),
        sub_groups,
        test_cases,
        misc,
        arch: String::new(),
        defconfig: String::new(),
        build_environment: String::new(),
        lab_name: None,
        kernel: None,
        job: None,
        git_branch: "kselftest".to_string(),
    }
}

/// A case's kunit.py status. pass, skip and fail are PASS, SKIP and FAIL, except a failure
/// that says the run stopped inside the suite: KUnit's `SUITE: incomplete` (no result line),
/// a kselftest's `SUITE: no suite-end marker` and guest/boot (the guest crashed or timed out).
/// That is ERROR, counted as crashed and as an error: kunit.py's TEST_CRASHED, which it gives
/// a case that never reported, with a parse error ("missing expected subtest!"). kunit.py
/// adds one such case per planned case missing (and one error more for the missing result
/// line) where we keep one, so kunit-compare shows a cut-off suite's counts as a difference.
fn status(s: &Suite, c: &Case) -> Status {
    match c.outcome {
        Outcome::Pass => Status::Pass,
        Outcome::Skip => Status::Skip,
        Outcome::Fail
            if c.reason == KUNIT_CUT_OFF
                || c.reason == SUITE_CUT_OFF
                || (s.kind == Kind::Guest && s.name == "guest/boot") =>
        {
            Status::Error
        }
        Outcome::Fail => Status::Fail,
    }
}

/// Every suite of the run as a sub-group of `KUnit Test Group`, named as kunit.py names it: a
/// KUnit suite by its KUnit name (no `kunit/`), any other by our suite name. Nested KUnit
/// subtests (parameterised cases) stay flat, `param/case` as in results.json, where kunit.py
/// makes a sub-group of them; `compare` flattens kunit.py's the same way.
pub fn export(res: &Results) -> Group {
    let mut misc = Counts::default();
    let mut sub_groups = Vec::new();
    for s in &res.suites {
        let name = match s.kind {
            Kind::Kunit => s.name.strip_prefix("kunit/").unwrap_or(&s.name),
            _ => &s.name,
        };
        let mut counts = Counts::default();
        let cases: Vec<TestCase> = s
            .cases
            .iter()
            .map(|c| TestCase {
                name: c.name.clone(),
                status: status(s, c),
            })
            .inspect(|c| counts.count(c.status))
            .collect();
        misc.add(&counts);
        sub_groups.push(group(name, Vec::new(), cases, counts));
    }
    group("KUnit Test Group", sub_groups, Vec::new(), misc)
}

/// The file's text: indented by 4 like kunit.py's (json.dumps(indent=4)), a final newline.
pub fn to_json(g: &Group) -> Result<String> {
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    g.serialize(&mut serde_json::Serializer::with_formatter(&mut buf, fmt))
        .map_err(|e| format!("cannot write JSON: {e}"))?;
    let mut s = String::from_utf8_lossy(&buf).into_owned();
    s.push('\n');
    Ok(s)
}

/// Read a kunit.py JSON file's text; errors name `origin`.
pub fn parse(text: &str, origin: &str) -> Result<Group> {
    serde_json::from_str(text).map_err(|e| format!("{origin}: not kunit.py JSON: {e}"))
}

/// One line of kunit-compare's report: what was checked and, if it failed, why.
#[derive(Debug, PartialEq)]
pub struct Check {
    pub name: String,
    pub difference: Option<String>,
}

impl Check {
    pub fn failed(name: &str, why: &str) -> Check {
        Check {
            name: name.to_string(),
            difference: Some(why.to_string()),
        }
    }
}

/// A group's cases, nested groups flattened to `group/case`, sorted.
fn flat_cases(g: &Group) -> Vec<(String, Status)> {
    let mut v: Vec<_> = g
        .test_cases
        .iter()
        .map(|c| (c.name.clone(), c.status))
        .collect();
    for sub in &g.sub_groups {
        v.extend(
            flat_cases(sub)
                .into_iter()
                .map(|(n, s)| (format!("{}/{n}", sub.name), s)),
        );
    }
    v.sort();
    v
}

/// The cases of `a` that `b` lacks, the first three.
fn extra(a: &[(String, Status)], b: &[(String, Status)]) -> String {
    let only: Vec<String> = a
        .iter()
        .filter(|c| !b.contains(c))
        .map(|(n, s)| format!("{n} {}", s.as_str()))
        .collect();
    match only.len() {
        0..=3 => only.join(", "),
        n => format!("{}, and {} more", only[..3].join(", "), n - 3),
    }
}

/// The first difference between our group and kunit.py's of the same name.
fn difference(ours: &Group, theirs: &Group) -> Option<String> {
    let (o, t) = (ours.misc, theirs.misc);
    let counts: Vec<String> = [
        ("tests", t.tests, o.tests),
        ("passed", t.passed, o.passed),
        ("failed", t.failed, o.failed),
        ("skipped", t.skipped, o.skipped),
        ("crashed", t.crashed, o.crashed),
        ("errors", t.errors, o.errors),
    ]
    .iter()
    .filter(|(_, t, o)| t != o)
    .map(|(n, t, o)| format!("{n} {t} (kunit.py) vs {o} (runner)"))
    .collect();
    if !counts.is_empty() {
        return Some(counts.join(", "));
    }
    let (oc, tc) = (flat_cases(ours), flat_cases(theirs));
    (oc != tc).then(|| {
        format!(
            "cases only kunit.py has: [{}]; only runner has: [{}]",
            extra(&tc, &oc),
            extra(&oc, &tc)
        )
    })
}

/// Every group of kunit.py's file against ours of the same name (the n-th of a name against
/// our n-th): the counts and the cases (name and status) must be equal. kunit.py's top-level
/// cases (TAP it read as the main document's) are not compared. No group at all is a failure.
pub fn compare(ours: &Group, theirs: &Group) -> Vec<Check> {
    if theirs.sub_groups.is_empty() {
        return vec![Check::failed(
            "kunit.py found KUnit groups",
            "its JSON has no sub_groups: nothing was compared",
        )];
    }
    theirs
        .sub_groups
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let nth = theirs.sub_groups[..i]
                .iter()
                .filter(|g| g.name == t.name)
                .count();
            let o = ours.sub_groups.iter().filter(|g| g.name == t.name).nth(nth);
            let n = flat_cases(t).len();
            Check {
                name: format!(
                    "kunit.py and runner agree on {} ({n} case{})",
                    t.name,
                    if n == 1 { "" } else { "s" }
                ),
                difference: match o {
                    Some(o) => difference(o, t),
                    None => Some("runner has no such group".to_string()),
                },
            }
        })
        .collect()
}

/// The report: a KTAP suite `suite` between runner markers as scripts/check-variants.sh prints
/// one (`runner parse` reads it back), a failure's difference also as its diagnostic line, a
/// summary last.
pub fn render(suite: &str, checks: &[Check]) -> String {
    let one_line = |s: &str| s.replace(['\n', '\r'], " ");
    let mut out = format!(
        "##> suite-begin {suite}\nTAP version 13\n1..{}\n",
        checks.len()
    );
    for (i, c) in checks.iter().enumerate() {
        let name = one_line(&c.name);
        match &c.difference {
            None => out.push_str(&format!("ok {} {name}\n", i + 1)),
            Some(d) => {
                let d = one_line(d);
                out.push_str(&format!("# {d}\nnot ok {} {name}: {d}\n", i + 1));
            }
        }
    }
    let agree = checks.iter().filter(|c| c.difference.is_none()).count();
    out.push_str(&format!(
        "# kunit-compare: {agree} of {} checks agree\n##> suite-end {suite} rc=0\n##> guest-exit: ok\n",
        checks.len()
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::console::parse_log;

    const LOG: &str = "[    0.1] KTAP version 1\n[    0.1] 1..1\n[    0.1]     KTAP version 1\n\
        [    0.1]     # Subtest: s\n[    0.1]     1..2\n[    0.1]     ok 1 a\n\
        [    0.1]     not ok 2 b\n[    0.1] not ok 1 s\n\
        ##> suite-begin d/t\nTAP version 13\n1..2\nok 1 x\nok 2 y # SKIP no hw\n##> suite-end d/t rc=0\n\
        ##> guest-exit: ok\n";

    fn common(indent: &str) -> String {
        [
            "\"arch\": \"\",",
            "\"defconfig\": \"\",",
            "\"build_environment\": \"\",",
            "\"lab_name\": null,",
            "\"kernel\": null,",
            "\"job\": null,",
            "\"git_branch\": \"kselftest\"",
        ]
        .map(|l| format!("{indent}{l}\n"))
        .concat()
    }

    fn misc(indent: &str, c: [usize; 6]) -> String {
        let i = indent;
        format!(
            "{i}\"misc\": {{\n{i}    \"tests\": {},\n{i}    \"passed\": {},\n{i}    \"failed\": {},\n\
             {i}    \"crashed\": {},\n{i}    \"skipped\": {},\n{i}    \"errors\": {}\n{i}}},\n",
            c[0], c[1], c[2], c[3], c[4], c[5]
        )
    }

    fn case(name: &str, status: &str) -> String {
        let i = " ".repeat(16);
        format!("{i}{{\n{i}    \"name\": \"{name}\",\n{i}    \"status\": \"{status}\"\n{i}}}")
    }

    fn sub_group(name: &str, cases: &[(&str, &str)], c: [usize; 6]) -> String {
        let i = " ".repeat(8);
        let cases: Vec<String> = cases.iter().map(|(n, s)| case(n, s)).collect();
        format!(
            "{i}{{\n{i}    \"name\": \"{name}\",\n{i}    \"sub_groups\": [],\n{i}    \"test_cases\": [\n{}\n{i}    ],\n{}{}{i}}}",
            cases.join(",\n"),
            misc(&format!("{i}    "), c),
            common(&format!("{i}    "))
        )
    }

    #[test]
    fn export_is_kunit_py_shaped() {
        let g = export(&parse_log(LOG.as_bytes(), "v", "l"));
        let want = format!(
            "{{\n    \"name\": \"KUnit Test Group\",\n    \"sub_groups\": [\n{},\n{}\n    ],\n    \"test_cases\": [],\n{}{}}}\n",
            sub_group("s", &[("a", "PASS"), ("b", "FAIL")], [2, 1, 1, 0, 0, 0]),
            sub_group("d/t", &[("x", "PASS"), ("y", "SKIP")], [2, 1, 0, 0, 1, 0]),
            misc("    ", [4, 2, 1, 0, 1, 0]),
            common("    ")
        );
        let text = to_json(&g).unwrap();
        assert_eq!(text, want);
        assert_eq!(parse(&text, "f"), Ok(g));
    }

    #[test]
    fn cut_off_runs_are_errors() {
        let log = "[0.1] KTAP version 1\n[0.1] 1..1\n[0.1]     # Subtest: s\n[0.1]     1..3\n\
                   [0.1]     ok 1 a\n##> suite-begin d/t\n1..1\n";
        let g = export(&parse_log(log.as_bytes(), "v", "l"));
        let got: Vec<_> = g
            .sub_groups
            .iter()
            .map(|s| {
                let st: Vec<Status> = s.test_cases.iter().map(|c| c.status).collect();
                let m = s.misc;
                let counts = [m.tests, m.passed, m.failed, m.crashed, m.skipped, m.errors];
                (s.name.as_str(), st, counts)
            })
            .collect();
        use Status::*;
        assert_eq!(
            got,
            vec![
                ("d/t", vec![Fail, Error], [2, 0, 1, 1, 0, 1]),
                ("s", vec![Pass, Error], [2, 1, 0, 1, 0, 1]),
                ("guest/boot", vec![Error], [1, 0, 0, 1, 0, 1]),
            ]
        );
    }

    fn compared(ours: &Group, theirs: &Group) -> String {
        render("cross/kunit-json", &compare(ours, theirs))
    }

    #[test]
    fn compare_agrees_and_finds_differences() {
        let ours = export(&parse_log(LOG.as_bytes(), "v", "l"));
        let mut theirs = ours.clone();
        theirs.sub_groups.truncate(1);
        assert_eq!(
            compared(&ours, &theirs),
            "##> suite-begin cross/kunit-json\nTAP version 13\n1..1\n\
             ok 1 kunit.py and runner agree on s (2 cases)\n# kunit-compare: 1 of 1 checks agree\n\
             ##> suite-end cross/kunit-json rc=0\n##> guest-exit: ok\n"
        );
        // Nested groups are flattened; order does not matter.
        let mut nested = theirs.clone();
        let inner = nested.sub_groups[0].test_cases.remove(1);
        nested.sub_groups[0].test_cases[0].name = "a".into();
        nested.sub_groups[0].sub_groups.push(group(
            "p",
            Vec::new(),
            vec![inner],
            Counts::default(),
        ));
        let mut flat = ours.clone();
        flat.sub_groups[0].test_cases[1].name = "p/b".into();
        assert!(compare(&flat, &nested)[0].difference.is_none());

        let mut other = theirs.clone();
        other.sub_groups[0].misc.passed = 2;
        other.sub_groups[0].test_cases[1].status = Status::Pass;
        let c = compare(&ours, &other);
        assert_eq!(
            c[0].difference.as_deref(),
            Some("passed 2 (kunit.py) vs 1 (runner)")
        );
        other.sub_groups[0].misc = ours.sub_groups[0].misc;
        assert_eq!(
            compare(&ours, &other)[0].difference.as_deref(),
            Some("cases only kunit.py has: [b PASS]; only runner has: [b FAIL]")
        );
        other.sub_groups[0].name = "gone".into();
        assert_eq!(
            compare(&ours, &other)[0].difference.as_deref(),
            Some("runner has no such group")
        );
        other.sub_groups.clear();
        let text = compared(&ours, &other);
        assert!(text.contains("\n1..1\n# its JSON has no sub_groups: nothing was compared\nnot ok 1 kunit.py found KUnit groups: its JSON"), "{text}");
    }

    #[test]
    fn report_reads_back() {
        let ours = export(&parse_log(LOG.as_bytes(), "v", "l"));
        let mut theirs = ours.clone();
        theirs.sub_groups[1].misc.errors = 3;
        let text = compared(&ours, &theirs);
        let r = parse_log(text.as_bytes(), "host", "report");
        assert!(r.guest_finished);
        assert_eq!(r.suites.len(), 1, "{text}");
        let s = &r.suites[0];
        assert_eq!(
            (s.name.as_str(), s.exit_code),
            ("cross/kunit-json", Some(0))
        );
        assert_eq!((s.count(Outcome::Pass), s.count(Outcome::Fail)), (1, 1));
        assert_eq!(s.cases[1].reason, "errors 3 (kunit.py) vs 0 (runner)");
    }

    #[test]
    fn malformed_file_is_named() {
        let e = parse("{\"name\": \"x\"}", "/tmp/k.json").unwrap_err();
        assert!(
            e.starts_with("/tmp/k.json: not kunit.py JSON: missing field `sub_groups`"),
            "{e}"
        );
        let e = parse("{", "t.json").unwrap_err();
        assert!(e.starts_with("t.json: not kunit.py JSON: EOF"), "{e}");
    }
}
