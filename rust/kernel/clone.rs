// SPDX-License-Identifier: GPL-2.0

//! Process creation: clone flags, `struct kernel_clone_args` and pidfd file flags.
//!
//! C headers: [`include/uapi/linux/sched.h`](srctree/include/uapi/linux/sched.h),
//! [`include/linux/sched/task.h`](srctree/include/linux/sched/task.h) and
//! [`include/uapi/linux/pidfd.h`](srctree/include/uapi/linux/pidfd.h).

use crate::{bindings, types::Opaque};
use core::ops::{BitAnd, BitOr};

/// A set of `CLONE_*` flags, as passed to `clone()` and `clone3()`.
///
/// Any 64-bit value is a valid [`CloneFlags`]: userspace may pass bits the kernel does not know,
/// and rejecting them is the job of the validation, not of this type.
///
/// This type and [`PidfdFlags`] are not made with [`impl_flags!`](crate::impl_flags): the types
/// that macro generates hold known flags only (no constructor from a raw value, and `!` and `^`
/// mask to the known bits), while these must keep every bit that userspace or the VFS put in
/// the value; and the validation builds its masks in `const` context, where the macro's
/// operators cannot be used.
///
/// # Examples
///
/// ```
/// use kernel::clone::CloneFlags;
///
/// let flags = CloneFlags::PIDFD | CloneFlags::AUTOREAP | CloneFlags::PIDFD_AUTOKILL;
/// assert!(flags.contains(CloneFlags::PIDFD | CloneFlags::AUTOREAP));
/// assert!(flags.intersects(CloneFlags::THREAD | CloneFlags::PIDFD));
/// assert!(!flags.intersects(CloneFlags::THREAD | CloneFlags::VM));
/// assert_eq!(flags.as_raw(), (1 << 12) | (1 << 34) | (1 << 36));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
#[repr(transparent)]
pub struct CloneFlags(u64);

macro_rules! clone_flags {
    ($($(#[$doc:meta])* $name:ident = $c:ident;)*) => {
        impl CloneFlags {
            $(
                $(#[$doc])*
                pub const $name: Self = Self(bindings::$c as u64);
            )*
        }
    };
}

clone_flags! {
    /// `CSIGNAL`: the exit signal bits of legacy `clone()`.
    CSIGNAL = CSIGNAL;
    /// `CLONE_VM`: share the address space.
    VM = CLONE_VM;
    /// `CLONE_FS`: share the filesystem information (root, cwd, umask).
    FS = CLONE_FS;
    /// `CLONE_FILES`: share the file descriptor table.
    FILES = CLONE_FILES;
    /// `CLONE_SIGHAND`: share the signal handlers.
    SIGHAND = CLONE_SIGHAND;
    /// `CLONE_PIDFD`: return a pidfd for the child.
    PIDFD = CLONE_PIDFD;
    /// `CLONE_PARENT`: the child gets the caller's parent.
    PARENT = CLONE_PARENT;
    /// `CLONE_THREAD`: the child joins the caller's thread group.
    THREAD = CLONE_THREAD;
    /// `CLONE_NEWNS`: new mount namespace.
    NEWNS = CLONE_NEWNS;
    /// `CLONE_DETACHED`: ignored by `clone()`, rejected by `clone3()`.
    DETACHED = CLONE_DETACHED;
    /// `CLONE_NEWUSER`: new user namespace.
    NEWUSER = CLONE_NEWUSER;
    /// `CLONE_NEWPID`: new pid namespace.
    NEWPID = CLONE_NEWPID;
    /// `CLONE_NEWTIME`: new time namespace (shares a bit with `CSIGNAL`).
    NEWTIME = CLONE_NEWTIME;
    /// `CLONE_LEGACY_FLAGS`: the 32 bits that `clone()` can pass.
    LEGACY = CLONE_LEGACY_FLAGS;
    /// `CLONE_CLEAR_SIGHAND`: reset all signal handlers to the default.
    CLEAR_SIGHAND = CLONE_CLEAR_SIGHAND;
    /// `CLONE_INTO_CGROUP`: start the child in the cgroup `clone_args.cgroup`.
    INTO_CGROUP = CLONE_INTO_CGROUP;
    /// `CLONE_AUTOREAP`: the child never becomes a zombie.
    AUTOREAP = CLONE_AUTOREAP;
    /// `CLONE_NNP`: the child gets `no_new_privs`.
    NNP = CLONE_NNP;
    /// `CLONE_PIDFD_AUTOKILL`: the child is killed when the last reference to its clone pidfd's
    /// file goes away.
    PIDFD_AUTOKILL = CLONE_PIDFD_AUTOKILL;
    /// `CLONE_EMPTY_MNTNS`: start with an empty mount namespace.
    EMPTY_MNTNS = CLONE_EMPTY_MNTNS;
}

impl CloneFlags {
    /// No flags.
    pub const EMPTY: Self = Self(0);

    /// Creates a flag set from the raw C value.
    #[inline]
    pub const fn from_raw(flags: u64) -> Self {
        Self(flags)
    }

    /// Returns the raw C value.
    #[inline]
    pub const fn as_raw(self) -> u64 {
        self.0
    }

    /// Returns `true` if every flag in `other` is set.
    #[inline]
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    /// Returns `true` if at least one flag in `other` is set.
    #[inline]
    pub const fn intersects(self, other: Self) -> bool {
        self.0 & other.0 != 0
    }

    /// Returns the flags of `self` that are not in `other`.
    #[inline]
    pub const fn difference(self, other: Self) -> Self {
        Self(self.0 & !other.0)
    }

    /// Returns the union of `self` and `other` (usable in `const` context).
    #[inline]
    pub const fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }
}

impl BitOr for CloneFlags {
    type Output = Self;

    #[inline]
    fn bitor(self, rhs: Self) -> Self {
        self.union(rhs)
    }
}

impl BitAnd for CloneFlags {
    type Output = Self;

    #[inline]
    fn bitand(self, rhs: Self) -> Self {
        Self(self.0 & rhs.0)
    }
}

/// Flags of a pidfd's `struct file` (`file->f_flags`), as far as pidfs gives them a meaning.
///
/// The values are C's (`include/uapi/linux/pidfd.h`), through the bindings.
///
/// # Examples
///
/// ```
/// use kernel::clone::PidfdFlags;
///
/// let f = PidfdFlags::STALE | PidfdFlags::AUTOKILL;
/// assert!(f.contains(PidfdFlags::AUTOKILL));
/// assert!(!f.contains(PidfdFlags::THREAD));
/// assert_eq!(f.as_raw(), kernel::bindings::PIDFD_STALE | kernel::bindings::PIDFD_AUTOKILL);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
#[repr(transparent)]
pub struct PidfdFlags(u32);

// Each flag is one bit, and no two share it: a pidfd's flags are tested one by one.
crate::static_assert!(
    bindings::PIDFD_THREAD.is_power_of_two()
        && bindings::PIDFD_STALE.is_power_of_two()
        && bindings::PIDFD_AUTOKILL.is_power_of_two()
        && bindings::PIDFD_THREAD & bindings::PIDFD_STALE == 0
        && bindings::PIDFD_THREAD & bindings::PIDFD_AUTOKILL == 0
        && bindings::PIDFD_STALE & bindings::PIDFD_AUTOKILL == 0,
    "the pidfd file flags must be distinct single bits"
);

impl PidfdFlags {
    /// No flags.
    pub const EMPTY: Self = Self(0);
    /// `PIDFD_THREAD`: the pidfd refers to a thread, not a thread group.
    pub const THREAD: Self = Self(bindings::PIDFD_THREAD);
    /// `PIDFD_STALE`: no task is attached to the pid yet (kernel-internal, `pidfd_prepare()`).
    pub const STALE: Self = Self(bindings::PIDFD_STALE);
    /// `PIDFD_AUTOKILL`: the last close of this file kills the thread group (kernel-internal,
    /// set only for the pidfd that `clone3()` returns with `CLONE_PIDFD_AUTOKILL`).
    pub const AUTOKILL: Self = Self(bindings::PIDFD_AUTOKILL);

    /// Creates a flag set from a raw `f_flags` value.
    #[inline]
    pub const fn from_raw(flags: u32) -> Self {
        Self(flags)
    }

    /// Returns the raw value.
    #[inline]
    pub const fn as_raw(self) -> u32 {
        self.0
    }

    /// Returns `true` if every flag in `other` is set.
    #[inline]
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }
}

impl BitOr for PidfdFlags {
    type Output = Self;

    #[inline]
    fn bitor(self, rhs: Self) -> Self {
        Self(self.0 | rhs.0)
    }
}

/// An exit signal as requested by `clone()`/`clone3()` (`kernel_clone_args.exit_signal`).
///
/// Not necessarily a valid signal number: it is whatever the caller asked for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(transparent)]
pub struct ExitSignal(pub i32);

impl ExitSignal {
    /// Returns `true` if the child is to signal its parent at all on exit.
    #[inline]
    pub const fn is_set(self) -> bool {
        self.0 != 0
    }
}

/// Wraps the kernel's `struct kernel_clone_args`: the arguments of one `clone()`/`clone3()`
/// call after they were copied from userspace.
///
/// # Invariants
///
/// The wrapped struct is valid, and nothing else accesses it while a reference to this type
/// exists: it lives on the stack of the task that is executing the clone call.
#[repr(transparent)]
pub struct CloneArgs(Opaque<bindings::kernel_clone_args>);

// The fields read and written here are where C has them.
crate::static_assert_c_offset! {
    kernel_clone_args.flags == OFFSETOF_KERNEL_CLONE_ARGS_FLAGS;
    kernel_clone_args.exit_signal == OFFSETOF_KERNEL_CLONE_ARGS_EXIT_SIGNAL;
    kernel_clone_args.stack == OFFSETOF_KERNEL_CLONE_ARGS_STACK;
    kernel_clone_args.stack_size == OFFSETOF_KERNEL_CLONE_ARGS_STACK_SIZE;
}

impl CloneArgs {
    /// Creates an exclusive reference from a raw pointer.
    ///
    /// # Safety
    ///
    /// - `ptr` points to a valid `struct kernel_clone_args`;
    /// - nobody else accesses it for the lifetime `'a`.
    #[inline]
    pub unsafe fn from_raw_mut<'a>(ptr: *mut bindings::kernel_clone_args) -> &'a mut Self {
        // CAST: `Self` is a `repr(transparent)` wrapper around `bindings::kernel_clone_args`.
        // SAFETY: The caller guarantees validity and exclusive access for `'a`.
        unsafe { &mut *ptr.cast() }
    }

    /// The requested clone flags.
    #[inline]
    pub fn flags(&self) -> CloneFlags {
        // SAFETY: By the type invariant the struct is valid and has no concurrent writers.
        CloneFlags(unsafe { (*self.0.get()).flags })
    }

    /// The requested exit signal.
    #[inline]
    pub fn exit_signal(&self) -> ExitSignal {
        // SAFETY: By the type invariant the struct is valid and has no concurrent writers.
        ExitSignal(unsafe { (*self.0.get()).exit_signal })
    }

    /// The lowest address of the child's stack, `0` for none (`clone3()` semantics).
    #[inline]
    pub fn stack(&self) -> usize {
        // SAFETY: By the type invariant the struct is valid and has no concurrent writers.
        unsafe { (*self.0.get()).stack }
    }

    /// The size of the child's stack.
    #[inline]
    pub fn stack_size(&self) -> usize {
        // SAFETY: By the type invariant the struct is valid and has no concurrent writers.
        unsafe { (*self.0.get()).stack_size }
    }

    /// Sets the initial stack pointer of the child.
    #[inline]
    pub fn set_stack(&mut self, stack: usize) {
        // SAFETY: `&mut self` guarantees exclusive access to the valid struct.
        unsafe { (*self.0.get()).stack = stack };
    }
}
