//! `runner bench`: reads the benchmark's `# bench:` lines and TAP SKIPs from console logs
//! (one per variant and mode), prints the comparison tables, builds results.json, and runs
//! the `--check` gates into a console-marker log that `runner parse` can read: clean boots
//! (final line, no splat, no `not ok`), the gated ops present with rust/c <= 1.005 (1.03 for
//! the ops that fork and kill), and two icount boots per variant that agree.
//!
//! The tables stay hand-written (`grid`, 30 lines): a table crate (comfy-table, tabled)
//! would need as much code to style its output into these exact `a | b` rows, which the
//! tests and readers of the output rely on.

use crate::console::{self, Outcome};
use crate::results;
use crate::Result;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// Modes in output order: the deterministic comparison first, then the noisy one.
pub const MODES: [&str; 2] = ["icount", "tcg"];

/// A variant's second icount boot: not tabulated; `--check` holds its fastest repeats
/// against the first boot's and checks its boot like every other log's.
pub const REPEAT_MODE: &str = "icount2";

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

/// The gated ops: `--check` wants each in the c and rust icount logs (a result or a skip),
/// gates their rust/c icount ratio, and their agreement between two icount boots.
pub const RATIO_OPS: [&str; 5] = [
    "fork_exit_wait",
    "clone3_einval",
    "autoreap_spawn",
    "autokill_close",
    "pidfd_open_close",
];

/// `--check`: how much slower than c rust may be on the syscall-only gated ops
/// (clone3_einval, pidfd_open_close), in instruction-count time. Their counts repeat to a
/// few instructions from one kernel binary to another: the +3 instructions of the Rust
/// validation show as 1.003 on clone3_einval in every run.
pub const RATIO_LIMIT: f64 = 1.005;

/// `--check`: the same for the gated ops that fork, kill and reap (fork_exit_wait,
/// autoreap_spawn, autokill_close). They run the scheduler and the page and slab
/// allocators, whose instruction counts move with the kernel binary's layout and memory
/// state even where the code is the same: rust/c of unchanged code measured 0.978 and
/// 1.012 on autokill_close and 0.997 and 1.006 on fork_exit_wait in different runs (each
/// run repeats exactly). A 0.5 % limit there failed by chance; this one fails a real
/// regression of more than 3 % and leaves the finer comparison to clone3_einval.
pub const RATIO_LIMIT_SCHED: f64 = 1.03;

/// The ratio limit of a gated op.
pub fn ratio_limit(op: &str) -> f64 {
    match op {
        "fork_exit_wait" | "autoreap_spawn" | "autokill_close" => RATIO_LIMIT_SCHED,
        _ => RATIO_LIMIT,
    }
}

/// `--check`: the fastest repeat of a gated op must agree within this many percent between
/// a variant's two icount boots (`icount` and `icount2`). Not the spread of the repeats
/// within one boot: the kill-latency ops see different timer phases there.
pub const REPEAT_LIMIT_PCT: f64 = 0.2;

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
    /// `line <n>: <line>` for every `not ok` result: a failure, `# SKIP` or not.
    pub not_ok: Vec<String>,
    /// `line <n>: <text>` for every kernel splat, found as `runner parse` finds them.
    pub splats: Vec<String>,
    /// The guest printed its final `##> guest-exit: ok`.
    pub guest_finished: bool,
    /// The host's last `##> host:` verdict (timeout, crash), if any.
    pub host: Option<String>,
    /// Number of lines in the log.
    pub lines: usize,
}

/// Scan a console log: kernel timestamps are stripped, other lines are ignored. Splats and
/// the final line are judged by `runner parse`'s own parser, so both agree on a boot.
pub fn scan_log(data: &[u8]) -> LogScan {
    let parsed = console::parse_log(data, "bench", "");
    let mut scan = LogScan {
        splats: parsed
            .splats
            .iter()
            .map(|s| format!("line {}: {}", s.line, s.text))
            .collect(),
        guest_finished: parsed.guest_finished,
        lines: data.split(|&b| b == b'\n').count()
            - usize::from(data.is_empty() || data.ends_with(b"\n")),
        ..LogScan::default()
    };
    for (idx, raw) in data.split(|&b| b == b'\n').enumerate() {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let full = String::from_utf8_lossy(raw);
        let (_, text) = console::strip_timestamp(&full);
        match parse_bench_line(text) {
            Some(Ok(s)) => scan.samples.push(s),
            Some(Err(e)) => scan.errors.push(format!("line {}: {e}", idx + 1)),
            None => {
                if let Some(pos) = text.find("##> ") {
                    if let Some(h) = text[pos + 4..].trim().strip_prefix("host:") {
                        scan.host = Some(h.trim().to_string());
                    }
                } else if let Some(r) = console::parse_result(text.trim()) {
                    // Only `ok ... # SKIP` is a skip: `not ok ... # SKIP` is a failure.
                    if !r.ok {
                        scan.not_ok
                            .push(format!("line {}: {}", idx + 1, text.trim()));
                    } else if let Some((d, reason)) = &r.directive {
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
    if !MODES.contains(&mode) && mode != REPEAT_MODE {
        return Err(format!(
            "{arg:?}: mode must be icount, {REPEAT_MODE} or tcg, not {mode:?}"
        ));
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

    /// rust/c of the medians; `None` unless both are measured, c is non-zero and the
    /// quotient is finite.
    pub fn ratio(&self, mode: &str, op: &str) -> Option<f64> {
        let c = self.median(mode, op, "c").filter(|&c| c > 0.0)?;
        Some(self.median(mode, op, "rust")? / c).filter(|r| r.is_finite())
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

/// The bench results file's `schema_version` (`<out-dir>/results.json`).
pub const SCHEMA_VERSION: u32 = 1;

/// One op's numbers for one variant and mode: its `# bench:` line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measurement {
    pub median_ns: f64,
    pub min_ns: f64,
    pub max_ns: f64,
    pub spread_pct: f64,
    pub runs: Vec<f64>,
    pub n: u64,
    pub r: u64,
}

impl From<&Sample> for Measurement {
    fn from(s: &Sample) -> Self {
        Measurement {
            median_ns: s.median_ns,
            min_ns: s.min_ns,
            max_ns: s.max_ns,
            spread_pct: s.spread_pct,
            runs: s.runs.clone(),
            n: s.n,
            r: s.r,
        }
    }
}

/// One input log and what its scan found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogRecord {
    pub variant: String,
    pub mode: String,
    pub log: String,
    pub bench_lines: usize,
    pub errors: Vec<String>,
    pub guest_finished: bool,
    pub splats: Vec<String>,
    pub not_ok: Vec<String>,
}

/// mode -> op -> variant -> value, in the tables' order.
pub type PerMode<T> = IndexMap<String, IndexMap<String, IndexMap<String, T>>>;

/// `runner bench`'s results.json: meta, per-mode measurements, icount rust/c ratios, the
/// benchmark's skips (with their reasons) and the inputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchResults {
    pub schema_version: u32,
    pub meta: IndexMap<String, String>,
    pub modes: PerMode<Measurement>,
    pub ratios: IndexMap<String, f64>,
    pub skipped: PerMode<String>,
    pub logs: Vec<LogRecord>,
}

/// Each mode's ops and variants for which `value` takes the entry.
fn per_mode<T>(b: &Bench, value: impl Fn(Entry<'_>) -> Option<T>) -> PerMode<T> {
    let ops = |mode: &str| {
        b.ops
            .iter()
            .filter_map(|op| {
                let vs: IndexMap<String, T> = b
                    .variants
                    .iter()
                    .filter_map(|v| Some((v.clone(), value(b.entry(mode, op, v)?)?)))
                    .collect();
                (!vs.is_empty()).then(|| (op.clone(), vs))
            })
            .collect()
    };
    MODES.iter().map(|m| (m.to_string(), ops(m))).collect()
}

impl BenchResults {
    pub fn new(b: &Bench) -> BenchResults {
        let logs = b.runs.iter().map(|r| LogRecord {
            variant: r.variant.clone(),
            mode: r.mode.clone(),
            log: r.log.clone(),
            bench_lines: r.scan.samples.len(),
            errors: r.scan.errors.clone(),
            guest_finished: r.scan.guest_finished,
            splats: r.scan.splats.clone(),
            not_ok: r.scan.not_ok.clone(),
        });
        BenchResults {
            schema_version: SCHEMA_VERSION,
            meta: b.meta.iter().cloned().collect(),
            modes: per_mode(b, |e| match e {
                Entry::Data(s) => Some(Measurement::from(s)),
                Entry::Skip(_) => None,
            }),
            ratios: (b.ops.iter())
                .filter_map(|op| Some((op.clone(), b.ratio("icount", op)?)))
                .collect(),
            skipped: per_mode(b, |e| match e {
                Entry::Skip(reason) => Some(reason.to_string()),
                Entry::Data(_) => None,
            }),
            logs: logs.collect(),
        }
    }

    /// The file's text: indented JSON and a final newline.
    pub fn to_json(&self) -> Result<String> {
        results::to_pretty(self)
    }

    /// Read the text of a bench results.json; every error names `origin`.
    pub fn parse(text: &str, origin: &str) -> Result<BenchResults> {
        results::read_versioned(text, origin, "bench results.json", SCHEMA_VERSION)
    }
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

/// `(and N more)` after the first of `n` items.
fn more(n: usize) -> String {
    match n {
        0 | 1 => String::new(),
        n => format!(" (and {} more)", n - 1),
    }
}

/// `c 100.0 ns` or `c: skipped: <reason>` for a present entry, for diagnostics.
fn describe(variant: &str, e: Entry<'_>) -> String {
    match e {
        Entry::Data(s) => format!("{variant} {:.1} ns", s.median_ns),
        Entry::Skip(r) => format!("{variant}: skipped: {r}"),
    }
}

/// The gate of one gated op: present in the c and rust icount logs (a result or a skip),
/// then rust/c of the medians <= [`ratio_limit`]; skipped if either variant skipped it.
fn ratio_check(b: &Bench, op: &str) -> Check {
    let limit = ratio_limit(op);
    let name = format!("rust/c icount ratio <= {limit} for {op}");
    let (c, rust) = (b.entry("icount", op, "c"), b.entry("icount", op, "rust"));
    let both = [("c", c), ("rust", rust)];
    let missing: Vec<String> = both
        .iter()
        .filter(|(_, e)| e.is_none())
        .map(|(v, _)| b.run("icount", v).map_or(v.to_string(), |r| r.log.clone()))
        .collect();
    if !missing.is_empty() {
        let have: Vec<String> = both
            .iter()
            .filter_map(|(v, e)| Some(describe(v, (*e)?)))
            .collect();
        let have = if have.is_empty() {
            String::new()
        } else {
            format!(" ({})", have.join(", "))
        };
        return check(
            name,
            Outcome::Fail,
            format!(
                "{op} has no icount result or skip in {}{have}",
                missing.join(" and ")
            ),
        );
    }
    // Both are present: anything but two results is a skip.
    let (Some(Entry::Data(c)), Some(Entry::Data(r))) = (c, rust) else {
        let skips: Vec<String> = both
            .iter()
            .filter_map(|(v, e)| match e {
                Some(Entry::Skip(r)) => Some(format!("{v}: {r}")),
                _ => None,
            })
            .collect();
        return check(name, Outcome::Skip, skips.join("; "));
    };
    let (c_ns, r_ns) = (
        describe("c", Entry::Data(c)),
        describe("rust", Entry::Data(r)),
    );
    if c.median_ns <= 0.0 {
        return check(name, Outcome::Fail, format!("no ratio: {r_ns}, {c_ns}"));
    }
    let ratio = r.median_ns / c.median_ns;
    if ratio <= limit + EPS {
        check(name, Outcome::Pass, String::new())
    } else {
        check(
            name,
            Outcome::Fail,
            format!("ratio {ratio:.4}: {r_ns}, {c_ns}"),
        )
    }
}

/// The repeat gate of one variant that has a second icount boot: for each gated op, the
/// fastest repeat of both boots within REPEAT_LIMIT_PCT (the fastest: timer interrupts and
/// scheduling only add); skipped if both boots skipped the op.
fn repeat_checks(b: &Bench, variant: &str, second: &Run) -> Vec<Check> {
    let Some(first) = b.run("icount", variant) else {
        return vec![check(
            format!("first icount boot given for {variant}"),
            Outcome::Fail,
            format!(
                "{} is a second icount boot of {variant}, but no {variant}:icount log was given",
                second.log
            ),
        )];
    };
    let fastest = |e: Option<Entry<'_>>| match e {
        Some(Entry::Data(s)) => format!("{:.1} ns", s.min_ns),
        Some(Entry::Skip(r)) => format!("skipped ({r})"),
        None => "none".to_string(),
    };
    RATIO_OPS
        .iter()
        .map(|op| {
            let name =
                format!("icount boots agree within {REPEAT_LIMIT_PCT} % for {op} on {variant}");
            let (e1, e2) = (
                b.entry("icount", op, variant),
                b.entry(REPEAT_MODE, op, variant),
            );
            let apart = format!(
                "fastest repeat {} in the first boot, {} in the second",
                fastest(e1),
                fastest(e2)
            );
            match (e1, e2) {
                (Some(Entry::Data(a)), Some(Entry::Data(z))) => {
                    let d = (a.min_ns - z.min_ns).abs();
                    if d <= a.min_ns * REPEAT_LIMIT_PCT / 100.0 + EPS {
                        check(name, Outcome::Pass, String::new())
                    } else {
                        let pct = if a.min_ns > 0.0 {
                            100.0 * d / a.min_ns
                        } else {
                            f64::INFINITY
                        };
                        check(name, Outcome::Fail, format!("{apart} ({pct:.3} % apart)"))
                    }
                }
                (Some(Entry::Skip(r)), Some(Entry::Skip(_))) => {
                    check(name, Outcome::Skip, r.to_string())
                }
                _ => check(
                    name,
                    Outcome::Fail,
                    format!("{apart} ({}, {})", first.log, second.log),
                ),
            }
        })
        .collect()
}

/// A benchmark boot is only evidence if it ran to the end without a kernel splat or a
/// failing test: one case per log, naming the log and the line of each problem.
fn boot_check(r: &Run) -> Check {
    let s = &r.scan;
    let mut problems = Vec::new();
    if let Some(first) = s.splats.first() {
        problems.push(format!("{}: {first}{}", r.log, more(s.splats.len())));
    }
    if let Some(first) = s.not_ok.first() {
        problems.push(format!("{}: {first}{}", r.log, more(s.not_ok.len())));
    }
    if !s.guest_finished {
        let why = s
            .host
            .as_ref()
            .map_or("the guest crashed or hung".to_string(), |h| {
                format!("host: {h}")
            });
        problems.push(format!(
            "{}: no `##> guest-exit: ok` line in its {} lines ({why})",
            r.log, s.lines
        ));
    }
    let name = format!(
        "{}:{} boot: guest exited, no kernel splat, no `not ok`",
        r.variant, r.mode
    );
    if problems.is_empty() {
        check(name, Outcome::Pass, String::new())
    } else {
        check(name, Outcome::Fail, problems.join("; "))
    }
}

/// The `--check` gates, in order: presence of c and rust icount data, then per gated op its
/// presence in both and the rust/c ratio of the medians; the agreement of each variant's two
/// icount boots; one clean-boot case per log; malformed bench lines.
pub fn checks(b: &Bench) -> Vec<Check> {
    let mut out = Vec::new();
    let absent: Vec<&str> = ["c", "rust"]
        .into_iter()
        .filter(|v| !b.has_any("icount", v))
        .collect();
    if absent.is_empty() {
        out.extend(RATIO_OPS.iter().map(|op| ratio_check(b, op)));
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
    for v in &b.variants {
        if let Some(second) = b.run(REPEAT_MODE, v) {
            out.extend(repeat_checks(b, v, second));
        }
    }
    out.extend(b.runs.iter().map(boot_check));
    for r in &b.runs {
        let Some(first) = r.scan.errors.first() else {
            continue;
        };
        out.push(check(
            format!("bench lines well-formed in {}:{} log", r.variant, r.mode),
            Outcome::Fail,
            format!("{}: {first}{}", r.log, more(r.scan.errors.len())),
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

    /// A clean boot that printed `log`: the guest's final line follows it.
    fn run(variant: &str, mode: &str, log: &str) -> Run {
        raw_run(variant, mode, &format!("{log}##> guest-exit: ok\n"))
    }

    /// A boot whose console log is exactly `log`.
    fn raw_run(variant: &str, mode: &str, log: &str) -> Run {
        Run {
            variant: variant.into(),
            mode: mode.into(),
            log: format!("{variant}-{mode}.log"),
            scan: scan_log(log.as_bytes()),
        }
    }

    /// All five gated ops at `ns`, bench lines only.
    fn gated(ns: f64) -> String {
        RATIO_OPS.iter().map(|op| sample(op, ns, 0.0)).collect()
    }

    /// The boot case of `variant:mode`.
    fn boot_name(variant: &str, mode: &str) -> String {
        format!("{variant}:{mode} boot: guest exited, no kernel splat, no `not ok`")
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
        // `not ok ... # SKIP` is no skip but a failure.
        assert_eq!(
            s.skips,
            vec![
                ("autokill_close".into(), "no CLONE_AUTOKILL".into()),
                ("x".into(), String::new())
            ]
        );
        assert_eq!(s.not_ok, vec!["line 6: not ok 5 y # SKIP z".to_string()]);
        assert_eq!(s.errors.len(), 1);
        assert!(s.errors[0].starts_with("line 7: "), "{:?}", s.errors);
        assert_eq!((s.lines, s.guest_finished, s.host), (7, false, None));
        assert!(s.splats.is_empty());
    }

    #[test]
    fn scan_finds_splats_and_the_final_line() {
        let log = "[    1.0] Linux version 7.3.0\n##> suite-begin bench/x\n# bench: op=a n=1 r=1 median_ns=1 min_ns=1 max_ns=1 spread_pct=0 runs=1\n[    2.5] WARNING: CPU: 0 PID: 1 at kernel/fork.c:10\n[    2.6] Call Trace:\nprinted by the benchmark: BUG: not the kernel's\n##> suite-end bench/x rc=0\n##> host: timeout after 9 s\n";
        let s = scan_log(log.as_bytes());
        assert_eq!(
            s.splats,
            vec![
                "line 4: WARNING: CPU: 0 PID: 1 at kernel/fork.c:10".to_string(),
                "line 5: Call Trace:".to_string()
            ]
        );
        assert!(!s.guest_finished);
        assert_eq!(s.host.as_deref(), Some("timeout after 9 s"));
        assert_eq!(s.lines, 8);
        let s = scan_log(b"##> guest-exit: crash\r\n##> guest-exit: ok\r\n");
        assert!(s.guest_finished && s.splats.is_empty());
        assert_eq!(scan_log(b"").lines, 0);
    }

    #[test]
    fn inputs() {
        assert_eq!(
            parse_input("rust:icount=a=b.log"),
            Ok(("rust".into(), "icount".into(), "a=b.log".into()))
        );
        assert_eq!(
            parse_input("c:icount2=x"),
            Ok(("c".into(), "icount2".into(), "x".into()))
        );
        for bad in [
            "rust=x",
            "rust:icount",
            "rust:kvm=x",
            ":tcg=x",
            "c:tcg=",
            "c:icount3=x",
        ] {
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
        let doc = BenchResults::new(&b);
        let j = doc.to_json().unwrap();
        assert!(j.starts_with("{\n  \"schema_version\": 1,\n"), "{j}");
        assert_eq!(BenchResults::parse(&j, "b.json"), Ok(doc.clone()));
        assert_eq!(doc.ratios.get("fork_exit_wait"), Some(&1.0));
        let fe = &doc.modes["icount"]["fork_exit_wait"]["c"];
        assert_eq!((fe.median_ns, fe.n), (200.0, 10));
        assert!(j.contains("\"median_ns\": 200.0,"), "{j}");
        assert_eq!(
            doc.skipped["icount"]["autokill_close"]["upstream"],
            "not upstream"
        );
        // Ops keep the tables' order, not the alphabet's.
        let ops: Vec<&String> = doc.modes["icount"].keys().collect();
        assert_eq!(ops, ["fork_exit_wait", "autokill_close", "zz_new"]);
        let e = BenchResults::parse(
            &j.replace("\"schema_version\": 1", "\"schema_version\": 2"),
            "b.json",
        )
        .unwrap_err();
        assert_eq!(
            e,
            "b.json: bench results.json has schema_version 2, but this runner reads only schema_version 1"
        );
        let e = BenchResults::parse(&j.replace("\"ratios\"", "\"ratio\""), "b.json").unwrap_err();
        assert!(
            e.starts_with("b.json: bad bench results.json: missing field `ratios`"),
            "{e}"
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
        let r = |op: &str| format!("rust/c icount ratio <= {} for {op}", ratio_limit(op));
        assert_eq!(
            outcomes(&cs),
            vec![
                (r("fork_exit_wait"), Outcome::Pass),
                (r("clone3_einval"), Outcome::Fail),
                (r("autoreap_spawn"), Outcome::Fail),
                (r("autokill_close"), Outcome::Skip),
                (r("pidfd_open_close"), Outcome::Fail),
                (boot_name("c", "icount"), Outcome::Pass),
                (boot_name("rust", "icount"), Outcome::Pass),
                (
                    "bench lines well-formed in rust:icount log".into(),
                    Outcome::Fail
                ),
            ]
        );
        assert_eq!(cs[1].detail, "ratio 1.0123: rust 101.2 ns, c 100.0 ns");
        // An op missing from both logs is a failure that names them.
        assert_eq!(
            cs[2].detail,
            "autoreap_spawn has no icount result or skip in c-icount.log and rust-icount.log"
        );
        assert_eq!(cs[3].detail, "rust: not built");
        assert_eq!(
            cs[4].detail,
            "pidfd_open_close has no icount result or skip in rust-icount.log (c 100.0 ns)"
        );
        assert!(cs[7].detail.starts_with("rust-icount.log: line 4: "));

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
            [3, 4, 1]
        );
        assert_eq!(
            suite.cases[1].reason,
            "ratio 1.0123: rust 101.2 ns, c 100.0 ns"
        );
        assert_eq!(suite.cases[3].reason, "rust: not built");
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
        assert_eq!(cs.len(), 4);
        assert_eq!(cs[0].outcome, Outcome::Fail);
        assert_eq!(
            cs[0].detail,
            "no icount bench results for rust: rust-icount.log has no `# bench:` lines"
        );
        assert!(cs[1..].iter().all(|c| c.outcome == Outcome::Pass));

        let none = Bench::new(vec![], vec![run("upstream", "tcg", "")]);
        let cs = checks(&none);
        assert_eq!(cs.len(), 2);
        assert!(cs[0]
            .detail
            .contains("c and rust: no c:icount log given; no rust:icount log given"));

        // Both skipped: a skip, not a failure.
        let all_skipped = |reason: &str| -> String {
            RATIO_OPS
                .iter()
                .enumerate()
                .map(|(i, op)| format!("ok {} bench {op} # SKIP {reason}\n", i + 1))
                .collect()
        };
        let skipped = Bench::new(
            vec![],
            vec![
                run("c", "icount", &all_skipped("a")),
                run("rust", "icount", &all_skipped("b")),
            ],
        );
        let cs = checks(&skipped);
        assert_eq!(cs.len(), 7);
        assert!(cs[..5].iter().all(|c| c.outcome == Outcome::Skip));
        assert_eq!(cs[0].detail, "c: a; rust: b");
        let log = render_check_log(&cs);
        assert!(log.contains(
            "ok 1 rust/c icount ratio <= 1.03 for fork_exit_wait # SKIP c: a; rust: b\n"
        ));
        assert!(log.ends_with("rc=0\n##> guest-exit: ok\n"));
        assert!(render_check_log(&[]).contains("1..0 # SKIP"));
    }

    #[test]
    fn checks_every_boot() {
        let splat = "[    4.2] BUG: kernel NULL pointer dereference, address: 0000000000000008\n";
        let b = Bench::new(
            vec![],
            vec![
                run("c", "icount", &gated(100.0)),
                run(
                    "rust",
                    "icount",
                    &(gated(100.0) + splat + "[    4.3] Oops: 0002\n"),
                ),
                run(
                    "rust",
                    "tcg",
                    &(gated(90.0) + "not ok 9 pdeathsig_kill # SKIP x\n"),
                ),
                raw_run(
                    "c",
                    "tcg",
                    &(gated(90.0) + "##> host: timeout after 60 s\n"),
                ),
                raw_run("upstream", "icount", &gated(100.0)),
            ],
        );
        let cs = checks(&b);
        let boots: Vec<(String, Outcome, String)> = cs
            .iter()
            .filter(|c| c.name.contains(" boot: "))
            .map(|c| (c.name.clone(), c.outcome, c.detail.clone()))
            .collect();
        assert_eq!(
            boots,
            vec![
                (boot_name("c", "icount"), Outcome::Pass, String::new()),
                (
                    boot_name("rust", "icount"),
                    Outcome::Fail,
                    "rust-icount.log: line 6: BUG: kernel NULL pointer dereference, address: 0000000000000008 (and 1 more)".into()
                ),
                (
                    boot_name("rust", "tcg"),
                    Outcome::Fail,
                    "rust-tcg.log: line 6: not ok 9 pdeathsig_kill # SKIP x".into()
                ),
                (
                    boot_name("c", "tcg"),
                    Outcome::Fail,
                    "c-tcg.log: no `##> guest-exit: ok` line in its 6 lines (host: timeout after 60 s)".into()
                ),
                (
                    boot_name("upstream", "icount"),
                    Outcome::Fail,
                    "upstream-icount.log: no `##> guest-exit: ok` line in its 5 lines (the guest crashed or hung)".into()
                ),
            ]
        );
        // The ratio gates still pass: the boots are judged on their own.
        assert!(cs[..5].iter().all(|c| c.outcome == Outcome::Pass));
    }

    #[test]
    fn checks_repeat_boots() {
        let b = Bench::new(
            vec![],
            vec![
                run("c", "icount", &gated(1000.0)),
                run("c", "icount2", &gated(1002.0)),
                run("rust", "icount", &gated(1000.0)),
                run(
                    "rust",
                    "icount2",
                    &(sample("fork_exit_wait", 1002.1, 0.0)
                        + "ok 2 clone3_einval # SKIP gone\n"
                        + &sample("autokill_close", 1000.0, 0.0)
                        + &sample("pidfd_open_close", 1000.0, 0.0)),
                ),
                run("upstream", "icount", "ok 1 autokill_close # SKIP no\n"),
                run("upstream", "icount2", "ok 1 autokill_close # SKIP no\n"),
                run("debug", "icount2", &gated(1.0)),
            ],
        );
        let cs = checks(&b);
        let rep: Vec<(String, Outcome, String)> = cs
            .iter()
            .filter(|c| c.name.starts_with("icount boots") || c.name.starts_with("first"))
            .map(|c| (c.name.clone(), c.outcome, c.detail.clone()))
            .collect();
        let name = |op: &str, v: &str| format!("icount boots agree within 0.2 % for {op} on {v}");
        // Variants in column order: upstream, c, rust, then the others.
        // upstream: skipped in both boots is a skip; missing from both is a failure.
        assert_eq!(
            (rep[3].0.as_str(), rep[3].1, rep[3].2.as_str()),
            (
                name("autokill_close", "upstream").as_str(),
                Outcome::Skip,
                "no"
            )
        );
        assert_eq!(
            (rep[0].1, rep[0].2.as_str()),
            (
                Outcome::Fail,
                "fastest repeat none in the first boot, none in the second (upstream-icount.log, upstream-icount2.log)"
            )
        );
        // 0.2 % apart is inside the limit; the tables and ratios ignore the second boots.
        assert!(rep[5..10].iter().all(|r| r.1 == Outcome::Pass), "{rep:?}");
        assert_eq!(
            rep[10],
            (
                name("fork_exit_wait", "rust"),
                Outcome::Fail,
                "fastest repeat 1000.0 ns in the first boot, 1002.1 ns in the second (0.210 % apart)".into()
            )
        );
        assert_eq!(
            rep[11],
            (
                name("clone3_einval", "rust"),
                Outcome::Fail,
                "fastest repeat 1000.0 ns in the first boot, skipped (gone) in the second (rust-icount.log, rust-icount2.log)".into()
            )
        );
        assert_eq!(
            rep[12],
            (
                name("autoreap_spawn", "rust"),
                Outcome::Fail,
                "fastest repeat 1000.0 ns in the first boot, none in the second (rust-icount.log, rust-icount2.log)".into()
            )
        );
        assert_eq!(rep[13].1, Outcome::Pass);
        assert_eq!(
            rep[15],
            (
                "first icount boot given for debug".into(),
                Outcome::Fail,
                "debug-icount2.log is a second icount boot of debug, but no debug:icount log was given".into()
            )
        );
        assert_eq!(rep.len(), 16);
        assert_eq!(b.ratio("icount", "fork_exit_wait"), Some(1.0));
        assert!(!render_tables(&b).contains("1002"));
    }

    #[test]
    fn limits_are_inclusive() {
        let b = Bench::new(
            vec![],
            vec![
                run("c", "icount", &gated(100.0)),
                run("c", "icount2", &gated(100.2)),
                run("rust", "icount", &gated(100.5)),
                run("rust", "icount2", &gated(100.299)),
            ],
        );
        let cs = checks(&b);
        assert!(cs.iter().all(|c| c.outcome == Outcome::Pass), "{cs:?}");
    }
}
