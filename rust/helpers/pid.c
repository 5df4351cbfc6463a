// SPDX-License-Identifier: GPL-2.0

/* Helpers for kernel::pid (rust/kernel/pid.rs): the inline reference counting of struct pid. */

#include <linux/pid.h>

__rust_helper struct pid *rust_helper_get_pid(struct pid *pid)
{
	return get_pid(pid);
}
