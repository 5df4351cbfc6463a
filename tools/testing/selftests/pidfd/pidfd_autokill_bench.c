// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark of clone3() CLONE_AUTOREAP and CLONE_PIDFD_AUTOKILL and of the
 * older ways to get the same effect: fork() + waitpid() for spawning, and
 * PR_SET_PDEATHSIG or an explicit pidfd_send_signal(SIGKILL) for killing a
 * child when its owner goes away. It also measures how the autokill kill
 * latency scales with the number of threads in the child and with the size
 * of a process tree held in a pid namespace (CLONE_NEWPID).
 *
 * Timing uses CLOCK_MONOTONIC only and every op runs a fixed number of
 * iterations without randomness or sleeps in the measured regions, so that
 * under QEMU -icount (where that clock counts instructions) the numbers
 * repeat exactly from boot to boot. Each op runs W warm-up iterations, then
 * R repeats of N iterations; the result is reported in ns per op.
 *
 * Output is kselftest TAP. Before each op's result line comes one line
 *   # bench: op=NAME n=N r=R median_ns=M min_ns=A max_ns=B spread_pct=S
 *            runs=V1,V2,...
 * (on a single line). Ops needing a flag the kernel lacks are skipped,
 * unless PIDFD_FEATURE_REQUIRED=1 (see pidfd.h) says the kernel has the
 * flags: then they fail.
 *
 * Usage: pidfd_autokill_bench [-q] [-s SCALE] [-o OP[,OP...]]
 *   -q  quick: N / 5 (at least 2), for CI
 *   -s  multiply every N by SCALE
 *   -o  run only the named ops
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/types.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syscall.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pidfd.h"

#ifndef PR_SET_CHILD_SUBREAPER
#define PR_SET_CHILD_SUBREAPER 36
#endif

#define AUTOKILL_FLAGS (CLONE_PIDFD | CLONE_PIDFD_AUTOKILL | \
			CLONE_AUTOREAP | CLONE_NNP)

#define TIMEOUT_MS	5000
#define NSEC_PER_MSEC	1000000ULL
#define MAX_REPEATS	16
#define MAX_DESC	128
#define FD_BATCH	64
/* 64 KiB, or the C library's minimum where that is more (128 KiB on arm64). */
#define THREAD_STACK	(PTHREAD_STACK_MIN > 64 * 1024 ? PTHREAD_STACK_MIN : 64 * 1024)

#define SKIP_AUTOREAP	"CLONE_AUTOREAP not supported"
#define SKIP_AUTOKILL	"CLONE_PIDFD_AUTOKILL not supported"
#define SKIP_NEWPID	"CLONE_NEWPID not permitted"

enum bench_ret {
	BENCH_FAIL = -1,
	BENCH_OK = 0,
	BENCH_SKIP = 1,
};

enum autokill_kind {
	AK_PLAIN,
	AK_THREADS,
	AK_NEWPID,
};

struct bench_op {
	const char *name;
	int (*run)(const struct bench_op *op, unsigned int n, __u64 *ns);
	int kind;
	unsigned int param;
	unsigned int n;
	unsigned int r;
	unsigned int w;
};

/* State of the op being run: failure reason, skip reason, first call. */
static char fail_msg[256];
static const char *skip_msg;
static bool op_started;

static bool quick;
static unsigned int scale = 1;

/* Written by the threads of an AK_THREADS child (in the child's copy). */
static unsigned int threads_started;

static __printf(1, 2) int bench_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fail_msg, sizeof(fail_msg), fmt, ap);
	va_end(ap);
	return BENCH_FAIL;
}

/*
 * clone3() said EINVAL to @flag on the op's first call: a kernel without
 * it, so the op is skipped (@skip), unless PIDFD_FEATURE_REQUIRED=1 says
 * this kernel has the flags: then the op fails.
 */
static int flag_unsupported(const char *flag, const char *skip)
{
	if (pidfd_feature_required())
		return bench_fail("%s: %s", flag, PIDFD_FEATURE_REQUIRED_MSG);
	skip_msg = skip;
	return BENCH_SKIP;
}

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* 1: @fd is readable (for a pidfd: the process is dead), 0: timeout. */
static int poll_in(int fd, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int ret;

	do {
		ret = poll(&pfd, 1, timeout_ms);
	} while (ret < 0 && errno == EINTR);
	if (ret <= 0)
		return ret;
	if (pfd.revents & POLLNVAL) {
		errno = EBADF;
		return -1;
	}
	return 1;
}

/*
 * Wait (bounded) until @fd is readable. If the process behind @pidfd (may
 * be -1) dies first, give up with ESRCH instead of waiting out the timeout.
 */
static int wait_readable(int fd, int pidfd)
{
	struct pollfd pfd[2] = {
		{ .fd = fd, .events = POLLIN },
		{ .fd = pidfd, .events = POLLIN },
	};
	int ret;

	do {
		ret = poll(pfd, 2, TIMEOUT_MS);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return -1;
	if (pfd[0].revents & POLLIN)
		return 0;
	errno = ret ? ESRCH : ETIMEDOUT;
	return -1;
}

/* Read one fixed-size message from a pipe, bounded. */
static int read_msg(int fd, int pidfd, void *buf, size_t len)
{
	ssize_t ret;

	if (wait_readable(fd, pidfd))
		return -1;
	ret = read_nointr(fd, buf, len);
	if (ret < 0)
		return -1;
	if ((size_t)ret != len) {
		errno = EIO;
		return -1;
	}
	return 0;
}

/* SIGKILL the process behind @pidfd and wait (bounded) until it is dead. */
static void kill_pidfd(int pidfd)
{
	if (pidfd < 0)
		return;
	sys_pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
	poll_in(pidfd, TIMEOUT_MS);
}

static int task_state(pid_t pid, pid_t tid, char *state)
{
	char path[64], buf[1024], *p;
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid, tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	len = read_nointr(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return -1;
	buf[len] = '\0';
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ') {
		errno = EINVAL;
		return -1;
	}
	*state = p[2];
	return 0;
}

/*
 * Wait (bounded, outside any timed region) until a task sleeps, i.e. has
 * reached the blocking call it will be killed in. Polled: no event says so.
 */
static int wait_sleeping(pid_t pid, pid_t tid)
{
	__u64 deadline = now_ns() + TIMEOUT_MS * NSEC_PER_MSEC;
	char state;

	for (;;) {
		if (task_state(pid, tid, &state))
			return -1;
		if (state == 'S')
			return 0;
		if (now_ns() > deadline) {
			errno = ETIMEDOUT;
			return -1;
		}
		sched_yield();
	}
}

/* Wait until all @nr threads of @pid sleep. */
static int wait_all_sleeping(pid_t pid, unsigned int nr)
{
	unsigned int count = 0;
	struct dirent *de;
	char path[64];
	int ret = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((de = readdir(dir))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		count++;
		ret = wait_sleeping(pid, atoi(de->d_name));
		if (ret)
			break;
	}
	closedir(dir);
	if (!ret && count != nr) {
		errno = ESRCH;
		ret = -1;
	}
	return ret;
}

/* The pid, in our pid namespace, of the process behind @pidfd. */
static pid_t pidfd_pid(int pidfd)
{
	struct pidfd_info info = { .mask = PIDFD_INFO_PID };

	if (ioctl(pidfd, PIDFD_GET_INFO, &info))
		return -1;
	return info.pid;
}

static int parse_ppid(pid_t pid, pid_t *ppid)
{
	char path[64], buf[1024], *p;
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	len = read_nointr(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return -1;
	buf[len] = '\0';
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %*c %d", ppid) != 1)
		return -1;
	return 0;
}

/*
 * Kill and reap whatever children (alive or zombie) are still around after
 * an op: there should be none. An autoreap child that has exited is not
 * left behind, it is being released (a poll() on its pidfd reported the
 * exit before release_task() ran): wait for its pidfd to hang up. Returns
 * how many there were.
 */
static int sweep_children(void)
{
	pid_t self = getpid(), pid, ppid;
	struct dirent *de;
	__u64 deadline;
	int found = 0, fd;
	DIR *dir;

	dir = opendir("/proc");
	if (dir) {
		while ((de = readdir(dir))) {
			if (de->d_name[0] < '0' || de->d_name[0] > '9')
				continue;
			pid = atoi(de->d_name);
			if (parse_ppid(pid, &ppid) || ppid != self)
				continue;
			fd = sys_pidfd_open(pid, 0);
			if (fd < 0) {
				/* ESRCH: released meanwhile. */
				if (errno != ESRCH && !kill(pid, SIGKILL))
					found++;
				continue;
			}
			if (poll_in(fd, 0) == 1 &&
			    waitpid(pid, NULL, WNOHANG | __WALL) != pid) {
				/* Exited, no zombie of ours: autoreaped. */
				found += pidfd_wait_hup(fd, TIMEOUT_MS) != 0;
			} else {
				/* Alive, or a zombie reaped just now. */
				sys_pidfd_send_signal(fd, SIGKILL, NULL, 0);
				found++;
			}
			close(fd);
		}
		closedir(dir);
	}

	/* Reap until none is left; autoreap children just disappear. */
	deadline = now_ns() + TIMEOUT_MS * NSEC_PER_MSEC;
	for (;;) {
		pid = waitpid(-1, NULL, WNOHANG | __WALL);
		if (pid < 0)
			break;
		if (pid > 0)
			continue;
		if (now_ns() > deadline)
			break;
		sched_yield();
	}
	return found;
}

static __noreturn void block_forever(void)
{
	for (;;)
		pause();
}

/* In a child: report @err (0: ready) and block until killed. */
static __noreturn void child_ready(int wfd, int err)
{
	if (write_nointr(wfd, &err, sizeof(err)) != sizeof(err) || err)
		_exit(1);
	block_forever();
}

static void *blocker_thread(void *arg)
{
	__atomic_add_fetch(&threads_started, 1, __ATOMIC_SEQ_CST);
	block_forever();
}

/* An AK_THREADS child: start @nr - 1 threads, report ready, block. */
static __noreturn void child_threads(int wfd, unsigned int nr)
{
	pthread_attr_t attr;
	unsigned int i;
	pthread_t th;
	int err;

	err = pthread_attr_init(&attr);
	if (!err)
		err = pthread_attr_setstacksize(&attr, THREAD_STACK);
	for (i = 1; !err && i < nr; i++)
		err = pthread_create(&th, &attr, blocker_thread, NULL);
	while (!err &&
	       __atomic_load_n(&threads_started, __ATOMIC_SEQ_CST) != nr - 1)
		sched_yield();
	child_ready(wfd, err);
}

struct ns_msg {
	int err;
	int done;
};

/* Send @nfds pidfds (may be 0) and a status over a SOCK_SEQPACKET socket. */
static int send_fds(int sock, const int *fds, int nfds, int err, int done)
{
	char cbuf[CMSG_SPACE(sizeof(int) * FD_BATCH)];
	struct ns_msg m = { .err = err, .done = done };
	struct iovec iov = { .iov_base = &m, .iov_len = sizeof(m) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cmsg;

	if (nfds) {
		memset(cbuf, 0, sizeof(cbuf));
		msg.msg_control = cbuf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cmsg), fds, sizeof(int) * nfds);
	}
	if (sendmsg(sock, &msg, MSG_NOSIGNAL) != sizeof(m))
		return -1;
	return 0;
}

/*
 * An AK_NEWPID child, PID 1 of a new pid namespace: fork @nr descendants
 * that block, wait until each has run, pass pidfds of them to the
 * benchmark, report ready and block.
 */
static __noreturn void child_ns_init(int sock, unsigned int nr)
{
	int fds[FD_BATCH], p[2], nfds = 0, err = 0, fd, i;
	unsigned int made;
	pid_t pid;
	char c = 0;

	if (pipe(p)) {
		send_fds(sock, NULL, 0, errno, 1);
		_exit(1);
	}
	for (made = 0; made < nr; made++) {
		pid = fork();
		if (pid < 0) {
			err = errno;
			break;
		}
		if (pid == 0) {
			write_nointr(p[1], &c, 1);
			block_forever();
		}
		if (read_nointr(p[0], &c, 1) != 1) {
			err = EIO;
			break;
		}
		fd = sys_pidfd_open(pid, 0);
		if (fd < 0) {
			err = errno;
			break;
		}
		fds[nfds++] = fd;
		if (nfds < FD_BATCH && made + 1 < nr)
			continue;
		if (send_fds(sock, fds, nfds, 0, 0))
			err = errno;
		for (i = 0; i < nfds; i++)
			close(fds[i]);
		nfds = 0;
		if (err)
			break;
	}
	send_fds(sock, NULL, 0, err, 1);
	if (err)
		_exit(1);
	block_forever();
}

/* Receive the descendants' pidfds from child_ns_init(), bounded. */
static int recv_fds(int sock, int pidfd, int *fds, unsigned int *nr)
{
	char cbuf[CMSG_SPACE(sizeof(int) * FD_BATCH)];
	struct ns_msg m;
	struct iovec iov = { .iov_base = &m, .iov_len = sizeof(m) };
	struct msghdr msg;
	struct cmsghdr *cmsg;
	unsigned int i, cnt;
	int *data;
	ssize_t ret;

	for (;;) {
		if (wait_readable(sock, pidfd))
			return bench_fail("waiting for descendants: %s",
					  strerror(errno));
		memset(&msg, 0, sizeof(msg));
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		ret = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
		if (ret != sizeof(m))
			return bench_fail("recvmsg: %zd (%s)", ret,
					  strerror(errno));
		for (cmsg = CMSG_FIRSTHDR(&msg); cmsg;
		     cmsg = CMSG_NXTHDR(&msg, cmsg)) {
			if (cmsg->cmsg_level != SOL_SOCKET ||
			    cmsg->cmsg_type != SCM_RIGHTS)
				continue;
			data = (int *)CMSG_DATA(cmsg);
			cnt = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			for (i = 0; i < cnt; i++) {
				if (*nr < MAX_DESC)
					fds[(*nr)++] = data[i];
				else
					close(data[i]);
			}
		}
		if (msg.msg_flags & MSG_CTRUNC)
			return bench_fail("recvmsg: control data truncated");
		if (m.err)
			return bench_fail("pid namespace init: %s",
					  strerror(m.err));
		if (m.done)
			return BENCH_OK;
	}
}

struct ak_ctx {
	int kind;
	unsigned int param;
	int pipe[2];		/* child -> benchmark: ready */
	int sock[2];		/* ns init -> benchmark: descendants */
	int desc[MAX_DESC];	/* descendants' pidfds */
	unsigned int ndesc;
};

/* Wait until an autokill child and all its threads/descendants block. */
static int autokill_wait_ready(struct ak_ctx *ctx, pid_t pid, int pidfd)
{
	unsigned int i;
	pid_t dpid;
	int err;

	if (ctx->kind == AK_NEWPID) {
		if (recv_fds(ctx->sock[0], pidfd, ctx->desc, &ctx->ndesc))
			return BENCH_FAIL;
		if (ctx->ndesc != ctx->param)
			return bench_fail("got %u descendants, expected %u",
					  ctx->ndesc, ctx->param);
		for (i = 0; i < ctx->ndesc; i++) {
			dpid = pidfd_pid(ctx->desc[i]);
			if (dpid > 0 && wait_sleeping(dpid, dpid))
				return bench_fail("descendant %d not blocked: %s",
						  dpid, strerror(errno));
		}
	} else {
		if (read_msg(ctx->pipe[0], pidfd, &err, sizeof(err)))
			return bench_fail("waiting for child: %s",
					  strerror(errno));
		if (err)
			return bench_fail("child setup: %s", strerror(err));
	}

	if (ctx->kind == AK_THREADS) {
		if (wait_all_sleeping(pid, ctx->param))
			return bench_fail("threads of %d not blocked: %s",
					  pid, strerror(errno));
	} else if (wait_sleeping(pid, pid)) {
		return bench_fail("child %d not blocked: %s", pid,
				  strerror(errno));
	}
	return BENCH_OK;
}

/*
 * One autokill iteration: clone3 an autokill child, wait until it (and its
 * threads or descendants) block, then time close(autokill pidfd) until a
 * second pidfd of the child (from pidfd_open()) polls readable.
 */
static int autokill_once(struct ak_ctx *ctx, __u64 *ns)
{
	struct __clone_args args = {
		.flags		= AUTOKILL_FLAGS,
		.exit_signal	= 0,
	};
	int akfd = -1, pidfd, err, ret;
	unsigned int i;
	__u64 t0, t1;
	pid_t pid;

	args.pidfd = ptr_to_u64(&akfd);
	if (ctx->kind == AK_NEWPID)
		args.flags |= CLONE_NEWPID;
	pid = sys_clone3(&args, sizeof(args));
	if (pid < 0) {
		err = errno;
		if (!op_started && err == EINVAL)
			return flag_unsupported("CLONE_PIDFD_AUTOKILL",
						SKIP_AUTOKILL);
		if (!op_started && err == EPERM && ctx->kind == AK_NEWPID) {
			skip_msg = SKIP_NEWPID;
			return BENCH_SKIP;
		}
		return bench_fail("clone3: %s", strerror(err));
	}
	if (pid == 0) {
		if (ctx->kind == AK_THREADS)
			child_threads(ctx->pipe[1], ctx->param);
		if (ctx->kind == AK_NEWPID)
			child_ns_init(ctx->sock[1], ctx->param);
		child_ready(ctx->pipe[1], 0);
	}
	op_started = true;

	pidfd = sys_pidfd_open(pid, 0);
	if (pidfd < 0) {
		err = errno;
		close(akfd);
		return bench_fail("pidfd_open(%d): %s", pid, strerror(err));
	}

	ret = autokill_wait_ready(ctx, pid, pidfd);
	if (ret == BENCH_OK) {
		t0 = now_ns();
		close(akfd);
		akfd = -1;
		err = poll_in(pidfd, TIMEOUT_MS);
		t1 = now_ns();
		if (err == 1)
			*ns += t1 - t0;
		else
			ret = bench_fail("child %d alive %d ms after closing its autokill pidfd",
					 pid, TIMEOUT_MS);
	}

	/* The whole tree must be gone once the pid namespace init is. */
	for (i = 0; ret == BENCH_OK && i < ctx->ndesc; i++) {
		if (poll_in(ctx->desc[i], 0) != 1)
			ret = bench_fail("descendant %u outlived its pid namespace init",
					 i);
	}

	if (akfd >= 0)
		close(akfd);
	if (ret != BENCH_OK) {
		kill_pidfd(pidfd);
		for (i = 0; i < ctx->ndesc; i++)
			kill_pidfd(ctx->desc[i]);
	}
	for (i = 0; i < ctx->ndesc; i++)
		close(ctx->desc[i]);
	ctx->ndesc = 0;
	close(pidfd);
	return ret;
}

static int run_autokill(const struct bench_op *op, unsigned int n, __u64 *ns)
{
	struct ak_ctx ctx = {
		.kind	= op->kind,
		.param	= op->param,
		.pipe	= { -1, -1 },
		.sock	= { -1, -1 },
	};
	int ret = BENCH_OK;
	unsigned int i;

	if (ctx.param > MAX_DESC && ctx.kind == AK_NEWPID)
		return bench_fail("too many descendants");
	if (pipe2(ctx.pipe, O_CLOEXEC))
		return bench_fail("pipe2: %s", strerror(errno));
	if (ctx.kind == AK_NEWPID &&
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ctx.sock))
		ret = bench_fail("socketpair: %s", strerror(errno));

	for (i = 0; ret == BENCH_OK && i < n; i++)
		ret = autokill_once(&ctx, ns);

	close(ctx.pipe[0]);
	close(ctx.pipe[1]);
	if (ctx.sock[0] >= 0) {
		close(ctx.sock[0]);
		close(ctx.sock[1]);
	}
	return ret;
}

/* fork(); the child exits at once; waitpid(). */
static int run_fork_exit_wait(const struct bench_op *op, unsigned int n,
			      __u64 *ns)
{
	unsigned int i;
	int status;
	__u64 t0;
	pid_t pid;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		pid = fork();
		if (pid < 0)
			return bench_fail("fork: %s", strerror(errno));
		if (pid == 0)
			_exit(0);
		if (waitpid(pid, &status, 0) != pid)
			return bench_fail("waitpid: %s", strerror(errno));
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			return bench_fail("child status %#x", status);
	}
	*ns += now_ns() - t0;
	return BENCH_OK;
}

/*
 * clone3(CLONE_AUTOREAP | CLONE_PARENT): valid for clone3_args_valid(),
 * rejected with EINVAL by copy_process(). The cost of a failing clone3().
 */
static int run_clone3_einval(const struct bench_op *op, unsigned int n,
			     __u64 *ns)
{
	struct __clone_args args = {
		.flags		= CLONE_AUTOREAP | CLONE_PARENT,
		.exit_signal	= 0,
	};
	unsigned int i;
	__u64 t0;
	long ret;
	int fd;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		ret = syscall(__NR_clone3, &args, sizeof(args));
		if (ret == -1 && errno == EINVAL)
			continue;
		if (ret == 0)
			_exit(0);
		if (ret < 0)
			return bench_fail("clone3: errno %d (%s), expected EINVAL",
					  errno, strerror(errno));
		/* A sibling of ours: we cannot reap it, but kill it. */
		fd = sys_pidfd_open(ret, 0);
		kill_pidfd(fd);
		if (fd >= 0)
			close(fd);
		return bench_fail("clone3 succeeded (pid %ld), expected EINVAL",
				  ret);
	}
	*ns += now_ns() - t0;
	return BENCH_OK;
}

/* clone3(CLONE_PIDFD | CLONE_AUTOREAP); the child exits; poll; close. */
static int run_autoreap_spawn(const struct bench_op *op, unsigned int n,
			      __u64 *ns)
{
	int pidfd = -1;
	struct __clone_args args = {
		.flags		= CLONE_PIDFD | CLONE_AUTOREAP,
		.exit_signal	= 0,
		.pidfd		= ptr_to_u64(&pidfd),
	};
	unsigned int i;
	__u64 t0;
	pid_t pid;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		pid = sys_clone3(&args, sizeof(args));
		if (pid < 0) {
			if (!op_started && errno == EINVAL)
				return flag_unsupported("CLONE_AUTOREAP",
							SKIP_AUTOREAP);
			return bench_fail("clone3: %s", strerror(errno));
		}
		if (pid == 0)
			_exit(0);
		op_started = true;
		if (poll_in(pidfd, TIMEOUT_MS) != 1) {
			kill_pidfd(pidfd);
			close(pidfd);
			return bench_fail("child %d not dead after %d ms",
					  pid, TIMEOUT_MS);
		}
		close(pidfd);
	}
	*ns += now_ns() - t0;

	/* No zombie may be left behind. */
	pid = waitpid(-1, NULL, WNOHANG | __WALL);
	if (pid > 0)
		return bench_fail("autoreap child %d left a zombie", pid);
	return BENCH_OK;
}

/* pidfd_open(self) + close(). */
static int run_pidfd_open_close(const struct bench_op *op, unsigned int n,
				__u64 *ns)
{
	pid_t self = getpid();
	unsigned int i;
	__u64 t0;
	int fd;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		fd = sys_pidfd_open(self, 0);
		if (fd < 0)
			return bench_fail("pidfd_open: %s", strerror(errno));
		close(fd);
	}
	*ns += now_ns() - t0;
	return BENCH_OK;
}

/*
 * The middle process of pdeathsig_kill: fork a child that arms
 * PR_SET_PDEATHSIG, reports its pid and blocks; exit when told to.
 */
static __noreturn void middle_main(int ctl, int rdy)
{
	pid_t self = getpid(), pid;
	char c;

	pid = fork();
	if (pid < 0) {
		pid = -errno;
		write_nointr(rdy, &pid, sizeof(pid));
		_exit(1);
	}
	if (pid == 0) {
		pid = getpid();
		if (prctl(PR_SET_PDEATHSIG, SIGKILL))
			pid = -errno;
		else if (getppid() != self)
			pid = -ESRCH;
		write_nointr(rdy, &pid, sizeof(pid));
		if (pid < 0)
			_exit(1);
		block_forever();
	}
	read_nointr(ctl, &c, 1);
	_exit(0);
}

/* Reap a child of ours (bounded) once its pidfd polls readable. */
static int reap_child(int pidfd, pid_t pid, int *status)
{
	if (poll_in(pidfd, TIMEOUT_MS) != 1)
		return -1;
	if (waitpid(pid, status, WNOHANG) != pid)
		return -1;
	return 0;
}

static int pdeathsig_once(int ctl[2], int rdy[2], __u64 *ns)
{
	int mfd = -1, gfd = -1, ret = BENCH_OK, status;
	pid_t mpid, gpid = 0;
	__u64 t0, t1;
	char c = 0;

	mpid = create_child(&mfd, 0);
	if (mpid < 0)
		return bench_fail("clone3: %s", strerror(errno));
	if (mpid == 0)
		middle_main(ctl[0], rdy[1]);

	if (read_msg(rdy[0], mfd, &gpid, sizeof(gpid)))
		ret = bench_fail("waiting for grandchild: %s", strerror(errno));
	else if (gpid <= 0)
		ret = bench_fail("grandchild setup: %s", strerror(-gpid));
	if (ret == BENCH_OK) {
		gfd = sys_pidfd_open(gpid, 0);
		if (gfd < 0)
			ret = bench_fail("pidfd_open(%d): %s", gpid,
					 strerror(errno));
	}
	if (ret == BENCH_OK &&
	    (wait_sleeping(gpid, gpid) || wait_sleeping(mpid, mpid)))
		ret = bench_fail("not blocked: %s", strerror(errno));

	if (ret == BENCH_OK) {
		t0 = now_ns();
		if (write_nointr(ctl[1], &c, 1) != 1)
			ret = bench_fail("write: %s", strerror(errno));
		else if (poll_in(gfd, TIMEOUT_MS) != 1)
			ret = bench_fail("grandchild alive %d ms after its parent exited",
					 TIMEOUT_MS);
		t1 = now_ns();
		if (ret == BENCH_OK)
			*ns += t1 - t0;
	}

	if (ret != BENCH_OK) {
		kill_pidfd(gfd);
		kill_pidfd(mfd);
		if (gfd < 0 && gpid > 0)
			kill(gpid, SIGKILL);
	}
	if (reap_child(mfd, mpid, &status)) {
		if (ret == BENCH_OK)
			ret = bench_fail("reaping middle %d: %s", mpid,
					 strerror(errno));
	} else if (ret == BENCH_OK &&
		   (!WIFEXITED(status) || WEXITSTATUS(status))) {
		ret = bench_fail("middle status %#x", status);
	}
	/* The grandchild was reparented to us, the subreaper. */
	if (gfd >= 0 && reap_child(gfd, gpid, &status)) {
		if (ret == BENCH_OK)
			ret = bench_fail("reaping grandchild %d: %s", gpid,
					 strerror(errno));
	} else if (gfd >= 0 && ret == BENCH_OK &&
		   (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)) {
		ret = bench_fail("grandchild status %#x", status);
	}
	if (gfd >= 0)
		close(gfd);
	close(mfd);
	return ret;
}

/*
 * A middle process forks a PR_SET_PDEATHSIG(SIGKILL) child; time from
 * telling the middle to exit until the grandchild is dead.
 */
static int run_pdeathsig_kill(const struct bench_op *op, unsigned int n,
			      __u64 *ns)
{
	int ctl[2], rdy[2], ret = BENCH_OK;
	unsigned int i;

	if (pipe2(ctl, O_CLOEXEC))
		return bench_fail("pipe2: %s", strerror(errno));
	if (pipe2(rdy, O_CLOEXEC)) {
		close(ctl[0]);
		close(ctl[1]);
		return bench_fail("pipe2: %s", strerror(errno));
	}
	for (i = 0; ret == BENCH_OK && i < n; i++)
		ret = pdeathsig_once(ctl, rdy, ns);
	close(ctl[0]);
	close(ctl[1]);
	close(rdy[0]);
	close(rdy[1]);
	return ret;
}

static int send_signal_once(int rdy[2], __u64 *ns)
{
	int pidfd = -1, ret = BENCH_OK, err, status;
	__u64 t0, t1;
	pid_t pid;

	pid = create_child(&pidfd, 0);
	if (pid < 0)
		return bench_fail("clone3: %s", strerror(errno));
	if (pid == 0)
		child_ready(rdy[1], 0);

	if (read_msg(rdy[0], pidfd, &err, sizeof(err)))
		ret = bench_fail("waiting for child: %s", strerror(errno));
	else if (err)
		ret = bench_fail("child setup: %s", strerror(err));
	else if (wait_sleeping(pid, pid))
		ret = bench_fail("child %d not blocked: %s", pid,
				 strerror(errno));

	if (ret == BENCH_OK) {
		t0 = now_ns();
		if (sys_pidfd_send_signal(pidfd, SIGKILL, NULL, 0))
			ret = bench_fail("pidfd_send_signal: %s",
					 strerror(errno));
		else if (poll_in(pidfd, TIMEOUT_MS) != 1)
			ret = bench_fail("child alive %d ms after SIGKILL",
					 TIMEOUT_MS);
		t1 = now_ns();
		if (ret == BENCH_OK)
			*ns += t1 - t0;
	}

	if (ret != BENCH_OK)
		kill_pidfd(pidfd);
	if (reap_child(pidfd, pid, &status)) {
		if (ret == BENCH_OK)
			ret = bench_fail("waitpid(%d): %s", pid,
					 strerror(errno));
	} else if (ret == BENCH_OK &&
		   (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)) {
		ret = bench_fail("child status %#x", status);
	}
	close(pidfd);
	return ret;
}

/* A blocked child; time pidfd_send_signal(SIGKILL) until it is dead. */
static int run_send_signal_kill(const struct bench_op *op, unsigned int n,
				__u64 *ns)
{
	int rdy[2], ret = BENCH_OK;
	unsigned int i;

	if (pipe2(rdy, O_CLOEXEC))
		return bench_fail("pipe2: %s", strerror(errno));
	for (i = 0; ret == BENCH_OK && i < n; i++)
		ret = send_signal_once(rdy, ns);
	close(rdy[0]);
	close(rdy[1]);
	return ret;
}

#define AUTOKILL_OP(_name, _kind, _param, _n, _r, _w)			\
	{ .name = _name, .run = run_autokill, .kind = _kind,		\
	  .param = _param, .n = _n, .r = _r, .w = _w }

/*
 * Default sizes: about 0.2 to 0.6 s of guest time per op under QEMU TCG
 * with -icount shift=0 (2 vCPUs), warm-up included.
 */
static const struct bench_op ops[] = {
	{ .name = "fork_exit_wait", .run = run_fork_exit_wait,
	  .n = 200, .r = 5, .w = 10 },
	{ .name = "clone3_einval", .run = run_clone3_einval,
	  .n = 50000, .r = 5, .w = 5000 },
	{ .name = "autoreap_spawn", .run = run_autoreap_spawn,
	  .n = 200, .r = 5, .w = 10 },
	AUTOKILL_OP("autokill_close", AK_PLAIN, 1, 200, 5, 10),
	{ .name = "pidfd_open_close", .run = run_pidfd_open_close,
	  .n = 10000, .r = 5, .w = 1000 },
	{ .name = "pdeathsig_kill", .run = run_pdeathsig_kill,
	  .n = 100, .r = 5, .w = 5 },
	{ .name = "send_signal_kill", .run = run_send_signal_kill,
	  .n = 200, .r = 5, .w = 10 },
	AUTOKILL_OP("autokill_close_threads_1", AK_THREADS, 1, 200, 3, 10),
	AUTOKILL_OP("autokill_close_threads_8", AK_THREADS, 8, 80, 3, 5),
	AUTOKILL_OP("autokill_close_threads_64", AK_THREADS, 64, 10, 3, 2),
	AUTOKILL_OP("autokill_close_threads_256", AK_THREADS, 256, 5, 3, 1),
	AUTOKILL_OP("autokill_close_newpid_1", AK_NEWPID, 1, 120, 3, 5),
	AUTOKILL_OP("autokill_close_newpid_16", AK_NEWPID, 16, 15, 3, 2),
	AUTOKILL_OP("autokill_close_newpid_128", AK_NEWPID, 128, 5, 3, 1),
};

#define NR_OPS ARRAY_SIZE(ops)

static unsigned int op_iterations(const struct bench_op *op)
{
	unsigned int n = op->n * scale;

	if (quick) {
		n /= 5;
		if (n < 2)
			n = 2;
	}
	return n;
}

static void sort_doubles(double *v, unsigned int nr)
{
	unsigned int i, j;
	double x;

	for (i = 1; i < nr; i++) {
		x = v[i];
		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

static void print_stats(const struct bench_op *op, unsigned int n,
			const double *runs)
{
	double sorted[MAX_REPEATS], median, spread;
	unsigned int i, r = op->r;

	memcpy(sorted, runs, sizeof(double) * r);
	sort_doubles(sorted, r);
	if (r % 2)
		median = sorted[r / 2];
	else
		median = (sorted[r / 2 - 1] + sorted[r / 2]) / 2;
	spread = median > 0 ? (sorted[r - 1] - sorted[0]) / median * 100 : 0;

	printf("# bench: op=%s n=%u r=%u median_ns=%.1f min_ns=%.1f",
	       op->name, n, r, median, sorted[0]);
	printf(" max_ns=%.1f spread_pct=%.3f runs=", sorted[r - 1], spread);
	for (i = 0; i < r; i++)
		printf("%s%.1f", i ? "," : "", runs[i]);
	printf("\n");
}

/* Run one op and print its TAP result; returns 1 if it failed. */
static int run_op(const struct bench_op *op, unsigned int idx)
{
	unsigned int n = op_iterations(op), i;
	double runs[MAX_REPEATS];
	int ret, left;
	__u64 ns = 0;

	fail_msg[0] = '\0';
	skip_msg = NULL;
	op_started = false;

	ret = op->run(op, op->w, &ns);
	for (i = 0; ret == BENCH_OK && i < op->r; i++) {
		ns = 0;
		ret = op->run(op, n, &ns);
		runs[i] = (double)ns / n;
	}

	left = sweep_children();
	if (left && ret != BENCH_FAIL)
		ret = bench_fail("%d child process(es) left behind", left);

	switch (ret) {
	case BENCH_OK:
		print_stats(op, n, runs);
		printf("ok %u %s\n", idx, op->name);
		return 0;
	case BENCH_SKIP:
		printf("ok %u %s # SKIP %s\n", idx, op->name, skip_msg);
		return 0;
	default:
		printf("# %s: %s\n", op->name, fail_msg);
		printf("not ok %u %s\n", idx, op->name);
		return 1;
	}
}

static void print_usage(const char *prog)
{
	unsigned int i;

	fprintf(stderr, "usage: %s [-q] [-s SCALE] [-o OP[,OP...]]\nops:",
		prog);
	for (i = 0; i < NR_OPS; i++)
		fprintf(stderr, " %s", ops[i].name);
	fprintf(stderr, "\n");
}

static int select_ops(char *list, bool *selected)
{
	char *name, *save = NULL;
	unsigned int i;

	for (name = strtok_r(list, ",", &save); name;
	     name = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < NR_OPS; i++) {
			if (!strcmp(name, ops[i].name))
				break;
		}
		if (i == NR_OPS) {
			fprintf(stderr, "unknown op: %s\n", name);
			return -1;
		}
		selected[i] = true;
	}
	return 0;
}

int main(int argc, char *argv[])
{
	bool selected[NR_OPS] = { false };
	unsigned int i, nr = 0, idx = 0;
	bool all = true;
	int opt, failed = 0;
	char *end;
	long val;

	while ((opt = getopt(argc, argv, "qs:o:h")) != -1) {
		switch (opt) {
		case 'q':
			quick = true;
			break;
		case 's':
			val = strtol(optarg, &end, 10);
			if (*end || val < 1 || val > 1000) {
				print_usage(argv[0]);
				return 2;
			}
			scale = val;
			break;
		case 'o':
			all = false;
			if (select_ops(optarg, selected)) {
				print_usage(argv[0]);
				return 2;
			}
			break;
		default:
			print_usage(argv[0]);
			return 2;
		}
	}
	if (optind != argc) {
		print_usage(argv[0]);
		return 2;
	}
	for (i = 0; i < NR_OPS; i++) {
		if (all)
			selected[i] = true;
		if (selected[i])
			nr++;
	}

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);

	printf("TAP version 13\n");
	printf("1..%u\n", nr);
	printf("# pidfd_autokill_bench: clock=CLOCK_MONOTONIC quick=%d scale=%u\n",
	       quick, scale);

	/* Orphaned grandchildren (pdeathsig_kill) are reparented to us. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)) {
		printf("Bail out! PR_SET_CHILD_SUBREAPER: %s\n",
		       strerror(errno));
		return 1;
	}

	for (i = 0; i < NR_OPS; i++) {
		if (selected[i])
			failed |= run_op(&ops[i], ++idx);
	}
	return failed ? 1 : 0;
}
