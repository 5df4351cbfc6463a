//! `runner bench`: reads the benchmark's `# bench:` lines and TAP SKIPs from console logs
//! (one per variant and mode), prints the comparison tables, builds results.json, and runs
//! the `--check` gates into a console-marker log that `runner parse` can read.

use crate::console::{self, Outcome};
use crate::json::Json;
use crate::Result;

/// Modes in output order: the deterministic comparison first, then the noisy one.
pub const MODES: [&str; 2] = ["icount", "tcg"];

/// Known variants in column order; other names follow in the order given.
pub const VARIANTS: [&str; 3] = ["upstream", "c", "rust"];

/// Canonical op order; ops not listed here follow in the order first seen.
pub const OPS: [&str; 14] = [
    "fork_exit_wait",
    "clone3_einval",
    "autoreap_spawn",
    "autokill_close",
    "pidfd_open_close",
    "pdeathsig_kill",
    "send_signal_kill",
    "autokill_close_threads_1",
    "autokill_close_threads_8",
    "autokill_close_threads_64",
    "autokill_close_threads_256",
    "autokill_close_newpid_1",
    "autokill_close_newpid_16",
    "autokill_close_newpid_128",
];

/// Ops whose rust/c icount ratio is gated by `--check`.
pub const RATIO_OPS: [&str; 5] = [
    "fork_exit_wait",
    "clone3_einval",
    "autoreap_spawn",
    "autokill_close",
    "pidfd_open_close",
];

/// `--check`: rust may be at most this much slower than c (instruction-count time).
pub const RATIO_LIMIT: f64 = 1.005;

/// `--check`: icount repeats must agree within this many percent.
pub const SPREAD_LIMIT_PCT: f64 = 0.2;

/// Slack for comparing computed floats against the limits above.
const EPS: f64 = 1e-9;

pub const ICOUNT_HEADING: &str =
    "instruction-count time (qemu -icount shift=0): deterministic, the comparison";
pub const TCG_HEADING: &str =
    "plain TCG wall-clock: noisy, for orientation only — not the comparison";

/// Suite name of the `--check` log.
pub const CHECK_SUITE: &str = "bench/check";

/// One `# bench:` line.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub op: String,
    /// Iterations per run.
    pub n: u64,
    /// Number of runs (repeats).
    pub r: u64,
    pub median_ns: f64,
    pub min_ns: f64,
    pub max_ns: f64,
    pub spread_pct: f64,
    pub runs: Vec<f64>,
}

/// Names (ops, variants) end up in TAP lines, tables and SVG: keep them plain.
pub fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.'))
}

/// A finite, non-negative decimal number (no `inf`, `nan` or sign).
fn number(v: &str) -> Option<f64> {
    v.starts_with(|c: char| c.is_ascii_digit())
        .then(|| v.parse::<f64>().ok())
        .flatten()
        .filter(|x| x.is_finite())
}

/// Parse one console line (timestamp already stripped). `None` if it is not a bench line;
/// `Some(Err)` if it is one but malformed (missing field, bad number, truncated runs list).
pub fn parse_bench_line(text: &str) -> Option<Result<Sample>> {
    let body = text.trim_start().strip_prefix("# bench: ")?;
    Some(parse_fields(body))
}

fn parse_fields(body: &str) -> Result<Sample> {
    let mut fields: Vec<(&str, &str)> = Vec::new();
    for tok in body.split_whitespace() {
        let (k, v) = tok
            .split_once('=')
            .ok_or_else(|| format!("{tok:?} is not key=value"))?;
        if fields.iter().any(|(f, _)| *f == k) {
            return Err(format!("{k}= given twice"));
        }
        fields.push((k, v));
    }
    let get = |k: &str| {
        fields
            .iter()
            .find(|(f, _)| *f == k)
            .map(|(_, v)| *v)
            .ok_or_else(|| format!("missing {k}="))
    };
    let whole = |k: &str| -> Result<u64> {
        let v = get(k)?;
        v.parse()
            .map_err(|_| format!("{k}={v}: not a whole number"))
    };
    let num = |k: &str, v: &str| -> Result<f64> {
        number(v).ok_or_else(|| format!("{k}={v}: not a non-negative number"))
    };
    let op = get("op")?;
    if !valid_name(op) {
        return Err(format!("op={op}: not a plain name"));
    }
    let runs = get("runs")?
        .split(',')
        .map(|v| num("runs", v))
        .collect::<Result<Vec<f64>>>()?;
    let r = whole("r")?;
    if runs.len() as u64 != r {
        return Err(format!("r={r} but {} runs (truncated line?)", runs.len()));
    }
    Ok(Sample {
        op: op.to_string(),
        n: whole("n")?,
        r,
        median_ns: num("median_ns", get("median_ns")?)?,
        min_ns: num("min_ns", get("min_ns")?)?,
        max_ns: num("max_ns", get("max_ns")?)?,
        spread_pct: num("spread_pct", get("spread_pct")?)?,
        runs,
    })
}

/// What one console log holds for the benchmark.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogScan {
    /// Bench lines in console order.
    pub samples: Vec<Sample>,
    /// `ok <i> <name> # SKIP <reason>` lines as (name, reason), in console order.
    pub skips: Vec<(String, String)>,
    /// `line <n>: <problem>` for malformed bench lines.
    pub errors: Vec<String>,
}

/// Scan a console log: kernel timestamps are stripped, other lines are ignored.
pub fn scan_log(data: &[u8]) -> LogScan {
    let mut scan = LogScan::default();
    for (idx, raw) in data.split(|&b| b == b'\n').enumerate() {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let full = String::from_utf8_lossy(raw);
        let (_, text) = console::strip_timestamp(&full);
        match parse_bench_line(text) {
            Some(Ok(s)) => scan.samples.push(s),
            Some(Err(e)) => scan.errors.push(format!("line {}: {e}", idx + 1)),
            None => {
                if let Some(r) = console::parse_result(text.trim()) {
                    if let (true, Some((d, reason))) = (r.ok, &r.directive) {
                        if d == "SKIP" {
                            scan.skips.push((r.name.clone(), reason.clone()));
                        }
                    }
                }
            }
        }
    }
    scan
}

/// One `<variant>:<mode>=<console.log>` input.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub variant: String,
    pub mode: String,
    pub log: String,
    pub scan: LogScan,
}

/// Split `<variant>:<mode>=<path>`.
pub fn parse_input(arg: &str) -> Result<(String, String, String)> {
    let bad = || format!("expected <variant>:<mode>=<console.log>, got {arg:?}");
    let (spec, path) = arg.split_once('=').ok_or_else(bad)?;
    let (variant, mode) = spec.split_once(':').ok_or_else(bad)?;
    if !valid_name(variant) || path.is_empty() {
        return Err(bad());
    }
    if !MODES.contains(&mode) {
        return Err(format!("{arg:?}: mode must be icount or tcg, not {mode:?}"));
    }
    Ok((variant.to_string(), mode.to_string(), path.to_string()))
}

/// A result cell: measured, or skipped by the benchmark with a reason.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Entry<'a> {
    Data(&'a Sample),
    Skip(&'a str),
}

/// All inputs plus the derived op and variant order.
#[derive(Debug, Clone, PartialEq)]
pub struct Bench {
    pub meta: Vec<(String, String)>,
    pub runs: Vec<Run>,
    /// Ops with any result or skip, canonical order first.
    pub ops: Vec<String>,
    /// Variants given, in column order.
    pub variants: Vec<String>,
}

/// Does a TAP name like `autokill_close` or `bench autokill_close` refer to `op`?
fn names_op(name: &str, op: &str) -> bool {
    name == op || name.split_whitespace().any(|t| t == op)
}

impl Bench {
    pub fn new(meta: Vec<(String, String)>, runs: Vec<Run>) -> Bench {
        let mut seen: Vec<String> = Vec::new();
        for s in runs.iter().flat_map(|r| &r.scan.samples) {
            if !seen.contains(&s.op) {
                seen.push(s.op.clone());
            }
        }
        let skipped = |op: &str| {
            runs.iter()
                .flat_map(|r| &r.scan.skips)
                .any(|(name, _)| names_op(name, op))
        };
        let mut ops: Vec<String> = OPS
            .iter()
            .filter(|op| seen.iter().any(|s| s == *op) || skipped(op))
            .map(|op| op.to_string())
            .collect();
        ops.extend(seen.into_iter().filter(|s| !OPS.contains(&s.as_str())));
        let mut variants: Vec<String> = VARIANTS
            .iter()
            .filter(|v| runs.iter().any(|r| r.variant == **v))
            .map(|v| v.to_string())
            .collect();
        for r in &runs {
            if !variants.contains(&r.variant) {
                variants.push(r.variant.clone());
            }
        }
        Bench {
            meta,
            runs,
            ops,
            variants,
        }
    }

    pub fn run(&self, mode: &str, variant: &str) -> Option<&Run> {
        self.runs
            .iter()
            .find(|r| r.mode == mode && r.variant == variant)
    }

    /// The last bench line for `op` wins (a re-run); a SKIP only counts without one.
    pub fn entry(&self, mode: &str, op: &str, variant: &str) -> Option<Entry<'_>> {
        let run = self.run(mode, variant)?;
        if let Some(s) = run.scan.samples.iter().rev().find(|s| s.op == op) {
            return Some(Entry::Data(s));
        }
        run.scan
            .skips
            .iter()
            .find(|(name, _)| names_op(name, op))
            .map(|(_, reason)| Entry::Skip(reason.as_str()))
    }

    pub fn median(&self, mode: &str, op: &str, variant: &str) -> Option<f64> {
        match self.entry(mode, op, variant)? {
            Entry::Data(s) => Some(s.median_ns),
            Entry::Skip(_) => None,
        }
    }

    /// rust/c of the medians; `None` unless both are measured and c is non-zero.
    pub fn ratio(&self, mode: &str, op: &str) -> Option<f64> {
        let c = self.median(mode, op, "c").filter(|&c| c > 0.0)?;
        Some(self.median(mode, op, "rust")? / c)
    }

    /// Does `variant` have any icount result or skip for a known op?
    fn has_any(&self, mode: &str, variant: &str) -> bool {
        self.ops
            .iter()
            .any(|op| self.entry(mode, op, variant).is_some())
    }
}

/// Left-align the first column, right-align the rest.
fn grid(rows: &[Vec<String>]) -> String {
    let cols = rows.first().map_or(0, Vec::len);
    let width = |i: usize| {
        rows.iter()
            .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..cols).map(width).collect();
    let mut out = String::new();
    for (n, row) in rows.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (c, &w))| {
                if i == 0 {
                    format!("{c:<w$}")
                } else {
                    format!("{c:>w$}")
                }
            })
            .collect();
        out.push_str(cells.join(" | ").trim_end());
        out.push('\n');
        if n == 0 {
            let rule: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
            out.push_str(&rule.join("-+-"));
            out.push('\n');
        }
    }
    out
}

/// One mode's table: `op | <variants> | rust/c`, ns/op medians.
pub fn table(b: &Bench, mode: &str) -> String {
    let heading = if mode == "icount" {
        ICOUNT_HEADING
    } else {
        TCG_HEADING
    };
    let mut out = format!("{heading}\n");
    if !b.runs.iter().any(|r| r.mode == mode) {
        out.push_str(&format!("(no {mode} logs given)\n"));
        return out;
    }
    out.push_str("ns/op, median of the repeats; `-` no result, `skip` skipped by the benchmark\n");
    let mut header = vec!["op".to_string()];
    header.extend(b.variants.iter().cloned());
    header.push("rust/c".into());
    let mut rows = vec![header];
    for op in &b.ops {
        let mut row = vec![op.clone()];
        for v in &b.variants {
            row.push(match b.entry(mode, op, v) {
                Some(Entry::Data(s)) => format!("{:.1}", s.median_ns),
                Some(Entry::Skip(_)) => "skip".into(),
                None => "-".into(),
            });
        }
        row.push(b.ratio(mode, op).map_or("-".into(), |r| format!("{r:.4}")));
        rows.push(row);
    }
    out.push_str(&grid(&rows));
    out
}

/// Meta lines, then the icount table, then the tcg table.
pub fn render_tables(b: &Bench) -> String {
    let mut out = String::new();
    for (k, v) in &b.meta {
        out.push_str(&format!("{k}: {v}\n"));
    }
    if !b.meta.is_empty() {
        out.push('\n');
    }
    for (i, mode) in MODES.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&table(b, mode));
    }
    out
}

fn sample_json(s: &Sample) -> Json {
    Json::Obj(vec![
        ("median_ns".into(), Json::Num(s.median_ns)),
        ("min_ns".into(), Json::Num(s.min_ns)),
        ("max_ns".into(), Json::Num(s.max_ns)),
        ("spread_pct".into(), Json::Num(s.spread_pct)),
        (
            "runs".into(),
            Json::Arr(s.runs.iter().map(|&x| Json::Num(x)).collect()),
        ),
        (
            "n".into(),
            Json::Int(i64::try_from(s.n).unwrap_or(i64::MAX)),
        ),
        (
            "r".into(),
            Json::Int(i64::try_from(s.r).unwrap_or(i64::MAX)),
        ),
    ])
}

/// results.json: meta, per-mode measurements, icount rust/c ratios, skips and the inputs.
pub fn to_json(b: &Bench) -> Json {
    let per_mode = |want_data: bool| {
        let modes = MODES.iter().map(|mode| {
            let ops = b.ops.iter().filter_map(|op| {
                let vs: Vec<(String, Json)> = b
                    .variants
                    .iter()
                    .filter_map(|v| match (b.entry(mode, op, v)?, want_data) {
                        (Entry::Data(s), true) => Some((v.clone(), sample_json(s))),
                        (Entry::Skip(r), false) => Some((v.clone(), Json::str(r))),
                        _ => None,
                    })
                    .collect();
                (!vs.is_empty()).then(|| (op.clone(), Json::Obj(vs)))
            });
            (mode.to_string(), Json::Obj(ops.collect()))
        });
        Json::Obj(modes.collect())
    };
    let ratios = b
        .ops
        .iter()
        .filter_map(|op| Some((op.clone(), Json::Num(b.ratio("icount", op)?))));
    let logs = b.runs.iter().map(|r| {
        Json::Obj(vec![
            ("variant".into(), Json::str(&r.variant)),
            ("mode".into(), Json::str(&r.mode)),
            ("log".into(), Json::str(&r.log)),
            ("bench_lines".into(), Json::Int(r.scan.samples.len() as i64)),
            (
                "errors".into(),
                Json::Arr(r.scan.errors.iter().map(|e| Json::str(e)).collect()),
            ),
        ])
    });
    Json::Obj(vec![
        (
            "meta".into(),
            Json::Obj(
                b.meta
                    .iter()
                    .map(|(k, v)| (k.clone(), Json::str(v)))
                    .collect(),
            ),
        ),
        ("modes".into(), per_mode(true)),
        ("ratios".into(), Json::Obj(ratios.collect())),
        ("skipped".into(), per_mode(false)),
        ("logs".into(), Json::Arr(logs.collect())),
    ])
}

/// One `--check` case. `detail` is the skip reason, or the diagnostic of a failure.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub name: String,
    pub outcome: Outcome,
    pub detail: String,
}

fn check(name: String, outcome: Outcome, detail: String) -> Check {
    Check {
        name,
        outcome,
        detail,
    }
}

/// Why a variant has no icount data, for the "absent" failure.
fn absent_reason(b: &Bench, variant: &str) -> String {
    match b.run("icount", variant) {
        None => format!("no {variant}:icount log given"),
        Some(r) => format!("{} has no `# bench:` lines", r.log),
    }
}

/// The `--check` gates, in order: presence of c and rust icount data, the rust/c ratio of the
/// medians per gated op, malformed bench lines.
pub fn checks(b: &Bench) -> Vec<Check> {
    let mut out = Vec::new();
    let absent: Vec<&str> = ["c", "rust"]
        .into_iter()
        .filter(|v| !b.has_any("icount", v))
        .collect();
    if absent.is_empty() {
        for op in RATIO_OPS {
            let name = format!("rust/c icount ratio <= {RATIO_LIMIT} for {op}");
            let (c, rust) = (b.entry("icount", op, "c"), b.entry("icount", op, "rust"));
            let skips: Vec<String> = [("c", c), ("rust", rust)]
                .iter()
                .filter_map(|(v, e)| match e {
                    Some(Entry::Skip(r)) => Some(format!("{v}: {r}")),
                    _ => None,
                })
                .collect();
            let c_ns = |s: &Sample| format!("c {:.1} ns", s.median_ns);
            let rust_ns = |s: &Sample| format!("rust {:.1} ns", s.median_ns);
            out.push(match (c, rust) {
                (None, None) => continue,
                _ if !skips.is_empty() => check(name, Outcome::Skip, skips.join("; ")),
                (Some(Entry::Data(c)), Some(Entry::Data(r))) if c.median_ns <= 0.0 => check(
                    name,
                    Outcome::Fail,
                    format!("no ratio: {}, {}", rust_ns(r), c_ns(c)),
                ),
                (Some(Entry::Data(c)), Some(Entry::Data(r))) => {
                    let ratio = r.median_ns / c.median_ns;
                    if ratio <= RATIO_LIMIT + EPS {
                        check(name, Outcome::Pass, String::new())
                    } else {
                        check(
                            name,
                            Outcome::Fail,
                            format!("ratio {ratio:.4}: {}, {}", rust_ns(r), c_ns(c)),
                        )
                    }
                }
                (Some(Entry::Data(c)), _) => check(
                    name,
                    Outcome::Fail,
                    format!("rust has no icount result for {op} ({})", c_ns(c)),
                ),
                (_, Some(Entry::Data(r))) => check(
                    name,
                    Outcome::Fail,
                    format!("c has no icount result for {op} ({})", rust_ns(r)),
                ),
                _ => continue,
            });
        }
    } else {
        let why: Vec<String> = absent.iter().map(|v| absent_reason(b, v)).collect();
        out.push(check(
            "icount results present for c and rust".into(),
            Outcome::Fail,
            format!(
                "no icount bench results for {}: {}",
                absent.join(" and "),
                why.join("; ")
            ),
        ));
    }
    // Agreement of repeated measurements is checked across two icount boots (bench.sh):
    // within one boot the repeats of the kill-latency ops see different timer phases.
    for r in &b.runs {
        let Some(first) = r.scan.errors.first() else {
            continue;
        };
        let more = match r.scan.errors.len() {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        out.push(check(
            format!("bench lines well-formed in {}:{} log", r.variant, r.mode),
            Outcome::Fail,
            format!("{}: {first}{more}", r.log),
        ));
    }
    out
}

/// Keep a diagnostic on one line.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The checks as a kselftest suite between /init-style markers, for `runner parse`.
/// Diagnostics come before their `not ok` line, where the parser takes the reason from.
pub fn render_check_log(checks: &[Check]) -> String {
    let failed = checks.iter().any(|c| c.outcome == Outcome::Fail);
    let mut out = format!("##> suite-begin {CHECK_SUITE}\nTAP version 13\n");
    if checks.is_empty() {
        out.push_str("1..0 # SKIP no bench results to check\n");
    } else {
        out.push_str(&format!("1..{}\n", checks.len()));
    }
    for (i, c) in checks.iter().enumerate() {
        let n = i + 1;
        let name = one_line(&c.name);
        match c.outcome {
            Outcome::Pass => out.push_str(&format!("ok {n} {name}\n")),
            Outcome::Skip => {
                let reason = match one_line(&c.detail) {
                    r if r.is_empty() => "skipped".to_string(),
                    r => r,
                };
                out.push_str(&format!("ok {n} {name} # SKIP {reason}\n"));
            }
            Outcome::Fail => {
                if !c.detail.is_empty() {
                    out.push_str(&format!("# {}\n", one_line(&c.detail)));
                }
                out.push_str(&format!("not ok {n} {name}\n"));
            }
        }
    }
    out.push_str(&format!(
        "##> suite-end {CHECK_SUITE} rc={}\n##> guest-exit: ok\n",
        u8::from(failed)
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &str = "# bench: op=fork_exit_wait n=1000 r=3 median_ns=100.5 min_ns=100.4 max_ns=100.6 spread_pct=0.199 runs=100.4,100.5,100.6";

    fn sample(op: &str, median: f64, spread: f64) -> String {
        format!("# bench: op={op} n=10 r=2 median_ns={median} min_ns={median} max_ns={median} spread_pct={spread} runs={median},{median}\n")
    }

    fn run(variant: &str, mode: &str, log: &str) -> Run {
        Run {
            variant: variant.into(),
            mode: mode.into(),
            log: format!("{variant}-{mode}.log"),
            scan: scan_log(log.as_bytes()),
        }
    }

    fn outcomes(cs: &[Check]) -> Vec<(String, Outcome)> {
        cs.iter().map(|c| (c.name.clone(), c.outcome)).collect()
    }

    #[test]
    fn bench_line() {
        let s = parse_bench_line(LINE).unwrap().unwrap();
        assert_eq!(s.op, "fork_exit_wait");
        assert_eq!((s.n, s.r), (1000, 3));
        assert_eq!(s.median_ns, 100.5);
        assert_eq!(s.spread_pct, 0.199);
        assert_eq!(s.runs, vec![100.4, 100.5, 100.6]);
        assert_eq!(parse_bench_line(&format!("   {LINE} extra=1")), Some(Ok(s)));
        assert_eq!(parse_bench_line("# benchmark: op=x"), None);
        assert_eq!(parse_bench_line("x # bench: op=x"), None);
        for (bad, why) in [
            (LINE.replace("r=3", "r=4"), "r=4 but 3 runs"),
            (LINE.replace(" n=1000", ""), "missing n="),
            (LINE.replace("100.5 ", "nan "), "median_ns=nan"),
            (LINE.replace("min_ns=100.4", "min_ns=-1"), "min_ns=-1"),
            (LINE.replace("runs=100.4,", "runs=100.4,,"), "runs="),
            (LINE.replace("op=fork_exit_wait", "op=a<b"), "op=a<b"),
            (format!("{LINE} n=2"), "n= given twice"),
            (format!("{LINE} junk"), "\"junk\" is not key=value"),
        ] {
            let e = parse_bench_line(&bad).unwrap().unwrap_err();
            assert!(e.contains(why), "{bad}: {e}");
        }
    }

    #[test]
    fn scan_strips_timestamps_and_collects_skips() {
        let log = format!(
            "[    1.000000] Linux version 7.3.0\r\n[    2.500000]   {LINE}\r\nok 2 clone3_einval\nok 3 autokill_close # SKIP no CLONE_AUTOKILL\nok 4 x # SKIP\nnot ok 5 y # SKIP z\n# bench: op=bad\n"
        );
        let s = scan_log(log.as_bytes());
        assert_eq!(s.samples.len(), 1);
        assert_eq!(
            s.skips,
            vec![
                ("autokill_close".into(), "no CLONE_AUTOKILL".into()),
                ("x".into(), String::new())
            ]
        );
        assert_eq!(s.errors.len(), 1);
        assert!(s.errors[0].starts_with("line 7: "), "{:?}", s.errors);
    }

    #[test]
    fn inputs() {
        assert_eq!(
            parse_input("rust:icount=a=b.log"),
            Ok(("rust".into(), "icount".into(), "a=b.log".into()))
        );
        for bad in ["rust=x", "rust:icount", "rust:kvm=x", ":tcg=x", "c:tcg="] {
            assert!(parse_input(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn order_ratio_and_tables() {
        let b = Bench::new(
            vec![("kernel".into(), "7.3.0".into())],
            vec![
                run(
                    "rust",
                    "icount",
                    &(sample("zz_new", 5.0, 0.0)
                        + &sample("autokill_close", 101.0, 0.1)
                        + &sample("fork_exit_wait", 200.0, 0.0)),
                ),
                run(
                    "c",
                    "icount",
                    &(sample("fork_exit_wait", 200.0, 0.0)
                        + &sample("autokill_close", 100.0, 0.1)
                        + &sample("autokill_close", 0.0, 0.1)),
                ),
                run(
                    "upstream",
                    "icount",
                    "ok 1 autokill_close # SKIP not upstream\n",
                ),
                run("c", "tcg", &sample("fork_exit_wait", 900.0, 4.0)),
            ],
        );
        assert_eq!(b.ops, vec!["fork_exit_wait", "autokill_close", "zz_new"]);
        assert_eq!(b.variants, vec!["upstream", "c", "rust"]);
        assert_eq!(b.ratio("icount", "fork_exit_wait"), Some(1.0));
        // The last line wins; a zero c median has no ratio.
        assert_eq!(b.ratio("icount", "autokill_close"), None);
        assert_eq!(b.ratio("tcg", "fork_exit_wait"), None);
        let t = render_tables(&b);
        assert!(
            t.starts_with("kernel: 7.3.0\n\ninstruction-count time"),
            "{t}"
        );
        assert!(
            t.contains("\nop             | upstream |     c |  rust | rust/c\n"),
            "{t}"
        );
        assert!(
            t.contains("\nfork_exit_wait |        - | 200.0 | 200.0 | 1.0000\n"),
            "{t}"
        );
        assert!(
            t.contains("\nautokill_close |     skip |   0.0 | 101.0 |      -\n"),
            "{t}"
        );
        assert!(t.contains(&format!("\n{TCG_HEADING}\n")));
        assert!(
            t.contains("\nfork_exit_wait |        - | 900.0 |    - |      -\n"),
            "{t}"
        );
        let j = to_json(&b).to_pretty();
        let doc = crate::json::parse(&j).unwrap();
        assert_eq!(
            doc.get("ratios").and_then(|r| r.get("fork_exit_wait")),
            Some(&Json::Num(1.0))
        );
        let fe = doc
            .get("modes")
            .and_then(|m| m.get("icount"))
            .and_then(|m| m.get("fork_exit_wait"))
            .and_then(|m| m.get("c"))
            .unwrap();
        assert_eq!(fe.get("median_ns").and_then(Json::as_f64), Some(200.0));
        assert_eq!(fe.get("n"), Some(&Json::Int(10)));
        assert_eq!(
            doc.get("skipped")
                .and_then(|m| m.get("icount"))
                .and_then(|m| m.get("autokill_close"))
                .and_then(|m| m.get("upstream"))
                .and_then(Json::as_str),
            Some("not upstream")
        );
    }

    #[test]
    fn checks_pass_fail_skip() {
        let c = sample("fork_exit_wait", 1000.0, 0.1)
            + &sample("clone3_einval", 100.0, 0.1)
            + &sample("autokill_close", 100.0, 0.1)
            + &sample("pidfd_open_close", 100.0, 0.5);
        let rust = sample("fork_exit_wait", 1005.0, 0.2)
            + &sample("clone3_einval", 101.23, 0.0)
            + "ok 3 autokill_close # SKIP not built\n"
            + "# bench: op=pidfd_open_close r=1\n";
        let b = Bench::new(
            vec![],
            vec![run("c", "icount", &c), run("rust", "icount", &rust)],
        );
        let cs = checks(&b);
        let r = |op: &str| format!("rust/c icount ratio <= 1.005 for {op}");
        assert_eq!(
            outcomes(&cs),
            vec![
                (r("fork_exit_wait"), Outcome::Pass),
                (r("clone3_einval"), Outcome::Fail),
                (r("autokill_close"), Outcome::Skip),
                (r("pidfd_open_close"), Outcome::Fail),
                (
                    "bench lines well-formed in rust:icount log".into(),
                    Outcome::Fail
                ),
            ]
        );
        assert_eq!(cs[1].detail, "ratio 1.0123: rust 101.2 ns, c 100.0 ns");
        assert_eq!(cs[2].detail, "rust: not built");
        assert_eq!(
            cs[3].detail,
            "rust has no icount result for pidfd_open_close (c 100.0 ns)"
        );
        assert!(cs[4].detail.starts_with("rust-icount.log: line 4: "));

        // The check log reads back through `runner parse`'s parser.
        let log = render_check_log(&cs);
        assert!(log.contains("\n# ratio 1.0123: rust 101.2 ns, c 100.0 ns\nnot ok 2 "));
        let res = console::parse_log(log.as_bytes(), "bench", "bench-check.log");
        assert!(res.guest_finished);
        assert_eq!(res.suites.len(), 1);
        let suite = &res.suites[0];
        assert_eq!(
            (suite.name.as_str(), suite.exit_code),
            (CHECK_SUITE, Some(1))
        );
        assert_eq!(
            [Outcome::Pass, Outcome::Fail, Outcome::Skip].map(|o| suite.count(o)),
            [1, 3, 1]
        );
        assert_eq!(
            suite.cases[1].reason,
            "ratio 1.0123: rust 101.2 ns, c 100.0 ns"
        );
        assert_eq!(suite.cases[2].reason, "rust: not built");
    }

    #[test]
    fn checks_absent_data() {
        let only_c = Bench::new(
            vec![],
            vec![
                run("c", "icount", &sample("fork_exit_wait", 10.0, 0.0)),
                run("rust", "icount", "no bench here\n"),
                run("rust", "tcg", &sample("fork_exit_wait", 10.0, 9.0)),
            ],
        );
        let cs = checks(&only_c);
        assert_eq!(cs.len(), 1);
        assert_eq!(cs[0].outcome, Outcome::Fail);
        assert_eq!(
            cs[0].detail,
            "no icount bench results for rust: rust-icount.log has no `# bench:` lines"
        );

        let none = Bench::new(vec![], vec![run("upstream", "tcg", "")]);
        let cs = checks(&none);
        assert_eq!(cs.len(), 1);
        assert!(cs[0]
            .detail
            .contains("c and rust: no c:icount log given; no rust:icount log given"));

        // Both skipped: a skip, not a failure; ops missing from both: no case.
        let skipped = Bench::new(
            vec![],
            vec![
                run("c", "icount", "ok 1 bench fork_exit_wait # SKIP a\n"),
                run("rust", "icount", "ok 1 fork_exit_wait # SKIP b\n"),
            ],
        );
        let cs = checks(&skipped);
        assert_eq!(cs.len(), 1);
        assert_eq!(
            (cs[0].outcome, cs[0].detail.as_str()),
            (Outcome::Skip, "c: a; rust: b")
        );
        let log = render_check_log(&cs);
        assert!(log.contains(
            "ok 1 rust/c icount ratio <= 1.005 for fork_exit_wait # SKIP c: a; rust: b\n"
        ));
        assert!(log.ends_with("rc=0\n##> guest-exit: ok\n"));
        assert!(render_check_log(&[]).contains("1..0 # SKIP"));
    }

    #[test]
    fn limits_are_inclusive() {
        let b = Bench::new(
            vec![],
            vec![
                run("c", "icount", &sample("clone3_einval", 100.0, 0.2)),
                run("rust", "icount", &sample("clone3_einval", 100.5, 0.2)),
            ],
        );
        assert!(checks(&b).iter().all(|c| c.outcome == Outcome::Pass));
    }
}
