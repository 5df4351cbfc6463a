// SPDX-License-Identifier: GPL-2.0

//! Capability checks for the current task.
//!
//! C header: [`include/linux/capability.h`](srctree/include/linux/capability.h).

use crate::{bindings, user_namespace::UserNamespace};

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

/// Returns `true` if the current task has `cap` in the user namespace `ns` (`ns_capable()`).
///
/// Like the C function this is not a pure query: on success it marks the task as having used
/// superuser privileges (`PF_SUPERPRIV`), and the security modules may audit the check. Call it
/// exactly where the decision depends on it.
///
/// # Examples
///
/// ```
/// use kernel::capability::{self, Capability};
///
/// // `ns_capable(current_user_ns(), CAP_SYS_ADMIN)`: privileged in its own user namespace.
/// fn admin_in_own_userns() -> bool {
///     capability::ns_capable(kernel::current!().cred().user_ns(), Capability::SYS_ADMIN)
/// }
/// # let _ = admin_in_own_userns();
/// ```
#[inline]
pub fn ns_capable(ns: &UserNamespace, cap: Capability) -> bool {
    // SAFETY: `ns` is a valid user namespace by the type invariant; `ns_capable()` accepts any
    // capability number and acts on the current task.
    unsafe { bindings::ns_capable(ns.as_ptr(), cap.0) }
}
