# SPDX-License-Identifier: GPL-2.0
#
# Top-level driver: Linux 7.3 (BASE=debian: Debian's linux-source package and
# patches/debian/; BASE=mainline: upstream 7.3.4), the project's overlay and
# patches/, kernels built per variant, booted in QEMU, selftests and KUnit read
# back from the console.  See README.md.
#
#   make                  the main job: the rust variant built, booted and tested
#   make check            the whole test suite; last line "N passed, N failed, N skipped"
#   make bench [ARCH=arm64]  the Rust port against upstream's C under qemu -icount
#   make soak [DURATION=s] the stress tests on the debug kernel, for longer
#   make docs             the documentation page, as HTML
#   make bench-check      the benchmark gates (part of make check)
#   make check-debug [VARIANT=c]  the rust (or c) kernel under KASAN, lockdep, kmemleak...
#   make series           the upstream patch series in out/series (series-check: checked)
#   make kernel VARIANT=v build out/v/bzImage (v: upstream, c, rust, debug)
#   make test VARIANT=v [BASE=b]  build, boot and run every selftest in variant v
#   make run VARIANT=v [CMD='...']   boot into a shell, or run CMD in the guest
#   ... ARCH=arm64        the same for arm64 (variant v-arm64: out/v-arm64/Image)
#   make flaky [RUNS=10] [VARIANT=v]  boot v RUNS times; the tests whose result changed
#   make configs-check    the port's Kconfig combinations built and linked (vmlinux)
#   make sizes            the object sizes of the port and of the C it replaces
#   make userns-gate      Debian's userns sysctl closed: matrices still identical
#   make deb [CONFIG=f]   Debian packages of the patched kernel in out/deb (bindeb-pkg)
#   make deb-config [CONFIG=f]  only its configuration step, checked
#   make deb-check        the rust kernel packaged, checked and booted (in make check)
#   make check-arm64-c    the c kernel on arm64, and the cross-variant checks with it
#   make install-tools [PREFIX=/usr/local]  install autokill-run
#   make mutants [IDS=...] mutation testing: every mutant of the port must be killed
#   make clean            remove out/ and the kernel build directories
#   make distclean        also remove the unpacked source trees
#
# V=1 shows full commands; JOBS=n sets the build parallelism (default 3);
# CCACHE=0 or 1: no compiler cache, or one for every variant (default: for
# those that share objects); PROGRESS=s (default 30, 0: off): how often a
# kernel build reports its progress.

VARIANT ?= rust
# The guest's architecture: x86_64 (the default) or arm64, cross-built and run
# under qemu-system-aarch64.  A variant's arm64 build is VARIANT-arm64 (its own
# build/ and out/ directories); make check runs rust-arm64 besides the x86_64
# variants, make check-arm64-c the c kernel on arm64 (outside make check's time
# budget).  ARCH is not handed on to the kernel's or the selftests'
# make: scripts/arch.sh gives each build its own.
ARCH ?= x86_64
ifeq ($(filter x86_64 x86 arm64,$(ARCH)),)
$(error ARCH=$(ARCH): x86_64 or arm64)
endif
MAKEOVERRIDES := $(filter-out ARCH=%,$(MAKEOVERRIDES))
unexport ARCH
# VARIANT for ARCH: rust, or rust-arm64.
AV = $(VARIANT)$(if $(filter arm64,$(ARCH)),-arm64)
# The kernel tree (scripts/base.sh): debian (the default) or mainline; a base
# other than the default builds in build/VARIANT-BASE, results in out/VARIANT-BASE.
BASE ?= debian
OUT = out/$(1)$(if $(filter-out debian,$(BASE)),-$(BASE))
VARIANTS ?= upstream c rust debug rust-arm64
DURATION ?= 600
RUNS ?= 10
RUNNER := runner/target/release/runner
# The summary of one variant: its settings that narrow the tests first, and every
# suite configs/expected.tsv requires of it (a missing suite or a new skip fails).
SUMMARY = $(RUNNER) summary --expect configs/expected.tsv --setting "ONLY=$${ONLY:-(unset)}" \
	--setting "TESTLIST=$${TESTLIST:-(unset)}" --setting "APPEND=$${APPEND:-(unset)}"
export V JOBS BASE KSRC KPKG KVER KSUITE CACHE BOOT_TIMEOUT ICOUNT ONLY CHECK_BENCH APPEND CCACHE PROGRESS \
	CONFIG LOCALMODCONFIG

ifeq ($(V),1)
Q :=
else
Q := @
endif

.PHONY: all deps runner source kernel selftests test run check \
	clean distclean help

# The demo's table (samples/pidfd/autokill-demo, the last suite) from a console log.
DEMO_TABLE = awk '/suite-begin demo\/autokill-demo/ { on = 1; next } /suite-end demo\// { on = 0 } \
	on && /^(\# |ok |not ok )/' $(1)

all: deps runner
	$(Q)scripts/variant.sh $(AV) test
	$(Q)$(SUMMARY) $(call OUT,$(AV))/results.json; rc=$$?; \
	if grep -q 'suite-begin demo/autokill-demo' $(call OUT,$(AV))/console.log; then \
		echo; echo "autokill-demo, in the guest: workers under PR_SET_PDEATHSIG and CLONE_PIDFD_AUTOKILL"; \
		$(call DEMO_TABLE,$(call OUT,$(AV))/console.log); fi; \
	echo; echo "kernel:      $(call OUT,$(AV))/$(if $(filter arm64,$(ARCH)),Image,bzImage)"; \
	echo "console log: $(call OUT,$(AV))/console.log"; \
	echo "results:     $(call OUT,$(AV))/results.json"; exit $$rc

help:
	$(Q)sed -n '3,36p' Makefile | sed 's/^# \{0,1\}//'

deps:
	$(Q)scripts/deps.sh

$(RUNNER): $(wildcard runner/src/*.rs) runner/Cargo.toml runner/Cargo.lock | deps
	$(Q)echo "  CARGO   runner"
	$(Q)cargo build -q --locked --offline --release --manifest-path runner/Cargo.toml
	$(Q)touch $@

runner: $(RUNNER)

source: deps
	$(Q)scripts/prepare-tree.sh pristine
	$(Q)scripts/prepare-tree.sh patched

kernel: deps runner
	$(Q)scripts/variant.sh $(AV) kernel

selftests: deps runner
	$(Q)scripts/variant.sh $(AV) selftests

test: deps runner
	$(Q)scripts/variant.sh $(AV) test
	$(Q)$(SUMMARY) --setting "BASE=$(BASE)" $(call OUT,$(AV))/results.json

run: deps runner
	$(Q)scripts/variant.sh $(AV) run "$(CMD)"

# The whole suite: host-side tests of the project's tools, every variant
# booted with every selftest, and the cross-variant checks.  Each step
# records its results; the summary at the end decides the exit status.
check: deps
	$(Q)mkdir -p out/host
	$(Q)scripts/check.sh $(VARIANTS)

clean:
	$(Q)rm -rf out build/upstream build/c build/rust build/debug build/debug-c build/docs build/series \
		build/*-arm64 build/deb build/tools

distclean: clean
	$(Q)rm -rf build runner/target

# The upstream patch series (git format-patch + cover letter) in out/series,
# and its check: checkpatch --strict per patch, git am onto a fresh 7.3 tree,
# a reduced build of every prefix.
.PHONY: series series-check
series: deps runner
	$(Q)scripts/series.sh out/series

series-check: deps runner
	$(Q)scripts/series.sh out/series check

# Benchmarks: every variant under qemu -icount (deterministic) and plain TCG;
# table, out/bench/results.json and out/bench/bench.svg.  bench-check is the
# reduced form that make check runs.
.PHONY: bench bench-check
bench: deps runner
	$(Q)ARCH=$(ARCH) scripts/bench.sh full

bench-check: deps runner
	$(Q)ARCH=$(ARCH) scripts/bench.sh quick

# The documentation page, rendered by the kernel's own Sphinx set-up (the
# userspace-api book only, about a minute).
.PHONY: docs
docs: source
	$(Q)PATH=/usr/bin:$$PATH $(MAKE) -s -C build/src/patched O=$(CURDIR)/build/docs \
		SPHINXDIRS=userspace-api htmldocs
	$(Q)echo "documentation: build/docs/Documentation/output/userspace-api/clone3-autokill.html"
	$(Q)echo "source:        Documentation/userspace-api/clone3-autokill.rst"

# pidfd_autokill_stress_test alone on the debug kernel: its fail-nth tests, and
# its five stress tests each for up to DURATION seconds (make check: 10).
# Results in out/soak/ (out/debug/ keeps those of the full debug run).
.PHONY: soak
soak: deps runner
	$(Q)mkdir -p build/debug out/soak
	$(Q)echo "pidfd/pidfd_autokill_stress_test $$((6 * $(DURATION) + 900))" > build/debug/soak.list
	$(Q)for f in console.log results.json matrix.tsv; do \
		[ ! -f out/debug/$$f ] || mv out/debug/$$f out/debug/$$f.keep; done
	$(Q)TESTLIST=$(CURDIR)/build/debug/soak.list APPEND="STRESS_SECONDS=$(DURATION)" \
		BOOT_TIMEOUT=$$((6 * $(DURATION) + 1200)) scripts/variant.sh debug test; \
	rc=$$?; for f in console.log results.json matrix.tsv; do \
		[ ! -f out/debug/$$f ] || mv out/debug/$$f out/soak/$$f; \
		[ ! -f out/debug/$$f.keep ] || mv out/debug/$$f.keep out/debug/$$f; done; \
	[ $$rc = 0 ] && $(RUNNER) summary out/soak/results.json

# A flake hunt: VARIANT built once and booted RUNS times with every selftest;
# each run kept in out/flaky/VARIANT/run-N.json and run-N.log, and every test
# whose result was not the same in all runs listed in out/flaky/VARIANT/flaky.txt
# (flaky.tsv: every test, its outcome per run).  Exit 1 if one changed.
.PHONY: flaky
flaky: deps runner
	$(Q)scripts/flaky.sh $(VARIANT) $(RUNS)

# Mutation testing of the port (configs/mutants.tsv): each mutant built into the
# rust kernel and booted; every one must be killed by a test.  Needs the rust
# and c variants built.  IDS=... for some.  Table: out/mutants/mutants.tsv.
.PHONY: mutants
mutants: deps runner
	$(Q)scripts/mutants.sh $(IDS)

# Debian's user-namespace gate, moved by patches/debian/ to kernel_clone(): the
# errno matrix of upstream, c and rust booted with the gate closed (sysctl 0) must
# be identical, and differ from make check's in the unprivileged half only.
.PHONY: userns-gate
userns-gate: deps runner
	$(Q)scripts/userns-gate.sh

# The object sizes the README quotes, from the built kernels (out/sizes.txt).
.PHONY: sizes
sizes:
	$(Q)scripts/sizes.sh $(SIZES_VARIANTS)

# The Kconfig combinations the port allows, each built and linked (vmlinux) in
# build/configs, and a wrong bindgen layout that must fail to build:
# scripts/configs-check.sh, table in out/configs/configs.tsv.  CASES=... for some.
.PHONY: configs-check
configs-check: deps runner
	$(Q)scripts/configs-check.sh $(CASES)

# The debug kernel (KASAN, KFENCE, UBSAN, lockdep, kmemleak, fault injection)
# on the rust variant, or VARIANT=c for upstream's C under the same checkers.
.PHONY: check-debug
check-debug: deps runner
	$(Q)scripts/variant.sh $(if $(filter c,$(VARIANT)),debug-c,debug) test
	$(Q)$(SUMMARY) out/$(if $(filter c,$(VARIANT)),debug-c,debug)/results.json

# Debian binary packages of the patched kernel (the kernel's bindeb-pkg), in
# out/deb: from CONFIG=<file> (default: the running kernel's /boot/config-*)
# merged with configs/deb.config and verified; LOCALMODCONFIG=1 trims it.
# deb-check: the rust kernel packaged, the package checked, its image booted.
.PHONY: deb deb-config deb-check
deb: deps runner
	$(Q)scripts/deb.sh build

deb-config: deps runner
	$(Q)scripts/deb.sh config

deb-check: deps runner
	$(Q)scripts/variant.sh rust selftests
	$(Q)scripts/deb.sh smoke
	$(Q)$(RUNNER) parse --log out/deb/smoke.log --variant deb --out out/deb/results.json > /dev/null
	$(Q)$(SUMMARY) out/deb/results.json

# autokill-run (samples/pidfd) for users of a kernel with the feature, built
# against the patched tree's UAPI headers: $(DESTDIR)$(PREFIX)/bin/autokill-run.
PREFIX ?= /usr/local
.PHONY: install-tools
install-tools: source
	$(Q)$(MAKE) -s -C build/src/patched O=$(CURDIR)/build/tools headers_install > /dev/null
	$(Q)$(CC) -O2 -Wall -Wextra -isystem build/tools/usr/include \
		-o build/tools/autokill-run samples/pidfd/autokill-run.c
	$(Q)install -D -m 0755 build/tools/autokill-run $(DESTDIR)$(PREFIX)/bin/autokill-run
	$(Q)echo "installed $(DESTDIR)$(PREFIX)/bin/autokill-run (autokill-run --help)"

# The c variant on arm64, which make check leaves out to stay inside its time
# budget: built, booted and tested, then the cross-variant checks of the last
# make check's variants with it (its symbols, calls, release slot and matrix).
.PHONY: check-arm64-c
check-arm64-c: deps runner
	$(Q)scripts/variant.sh c-arm64 test
	$(Q)mkdir -p out/host
	$(Q)scripts/check-variants.sh $(VARIANTS) c-arm64 > out/host/variants-arm64-c.log 2>&1; \
	$(RUNNER) parse --log out/host/variants-arm64-c.log --variant cross \
		--out out/host/variants-arm64-c.json > /dev/null; \
	$(SUMMARY) out/c-arm64/results.json out/host/variants-arm64-c.json
