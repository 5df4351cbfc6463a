// SPDX-License-Identifier: GPL-2.0

//! `clone()`/`clone3()` flag validation and the fork-time state of `CLONE_AUTOREAP`, `CLONE_NNP`
//! and `CLONE_PIDFD_AUTOKILL`, in Rust (`CONFIG_CLONE_AUTOKILL_RUST`).
//!
//! C enters through the `#[export]`ed `rust_*` functions declared in
//! [`include/linux/clone_autokill.h`](srctree/include/linux/clone_autokill.h). Each is a thin
//! shim: it wraps its arguments (a raw pointer once, or plain integers) in the types of
//! `kernel::clone` and `kernel::task`, calls the safe code below and turns errors into negative
//! errnos at the boundary.
//!
//! The validation is a pure function of the flags, the exit signal and a few facts about the
//! calling task ([`CallerFacts`]), so that the KUnit suite below can compare it exhaustively with
//! upstream's C checks.

use kernel::{
    bindings,
    capability::{self, Capability},
    clone::{CloneArgs, CloneFlags, ExitSignal, PidfdFlags},
    prelude::*,
    task::NewTask,
    uaccess::UserPtr,
};

/// Facts about the calling task that [`check_flags`] depends on.
///
/// [`check_flags`] asks for a fact only when the check that needs it is reached, in upstream's
/// order: one of them ([`Self::ns_capable_sys_admin`]) is a capability check with side effects
/// (`PF_SUPERPRIV`, audit), so when it is made matters as much as its answer.
pub trait CallerFacts {
    /// The caller is a global or container init (`SIGNAL_UNKILLABLE`).
    fn signal_unkillable(&self) -> bool;
    /// The caller was itself created with `CLONE_AUTOREAP`.
    fn autoreap(&self) -> bool;
    /// The caller's children would land in another pid namespace than its own.
    fn pid_ns_for_children_differs(&self) -> bool;
    /// `ns_capable(current_user_ns(), CAP_SYS_ADMIN)`.
    fn ns_capable_sys_admin(&self) -> bool;
}

/// The calling task, as seen from `copy_process()`.
struct Caller;

impl CallerFacts for Caller {
    #[inline]
    fn signal_unkillable(&self) -> bool {
        current!().is_signal_unkillable()
    }

    #[inline]
    fn autoreap(&self) -> bool {
        current!().is_autoreap()
    }

    #[inline]
    fn pid_ns_for_children_differs(&self) -> bool {
        current!().pid_ns_for_children_differs()
    }

    #[inline]
    fn ns_capable_sys_admin(&self) -> bool {
        capability::ns_capable(current!().cred().user_ns(), Capability::SYS_ADMIN)
    }
}

/// The clone flag checks that `copy_process()` makes before it allocates anything.
///
/// Returns the same errno as upstream's C for every combination of `flags`, `exit_signal` and
/// facts, and makes the capability checks exactly when the C makes them (the KUnit suite below
/// compares both over every combination). Upstream's checks, in its order, and where each is
/// here:
///
/// | upstream `copy_process()`                                 | here                   |
/// |-----------------------------------------------------------|------------------------|
/// | `CLONE_NEWNS\|CLONE_FS`, `CLONE_NEWUSER\|CLONE_FS`: EINVAL | [`check_flags`]        |
/// | `CLONE_THREAD` without `CLONE_SIGHAND`: EINVAL            | [`check_flags_alone`]  |
/// | `CLONE_SIGHAND` without `CLONE_VM`: EINVAL                | [`check_flags_alone`]  |
/// | `CLONE_PARENT` from a `SIGNAL_UNKILLABLE` init: EINVAL    | [`check_caller`]       |
/// | `CLONE_THREAD` with `CLONE_NEWUSER`/`CLONE_NEWPID`: EINVAL| [`check_flags_alone`]  |
/// | `CLONE_THREAD` into another pid namespace: EINVAL         | [`check_caller`]       |
/// | `CLONE_PIDFD\|CLONE_DETACHED`: EINVAL                     | [`check_flags_alone`]  |
/// | `CLONE_AUTOREAP` with `THREAD`, `PARENT`, an exit signal  | [`check_flags_alone`]  |
/// | `CLONE_PARENT` from an autoreaped process: EINVAL         | [`check_caller`]       |
/// | `CLONE_NNP\|CLONE_THREAD`: EINVAL                         | [`check_flags_alone`]  |
/// | `CLONE_PIDFD_AUTOKILL`: no `PIDFD` or `AUTOREAP`, or `THREAD`: EINVAL| [`check_flags_alone`] |
/// | `CLONE_PIDFD_AUTOKILL` without `CLONE_NNP` or `ns_capable()`: EPERM | [`check_caller`] |
///
/// The EPERM check keeps its place, after every EINVAL check. The EINVAL checks before it can
/// only give the same result whatever their order, so this deviates from upstream's order there,
/// because the benchmark shows a gain beyond its noise (`make bench`, op 2: a `clone3()` that
/// these checks reject, `CLONE_AUTOREAP | CLONE_PARENT`; guest instructions per call under
/// `-icount`, which repeat to a few instructions; 875.0 for the c kernel): in upstream's order,
/// where the call reads `current` (an out-of-line call from Rust) and sets up a stack frame
/// before it is rejected, 912.9 (with `Error::to_errno()` not yet inlined); with the checks
/// that need only the flags first and `to_errno()` inlined, 903.9; with the calls out of line,
/// so that the common path has no frame, 883.8; with those checks grouped by the flag that
/// rules the others out, 877.8.
pub fn check_flags(
    flags: CloneFlags,
    exit_signal: ExitSignal,
    caller: &impl CallerFacts,
) -> Result {
    use CloneFlags as F;

    // Don't allow sharing the root directory with processes in a different namespace.
    if flags.contains(F::FS) && flags.intersects(F::NEWNS | F::NEWUSER) {
        return Err(EINVAL);
    }
    check_flags_alone(flags, exit_signal)?;
    if flags.intersects(F::PARENT | F::THREAD | F::PIDFD_AUTOKILL) {
        return check_caller(flags, caller);
    }
    Ok(())
}

/// The EINVAL checks of [`check_flags`] that depend on the flags and the exit signal alone.
///
/// They give EINVAL like the fact-based ones of [`check_caller`] that follow, and the only later
/// result that is not EINVAL (the `CLONE_PIDFD_AUTOKILL` EPERM) comes last in the C too, so the
/// order among them does not change any result: they are grouped by the flag that rules the
/// others out, and most rejected calls never look at `current`. (The KUnit suite checks the
/// equivalence.)
#[inline(always)]
fn check_flags_alone(flags: CloneFlags, exit_signal: ExitSignal) -> Result {
    use CloneFlags as F;

    if flags.contains(F::THREAD) {
        // Thread groups must share signals as well, and detached threads can only be started
        // up within the thread group. A thread group lives in one pid and one user namespace;
        // autoreap, no_new_privs at fork and the autokill pidfd are about a new process, so
        // upstream rejects them for a thread.
        if !flags.contains(F::SIGHAND)
            || flags.intersects(F::NEWUSER | F::NEWPID | F::AUTOREAP | F::NNP | F::PIDFD_AUTOKILL)
        {
            return Err(EINVAL);
        }
    }
    // Shared signal handlers imply shared VM.
    if flags.contains(F::SIGHAND) && !flags.contains(F::VM) {
        return Err(EINVAL);
    }
    // CLONE_DETACHED is blocked so that it can be reused later together with CLONE_PIDFD.
    if flags.contains(F::PIDFD | F::DETACHED) {
        return Err(EINVAL);
    }
    // An autoreaped child has no parent to notify.
    if flags.contains(F::AUTOREAP) && (flags.contains(F::PARENT) || exit_signal.is_set()) {
        return Err(EINVAL);
    }
    // The kill on the last close needs the pidfd, and a child nobody waits for.
    if flags.contains(F::PIDFD_AUTOKILL) && !flags.contains(F::PIDFD | F::AUTOREAP) {
        return Err(EINVAL);
    }
    Ok(())
}

/// The checks of [`check_flags`] that ask about the calling task, in upstream's order; only
/// reached when `flags` has one of `CLONE_PARENT`, `CLONE_THREAD` and `CLONE_PIDFD_AUTOKILL`.
#[inline(never)]
fn check_caller(flags: CloneFlags, caller: &impl CallerFacts) -> Result {
    use CloneFlags as F;

    // Global and container inits may not create siblings: they would never be reaped.
    if flags.contains(F::PARENT) && caller.signal_unkillable() {
        return Err(EINVAL);
    }
    if flags.contains(F::THREAD) && caller.pid_ns_for_children_differs() {
        return Err(EINVAL);
    }
    // A sibling of an autoreaped process would silently become a zombie of its parent.
    if flags.contains(F::PARENT) && caller.autoreap() {
        return Err(EINVAL);
    }
    // Without CLONE_NNP the child could gain privileges (setuid exec) and then be killed by an
    // unprivileged caller; require CAP_SYS_ADMIN in the caller's own user namespace.
    if flags.contains(F::PIDFD_AUTOKILL)
        && !flags.contains(F::NNP)
        && !caller.ns_capable_sys_admin()
    {
        return Err(EPERM);
    }
    Ok(())
}

/// The flags `clone3()` accepts.
const CLONE3_KNOWN_FLAGS: CloneFlags = CloneFlags::LEGACY
    .union(CloneFlags::CLEAR_SIGHAND)
    .union(CloneFlags::INTO_CGROUP)
    .union(CloneFlags::AUTOREAP)
    .union(CloneFlags::NNP)
    .union(CloneFlags::PIDFD_AUTOKILL)
    .union(CloneFlags::EMPTY_MNTNS);

/// The flag checks of `clone3_args_valid()`: a pure function of the flags and the exit signal.
pub fn clone3_flags_valid(flags: CloneFlags, exit_signal: ExitSignal) -> bool {
    use CloneFlags as F;

    // Verify that no unknown flags are passed along.
    if flags.difference(CLONE3_KNOWN_FLAGS) != F::EMPTY {
        return false;
    }

    // - make the CLONE_DETACHED bit reusable for clone3
    // - make the CSIGNAL bits reusable for clone3
    if flags.intersects(F::DETACHED | F::CSIGNAL.difference(F::NEWTIME)) {
        return false;
    }

    if flags.contains(F::SIGHAND | F::CLEAR_SIGHAND) {
        return false;
    }

    if flags.intersects(F::THREAD | F::PARENT) && exit_signal.is_set() {
        return false;
    }

    true
}

/// `clone3_stack_valid()`: checks the stack userspace gave and turns it into the initial stack
/// pointer.
///
/// Upstream's checks in upstream's order, with the part for a caller-provided stack out of
/// line: in one function LLVM saves three registers for the `access_ok()` call before it tests
/// whether there is a stack at all, which every `clone3()` without a stack pays. The
/// benchmark shows the difference (`make bench`, op 2, a `clone3()` without a stack that
/// `copy_process()` then rejects; guest instructions per call under `-icount`, c 875.0): 886.9
/// in one function, 877.9 split.
#[inline]
pub fn clone3_stack_valid(args: &mut CloneArgs) -> bool {
    if args.stack() == 0 {
        return args.stack_size() == 0;
    }
    clone3_stack_check_set(args)
}

/// [`clone3_stack_valid`] for a caller-provided stack.
#[inline(never)]
fn clone3_stack_check_set(args: &mut CloneArgs) -> bool {
    let (stack, size) = (args.stack(), args.stack_size());
    if size == 0 {
        return false;
    }
    if !UserPtr::from_addr(stack).access_ok(size) {
        return false;
    }
    // Cannot wrap: `access_ok()` just checked that the range ends below the user address limit.
    #[cfg(not(CONFIG_STACK_GROWSUP))]
    args.set_stack(stack.wrapping_add(size));
    true
}

/// The `f_flags` of the pidfd that `clone(CLONE_PIDFD)` returns.
#[inline]
pub fn pidfd_flags(flags: CloneFlags) -> PidfdFlags {
    let mut pidfd_flags = PidfdFlags::STALE;
    if flags.contains(CloneFlags::THREAD) {
        pidfd_flags = pidfd_flags | PidfdFlags::THREAD;
    }
    if flags.contains(CloneFlags::PIDFD_AUTOKILL) {
        pidfd_flags = pidfd_flags | PidfdFlags::AUTOKILL;
    }
    pidfd_flags
}

/// `copy_process()`: [`check_flags`] for the calling task.
///
/// # Safety
///
/// Called in process context by the task that is executing `clone()`/`clone3()` (the facts and
/// the capability checks are about `current`), before `copy_process()` allocates anything.
#[export]
pub unsafe extern "C" fn rust_copy_process_check_flags(
    clone_flags: u64,
    exit_signal: c_int,
) -> c_int {
    match check_flags(
        CloneFlags::from_raw(clone_flags),
        ExitSignal(exit_signal),
        &Caller,
    ) {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

/// `clone3()`: the checks of `clone3_args_valid()`, [`clone3_flags_valid`] then
/// [`clone3_stack_valid`].
///
/// # Safety
///
/// `kargs` points to the valid `struct kernel_clone_args` that `clone3()` is filling in, which
/// nothing else accesses during the call; called in process context (`access_ok()` is about the
/// current task's address space).
#[export]
pub unsafe extern "C" fn rust_clone3_args_valid(kargs: *mut bindings::kernel_clone_args) -> bool {
    // SAFETY: Per the function's safety requirements.
    let args = unsafe { CloneArgs::from_raw_mut(kargs) };
    clone3_flags_valid(args.flags(), args.exit_signal()) && clone3_stack_valid(args)
}

/// `copy_process()`: [`pidfd_flags`].
///
/// # Safety
///
/// None: the function only computes a value. (`#[export]` requires it to be `unsafe`.)
#[export]
pub unsafe extern "C" fn rust_clone_pidfd_flags(clone_flags: u64) -> c_uint {
    pidfd_flags(CloneFlags::from_raw(clone_flags)).as_raw()
}

/// `copy_process()`: `no_new_privs` for a `CLONE_NNP` child, after its seccomp state was copied.
///
/// # Safety
///
/// `p` points to the task that `copy_process()` is creating as the leader of a new thread group
/// (`CLONE_NNP` excludes `CLONE_THREAD`), before it is attached to its pids.
#[export]
pub unsafe extern "C" fn rust_clone_set_no_new_privs(p: *mut bindings::task_struct) {
    // SAFETY: Per the safety requirements `p` is a new process that has not run and that nobody
    // else can reach yet, which is the invariant of `NewTask`.
    let task = unsafe { NewTask::from_raw(p) };
    task.set_no_new_privs();
}

/// `copy_process()`: `signal->autoreap` for a `CLONE_AUTOREAP` child.
///
/// # Safety
///
/// `p` points to the task that `copy_process()` is creating as the leader of a new thread group,
/// called with `tasklist_lock` held for writing before the task is attached to its pids.
#[export]
pub unsafe extern "C" fn rust_clone_set_autoreap(p: *mut bindings::task_struct) {
    // SAFETY: Per the safety requirements `p` is a new process with its own `signal_struct`,
    // which has not run and that nobody else can reach yet: the invariant of `NewTask`.
    let task = unsafe { NewTask::from_raw(p) };
    task.set_autoreap();
}

/// The prefix of the KUnit suite's `pr_*!` messages (a built-in object has no `module!` to
/// provide it).
#[cfg(CONFIG_CLONE_AUTOKILL_RUST_KUNIT_TEST)]
const __LOG_PREFIX: &[u8] = b"clone_autokill\0";

#[cfg(CONFIG_CLONE_AUTOKILL_RUST_KUNIT_TEST)]
#[kunit_tests(clone_autokill)]
mod tests {
    use super::*;
    use core::cell::Cell;
    use kernel::{bindings::clone_caller_facts, clone::CloneFlags as F};

    /// The flag bits [`check_flags`] looks at; every combination of them is tried.
    const CHECKED: [F; 13] = [
        F::VM,
        F::FS,
        F::SIGHAND,
        F::PIDFD,
        F::PARENT,
        F::THREAD,
        F::NEWNS,
        F::DETACHED,
        F::NEWUSER,
        F::NEWPID,
        F::AUTOREAP,
        F::NNP,
        F::PIDFD_AUTOKILL,
    ];

    /// 0, `SIGCHLD` and a value that is not a signal at all.
    const EXIT_SIGNALS: [i32; 3] = [0, bindings::SIGCHLD as i32, 65];

    /// Caller facts for the Rust side, counting the capability checks made.
    struct Mock {
        facts: clone_caller_facts,
        ns_capable_calls: Cell<u32>,
    }

    impl CallerFacts for Mock {
        fn signal_unkillable(&self) -> bool {
            self.facts.signal_unkillable
        }
        fn autoreap(&self) -> bool {
            self.facts.autoreap
        }
        fn pid_ns_for_children_differs(&self) -> bool {
            self.facts.pid_ns_for_children_differs
        }
        fn ns_capable_sys_admin(&self) -> bool {
            self.ns_capable_calls.set(self.ns_capable_calls.get() + 1);
            self.facts.ns_capable_sys_admin
        }
    }

    fn facts(bits: u32) -> clone_caller_facts {
        clone_caller_facts {
            signal_unkillable: bits & 1 != 0,
            autoreap: bits & 2 != 0,
            pid_ns_for_children_differs: bits & 4 != 0,
            ns_capable_sys_admin: bits & 8 != 0,
            ns_capable_calls: 0,
        }
    }

    fn spread(combo: u32, bits: &[F]) -> F {
        bits.iter()
            .enumerate()
            .filter(|(i, _)| combo & (1 << i) != 0)
            .fold(F::EMPTY, |acc, (_, f)| acc | *f)
    }

    /// Compares one case with the C oracle; returns `true` if errno and side effects agree.
    fn agrees(flags: F, exit_signal: i32, fact_bits: u32) -> bool {
        let mut c_facts = facts(fact_bits);
        // SAFETY: The oracle only reads and counts in the facts it is given.
        let want = unsafe {
            bindings::clone_autokill_oracle_check_flags(flags.as_raw(), exit_signal, &mut c_facts)
        };
        let mock = Mock {
            facts: facts(fact_bits),
            ns_capable_calls: Cell::new(0),
        };
        let got = match check_flags(flags, ExitSignal(exit_signal), &mock) {
            Ok(()) => 0,
            Err(e) => e.to_errno(),
        };
        let same = got == want && mock.ns_capable_calls.get() == c_facts.ns_capable_calls;
        if !same {
            pr_err!(
                "flags {:#x} exit_signal {} facts {:#x}: rust {} (ns_capable {}x), C {} ({}x)\n",
                flags.as_raw(),
                exit_signal,
                fact_bits,
                got,
                mock.ns_capable_calls.get(),
                want,
                c_facts.ns_capable_calls
            );
        }
        same
    }

    /// Every combination of the checked flags x exit signals x caller facts, against the C.
    #[test]
    fn check_flags_matches_c_exhaustively() {
        let mut cases = 0u32;
        let mut mismatches = 0u32;
        for fact_bits in 0..16 {
            for combo in 0..(1u32 << CHECKED.len()) {
                let flags = spread(combo, &CHECKED);
                for exit_signal in EXIT_SIGNALS {
                    cases += 1;
                    if !agrees(flags, exit_signal, fact_bits) {
                        mismatches += 1;
                    }
                }
            }
        }
        pr_info!("check_flags: {} cases compared with the C checks\n", cases);
        assert_eq!(mismatches, 0);
    }

    /// Flags the checks do not look at change nothing.
    #[test]
    fn check_flags_ignores_other_bits() {
        let others = [
            F::FILES,
            F::CLEAR_SIGHAND,
            F::INTO_CGROUP,
            F::EMPTY_MNTNS,
            F::NEWTIME,
        ];
        let mut mismatches = 0u32;
        for combo in 0..(1u32 << CHECKED.len()) {
            for other in others {
                let flags = spread(combo, &CHECKED) | other;
                if !agrees(flags, bindings::SIGCHLD as i32, 0b1010) {
                    mismatches += 1;
                }
            }
        }
        assert_eq!(mismatches, 0);
    }

    /// `clone3_args_valid()`'s flag checks: every combination of the bits they name, with each
    /// of the 32 upper bits in turn, against the C.
    #[test]
    fn clone3_flags_match_c_exhaustively() {
        let named = [
            F::from_raw(1),
            F::from_raw(2),
            F::from_raw(4),
            F::from_raw(8),
            F::from_raw(16),
            F::from_raw(32),
            F::from_raw(64),
            F::NEWTIME,
            F::DETACHED,
            F::SIGHAND,
            F::THREAD,
            F::PARENT,
            F::CLEAR_SIGHAND,
        ];
        let mut mismatches = 0u32;
        for combo in 0..(1u32 << named.len()) {
            for high in 31..64 {
                // Bit 31 stands for "no extra bit": it is part of the legacy flags already.
                let flags = spread(combo, &named) | F::from_raw(1u64 << high);
                for exit_signal in EXIT_SIGNALS {
                    // SAFETY: The oracle is a pure function.
                    let want = unsafe {
                        bindings::clone_autokill_oracle_clone3_flags_valid(
                            flags.as_raw(),
                            exit_signal,
                        )
                    };
                    if clone3_flags_valid(flags, ExitSignal(exit_signal)) != want {
                        pr_err!(
                            "clone3 flags {:#x} exit_signal {}\n",
                            flags.as_raw(),
                            exit_signal
                        );
                        mismatches += 1;
                    }
                }
            }
        }
        assert_eq!(mismatches, 0);
    }

    /// `clone3_stack_valid()`: every class of stack argument (none, a stack without a size, a
    /// size without a stack, a range `access_ok()` refuses, one that wraps around the top of
    /// the address space, and valid ones up to the user address limit), against the C.
    #[test]
    fn clone3_stack_matches_c() {
        // The first address `access_ok()` refuses: the end of the user address space.
        let mut limit = 1usize << 20;
        while limit < usize::MAX / 2 && UserPtr::from_addr(0).access_ok(limit * 2) {
            limit *= 2;
        }
        let mut step = limit / 2;
        while step > 0 {
            if UserPtr::from_addr(0).access_ok(limit + step) {
                limit += step;
            }
            step /= 2;
        }
        let page = 4096usize;
        let stacks = [
            0,
            1,
            page,
            0x7fff_0000,
            limit - page,
            limit - 1,
            limit,
            limit + page,
            usize::MAX - page + 1,
        ];
        let sizes = [0, 1, page, 8 * page, limit - page, limit, usize::MAX];
        let (mut cases, mut refused, mut mismatches) = (0u32, 0u32, 0u32);
        for stack in stacks {
            for size in sizes {
                let args = || {
                    // SAFETY: An all-zero `kernel_clone_args` is valid (integers and pointers).
                    let mut args: bindings::kernel_clone_args = unsafe { core::mem::zeroed() };
                    args.stack = stack;
                    args.stack_size = size;
                    args
                };
                let (mut c_args, mut rust_args) = (args(), args());
                // SAFETY: `c_args` is a valid struct that only this call accesses.
                let want =
                    unsafe { bindings::clone_autokill_oracle_clone3_stack_valid(&mut c_args) };
                // SAFETY: `rust_args` is a valid struct, borrowed exclusively for the call.
                let got = clone3_stack_valid(unsafe { CloneArgs::from_raw_mut(&mut rust_args) });
                cases += 1;
                refused += u32::from(!want);
                if got != want || rust_args.stack != c_args.stack {
                    pr_err!(
                        "stack {:#x} size {:#x}: rust {} (stack {:#x}), C {} (stack {:#x})\n",
                        stack,
                        size,
                        got,
                        rust_args.stack,
                        want,
                        c_args.stack
                    );
                    mismatches += 1;
                }
            }
        }
        pr_info!(
            "clone3_stack_valid: {} cases compared with the C, {} refused, user limit {:#x}\n",
            cases,
            refused,
            limit
        );
        assert_eq!(mismatches, 0);
        // Every class is represented: some refused, some accepted.
        assert!(refused > 0 && refused < cases);
    }

    /// The pidfd's file flags as upstream computes them in `copy_process()`.
    #[test]
    fn pidfd_flags_as_upstream() {
        assert_eq!(pidfd_flags(F::PIDFD), PidfdFlags::STALE);
        assert_eq!(
            pidfd_flags(F::PIDFD | F::THREAD),
            PidfdFlags::STALE | PidfdFlags::THREAD
        );
        assert_eq!(
            pidfd_flags(F::PIDFD | F::AUTOREAP | F::PIDFD_AUTOKILL),
            PidfdFlags::STALE | PidfdFlags::AUTOKILL
        );
    }
}
