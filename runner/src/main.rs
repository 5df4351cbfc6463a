//! Command-line entry point of `runner`: argument parsing and dispatch to the library.

use runner::boot::{self, BootOpts};
use runner::results::ResultsFile;
use runner::{
    bench, bench_svg, config, console, expect, flaky, matrix, read_file, summary, write_file,
};
use std::collections::HashMap;
use std::process::ExitCode;

const USAGE: &str = "\
usage: runner <command> [args]

commands:
  verify-config <dotconfig> <fragment>...
      check every option the fragments request (later fragments win) is in .config
  boot --kernel <bzImage> --initrd <cpio> --log <console.log> --timeout <secs>
       [--icount] [--append \"<kernel args>\"] [--mem 1G] [--smp 2]
       [--qemu qemu-system-x86_64] [--quiet] [--interactive]
      boot under QEMU/TCG; exit 0 ok, 2 timeout, 3 crash, 4 qemu missing
      (--interactive: terminal attached, no log, no timeout)
  parse --log <console.log> --variant <name> --out <results.json> [--matrix-out <matrix.tsv>]
      turn a console log into results.json (and the errno matrix TSV; a matrix.tsv is
      removed when the console has no matrix, so that a stale one cannot survive)
  summary [--expect <expected.tsv>] [--setting NAME=VALUE]... [--host <cargo-test-output.txt>]...
          [--require VARIANT]... <results.json>...
      per-variant tables; last line `N passed, N failed, N skipped`; exit 1 on failures.
      --setting: printed first (the run's effective settings). --expect: a failing row for
      every suite the manifest requires of a variant that is missing or has fewer cases than
      its minimum, and for every skip it does not allow. --host: `cargo test` output ending
      in a `cargo test exit status: N` line; a non-zero status fails. --require: a failing
      row for every VARIANT that no results file (or --host, for host) reports
  matrix-diff [--rows N] <name=matrix.tsv>...
      compare matrix TSVs; exit 1 if they differ, or if a table does not have exactly the
      rows 0..N-1 (default N: 131712, pidfd_clone_matrix_test's table)
  flaky --out-dir <dir> <results.json>...
      a flake hunt's verdict: two or more results.json of one variant, in run order; every
      (suite, case)'s outcome in each run (pass, fail, skip, or missing), plus a pseudo-case
      per run, `run: guest finished, no splats`; a test is flaky when its outcomes differ.
      Writes <dir>/flaky.tsv (every test: outcome per run, counts, flaky yes/no; flaky ones
      first) and <dir>/flaky.txt (the runs, the flaky tests with their fail/skip reasons),
      prints flaky.txt; exit 0 none flaky, 1 some, 2 unreadable or malformed input or fewer
      than 2 runs
  bench --out-dir <dir> [--meta key=value]... [--check] <variant>:<mode>=<console.log>...
      read `# bench: op=...` lines (and `ok N <op> # SKIP` lines) from benchmark console
      logs; <variant> is upstream, c or rust, <mode> is icount (qemu -icount shift=0:
      deterministic, the comparison), icount2 (a second icount boot, for --check only) or
      tcg (wall-clock, noisy). Prints the meta lines and an icount and a tcg table (ns/op
      medians and rust/c); writes <dir>/results.json and <dir>/bench.svg. --check also
      writes <dir>/bench-check.log (suite bench/check, for `runner parse`) with the gates:
      fork_exit_wait, clone3_einval, autoreap_spawn, autokill_close and pidfd_open_close
      each have a result or a skip in the c and rust icount logs, with rust/c icount ratio
      <= 1.005 (clone3_einval, pidfd_open_close) or <= 1.03 (the three that fork and kill,
      whose counts move with the kernel binary's layout); for every variant with an icount2 log, the fastest repeat of each of those
      ops agrees within 0.2 % between its icount and icount2 boots; every log is a clean
      boot (the guest's final `##> guest-exit: ok`, no kernel splat, no `not ok` line, even
      with `# SKIP`). Exit 1 if a check failed (without --check: exit 0)
";

/// Exit status for command-line mistakes.
const EXIT_USAGE: u8 = 64;

struct Args {
    opts: HashMap<String, Vec<String>>,
    positional: Vec<String>,
}

impl Args {
    /// Split `args` into `--name value` / `--name=value` options, flags and positionals.
    fn parse(args: &[String], valued: &[&str], flags: &[&str]) -> Result<Args, String> {
        let mut a = Args {
            opts: HashMap::new(),
            positional: Vec::new(),
        };
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let Some(opt) = arg.strip_prefix("--") else {
                a.positional.push(arg.clone());
                continue;
            };
            let (name, inline) = match opt.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (opt, None),
            };
            if flags.contains(&name) && inline.is_none() {
                a.opts
                    .entry(name.to_string())
                    .or_default()
                    .push(String::new());
            } else if valued.contains(&name) {
                let v = match inline {
                    Some(v) => v,
                    None => it
                        .next()
                        .ok_or_else(|| format!("--{name} needs a value"))?
                        .clone(),
                };
                a.opts.entry(name.to_string()).or_default().push(v);
            } else {
                return Err(format!("unknown option --{name}"));
            }
        }
        Ok(a)
    }
    fn get(&self, name: &str) -> Option<&str> {
        self.opts
            .get(name)
            .and_then(|v| v.last())
            .map(String::as_str)
    }
    fn need(&self, name: &str) -> Result<&str, String> {
        self.get(name)
            .ok_or_else(|| format!("--{name} is required"))
    }
    fn flag(&self, name: &str) -> bool {
        self.opts.contains_key(name)
    }
}

/// Outcome of a command: an exit status, or a usage error / runtime error message.
enum Fail {
    Usage(String),
    Error(String),
}

fn usage<T>(r: Result<T, String>) -> Result<T, Fail> {
    r.map_err(Fail::Usage)
}

fn error<T>(r: Result<T, String>) -> Result<T, Fail> {
    r.map_err(Fail::Error)
}

fn verify_config(args: &[String]) -> Result<u8, Fail> {
    let a = usage(Args::parse(args, &[], &[]))?;
    let [dotconfig, fragments @ ..] = a.positional.as_slice() else {
        return Err(Fail::Usage(
            "verify-config needs <dotconfig> <fragment>...".into(),
        ));
    };
    if fragments.is_empty() {
        return Err(Fail::Usage(
            "verify-config needs at least one fragment".into(),
        ));
    }
    let text = |p: &str| error(read_file(p)).map(|d| String::from_utf8_lossy(&d).into_owned());
    let cfg = text(dotconfig)?;
    let mut frags = Vec::new();
    for f in fragments {
        frags.push((f.clone(), text(f)?));
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

fn boot_cmd(args: &[String]) -> Result<u8, Fail> {
    let valued = [
        "kernel", "initrd", "log", "timeout", "append", "mem", "smp", "qemu",
    ];
    let a = usage(Args::parse(
        args,
        &valued,
        &["icount", "quiet", "interactive"],
    ))?;
    if let Some(p) = a.positional.first() {
        return Err(Fail::Usage(format!("boot: unexpected argument {p:?}")));
    }
    let interactive = a.flag("interactive");
    let timeout = match a.get("timeout") {
        Some(t) => usage(
            t.parse::<u64>()
                .map_err(|_| format!("--timeout: not a number of seconds: {t:?}")),
        )?,
        None if interactive => 0,
        None => return Err(Fail::Usage("--timeout is required".into())),
    };
    let o = BootOpts {
        kernel: usage(a.need("kernel"))?.to_string(),
        initrd: usage(a.need("initrd"))?.to_string(),
        log: if interactive {
            String::new()
        } else {
            usage(a.need("log"))?.to_string()
        },
        timeout,
        icount: a.flag("icount"),
        append: a.get("append").unwrap_or("").to_string(),
        mem: a.get("mem").unwrap_or("1G").to_string(),
        smp: a.get("smp").unwrap_or("2").to_string(),
        qemu: a.get("qemu").unwrap_or("qemu-system-x86_64").to_string(),
        quiet: a.flag("quiet"),
        interactive,
    };
    let code = if interactive {
        boot::interactive(&o)
    } else {
        boot::run(&o)
    };
    Ok(u8::try_from(code).unwrap_or(1))
}

fn parse_cmd(args: &[String]) -> Result<u8, Fail> {
    let a = usage(Args::parse(
        args,
        &["log", "variant", "out", "matrix-out"],
        &[],
    ))?;
    if let Some(p) = a.positional.first() {
        return Err(Fail::Usage(format!("parse: unexpected argument {p:?}")));
    }
    let log = usage(a.need("log"))?;
    let data = error(read_file(log))?;
    let res = console::parse_log(&data, usage(a.need("variant"))?, log);
    let doc = error(ResultsFile::from(&res).to_json())?;
    error(write_file(usage(a.need("out"))?, &doc))?;
    if let Some(m) = a.get("matrix-out") {
        if !res.matrix.rows.is_empty() {
            error(write_file(m, &matrix::to_tsv(&res.matrix)))?;
        } else if let Err(e) = std::fs::remove_file(m) {
            // No matrix in this console: an older matrix.tsv must not stand for it.
            if e.kind() != std::io::ErrorKind::NotFound {
                return Err(Fail::Error(format!("cannot remove stale {m}: {e}")));
            }
        }
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

fn summary_cmd(args: &[String]) -> Result<u8, Fail> {
    let a = usage(Args::parse(
        args,
        &["host", "expect", "setting", "require"],
        &[],
    ))?;
    let mut sections = Vec::new();
    for path in &a.positional {
        let sec = read_file(path)
            .and_then(|d| summary::from_results(&String::from_utf8_lossy(&d), path))
            .unwrap_or_else(|e| summary::broken(path, &e));
        sections.push(sec);
    }
    for path in a.opts.get("host").into_iter().flatten() {
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
    for v in a.opts.get("require").into_iter().flatten() {
        if !sections.iter().any(|s| &s.variant == v) {
            sections.push(summary::broken(
                &format!("of variant {v}"),
                "no results: the run was to report this variant",
            ));
        }
    }
    if let Some(path) = a.get("expect") {
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
    if let Some(settings) = a.opts.get("setting") {
        println!("== settings ==");
        for s in settings {
            println!("{s}");
        }
    }
    print!("{text}");
    Ok(u8::from(totals[1] > 0))
}

fn matrix_diff(args: &[String]) -> Result<u8, Fail> {
    let a = usage(Args::parse(args, &["rows"], &[]))?;
    let rows = match a.get("rows") {
        Some(n) => usage(
            n.parse::<u64>()
                .map_err(|_| format!("--rows: not a number: {n:?}")),
        )?,
        None => matrix::MATRIX_ROWS,
    };
    if a.positional.is_empty() {
        return Err(Fail::Usage("matrix-diff needs <name=matrix.tsv>...".into()));
    }
    let mut tables = Vec::new();
    for arg in &a.positional {
        let (name, path) = usage(
            arg.split_once('=')
                .ok_or_else(|| format!("matrix-diff: expected name=path, got {arg:?}")),
        )?;
        let data = error(read_file(path))?;
        tables.push((
            name.to_string(),
            error(matrix::parse_tsv(&String::from_utf8_lossy(&data), path))?,
        ));
    }
    let short: Vec<String> = tables
        .iter()
        .filter_map(|(name, t)| {
            matrix::check_rows(t, rows)
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

/// Exit status of `flaky` on bad input (0 and 1 are its verdicts).
const EXIT_FLAKY_INPUT: u8 = 2;

fn flaky_cmd(args: &[String]) -> Result<u8, Fail> {
    let a = usage(Args::parse(args, &["out-dir"], &[]))?;
    let out_dir = usage(a.need("out-dir"))?;
    let hunt = || -> Result<(String, bool), String> {
        let mut runs = Vec::new();
        for path in &a.positional {
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

fn bench_cmd(args: &[String]) -> Result<u8, Fail> {
    let a = usage(Args::parse(args, &["out-dir", "meta"], &["check"]))?;
    let out_dir = usage(a.need("out-dir"))?;
    let mut meta = Vec::new();
    for m in a.opts.get("meta").into_iter().flatten() {
        let (k, v) = usage(
            m.split_once('=')
                .filter(|(k, _)| !k.trim().is_empty())
                .ok_or_else(|| format!("--meta: expected key=value, got {m:?}")),
        )?;
        meta.push((k.trim().to_string(), v.trim().to_string()));
    }
    if a.positional.is_empty() {
        return Err(Fail::Usage(
            "bench needs at least one <variant>:<mode>=<console.log>".into(),
        ));
    }
    let mut runs: Vec<bench::Run> = Vec::new();
    for arg in &a.positional {
        let (variant, mode, log) = usage(bench::parse_input(arg))?;
        if runs.iter().any(|r| r.variant == variant && r.mode == mode) {
            return Err(Fail::Usage(format!("bench: {variant}:{mode} given twice")));
        }
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
    let b = bench::Bench::new(meta, runs);
    error(std::fs::create_dir_all(out_dir).map_err(|e| format!("cannot create {out_dir}: {e}")))?;
    let path = |name: &str| format!("{}/{name}", out_dir.trim_end_matches('/'));
    print!("{}", bench::render_tables(&b));
    let doc = error(bench::BenchResults::new(&b).to_json())?;
    error(write_file(&path("results.json"), &doc))?;
    error(write_file(&path("bench.svg"), &bench_svg::render(&b)))?;
    if !a.flag("check") {
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
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((cmd, rest)) = args.split_first() else {
        eprint!("{USAGE}");
        return ExitCode::from(EXIT_USAGE);
    };
    let result = match cmd.as_str() {
        "-h" | "--help" | "help" => {
            print!("{USAGE}");
            Ok(0)
        }
        "verify-config" => verify_config(rest),
        "boot" => boot_cmd(rest),
        "parse" => parse_cmd(rest),
        "summary" => summary_cmd(rest),
        "matrix-diff" => matrix_diff(rest),
        "flaky" => flaky_cmd(rest),
        "bench" => bench_cmd(rest),
        other => Err(Fail::Usage(format!("unknown command {other:?}"))),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(Fail::Usage(msg)) => {
            eprintln!("runner: {msg}\n\n{USAGE}");
            ExitCode::from(EXIT_USAGE)
        }
        Err(Fail::Error(msg)) => {
            eprintln!("runner: error: {msg}");
            ExitCode::from(1)
        }
    }
}
