//! Console-log parsing for `runner parse`: printk timestamps, kselftest TAP between /init's
//! suite markers, KUnit KTAP from the kernel, splats and matrix lines (results.rs writes the
//! outcome as results.json). The KTAP parser is hand-written: no maintained crate parses
//! KTAP (KUnit's nested TAP dialect), and it must also survive a kernel cut off mid-suite.

use crate::matrix::{self, Matrix};
use crate::{write_file, Result};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

pub const TAIL_LINES: usize = 50;

/// The reason of the failure added to a KUnit suite whose result line never came.
pub const KUNIT_CUT_OFF: &str = "no suite result line: the kernel stopped mid-suite";
/// The reason of the failure added to a kselftest suite whose suite-end marker never came.
pub const SUITE_CUT_OFF: &str = "the guest stopped while this suite ran";

/// A case's result; results.json spells it `pass`, `fail` or `skip`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Pass,
    Fail,
    Skip,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::Skip => "skip",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    pub name: String,
    #[serde(rename = "result")]
    pub outcome: Outcome,
    pub reason: String,
}

fn case(name: &str, outcome: Outcome, reason: &str) -> Case {
    Case {
        name: name.to_string(),
        outcome,
        reason: reason.to_string(),
    }
}

/// Where a suite's results come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A kselftest binary run by /init between `##> suite-begin` and `##> suite-end`.
    Kselftest,
    /// A KUnit suite's KTAP from the kernel.
    Kunit,
    /// The guest itself: its final line, its matrix lines.
    Guest,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Suite {
    pub name: String,
    pub kind: Kind,
    pub exit_code: Option<i64>,
    pub cases: Vec<Case>,
    /// Its (K)TAP as printed, timestamps stripped (`--ktap-dir`): a kselftest's lines between
    /// its markers, a KUnit suite's from its first indented line through its `ok N` line.
    /// Empty for the suites the parser makes up (guest/*, kunit/plan).
    pub ktap: Vec<String>,
}

impl Suite {
    pub fn count(&self, o: Outcome) -> usize {
        self.cases.iter().filter(|c| c.outcome == o).count()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Splat {
    pub line: usize,
    pub text: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Results {
    pub variant: String,
    pub log: String,
    pub guest_finished: bool,
    pub suites: Vec<Suite>,
    pub splats: Vec<Splat>,
    pub console_tail: Vec<String>,
    pub matrix: Matrix,
}

const SPLAT_MARKERS: &[&str] = &[
    "BUG:",
    "Oops",
    "WARNING:",
    "Call Trace:",
    "KASAN",
    "UBSAN",
    "kernel BUG at",
    "general protection fault",
    "Kernel panic",
    "possible recursive locking",
    "possible circular locking",
    "inconsistent lock state",
    "suspicious RCU usage",
    "rcu_sched self-detected stall",
    "rcu: INFO:",
    "unreferenced object",
    "KFENCE:",
    "BUG: KCSAN",
];

pub fn is_splat(text: &str) -> bool {
    SPLAT_MARKERS.iter().any(|m| text.contains(m))
}

/// Strip `[    1.234567] ` (and a following `[    T1] ` caller id). Returns
/// `(was_kernel_line, rest)`.
pub fn strip_timestamp(line: &str) -> (bool, &str) {
    fn bracket(s: &str, ok: fn(&str) -> bool) -> Option<&str> {
        let inner_end = s.strip_prefix('[')?.find(']')? + 1;
        ok(s[1..inner_end].trim()).then(|| &s[inner_end + 1..])
    }
    let is_time = |t: &str| {
        t.split_once('.').is_some_and(|(a, b)| {
            !a.is_empty() && !b.is_empty() && a.bytes().chain(b.bytes()).all(|c| c.is_ascii_digit())
        })
    };
    let is_caller = |t: &str| {
        t.len() > 1
            && (t.starts_with('T') || t.starts_with('C'))
            && t[1..].bytes().all(|c| c.is_ascii_digit())
    };
    match bracket(line, is_time) {
        Some(rest) => {
            let rest = bracket(rest, is_caller).unwrap_or(rest);
            (true, rest.strip_prefix(' ').unwrap_or(rest))
        }
        None => (false, line),
    }
}

/// One `ok`/`not ok` line.
#[derive(Debug, PartialEq)]
pub(crate) struct TapResult {
    pub(crate) ok: bool,
    pub(crate) name: String,
    /// Upper-cased directive word (SKIP, XFAIL, TODO, ...) and its reason.
    pub(crate) directive: Option<(String, String)>,
}

pub(crate) fn parse_result(t: &str) -> Option<TapResult> {
    let (ok, rest) = if let Some(r) = t.strip_prefix("not ok") {
        (false, r)
    } else {
        (true, t.strip_prefix("ok")?)
    };
    if !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    let rest = rest
        .trim_start()
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .trim_start();
    let rest = rest.strip_prefix("- ").unwrap_or(rest);
    let (name, directive) = match rest
        .find('#')
        .filter(|&i| i == 0 || rest[..i].ends_with(' '))
    {
        Some(i) => {
            let d = rest[i + 1..].trim();
            let (word, reason) = d.split_once(char::is_whitespace).unwrap_or((d, ""));
            (
                rest[..i].trim(),
                Some((word.to_ascii_uppercase(), reason.trim().to_string())),
            )
        }
        None => (rest.trim(), None),
    };
    Some(TapResult {
        ok,
        name: name.to_string(),
        directive,
    })
}

/// Turn a result line into a case. `fail_hint` is the reason for a plain `not ok`.
fn result_case(r: &TapResult, fail_hint: &str) -> Case {
    match (&r.directive, r.ok) {
        (Some((d, reason)), true) if d == "SKIP" => {
            if reason.is_empty() {
                case(&r.name, Outcome::Fail, "skip without a reason")
            } else {
                case(&r.name, Outcome::Skip, reason)
            }
        }
        (Some((d, reason)), true) => case(&r.name, Outcome::Pass, format!("{d} {reason}").trim()),
        (Some((d, reason)), false) => case(
            &r.name,
            Outcome::Fail,
            format!("not ok # {d} {reason}").trim(),
        ),
        (None, true) => case(&r.name, Outcome::Pass, ""),
        (None, false) => case(
            &r.name,
            Outcome::Fail,
            if fail_hint.is_empty() {
                "not ok"
            } else {
                fail_hint
            },
        ),
    }
}

fn parse_plan(t: &str) -> Option<(u64, Option<String>)> {
    let rest = t.strip_prefix("1..")?;
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let n = rest[..digits].parse().ok()?;
    let tail = rest[digits..].trim();
    if tail.is_empty() {
        return Some((n, None));
    }
    let d = tail.strip_prefix('#')?.trim();
    let skip = d
        .get(..4)
        .filter(|w| w.eq_ignore_ascii_case("skip"))
        .map(|_| d[4..].trim().to_string());
    Some((n, skip))
}

/// A kselftest binary between `##> suite-begin` and `##> suite-end`.
struct UserSuite {
    name: String,
    saw_tap: bool,
    plan: Option<(u64, Option<String>)>,
    results: u64,
    cases: Vec<Case>,
    last_comment: String,
    ktap: Vec<String>,
}

impl UserSuite {
    fn new(name: &str) -> Self {
        UserSuite {
            name: name.to_string(),
            saw_tap: false,
            plan: None,
            results: 0,
            cases: Vec::new(),
            last_comment: String::new(),
            ktap: Vec::new(),
        }
    }

    fn line(&mut self, text: &str) {
        // Nested output from sub-harnesses is indented or `#`-prefixed: only top level counts.
        if text.starts_with(char::is_whitespace) {
            return;
        }
        let t = text.trim();
        if t.starts_with("TAP version") {
            self.saw_tap = true;
        } else if let Some(plan) = parse_plan(t) {
            self.plan.get_or_insert(plan);
        } else if let Some(c) = t.strip_prefix('#') {
            self.last_comment = c.trim().to_string();
        } else if let Some(r) = parse_result(t) {
            self.results += 1;
            self.cases.push(result_case(&r, &self.last_comment));
            self.last_comment.clear();
        }
    }

    /// `rc` is the exit status from suite-end; `None` if the marker never came.
    fn finish(mut self, rc: Option<i64>) -> Suite {
        let n = self.name.clone();
        let fail = |cases: &mut Vec<Case>, name: String, reason: &str| {
            cases.push(case(&name, Outcome::Fail, reason))
        };
        match &self.plan {
            Some((0, skip)) if self.results == 0 => match skip.as_deref() {
                Some(r) if !r.is_empty() => self.cases.push(case(&n, Outcome::Skip, r)),
                _ => fail(&mut self.cases, n.clone(), "skip without a reason"),
            },
            Some((p, _)) if *p != self.results => fail(
                &mut self.cases,
                format!("{n}: plan 1..{p} but {} results", self.results),
                "plan/result count mismatch",
            ),
            Some(_) => {}
            None if !self.saw_tap && self.results == 0 => fail(
                &mut self.cases,
                format!("{n}: no TAP output"),
                "the binary printed no TAP",
            ),
            None if self.results == 0 => fail(
                &mut self.cases,
                format!("{n}: no plan and no results"),
                "a TAP header, then neither a 1..N plan nor a result",
            ),
            // Some upstream tests (pidfd_poll_test) print results without a plan; like
            // kselftest's own runner, trust the exit status then (there is a result).
            None if rc == Some(0) => {}
            None => fail(
                &mut self.cases,
                format!("{n}: no plan line"),
                "TAP output without a 1..N plan",
            ),
        }
        // A timeout explains every other symptom: say so on the synthetic failures.
        if rc == Some(124) {
            for c in self
                .cases
                .iter_mut()
                .filter(|c| c.name.starts_with(&format!("{n}: ")))
            {
                c.reason.push_str(" (rc=124: killed by /init's timeout)");
            }
        }
        let failed = self.cases.iter().any(|c| c.outcome == Outcome::Fail);
        let skipped = self.cases.iter().any(|c| c.outcome == Outcome::Skip);
        match rc {
            None => fail(
                &mut self.cases,
                format!("{n}: no suite-end marker"),
                SUITE_CUT_OFF,
            ),
            // 4 is KSFT_SKIP: fine when the binary did report skips.
            Some(0) | Some(4) if rc == Some(0) || skipped => {}
            Some(124) if !failed => fail(
                &mut self.cases,
                format!("{n}: exit status 124"),
                "killed by /init's timeout",
            ),
            Some(c) if !failed => fail(
                &mut self.cases,
                format!("{n}: exit status {c}"),
                "non-zero exit status",
            ),
            Some(_) => {}
        }
        Suite {
            name: n,
            kind: Kind::Kselftest,
            exit_code: rc,
            cases: self.cases,
            ktap: self.ktap,
        }
    }
}

/// One nesting level of KTAP output.
#[derive(Default)]
struct Level {
    subtest: Option<String>,
    plan: Option<u64>,
    results: u64,
    cases: Vec<Case>,
}

/// KUnit KTAP state machine; lines are indented 4 spaces per level.
#[derive(Default)]
struct Ktap {
    active: bool,
    levels: Vec<Level>,
    /// The lines of the top-level suite being read, from its first indented line on.
    body: Option<Vec<String>>,
}

impl Ktap {
    fn line(&mut self, text: &str, out: &mut Vec<Suite>) {
        let indent = text.len() - text.trim_start_matches(' ').len();
        let depth = indent / 4;
        let t = text.trim();
        if depth == 0 && (t.starts_with("KTAP version") || t.starts_with("TAP version")) {
            // A new top-level document: the previous one's plan is settled.
            if self.active {
                self.check_top_plan(out);
            }
            self.active = true;
        }
        if !self.active {
            return;
        }
        if depth > 0 || self.body.is_some() {
            self.body
                .get_or_insert_with(Vec::new)
                .push(text.to_string());
        }
        // Real KUnit output nests a few levels; deeper lines are not KTAP.
        if depth > 8 {
            return;
        }
        while self.levels.len() < depth + 2 {
            self.levels.push(Level::default());
        }
        if depth > 0 && (t.starts_with("KTAP version") || t.starts_with("# Subtest:")) {
            let keep = self.levels[depth]
                .subtest
                .take()
                .filter(|_| t.starts_with("KTAP"));
            self.levels[depth] = Level::default();
            self.levels[depth].subtest = t
                .strip_prefix("# Subtest:")
                .map(|s| s.trim().to_string())
                .or(keep);
        } else if let Some((n, _)) = parse_plan(t) {
            self.levels[depth].plan = Some(n);
        } else if let Some(r) = parse_result(t) {
            let children = std::mem::take(&mut self.levels[depth + 1]);
            let mut cases = fold(&r, children, depth == 0);
            if depth == 0 {
                self.levels[0].results += 1;
                out.push(Suite {
                    name: format!("kunit/{}", r.name),
                    kind: Kind::Kunit,
                    exit_code: None,
                    cases,
                    ktap: self.body.take().unwrap_or_else(|| vec![text.to_string()]),
                });
            } else {
                self.levels[depth].results += 1;
                self.levels[depth].cases.append(&mut cases);
            }
        }
    }

    /// The top level's `1..N` (the number of suites) against the suites reported; resets it.
    fn check_top_plan(&mut self, out: &mut Vec<Suite>) {
        let Some(top) = self.levels.first_mut().map(std::mem::take) else {
            return;
        };
        if let Some(p) = top.plan.filter(|&p| p != top.results) {
            out.push(Suite {
                name: "kunit/plan".into(),
                kind: Kind::Kunit,
                exit_code: None,
                cases: vec![case(
                    &format!("KTAP plan 1..{p} but {} suites reported", top.results),
                    Outcome::Fail,
                    "plan/result count mismatch: a suite is missing",
                )],
                ktap: Vec::new(),
            });
        }
    }

    /// The kernel stopped mid-suite: report what was collected as a failing suite.
    fn finish(&mut self, out: &mut Vec<Suite>) {
        while self.levels.len() > 2 {
            if let Some(l) = self.levels.pop() {
                let parent = self.levels.len() - 1;
                let prefix = l.subtest.clone().unwrap_or_default();
                for mut c in l.cases {
                    c.name = format!("{prefix}/{}", c.name);
                    self.levels[parent].cases.push(c);
                }
            }
        }
        if let Some(l) = self
            .levels
            .pop()
            .filter(|l| l.subtest.is_some() || !l.cases.is_empty())
        {
            let name = l.subtest.unwrap_or_else(|| "unknown".to_string());
            let mut cases = l.cases;
            cases.push(case(
                &format!("{name}: incomplete"),
                Outcome::Fail,
                KUNIT_CUT_OFF,
            ));
            out.push(Suite {
                name: format!("kunit/{name}"),
                kind: Kind::Kunit,
                exit_code: None,
                cases,
                ktap: self.body.take().unwrap_or_default(),
            });
            // The missing suites are explained by this one.
            return;
        }
        if self.active {
            self.check_top_plan(out);
        }
    }
}

/// Combine a result line with the cases of its children (if any).
fn fold(r: &TapResult, children: Level, top: bool) -> Vec<Case> {
    if children.results == 0 && children.cases.is_empty() {
        let c = result_case(r, "");
        if let Some(p) = children.plan.filter(|&p| p > 0) {
            // `1..N` and then nothing: whatever the result line says, the tests did not run.
            let mut cases = vec![case(
                &format!("{}: plan 1..{p} but 0 results", r.name),
                Outcome::Fail,
                "plan/result count mismatch",
            )];
            cases.extend((c.outcome == Outcome::Fail).then_some(c));
            return cases;
        }
        return match (top, c.outcome) {
            // A suite that reports ok with neither a plan nor a test case tested nothing.
            (true, Outcome::Pass) if children.plan.is_none() => vec![case(
                &format!("{}: no test cases", r.name),
                Outcome::Fail,
                "the suite reported ok with no plan and no results",
            )],
            (true, Outcome::Pass) => Vec::new(),
            _ => vec![c],
        };
    }
    let mut cases: Vec<Case> = children.cases;
    if !top {
        for c in &mut cases {
            c.name = format!("{}/{}", r.name, c.name);
        }
    }
    if let Some(p) = children.plan.filter(|&p| p != children.results) {
        cases.push(case(
            &format!("{}: plan 1..{p} but {} results", r.name, children.results),
            Outcome::Fail,
            "plan/result count mismatch",
        ));
    }
    if !r.ok && !cases.iter().any(|c| c.outcome == Outcome::Fail) {
        cases.push(case(
            &r.name,
            Outcome::Fail,
            "reported not ok without a failing subtest",
        ));
    }
    cases
}

/// Find `needle` in raw bytes.
fn find_bytes(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Parse a whole console log.
pub fn parse_log(data: &[u8], variant: &str, log: &str) -> Results {
    let mut res = Results {
        variant: variant.to_string(),
        log: log.to_string(),
        ..Default::default()
    };
    let mut tail: VecDeque<String> = VecDeque::new();
    let mut ktap = Ktap::default();
    let mut cur: Option<UserSuite> = None;
    let mut host_reason: Option<String> = None;
    let mut saw_kernel = false;
    let mut matrix_errors: Vec<Case> = Vec::new();
    let mut lines: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
    if lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    for (idx, raw) in lines.into_iter().enumerate() {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let full = String::from_utf8_lossy(raw);
        let (kernel, text) = strip_timestamp(&full);
        if tail.len() == TAIL_LINES {
            tail.pop_front();
        }
        tail.push_back(full.to_string());
        // Userspace output inside a suite is the test's own; everything else may be kernel.
        if (kernel || cur.is_none()) && is_splat(text) {
            res.splats.push(Splat {
                line: idx + 1,
                text: text.trim().to_string(),
            });
        }
        if let Some(pos) = text.find("##> ") {
            let m = text[pos + 4..].trim();
            if let Some(name) = m.strip_prefix("suite-begin ") {
                if let Some(s) = cur.take() {
                    res.suites.push(s.finish(None));
                }
                cur = Some(UserSuite::new(name.trim()));
            } else if let Some(rest) = m.strip_prefix("suite-end ") {
                let rc = rest
                    .rsplit_once("rc=")
                    .and_then(|(_, n)| n.trim().parse::<i64>().ok());
                let s = cur.take().unwrap_or_else(|| {
                    UserSuite::new(rest.split_whitespace().next().unwrap_or("?"))
                });
                let mut suite = s.finish(Some(rc.unwrap_or(-1)));
                if rc.is_none() {
                    suite.exit_code = None;
                }
                res.suites.push(suite);
            } else if m == "guest-exit: ok" {
                res.guest_finished = true;
            } else if let Some(r) = m.strip_prefix("host:") {
                host_reason = Some(r.trim().to_string());
            }
            continue;
        }
        if let Some(s) = cur.as_mut().filter(|_| !kernel) {
            s.ktap.push(text.to_string());
        }
        if let Some(pos) = find_bytes(raw, b"# matrix") {
            let payload = &raw[pos + b"# matrix".len()..];
            let result = if let Some(p) = payload.strip_prefix(b"-meta:") {
                res.matrix
                    .meta
                    .extend(matrix::decode_meta(&String::from_utf8_lossy(p)));
                Ok(())
            } else if let Some(p) = payload.strip_prefix(b":") {
                matrix::decode_rows(p).map(|rows| res.matrix.rows.extend(rows))
            } else {
                Ok(())
            };
            if let Err(e) = result {
                let c = case(
                    &format!("console line {}: malformed matrix line", idx + 1),
                    Outcome::Fail,
                    &e,
                );
                match cur.as_mut() {
                    Some(s) => s.cases.push(c),
                    None => matrix_errors.push(c),
                }
            }
            continue;
        }
        saw_kernel |= kernel;
        // KTAP comes from the kernel; unstamped lines count only if printk has no timestamps.
        match cur.as_mut() {
            Some(s) if !kernel => s.line(text),
            _ if kernel || !saw_kernel => ktap.line(text, &mut res.suites),
            _ => {}
        }
    }
    if let Some(s) = cur.take() {
        res.suites.push(s.finish(None));
    }
    ktap.finish(&mut res.suites);
    if !matrix_errors.is_empty() {
        res.suites.push(Suite {
            name: "guest/matrix".into(),
            kind: Kind::Guest,
            exit_code: None,
            cases: matrix_errors,
            ktap: Vec::new(),
        });
    }
    if !res.guest_finished {
        let reason = host_reason.unwrap_or_else(|| "no final line: the guest crashed".to_string());
        res.suites.push(Suite {
            name: "guest/boot".into(),
            kind: Kind::Guest,
            exit_code: None,
            cases: vec![case("guest/boot", Outcome::Fail, &reason)],
            ktap: Vec::new(),
        });
        res.console_tail = tail.into();
    }
    res
}

/// `--ktap-dir`: every suite's KTAP in `dir/<suite name, '/' as "__">.ktap` (a name seen twice:
/// both, in console order), after removing the `*.ktap` files of an earlier run (only those:
/// a mistyped directory loses nothing else). A kselftest that printed nothing gets an empty
/// file; the suites the parser makes up (guest/*, kunit/plan) get none. Returns the count.
pub fn write_ktap_dir(dir: &str, res: &Results) -> Result<usize> {
    let io = |what: &str, e: std::io::Error| format!("cannot {what} {dir}: {e}");
    std::fs::create_dir_all(dir).map_err(|e| io("create", e))?;
    for entry in std::fs::read_dir(dir).map_err(|e| io("read", e))? {
        let p = entry.map_err(|e| io("read", e))?.path();
        if p.extension().is_some_and(|x| x == "ktap") {
            std::fs::remove_file(&p).map_err(|e| format!("cannot remove {}: {e}", p.display()))?;
        }
    }
    let mut files: IndexMap<String, String> = IndexMap::new();
    for s in &res.suites {
        if s.kind == Kind::Kselftest || !s.ktap.is_empty() {
            let text = files
                .entry(format!("{}.ktap", s.name.replace('/', "__")))
                .or_default();
            for line in &s.ktap {
                text.push_str(line);
                text.push('\n');
            }
        }
    }
    for (name, text) in &files {
        write_file(&format!("{}/{name}", dir.trim_end_matches('/')), text)?;
    }
    Ok(files.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(s: &Suite) -> Vec<(String, Outcome)> {
        s.cases
            .iter()
            .map(|c| (c.name.clone(), c.outcome))
            .collect()
    }

    #[test]
    fn timestamps() {
        assert_eq!(strip_timestamp("[    1.234567] hello"), (true, "hello"));
        assert_eq!(
            strip_timestamp("[    1.234567][    T1]     # x"),
            (true, "    # x")
        );
        assert_eq!(strip_timestamp("[x] hello"), (false, "[x] hello"));
        assert_eq!(strip_timestamp("ok 1 a"), (false, "ok 1 a"));
        assert_eq!(strip_timestamp("["), (false, "["));
    }

    #[test]
    fn result_lines() {
        let r = parse_result("ok 3 foo bar # SKIP no hw").unwrap();
        assert_eq!((r.ok, r.name.as_str()), (true, "foo bar"));
        assert_eq!(r.directive, Some(("SKIP".into(), "no hw".into())));
        assert_eq!(parse_result("not ok 2 - x").unwrap().name, "x");
        assert!(parse_result("okay").is_none());
        assert_eq!(
            result_case(&parse_result("ok 1 a # SKIP").unwrap(), "").outcome,
            Outcome::Fail
        );
        assert_eq!(
            result_case(&parse_result("ok 1 a # XFAIL known").unwrap(), "").outcome,
            Outcome::Pass
        );
        assert_eq!(
            parse_plan("1..0 # SKIP nope"),
            Some((0, Some("nope".into())))
        );
        assert_eq!(parse_plan("1..4"), Some((4, None)));
    }

    #[test]
    fn kselftest_suite_rules() {
        let log = "##> suite-begin a/b\nTAP version 13\n1..2\nok 1 x\n[ 1.0] kernel noise ok 7\n# boom\nnot ok 2 y\n##> suite-end a/b rc=1\n\
                   ##> suite-begin a/c\n1..1\nok 1 z\n##> suite-end a/c rc=124\n\
                   ##> suite-begin a/d\n1..0 # SKIP no feature\n##> suite-end a/d rc=4\n##> suite-begin a/e\n";
        let r = parse_log(log.as_bytes(), "v", "l");
        assert_eq!(
            names(&r.suites[0]),
            vec![("x".into(), Outcome::Pass), ("y".into(), Outcome::Fail)]
        );
        assert_eq!(r.suites[0].cases[1].reason, "boom");
        assert_eq!(r.suites[1].cases[1].name, "a/c: exit status 124");
        assert_eq!(names(&r.suites[2]), vec![("a/d".into(), Outcome::Skip)]);
        assert_eq!(r.suites[3].cases.len(), 2);
        assert_eq!(r.suites[4].name, "guest/boot");
        assert_eq!(r.console_tail.len(), 16);
    }

    #[test]
    fn kunit_nested() {
        let log = "[0.1] KTAP version 1\n[0.1] 1..1\n[0.1]     KTAP version 1\n[0.1]     # Subtest: s\n[0.1]     1..2\n\
                   [0.1]         KTAP version 1\n[0.1]         # Subtest: p\n[0.1]         ok 1 v1\n[0.1]         not ok 2 v2\n\
                   [0.1]     not ok 1 p\n[0.1]     ok 2 q # SKIP later\n[0.1] not ok 1 s\n##> guest-exit: ok\n";
        let r = parse_log(log.as_bytes(), "v", "l");
        assert!(r.guest_finished);
        assert_eq!(r.suites.len(), 1);
        assert_eq!(r.suites[0].name, "kunit/s");
        assert_eq!(
            names(&r.suites[0]),
            vec![
                ("p/v1".into(), Outcome::Pass),
                ("p/v2".into(), Outcome::Fail),
                ("q".into(), Outcome::Skip)
            ]
        );
    }

    #[test]
    fn garbage_does_not_panic() {
        let junk: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
        let _ = parse_log(&junk, "v", "l");
        let _ = parse_log(
            b"[\n[1.\n[1.2]\n##> \n##> suite-end\n# matrix:\n# matrix: 1\n        ok 1\nnot ok\n",
            "v",
            "l",
        );
    }
}
