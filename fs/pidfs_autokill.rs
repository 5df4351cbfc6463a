// SPDX-License-Identifier: GPL-2.0

//! The pidfs `release` handler in Rust (`CONFIG_CLONE_AUTOKILL_RUST`): when the last reference
//! to the `struct file` of a pidfd created by `clone3(CLONE_PIDFD_AUTOKILL)` goes away, the
//! thread group it refers to is killed.
//!
//! Only that one file carries `PIDFD_AUTOKILL` in its `f_flags`: `dup()`, inherited, passed
//! (`SCM_RIGHTS`) and `pidfd_getfd()` copies share it and keep the child alive, while
//! `pidfd_open()` and `open_by_handle_at()` create other files that never carry the flag.

use kernel::{
    bindings,
    clone::PidfdFlags,
    fs::file::LocalFile,
    pid::{PidType, StructPid},
    prelude::*,
    sync::rcu,
};

// The fields read here (`f_flags` through `LocalFile::flags()`) are where C has them.
kernel::static_assert_c_offset! {
    file.f_flags == OFFSETOF_FILE_F_FLAGS;
    inode.i_private == OFFSETOF_INODE_I_PRIVATE;
}

/// What the last close of a pidfd's file does: nothing, unless the file carries
/// `PIDFD_AUTOKILL`.
fn release(pid: &StructPid, flags: PidfdFlags) {
    if !flags.contains(PidfdFlags::AUTOKILL) {
        return;
    }
    let guard = rcu::read_lock();
    // Not attached yet (the `copy_process()` error path) or already gone: nothing to kill.
    let Some(task) = pid.task(PidType::Tgid, &guard) else {
        return;
    };
    // `clone3()` never creates kernel threads or user workers; refuse to kill one regardless.
    if kernel::warn_on_once!(task.is_kthread_or_user_worker()) {
        return;
    }
    task.kill_group_priv();
}

/// `pidfs_file_operations.release`.
///
/// # Safety
///
/// Called by the VFS on the last `fput()` of a pidfs file: `inode` is that file's valid pidfs
/// inode, whose `i_private` is the `struct pid` it pins, and `file` is the file being released.
#[export]
pub unsafe extern "C" fn rust_pidfs_file_release(
    inode: *mut bindings::inode,
    file: *mut bindings::file,
) -> c_int {
    // SAFETY: `file` stays valid until the release handler returns (the VFS frees it after),
    // which bounds the reference; with the last reference gone no `fdget_pos()` can be active on
    // it. Nothing here takes a new reference from the zero count, so, as in the release handler
    // of `kernel::miscdevice`, the borrowed `LocalFile` is only read.
    let file = unsafe { LocalFile::from_raw_file(file) };
    let flags = PidfdFlags::from_raw(file.flags());
    // SAFETY: `inode` is a valid pidfs inode; its `i_private` is the `struct pid`, which the
    // inode keeps referenced at least until the file is gone.
    let pid = unsafe { StructPid::from_raw((*inode).i_private.cast::<bindings::pid>()) };
    release(pid, flags);
    0
}
