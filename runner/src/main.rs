//! Command-line entry point of `runner`: the subcommands and their arguments (clap's derive
//! API) and the dispatch to the library.

use clap::error::ErrorKind;
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use runner::boot::{self, BootOpts};
use runner::results::ResultsFile;
use runner::{
    bench, bench_svg, config, console, expect, flaky, kunit_json, matrix, read_file, summary,
    write_file,
};
use std::process::ExitCode;

/// A subcommand's synopsis (its usage, one entry per line) and what it does: its own
/// `--help` and its paragraph in `runner --help`.
struct Doc {
    synopsis: &'static [&'static str],
    about: &'static str,
}

impl Doc {
    /// The synopsis with its continuation lines indented by `indent` plus the command name.
    fn synopsis(&self, indent: usize) -> String {
        let first = self.synopsis.first().copied().unwrap_or("");
        let pad = " ".repeat(indent + first.find(' ').map_or(0, |i| i + 1));
        self.synopsis.join(&format!("\n{pad}"))
    }

    /// `Usage: runner ...` of the command's own `--help`.
    fn usage(&self) -> String {
        format!("runner {}", self.synopsis("Usage: runner ".len()))
    }
}

const VERIFY_CONFIG: Doc = Doc {
    synopsis: &["verify-config <dotconfig> <fragment>..."],
    about: "check every option the fragments request (later fragments win) is in .config",
};

const BOOT: Doc = Doc {
    synopsis: &[
        "boot [--arch x86_64|arm64] --kernel <bzImage|Image> --initrd <cpio> --log <console.log>",
        "--timeout <secs> [--icount] [--append \"<kernel args>\"] [--mem 1G] [--smp 2]",
        "[--qemu <binary>] [--quiet] [--interactive]",
    ],
    about: "\
boot under QEMU/TCG; exit 0 ok, 2 timeout, 3 crash, 4 qemu missing
(--interactive: terminal attached, no log, no timeout)",
};

const PARSE: Doc = Doc {
    synopsis: &[
        "parse --log <console.log> --variant <name> --out <results.json> [--matrix-out <matrix.tsv>]",
        "[--ktap-dir <dir>] [--kunit-json <file>]",
    ],
    about: "\
turn a console log into results.json (and the errno matrix TSV; a matrix.tsv is
removed when the console has no matrix, so that a stale one cannot survive).
--ktap-dir: every suite's KTAP as printed, in <dir>/<suite, '/' as '__'>.ktap (the
*.ktap files of an earlier run are removed first). --kunit-json: every suite in the
JSON of the kernel's `kunit.py parse --json` (KUnit suites by their KUnit name)",
};

const KUNIT_COMPARE: Doc = Doc {
    synopsis: &["kunit-compare --ours <file> --theirs <file> [--suite cross/kunit-json]"],
    about: "\
check `parse --kunit-json` against `kunit.py parse --json` of the same console log:
every group of theirs must be in ours with the same counts and cases (name, status).
Prints a KTAP suite between runner markers (`runner parse` reads it back); exit 1 on
a difference, an unreadable file, or when theirs has no group",
};

const SUMMARY: Doc = Doc {
    synopsis: &[
        "summary [--expect <expected.tsv>] [--setting NAME=VALUE]... [--host <cargo-test-output.txt>]...",
        "[--require VARIANT]... <results.json>...",
    ],
    about: "\
per-variant tables; last line `N passed, N failed, N skipped`; exit 1 on failures.
--setting: printed first (the run's effective settings). --expect: a failing row for
every suite the manifest requires of a variant that is missing or has fewer cases than
its minimum, and for every skip it does not allow. --host: `cargo test` output ending
in a `cargo test exit status: N` line; a non-zero status fails. --require: a failing
row for every VARIANT that no results file (or --host, for host) reports",
};

const MATRIX_DIFF: Doc = Doc {
    synopsis: &["matrix-diff [--rows N] <name=matrix.tsv>..."],
    about: "\
compare matrix TSVs; exit 1 if they differ, or if a table does not have exactly the
rows 0..N-1 (default N: 131712, pidfd_clone_matrix_test's table)",
};

const FLAKY: Doc = Doc {
    synopsis: &["flaky --out-dir <dir> <results.json>..."],
    about: "\
a flake hunt's verdict: two or more results.json of one variant, in run order; every
(suite, case)'s outcome in each run (pass, fail, skip, or missing), plus a pseudo-case
per run, `run: guest finished, no splats`; a test is flaky when its outcomes differ.
Writes <dir>/flaky.tsv (every test: outcome per run, counts, flaky yes/no; flaky ones
first) and <dir>/flaky.txt (the runs, the flaky tests with their fail/skip reasons),
prints flaky.txt; exit 0 none flaky, 1 some, 2 unreadable or malformed input or fewer
than 2 runs",
};

const BENCH: Doc = Doc {
    synopsis: &[
        "bench --out-dir <dir> [--meta key=value]... [--check] <variant>:<mode>=<console.log>...",
    ],
    about: "\
read `# bench: op=...` lines (and `ok N <op> # SKIP` lines) from benchmark console
logs; <variant> is upstream, c or rust, <mode> is icount (qemu -icount shift=0:
deterministic, the comparison), icount2 (a second icount boot, for --check only) or
tcg (wall-clock, noisy). Prints the meta lines and an icount and a tcg table (ns/op
medians and rust/c); writes <dir>/results.json and <dir>/bench.svg. --check also
writes <dir>/bench-check.log (suite bench/check, for `runner parse`) with the gates:
fork_exit_wait, clone3_einval, autoreap_spawn, autokill_close and pidfd_open_close
each have a result or a skip in the c and rust icount logs, with rust/c icount ratio
<= 1.005 (clone3_einval, pidfd_open_close) or <= 1.03 (the three that fork and kill,
whose counts move with the kernel binary's layout); for every variant with an icount2
log, the fastest repeat of each of those ops agrees within 0.2 % between its icount and
icount2 boots; every log is a clean boot (the guest's final `##> guest-exit: ok`, no
kernel splat, no `not ok` line, even with `# SKIP`). Exit 1 if a check failed (without
--check: exit 0)",
};

/// Every command, in the order `runner --help` lists them.
const COMMANDS: [&Doc; 8] = [
    &VERIFY_CONFIG,
    &BOOT,
    &PARSE,
    &KUNIT_COMPARE,
    &SUMMARY,
    &MATRIX_DIFF,
    &FLAKY,
    &BENCH,
];

/// `runner --help` after its usage line: every command's synopsis and description.
fn overview() -> String {
    let mut out = String::from("commands:\n");
    for d in COMMANDS {
        out.push_str(&format!("  {}\n", d.synopsis(2)));
        for line in d.about.lines() {
            out.push_str(&format!("      {line}\n"));
        }
    }
    out.push_str("\n`runner <command> --help` describes each option of a command.");
    out
}

const ABOUT: &str = "\
Test runner of the kernel pipeline: config checks, QEMU boots, console-log parsing,
summaries, flake hunts and benchmarks. Options take their value as `--name value` or
`--name=value`; given twice, the last one counts, except the repeatable ones (`...`
in a synopsis), which add up.";

/// Exit status for command-line mistakes.
const EXIT_USAGE: u8 = 64;

/// Exit status of `flaky` on bad input (0 and 1 are its verdicts).
const EXIT_FLAKY_INPUT: u8 = 2;

/// `runner`'s command line: one subcommand.
#[derive(Parser)]
#[command(
    name = "runner",
    about = ABOUT,
    args_override_self = true,
    subcommand_required = true,
    arg_required_else_help = true,
    help_template = "{about-with-newline}\n{usage-heading} {usage}{after-help}"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    #[command(override_usage = VERIFY_CONFIG.usage(), about = VERIFY_CONFIG.about)]
    VerifyConfig(VerifyConfigArgs),
    #[command(override_usage = BOOT.usage(), about = BOOT.about)]
    Boot(BootArgs),
    #[command(override_usage = PARSE.usage(), about = PARSE.about)]
    Parse(ParseArgs),
    #[command(override_usage = KUNIT_COMPARE.usage(), about = KUNIT_COMPARE.about)]
    KunitCompare(KunitCompareArgs),
    #[command(override_usage = SUMMARY.usage(), about = SUMMARY.about)]
    Summary(SummaryArgs),
    #[command(override_usage = MATRIX_DIFF.usage(), about = MATRIX_DIFF.about)]
    MatrixDiff(MatrixDiffArgs),
    #[command(override_usage = FLAKY.usage(), about = FLAKY.about)]
    Flaky(FlakyArgs),
    #[command(override_usage = BENCH.usage(), about = BENCH.about)]
    Bench(BenchArgs),
}

// Every option that takes a value has `allow_hyphen_values`: as with the hand-written parser
// this replaced, the argument after `--name` is its value whatever it starts with.

#[derive(Args)]
struct VerifyConfigArgs {
    /// The kernel build's .config
    #[arg(value_name = "dotconfig")]
    dotconfig: String,
    /// Kconfig fragments, in merge order (a later one wins)
    #[arg(value_name = "fragment", required = true)]
    fragments: Vec<String>,
}

#[derive(Args)]
struct BootArgs {
    /// The guest's architecture (QEMU binary, machine, CPU, console)
    #[arg(long, value_enum, default_value = "x86_64")]
    arch: boot::Arch,
    /// The kernel image
    #[arg(long, value_name = "bzImage|Image", allow_hyphen_values = true)]
    kernel: String,
    /// The initramfs
    #[arg(long, value_name = "cpio", allow_hyphen_values = true)]
    initrd: String,
    /// Where the serial console is written (not with --interactive)
    #[arg(
        long,
        value_name = "console.log",
        allow_hyphen_values = true,
        required_unless_present = "interactive"
    )]
    log: Option<String>,
    /// Host-side limit in seconds: exit 2 when it runs out (not with --interactive)
    #[arg(
        long,
        value_name = "secs",
        allow_hyphen_values = true,
        required_unless_present = "interactive"
    )]
    timeout: Option<u64>,
    /// Deterministic instruction counting (qemu -icount shift=0)
    #[arg(long)]
    icount: bool,
    /// Extra kernel command-line arguments
    #[arg(
        long,
        value_name = "kernel args",
        default_value = "",
        allow_hyphen_values = true
    )]
    append: String,
    /// Guest memory
    #[arg(
        long,
        value_name = "size",
        default_value = "1G",
        allow_hyphen_values = true
    )]
    mem: String,
    /// Guest CPUs
    #[arg(
        long,
        value_name = "n",
        default_value = "2",
        allow_hyphen_values = true
    )]
    smp: String,
    /// The QEMU binary [default: qemu-system-x86_64, or qemu-system-aarch64 for arm64]
    #[arg(long, value_name = "path", allow_hyphen_values = true)]
    qemu: Option<String>,
    /// Do not echo the console to the terminal
    #[arg(long)]
    quiet: bool,
    /// A shell on the terminal: no log, no timeout
    #[arg(long)]
    interactive: bool,
}

#[derive(Args)]
struct ParseArgs {
    /// The console log to read
    #[arg(long, value_name = "console.log", allow_hyphen_values = true)]
    log: String,
    /// The variant the log is of (results.json's "variant")
    #[arg(long, value_name = "name", allow_hyphen_values = true)]
    variant: String,
    /// Where results.json is written
    #[arg(long, value_name = "results.json", allow_hyphen_values = true)]
    out: String,
    /// Where the errno matrix is written (removed when the console has none)
    #[arg(long, value_name = "matrix.tsv", allow_hyphen_values = true)]
    matrix_out: Option<String>,
    /// Where each suite's KTAP is written, one <suite>.ktap file each
    #[arg(long, value_name = "dir", allow_hyphen_values = true)]
    ktap_dir: Option<String>,
    /// Where the suites are written as kunit.py's JSON
    #[arg(long, value_name = "file", allow_hyphen_values = true)]
    kunit_json: Option<String>,
}

#[derive(Args)]
struct KunitCompareArgs {
    /// JSON written by `runner parse --kunit-json`
    #[arg(long, value_name = "file", allow_hyphen_values = true)]
    ours: String,
    /// JSON written by `kunit.py parse --json` from the same console log
    #[arg(long, value_name = "file", allow_hyphen_values = true)]
    theirs: String,
    /// The name of the KTAP suite printed
    #[arg(
        long,
        value_name = "NAME",
        default_value = "cross/kunit-json",
        allow_hyphen_values = true
    )]
    suite: String,
}

#[derive(Args)]
struct SummaryArgs {
    /// The expected-results manifest (configs/expected.tsv)
    #[arg(long, value_name = "expected.tsv", allow_hyphen_values = true)]
    expect: Option<String>,
    /// A setting of the run, printed first (repeatable)
    #[arg(long, value_name = "NAME=VALUE", allow_hyphen_values = true)]
    setting: Vec<String>,
    /// `cargo test` output with its exit-status line (repeatable)
    #[arg(long, value_name = "cargo-test-output.txt", allow_hyphen_values = true)]
    host: Vec<String>,
    /// A variant some results file must report (repeatable)
    #[arg(long, value_name = "VARIANT", allow_hyphen_values = true)]
    require: Vec<String>,
    /// Files written by `runner parse`
    #[arg(value_name = "results.json")]
    results: Vec<String>,
}

/// `name=path`, split at the first `=`.
fn name_path(arg: &str) -> Result<(String, String), String> {
    arg.split_once('=')
        .map(|(n, p)| (n.to_string(), p.to_string()))
        .ok_or_else(|| format!("expected name=path, got {arg:?}"))
}

#[derive(Args)]
struct MatrixDiffArgs {
    /// The rows every table must have: 0..N-1
    #[arg(long, value_name = "N", default_value_t = matrix::MATRIX_ROWS, allow_hyphen_values = true)]
    rows: u64,
    /// A table and the name it goes by in the output
    #[arg(value_name = "name=matrix.tsv", required = true, value_parser = name_path)]
    tables: Vec<(String, String)>,
}

#[derive(Args)]
struct FlakyArgs {
    /// Where flaky.tsv and flaky.txt are written
    #[arg(long, value_name = "dir", allow_hyphen_values = true)]
    out_dir: String,
    /// The runs' results, in run order
    #[arg(value_name = "results.json")]
    runs: Vec<String>,
}

/// `key=value` with a non-blank key; both trimmed.
fn key_value(arg: &str) -> Result<(String, String), String> {
    arg.split_once('=')
        .filter(|(k, _)| !k.trim().is_empty())
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .ok_or_else(|| format!("expected key=value, got {arg:?}"))
}

#[derive(Args)]
struct BenchArgs {
    /// Where results.json, bench.svg (and bench-check.log) are written
    #[arg(long, value_name = "dir", allow_hyphen_values = true)]
    out_dir: String,
    /// A line printed above the tables and under the chart (repeatable)
    #[arg(long, value_name = "key=value", allow_hyphen_values = true, value_parser = key_value)]
    meta: Vec<(String, String)>,
    /// Run the gates into <dir>/bench-check.log; exit 1 if one fails
    #[arg(long)]
    check: bool,
    /// A console log and the variant and mode it is of
    #[arg(
        value_name = "variant>:<mode>=<console.log",
        required = true,
        value_parser = bench::parse_input
    )]
    runs: Vec<(String, String, String)>,
}

/// Outcome of a command: an exit status, or a usage error / runtime error message.
enum Fail {
    Usage(String),
    Error(String),
}

fn error<T>(r: Result<T, String>) -> Result<T, Fail> {
    r.map_err(Fail::Error)
}

fn verify_config(a: VerifyConfigArgs) -> Result<u8, Fail> {
    let text = |p: &str| error(read_file(p)).map(|d| String::from_utf8_lossy(&d).into_owned());
    let cfg = text(&a.dotconfig)?;
    let mut frags = Vec::new();
    for f in a.fragments {
        let t = text(&f)?;
        frags.push((f, t));
    }
    let (n, bad) = error(config::verify(&cfg, &frags))?;
    for line in &bad {
        println!("{line}");
    }
    if bad.is_empty() {
        println!("verify-config: all {n} requested options present");
        Ok(0)
    } else {
        Ok(1)
    }
}

fn boot_cmd(a: BootArgs) -> Result<u8, Fail> {
    let o = BootOpts {
        arch: a.arch,
        qemu: a.qemu.unwrap_or_else(|| a.arch.qemu().0.to_string()),
        kernel: a.kernel,
        initrd: a.initrd,
        log: match a.log {
            Some(log) if !a.interactive => log,
            _ => String::new(),
        },
        timeout: a.timeout.unwrap_or(0),
        icount: a.icount,
        append: a.append,
        mem: a.mem,
        smp: a.smp,
        quiet: a.quiet,
        interactive: a.interactive,
    };
    let code = if o.interactive {
        boot::interactive(&o)
    } else {
        boot::run(&o)
    };
    Ok(u8::try_from(code).unwrap_or(1))
}

fn parse_cmd(a: ParseArgs) -> Result<u8, Fail> {
    let data = error(read_file(&a.log))?;
    let res = console::parse_log(&data, &a.variant, &a.log);
    let doc = error(ResultsFile::from(&res).to_json())?;
    error(write_file(&a.out, &doc))?;
    if let Some(m) = &a.matrix_out {
        if !res.matrix.rows.is_empty() {
            error(write_file(m, &matrix::to_tsv(&res.matrix)))?;
        } else if let Err(e) = std::fs::remove_file(m) {
            // No matrix in this console: an older matrix.tsv must not stand for it.
            if e.kind() != std::io::ErrorKind::NotFound {
                return Err(Fail::Error(format!("cannot remove stale {m}: {e}")));
            }
        }
    }
    if let Some(dir) = &a.ktap_dir {
        error(console::write_ktap_dir(dir, &res))?;
    }
    if let Some(path) = &a.kunit_json {
        error(write_file(
            path,
            &error(kunit_json::to_json(&kunit_json::export(&res)))?,
        ))?;
    }
    let count = |o| res.suites.iter().map(|s| s.count(o)).sum::<usize>();
    println!(
        "parse: {}: {} suites, {} passed, {} failed, {} skipped, {} splats, guest finished: {}",
        res.variant,
        res.suites.len(),
        count(console::Outcome::Pass),
        count(console::Outcome::Fail),
        count(console::Outcome::Skip),
        res.splats.len(),
        if res.guest_finished { "yes" } else { "no" }
    );
    Ok(0)
}

fn kunit_compare(a: KunitCompareArgs) -> Result<u8, Fail> {
    let load =
        |p: &str| read_file(p).and_then(|d| kunit_json::parse(&String::from_utf8_lossy(&d), p));
    let checks = match (load(&a.ours), load(&a.theirs)) {
        (Ok(ours), Ok(theirs)) => kunit_json::compare(&ours, &theirs),
        (ours, theirs) => [ours.err(), theirs.err()]
            .into_iter()
            .flatten()
            .map(|e| {
                eprintln!("runner: kunit-compare: {e}");
                kunit_json::Check::failed("both JSON files are readable", &e)
            })
            .collect(),
    };
    print!("{}", kunit_json::render(&a.suite, &checks));
    Ok(u8::from(checks.iter().any(|c| c.difference.is_some())))
}

fn summary_cmd(a: SummaryArgs) -> Result<u8, Fail> {
    let mut sections = Vec::new();
    for path in &a.results {
        let sec = read_file(path)
            .and_then(|d| summary::from_results(&String::from_utf8_lossy(&d), path))
            .unwrap_or_else(|e| summary::broken(path, &e));
        sections.push(sec);
    }
    for path in &a.host {
        let row = match read_file(path) {
            Ok(d) => summary::from_cargo(&String::from_utf8_lossy(&d)),
            Err(e) => summary::Row {
                name: "host/cargo-test".into(),
                failed: 1,
                notes: vec![format!("FAIL {e}")],
                ..Default::default()
            },
        };
        sections.push(summary::Section {
            title: format!("host ({path})"),
            variant: "host".into(),
            rows: vec![row],
            splats: Vec::new(),
        });
    }
    for v in &a.require {
        if !sections.iter().any(|s| &s.variant == v) {
            sections.push(summary::broken(
                &format!("of variant {v}"),
                "no results: the run was to report this variant",
            ));
        }
    }
    if let Some(path) = &a.expect {
        match read_file(path).and_then(|d| expect::parse(&String::from_utf8_lossy(&d), path)) {
            Ok(m) => expect::check(&m, &mut sections),
            Err(e) => sections.push(summary::broken(path, &e)),
        }
    }
    if sections.is_empty() {
        return Err(Fail::Usage(
            "summary needs at least one results.json or --host file".into(),
        ));
    }
    let (text, totals) = summary::render(&sections);
    if !a.setting.is_empty() {
        println!("== settings ==");
        for s in &a.setting {
            println!("{s}");
        }
    }
    print!("{text}");
    Ok(u8::from(totals[1] > 0))
}

fn matrix_diff(a: MatrixDiffArgs) -> Result<u8, Fail> {
    let mut tables = Vec::new();
    for (name, path) in a.tables {
        let data = error(read_file(&path))?;
        let table = error(matrix::parse_tsv(&String::from_utf8_lossy(&data), &path))?;
        tables.push((name, table));
    }
    let short: Vec<String> = tables
        .iter()
        .filter_map(|(name, t)| {
            matrix::check_rows(t, a.rows)
                .err()
                .map(|e| format!("{name}: {e}"))
        })
        .collect();
    if !short.is_empty() {
        println!("matrix-diff: incomplete: {}", short.join("; "));
        return Ok(1);
    }
    match matrix::diff(&tables) {
        Ok(n) => {
            let names: Vec<&str> = tables.iter().map(|(n, _)| n.as_str()).collect();
            println!(
                "matrix-diff: {n} rows identical across {}",
                names.join(", ")
            );
            Ok(0)
        }
        Err(lines) => {
            println!("matrix-diff: tables differ ({} rows)", lines.len());
            for l in lines.iter().take(20) {
                println!("{l}");
            }
            Ok(1)
        }
    }
}

fn flaky_cmd(a: FlakyArgs) -> Result<u8, Fail> {
    let out_dir = a.out_dir.as_str();
    let hunt = || -> Result<(String, bool), String> {
        let mut runs = Vec::new();
        for path in &a.runs {
            let data = read_file(path)?;
            runs.push(flaky::from_results(&String::from_utf8_lossy(&data), path)?);
        }
        let tests = flaky::compare(&runs)?;
        std::fs::create_dir_all(out_dir).map_err(|e| format!("cannot create {out_dir}: {e}"))?;
        let path = |name: &str| format!("{}/{name}", out_dir.trim_end_matches('/'));
        let text = flaky::render(&runs, &tests);
        write_file(&path("flaky.tsv"), &flaky::to_tsv(&tests, runs.len()))?;
        write_file(&path("flaky.txt"), &text)?;
        Ok((text, tests.iter().any(flaky::Test::flaky)))
    };
    match hunt() {
        Ok((text, any)) => {
            print!("{text}");
            Ok(u8::from(any))
        }
        Err(e) => {
            eprintln!("runner: flaky: {e}");
            Ok(EXIT_FLAKY_INPUT)
        }
    }
}

fn bench_cmd(a: BenchArgs) -> Result<u8, Fail> {
    let out_dir = a.out_dir.as_str();
    for (i, (variant, mode, _)) in a.runs.iter().enumerate() {
        if a.runs[..i]
            .iter()
            .any(|(v, m, _)| v == variant && m == mode)
        {
            return Err(Fail::Usage(format!("bench: {variant}:{mode} given twice")));
        }
    }
    let mut runs: Vec<bench::Run> = Vec::new();
    for (variant, mode, log) in a.runs {
        let scan = bench::scan_log(&error(read_file(&log))?);
        for e in &scan.errors {
            eprintln!("runner: bench: {log}: malformed bench line: {e}");
        }
        if scan.samples.is_empty() {
            eprintln!("runner: bench: {log}: no `# bench:` lines");
        }
        runs.push(bench::Run {
            variant,
            mode,
            log,
            scan,
        });
    }
    let b = bench::Bench::new(a.meta, runs);
    error(std::fs::create_dir_all(out_dir).map_err(|e| format!("cannot create {out_dir}: {e}")))?;
    let path = |name: &str| format!("{}/{name}", out_dir.trim_end_matches('/'));
    print!("{}", bench::render_tables(&b));
    let doc = error(bench::BenchResults::new(&b).to_json())?;
    error(write_file(&path("results.json"), &doc))?;
    error(write_file(&path("bench.svg"), &bench_svg::render(&b)))?;
    if !a.check {
        return Ok(0);
    }
    let checks = bench::checks(&b);
    let log = path("bench-check.log");
    error(write_file(&log, &bench::render_check_log(&checks)))?;
    let count = |o| checks.iter().filter(|c| c.outcome == o).count();
    println!();
    for c in checks
        .iter()
        .filter(|c| c.outcome == console::Outcome::Fail)
    {
        println!("FAIL {}: {}", c.name, c.detail);
    }
    let failed = count(console::Outcome::Fail);
    println!(
        "bench checks: {} passed, {failed} failed, {} skipped ({log})",
        count(console::Outcome::Pass),
        count(console::Outcome::Skip)
    );
    Ok(u8::from(failed > 0))
}

fn main() -> ExitCode {
    let cmd = Cli::command().after_help(overview());
    let cli = match cmd
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m))
    {
        Ok(cli) => cli,
        Err(e) => {
            // --help and `runner help` go to stdout with status 0; every mistake, and a
            // bare `runner`, to stderr with EXIT_USAGE.
            let _ = e.print();
            return ExitCode::from(match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => 0,
                _ => EXIT_USAGE,
            });
        }
    };
    let (name, result) = match cli.command {
        Command::VerifyConfig(a) => ("verify-config", verify_config(a)),
        Command::Boot(a) => ("boot", boot_cmd(a)),
        Command::Parse(a) => ("parse", parse_cmd(a)),
        Command::KunitCompare(a) => ("kunit-compare", kunit_compare(a)),
        Command::Summary(a) => ("summary", summary_cmd(a)),
        Command::MatrixDiff(a) => ("matrix-diff", matrix_diff(a)),
        Command::Flaky(a) => ("flaky", flaky_cmd(a)),
        Command::Bench(a) => ("bench", bench_cmd(a)),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(Fail::Usage(msg)) => {
            eprintln!("runner: {msg}\n\nFor more information, try 'runner {name} --help'.");
            ExitCode::from(EXIT_USAGE)
        }
        Err(Fail::Error(msg)) => {
            eprintln!("runner: error: {msg}");
            ExitCode::from(1)
        }
    }
}
