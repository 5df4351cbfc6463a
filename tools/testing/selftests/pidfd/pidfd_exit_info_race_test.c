// SPDX-License-Identifier: GPL-2.0
/*
 * pidfd_exit_info_race_test - show, on purpose, the window in which a
 * pidfd already polls POLLIN but PIDFD_GET_INFO has no PIDFD_INFO_EXIT yet,
 * and check the contract that holds around it.
 *
 * For a CLONE_AUTOREAP child, which the kernel reaps itself with no wait()
 * from the parent:
 *
 * - exit_notify() sets ->exit_state and do_notify_parent() calls
 *   do_notify_pidfd(), which wakes pollers with EPOLLIN; pidfd_poll()
 *   (fs/pidfs.c) reports POLLIN for a task that has ->exit_state set;
 * - later, release_task() (kernel/exit.c) calls pidfs_exit(), which records
 *   the exit status for PIDFD_INFO_EXIT, and only then __unhash_process()
 *   detaches the pid and wakes all pollers; from then on pidfd_poll()
 *   reports POLLIN | POLLHUP.
 *
 * So after POLLHUP, PIDFD_INFO_EXIT is always set: a violation fails the
 * test. After POLLIN alone it may be missing: that is the window, which the
 * pollin_window tests count and print, one line each, and never fail on:
 *
 *   # exit-info-race: rounds=N pollin_without_exit_info=M pollin_with_hup=K per_mille=X.Y
 *   # exit-info-race[rt]: ... (the same fields, with a SCHED_FIFO parent)
 *   # exit-info-contract: rounds=N exit_info_missing=0
 *
 * EXIT_INFO_RACE_ROUNDS sets the rounds per test (default 1000, bounded to
 * [1, 100000]); a test stops early, and says so, when its time budget
 * (75 s) runs out. EINVAL from clone3() (a kernel without CLONE_AUTOREAP)
 * skips the tests, unless PIDFD_FEATURE_REQUIRED=1 (see pidfd.h) says the
 * kernel has the flag: then they fail.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <linux/types.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pidfd.h"
#include "kselftest_harness.h"

#define DEFAULT_ROUNDS		1000
#define MAX_ROUNDS		100000
/* Every wait for a child: for POLLIN, for POLLHUP. */
#define WAIT_MS			5000
/* Each test stops starting rounds after this long, well inside its timeout. */
#define BUDGET_MS		(75 * 1000)
#define TEST_TIMEOUT_S		100

/* The line each measuring test prints, after "# " and its label. */
#define RACE_FORMAT \
	"%s: rounds=%d pollin_without_exit_info=%d pollin_with_hup=%d per_mille=%.1f\n"

FIXTURE(exit_info_race) {
	int pidfd;	/* the current round's child, -1 once it is reaped */
	int rounds;
};

enum round_mode {
	MEASURE,		/* poll() for POLLIN, then PIDFD_GET_INFO at once */
	CONTRACT,		/* wait for POLLHUP before any PIDFD_GET_INFO */
};

/*
 * poll() one fd for pfd->events until it is ready or @deadline
 * (pidfd_now_ms()) passes; pidfd_wait_hup() is the POLLHUP-only case.
 */
static int poll_until(struct pollfd *pfd, long long deadline)
{
	int ret;

	for (;;) {
		long long now = pidfd_now_ms();

		ret = poll(pfd, 1, now < deadline ? (int)(deadline - now) : 0);
		if (ret >= 0 || errno != EINTR)
			return ret;
	}
}

static int rounds_from_env(struct __test_metadata *_metadata)
{
	const char *env = getenv("EXIT_INFO_RACE_ROUNDS");
	char *end;
	long val;

	if (!env || !*env)
		return DEFAULT_ROUNDS;
	errno = 0;
	val = strtol(env, &end, 10);
	if (errno || *end) {
		TH_LOG("EXIT_INFO_RACE_ROUNDS=\"%s\" is not a number: %d rounds", env,
		       DEFAULT_ROUNDS);
		return DEFAULT_ROUNDS;
	}
	if (val < 1 || val > MAX_ROUNDS) {
		val = val < 1 ? 1 : MAX_ROUNDS;
		TH_LOG("EXIT_INFO_RACE_ROUNDS=%s is outside [1, %d]: %ld rounds", env,
		       MAX_ROUNDS, val);
	}
	return val;
}

/*
 * clone3() a CLONE_AUTOREAP child that _exit()s with round % 256 at once.
 * Returns its pid, *@pidfd set, or -1 after a skip.
 */
static pid_t spawn_child(struct __test_metadata *_metadata, int *pidfd,
			 int round)
{
	struct __clone_args args = {
		.flags		= CLONE_PIDFD | CLONE_AUTOREAP,
		.exit_signal	= 0,
		.pidfd		= ptr_to_u64(pidfd),
	};
	pid_t pid;

	pid = sys_clone3(&args, sizeof(args));
	if (pid == 0)
		_exit(round % 256);
	if (pid < 0 && errno == EINVAL)
		CLONE3_UNSUPPORTED(return -1, "CLONE_AUTOREAP");
	ASSERT_GT(pid, 0) {
		TH_LOG("round %d: clone3(): %s", round, strerror(errno));
	}
	ASSERT_GE(*pidfd, 0);
	return pid;
}

/*
 * PIDFD_GET_INFO with PIDFD_INFO_EXIT; returns whether PIDFD_INFO_EXIT came
 * back. pidfd_info() (fs/pidfs.c) starts over when the task is reaped while
 * it looks, so the ioctl does not fail with ESRCH for a pidfd whose exit
 * information is asked for.
 */
static bool get_exit_info(struct __test_metadata *_metadata, int pidfd,
			  int round, struct pidfd_info *info)
{
	memset(info, 0, sizeof(*info));
	info->mask = PIDFD_INFO_EXIT;
	ASSERT_EQ(0, ioctl(pidfd, PIDFD_GET_INFO, info)) {
		TH_LOG("round %d: PIDFD_GET_INFO: %s", round, strerror(errno));
	}
	return info->mask & PIDFD_INFO_EXIT;
}

static void check_exit_code(struct __test_metadata *_metadata,
			    const struct pidfd_info *info, int round)
{
	ASSERT_TRUE(WIFEXITED(info->exit_code)) {
		TH_LOG("round %d: exit_code %#x is not a normal exit", round,
		       info->exit_code);
	}
	ASSERT_EQ(round % 256, WEXITSTATUS(info->exit_code)) {
		TH_LOG("round %d: wrong exit status", round);
	}
}

/*
 * Wait for POLLHUP (pidfd_wait_hup(): poll() with events = 0, which
 * do_notify_pidfd()'s EPOLLIN wake-up does not end; __unhash_process()'s
 * wake_up_all() does). Then the contract: exit information is there, with
 * the child's status, and no zombie is left. Closes *@pidfd and sets it
 * to -1.
 */
static void check_after_pollhup(struct __test_metadata *_metadata,
				int *pidfd, pid_t pid, int round)
{
	struct pidfd_info info;
	bool has_exit;
	int ret, err;

	ret = pidfd_wait_hup(*pidfd, WAIT_MS);
	ASSERT_EQ(0, ret) {
		TH_LOG("round %d: no POLLHUP within %d ms: %s", round, WAIT_MS,
		       strerror(errno));
	}

	has_exit = get_exit_info(_metadata, *pidfd, round, &info);
	ASSERT_TRUE(has_exit) {
		TH_LOG("round %d: POLLHUP, yet no PIDFD_INFO_EXIT (mask %#llx): contract broken",
		       round, (unsigned long long)info.mask);
	}
	check_exit_code(_metadata, &info, round);

	ret = waitpid(pid, NULL, WNOHANG);
	err = errno;
	ASSERT_EQ(-1, ret) {
		TH_LOG("round %d: waitpid() found the CLONE_AUTOREAP child", round);
	}
	ASSERT_EQ(ECHILD, err);

	close(*pidfd);
	*pidfd = -1;
}

/*
 * Run up to @rounds rounds in @mode, each child's pidfd in *@pidfd (where
 * the teardown finds it). MEASURE prints "# @label: rounds=...". Returns
 * false if the test skipped.
 */
static bool run_rounds(struct __test_metadata *_metadata, int *pidfd,
		       int rounds, enum round_mode mode, const char *label)
{
	long long budget_end = pidfd_now_ms() + BUDGET_MS;
	int round, misses = 0, hups = 0;

	for (round = 0; round < rounds; round++) {
		struct pollfd pfd = { .events = POLLIN };
		struct pidfd_info info;
		bool has_exit;
		pid_t pid;
		int ret;

		if (round > 0 && pidfd_now_ms() > budget_end) {
			TH_LOG("stopped after %d of %d rounds: the %d s budget ran out",
			       round, rounds, BUDGET_MS / 1000);
			break;
		}

		pid = spawn_child(_metadata, pidfd, round);
		if (pid < 0)
			return false;

		if (mode == CONTRACT) {
			check_after_pollhup(_metadata, pidfd, pid, round);
			continue;
		}

		pfd.fd = *pidfd;
		ret = poll_until(&pfd, pidfd_now_ms() + WAIT_MS);
		ASSERT_EQ(1, ret) {
			TH_LOG("round %d: no POLLIN within %d ms (poll: %d, %s)",
			       round, WAIT_MS, ret,
			       ret < 0 ? strerror(errno) : "timeout");
		}
		ASSERT_TRUE(pfd.revents & POLLIN);

		/* Immediately: this is the window, if there is one. */
		has_exit = get_exit_info(_metadata, *pidfd, round, &info);

		if (pfd.revents & POLLHUP) {
			/* Already unhashed when poll() looked: the contract. */
			hups++;
			ASSERT_TRUE(has_exit) {
				TH_LOG("round %d: POLLHUP, yet no PIDFD_INFO_EXIT: contract broken",
				       round);
			}
		}
		if (has_exit)
			check_exit_code(_metadata, &info, round);
		else
			misses++;

		check_after_pollhup(_metadata, pidfd, pid, round);
	}

	if (mode == CONTRACT) {
		ksft_print_msg("exit-info-contract: rounds=%d exit_info_missing=0\n",
			       round);
		fflush(stdout);
		return true;
	}

	ksft_print_msg(RACE_FORMAT, label, round, misses, hups,
		       1000.0 * misses / round);
	fflush(stdout);
	TH_LOG("%s is a measurement of the window from POLLIN to pidfs_exit(), not a failure:",
	       label);
	TH_LOG("%d of %d rounds had no PIDFD_INFO_EXIT right after POLLIN; after POLLHUP all had",
	       misses, round);
	return true;
}

FIXTURE_SETUP(exit_info_race)
{
	self->pidfd = -1;
	self->rounds = rounds_from_env(_metadata);
}

/* A round that failed may leave its child behind: kill it and let it be reaped. */
FIXTURE_TEARDOWN(exit_info_race)
{
	if (self->pidfd >= 0) {
		sys_pidfd_send_signal(self->pidfd, SIGKILL, NULL, 0);
		if (pidfd_wait_hup(self->pidfd, WAIT_MS))
			TH_LOG("the last child was not reaped within %d ms", WAIT_MS);
		close(self->pidfd);
		self->pidfd = -1;
	}
}

/*
 * Make the caller a SCHED_FIFO task on the CPU it runs on, its children
 * SCHED_OTHER tasks on that CPU (SCHED_RESET_ON_FORK; affinity is
 * inherited). Returns false after a skip.
 */
static bool become_rt_parent(struct __test_metadata *_metadata)
{
	struct sched_param param = { .sched_priority = 1 };
	cpu_set_t one;
	int cpu = sched_getcpu();

	ASSERT_GE(cpu, 0);
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(one), &one));
	if (sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &param)) {
		ASSERT_EQ(EPERM, errno);
		SKIP(return false, "SCHED_FIFO needs CAP_SYS_NICE");
	}
	return true;
}

/*
 * pollin_window: poll() for POLLIN, sleeping, then PIDFD_GET_INFO at once; count
 * the rounds without PIDFD_INFO_EXIT. Fails only on the contract. The
 * parent has to be woken, scheduled and back in the kernel for the ioctl
 * before the child reaches pidfs_exit(), so this finds the window only when
 * the child is preempted inside it: rarely, and by chance.
 */
TEST_F_TIMEOUT(exit_info_race, pollin_window, TEST_TIMEOUT_S)
{
	run_rounds(_metadata, &self->pidfd, self->rounds, MEASURE,
		   "exit-info-race");
}

/*
 * pollin_window_rt: the window entered on purpose, without changing the kernel:
 * the parent is a SCHED_FIFO task and each child a SCHED_OTHER task on the
 * same CPU. do_notify_pidfd() wakes the parent from inside exit_notify(),
 * an RT task preempts the exiting child at once (not lazily), and the
 * child is switched out at the first preemption point, the unlock of
 * tasklist_lock, after ->exit_state is set and before release_task() has
 * called pidfs_exit(). The parent then sees POLLIN and asks for the exit
 * status before it is recorded, whatever the speed of the machine, on a
 * preemptible kernel (CONFIG_PREEMPTION; without it the child runs on to its
 * next scheduling point, which may be past pidfs_exit()). After
 * POLLHUP, which needs the child to run on, the status must be there.
 */
TEST_F_TIMEOUT(exit_info_race, pollin_window_rt, TEST_TIMEOUT_S)
{
	if (become_rt_parent(_metadata))
		run_rounds(_metadata, &self->pidfd, self->rounds, MEASURE,
			   "exit-info-race[rt]");
}

/*
 * exit_info_after_pollhup: the contract alone, with the parent placed as in
 * pollin_window_rt: wait for POLLHUP first, then PIDFD_GET_INFO;
 * PIDFD_INFO_EXIT must be there in every round.
 */
TEST_F_TIMEOUT(exit_info_race, exit_info_after_pollhup, TEST_TIMEOUT_S)
{
	if (become_rt_parent(_metadata))
		run_rounds(_metadata, &self->pidfd, self->rounds, CONTRACT, NULL);
}

TEST_HARNESS_MAIN
