// SPDX-License-Identifier: GPL-2.0

//! Capability checks for the current task.
//!
//! C header: [`include/linux/capability.h`](srctree/include/linux/capability.h).

use crate::bindings;

/// A POSIX capability (`CAP_*`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(transparent)]
pub struct Capability(i32);

impl Capability {
    /// `CAP_SYS_ADMIN`.
    pub const SYS_ADMIN: Self = Self(bindings::CAP_SYS_ADMIN as i32);

    /// Returns the capability number.
    #[inline]
    pub const fn as_raw(self) -> i32 {
        self.0
    }
}

/// Returns `true` if the current task has `cap` in the initial user namespace (`capable()`).
///
/// Like the C function this is not a pure query: on success it marks the task as having used
/// superuser privileges (`PF_SUPERPRIV`), and the security modules may audit the check. Call it
/// exactly where the decision depends on it.
#[inline]
pub fn capable(cap: Capability) -> bool {
    // SAFETY: `capable()` may be called from any task context with any capability number.
    unsafe { bindings::capable(cap.0) }
}

/// Returns `true` if the current task has `cap` in its own user namespace
/// (`ns_capable(current_user_ns(), cap)`).
///
/// The same side effects as [`capable`] apply.
#[inline]
pub fn ns_capable_current_user_ns(cap: Capability) -> bool {
    // SAFETY: `current_user_ns()` is the user namespace of the current task's credentials, which
    // stay valid while the task runs; `ns_capable()` accepts it with any capability number.
    unsafe { bindings::ns_capable(bindings::current_user_ns(), cap.0) }
}
