// SPDX-License-Identifier: GPL-2.0

//! Process identifiers: the kernel's `struct pid`.
//!
//! C header: [`include/linux/pid.h`](srctree/include/linux/pid.h).

use crate::{bindings, sync::rcu, task::Task, types::Opaque};

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

/// Wraps the kernel's `struct pid`.
///
/// A `struct pid` outlives the tasks attached to it: it stays valid while references to it are
/// held (pidfds hold one), even after the task it named has been reaped.
///
/// # Invariants
///
/// The pointer wrapped is a valid `struct pid` whose reference count is non-zero for as long as
/// a reference to this type exists.
#[repr(transparent)]
pub struct Pid(Opaque<bindings::pid>);

// SAFETY: A `struct pid` may be used from any thread; everything this type does with it is
// synchronised by the C side (RCU for the task lookups).
unsafe impl Sync for Pid {}

impl Pid {
    /// Creates a reference to a [`Pid`] from a valid pointer.
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
    /// `rcu_read_unlock()` does not compile.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::{pid::{Pid, PidType}, sync::rcu, task::Task};
    ///
    /// fn leader_tgid(pid: &Pid) -> Option<i32> {
    ///     let guard = rcu::read_lock();
    ///     pid.task(PidType::Tgid, &guard).map(Task::tgid)
    /// }
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
