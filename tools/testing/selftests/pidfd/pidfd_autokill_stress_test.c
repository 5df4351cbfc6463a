// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection and stress for clone3() with CLONE_PIDFD_AUTOKILL.
 *
 * fail_nth_*: every fault site of one clone3() call (autokill, autoreap and
 * a plain fork) is failed in turn through /proc/thread-self/fail-nth.  Each
 * outcome must be a full success or a clean error, with no child, no zombie
 * and no file descriptor left behind.
 *
 * stress_*: races around the last close of an autokill pidfd.  Each test
 * stops after an iteration cap or after STRESS_SECONDS (default 10),
 * whichever comes first; the caps grow with STRESS_SECONDS, so
 * STRESS_SECONDS=600 makes a soak run.
 *
 * Lines for other tools: "# fault-sites: <call>=<k>" and
 * "# stress <test>: <count> ...".
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/types.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syscall.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pidfd.h"
#include "kselftest_harness.h"

#ifndef __NR_close_range
#define __NR_close_range 436
#endif

#define AUTOKILL_FLAGS (CLONE_PIDFD | CLONE_PIDFD_AUTOKILL | \
			CLONE_AUTOREAP | CLONE_NNP)

/* Bound for every wait on another process. */
#define TIMEOUT_MS 10000
/* Harness timeouts: fail-nth tests; stress tests get STRESS_SECONDS more. */
#define FAIL_NTH_TIMEOUT 300
#define STRESS_SLACK 120

#define FAIL_NTH_MAX 2000
#define PIDFD_SENTINEL (-4242)
#define MODE_EXIT "--autokill-stress-exit"
#define DEBUGFS "/sys/kernel/debug"

static int stress_seconds = 10;

/* An exec'd stress child: exit at once, before the harness does anything. */
static void __attribute__((constructor(101))) stress_modes(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], MODE_EXIT))
		_exit(0);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Only to vary the timing of a race, never to wait for an event. */
static void nap_us(long us)
{
	struct timespec ts = {
		.tv_sec = us / 1000000,
		.tv_nsec = (us % 1000000) * 1000,
	};

	nanosleep(&ts, NULL);
}

static int poll_fd(int fd, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int ret;

	do {
		ret = poll(&pfd, 1, timeout_ms);
	} while (ret < 0 && errno == EINTR);
	return ret;
}

static ssize_t read_timeout(int fd, void *buf, size_t len)
{
	if (poll_fd(fd, TIMEOUT_MS) != 1)
		return -1;
	return read_nointr(fd, buf, len);
}

/*
 * Dead within the bound and reaped by the kernel; *code is its exit code
 * in wait() format.
 */
static bool dead(int obsfd, int *code)
{
	struct pidfd_info info;

	*code = -1;
	if (pidfd_wait_exit_info(obsfd, &info, TIMEOUT_MS))
		return false;
	*code = info.exit_code;
	return true;
}

static bool sigkilled(int code)
{
	return code != -1 && WIFSIGNALED(code) && WTERMSIG(code) == SIGKILL;
}

/*
 * @pid is no child of ours any more, neither alive nor a zombie.  Asked
 * once its pidfd hung up, or pidfd_open() said ESRCH while we held a pidfd
 * of it: __unhash_process() detached it and took it off our children list
 * under write_lock(tasklist_lock), wait() looks under read_lock().
 */
static bool gone(pid_t pid)
{
	return waitpid(pid, NULL, WNOHANG | __WALL) < 0 && errno == ECHILD;
}

/*
 * Bounded wait until the child behind @pidfd is gone: 1 if it was a
 * zombie, reaped here; 0 if the kernel reaped it; -1 if it is still there.
 */
static int wait_child_gone(int pidfd, pid_t pid, long long end)
{
	struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
	long long left;
	int ret;

	do {
		left = end - now_ms();
		ret = poll(&pfd, 1, left > 0 ? (int)left : 0);
	} while (ret < 0 && errno == EINTR);
	if (ret != 1)
		return -1;
	/* Exited: a zombie of ours is found at once, see reap_helper(). */
	if (waitpid(pid, NULL, WNOHANG | __WALL) == pid)
		return 1;
	left = end - now_ms();
	return pidfd_wait_hup(pidfd, left > 0 ? (int)left : 0) ? -1 : 0;
}

/* Open file descriptors of this process. */
static int count_fds(void)
{
	struct dirent *de;
	int n = 0;
	DIR *d;

	d = opendir("/proc/self/fd");
	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* the directory's own descriptor */
}

static pid_t ppid_of(const char *pid)
{
	char path[64], buf[512], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	p = p ? strrchr(buf, ')') : NULL;
	return p ? atoi(p + 4) : -1;
}

/* Processes whose parent is @ppid: how many; the first @max into @pids. */
static int list_children(pid_t ppid, pid_t *pids, int max)
{
	struct dirent *de;
	int n = 0;
	DIR *d;

	d = opendir("/proc");
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		if (ppid_of(de->d_name) != ppid)
			continue;
		if (n < max)
			pids[n] = atoi(de->d_name);
		n++;
	}
	closedir(d);
	return n;
}

/*
 * Bounded wait until wait() says ECHILD and no process in /proc has us as
 * its parent.  Waitable children found meanwhile are reaped and counted in
 * *zombies; others are waited for through a pidfd (e.g. an autokill child
 * the test never learnt of, killed along with its creator).  Returns how
 * many children are still left.
 */
static int settle_children(int *zombies)
{
	long long end = now_ms() + TIMEOUT_MS;
	pid_t me = getpid();
	int left, fd;

	for (;;) {
		pid_t ret, pid;
		bool none;

		while ((ret = waitpid(-1, NULL, WNOHANG | __WALL)) > 0)
			(*zombies)++;
		none = ret < 0 && errno == ECHILD;
		left = list_children(me, &pid, 1);
		if (none && !left)
			return 0;
		if (left <= 0 || now_ms() >= end)
			break;
		fd = sys_pidfd_open(pid, 0);
		if (fd < 0) {
			/* ESRCH: in release_task(), off /proc once unhashed. */
			sched_yield();
			continue;
		}
		if (wait_child_gone(fd, pid, end) == 1)
			(*zombies)++;
		close(fd);
	}
	return list_children(me, NULL, 0);
}

/* Teardown: SIGKILL whatever still has us as its parent, and reap it. */
static void kill_strays(void)
{
	long long end = now_ms() + TIMEOUT_MS;
	pid_t pids[256], me = getpid();
	char name[16];
	int n, fd;

	/* Rounds: children of a killed child are reparented to us. */
	for (int round = 0; round < 16; round++) {
		n = list_children(me, pids, ARRAY_SIZE(pids));
		if (n <= 0)
			break;
		for (int i = 0; i < n && i < (int)ARRAY_SIZE(pids); i++) {
			fd = sys_pidfd_open(pids[i], 0);
			if (fd < 0)
				continue;
			/* Still ours now that the pidfd pins it? */
			snprintf(name, sizeof(name), "%d", pids[i]);
			if (ppid_of(name) == me) {
				sys_pidfd_send_signal(fd, SIGKILL, NULL, 0);
				wait_child_gone(fd, pids[i], end);
			}
			close(fd);
		}
		while (waitpid(-1, NULL, WNOHANG | __WALL) > 0)
			;
	}
}

/* No stray process or zombie, and the fd count is back to @fds. */
static void check_clean(struct __test_metadata *_metadata, int fds)
{
	int zombies = 0, left;

	left = settle_children(&zombies);
	EXPECT_EQ(zombies, 0) {
		TH_LOG("%d waitable (zombie) children were left behind", zombies);
	}
	EXPECT_EQ(left, 0) {
		TH_LOG("%d processes still have PPid %d", left, getpid());
	}
	EXPECT_EQ(count_fds(), fds) {
		TH_LOG("open file descriptors: %d before, %d after", fds,
		       count_fds());
	}
}

/* Helper processes (regular children) a test forks; reaped or killed. */
#define MAX_TRACKED 8
static struct tracked {
	pid_t pid;
	int pidfd;
} tracked[MAX_TRACKED];

static int track(pid_t pid)
{
	for (int i = 0; i < MAX_TRACKED; i++) {
		if (tracked[i].pid)
			continue;
		tracked[i].pid = pid;
		tracked[i].pidfd = sys_pidfd_open(pid, 0);
		return tracked[i].pidfd;
	}
	return -1;
}

/* Signal a tracked helper (if @sig), reap it, forget it: its wait status. */
static int reap_helper(pid_t pid, int sig)
{
	struct tracked *t = NULL;
	int status;

	for (int i = 0; i < MAX_TRACKED; i++)
		if (tracked[i].pid == pid)
			t = &tracked[i];
	if (!t)
		return -1;
	if (sig)
		sys_pidfd_send_signal(t->pidfd, sig, NULL, 0);
	if (poll_fd(t->pidfd, TIMEOUT_MS) != 1)
		return -1;
	close(t->pidfd);
	t->pid = 0;
	t->pidfd = -1;
	/*
	 * exit_notify() makes the task a zombie and wakes pidfd pollers under
	 * write_lock(tasklist_lock); wait() looks under read_lock(): once the
	 * pidfd is readable, one WNOHANG call finds the zombie.
	 */
	if (waitpid(pid, &status, WNOHANG | __WALL) != pid)
		return -1;
	return status;
}

static void cleanup_tracked(void)
{
	for (int i = 0; i < MAX_TRACKED; i++) {
		struct tracked *t = &tracked[i];

		if (!t->pid)
			continue;
		if (t->pidfd >= 0) {
			sys_pidfd_send_signal(t->pidfd, SIGKILL, NULL, 0);
			poll_fd(t->pidfd, TIMEOUT_MS);
			close(t->pidfd);
		}
		waitpid(t->pid, NULL, WNOHANG | __WALL);
		t->pid = 0;
		t->pidfd = -1;
	}
}

static pid_t create_autokill_child(int *pidfd, __u64 extra_flags)
{
	struct __clone_args args = {
		.flags		= AUTOKILL_FLAGS | extra_flags,
		.exit_signal	= 0,
		.pidfd		= ptr_to_u64(pidfd),
	};

	return sys_clone3(&args, sizeof(args));
}

static void close_from(unsigned int first)
{
	if (syscall(__NR_close_range, first, ~0U, 0))
		for (unsigned int fd = first; fd < 1024; fd++)
			close(fd);
}

/*
 * Child side: keep only @rfd (as fd 3) and block reading it.  Dropping the
 * inherited descriptors matters: a child of a multi-threaded spawner may
 * hold a copy of a sibling's autokill pidfd, which keeps that sibling alive.
 */
static void __noreturn block_forever(int rfd)
{
	char c;

	if (dup2(rfd, 3) == 3) {
		close_from(4);
		while (read(3, &c, 1) == 1)
			;
	}
	for (;;)
		pause();
}

/* 0 if clone3() accepts @flags (which include CLONE_PIDFD), else errno. */
static int probe_flags(__u64 flags)
{
	struct __clone_args args = { .flags = flags };
	int pidfd = -1, ret = 0;
	pid_t pid;

	args.pidfd = ptr_to_u64(&pidfd);
	pid = sys_clone3(&args, sizeof(args));
	if (pid == 0)
		_exit(0);
	if (pid < 0)
		return errno;
	if (pidfd_wait_hup(pidfd, TIMEOUT_MS) || !gone(pid))
		ret = -1;
	close(pidfd);
	return ret;
}

static bool flags_available(struct __test_metadata *_metadata, __u64 flags,
			    const char *name)
{
	int err = probe_flags(flags);

	if (err == EINVAL)
		CLONE3_UNSUPPORTED(return false, name);
	ASSERT_EQ(err, 0) {
		TH_LOG("clone3 probe for %s: %s", name,
		       err > 0 ? strerror(err) : "child not reaped");
	}
	return true;
}

static bool autokill_available(struct __test_metadata *_metadata)
{
	return flags_available(_metadata, AUTOKILL_FLAGS,
			       "CLONE_PIDFD_AUTOKILL");
}

static long stress_cap(long base)
{
	return base * (stress_seconds >= 20 ? stress_seconds / 10 : 1);
}

static double secs_since(long long start)
{
	return (now_ms() - start) / 1000.0;
}

/* ------------------------------------------------------------------ */
/* Systematic fault injection with /proc/thread-self/fail-nth          */
/* ------------------------------------------------------------------ */

enum { CALL_AUTOKILL, CALL_AUTOREAP, CALL_FORK };

static const struct fault_call {
	const char *name;
	const char *flag;	/* what a kernel must know, for the SKIP */
	__u64 flags;
	__u64 exit_signal;
} fault_calls[] = {
	[CALL_AUTOKILL] = { "autokill", "CLONE_PIDFD_AUTOKILL", AUTOKILL_FLAGS, 0 },
	[CALL_AUTOREAP] = { "autoreap", "CLONE_AUTOREAP",
			    CLONE_PIDFD | CLONE_AUTOREAP, 0 },
	[CALL_FORK] = { "fork", NULL, 0, SIGCHLD },
};

/*
 * fail-nth overrides probability, interval, times, space and task-filter,
 * but not the per-type filters: with ignore-gfp-wait=Y (the default) no
 * sleeping allocation is ever counted, which is nearly all of fork.
 * verbose=0 keeps "FAULT_INJECTION: forcing a failure" off the console.
 * Old values are restored in the teardown.
 */
static const char * const fault_knobs[][2] = {
	{ "failslab/ignore-gfp-wait", "N" },
	{ "fail_page_alloc/ignore-gfp-wait", "N" },
	{ "failslab/verbose", "0" },
	{ "fail_page_alloc/verbose", "0" },
	{ "fail_usercopy/verbose", "0" },
	{ "fail_futex/verbose", "0" },
};

#define NR_KNOBS ARRAY_SIZE(fault_knobs)

struct knob_state {
	bool mounted;		/* we mounted debugfs */
	bool saved[NR_KNOBS];
	char old[NR_KNOBS][24];
};

FIXTURE(fault) {
	int nth;		/* /proc/thread-self/fail-nth */
	struct knob_state knobs;
};

/*
 * Write @val to a debugfs knob; its previous value goes to @old.  Returns
 * 0, or -1 with errno set: ENOENT if there is no such knob.
 */
static int knob_swap(const char *knob, const char *val, char *old, size_t len)
{
	char path[128];
	ssize_t n;
	int fd, err;

	snprintf(path, sizeof(path), DEBUGFS "/%s", knob);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	/* Not seekable (simple_attr_open()); writes ignore the position. */
	errno = EIO;	/* what an empty read or a short write reports */
	n = read(fd, old, len - 1);
	if (n <= 0 || write(fd, val, strlen(val)) != (ssize_t)strlen(val)) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	old[n] = '\0';
	old[strcspn(old, "\n")] = '\0';
	close(fd);
	return 0;
}

/*
 * Mount debugfs if need be and set every knob that exists.  A missing one
 * is left out of @desc: its fault type is not built in (fail_futex without
 * CONFIG_FAIL_FUTEX), or debugfs is (ENODEV from mount()).  Any other
 * failure is returned: -1 with errno set and *@bad naming what failed.
 */
static int knobs_set(struct knob_state *ks, char *desc, size_t len,
		     const char **bad)
{
	struct statfs sfs;
	size_t off = 0;

	desc[0] = '\0';
	*bad = DEBUGFS;
	if (!statfs(DEBUGFS, &sfs) && sfs.f_type != DEBUGFS_MAGIC) {
		if (!mount("debugfs", DEBUGFS, "debugfs", 0, NULL))
			ks->mounted = true;
		else if (errno != ENODEV)
			return -1;
	}
	for (size_t i = 0; i < NR_KNOBS; i++) {
		if (knob_swap(fault_knobs[i][0], fault_knobs[i][1],
			      ks->old[i], sizeof(ks->old[i]))) {
			if (errno == ENOENT)
				continue;
			*bad = fault_knobs[i][0];
			return -1;
		}
		ks->saved[i] = true;
		if (off < len)
			off += snprintf(desc + off, len - off, " %s=%s",
					fault_knobs[i][0], fault_knobs[i][1]);
	}
	return 0;
}

static void knobs_restore(struct knob_state *ks)
{
	char scratch[24];

	for (size_t i = 0; i < NR_KNOBS; i++) {
		if (!ks->saved[i])
			continue;
		knob_swap(fault_knobs[i][0], ks->old[i], scratch,
			  sizeof(scratch));
		ks->saved[i] = false;
	}
	if (ks->mounted && !umount(DEBUGFS))
		ks->mounted = false;
}

FIXTURE_SETUP(fault)
{
	self->nth = -1;
	ASSERT_EQ(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
}

static int nth_arm(int nth, unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	return pwrite(nth, buf, len, 0) == len ? 0 : -1;
}

/* Faults still to count down; 0 once the armed fault fired. */
static long nth_left(int nth)
{
	char buf[16] = {};

	/*
	 * The read itself is a fault site (copy_to_user) only if the count
	 * was 1, so an EFAULT here means the call under test left it at 1.
	 */
	if (pread(nth, buf, sizeof(buf) - 1, 0) < 0)
		return errno == EFAULT ? 1 : -1;
	return strtol(buf, NULL, 10);
}

FIXTURE_TEARDOWN(fault)
{
	if (self->nth >= 0) {
		nth_arm(self->nth, 0);
		close(self->nth);
		self->nth = -1;
	}
	kill_strays();
	knobs_restore(&self->knobs);
}

struct fault_stats {
	int errs[256];		/* failed calls by errno */
	int ok_faulted;		/* a fault fired, the call succeeded anyway */
	int pidfd_stored;	/* failed after storing a (released) fd number */
};

static const char *errno_name(int err)
{
	switch (err) {
	case ENOMEM:
		return "ENOMEM";
	case EAGAIN:
		return "EAGAIN";
	case EINTR:
		return "EINTR";
	case EFAULT:
		return "EFAULT";
	case ENOSPC:
		return "ENOSPC";
	case EMFILE:
		return "EMFILE";
	case ENFILE:
		return "ENFILE";
	}
	return NULL;
}

/* An injected fault may only surface as one of these. */
static bool clean_errno(int err)
{
	return !!errno_name(err);
}

static void __noreturn fault_child(int call, int wfd)
{
	if (call == CALL_AUTOKILL) {
		write_nointr(wfd, "x", 1);
		for (;;)
			pause();
	}
	_exit(0);
}

/* Alive until its pidfd is closed, then SIGKILLed and reaped. */
static void verify_autokill(struct __test_metadata *_metadata, pid_t pid,
			    int pidfd, int rfd)
{
	int obsfd, code;
	char c;

	ASSERT_GE(fcntl(pidfd, F_GETFD), 0) {
		TH_LOG("clone3 succeeded but pidfd %d is not open", pidfd);
	}
	ASSERT_EQ(read_timeout(rfd, &c, 1), 1) {
		TH_LOG("autokill child did not report in");
	}
	obsfd = sys_pidfd_open(pid, 0);
	ASSERT_GE(obsfd, 0);
	ASSERT_EQ(poll_fd(obsfd, 0), 0) {
		TH_LOG("autokill child died before its pidfd was closed");
	}
	ASSERT_EQ(close(pidfd), 0);
	ASSERT_TRUE(dead(obsfd, &code)) {
		TH_LOG("autokill child survived the close of its pidfd");
	}
	ASSERT_TRUE(sigkilled(code)) {
		TH_LOG("autokill child exit code 0x%x, not SIGKILL", code);
	}
	ASSERT_TRUE(gone(pid)) {
		TH_LOG("killed autokill child is still waitable");
	}
	close(obsfd);
}

/* Exits 0, never waitable, status readable through the pidfd. */
static void verify_autoreap(struct __test_metadata *_metadata, pid_t pid,
			    int pidfd)
{
	int code;

	ASSERT_GE(fcntl(pidfd, F_GETFD), 0) {
		TH_LOG("clone3 succeeded but pidfd %d is not open", pidfd);
	}
	ASSERT_TRUE(dead(pidfd, &code)) {
		TH_LOG("autoreap child did not exit");
	}
	ASSERT_TRUE(WIFEXITED(code) && WEXITSTATUS(code) == 0) {
		TH_LOG("autoreap child exit code 0x%x", code);
	}
	ASSERT_TRUE(gone(pid)) {
		TH_LOG("autoreap child became waitable");
	}
	ASSERT_EQ(close(pidfd), 0);
}

static void verify_fork(struct __test_metadata *_metadata, pid_t pid)
{
	int fd, status = -1;
	pid_t ret = 0;

	fd = sys_pidfd_open(pid, 0);
	ASSERT_GE(fd, 0) {
		TH_LOG("pidfd_open of the forked child: %s", strerror(errno));
	}
	/* Exited: the zombie is found at once, see reap_helper(). */
	if (poll_fd(fd, TIMEOUT_MS) == 1)
		ret = waitpid(pid, &status, WNOHANG);
	close(fd);
	ASSERT_EQ(ret, pid) {
		TH_LOG("forked child not reaped: %s",
		       ret ? strerror(errno) : "timeout");
	}
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		TH_LOG("forked child status 0x%x", status);
	}
}

/*
 * One clone3() with the n-th fault site armed.  Returns true once the call
 * succeeded without reaching the n-th site: every site has been failed.
 */
static bool fault_once(struct __test_metadata *_metadata, int nth, int call,
		       unsigned int n, const int *pipefd, struct fault_stats *st)
{
	const struct fault_call *fc = &fault_calls[call];
	struct __clone_args args = {
		.flags		= fc->flags,
		.exit_signal	= fc->exit_signal,
	};
	int pidfd = PIDFD_SENTINEL, fds, err, armed, zombies = 0, left;
	long nleft;
	pid_t pid;

	if (fc->flags & CLONE_PIDFD)
		args.pidfd = ptr_to_u64(&pidfd);
	fds = count_fds();
	fflush(stdout);
	fflush(stderr);

	/* Nothing but the call under test between arming and reading back. */
	armed = nth_arm(nth, n) ? errno : 0;
	pid = syscall(__NR_clone3, &args, sizeof(args));
	err = errno;
	if (pid == 0)
		fault_child(call, pipefd[1]);	/* fail-nth is not inherited */
	nleft = nth_left(nth);
	ASSERT_EQ(nth_arm(nth, 0), 0);
	ASSERT_EQ(armed, 0) {
		TH_LOG("writing %u to fail-nth: %s", n, strerror(armed));
	}
	ASSERT_GE(nleft, 0) {
		TH_LOG("reading fail-nth back failed");
	}
	ASSERT_EQ(nth_left(nth), 0) {
		TH_LOG("fail-nth still armed after writing 0");
	}

	if (pid > 0) {
		if (!nleft)
			st->ok_faulted++;
		if (call == CALL_AUTOKILL)
			verify_autokill(_metadata, pid, pidfd, pipefd[0]);
		else if (call == CALL_AUTOREAP)
			verify_autoreap(_metadata, pid, pidfd);
		else
			verify_fork(_metadata, pid);
		if (call == CALL_FORK)
			ASSERT_EQ(pidfd, PIDFD_SENTINEL);
	} else {
		ASSERT_EQ(nleft, 0) {
			TH_LOG("clone3 (%s) failed with no fault injected: %s",
			       fc->name, strerror(err));
		}
		ASSERT_TRUE(clean_errno(err)) {
			TH_LOG("n=%u: clone3 (%s) failed with errno %d (%s)",
			       n, fc->name, err, strerror(err));
		}
		st->errs[err]++;
		/*
		 * copy_process() stores the fd number before its later
		 * failure points, then releases the fd: the out-parameter is
		 * either untouched or names no open descriptor.
		 */
		if (pidfd != PIDFD_SENTINEL) {
			ASSERT_TRUE(fc->flags & CLONE_PIDFD);
			ASSERT_EQ(fcntl(pidfd, F_GETFD), -1) {
				TH_LOG("n=%u: failed clone3 left pidfd %d open",
				       n, pidfd);
			}
			st->pidfd_stored++;
		}
	}

	left = settle_children(&zombies);
	ASSERT_EQ(zombies, 0) {
		TH_LOG("n=%u: a waitable child was left behind", n);
	}
	ASSERT_EQ(left, 0) {
		TH_LOG("n=%u: %d children left behind", n, left);
	}
	ASSERT_EQ(count_fds(), fds) {
		TH_LOG("n=%u: fd count %d before the call, %d after", n, fds,
		       count_fds());
	}
	return pid > 0 && nleft;
}

static void fail_nth_run(struct __test_metadata *_metadata, int *nth,
			 struct knob_state *ks, int call)
{
	const struct fault_call *fc = &fault_calls[call];
	struct fault_stats st = {};
	char desc[256], errs[256];
	unsigned int n, sites;
	const char *bad;
	size_t off = 0;
	int pipefd[2], ret, err;

	if (fc->flags && !flags_available(_metadata, fc->flags, fc->flag))
		return;
	if (access("/proc/thread-self/fail-nth", F_OK))
		SKIP(return, "fail-nth not available (CONFIG_FAULT_INJECTION)");
	*nth = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	ASSERT_GE(*nth, 0);
	ret = knobs_set(ks, desc, sizeof(desc), &bad);
	err = errno;
	ASSERT_EQ(ret, 0) {
		TH_LOG("setting up %s: %s", bad, strerror(err));
	}
	ksft_print_msg("fail-nth %s: debugfs knobs:%s\n", fc->name,
		       desc[0] ? desc : " unchanged (sleeping allocations are not failed)");
	ASSERT_EQ(pipe2(pipefd, O_CLOEXEC), 0);

	for (n = 1; n <= FAIL_NTH_MAX; n++)
		if (fault_once(_metadata, *nth, call, n, pipefd, &st))
			break;
	ASSERT_LE(n, FAIL_NTH_MAX) {
		TH_LOG("clone3 (%s) still reached fault site %d", fc->name,
		       FAIL_NTH_MAX);
	}
	sites = n - 1;

	errs[0] = '\0';
	for (int e = 1; e < (int)ARRAY_SIZE(st.errs); e++)
		if (st.errs[e] && off < sizeof(errs))
			off += snprintf(errs + off, sizeof(errs) - off, " %s=%d",
					errno_name(e), st.errs[e]);
	ksft_print_msg("fail-nth %s: %u fault sites exercised (n=1..%u), errnos:%s\n",
		       fc->name, sites, sites, errs[0] ? errs : " none");
	ksft_print_msg("fail-nth %s: succeeded despite a fault %d, pidfd stored, then failed %d\n",
		       fc->name, st.ok_faulted, st.pidfd_stored);
	ksft_print_msg("fault-sites: %s=%u\n", fc->name, sites);
	/*
	 * fail-nth is there, so a clone3() that never reached a fault site
	 * means nothing was injected and the run proved nothing.
	 */
	ASSERT_GE(sites, 1) {
		TH_LOG("clone3 (%s) reached no fault site (no FAILSLAB or FAIL_PAGE_ALLOC?)",
		       fc->name);
	}
	close(pipefd[0]);
	close(pipefd[1]);
}

TEST_F_TIMEOUT(fault, fail_nth_autokill, FAIL_NTH_TIMEOUT)
{
	fail_nth_run(_metadata, &self->nth, &self->knobs, CALL_AUTOKILL);
}

TEST_F_TIMEOUT(fault, fail_nth_autoreap, FAIL_NTH_TIMEOUT)
{
	fail_nth_run(_metadata, &self->nth, &self->knobs, CALL_AUTOREAP);
}

TEST_F_TIMEOUT(fault, fail_nth_fork, FAIL_NTH_TIMEOUT)
{
	fail_nth_run(_metadata, &self->nth, &self->knobs, CALL_FORK);
}

/* ------------------------------------------------------------------ */
/* Stress                                                              */
/* ------------------------------------------------------------------ */

FIXTURE(stress) {
	int blk[2];	/* children block reading blk[0] */
	int fds;	/* open fds at the start */
	long long start, deadline;
};

FIXTURE_SETUP(stress)
{
	ASSERT_EQ(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
	ASSERT_EQ(pipe2(self->blk, O_CLOEXEC), 0);
	self->fds = count_fds();
	self->start = now_ms();
	self->deadline = self->start + stress_seconds * 1000LL;
}

FIXTURE_TEARDOWN(stress)
{
	cleanup_tracked();
	kill_strays();
	close(self->blk[0]);
	close(self->blk[1]);
}

static bool more(long long deadline, long done, long cap);

/*
 * A stress loop must have run until its cap or its deadline: one that
 * stops early (a broken loop condition) or never starts would pass having
 * raced nothing.  Not a minimum count, which a slower machine would miss
 * within the same deadline.
 */
static void expect_loop_ran(struct __test_metadata *_metadata, const char *what,
			    long done, long long deadline, long cap)
{
	EXPECT_TRUE(done >= 1 && !more(deadline, done, cap)) {
		TH_LOG("%s: stopped after %ld of %ld rounds, before its deadline",
		       what, done, cap);
	}
}

static bool more(long long deadline, long done, long cap)
{
	return done < cap && now_ms() < deadline;
}

/* Start an autokill child blocked on @blk; *obsfd observes it. */
static pid_t start_blocked(struct __test_metadata *_metadata, int blk,
			   int *pidfd, int *obsfd)
{
	pid_t pid;

	*pidfd = -1;
	pid = create_autokill_child(pidfd, 0);
	if (pid == 0)
		block_forever(blk);
	ASSERT_GT(pid, 0) {
		TH_LOG("clone3: %s", strerror(errno));
	}
	*obsfd = sys_pidfd_open(pid, 0);
	ASSERT_GE(*obsfd, 0);
	return pid;
}

/* Killed by SIGKILL within the bound, never waitable; closes @obsfd. */
static void expect_killed(struct __test_metadata *_metadata, pid_t pid,
			  int obsfd)
{
	int code;

	ASSERT_TRUE(dead(obsfd, &code)) {
		TH_LOG("child %d survived the last close of its pidfd", pid);
	}
	ASSERT_TRUE(sigkilled(code)) {
		TH_LOG("child %d exit code 0x%x, not SIGKILL", pid, code);
	}
	ASSERT_TRUE(gone(pid)) {
		TH_LOG("killed child %d is still waitable", pid);
	}
	close(obsfd);
}

#define SPAWN_THREADS 4
#define SPAWN_CAP 200	/* children per thread */

struct spawner {
	pthread_t thread;
	int blk;
	long long deadline;
	long cap;
	long done;
	const char *fail;	/* first failure, NULL if none */
	int err;
	int code;
};

static void *spawn_close_loop(void *arg)
{
	struct spawner *s = arg;

	while (!s->fail && more(s->deadline, s->done, s->cap)) {
		int pidfd = -1, obsfd, code;
		pid_t pid;

		pid = create_autokill_child(&pidfd, 0);
		if (pid == 0)
			block_forever(s->blk);
		if (pid < 0) {
			s->err = errno;
			s->fail = "clone3 failed";
			break;
		}
		obsfd = sys_pidfd_open(pid, 0);
		if (obsfd < 0) {
			s->err = errno;
			s->fail = "pidfd_open failed";
			close(pidfd);
			break;
		}
		if (poll_fd(obsfd, 0) != 0)
			s->fail = "child died before its pidfd was closed";
		close(pidfd);
		if (!dead(obsfd, &code)) {
			s->fail = "child survived the close of its pidfd";
			sys_pidfd_send_signal(obsfd, SIGKILL, NULL, 0);
		} else if (!sigkilled(code)) {
			s->code = code;
			s->fail = "child not killed by SIGKILL";
		} else if (!gone(pid)) {
			s->fail = "killed child still waitable";
		}
		close(obsfd);
		if (!s->fail)
			s->done++;
	}
	return NULL;
}

/* Threads spawn autokill children and close their pidfds, in a loop. */
TEST_F_TIMEOUT(stress, stress_spawn_close_threads, STRESS_SLACK)
{
	struct spawner sp[SPAWN_THREADS] = {};
	long total = 0;
	int i;

	if (!autokill_available(_metadata))
		return;
	for (i = 0; i < SPAWN_THREADS; i++) {
		sp[i].blk = self->blk[0];
		sp[i].deadline = self->deadline;
		sp[i].cap = stress_cap(SPAWN_CAP);
		ASSERT_EQ(pthread_create(&sp[i].thread, NULL, spawn_close_loop,
					 &sp[i]), 0);
	}
	for (i = 0; i < SPAWN_THREADS; i++) {
		ASSERT_EQ(pthread_join(sp[i].thread, NULL), 0);
		total += sp[i].done;
	}
	for (i = 0; i < SPAWN_THREADS; i++) {
		EXPECT_TRUE(!sp[i].fail) {
			TH_LOG("thread %d after %ld children: %s (errno %d, code 0x%x)",
			       i, sp[i].done, sp[i].fail, sp[i].err, sp[i].code);
		}
	}
	ksft_print_msg("stress %s: %ld children killed by close (%d threads, %.1f s)\n",
		       _metadata->name, total, SPAWN_THREADS,
		       secs_since(self->start));
	for (i = 0; i < SPAWN_THREADS; i++)
		if (!sp[i].fail)
			expect_loop_ran(_metadata, "spawner thread", sp[i].done,
					sp[i].deadline, sp[i].cap);
	check_clean(_metadata, self->fds);
}

#define DUPS 16
#define CLOSERS 4
#define DUP_ROUNDS 200

struct dup_race {
	pthread_barrier_t go, done;
	int fds[DUPS];
	int obsfd;
	bool stop;
	int premature;		/* child dead while a reference was open */
	int close_errors;
};

struct closer {
	pthread_t thread;
	struct dup_race *race;
	int idx;
};

static void *close_dups(void *arg)
{
	struct closer *c = arg;
	struct dup_race *r = c->race;

	for (;;) {
		pthread_barrier_wait(&r->go);
		if (r->stop)
			break;
		for (int i = c->idx; i < DUPS; i += CLOSERS) {
			/* This dup is still open: the child must be alive. */
			if (poll_fd(r->obsfd, 0) != 0)
				__atomic_add_fetch(&r->premature, 1,
						   __ATOMIC_RELAXED);
			if (close(r->fds[i]))
				__atomic_add_fetch(&r->close_errors, 1,
						   __ATOMIC_RELAXED);
		}
		pthread_barrier_wait(&r->done);
	}
	return NULL;
}

/* The original and 16 dups closed concurrently by 5 threads. */
TEST_F_TIMEOUT(stress, stress_dup_close_race, STRESS_SLACK)
{
	struct closer cl[CLOSERS] = {};
	struct dup_race r = {};
	int pidfd, obsfd, i;
	long rounds;
	pid_t pid;

	if (!autokill_available(_metadata))
		return;

	/* Sequential pre-check: alive until the very last close. */
	pid = start_blocked(_metadata, self->blk[0], &pidfd, &obsfd);
	for (i = 0; i < DUPS; i++) {
		r.fds[i] = dup(pidfd);
		ASSERT_GE(r.fds[i], 0);
	}
	ASSERT_EQ(close(pidfd), 0);
	for (i = 0; i < DUPS - 1; i++) {
		ASSERT_EQ(close(r.fds[i]), 0);
		ASSERT_EQ(poll_fd(obsfd, 0), 0) {
			TH_LOG("child died with %d references left",
			       DUPS - 1 - i);
		}
	}
	/* A wrong kill was sent by a close() above: 100 ms to show it. */
	ASSERT_EQ(poll_fd(obsfd, 100), 0) {
		TH_LOG("child died before the last close");
	}
	ASSERT_EQ(close(r.fds[DUPS - 1]), 0);
	expect_killed(_metadata, pid, obsfd);

	ASSERT_EQ(pthread_barrier_init(&r.go, NULL, CLOSERS + 1), 0);
	ASSERT_EQ(pthread_barrier_init(&r.done, NULL, CLOSERS + 1), 0);
	for (i = 0; i < CLOSERS; i++) {
		cl[i].race = &r;
		cl[i].idx = i;
		ASSERT_EQ(pthread_create(&cl[i].thread, NULL, close_dups,
					 &cl[i]), 0);
	}
	for (rounds = 0; more(self->deadline, rounds, stress_cap(DUP_ROUNDS)); rounds++) {
		pid = start_blocked(_metadata, self->blk[0], &pidfd, &r.obsfd);
		for (i = 0; i < DUPS; i++) {
			r.fds[i] = dup(pidfd);
			ASSERT_GE(r.fds[i], 0);
		}
		pthread_barrier_wait(&r.go);
		if (poll_fd(r.obsfd, 0) != 0)
			__atomic_add_fetch(&r.premature, 1, __ATOMIC_RELAXED);
		if (close(pidfd))
			__atomic_add_fetch(&r.close_errors, 1, __ATOMIC_RELAXED);
		pthread_barrier_wait(&r.done);
		if (r.premature || r.close_errors)
			break;
		expect_killed(_metadata, pid, r.obsfd);
	}
	r.stop = true;
	pthread_barrier_wait(&r.go);
	for (i = 0; i < CLOSERS; i++)
		ASSERT_EQ(pthread_join(cl[i].thread, NULL), 0);
	pthread_barrier_destroy(&r.go);
	pthread_barrier_destroy(&r.done);
	EXPECT_EQ(r.premature, 0) {
		TH_LOG("round %ld: child died while a reference was open",
		       rounds);
	}
	EXPECT_EQ(r.close_errors, 0) {
		TH_LOG("round %ld: close() of a dup failed", rounds);
	}
	if (r.premature || r.close_errors)
		close(r.obsfd);
	ksft_print_msg("stress %s: %ld rounds of %d racing closes, %d premature deaths (%.1f s)\n",
		       _metadata->name, rounds, DUPS + 1, r.premature,
		       secs_since(self->start));
	if (!r.premature && !r.close_errors)
		expect_loop_ran(_metadata, "racing closes", rounds, self->deadline,
				stress_cap(DUP_ROUNDS));
	check_clean(_metadata, self->fds);
}

#define EXEC_CAP 300

/* Children exec-and-exit or exit while the pidfd is being closed. */
TEST_F_TIMEOUT(stress, stress_exec_exit_race, STRESS_SLACK)
{
	long i, execs = 0, killed = 0, exited = 0, early = 0;
	unsigned int seed = getpid() ^ (unsigned int)now_ms();
	int pidfd, obsfd, code;
	pid_t pid;

	if (!autokill_available(_metadata))
		return;
	for (i = 0; more(self->deadline, i, stress_cap(EXEC_CAP)); i++) {
		bool do_exec = i % 3 != 1;
		int delay = rand_r(&seed) % 3;

		pidfd = -1;
		pid = create_autokill_child(&pidfd, 0);
		if (pid == 0) {
			if (!do_exec)
				_exit(0);
			execl("/proc/self/exe", "pidfd_autokill_stress_test",
			      MODE_EXIT, (char *)NULL);
			_exit(127);
		}
		ASSERT_GT(pid, 0) {
			TH_LOG("clone3: %s", strerror(errno));
		}
		execs += do_exec;
		obsfd = sys_pidfd_open(pid, 0);
		ASSERT_TRUE(obsfd >= 0 || errno == ESRCH) {
			TH_LOG("pidfd_open: %s", strerror(errno));
		}
		if (delay == 1)
			sched_yield();
		else if (delay == 2)
			nap_us(rand_r(&seed) % 2000);
		ASSERT_EQ(close(pidfd), 0);
		if (obsfd < 0) {
			early++;	/* exited and reaped already */
			ASSERT_TRUE(gone(pid));
			continue;
		}
		ASSERT_TRUE(dead(obsfd, &code)) {
			TH_LOG("child %d (%s) alive after the close", pid,
			       do_exec ? "exec" : "exit");
		}
		if (sigkilled(code)) {
			killed++;
		} else {
			ASSERT_TRUE(WIFEXITED(code) && WEXITSTATUS(code) == 0) {
				TH_LOG("child exit code 0x%x (127: exec failed)",
				       code);
			}
			exited++;
		}
		ASSERT_TRUE(gone(pid)) {
			TH_LOG("child %d is still waitable", pid);
		}
		close(obsfd);
	}
	ksft_print_msg("stress %s: %ld children (%ld exec): %ld killed, %ld exited, %ld gone\n",
		       _metadata->name, i, execs, killed, exited, early);
	expect_loop_ran(_metadata, "exec/exit children", i, self->deadline,
			stress_cap(EXEC_CAP));
	check_clean(_metadata, self->fds);
}

#define MID_SPAWN 128	/* children per middle process */
#define MID_OPEN 64	/* pidfds the middle keeps open */
#define MID_ROUNDS 20

/*
 * The middle process: spawn autokill children, report each pid, keep the
 * newest MID_OPEN pidfds (closing the oldest kills its child).  In chain
 * mode the children keep the inherited pidfds of their older siblings, so
 * the middle's death has to cascade newest to oldest.
 */
static void __noreturn middle(int wfd, int blk, bool chain)
{
	int open_fds[MID_OPEN], nopen = 0, head = 0;

	for (int i = 0; i < MID_SPAWN; i++) {
		int pidfd = -1;
		pid_t pid;

		pid = create_autokill_child(&pidfd, 0);
		if (pid == 0) {
			if (!chain)
				block_forever(blk);
			close(wfd);
			for (;;)
				pause();
		}
		if (pid < 0)
			pid = -errno;
		if (write_nointr(wfd, &pid, sizeof(pid)) != sizeof(pid))
			_exit(1);
		if (pid < 0)
			continue;
		if (nopen < MID_OPEN) {
			open_fds[nopen++] = pidfd;
		} else {
			close(open_fds[head]);
			open_fds[head] = pidfd;
			head = (head + 1) % MID_OPEN;
		}
	}
	for (;;)
		pause();
}

struct mid_round {
	pid_t pids[MID_SPAWN];
	int obs[MID_SPAWN];
	int n;
};

static void mid_note(struct __test_metadata *_metadata, struct mid_round *mr,
		     pid_t pid)
{
	ASSERT_GT(pid, 0) {
		TH_LOG("the middle's clone3 failed: %s", strerror(-pid));
	}
	ASSERT_LT(mr->n, MID_SPAWN);
	mr->pids[mr->n] = pid;
	mr->obs[mr->n] = sys_pidfd_open(pid, 0);
	ASSERT_TRUE(mr->obs[mr->n] >= 0 || errno == ESRCH);
	mr->n++;
}

/* SIGKILL a process that is busy spawning autokill children. */
TEST_F_TIMEOUT(stress, stress_parent_killed_midspawn, STRESS_SLACK)
{
	unsigned int seed = getpid() ^ (unsigned int)now_ms();
	long rounds, reported = 0, observed = 0, chains = 0;
	struct mid_round mr;
	int rp[2], status, target;
	pid_t mid, pid;
	ssize_t ret;

	if (!autokill_available(_metadata))
		return;
	for (rounds = 0; more(self->deadline, rounds, stress_cap(MID_ROUNDS)); rounds++) {
		bool chain = rounds & 1;

		mr.n = 0;
		ASSERT_EQ(pipe2(rp, O_CLOEXEC), 0);
		mid = fork();
		ASSERT_GE(mid, 0);
		if (mid == 0) {
			close(rp[0]);
			middle(rp[1], self->blk[0], chain);
		}
		ASSERT_GE(track(mid), 0);
		close(rp[1]);

		target = 1 + rand_r(&seed) % MID_SPAWN;
		while (mr.n < target) {
			ASSERT_EQ(read_timeout(rp[0], &pid, sizeof(pid)),
				  sizeof(pid)) {
				TH_LOG("the middle stopped reporting");
			}
			mid_note(_metadata, &mr, pid);
		}
		nap_us(rand_r(&seed) % 2000);
		status = reap_helper(mid, SIGKILL);
		ASSERT_TRUE(status != -1 && WIFSIGNALED(status) &&
			    WTERMSIG(status) == SIGKILL) {
			TH_LOG("middle process status 0x%x", status);
		}
		/* Drain: the write end is gone with the middle. */
		while ((ret = read_timeout(rp[0], &pid, sizeof(pid))) > 0) {
			ASSERT_EQ(ret, sizeof(pid));
			mid_note(_metadata, &mr, pid);
		}
		ASSERT_EQ(ret, 0) {
			TH_LOG("no EOF from the middle's pipe");
		}
		close(rp[0]);

		for (int i = 0; i < mr.n; i++) {
			if (mr.obs[i] < 0)
				continue;	/* dead before we looked */
			expect_killed(_metadata, mr.pids[i], mr.obs[i]);
			observed++;
		}
		reported += mr.n;
		chains += chain;
	}
	ksft_print_msg("stress %s: %ld rounds (%ld chained), %ld children, %ld killed (%.1f s)\n",
		       _metadata->name, rounds, chains, reported, observed,
		       secs_since(self->start));
	expect_loop_ran(_metadata, "middle processes", rounds, self->deadline,
			stress_cap(MID_ROUNDS));
	check_clean(_metadata, self->fds);
}

#define PP_ROUNDS 25
#define PP_BOUNCES 200

struct pp_msg {
	char op;
	int val;
};

static int pp_send(int sk, char op, int val, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = {};
	struct pp_msg m = { .op = op, .val = val };
	struct iovec iov = { .iov_base = &m, .iov_len = sizeof(m) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cmsg;

	if (fd >= 0) {
		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	}
	return sendmsg(sk, &msg, MSG_NOSIGNAL) == sizeof(m) ? 0 : -1;
}

/* 0 with *fd (-1: none), 1 on EOF, -1 on error or timeout. */
static int pp_recv(int sk, struct pp_msg *m, int *fd, int timeout_ms)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = {};
	struct iovec iov = { .iov_base = m, .iov_len = sizeof(*m) };
	struct msghdr msg = {
		.msg_iov	= &iov,
		.msg_iovlen	= 1,
		.msg_control	= cbuf,
		.msg_controllen	= sizeof(cbuf),
	};
	struct cmsghdr *cmsg;
	ssize_t n;

	*fd = -1;
	if (poll_fd(sk, timeout_ms) != 1)
		return -1;
	n = recvmsg(sk, &msg, MSG_CMSG_CLOEXEC);
	if (n == 0)
		return 1;
	if (n != sizeof(*m) || (msg.msg_flags & MSG_CTRUNC))
		return -1;
	cmsg = CMSG_FIRSTHDR(&msg);
	if (cmsg && cmsg->cmsg_level == SOL_SOCKET &&
	    cmsg->cmsg_type == SCM_RIGHTS)
		memcpy(fd, CMSG_DATA(cmsg), sizeof(int));
	return 0;
}

/* B: bounce the fd back; C: close it; N: report the fd count change. */
static void __noreturn pingpong_peer(int sk)
{
	int base = count_fds(), fd, ret;
	struct pp_msg m;

	for (;;) {
		ret = pp_recv(sk, &m, &fd, -1);
		if (ret == 1)
			_exit(0);
		if (ret < 0)
			_exit(2);
		switch (m.op) {
		case 'B':
			ret = pp_send(sk, 'B', m.val, fd);
			close(fd);
			break;
		case 'C':
			close(fd);
			ret = pp_send(sk, 'c', 0, -1);
			break;
		case 'N':
			ret = pp_send(sk, 'n', count_fds() - base, -1);
			break;
		default:
			_exit(3);
		}
		if (ret)
			_exit(4);
	}
}

/* An autokill pidfd bounced between two processes, then closed by one. */
TEST_F_TIMEOUT(stress, stress_scm_rights_pingpong, STRESS_SLACK)
{
	long rounds, bounces = 0, by_peer = 0;
	struct pidfd_info info;
	int sk[2], fd, obsfd, status;
	struct pp_msg m;
	pid_t peer, pid;

	if (!autokill_available(_metadata))
		return;
	/* The peer exists before any autokill child: it inherits none. */
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sk), 0);
	peer = fork();
	ASSERT_GE(peer, 0);
	if (peer == 0) {
		close(sk[0]);
		pingpong_peer(sk[1]);
	}
	ASSERT_GE(track(peer), 0);
	close(sk[1]);

	for (rounds = 0; more(self->deadline, rounds, stress_cap(PP_ROUNDS)); rounds++) {
		pid = start_blocked(_metadata, self->blk[0], &fd, &obsfd);
		for (int b = 0; b < PP_BOUNCES; b++) {
			ASSERT_EQ(pp_send(sk[0], 'B', b, fd), 0);
			ASSERT_EQ(close(fd), 0);
			if (b % 50 == 0) {
				/* Held only by the message or by the peer. */
				ASSERT_EQ(poll_fd(obsfd, 0), 0) {
					TH_LOG("child died while its pidfd was away");
				}
			}
			ASSERT_EQ(pp_recv(sk[0], &m, &fd, TIMEOUT_MS), 0);
			ASSERT_TRUE(m.op == 'B' && m.val == b && fd >= 0) {
				TH_LOG("bounce %d came back as '%c' %d fd %d",
				       b, m.op, m.val, fd);
			}
			bounces++;
		}
		memset(&info, 0, sizeof(info));
		info.mask = PIDFD_INFO_PID;
		ASSERT_EQ(ioctl(fd, PIDFD_GET_INFO, &info), 0);
		ASSERT_EQ(info.pid, pid);
		ASSERT_EQ(poll_fd(obsfd, 0), 0) {
			TH_LOG("child died while its pidfd was bouncing");
		}
		if (rounds & 1) {
			ASSERT_EQ(pp_send(sk[0], 'C', 0, fd), 0);
			ASSERT_EQ(close(fd), 0);
			ASSERT_EQ(pp_recv(sk[0], &m, &fd, TIMEOUT_MS), 0);
			ASSERT_EQ(m.op, 'c');
			by_peer++;
		} else {
			ASSERT_EQ(close(fd), 0);
		}
		expect_killed(_metadata, pid, obsfd);
		ASSERT_EQ(pp_send(sk[0], 'N', 0, -1), 0);
		ASSERT_EQ(pp_recv(sk[0], &m, &fd, TIMEOUT_MS), 0);
		ASSERT_EQ(m.op, 'n');
		ASSERT_EQ(m.val, 0) {
			TH_LOG("the peer's fd count changed by %d", m.val);
		}
	}
	close(sk[0]);
	status = reap_helper(peer, 0);
	EXPECT_TRUE(status != -1 && WIFEXITED(status) &&
		    WEXITSTATUS(status) == 0) {
		TH_LOG("peer status 0x%x", status);
	}
	ksft_print_msg("stress %s: %ld bounces in %ld rounds (%ld closed by the peer, %.1f s)\n",
		       _metadata->name, bounces, rounds, by_peer,
		       secs_since(self->start));
	expect_loop_ran(_metadata, "ping-pong", rounds, self->deadline,
			stress_cap(PP_ROUNDS));
	check_clean(_metadata, self->fds);
}

/*
 * Stress tests run for STRESS_SECONDS: stretch their harness timeouts to
 * match, once the harness has registered them.
 */
static void __attribute__((constructor(KSELFTEST_PRIO_XFAIL + 1)))
stress_timeouts(void)
{
	struct __test_metadata *tests[] = {
		_stress_stress_spawn_close_threads_object,
		_stress_stress_dup_close_race_object,
		_stress_stress_exec_exit_race_object,
		_stress_stress_parent_killed_midspawn_object,
		_stress_stress_scm_rights_pingpong_object,
	};
	const char *env = getenv("STRESS_SECONDS");
	long val = env ? strtol(env, NULL, 10) : 0;

	if (val > 0 && val <= 86400)
		stress_seconds = val;
	for (size_t i = 0; i < ARRAY_SIZE(tests); i++)
		if (tests[i])
			tests[i]->timeout = stress_seconds + STRESS_SLACK;
}

TEST_HARNESS_MAIN
