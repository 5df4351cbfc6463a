//! Host-side tests of scripts/lint.sh: a stand-in project (overlay, patches, a patched
//! tree, a build directory) with a fake `make` that emulates kbuild's rebuild rules and
//! CLIPPY output, and a fake rustfmt, so no kernel build is needed.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

const FAKE_MAKE: &str = r#"#!/bin/bash
# kbuild stand-in: logs its arguments; an object is rebuilt (with a CLIPPY line when
# CLIPPY=1 is given) when it is missing or older than a source of its crate.
echo "make $*" >> "$FAKE_LOG"
clippy=0 build= src=
for a; do
	case $a in
	CLIPPY=1) clippy=1 ;;
	O=*) build=${a#O=} ;;
	rustdoc) exit 0 ;;
	rustfmtcheck) exit 0 ;;
	htmldocs) exit 2 ;;
	esac
done
prev=
for a; do [ "$prev" = -C ] && src=$a; prev=$a; done
for t; do
	case $t in *.o) ;; *) continue ;; esac
	case $t in
	rust/kernel.o) srcs=("$src"/rust/kernel/*.rs) ;;
	*) srcs=("$src/${t%.o}.rs") ;;
	esac
	stale=0
	[ -e "$build/$t" ] || stale=1
	for s in "${srcs[@]}"; do [ "$s" -nt "$build/$t" ] && stale=1; done
	[ $stale = 1 ] || continue
	if [ $clippy = 1 ]; then
		printf '  CLIPPY L %s\n' "$t"
		echo "rebuilt $t with clippy" >> "$FAKE_LOG"
		[ -f "$FAKE_WARN.$(echo "$t" | tr / _)" ] && cat "$FAKE_WARN.$(echo "$t" | tr / _)" >&2
	else
		printf '  RUSTC L %s\n' "$t"
	fi
	mkdir -p "$(dirname "$build/$t")"
	touch "$build/$t"
done
exit "${FAKE_MAKE_RC:-0}"
"#;

const FAKE_RUSTFMT: &str = r#"#!/bin/bash
echo "rustfmt $*" >> "$FAKE_LOG"
rc=0
for a; do
	if [ -n "${FAKE_RUSTFMT_BAD:-}" ] && [ "$a" = "$FAKE_RUSTFMT_BAD" ]; then
		echo "Diff in $PWD/$a at line 3:"
		rc=1
	fi
done
exit $rc
"#;

const WARNING: &str = "warning: this `if` has identical blocks
  --> /src/patched/rust/kernel/task.rs:212:9
   |
212 |         if x { a } else { a }
   |         ^^^^^^^^^^^^^^^^^^^^^
   |
   = note: `-W clippy::if-same-then-else` implied by `-W clippy::all`

warning: unused import in upstream's code
  --> rust/kernel/sync.rs:5:5
   |

warning: 2 warnings emitted

";

struct Project {
    top: PathBuf,
    bin: PathBuf,
    log: PathBuf,
}

fn write(p: &Path, text: &str) {
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

fn exe(p: &Path, text: &str) {
    write(p, text);
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

/// A stand-in project: overlay .rs files (`overlay`), one patch changing rust/kernel/task.rs
/// (unless `patch_rs` is false), the patched tree, and a build directory whose objects are
/// up to date (as after a no-op rebuild: build.log is empty).
fn project(test: &str, overlay: &[&str], patch_rs: bool) -> Project {
    let dir = std::env::temp_dir().join(format!("runner-lint-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let top = dir.join("top");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let lint = std::fs::read_to_string(repo.join("scripts/lint.sh")).expect("lint.sh");
    exe(&top.join("scripts/lint.sh"), &lint);
    let bin = dir.join("bin");
    exe(&bin.join("make"), FAKE_MAKE);
    exe(&bin.join("rustfmt"), FAKE_RUSTFMT);
    write(
        &top.join("scripts/kenv.sh"),
        &format!(
            "JOBS=1\nKMAKE_ARGS=(LLVM=1 CLIPPY=1 RUSTFMT={})\n",
            bin.join("rustfmt").display()
        ),
    );
    let src = top.join("build/src/patched");
    let build = top.join("build/rust");
    write(
        &build.join(".config"),
        "CONFIG_RUST=y\nCONFIG_CLONE_AUTOKILL_RUST=y\n",
    );
    write(&build.join("build.log"), "");
    exe(&src.join("scripts/checkpatch.pl"), "#!/bin/sh\nexit 0\n");
    write(&src.join(".rustfmt.toml"), "edition = \"2021\"\n");
    for f in [
        "rust/kernel/lib.rs",
        "rust/kernel/sync.rs",
        "rust/kernel/task.rs",
    ] {
        write(&src.join(f), "// upstream\n");
    }
    for f in overlay {
        write(&top.join(f), "// the project's\n");
        write(&src.join(f), "// the project's\n");
    }
    let target = if patch_rs {
        "rust/kernel/task.rs"
    } else {
        "kernel/fork.c"
    };
    write(
        &top.join("patches/0001-x.patch"),
        &format!("--- a/{target}\n+++ b/{target}\n@@ -1 +1 @@\n-a\n+b\n"),
    );
    // Objects newer than their sources: nothing to rebuild.
    std::thread::sleep(std::time::Duration::from_millis(20));
    for o in [
        "rust/kernel.o",
        "kernel/clone_autokill.o",
        "fs/pidfs_autokill.o",
    ] {
        write(&build.join(o), "");
    }
    let log = dir.join("calls.log");
    write(&log, "");
    Project { top, bin, log }
}

const OVERLAY: &[&str] = &[
    "rust/kernel/clone.rs",
    "kernel/clone_autokill.rs",
    "fs/pidfs_autokill.rs",
];

impl Project {
    /// Run lint.sh; returns its stdout and the fake tools' call log.
    fn lint(&self, env: &[(&str, &str)]) -> (String, String) {
        let path = format!(
            "{}:{}",
            self.bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut cmd = Command::new("bash");
        cmd.arg(self.top.join("scripts/lint.sh"))
            .arg(self.top.join("build/rust"))
            .env("PATH", path)
            .env("FAKE_LOG", &self.log)
            .env("FAKE_WARN", self.top.join("warn"));
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("run lint.sh");
        let calls = std::fs::read_to_string(&self.log).unwrap_or_default();
        std::fs::write(&self.log, "").expect("reset call log");
        (String::from_utf8_lossy(&out.stdout).into_owned(), calls)
    }
}

/// The result line (`ok N <name>...` or `not ok N <name>...`) of the first case whose name
/// starts with `name`.
fn result<'a>(out: &'a str, name: &str) -> &'a str {
    out.lines()
        .find(|l| {
            let rest = l.strip_prefix("not ").unwrap_or(l);
            rest.strip_prefix("ok ")
                .and_then(|r| r.split_once(' '))
                .is_some_and(|(_, n)| n.starts_with(name))
        })
        .unwrap_or_else(|| panic!("no case {name:?} in:\n{out}"))
}

#[test]
fn clippy_runs_on_every_call() {
    let p = project("every-call", OVERLAY, true);
    for round in 1..=2 {
        let (out, calls) = p.lint(&[]);
        assert!(result(&out, "clippy").starts_with("ok "), "{out}");
        for o in [
            "rust/kernel.o",
            "kernel/clone_autokill.o",
            "fs/pidfs_autokill.o",
        ] {
            assert!(
                calls.contains(&format!("rebuilt {o} with clippy")),
                "round {round}: clippy did not run for {o}:\n{calls}"
            );
        }
    }
}

#[test]
fn clippy_warning_in_a_patched_kernel_file_fails() {
    let p = project("patched-warning", OVERLAY, true);
    write(&p.top.join("warn.rust_kernel.o"), WARNING);
    let (out, _) = p.lint(&[]);
    assert!(result(&out, "clippy").starts_with("not ok "), "{out}");
    assert!(out.contains("rust/kernel/task.rs:212:9"), "{out}");
    // Upstream's own files in the same crate are not the project's.
    assert!(!out.contains("rust/kernel/sync.rs"), "{out}");
}

#[test]
fn clippy_build_failure_fails() {
    let p = project("make-fails", OVERLAY, true);
    let (out, _) = p.lint(&[("FAKE_MAKE_RC", "2")]);
    assert!(result(&out, "clippy").starts_with("not ok "), "{out}");
}

#[test]
fn rustfmt_checks_the_patched_kernel_files() {
    let p = project("rustfmt", OVERLAY, true);
    let (out, calls) = p.lint(&[("FAKE_RUSTFMT_BAD", "rust/kernel/task.rs")]);
    assert!(
        result(&out, "rustfmt").starts_with("not ok "),
        "{out}\n{calls}"
    );
    assert!(out.contains("rust/kernel/task.rs"), "{out}");
    let (out, calls) = p.lint(&[]);
    assert!(result(&out, "rustfmt").starts_with("ok "), "{out}");
    for f in OVERLAY.iter().chain(&["rust/kernel/task.rs"]) {
        assert!(calls.contains(f), "rustfmt did not check {f}:\n{calls}");
    }
}

#[test]
fn nothing_to_check_is_a_failure() {
    let p = project("nothing", &[], false);
    let (out, calls) = p.lint(&[]);
    assert!(result(&out, "clippy").starts_with("not ok "), "{out}");
    assert!(result(&out, "rustfmt").starts_with("not ok "), "{out}");
    assert!(!calls.contains("with clippy"), "{calls}");
    // No C files and no patches: checkpatch has nothing to check.
    std::fs::remove_dir_all(p.top.join("patches")).expect("rm patches");
    let (out, _) = p.lint(&[]);
    assert!(result(&out, "checkpatch").starts_with("not ok "), "{out}");
}
