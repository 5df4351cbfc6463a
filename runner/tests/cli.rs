//! Integration tests: run the `runner` binary on the sample logs, configs, TSVs and fake
//! QEMU scripts under tests/data/.

use runner::bench::BenchResults;
use runner::console::Kind;
use runner::results::{ResultsFile, SuiteRecord};
use std::path::Path;
use std::time::{Duration, Instant};
mod common;
use common::{data, run, scratch};

fn parse_to_json(log: &str, dir: &Path, extra: &[&str]) -> ResultsFile {
    let out = dir.join("results.json");
    let out = out.to_str().expect("utf-8 path");
    let mut args = vec!["parse", "--log", log, "--variant", "rust", "--out", out];
    args.extend_from_slice(extra);
    let (code, _, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(out).expect("results.json");
    ResultsFile::parse(&text, out).expect("valid results.json")
}

fn suite<'a>(doc: &'a ResultsFile, name: &str) -> &'a SuiteRecord {
    doc.suites.iter().find(|s| s.name == name).expect(name)
}

fn counts(s: &SuiteRecord) -> [usize; 3] {
    [s.passed, s.failed, s.skipped]
}

fn cases(s: &SuiteRecord) -> Vec<(String, String, String)> {
    s.cases
        .iter()
        .map(|c| {
            let result = c.outcome.as_str().to_string();
            (c.name.clone(), result, c.reason.clone())
        })
        .collect()
}

/// Every subcommand of the runner.
const COMMANDS: [&str; 8] = [
    "verify-config",
    "boot",
    "parse",
    "kunit-compare",
    "summary",
    "matrix-diff",
    "flaky",
    "bench",
];

#[test]
fn help_lists_commands() {
    let (code, out, _) = run(&["--help"]);
    assert_eq!(code, 0);
    for cmd in COMMANDS {
        assert!(out.contains(cmd), "{cmd}");
    }
    for cmd in [
        "flaky --out-dir",
        "--icount",
        "bench --out-dir",
        "bench-check.log",
    ] {
        assert!(out.contains(cmd), "{cmd}");
    }
    assert_eq!(run(&["bogus"]).0, 64);
}

#[test]
fn every_command_has_help_and_mistakes_exit_64() {
    for cmd in COMMANDS {
        let (code, out, err) = run(&[cmd, "--help"]);
        assert_eq!(code, 0, "{cmd}: {err}");
        assert!(
            out.contains(&format!("Usage: runner {cmd} ")),
            "{cmd}: {out}"
        );
        assert_eq!(run(&["help", cmd]).1, out);
    }
    let (code, out, err) = run(&[]);
    assert_eq!((code, out.as_str()), (64, ""));
    assert!(err.contains("Usage: runner <COMMAND>"), "{err}");
    let (a, b) = (data("a.tsv"), data("b.tsv"));
    for bad in [
        vec!["parse", "--log"],
        vec![
            "parse",
            "--log",
            "x",
            "--variant",
            "v",
            "--out",
            "o",
            "extra",
        ],
        vec!["verify-config", "only.config"],
        vec!["matrix-diff", "--rows", "3", &a],
        vec!["matrix-diff", "--rows", "three", "a=x"],
        vec!["boot", "--kernel", "k", "--initrd", "i", "--log", "l"],
        vec!["boot", "--kernel", "k", "--initrd", "i", "--timeout", "5"],
        vec!["summary", "--unknown", "r.json"],
        vec!["summary"],
        vec!["flaky", "--out-dir"],
    ] {
        let (code, _, err) = run(&bad);
        assert_eq!(code, 64, "{bad:?}: {err}");
    }
    // A repeated option: the last one counts.
    let (a, b) = (format!("a={a}"), format!("b={b}"));
    let (code, out, _) = run(&["matrix-diff", "--rows", "7", "--rows=3", &a, &b]);
    assert_eq!(
        (code, out.as_str()),
        (0, "matrix-diff: 3 rows identical across a, b\n")
    );
}

#[test]
fn verify_config_reports_dropped_options() {
    let (code, out, _) = run(&[
        "verify-config",
        &data("dotconfig"),
        &data("base.config"),
        &data("rust.config"),
    ]);
    assert_eq!(code, 1);
    let rust = data("rust.config");
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        vec![
            format!("verify-config: CONFIG_DEBUG_INFO requested <not set> by {rust}, but .config has: =y"),
            format!("verify-config: CONFIG_RUST requested =y by {rust}, but .config has: <not set>"),
        ]
    );
    let (code, out, _) = run(&["verify-config", &data("dotconfig"), &data("kunit.config")]);
    assert_eq!(
        (code, out.as_str()),
        (0, "verify-config: all 4 requested options present\n")
    );
    let (code, _, err) = run(&["verify-config", &data("dotconfig"), "/nonexistent.config"]);
    assert_eq!(code, 1);
    assert!(err.contains("/nonexistent.config"));
}

#[test]
fn parse_passing_run_with_kunit_and_matrix() {
    let dir = scratch("parse-pass");
    let tsv = dir.join("matrix.tsv");
    let doc = parse_to_json(
        &data("pass.log"),
        &dir,
        &["--matrix-out", tsv.to_str().expect("path")],
    );
    assert!(doc.guest_finished);
    assert_eq!((doc.schema_version, doc.variant.as_str()), (1, "rust"));
    assert!(doc.console_tail.is_empty());
    assert!(doc.splats.is_empty());
    let text = std::fs::read_to_string(dir.join("results.json")).expect("results.json");
    assert!(text.starts_with("{\n  \"schema_version\": 1,\n"), "{text}");

    let k = suite(&doc, "kunit/pidfd_autokill");
    assert_eq!(k.kind, Kind::Kunit);
    assert_eq!(counts(k), [3, 1, 1]);
    let kc = cases(k);
    assert_eq!(
        kc[2],
        (
            "pidfd_autokill_params/flags=1".into(),
            "fail".into(),
            "not ok".into()
        )
    );
    assert_eq!(kc[3].2, "unsupported flag");
    assert_eq!(counts(suite(&doc, "kunit/rust_helpers")), [1, 0, 0]);

    // Interleaved kernel line ignored, XFAIL counts as a pass.
    let t = suite(&doc, "pidfd/pidfd_test");
    assert_eq!((counts(t), t.exit_code), ([3, 0, 0], Some(0)));
    let f = suite(&doc, "pidfd/pidfd_fdinfo_test");
    assert_eq!(
        cases(f)[1],
        (
            "fdinfo_ns".into(),
            "skip".into(),
            "CONFIG_PID_NS not set".into()
        )
    );
    assert!(doc.suites.iter().all(|s| s.name != "guest/boot"));

    let tsv = std::fs::read_to_string(tsv).expect("matrix written");
    assert_eq!(
        tsv,
        "# flags=4\n# modes=5\n# kernel=7.3\nindex\tresult\n0\tok\n1\tok\n2\tok\n3\tE6\n4\tEPERM\n5\tENOMEM\n6\tok\n"
    );
}

#[test]
fn parse_crashed_run() {
    let dir = scratch("parse-crash");
    let tsv = dir.join("matrix.tsv");
    let doc = parse_to_json(
        &data("crash.log"),
        &dir,
        &["--matrix-out", tsv.to_str().expect("path")],
    );
    assert!(!tsv.exists(), "no matrix rows, no TSV");
    assert!(!doc.guest_finished);
    let w = suite(&doc, "pidfd/pidfd_wait");
    let wc = cases(w);
    assert_eq!(wc[1].2, "pidfd_wait.c:42: Expected 0 == ret (-22)");
    assert_eq!(
        wc[2],
        (
            "wait_nohang".into(),
            "fail".into(),
            "skip without a reason".into()
        )
    );
    assert_eq!(wc[3].0, "wait_quoted \"q\" \\ \u{1} \u{fffd}");
    assert_eq!(counts(w), [2, 2, 0]);
    assert!(cases(suite(&doc, "pidfd/pidfd_hang"))[1]
        .2
        .contains("rc=124"));
    assert_eq!(
        cases(suite(&doc, "pidfd/pidfd_silent"))[0].0,
        "pidfd/pidfd_silent: no TAP output"
    );
    assert_eq!(
        cases(suite(&doc, "pidfd/pidfd_rc"))[1].0,
        "pidfd/pidfd_rc: exit status 3"
    );
    assert_eq!(counts(suite(&doc, "pidfd/pidfd_skipall")), [0, 0, 1]);
    let crash = cases(suite(&doc, "pidfd/pidfd_crash"));
    assert!(crash
        .iter()
        .any(|c| c.0 == "pidfd/pidfd_crash: no suite-end marker"));
    let boot = suite(&doc, "guest/boot");
    assert_eq!(boot.kind, Kind::Guest);
    assert_eq!(cases(boot)[0].2, "no final line: the guest crashed");

    assert_eq!(doc.splats.len(), 4);
    assert_eq!(doc.splats[0].line, 10);
    let text = &doc.splats[0].text;
    assert!(text.starts_with("WARNING: CPU: 0 PID: 57"), "{text}");
    let tail = &doc.console_tail;
    assert_eq!(tail.len(), 33);
    assert_eq!(
        tail[32],
        "[    2.000001] Kernel panic - not syncing: Fatal exception"
    );
}

#[test]
fn parse_timeout_line() {
    let dir = scratch("parse-timeout");
    let doc = parse_to_json(&data("timeout.log"), &dir, &[]);
    assert_eq!(cases(suite(&doc, "guest/boot"))[0].2, "timeout after 5 s");
    let (code, _, err) = run(&[
        "parse",
        "--log",
        "/nonexistent.log",
        "--variant",
        "x",
        "--out",
        "/tmp/x",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("/nonexistent.log"));
}

/// A console with two KUnit suites (one nested, kernel noise between and inside them) and
/// two kselftest suites (a kernel line inside one).
const KTAP_LOG: &str = "[    0.100000] Linux version 7.3.0\n\
[    0.200000][    T1] KTAP version 1\n\
[    0.200001][    T1] 1..2\n\
[    0.200002][    T1]     KTAP version 1\n\
[    0.200003][    T1]     # Subtest: clone_autokill\n\
[    0.200004][    T1]     1..2\n\
[    0.200005][    T1]     ok 1 check_flags\n\
[    0.200006][    T1]         KTAP version 1\n\
[    0.200007][    T1]         # Subtest: params\n\
[    0.200008][    T1]         ok 1 flags=0\n\
[    0.200009][    T1]     ok 2 params\n\
[    0.200010] random: noise inside a suite\n\
[    0.200011][    T1] # clone_autokill: pass:2 fail:0 skip:0 total:2\n\
[    0.200012][    T1] ok 1 clone_autokill\n\
[    0.200013] random: noise between suites\n\
[    0.200014][    T1]     KTAP version 1\n\
[    0.200015][    T1]     # Subtest: other\n\
[    0.200016][    T1]     1..1\n\
[    0.200017][    T1]     ok 1 one # SKIP no hw\n\
[    0.200018][    T1] ok 2 other\n\
[    0.200019][    T1] # Totals: pass:2 fail:0 skip:1 total:3\n\
##> suite-begin pidfd/pidfd_test\n\
TAP version 13\n\
1..2\n\
ok 1 open\n\
[    0.700000] random: crng init done\n\
# a comment\n\
ok 2 poll # SKIP no poll\n\
##> suite-end pidfd/pidfd_test rc=0\n\
##> suite-begin pidfd/silent\n\
##> suite-end pidfd/silent rc=1\n\
##> guest-exit: ok\n";

#[test]
fn parse_ktap_dir_keeps_every_suite_as_printed() {
    let dir = scratch("ktap-dir");
    let log = dir.join("console.log");
    std::fs::write(&log, KTAP_LOG).expect("write log");
    let ktap = dir.join("ktap");
    std::fs::create_dir_all(&ktap).expect("mkdir");
    std::fs::write(ktap.join("kunit__stale.ktap"), "old\n").expect("write");
    std::fs::write(ktap.join("notes.txt"), "mine\n").expect("write");
    let ktap_s = ktap.to_str().expect("path");
    parse_to_json(log.to_str().expect("path"), &dir, &["--ktap-dir", ktap_s]);
    let mut names: Vec<String> = std::fs::read_dir(&ktap)
        .expect("ktap dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "kunit__clone_autokill.ktap",
            "kunit__other.ktap",
            "notes.txt",
            "pidfd__pidfd_test.ktap",
            "pidfd__silent.ktap"
        ]
    );
    let read = |n: &str| std::fs::read_to_string(ktap.join(n)).expect(n);
    assert_eq!(
        read("kunit__clone_autokill.ktap"),
        "    KTAP version 1\n    # Subtest: clone_autokill\n    1..2\n    ok 1 check_flags\n\
         \x20       KTAP version 1\n        # Subtest: params\n        ok 1 flags=0\n    ok 2 params\n\
         random: noise inside a suite\n# clone_autokill: pass:2 fail:0 skip:0 total:2\n\
         ok 1 clone_autokill\n"
    );
    assert_eq!(
        read("kunit__other.ktap"),
        "    KTAP version 1\n    # Subtest: other\n    1..1\n    ok 1 one # SKIP no hw\nok 2 other\n"
    );
    assert_eq!(
        read("pidfd__pidfd_test.ktap"),
        "TAP version 13\n1..2\nok 1 open\n# a comment\nok 2 poll # SKIP no poll\n"
    );
    assert_eq!(read("pidfd__silent.ktap"), "");
    assert_eq!(read("notes.txt"), "mine\n");
}

/// `runner parse --kunit-json` of `log` into `<dir>/<name>`; returns its path.
fn kunit_json(dir: &Path, name: &str, log: &str) -> String {
    let out = dir.join(name).to_str().expect("path").to_string();
    let res = dir.join(format!("{name}.results.json"));
    let res = res.to_str().expect("path");
    let args = ["parse", "--log", log, "--variant", "v", "--out", res];
    let (code, _, err) = run(&[&args[..], &["--kunit-json", &out]].concat());
    assert_eq!(code, 0, "{err}");
    out
}

#[test]
fn kunit_compare_agrees_differs_and_fails_on_nothing() {
    let dir = scratch("kunit-compare");
    let log = dir.join("console.log");
    std::fs::write(&log, KTAP_LOG).expect("write log");
    let ours = kunit_json(&dir, "ours.json", log.to_str().expect("path"));
    let text = std::fs::read_to_string(&ours).expect("ours");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("json");
    let names: Vec<&str> = doc["sub_groups"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| g["name"].as_str().expect("name"))
        .collect();
    assert_eq!(
        names,
        [
            "clone_autokill",
            "other",
            "pidfd/pidfd_test",
            "pidfd/silent"
        ]
    );
    assert_eq!(doc["misc"]["tests"], 6);

    // Theirs: what kunit.py writes, the KUnit groups only (params nested).
    let theirs = dir.join("theirs.json");
    let theirs_s = theirs.to_str().expect("path");
    let mut t = doc.clone();
    t["sub_groups"].as_array_mut().expect("groups").truncate(2);
    let g = &mut t["sub_groups"][0];
    let mut params = g.clone();
    params["name"] = "params".into();
    params["test_cases"] = serde_json::json!([{"name": "flags=0", "status": "PASS"}]);
    g["test_cases"].as_array_mut().expect("cases").truncate(1);
    g["sub_groups"] = serde_json::json!([params]);
    let write = |v: &serde_json::Value| std::fs::write(&theirs, v.to_string()).expect("write");
    write(&t);
    let compare = |extra: &[&str]| {
        let args = ["kunit-compare", "--ours", &ours, "--theirs", theirs_s];
        run(&[&args[..], extra].concat())
    };
    let (code, out, err) = compare(&[]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        out,
        "##> suite-begin cross/kunit-json\nTAP version 13\n1..2\n\
         ok 1 kunit.py and runner agree on clone_autokill (2 cases)\n\
         ok 2 kunit.py and runner agree on other (1 case)\n\
         # kunit-compare: 2 of 2 checks agree\n\
         ##> suite-end cross/kunit-json rc=0\n##> guest-exit: ok\n"
    );
    // The report is a suite `runner parse` reads back.
    let report = dir.join("report.log");
    std::fs::write(&report, &out).expect("write");
    let back = parse_to_json(report.to_str().expect("path"), &dir, &[]);
    assert_eq!(counts(suite(&back, "cross/kunit-json")), [2, 0, 0]);

    // One count edited: not ok, exit 1; --suite names the suite.
    t["sub_groups"][1]["misc"]["skipped"] = 0.into();
    write(&t);
    let (code, out, _) = compare(&["--suite", "cross/kunit-rust"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.starts_with("##> suite-begin cross/kunit-rust\n"),
        "{out}"
    );
    assert!(
        out.contains("\nnot ok 2 kunit.py and runner agree on other (1 case): skipped 0 (kunit.py) vs 1 (runner)\n"),
        "{out}"
    );

    // No group in theirs: nothing compared is a failure.
    t["sub_groups"] = serde_json::json!([]);
    write(&t);
    let (code, out, _) = compare(&[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("\n1..1\n# its JSON has no sub_groups: nothing was compared\nnot ok 1 "));

    // A malformed or missing file: exit 1, the file named on stderr and in the report.
    std::fs::write(&theirs, "{\"name\": \"KUnit Test Group\", ").expect("write");
    let (code, out, err) = compare(&[]);
    assert_eq!(code, 1, "{out}");
    let want = format!("{theirs_s}: not kunit.py JSON: EOF while parsing");
    assert!(err.contains(&want), "{err}");
    assert!(out.contains(&format!("not ok 1 both JSON files are readable: {want}")));
    let (code, _, err) = run(&[
        "kunit-compare",
        "--ours",
        "/nonexistent.json",
        "--theirs",
        theirs_s,
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("cannot read /nonexistent.json"), "{err}");
    assert_eq!(run(&["kunit-compare", "--ours", &ours]).0, 64);
}

#[test]
fn matrix_diff_equal_and_unequal() {
    let (a, b, c) = (data("a.tsv"), data("b.tsv"), data("c.tsv"));
    // The sample tables have 3 rows; the real one's 131712 is the default (tests/gates.rs).
    let (code, out, _) = run(&[
        "matrix-diff",
        "--rows",
        "3",
        &format!("a={a}"),
        &format!("b={b}"),
    ]);
    assert_eq!(
        (code, out.as_str()),
        (0, "matrix-diff: 3 rows identical across a, b\n")
    );
    let (code, out, _) = run(&[
        "matrix-diff",
        "--rows=3",
        &format!("a={a}"),
        &format!("b={b}"),
        &format!("c={c}"),
    ]);
    assert_eq!(code, 1);
    assert!(out.starts_with("matrix-diff: tables differ"));
    assert!(out.contains("\n1  a=ok  b=ok  c=EPERM\n"), "{out}");
    let (code, _, err) = run(&["matrix-diff", &format!("a={a}"), "z=/nonexistent.tsv"]);
    assert_eq!(code, 1);
    assert!(err.contains("/nonexistent.tsv"));
}

#[test]
fn summary_totals_and_exit_codes() {
    let dir = scratch("summary");
    let mk = |log: &str, variant: &str| {
        let out = dir.join(format!("{variant}.json"));
        let out = out.to_str().expect("path").to_string();
        assert_eq!(
            run(&[
                "parse",
                "--log",
                &data(log),
                "--variant",
                variant,
                "--out",
                &out
            ])
            .0,
            0
        );
        out
    };
    let good = mk("allpass.log", "upstream");
    let (code, out, _) = run(&["summary", "--host", &data("cargo-test.txt"), &good]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("    SKIP b: not here\n"));
    assert!(out.contains("    SKIP tests::slow: needs hardware\n"));
    assert_eq!(out.lines().last(), Some("4 passed, 0 failed, 2 skipped"));

    let bad = mk("crash.log", "c");
    let garbled = dir.join("garbled.json");
    std::fs::write(&garbled, "{\"variant\": ").expect("write");
    let (code, out, _) = run(&[
        "summary",
        &good,
        &bad,
        garbled.to_str().expect("path"),
        "/nonexistent.json",
    ]);
    assert_eq!(code, 1);
    let log = data("crash.log");
    assert!(
        out.contains(&format!("SPLAT c {log}:10: WARNING: CPU: 0 PID: 57")),
        "{out}"
    );
    assert!(out.contains("    FAIL wait_nohang: skip without a reason\n"));
    // allpass 1+0+1; crash 4 passed, 8 failed, 1 skipped + 4 splats; 2 broken files.
    assert_eq!(out.lines().last(), Some("5 passed, 14 failed, 2 skipped"));
}

fn fake_qemu(name: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    let path = data(name);
    // Git keeps the mode, but a tarball might not.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    path
}

fn boot(dir: &Path, qemu: &str, timeout: &str) -> (i32, String, String, String, Duration) {
    let log = dir.join("console.log");
    let start = Instant::now();
    let (code, out, err) = run(&[
        "boot",
        "--kernel",
        "bzImage",
        "--initrd",
        "initrd.cpio",
        "--log",
        log.to_str().expect("path"),
        "--timeout",
        timeout,
        "--qemu",
        qemu,
        "--icount",
        "--append",
        "rdinit=/init",
    ]);
    let elapsed = start.elapsed();
    (
        code,
        out,
        err,
        std::fs::read_to_string(&log).unwrap_or_default(),
        elapsed,
    )
}

#[test]
fn boot_ok() {
    let dir = scratch("boot-ok");
    let (code, out, err, log, _) = boot(&dir, &fake_qemu("fake-qemu-ok.sh"), "20");
    assert_eq!(code, 0, "{err}");
    assert!(log.contains("-icount shift=0,align=off,sleep=off"));
    assert!(log.contains("console=ttyS0 panic=-1 oops=panic panic_on_warn=1 rdinit=/init"));
    assert!(log.ends_with("##> guest-exit: ok\n"));
    assert!(out.contains("##> guest-exit: ok"), "echoed to stdout");
    assert!(err.contains("boot: finished in "));
}

#[test]
fn boot_crash() {
    let dir = scratch("boot-crash");
    let (code, _, err, log, _) = boot(&dir, &fake_qemu("fake-qemu-crash.sh"), "20");
    assert_eq!(code, 3, "{err}");
    assert!(log.ends_with("##> host: guest ended without its final line (crash)\n"));
    assert!(err.contains("boot: guest crashed; last 50 console lines:\n##> guest-exit: crash\n"));
}

#[test]
fn boot_timeout() {
    for (i, script) in ["fake-qemu-hang.sh", "fake-qemu-silent.sh"]
        .iter()
        .enumerate()
    {
        let dir = scratch(&format!("boot-timeout-{i}"));
        let (code, _, err, log, elapsed) = boot(&dir, &fake_qemu(script), "2");
        assert_eq!(code, 2, "{err}");
        assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
        assert!(log.ends_with("##> host: timeout after 2 s\n"));
        assert!(err.contains("boot: TIMEOUT after 2 s; last 50 console lines:"));
    }
}

#[test]
fn boot_without_qemu() {
    let dir = scratch("boot-noqemu");
    let (code, _, err, _, _) = boot(&dir, "/nonexistent/qemu-system-x86_64", "5");
    assert_eq!(code, 4);
    assert!(err.contains("/nonexistent/qemu-system-x86_64") && err.contains("qemu-system-x86"));
}

fn bench_logs() -> Vec<String> {
    [
        ("upstream", "icount"),
        ("c", "icount"),
        ("rust", "icount"),
        ("c", "tcg"),
        ("rust", "tcg"),
    ]
    .iter()
    .map(|(v, m)| format!("{v}:{m}={}", data(&format!("bench-{m}-{v}.log"))))
    .collect()
}

#[test]
fn bench_tables_json_svg_and_checks() {
    let dir = scratch("bench");
    let out = dir.join("out");
    let out_s = out.to_str().expect("path");
    let mut args = vec![
        "bench",
        "--out-dir",
        out_s,
        "--meta",
        "kernel=7.3.0",
        "--meta=qemu=QEMU emulator version 10.0.2",
    ];
    let logs = bench_logs();
    args.extend(logs.iter().map(String::as_str));

    // Table mode: exit 0 even though a ratio is over the limit; no check log.
    let (code, stdout, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    assert!(!out.join("bench-check.log").exists());
    assert!(stdout.starts_with("kernel: 7.3.0\nqemu: QEMU emulator version 10.0.2\n\n"));
    let icount = stdout
        .find("instruction-count time (qemu -icount shift=0): deterministic, the comparison\n")
        .expect("icount heading");
    let tcg = stdout
        .find("plain TCG wall-clock: noisy, for orientation only — not the comparison\n")
        .expect("tcg heading");
    assert!(icount < tcg);
    let lines: Vec<&str> = stdout.lines().collect();
    let row = |from: usize, op: &str| {
        lines
            .iter()
            .skip(from)
            .find(|l| l.starts_with(&format!("{op} ")))
            .map(|l| l.split('|').map(str::trim).collect::<Vec<_>>())
            .expect(op)
    };
    let tcg_line = stdout[..tcg].lines().count();
    assert_eq!(row(0, "op"), vec!["op", "upstream", "c", "rust", "rust/c"]);
    assert_eq!(
        row(0, "autokill_close"),
        vec!["autokill_close", "skip", "171250.0", "173356.4", "1.0123"]
    );
    assert_eq!(
        row(0, "autoreap_spawn"),
        vec!["autoreap_spawn", "skip", "160012.5", "160380.1", "1.0023"]
    );
    assert_eq!(
        row(tcg_line, "fork_exit_wait"),
        vec!["fork_exit_wait", "-", "98000.0", "97000.0", "0.9898"]
    );
    assert_eq!(
        row(tcg_line, "send_signal_kill"),
        vec!["send_signal_kill", "-", "-", "-", "-"]
    );

    let path = out.join("results.json");
    let text = std::fs::read_to_string(&path).expect("json");
    let doc = BenchResults::parse(&text, path.to_str().expect("path")).expect("bench results");
    assert_eq!(doc.schema_version, 1);
    assert_eq!(doc.meta["qemu"], "QEMU emulator version 10.0.2");
    let c = &doc.modes["icount"]["autoreap_spawn"]["c"];
    assert_eq!((c.median_ns, c.spread_pct, c.r), (160012.5, 0.05, 5));
    assert_eq!(c.runs.len(), 5);
    assert_eq!(doc.modes["tcg"]["clone3_einval"]["rust"].median_ns, 655.0);
    let ratio = doc.ratios["autokill_close"];
    assert!((ratio - 173356.4 / 171250.0).abs() < 1e-12);
    assert_eq!(doc.ratios.get("autokill_close_newpid_1"), None);
    assert!(!doc.modes["icount"]["autokill_close"].contains_key("upstream"));
    assert_eq!(
        doc.skipped["icount"]["autokill_close"].get("upstream"),
        Some(&"CLONE_AUTOKILL not supported by this kernel".to_string())
    );

    let svg = std::fs::read_to_string(out.join("bench.svg")).expect("svg");
    assert!(svg.starts_with("<?xml"));
    assert!(svg.contains("xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.contains("instruction-count time relative to the c variant (1.0 = same)"));
    assert!(svg.contains(">1.0123</text>"));
    assert!(svg.contains(">qemu: QEMU emulator version 10.0.2</text>"));
    assert_eq!(svg.matches("<svg").count(), 1);
    assert!(svg.trim_end().ends_with("</svg>"));
    assert_eq!(svg.matches("<text").count(), svg.matches("</text>").count());

    // --check: same outputs plus the check log; every gate holds on these logs (autokill_close
    // 1.0123 is inside its 1.03 limit; bench_check_real_logs shows the gate failing).
    let mut check_args = args.clone();
    check_args.push("--check");
    let (code, stdout, err) = run(&check_args);
    assert_eq!(code, 0, "{err}\n{stdout}");
    assert!(stdout.ends_with(&format!(
        "bench checks: 10 passed, 0 failed, 0 skipped ({out_s}/bench-check.log)\n"
    )));
    let check_log = out.join("bench-check.log");
    let doc = parse_to_json(check_log.to_str().expect("path"), &dir, &[]);
    assert!(doc.guest_finished);
    let s = suite(&doc, "bench/check");
    assert_eq!(counts(s), [10, 0, 0]);
    assert_eq!(s.exit_code, Some(0));
    let cs = cases(s);
    assert_eq!(
        cs[3],
        (
            "rust/c icount ratio <= 1.03 for autokill_close".into(),
            "pass".into(),
            String::new()
        )
    );
}

#[test]
fn bench_check_passes_and_absent_data() {
    let dir = scratch("bench-check");
    let line = |ns: f64| {
        format!("[    1.000000] boot\n# bench: op=fork_exit_wait n=10 r=2 median_ns={ns} min_ns={ns} max_ns={ns} spread_pct=0.0 runs={ns},{ns}\nok 2 clone3_einval # SKIP no clone3\nok 3 autoreap_spawn # SKIP no\nok 4 autokill_close # SKIP no\nok 5 pidfd_open_close # SKIP no\n##> guest-exit: ok\n")
    };
    let write = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).expect("write log");
        p.to_str().expect("path").to_string()
    };
    let (c, rust) = (
        write("c.log", &line(100.0)),
        write("rust.log", &line(100.5)),
    );
    let out = dir.join("out");
    let out = out.to_str().expect("path");
    let (code, stdout, err) = run(&[
        "bench",
        "--check",
        "--out-dir",
        out,
        &format!("c:icount={c}"),
        &format!("rust:icount={rust}"),
    ]);
    assert_eq!(code, 0, "{stdout}{err}");
    assert!(
        stdout.contains("bench checks: 3 passed, 0 failed, 4 skipped"),
        "{stdout}"
    );
    assert!(stdout.contains("(no tcg logs given)"));
    let log = std::fs::read_to_string(format!("{out}/bench-check.log")).expect("check log");
    assert!(log.contains("ok 2 rust/c icount ratio <= 1.005 for clone3_einval # SKIP c: no clone3; rust: no clone3\n"), "{log}");

    // Only tcg data: the icount comparison is absent, which is a failure.
    let (code, stdout, _) = run(&["bench", "--check", "--out-dir", out, &format!("c:tcg={c}")]);
    assert_eq!(code, 1);
    assert!(stdout.contains("FAIL icount results present for c and rust: no icount bench results for c and rust: no c:icount log given; no rust:icount log given"), "{stdout}");

    // A log without bench lines and a malformed line are reported, not fatal.
    let empty = write(
        "empty.log",
        "[    1.000000] nothing here\n# bench: op=x r=1\n",
    );
    let (code, _, err) = run(&["bench", "--out-dir", out, &format!("rust:icount={empty}")]);
    assert_eq!(code, 0);
    assert!(
        err.contains("empty.log: malformed bench line: line 2: "),
        "{err}"
    );
    assert!(err.contains("empty.log: no `# bench:` lines"), "{err}");

    // Usage errors.
    for bad in [
        vec!["bench", "--out-dir", out],
        vec!["bench", &format!("c:icount={c}")],
        vec!["bench", "--out-dir", out, "c:kvm=x.log"],
        vec![
            "bench",
            "--out-dir",
            out,
            "--meta",
            "novalue",
            &format!("c:icount={c}"),
        ],
        vec![
            "bench",
            "--out-dir",
            out,
            &format!("c:icount={c}"),
            &format!("c:icount={rust}"),
        ],
    ] {
        assert_eq!(run(&bad).0, 64, "{bad:?}");
    }
    let (code, _, err) = run(&["bench", "--out-dir", out, "c:icount=/nonexistent.log"]);
    assert_eq!(code, 1);
    assert!(err.contains("/nonexistent.log"));
}

/// `runner flaky` on the crafted results.json files of tests/data/flaky: exit status, stdout
/// and the <out>/flaky.tsv it wrote.
fn flaky(out: &Path, runs: &[&str]) -> (i32, String, String, String) {
    let out = out.to_str().expect("path");
    let _ = std::fs::remove_file(format!("{out}/flaky.tsv"));
    let files: Vec<String> = runs.iter().map(|r| data(&format!("flaky/{r}"))).collect();
    let mut args = vec!["flaky", "--out-dir", out];
    args.extend(files.iter().map(String::as_str));
    let (code, stdout, err) = run(&args);
    let tsv = std::fs::read_to_string(format!("{out}/flaky.tsv")).unwrap_or_default();
    (code, stdout, err, tsv)
}

#[test]
fn flaky_finds_changed_results() {
    let dir = scratch("flaky");
    let out = dir.join("out");
    const AUTOKILL: &str = "pidfd/pidfd_autokill_test";

    // Identical runs: nothing flaky, exit 0; flaky.txt is what was printed.
    let (code, stdout, err, tsv) = flaky(&out, &["ok.json", "ok.json", "ok.json"]);
    assert_eq!(code, 0, "{stdout}{err}");
    assert_eq!(
        stdout.lines().last(),
        Some("no test changed result over 3 runs (7 tests)")
    );
    assert_eq!(
        std::fs::read_to_string(out.join("flaky.txt")).expect("flaky.txt"),
        stdout
    );
    assert_eq!(tsv.lines().count(), 8, "{tsv}");
    assert!(tsv.starts_with("suite\tcase\trun1\trun2\trun3\tpass\tfail\tskip\tmissing\tflaky\n"));
    assert!(tsv.lines().skip(1).all(|l| l.ends_with("\tno")), "{tsv}");

    // One case passes in run 1 and fails in run 2: flaky, exit 1, first row, its reason shown.
    let (code, stdout, _, tsv) = flaky(&out, &["ok.json", "fail.json"]);
    assert_eq!(code, 1, "{stdout}");
    assert_eq!(
        tsv.lines().nth(1),
        Some(
            format!("{AUTOKILL}\tautokill.dup_extends_lifetime\tpass\tfail\t1\t1\t0\t0\tyes")
                .as_str()
        )
    );
    assert_eq!(
        tsv.lines().filter(|l| l.ends_with("\tyes")).count(),
        1,
        "{tsv}"
    );
    assert!(
        stdout.contains(
            "    FAIL run2: pidfd_autokill_test.c:597: child still alive after the last close\n"
        ),
        "{stdout}"
    );
    assert!(
        !stdout.contains("Expected: 0"),
        "only the reason's first line: {stdout}"
    );
    assert_eq!(
        stdout.lines().last(),
        Some("1 of 7 tests changed result over 2 runs")
    );

    // A case missing from one run is flaky.
    let (code, _, _, tsv) = flaky(&out, &["ok.json", "missing.json", "ok.json"]);
    assert_eq!(code, 1);
    assert!(tsv.contains(&format!("\n{AUTOKILL}\tautokill.scm_rights_extends_lifetime\tpass\tmissing\tpass\t2\t0\t0\t1\tyes\n")), "{tsv}");

    // A run whose guest did not finish (and printed a splat) is a difference of its own.
    let (code, stdout, _, tsv) = flaky(&out, &["ok.json", "crash.json"]);
    assert_eq!(code, 1);
    assert!(
        tsv.contains("\nrun\tguest finished, no splats\tpass\tfail\t1\t1\t0\t0\tyes\n"),
        "{tsv}"
    );
    assert!(tsv.contains("\nguest/boot\tguest/boot\tmissing\tfail\t0\t1\t0\t1\tyes\n"));
    assert!(stdout.contains("    FAIL run2: the guest did not finish; 1 splat(s), the first at line 412: BUG: kernel NULL pointer dereference"), "{stdout}");
    assert!(
        stdout.contains("guest did NOT finish, 1 splat(s)"),
        "{stdout}"
    );

    // One run proves nothing; bad input names the file; both exit 2 and write no table.
    let (code, stdout, err, tsv) = flaky(&out, &["ok.json"]);
    assert_eq!((code, stdout.as_str(), tsv.as_str()), (2, "", ""));
    assert!(err.contains("at least 2 runs, got 1"), "{err}");
    let (code, _, err, tsv) = flaky(&out, &["ok.json", "malformed.json"]);
    assert_eq!((code, tsv.as_str()), (2, ""));
    assert!(
        err.contains(&format!("{}: JSON: ", data("flaky/malformed.json"))),
        "{err}"
    );
    let (code, _, err, _) = flaky(&out, &["ok.json", "nonexistent.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("flaky/nonexistent.json"), "{err}");
    // A missing --out-dir is a usage error.
    assert_eq!(
        run(&["flaky", &data("flaky/ok.json"), &data("flaky/ok.json")]).0,
        64
    );
}

/// The real c icount log (tests/data/bench-icount-c.log) with `edit` applied, written to
/// `<dir>/<name>`; returns the path.
fn bench_edited_log(dir: &Path, name: &str, edit: impl Fn(&str) -> String) -> String {
    let real = std::fs::read_to_string(data("bench-icount-c.log")).expect("bench log");
    let p = dir.join(name);
    std::fs::write(&p, edit(&real)).expect("write log");
    p.to_str().expect("path").to_string()
}

/// `runner bench --check` on `<spec>=<log>` inputs: exit status, stdout and the check log.
fn bench_gate(dir: &Path, inputs: &[(&str, &str)]) -> (i32, String, String) {
    let out = dir.join("out");
    let out = out.to_str().expect("path");
    let _ = std::fs::remove_file(format!("{out}/bench-check.log"));
    let specs: Vec<String> = inputs.iter().map(|(s, l)| format!("{s}={l}")).collect();
    let mut args = vec!["bench", "--check", "--out-dir", out];
    args.extend(specs.iter().map(String::as_str));
    let (code, stdout, _) = run(&args);
    let log = std::fs::read_to_string(format!("{out}/bench-check.log")).unwrap_or_default();
    (code, stdout, log)
}

/// 1-based number of the first line of `text` equal to `line`.
fn line_no(text: &str, line: &str) -> usize {
    text.lines().position(|l| l == line).expect(line) + 1
}

#[test]
fn bench_check_fails_on_splat_or_unfinished_boot() {
    let dir = scratch("bench-boots");
    let c = bench_edited_log(&dir, "c.log", str::to_string);
    // The same numbers for rust: every gate passes.
    let good = bench_edited_log(&dir, "good.log", str::to_string);
    let (code, stdout, log) = bench_gate(&dir, &[("c:icount", &c), ("rust:icount", &good)]);
    assert_eq!(code, 0, "{stdout}");
    assert!(!log.contains("\nnot ok "), "{log}");

    // A kernel splat in the middle of the benchmark fails the check, naming log and line.
    let splat = "[    4.000000] BUG: kernel NULL pointer dereference, address: 0000000000000008";
    let bad = bench_edited_log(&dir, "splat.log", |s| {
        s.replace(
            "ok 3 autoreap_spawn\n",
            &format!("ok 3 autoreap_spawn\n{splat}\n"),
        )
    });
    let text = std::fs::read_to_string(&bad).expect("log");
    let n = line_no(&text, splat);
    let (code, stdout, log) = bench_gate(&dir, &[("c:icount", &c), ("rust:icount", &bad)]);
    assert_eq!(code, 1, "{stdout}");
    let want = format!("{bad}: line {n}: BUG: kernel NULL pointer dereference");
    assert!(stdout.contains(&want), "{want}\n{stdout}");
    assert!(log.contains(&format!("# {want}")), "{log}");
    let doc = parse_to_json(&format!("{}/out/bench-check.log", dir.display()), &dir, &[]);
    let failed: Vec<_> = cases(suite(&doc, "bench/check"))
        .into_iter()
        .filter(|c| c.1 == "fail")
        .collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(failed[0].0.starts_with("rust:icount boot"), "{failed:?}");
    assert!(failed[0].2.contains(&want), "{failed:?}");

    // A boot that never printed its final line (crash, hang, timeout) fails the check too.
    let cut = bench_edited_log(&dir, "cut.log", |s| {
        s.replace("##> guest-exit: ok\n", "##> host: timeout after 1800 s\n")
    });
    let lines = std::fs::read_to_string(&cut).expect("log").lines().count();
    let (code, stdout, _) = bench_gate(&dir, &[("c:icount", &cut), ("rust:icount", &good)]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains(&format!(
            "{cut}: no `##> guest-exit: ok` line in its {lines} lines (host: timeout after 1800 s)"
        )),
        "{stdout}"
    );
}

#[test]
fn bench_check_not_ok_is_a_failure_even_with_skip() {
    let dir = scratch("bench-notok");
    let c = bench_edited_log(&dir, "c.log", str::to_string);
    // Any `not ok` in a bench boot is a failure, `# SKIP` or not.
    let bad_line = "not ok 6 pdeathsig_kill # SKIP timer broken";
    let bad = bench_edited_log(&dir, "notok.log", |s| {
        s.replace("ok 6 pdeathsig_kill\n", &format!("{bad_line}\n"))
    });
    let n = line_no(&std::fs::read_to_string(&bad).expect("log"), bad_line);
    let (code, stdout, _) = bench_gate(&dir, &[("c:icount", &c), ("rust:icount", &bad)]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains(&format!("{bad}: line {n}: {bad_line}")),
        "{stdout}"
    );

    // A gated op that rust reports `not ok ... # SKIP` is not skipped: its gate fails.
    let drop_op = |s: &str, result: &str| {
        s.lines()
            .filter(|l| !l.contains("op=autokill_close "))
            .map(|l| match l {
                "ok 4 autokill_close" => result.to_string(),
                l => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    };
    let c_skip = bench_edited_log(&dir, "c-skip.log", |s| {
        drop_op(s, "ok 4 autokill_close # SKIP no autokill")
    });
    let rust_notok = bench_edited_log(&dir, "rust-notok.log", |s| {
        drop_op(s, "not ok 4 autokill_close # SKIP no autokill")
    });
    let (code, stdout, log) =
        bench_gate(&dir, &[("c:icount", &c_skip), ("rust:icount", &rust_notok)]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        !log.contains("for autokill_close # SKIP"),
        "a not-ok line counted as a skip:\n{log}"
    );
    assert!(
        stdout.contains("FAIL rust/c icount ratio <= 1.03 for autokill_close: "),
        "{stdout}"
    );
}

#[test]
fn bench_check_gated_op_missing_from_c_and_rust() {
    let dir = scratch("bench-missing");
    let without = |s: &str| {
        s.lines()
            .filter(|l| !l.contains("autoreap_spawn"))
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    };
    let c = bench_edited_log(&dir, "c.log", without);
    let rust = bench_edited_log(&dir, "rust.log", without);
    let (code, stdout, log) = bench_gate(&dir, &[("c:icount", &c), ("rust:icount", &rust)]);
    assert_eq!(code, 1, "{stdout}");
    let want = format!(
        "FAIL rust/c icount ratio <= 1.03 for autoreap_spawn: autoreap_spawn has no icount result or skip in {c} and {rust}"
    );
    assert!(stdout.contains(&want), "{want}\n{stdout}");
    assert!(
        log.contains("not ok 3 rust/c icount ratio <= 1.03 for autoreap_spawn\n"),
        "{log}"
    );
}

#[test]
fn bench_usage_names_the_real_gates_and_repeat_gate() {
    // The usage promised a spread gate that does not exist (and would fail on the real
    // upstream log: pdeathsig_kill has spread_pct=0.310); it names the repeat gate instead.
    let (_, help, _) = run(&["--help"]);
    assert!(!help.contains("spread_pct <= 0.2"), "{help}");
    for want in ["icount2", "within 0.2 %", "guest-exit: ok", "splat"] {
        assert!(help.contains(want), "{want}: {help}");
    }

    // The repeat gate: each variant's second icount boot (mode icount2) against its first.
    let dir = scratch("bench-repeat");
    let c = bench_edited_log(&dir, "c.log", str::to_string);
    let c2 = bench_edited_log(&dir, "c2.log", str::to_string);
    let (code, stdout, log) = bench_gate(
        &dir,
        &[
            ("c:icount", &c),
            ("c:icount2", &c2),
            ("rust:icount", &c),
            ("rust:icount2", &c2),
        ],
    );
    assert_eq!(code, 0, "{stdout}");
    // The timestamped, indented bench line of autoreap_spawn is read in both boots.
    assert!(
        log.contains("icount boots agree within 0.2 % for autoreap_spawn on c\n"),
        "{log}"
    );
    assert_eq!(log.matches("icount boots agree within 0.2 %").count(), 10);
    // Boot checks cover the second boots too.
    assert!(log.contains("c:icount2 boot"), "{log}");

    // 0.3 % apart: a failure that names both fastest repeats.
    let slow = bench_edited_log(&dir, "slow.log", |s| {
        s.replace("min_ns=2310.7", "min_ns=2317.6")
    });
    let (code, stdout, _) = bench_gate(
        &dir,
        &[
            ("c:icount", &c),
            ("c:icount2", &c2),
            ("rust:icount", &c),
            ("rust:icount2", &slow),
        ],
    );
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("FAIL icount boots agree within 0.2 % for pidfd_open_close on rust: fastest repeat 2310.7 ns in the first boot, 2317.6 ns in the second"), "{stdout}");

    // A second boot that lacks an op, or skips it with `not ok`, fails.
    let lacking = bench_edited_log(&dir, "lacking.log", |s| {
        s.replace("ok 2 clone3_einval\n", "not ok 2 clone3_einval # SKIP\n")
            .replace("# bench: op=clone3_einval ", "# bench-gone: ")
    });
    let (code, stdout, _) = bench_gate(
        &dir,
        &[
            ("c:icount", &c),
            ("c:icount2", &lacking),
            ("rust:icount", &c),
        ],
    );
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("FAIL icount boots agree within 0.2 % for clone3_einval on c: fastest repeat 812.4 ns in the first boot, none in the second"), "{stdout}");
}

#[test]
fn bench_check_real_logs() {
    // The real logs of tests/data, each also as its own second icount boot: every gate holds
    // (autokill_close 1.0123 is inside its 1.03 limit); every boot is clean, every repeat
    // agrees.  Then the rust log with autokill_close 4 % slower than c fails its gate.
    let dir = scratch("bench-real");
    let mut inputs: Vec<(String, String)> = Vec::new();
    for (v, m) in [
        ("upstream", "icount"),
        ("c", "icount"),
        ("rust", "icount"),
        ("c", "tcg"),
        ("rust", "tcg"),
    ] {
        let log = data(&format!("bench-{m}-{v}.log"));
        inputs.push((format!("{v}:{m}"), log.clone()));
        if m == "icount" {
            inputs.push((format!("{v}:icount2"), log));
        }
    }
    let refs: Vec<(&str, &str)> = inputs
        .iter()
        .map(|(s, l)| (s.as_str(), l.as_str()))
        .collect();
    let (code, stdout, log) = bench_gate(&dir, &refs);
    assert_eq!(code, 0, "{stdout}");
    assert!(!stdout.contains("FAIL "), "{stdout}");
    assert_eq!(
        log.matches(" boot: guest exited, no kernel splat, no `not ok`\n")
            .count(),
        8,
        "{log}"
    );
    // upstream skips autoreap_spawn and autokill_close in both boots.
    assert!(
        log.contains(
            "for autokill_close on upstream # SKIP CLONE_AUTOKILL not supported by this kernel\n"
        ),
        "{log}"
    );
    let doc = parse_to_json(&format!("{}/out/bench-check.log", dir.display()), &dir, &[]);
    assert_eq!(counts(suite(&doc, "bench/check")), [26, 0, 2]);
    let slow = std::fs::read_to_string(data("bench-icount-rust.log"))
        .expect("bench log")
        .replace("median_ns=173356.4", "median_ns=178100.0");
    let slow_path = dir.join("rust-slow.log");
    std::fs::write(&slow_path, slow).expect("write log");
    let slow_path = slow_path.to_str().expect("path").to_string();
    let slow_refs: Vec<(&str, &str)> = refs
        .iter()
        .map(|&(spec, log)| match spec {
            "rust:icount" | "rust:icount2" => (spec, slow_path.as_str()),
            _ => (spec, log),
        })
        .collect();
    let (code, stdout, _) = bench_gate(&dir, &slow_refs);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("FAIL rust/c icount ratio <= 1.03 for autokill_close: ratio 1.0400"),
        "{stdout}"
    );
}
