// SPDX-License-Identifier: GPL-2.0
/*
 * The oracle of the clone_autokill KUnit suite (kernel/clone_autokill.rs):
 * upstream's C clone flag checks from copy_process() and clone3_args_valid(),
 * with every fact about the calling task taken from @facts instead of
 * current, and the capability checks counted instead of made.  Built only
 * with CONFIG_CLONE_AUTOKILL_RUST_KUNIT_TEST.
 */
#include <linux/clone_autokill.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/signal.h>
#include <linux/fs.h>
#include <linux/nsproxy.h>
#include <linux/sched/signal.h>
#include <uapi/linux/sched.h>

static bool oracle_capable(struct clone_caller_facts *facts)
{
	facts->capable_calls++;
	return facts->capable_sys_admin;
}

static bool oracle_ns_capable(struct clone_caller_facts *facts)
{
	facts->ns_capable_calls++;
	return facts->ns_capable_sys_admin;
}

int clone_autokill_oracle_check_flags(u64 clone_flags, int exit_signal,
				      struct clone_caller_facts *facts)
{
	if ((clone_flags & (CLONE_NEWNS | CLONE_FS)) == (CLONE_NEWNS | CLONE_FS))
		return -EINVAL;

	if ((clone_flags & (CLONE_NEWUSER | CLONE_FS)) == (CLONE_NEWUSER | CLONE_FS))
		return -EINVAL;

	if ((clone_flags & CLONE_NEWUSER) && !facts->unprivileged_userns_clone)
		if (!oracle_capable(facts))
			return -EPERM;

	if ((clone_flags & CLONE_THREAD) && !(clone_flags & CLONE_SIGHAND))
		return -EINVAL;

	if ((clone_flags & CLONE_SIGHAND) && !(clone_flags & CLONE_VM))
		return -EINVAL;

	if ((clone_flags & CLONE_PARENT) && facts->signal_unkillable)
		return -EINVAL;

	if (clone_flags & CLONE_THREAD) {
		if ((clone_flags & (CLONE_NEWUSER | CLONE_NEWPID)) ||
		    facts->pid_ns_for_children_differs)
			return -EINVAL;
	}

	if (clone_flags & CLONE_PIDFD) {
		if (clone_flags & CLONE_DETACHED)
			return -EINVAL;
	}

	if (clone_flags & CLONE_AUTOREAP) {
		if (clone_flags & CLONE_THREAD)
			return -EINVAL;
		if (clone_flags & CLONE_PARENT)
			return -EINVAL;
		if (exit_signal)
			return -EINVAL;
	}

	if ((clone_flags & CLONE_PARENT) && facts->autoreap)
		return -EINVAL;

	if (clone_flags & CLONE_NNP) {
		if (clone_flags & CLONE_THREAD)
			return -EINVAL;
	}

	if (clone_flags & CLONE_PIDFD_AUTOKILL) {
		if (!(clone_flags & CLONE_PIDFD))
			return -EINVAL;
		if (!(clone_flags & CLONE_AUTOREAP))
			return -EINVAL;
		if (clone_flags & CLONE_THREAD)
			return -EINVAL;
		if (!(clone_flags & CLONE_NNP) && !oracle_ns_capable(facts))
			return -EPERM;
	}

	return 0;
}

bool clone_autokill_oracle_clone3_flags_valid(u64 clone_flags, int exit_signal)
{
	if (clone_flags &
	    ~(CLONE_LEGACY_FLAGS | CLONE_CLEAR_SIGHAND |
	      CLONE_INTO_CGROUP | CLONE_AUTOREAP | CLONE_NNP |
	      CLONE_PIDFD_AUTOKILL | CLONE_EMPTY_MNTNS))
		return false;

	if (clone_flags & (CLONE_DETACHED | (CSIGNAL & ~CLONE_NEWTIME)))
		return false;

	if ((clone_flags & (CLONE_SIGHAND | CLONE_CLEAR_SIGHAND)) ==
	    (CLONE_SIGHAND | CLONE_CLEAR_SIGHAND))
		return false;

	if ((clone_flags & (CLONE_THREAD | CLONE_PARENT)) && exit_signal)
		return false;

	return true;
}

size_t clone_autokill_oracle_offsetof(enum clone_autokill_field field)
{
	switch (field) {
	case CAK_TASK_FLAGS:
		return offsetof(struct task_struct, flags);
	case CAK_TASK_PID:
		return offsetof(struct task_struct, pid);
	case CAK_TASK_SIGNAL:
		return offsetof(struct task_struct, signal);
	case CAK_TASK_NSPROXY:
		return offsetof(struct task_struct, nsproxy);
	case CAK_SIGNAL_FLAGS:
		return offsetof(struct signal_struct, flags);
	case CAK_NSPROXY_PID_NS_FOR_CHILDREN:
		return offsetof(struct nsproxy, pid_ns_for_children);
	case CAK_FILE_F_FLAGS:
		return offsetof(struct file, f_flags);
	case CAK_INODE_I_PRIVATE:
		return offsetof(struct inode, i_private);
	case CAK_CLONE_ARGS_EXIT_SIGNAL:
		return offsetof(struct kernel_clone_args, exit_signal);
	case CAK_CLONE_ARGS_STACK:
		return offsetof(struct kernel_clone_args, stack);
	case CAK_CLONE_ARGS_STACK_SIZE:
		return offsetof(struct kernel_clone_args, stack_size);
	}
	return SIZE_MAX;
}
