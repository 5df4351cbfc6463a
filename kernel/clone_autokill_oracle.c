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
#include <linux/uaccess.h>
#include <uapi/linux/sched.h>

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

/* clone3_stack_valid() */
bool clone_autokill_oracle_clone3_stack_valid(struct kernel_clone_args *kargs)
{
	if (kargs->stack == 0) {
		if (kargs->stack_size > 0)
			return false;
	} else {
		if (kargs->stack_size == 0)
			return false;

		if (!access_ok((void __user *)kargs->stack, kargs->stack_size))
			return false;

#if !defined(CONFIG_STACK_GROWSUP)
		kargs->stack += kargs->stack_size;
#endif
	}

	return true;
}
