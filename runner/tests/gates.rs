//! Integration tests of the gates `make check` relies on: each must be able to fail.
//! The expected-results manifest (`summary --expect`), the settings block, KTAP plans
//! without results, stale or truncated errno matrices, and `cargo test`'s exit status.

use runner::results::ResultsFile;
use std::path::Path;
mod common;
use common::{data, run, scratch};

/// The checked-in manifest.
fn manifest() -> String {
    format!("{}/../configs/expected.tsv", env!("CARGO_MANIFEST_DIR"))
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// Write `log` as `<name>.log` in `dir`, parse it as `variant`, return the results.json path.
fn parsed(dir: &Path, name: &str, variant: &str, log: &str) -> String {
    let log_path = dir.join(format!("{name}.log"));
    std::fs::write(&log_path, log).expect("write log");
    let out = dir.join(format!("{name}.json"));
    let (code, _, err) = run(&[
        "parse",
        "--log",
        path(&log_path),
        "--variant",
        variant,
        "--out",
        path(&out),
    ]);
    assert_eq!(code, 0, "{err}");
    path(&out).to_string()
}

fn read_results(json_path: &str) -> ResultsFile {
    let text = std::fs::read_to_string(json_path).expect("read");
    ResultsFile::parse(&text, json_path).expect("results.json")
}

fn suite_cases(json_path: &str, name: &str) -> Vec<(String, String, String)> {
    let doc = read_results(json_path);
    let s = doc
        .suites
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no suite {name} in {json_path}"));
    s.cases
        .iter()
        .map(|c| {
            let result = c.outcome.as_str().to_string();
            (c.name.clone(), result, c.reason.clone())
        })
        .collect()
}

fn failed(cases: &[(String, String, String)]) -> usize {
    cases.iter().filter(|c| c.1 == "fail").count()
}

const KUNIT_S: &str = "[0.1] KTAP version 1\n[0.1] 1..1\n[0.1]     KTAP version 1\n\
    [0.1]     # Subtest: s\n[0.1]     1..2\n[0.1]     ok 1 one\n[0.1]     ok 2 two\n[0.1] ok 1 s\n";

fn small_manifest(dir: &Path) -> String {
    let m = dir.join("expected.tsv");
    std::fs::write(
        &m,
        "# a test manifest\n\
         [rust debug]\n\
         suite\tkunit/s\t2\n\
         suite\tpidfd/a\t3\n\
         skip\tpidfd/a\tglobal\\.b\tnot (here|there)\n\
         [c]\n\
         suite\tpidfd/a\t3\n",
    )
    .expect("write manifest");
    path(&m).to_string()
}

fn selftest_a(third: &str) -> String {
    format!(
        "##> suite-begin pidfd/a\nTAP version 13\n1..3\nok 1 global.a\n\
         ok 2 global.b # SKIP not here\n{third}\n##> suite-end pidfd/a rc=0\n"
    )
}

#[test]
fn expect_passes_a_complete_run() {
    let dir = scratch("expect-complete");
    let m = small_manifest(&dir);
    let log = format!(
        "{KUNIT_S}{}##> guest-exit: ok\n",
        selftest_a("ok 3 global.c")
    );
    let good = parsed(&dir, "good", "rust", &log);
    let (code, out, err) = run(&["summary", "--expect", &m, &good]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(out.lines().last(), Some("4 passed, 0 failed, 1 skipped"));
    // An allowed skip that now passes is fine.
    let log = format!(
        "{KUNIT_S}{}##> guest-exit: ok\n",
        selftest_a("ok 3 global.c").replace(" # SKIP not here", "")
    );
    let better = parsed(&dir, "better", "rust", &log);
    let (code, out, _) = run(&["summary", "--expect", &m, &better]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn expect_fails_a_console_with_only_the_final_line() {
    let dir = scratch("expect-empty");
    let m = small_manifest(&dir);
    let empty = parsed(&dir, "empty", "rust", "##> guest-exit: ok\n");
    // Without the manifest this is the 0/0/0 run that used to pass.
    let (code, out, err) = run(&["summary", "--expect", &m, &empty]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("FAIL required suite kunit/s is missing"),
        "{out}"
    );
    assert!(
        out.contains("FAIL required suite pidfd/a is missing"),
        "{out}"
    );
    assert_eq!(out.lines().last(), Some("0 passed, 2 failed, 0 skipped"));
    // The real manifest, for every variant make check boots.
    for v in ["upstream", "c", "rust", "debug", "debug-c"] {
        let empty = parsed(&dir, &format!("empty-{v}"), v, "##> guest-exit: ok\n");
        let (code, out, _) = run(&["summary", "--expect", &manifest(), &empty]);
        assert_eq!(code, 1, "{v}: {out}");
        assert!(
            out.contains("FAIL required suite demo/autokill-demo is missing"),
            "{v}: {out}"
        );
        assert_eq!(
            out.contains("kunit/clone_autokill"),
            v == "rust" || v == "debug",
            "{v}: {out}"
        );
    }
}

#[test]
fn expect_fails_too_few_cases_and_new_skips() {
    let dir = scratch("expect-few");
    let m = small_manifest(&dir);
    // A selftest that lost a case (its plan agrees), and a KUnit suite that lost one.
    let log = KUNIT_S.replace("1..2", "1..1").replace("[0.1]     ok 2 two\n", "")
        + "##> suite-begin pidfd/a\nTAP version 13\n1..2\nok 1 global.a\nok 2 global.b # SKIP not here\n\
           ##> suite-end pidfd/a rc=0\n##> guest-exit: ok\n";
    let few = parsed(&dir, "few", "rust", &log);
    let (code, out, _) = run(&["summary", "--expect", &m, &few]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("FAIL kunit/s: 1 cases, the minimum is 2"),
        "{out}"
    );
    assert!(
        out.contains("FAIL pidfd/a: 2 cases, the minimum is 3"),
        "{out}"
    );
    // A new skip, and an allowed case skipping for another reason: both named with their reason.
    let log = format!(
        "{KUNIT_S}{}##> guest-exit: ok\n",
        selftest_a("ok 3 global.c # SKIP no hardware")
            .replace("# SKIP not here", "# SKIP feature missing")
    );
    let skips = parsed(&dir, "skips", "rust", &log);
    let (code, out, _) = run(&["summary", "--expect", &m, &skips]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("FAIL skip not allowed: case \"global.c\", reason \"no hardware\""),
        "{out}"
    );
    assert!(
        out.contains("FAIL skip not allowed: case \"global.b\", reason \"feature missing\""),
        "{out}"
    );
    // The c section does not allow global.b's skip.
    let log = format!("{}##> guest-exit: ok\n", selftest_a("ok 3 global.c"));
    let c = parsed(&dir, "c", "c", &log);
    let (code, out, _) = run(&["summary", "--expect", &m, &c]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("FAIL skip not allowed: case \"global.b\", reason \"not here\""),
        "{out}"
    );
    // A variant the manifest does not know is not accepted silently.
    let other = parsed(&dir, "other", "upstream", &log);
    let (code, out, _) = run(&["summary", "--expect", &m, &other]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("no section for variant upstream"), "{out}");
}

#[test]
fn expect_rejects_a_broken_manifest() {
    let dir = scratch("expect-broken");
    let r = parsed(&dir, "r", "rust", &format!("{KUNIT_S}##> guest-exit: ok\n"));
    for (text, msg) in [
        ("suite\tkunit/s\t1\n", "before any [variant ...] section"),
        ("[rust]\nsuite\tkunit/s\tmany\n", "not a number"),
        ("[rust]\nskip\tkunit/s\t(\tx\n", "unclosed"),
        ("[rust]\nsuite\tkunit/s\t1\nsuite\tkunit/s\t2\n", "twice"),
        ("[rust]\nskip\tkunit/t\tx\ty\n", "no suite line"),
    ] {
        let m = dir.join("bad.tsv");
        std::fs::write(&m, text).expect("write");
        let (code, out, _) = run(&["summary", "--expect", path(&m), &r]);
        assert_eq!(code, 1, "{text}: {out}");
        assert!(out.contains(msg), "{text}: {out}");
    }
}

#[test]
fn real_manifest_accepts_a_real_rust_run() {
    // tests/data/rust-run.json: results.json of a real rust boot (the kernel crate's doctests
    // included).
    let (code, out, err) = run(&["summary", "--expect", &manifest(), &data("rust-run.json")]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(out.lines().last(), Some("540 passed, 0 failed, 3 skipped"));
}

#[test]
fn summary_fails_a_required_variant_without_results() {
    let dir = scratch("require");
    let r = parsed(&dir, "r", "rust", &format!("{KUNIT_S}##> guest-exit: ok\n"));
    let (code, out, _) = run(&["summary", "--require", "rust", &r]);
    assert_eq!(code, 0, "{out}");
    // A variant the run was to report, of which no results file speaks: a check that left
    // out a results file, or a file of the wrong variant, cannot pass.
    let (code, out, _) = run(&["summary", "--require", "rust", "--require", "debug", &r]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("of variant debug"), "{out}");
    assert!(out.contains("no results"), "{out}");
}

#[test]
fn summary_prints_settings_first() {
    let dir = scratch("settings");
    let r = parsed(&dir, "r", "rust", &format!("{KUNIT_S}##> guest-exit: ok\n"));
    let (code, out, _) = run(&[
        "summary",
        "--setting",
        "ONLY=autokill (reduces coverage)",
        "--setting",
        "VARIANTS=upstream c rust debug",
        &r,
    ]);
    assert_eq!(code, 0, "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[..3],
        [
            "== settings ==",
            "ONLY=autokill (reduces coverage)",
            "VARIANTS=upstream c rust debug"
        ]
    );
}

#[test]
fn ktap_plans_without_results_fail() {
    let dir = scratch("ktap");
    let log = "##> suite-begin a/plan\nTAP version 13\n1..5\nok\n##> suite-end a/plan rc=0\n\
               ##> suite-begin a/plan0\nTAP version 13\n1..5\n##> suite-end a/plan0 rc=0\n\
               ##> suite-begin a/header\nTAP version 13\n##> suite-end a/header rc=0\n\
               ##> suite-begin a/noplan\nTAP version 13\nok 1 x\n##> suite-end a/noplan rc=0\n\
               ##> guest-exit: ok\n";
    let r = parsed(&dir, "kselftest", "rust", log);
    assert!(failed(&suite_cases(&r, "a/plan")) > 0);
    assert!(failed(&suite_cases(&r, "a/plan0")) > 0);
    let header = suite_cases(&r, "a/header");
    assert!(failed(&header) > 0, "{header:?}");
    // Results without a plan and rc 0: accepted (upstream's pidfd_poll_test prints no plan).
    assert_eq!(
        suite_cases(&r, "a/noplan"),
        vec![("x".into(), "pass".into(), String::new())]
    );

    // KUnit: a suite announcing 1..5 that reports nothing, then ok.
    let log =
        "[0.1] KTAP version 1\n[0.1] 1..2\n[0.1]     KTAP version 1\n[0.1]     # Subtest: s\n\
               [0.1]     1..5\n[0.1] ok 1 s\n[0.1]     KTAP version 1\n[0.1]     # Subtest: t\n\
               [0.1] ok 2 t\n##> guest-exit: ok\n";
    let r = parsed(&dir, "kunit", "rust", log);
    let s = suite_cases(&r, "kunit/s");
    assert!(failed(&s) > 0, "{s:?}");
    // No plan and no results: a suite with no test case at all.
    let t = suite_cases(&r, "kunit/t");
    assert!(failed(&t) > 0, "{t:?}");
    // The kernel announced two suites and reported one.
    let log = format!(
        "{}##> guest-exit: ok\n",
        KUNIT_S.replace("] 1..1\n", "] 1..2\n")
    );
    let r = parsed(&dir, "kunit-plan", "rust", &log);
    let doc = read_results(&r);
    let failures: usize = doc.suites.iter().map(|s| s.failed).sum();
    assert_eq!(failures, 1, "{doc:?}");
}

#[test]
fn parse_removes_a_stale_matrix() {
    let dir = scratch("stale-matrix");
    let tsv = dir.join("matrix.tsv");
    std::fs::write(&tsv, "index\tresult\n0\tok\n").expect("write");
    let log = dir.join("c.log");
    std::fs::write(&log, "##> guest-exit: ok\n").expect("write");
    let (code, _, err) = run(&[
        "parse",
        "--log",
        path(&log),
        "--variant",
        "c",
        "--out",
        path(&dir.join("r.json")),
        "--matrix-out",
        path(&tsv),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        !tsv.exists(),
        "a stale matrix.tsv survived a console without one"
    );
}

/// A full-size matrix TSV (131712 rows), with `edit` applied to the rows.
fn full_matrix(dir: &Path, name: &str, edit: impl Fn(&mut Vec<String>)) -> String {
    let mut rows: Vec<String> = (0..131712).map(|i| format!("{i}\tok")).collect();
    edit(&mut rows);
    let p = dir.join(name);
    std::fs::write(
        &p,
        format!("# flags=x\nindex\tresult\n{}\n", rows.join("\n")),
    )
    .expect("write");
    path(&p).to_string()
}

#[test]
fn matrix_diff_needs_full_tables() {
    let dir = scratch("matrix-full");
    let a = full_matrix(&dir, "a.tsv", |_| {});
    let b = full_matrix(&dir, "b.tsv", |_| {});
    let (code, out, _) = run(&["matrix-diff", &format!("a={a}"), &format!("b={b}")]);
    assert_eq!(
        (code, out.as_str()),
        (0, "matrix-diff: 131712 rows identical across a, b\n")
    );
    // Empty tables are identical to each other, and prove nothing.
    let e = dir.join("empty.tsv");
    std::fs::write(&e, "index\tresult\n").expect("write");
    let e = path(&e);
    let (code, out, _) = run(&["matrix-diff", &format!("x={e}"), &format!("y={e}")]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("x: empty table"), "{out}");
    // Both truncated the same way: identical, but short.
    let t = full_matrix(&dir, "t.tsv", |r| r.truncate(1000));
    let (code, out, _) = run(&["matrix-diff", &format!("x={t}"), &format!("y={t}")]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("x: 1000 rows, expected 131712"), "{out}");
    // A row given twice (two runs' output concatenated).
    let d = full_matrix(&dir, "d.tsv", |r| r.push("5\tok".into()));
    let (code, out, err) = run(&["matrix-diff", &format!("a={a}"), &format!("d={d}")]);
    assert_eq!(code, 1, "{out}");
    assert!(err.contains("index 5 given twice"), "{err}");
}

#[test]
fn cargo_test_exit_status_counts() {
    // Every `test result:` line is ok, but a test binary aborted afterwards.
    let (code, out, _) = run(&["summary", "--host", &data("cargo-test-abort.txt")]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("FAIL cargo test exited with status 101"),
        "{out}"
    );
    assert!(out.contains("SIGABRT"), "{out}");
    // The status line is required: without it nothing says the run finished.
    let dir = scratch("cargo-nostatus");
    let p = dir.join("c.txt");
    std::fs::write(
        &p,
        "test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out\n",
    )
    .expect("write");
    let (code, out, _) = run(&["summary", "--host", path(&p)]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("no `cargo test exit status:` line"), "{out}");
}

#[test]
fn kmemleak_scan_fails_on_reports_a_failed_scan_or_its_absence() {
    let dir = scratch("kmemleak");
    // What /init prints on a debug kernel (initramfs/init), parsed as the debug variant;
    // returns the results.json and how many of its kmemleak/scan cases failed.
    let scan = |name: &str, body: &str| {
        let log = format!(
            "##> suite-begin kmemleak/scan\nTAP version 13\n1..1\n{body}\
             ##> suite-end kmemleak/scan rc=0\n##> guest-exit: ok\n"
        );
        let json = parsed(&dir, name, "debug", &log);
        let fails = failed(&suite_cases(&json, "kmemleak/scan"));
        (json, fails)
    };
    // A clean scan passes.
    let (_, fails) = scan(
        "clean",
        "##> kmemleak: 0 reports\nok 1 kmemleak: 0 reports\n",
    );
    assert_eq!(fails, 0);
    // A leak: the case fails (and the report itself is a splat).
    let (leak, fails) = scan(
        "leak",
        "##> kmemleak: 1 reports\n# unreferenced object 0xffff888003a1c000 (size 64):\n\
         not ok 1 kmemleak: 1 reports\n",
    );
    assert_eq!(fails, 1);
    let (code, out, _) = run(&["summary", &leak]);
    assert_eq!(code, 1, "{out}");
    // The scan could not be requested (kmemleak disabled itself).
    let (_, fails) = scan(
        "off",
        "not ok 1 kmemleak: writing 'scan' failed (kmemleak disabled?)\n",
    );
    assert_eq!(fails, 1);
    // No scan at all: the manifest requires the suite of a debug kernel.
    let none = parsed(
        &dir,
        "none",
        "debug",
        &format!("{KUNIT_S}##> guest-exit: ok\n"),
    );
    let (code, out, _) = run(&["summary", "--expect", &manifest(), &none]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("required suite kmemleak/scan is missing"),
        "{out}"
    );
}
