// SPDX-License-Identifier: GPL-2.0

//! Process identifiers: the kernel's `struct pid`.
//!
//! C header: [`include/linux/pid.h`](srctree/include/linux/pid.h).

use crate::{
    bindings,
    sync::{aref::AlwaysRefCounted, rcu},
    task::Task,
    types::Opaque,
};
use core::ptr::NonNull;

/// The kinds of task a `struct pid` can be attached as (`enum pid_type`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u32)]
pub enum PidType {
    /// `PIDTYPE_PID`: a single thread.
    Pid = bindings::pid_type_PIDTYPE_PID,
    /// `PIDTYPE_TGID`: a thread group (process), looked up as its leader.
    Tgid = bindings::pid_type_PIDTYPE_TGID,
    /// `PIDTYPE_PGID`: a process group.
    Pgid = bindings::pid_type_PIDTYPE_PGID,
    /// `PIDTYPE_SID`: a session.
    Sid = bindings::pid_type_PIDTYPE_SID,
}

/// Wraps the kernel's `struct pid`: a process identifier as an object, which outlives the
/// tasks attached to it and is never reused for another process.
///
/// Named after the C struct because [`kernel::task::Pid`](crate::task::Pid) is already the
/// numeric `pid_t`: a `StructPid` is what a pidfd refers to, a `Pid` is a number in one pid
/// namespace.
///
/// A `struct pid` stays valid while references to it are held (pidfds hold one), even after
/// the task it named has been reaped.
///
/// # Invariants
///
/// The wrapped `struct pid` is valid, and its reference count is non-zero for as long as a
/// reference to this type exists.
#[repr(transparent)]
pub struct StructPid(Opaque<bindings::pid>);

// SAFETY: A `struct pid` may be used from any thread; everything this type does with it is
// synchronised by the C side (RCU for the task lookups, an atomic reference count).
unsafe impl Sync for StructPid {}

// SAFETY: The reference count of a `struct pid` may be dropped from any thread.
unsafe impl Send for StructPid {}

// SAFETY: The type invariants guarantee a non-zero reference count, which `get_pid()` and
// `put_pid()` maintain.
unsafe impl AlwaysRefCounted for StructPid {
    #[inline]
    fn inc_ref(&self) {
        // SAFETY: The existence of a shared reference means that the refcount is non-zero.
        unsafe { bindings::get_pid(self.as_ptr()) };
    }

    #[inline]
    unsafe fn dec_ref(obj: NonNull<Self>) {
        // SAFETY: The caller gives up a reference it owns; `put_pid()` frees the struct when it
        // was the last.
        unsafe { bindings::put_pid(obj.cast().as_ptr()) }
    }
}

impl StructPid {
    /// Creates a reference to a [`StructPid`] from a valid pointer.
    ///
    /// # Safety
    ///
    /// - `ptr` points to a valid `struct pid`;
    /// - the caller holds (directly or through an object such as a pidfd's inode) a reference to
    ///   it that lasts at least for `'a`.
    #[inline]
    pub unsafe fn from_raw<'a>(ptr: *const bindings::pid) -> &'a Self {
        // CAST: `Self` is a `repr(transparent)` wrapper around `bindings::pid`.
        // SAFETY: The caller guarantees that `ptr` is valid for `'a`.
        unsafe { &*ptr.cast() }
    }

    /// Returns a raw pointer to the inner C struct.
    #[inline]
    pub fn as_ptr(&self) -> *mut bindings::pid {
        self.0.get()
    }

    /// Returns the task attached to this pid as `pid_type`, if there is one (`pid_task()`).
    ///
    /// The task is only guaranteed to stay valid inside the RCU read-side critical section that
    /// `rcu` proves, so the returned reference cannot outlive the guard: using it after
    /// `rcu_read_unlock()` does not compile. To keep the task longer, take a reference with
    /// [`ARef::from`](crate::sync::aref::ARef::from) while the guard is held.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::{pid::{PidType, StructPid}, sync::{aref::ARef, rcu}, task::Task};
    ///
    /// fn leader(pid: &StructPid) -> Option<ARef<Task>> {
    ///     let guard = rcu::read_lock();
    ///     pid.task(PidType::Tgid, &guard).map(ARef::from)
    /// }
    ///
    /// // The current task's own `struct pid`.
    /// let current = kernel::current!();
    /// // SAFETY: `get_task_pid()` returns a valid pid of a live task with a reference taken for
    /// // the caller, which the `ARef` owns from then on.
    /// let pid: ARef<StructPid> = unsafe {
    ///     let ptr = kernel::bindings::get_task_pid(current.as_ptr(), PidType::Pid as u32);
    ///     ARef::from_raw(core::ptr::NonNull::new(ptr).unwrap().cast())
    /// };
    /// let found = leader(&pid).expect("the current process has a leader");
    /// assert_eq!(found.pid(), current.group_leader().pid());
    /// ```
    #[inline]
    pub fn task<'a>(&'a self, pid_type: PidType, _rcu: &'a rcu::Guard) -> Option<&'a Task> {
        // SAFETY: `self` is a valid `struct pid` by the type invariant and the RCU read-side lock
        // is held (`rcu::Guard` invariant), which is what `pid_task()` requires.
        let task = unsafe { bindings::pid_task(self.as_ptr(), pid_type as bindings::pid_type) };
        if task.is_null() {
            return None;
        }
        // SAFETY: A task found by `pid_task()` is not freed before the end of the current RCU
        // read-side critical section (task structs are freed after a grace period), and the
        // returned lifetime is bound to the guard. `Task` is a `repr(transparent)` wrapper.
        Some(unsafe { &*task.cast::<Task>() })
    }
}
