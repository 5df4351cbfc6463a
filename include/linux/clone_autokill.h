/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry points of the Rust implementation of clone3()'s CLONE_AUTOREAP,
 * CLONE_NNP and CLONE_PIDFD_AUTOKILL (kernel/clone_autokill.rs,
 * fs/pidfs_autokill.rs), selected by CONFIG_CLONE_AUTOKILL_RUST.  Callers
 * use them behind IS_ENABLED(CONFIG_CLONE_AUTOKILL_RUST), so that a kernel
 * without the option contains no reference to them.  Included from
 * rust/bindings/bindings_helper.h, where #[export] checks every Rust
 * definition against these prototypes.
 */
#ifndef _LINUX_CLONE_AUTOKILL_H
#define _LINUX_CLONE_AUTOKILL_H

#include <linux/types.h>

struct file;
struct inode;
struct kernel_clone_args;
struct task_struct;

/* copy_process(): every clone flag check made before anything is allocated. */
int rust_copy_process_check_flags(u64 clone_flags, int exit_signal);
/* clone3(): the checks of clone3_args_valid(), including the stack. */
bool rust_clone3_args_valid(struct kernel_clone_args *kargs);
/* copy_process(): the f_flags of the clone pidfd's file. */
unsigned int rust_clone_pidfd_flags(u64 clone_flags);
/*
 * copy_process(): the state of a CLONE_NNP or CLONE_AUTOREAP child, set where
 * upstream sets it; the caller tests the flag, so a plain fork() makes no call.
 */
void rust_clone_set_no_new_privs(struct task_struct *p);
void rust_clone_set_autoreap(struct task_struct *p);
/* pidfs: file_operations.release of every pidfd. */
int rust_pidfs_file_release(struct inode *inode, struct file *file);

/*
 * KUnit oracle (kernel/clone_autokill_oracle.c, CONFIG_CLONE_AUTOKILL_RUST_KUNIT_TEST):
 * upstream's C checks with the facts about the calling task passed in,
 * counting how often the fact that has side effects was consulted.
 */
struct clone_caller_facts {
	bool signal_unkillable;
	bool autoreap;
	bool pid_ns_for_children_differs;
	bool ns_capable_sys_admin;
	unsigned int ns_capable_calls;
};

int clone_autokill_oracle_check_flags(u64 clone_flags, int exit_signal,
				      struct clone_caller_facts *facts);
bool clone_autokill_oracle_clone3_flags_valid(u64 clone_flags, int exit_signal);
bool clone_autokill_oracle_clone3_stack_valid(struct kernel_clone_args *kargs);

#endif /* _LINUX_CLONE_AUTOKILL_H */
