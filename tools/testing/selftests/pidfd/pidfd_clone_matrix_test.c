// SPDX-License-Identifier: GPL-2.0
/*
 * Differential clone3() errno matrix: walk every combination of 15 clone
 * flags (including CLONE_AUTOREAP, CLONE_NNP and CLONE_PIDFD_AUTOKILL) x
 * exit_signal {0, SIGCHLD} x {privileged, unprivileged}, then 7 of those
 * flags x 5 kinds of invalid stack (clone3_stack_valid()), and print the
 * result of each call as one character, so that the output of different
 * kernels can be compared line by line.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/types.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syscall.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pidfd.h"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP (1ULL << 33)
#endif

#ifndef CLONE_CLEAR_SIGHAND
#define CLONE_CLEAR_SIGHAND (1ULL << 32)
#endif

#define NR_FLAGS 15
#define HALF 65536
#define NR_COMBOS (2 * HALF)
#define ROW 128
/* Bad-stack rows: STACK_FLAGS flags (one ROW) per invalid stack kind. */
#define STACK_FLAGS 7
#define NR_STACK_KINDS 5
#define NR_ALL (NR_COMBOS + NR_STACK_KINDS * ROW)
#define STACK_SIZE (64 * 1024)
#define MAX_PENDING 4096
#define NOBODY 65534
#define WALK_TIMEOUT_S 1800

static const char * const flag_names[NR_FLAGS] = {
	"VM", "FS", "SIGHAND", "PIDFD", "PARENT", "THREAD", "NEWNS",
	"DETACHED", "NEWUSER", "NEWPID", "CLEAR_SIGHAND", "INTO_CGROUP",
	"AUTOREAP", "NNP", "PIDFD_AUTOKILL",
};

static const __u64 matrix_flags[NR_FLAGS] = {
	CLONE_VM, CLONE_FS, CLONE_SIGHAND, CLONE_PIDFD, CLONE_PARENT,
	CLONE_THREAD, CLONE_NEWNS, CLONE_DETACHED, CLONE_NEWUSER,
	CLONE_NEWPID, CLONE_CLEAR_SIGHAND, CLONE_INTO_CGROUP,
	CLONE_AUTOREAP, CLONE_NNP, CLONE_PIDFD_AUTOKILL,
};

/* The flags of the bad-stack rows: bit b of (index % ROW) is flag b. */
static const char * const stack_flag_names[STACK_FLAGS] = {
	"VM", "SIGHAND", "THREAD", "PIDFD", "AUTOREAP", "NNP", "PIDFD_AUTOKILL",
};

static const __u64 stack_flags[STACK_FLAGS] = {
	CLONE_VM, CLONE_SIGHAND, CLONE_THREAD, CLONE_PIDFD,
	CLONE_AUTOREAP, CLONE_NNP, CLONE_PIDFD_AUTOKILL,
};

/*
 * The invalid stacks clone3() must refuse with EINVAL, whatever the flags:
 * a stack without a size, a size without a stack, a range in the kernel's
 * half (access_ok()), a range that starts one page below the top of 5-level
 * paging's user space and runs past it (with 4-level paging it starts past
 * the top already), and one whose end wraps around zero.
 */
static const char * const stack_kinds[NR_STACK_KINDS] = {
	"stack_no_size", "size_no_stack", "kernel_range", "crosses_user_top", "wraps",
};

/* Results, shared with the walkers: 0 = not walked yet. */
static char *results;

/* Stacks of CLONE_VM children, which have exited; freed per row. */
static struct pending {
	void *stack;
} pending[MAX_PENDING];
static int nr_pending;

/*
 * clone3() whose child never returns through C: it exits at once with
 * SYS_exit (only this task). Returns the pid/tid or -errno.
 */
#if defined(__x86_64__)
static long raw_clone3(struct __clone_args *args, size_t size)
{
	long ret;

	asm volatile("syscall\n\t"
		     "test %%rax, %%rax\n\t"
		     "jnz 1f\n\t"
		     "mov $60, %%eax\n\t"
		     "xor %%edi, %%edi\n\t"
		     "syscall\n\t"
		     "ud2\n"
		     "1:\n\t"
		     : "=a" (ret)
		     : "0" ((long)__NR_clone3), "D" (args), "S" (size)
		     : "rcx", "r11", "memory");
	return ret;
}

#define HAVE_RAW_CLONE3 1
#elif defined(__aarch64__)
static long raw_clone3(struct __clone_args *args, size_t size)
{
	register long x0 asm("x0") = (long)args;
	register long x1 asm("x1") = size;
	register long x8 asm("x8") = __NR_clone3;

	asm volatile("svc #0\n\t"
		     "cbnz x0, 1f\n\t"
		     "mov x8, %[nr_exit]\n\t"
		     "mov x0, #0\n\t"
		     "svc #0\n\t"
		     "brk #0\n"
		     "1:\n\t"
		     : "+r" (x0)
		     : "r" (x1), "r" (x8), [nr_exit] "i" (__NR_exit)
		     : "memory");
	return x0;
}

#define HAVE_RAW_CLONE3 1
#endif

static void *new_stack(void)
{
	void *s = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);

	return s == MAP_FAILED ? NULL : s;
}

static void nap(void)
{
	struct timespec ts = { .tv_nsec = 1000 * 1000 };

	sched_yield();
	nanosleep(&ts, NULL);
}

/*
 * Bounded wait until a process or thread has exited (pidfd readable): it
 * runs no user code any more.
 */
static void wait_gone(int pidfd)
{
	struct pollfd pfd = { .fd = pidfd, .events = POLLIN };

	poll(&pfd, 1, 5000);
}

/* All CLONE_VM children of this row have exited: free their stacks. */
static void flush_pending(void)
{
	for (int i = 0; i < nr_pending; i++)
		munmap(pending[i].stack, STACK_SIZE);
	nr_pending = 0;
}

/* Run one combination; returns its result character. */
static char run_combo(int idx, int cgroupfd, void **stack)
{
	struct __clone_args args = {};
	int pidfd = -1, waitfd = -1;
	__u64 flags = 0;
	long ret;

	args.stack = ptr_to_u64(*stack);
	args.stack_size = STACK_SIZE;
	if (idx < NR_COMBOS) {
		for (int b = 0; b < NR_FLAGS; b++)
			if ((idx >> b) & 1)
				flags |= matrix_flags[b];
		args.exit_signal = ((idx >> 15) & 1) ? SIGCHLD : 0;
	} else {
		for (int b = 0; b < STACK_FLAGS; b++)
			if (((idx - NR_COMBOS) >> b) & 1)
				flags |= stack_flags[b];
		switch ((idx - NR_COMBOS) / ROW) {
		case 0:
			args.stack_size = 0;
			break;
		case 1:
			args.stack = 0;
			break;
		case 2:
			args.stack = 0xffff800000000000ULL;
			break;
		case 3:
			args.stack = (1ULL << 56) - 2 * 4096;
			break;
		default:
			args.stack = -4096ULL;
			break;
		}
	}
	args.flags = flags;
	args.pidfd = ptr_to_u64(&pidfd);
	args.cgroup = cgroupfd;

	ret = raw_clone3(&args, sizeof(args));
	if (ret < 0)
		return -ret > 78 ? '~' : '0' + -ret;

	/*
	 * Success: wait (bounded) for the child, which exits at once.  A
	 * thread is watched through a PIDFD_THREAD pidfd (the kind clone3()
	 * returns with CLONE_THREAD); ESRCH from pidfd_open() means it was
	 * released already.
	 */
	if ((flags & CLONE_PIDFD) && pidfd >= 0)
		waitfd = pidfd;
	else
		waitfd = sys_pidfd_open(ret, flags & CLONE_THREAD ? PIDFD_THREAD : 0);
	if (flags & CLONE_VM) {
		pending[nr_pending++].stack = *stack;
		*stack = new_stack();
	}
	if (waitfd >= 0)
		wait_gone(waitfd);
	if (!(flags & (CLONE_THREAD | CLONE_PARENT | CLONE_AUTOREAP)))
		waitpid(ret, NULL, WNOHANG | __WALL);
	/*
	 * A CLONE_NEWPID|CLONE_SIGHAND child that exits sets SIGCHLD to
	 * SIG_IGN in the shared handler table (zap_pid_ns_processes()).
	 */
	if (flags & CLONE_SIGHAND)
		signal(SIGCHLD, SIG_DFL);
	if (waitfd >= 0 && waitfd != pidfd)
		close(waitfd);
	if (pidfd >= 0)
		close(pidfd);
	if (nr_pending >= MAX_PENDING - 1)
		flush_pending();
	return '0';
}

static void walk(int from, int to)
{
	void *stack = new_stack();
	int cgroupfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	for (int i = from; i < to; i++) {
		if (!stack)
			_exit(2);
		results[i] = run_combo(i, cgroupfd, &stack);
		if ((i + 1) % ROW == 0)
			flush_pending();
	}
	flush_pending();
	/* Reap anything left over (e.g. CLONE_PARENT siblings of a child). */
	while (waitpid(-1, NULL, WNOHANG | __WALL) > 0)
		;
}

static int drop_privileges(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = {};

	if (setgroups(0, NULL) ||
	    setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY) ||
	    syscall(__NR_capset, &hdr, data))
		return -1;
	return 0;
}

/* Worker: privileged half here, unprivileged half in a child. */
static void __noreturn worker(void)
{
	pid_t unpriv;
	int status;

	setpgid(0, 0);
	walk(0, HALF);
	walk(NR_COMBOS, NR_ALL);
	unpriv = fork();
	if (unpriv < 0)
		_exit(3);
	if (unpriv == 0) {
		if (drop_privileges())
			_exit(4);
		walk(HALF, NR_COMBOS);
		_exit(0);
	}
	for (;;) {
		pid_t pid = waitpid(-1, &status, __WALL);

		if (pid == unpriv)
			break;
		if (pid < 0 && errno != EINTR)
			_exit(5);
	}
	while (waitpid(-1, NULL, WNOHANG | __WALL) > 0)
		;
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 6);
}

/* Subreaper: reap everything until the worker is done (bounded). */
static int supervise(pid_t wpid, int *wstatus)
{
	int wfd = sys_pidfd_open(wpid, 0);
	time_t end = time(NULL) + WALK_TIMEOUT_S;
	struct pollfd pfd = { .fd = wfd, .events = POLLIN };
	bool done = false;
	int status;
	pid_t pid;

	while (!done) {
		if (time(NULL) > end) {
			kill(-wpid, SIGKILL);
			kill(wpid, SIGKILL);
			ksft_print_msg("matrix walk timed out\n");
			waitpid(wpid, wstatus, __WALL);
			return -1;
		}
		poll(&pfd, 1, 200);
		while ((pid = waitpid(-1, &status, WNOHANG | __WALL)) > 0) {
			if (pid == wpid) {
				*wstatus = status;
				done = true;
			}
		}
		if (wfd < 0 && pid < 0 && errno == ECHILD)
			return -1;
	}
	/*
	 * Stragglers reparented to us after the worker exited.  Best effort,
	 * bounded: nothing is asserted about them.
	 */
	for (int i = 0; i < 100; i++) {
		pid = waitpid(-1, NULL, WNOHANG | __WALL);
		if (pid < 0)
			break;
		if (pid == 0)
			nap();
	}
	close(wfd);
	return 0;
}

#ifdef HAVE_RAW_CLONE3
/*
 * The pidfd that clone3(CLONE_THREAD | CLONE_PIDFD) returns refers to the
 * thread: copy_process() gives its file PIDFD_THREAD, which F_GETFL shows.
 */
static void thread_pidfd_test(void)
{
	void *stack = new_stack();
	int pidfd = -1, fl;
	struct __clone_args args = {
		.flags		= CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
				  CLONE_THREAD | CLONE_PIDFD,
		.pidfd		= ptr_to_u64(&pidfd),
		.stack		= ptr_to_u64(stack),
		.stack_size	= STACK_SIZE,
	};
	long tid;

	if (!stack) {
		ksft_test_result_fail("thread pidfd: mmap: %s\n", strerror(errno));
		return;
	}
	tid = raw_clone3(&args, sizeof(args));
	if (tid < 0) {
		ksft_test_result_fail("thread pidfd: clone3: %s\n", strerror(-tid));
		munmap(stack, STACK_SIZE);
		return;
	}
	fl = fcntl(pidfd, F_GETFL);
	/* The thread exits at once; its stack is free once the pidfd polls. */
	wait_gone(pidfd);
	close(pidfd);
	munmap(stack, STACK_SIZE);
	ksft_test_result(fl >= 0 && (fl & PIDFD_THREAD),
			 "clone3(CLONE_THREAD | CLONE_PIDFD) gives a PIDFD_THREAD pidfd (F_GETFL %#x)\n",
			 fl);
}
#endif

int main(int argc, char **argv)
{
	__u64 hash = 0xcbf29ce484222325ULL;
	int ok = 0, wstatus = 0, incomplete = 0, stack_accepted = 0;
	pid_t wpid;

	ksft_print_header();
	ksft_set_plan(3);
#ifndef HAVE_RAW_CLONE3
	ksft_exit_skip("raw clone3 stub only implemented for x86_64 and arm64\n");
#endif
	if (geteuid() != 0)
		ksft_exit_skip("needs root for the privileged half\n");

	results = mmap(NULL, NR_ALL, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (results == MAP_FAILED)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));
	if (prctl(PR_SET_CHILD_SUBREAPER, 1))
		ksft_exit_fail_msg("PR_SET_CHILD_SUBREAPER: %s\n",
				   strerror(errno));

	fflush(stdout);
	wpid = fork();
	if (wpid < 0)
		ksft_exit_fail_msg("fork: %s\n", strerror(errno));
	if (wpid == 0)
		worker();
	if (supervise(wpid, &wstatus))
		ksft_exit_fail_msg("walk did not complete\n");

	ksft_print_msg("matrix-meta: flags=");
	for (int b = 0; b < NR_FLAGS; b++)
		printf("%s%s", flag_names[b], b < NR_FLAGS - 1 ? "," : "");
	printf(" bit15=exit_signal_SIGCHLD bit16=unprivileged stack_rows=%d stack_flags=",
	       NR_COMBOS);
	for (int b = 0; b < STACK_FLAGS; b++)
		printf("%s%s", stack_flag_names[b], b < STACK_FLAGS - 1 ? "," : "");
	printf(" stack_kinds=");
	for (int k = 0; k < NR_STACK_KINDS; k++)
		printf("%s%s", stack_kinds[k], k < NR_STACK_KINDS - 1 ? "," : "\n");
	for (int i = 0; i < NR_ALL; i++) {
		if (!results[i]) {
			results[i] = '?';
			incomplete++;
		}
		if (results[i] == '0')
			ok++;
		if (i >= NR_COMBOS && results[i] != '0' + EINVAL) {
			if (!stack_accepted++)
				ksft_print_msg("stack %s, flags %#x: %c, not EINVAL\n",
					       stack_kinds[(i - NR_COMBOS) / ROW],
					       (i - NR_COMBOS) % ROW, results[i]);
		}
		hash ^= (unsigned char)results[i];
		hash *= 0x100000001b3ULL;
	}
	for (int i = 0; i < NR_ALL; i += ROW)
		ksft_print_msg("matrix: %d %.*s\n", i, ROW, results + i);
	ksft_print_msg("matrix-digest: %016llx ok=%d\n",
		       (unsigned long long)hash, ok);

	if (incomplete || !WIFEXITED(wstatus) || WEXITSTATUS(wstatus))
		ksft_test_result_fail("matrix walk: status 0x%x, %d not walked\n",
				      wstatus, incomplete);
	else
		ksft_test_result_pass("clone3 matrix walk\n");
	ksft_test_result(!incomplete && !stack_accepted,
			 "clone3 refuses every invalid stack with EINVAL (%d of %d did not)\n",
			 stack_accepted, NR_ALL - NR_COMBOS);
#ifdef HAVE_RAW_CLONE3
	thread_pidfd_test();
#endif
	ksft_finished();
	return 0;
}
