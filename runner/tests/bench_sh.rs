//! Host-side tests of scripts/bench.sh: a stand-in project whose kernel, initramfs and
//! QEMU steps are fakes; `runner boot` copies prepared console logs (the real ones of
//! tests/data, edited), `runner bench` is the real binary.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `runner` as bench.sh calls it: `boot` copies $FAKE_LOGS/<basename of --log> (no file:
/// a boot that wrote nothing, exit 3), everything else goes to the real binary.
const FAKE_RUNNER: &str = r#"#!/bin/bash
if [ "$1" != boot ]; then exec "$REAL_RUNNER" "$@"; fi
log=
while [ $# -gt 0 ]; do
	[ "$1" = --log ] && log=$2
	shift
done
src=$FAKE_LOGS/$(basename "$log")
[ -f "$src" ] || exit 3
cp "$src" "$log"
"#;

fn exe(p: &Path, text: &str) {
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

fn real_log(name: &str) -> String {
    let p = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(p).expect("bench log")
}

struct Project {
    top: PathBuf,
    bin: PathBuf,
    logs: PathBuf,
}

fn project(test: &str) -> Project {
    let dir = std::env::temp_dir().join(format!("runner-benchsh-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let top = dir.join("top");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let bench = std::fs::read_to_string(repo.join("scripts/bench.sh")).expect("bench.sh");
    exe(&top.join("scripts/bench.sh"), &bench);
    let arch = std::fs::read_to_string(repo.join("scripts/arch.sh")).expect("arch.sh");
    exe(&top.join("scripts/arch.sh"), &arch);
    exe(&top.join("scripts/variant.sh"), "#!/bin/sh\nexit 0\n");
    exe(&top.join("scripts/mkinitramfs.sh"), "#!/bin/sh\nexit 0\n");
    exe(&top.join("runner/target/release/runner"), FAKE_RUNNER);
    for v in ["upstream", "c", "rust"] {
        std::fs::create_dir_all(top.join("build").join(v)).expect("mkdir");
    }
    let bin = dir.join("bin");
    exe(
        &bin.join("qemu-system-x86_64"),
        "#!/bin/sh\necho 'QEMU emulator version 0 (fake)'\n",
    );
    let logs = dir.join("logs");
    std::fs::create_dir_all(&logs).expect("mkdir");
    // Good boots: upstream's own log, and c's numbers for c and rust (ratio 1), each
    // boot twice with the same numbers.
    for (v, from) in [("upstream", "upstream"), ("c", "c"), ("rust", "c")] {
        for run in ["icount", "icount2"] {
            let text = real_log(&format!("bench-icount-{from}.log"));
            std::fs::write(logs.join(format!("{v}-{run}.log")), text).expect("write");
        }
    }
    Project { top, bin, logs }
}

impl Project {
    fn edit(&self, log: &str, edit: impl Fn(&str) -> String) {
        let p = self.logs.join(log);
        let text = std::fs::read_to_string(&p).expect("log");
        std::fs::write(&p, edit(&text)).expect("write");
    }

    /// `bench.sh quick`: exit status, stdout+stderr, and out/bench/bench-check.log.
    fn quick(&self) -> (i32, String, String) {
        let path = format!(
            "{}:{}",
            self.bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let out = Command::new("bash")
            .arg(self.top.join("scripts/bench.sh"))
            .arg("quick")
            .env("PATH", path)
            .env("REAL_RUNNER", env!("CARGO_BIN_EXE_runner"))
            .env("FAKE_LOGS", &self.logs)
            .env_remove("BENCH_VARIANTS")
            .output()
            .expect("run bench.sh");
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        let check =
            std::fs::read_to_string(self.top.join("out/bench/bench-check.log")).unwrap_or_default();
        (out.status.code().unwrap_or(-1), text, check)
    }
}

#[test]
fn quick_passes_good_boots_and_gates_both_icount_boots() {
    let p = project("good");
    let (code, out, check) = p.quick();
    assert_eq!(code, 0, "{out}");
    let passed = |name: &str| {
        check
            .lines()
            .any(|l| l.starts_with("ok ") && l.ends_with(&format!(" {name}")))
    };
    for v in ["upstream", "c", "rust"] {
        for run in ["icount", "icount2"] {
            let name = format!("{v}:{run} boot: guest exited, no kernel splat, no `not ok`");
            assert!(passed(&name), "{name}:\n{check}");
        }
    }
    assert!(
        check.contains("icount boots agree within 0.2 % for autokill_close on upstream # SKIP "),
        "{check}"
    );
    assert!(!p.top.join("out/bench/repeat-check.log").exists());
}

#[test]
fn quick_fails_a_splat_in_the_second_icount_boot() {
    let p = project("splat");
    p.edit("rust-icount2.log", |s| {
        s.replace(
            "ok 2 clone3_einval\n",
            "ok 2 clone3_einval\n[    3.0] WARNING: CPU: 0 PID: 1 at kernel/pid.c:1 free_pid\n",
        )
    });
    let (code, out, check) = p.quick();
    assert_eq!(code, 1, "{out}");
    assert!(
        check.contains(
            "rust-icount2.log: line 10: WARNING: CPU: 0 PID: 1 at kernel/pid.c:1 free_pid\nnot ok "
        ),
        "{check}"
    );
}

#[test]
fn quick_fails_a_not_ok_skip_in_the_repeat() {
    // The old shell repeat check took `not ok N <op> # SKIP` for a skip.
    let p = project("notok");
    for run in ["icount", "icount2"] {
        p.edit(&format!("upstream-{run}.log"), |s| {
            s.replace(
                "ok 3 autoreap_spawn # SKIP",
                "not ok 3 autoreap_spawn # SKIP",
            )
        });
    }
    let (code, out, check) = p.quick();
    assert_eq!(code, 1, "{out}");
    assert!(
        check.contains("upstream-icount.log: line 10: not ok 3 autoreap_spawn # SKIP"),
        "{check}"
    );
    assert!(
        !check.contains("for autoreap_spawn on upstream # SKIP"),
        "{check}"
    );
}

#[test]
fn quick_fails_a_boot_without_log_and_never_reads_an_old_one() {
    let p = project("nolog");
    let (code, out, _) = p.quick();
    assert_eq!(code, 0, "{out}");
    // The next run's second c boot writes nothing: the first run's log must not count.
    std::fs::remove_file(p.logs.join("c-icount2.log")).expect("rm");
    let (code, out, check) = p.quick();
    assert_eq!(code, 1, "{out}");
    assert!(
        check.contains("c-icount2.log: no `##> guest-exit: ok` line in its 1 lines (host: runner boot wrote no console log)"),
        "{check}"
    );
}
