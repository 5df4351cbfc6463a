// SPDX-License-Identifier: GPL-2.0

//! User namespaces.
//!
//! C header: [`include/linux/user_namespace.h`](srctree/include/linux/user_namespace.h).

use crate::{bindings, types::Opaque};

/// Wraps the kernel's `struct user_namespace`: the namespace that capabilities are checked in.
///
/// Only borrowed here (for example from the [`Credential`] that holds a reference to it); the
/// type does not manage the namespace's reference count.
///
/// [`Credential`]: crate::cred::Credential
///
/// # Invariants
///
/// The wrapped `struct user_namespace` is valid for as long as a reference to this type exists.
#[repr(transparent)]
pub struct UserNamespace(Opaque<bindings::user_namespace>);

// SAFETY: A `struct user_namespace` may be used from any thread; what this type does with it
// (capability checks) is synchronised by the C side.
unsafe impl Sync for UserNamespace {}

impl UserNamespace {
    /// Creates a reference to a [`UserNamespace`] from a valid pointer.
    ///
    /// # Safety
    ///
    /// `ptr` points to a valid `struct user_namespace` that stays valid for `'a`.
    #[inline]
    pub unsafe fn from_ptr<'a>(ptr: *const bindings::user_namespace) -> &'a Self {
        // CAST: `Self` is a `repr(transparent)` wrapper around `bindings::user_namespace`.
        // SAFETY: The caller guarantees that `ptr` is valid for `'a`.
        unsafe { &*ptr.cast() }
    }

    /// Returns a raw pointer to the inner C struct.
    #[inline]
    pub fn as_ptr(&self) -> *mut bindings::user_namespace {
        self.0.get()
    }
}
