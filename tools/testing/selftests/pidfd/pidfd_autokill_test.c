// SPDX-License-Identifier: GPL-2.0
/*
 * Behaviour tests for CLONE_PIDFD_AUTOKILL (with CLONE_AUTOREAP and
 * CLONE_NNP): which file references keep an autokill child alive, exec
 * and setuid exec, multi-threaded children, death of the creator, the
 * error paths, the privilege gate, tree kill via CLONE_NEWPID, a known
 * reference cycle, and an fdinfo dump for cross-kernel comparison.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
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
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pidfd.h"
#include "kselftest_harness.h"

#define AUTOKILL_FLAGS (CLONE_PIDFD | CLONE_PIDFD_AUTOKILL | \
			CLONE_AUTOREAP | CLONE_NNP)

#define TIMEOUT_MS 5000
#define NOBODY 65534

#define MODE_SERVE "--autokill-serve"
#define MODE_REPORT "--autokill-report"
#define MODE_EUID "--autokill-euid"

/* Every process a test creates; killed and reaped by the teardown. */
#define MAX_TRACKED 32
static struct tracked {
	pid_t pid;
	int pidfd;
	bool waitable;
} tracked[MAX_TRACKED];
static int nr_tracked;
static char suid_path[256];

static void track(pid_t pid, bool waitable)
{
	if (pid <= 0 || nr_tracked >= MAX_TRACKED)
		return;
	tracked[nr_tracked].pid = pid;
	tracked[nr_tracked].pidfd = sys_pidfd_open(pid, 0);
	tracked[nr_tracked].waitable = waitable;
	nr_tracked++;
}

static struct tracked *find_tracked(pid_t pid)
{
	for (int i = 0; i < nr_tracked; i++)
		if (tracked[i].pid == pid)
			return &tracked[i];
	return NULL;
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

/* Bounded wait for a tracked waitable child; returns its wait status. */
static int reap_tracked(pid_t pid)
{
	struct tracked *t = find_tracked(pid);
	int status;

	if (!t || t->pidfd < 0 || !t->waitable)
		return -1;
	if (poll_fd(t->pidfd, TIMEOUT_MS) != 1)
		return -1;
	t->waitable = false;
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
	for (int i = nr_tracked - 1; i >= 0; i--) {
		struct tracked *t = &tracked[i];

		if (t->pidfd < 0)
			continue;
		sys_pidfd_send_signal(t->pidfd, SIGKILL, NULL, 0);
		poll_fd(t->pidfd, TIMEOUT_MS);
		if (t->waitable)
			waitpid(t->pid, NULL, WNOHANG | __WALL);
		close(t->pidfd);
		t->pidfd = -1;
	}
	nr_tracked = 0;
	if (suid_path[0]) {
		unlink(suid_path);
		suid_path[0] = '\0';
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

/* Echo every byte back; once the peer is gone block until killed. */
static void __noreturn serve(int sock)
{
	char c;

	while (read_nointr(sock, &c, 1) == 1)
		if (write_nointr(sock, &c, 1) != 1)
			break;
	for (;;)
		pause();
}

/* Round trip one byte through the child's echo loop. */
static bool child_alive(int sock)
{
	char c = 'p';

	if (write_nointr(sock, &c, 1) != 1)
		return false;
	if (poll_fd(sock, TIMEOUT_MS) != 1)
		return false;
	return read_nointr(sock, &c, 1) == 1 && c == 'p';
}

/* Not dead yet (pidfd not readable) and still answering. */
static bool still_running(int obsfd, int sock)
{
	return poll_fd(obsfd, 0) == 0 && child_alive(sock);
}

/* Dead within the bound, by SIGKILL, and reaped by the kernel. */
static bool killed(int obsfd, pid_t pid)
{
	struct pidfd_info info;

	if (pidfd_wait_exit_info(obsfd, &info, TIMEOUT_MS))
		return false;
	if (!WIFSIGNALED(info.exit_code) || WTERMSIG(info.exit_code) != SIGKILL)
		return false;
	/* Hung up: unhashed and off our children list, wait() has nothing. */
	return waitpid(pid, NULL, WNOHANG | __WALL) == -1 && errno == ECHILD;
}

static ssize_t read_timeout(int fd, void *buf, size_t len)
{
	if (poll_fd(fd, TIMEOUT_MS) != 1)
		return -1;
	return read_nointr(fd, buf, len);
}

static int send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = {};
	char c = 'F';
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov	= &iov,
		.msg_iovlen	= 1,
		.msg_control	= cbuf,
		.msg_controllen	= sizeof(cbuf),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = {};
	char c;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov	= &iov,
		.msg_iovlen	= 1,
		.msg_control	= cbuf,
		.msg_controllen	= sizeof(cbuf),
	};
	struct cmsghdr *cmsg;
	int fd;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
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

/* What an unprivileged helper reports back to the test. */
struct report {
	int err;	/* errno of the operation under test, 0 on success */
	int val[3];
};

static void write_report(int fd, int err, int a, int b, int c)
{
	struct report r = { .err = err, .val = { a, b, c } };

	write_nointr(fd, &r, sizeof(r));
}

static void __noreturn send_report(int fd, int err, int a, int b, int c)
{
	write_report(fd, err, a, b, c);
	_exit(0);
}

/* Fork a tracked helper that drops privileges and runs fn(wfd). */
static pid_t spawn_unprivileged(void (*fn)(int wfd), int *rfd)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(p[0]);
		if (drop_privileges())
			send_report(p[1], -errno, 0, 0, 0);
		fn(p[1]);
		_exit(0);
	}
	close(p[1]);
	track(pid, true);
	*rfd = p[0];
	return pid;
}

/* Helpers wait up to TIMEOUT_MS themselves, so allow for twice that. */
static int get_report(int rfd, struct report *r)
{
	if (poll_fd(rfd, 2 * TIMEOUT_MS) != 1)
		return -1;
	return read_nointr(rfd, r, sizeof(*r)) == sizeof(*r) ? 0 : -1;
}

/* Re-exec modes, dispatched before the harness runs. */
static void __attribute__((constructor)) autokill_modes(int argc, char **argv)
{
	int fd, rep[2];

	if (argc < 3 || strncmp(argv[1], "--autokill-", 11))
		return;
	fd = atoi(argv[2]);
	if (!strcmp(argv[1], MODE_SERVE)) {
		write_nointr(fd, "X", 1);
		serve(fd);
	}
	rep[0] = geteuid();
	rep[1] = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
	write_nointr(fd, rep, sizeof(rep));
	if (!strcmp(argv[1], MODE_REPORT))
		serve(fd);
	_exit(0);
}

static void __noreturn exec_self(const char *path, const char *mode, int fd)
{
	char fdstr[16];

	snprintf(fdstr, sizeof(fdstr), "%d", fd);
	fcntl(fd, F_SETFD, 0);
	execl(path, "pidfd_autokill_test", mode, fdstr, (char *)NULL);
	_exit(127);
}

FIXTURE(autokill) {
	int sk[2];	/* sk[0]: test side, sk[1]: child's echo socket */
};

FIXTURE_SETUP(autokill)
{
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
			     self->sk), 0);
}

FIXTURE_TEARDOWN(autokill)
{
	cleanup_tracked();
	close(self->sk[0]);
	close(self->sk[1]);
}

/*
 * Start an autokill child serving sk[1]; returns its pid, or 0 after
 * SKIP if the kernel does not know the flags. *obsfd is a pidfd_open()
 * fd for observation.
 */
static pid_t start_child(struct __test_metadata *_metadata, int *sk,
			 int *pidfd, int *obsfd)
{
	pid_t pid;

	pid = create_autokill_child(pidfd, 0);
	if (pid < 0 && errno == EINVAL)
		CLONE3_UNSUPPORTED(return 0, "CLONE_PIDFD_AUTOKILL");
	ASSERT_GT(pid, -1) {
		TH_LOG("clone3 failed: %m");
	}
	if (pid == 0)
		serve(sk[1]);
	track(pid, false);
	*obsfd = sys_pidfd_open(pid, 0);
	ASSERT_GE(*obsfd, 0);
	ASSERT_TRUE(child_alive(sk[0]));
	return pid;
}

/* The autokill property survives execve(). */
TEST_F(autokill, survives_execve)
{
	int pidfd = -1, obsfd;
	pid_t pid;
	char c;

	pid = create_autokill_child(&pidfd, 0);
	if (pid < 0 && errno == EINVAL)
		CLONE3_UNSUPPORTED(return, "CLONE_PIDFD_AUTOKILL");
	ASSERT_GE(pid, 0);
	if (pid == 0)
		exec_self("/proc/self/exe", MODE_SERVE, self->sk[1]);
	track(pid, false);
	obsfd = sys_pidfd_open(pid, 0);
	ASSERT_GE(obsfd, 0);

	ASSERT_EQ(read_timeout(self->sk[0], &c, 1), 1) {
		TH_LOG("exec'd child did not report in");
	}
	ASSERT_EQ(c, 'X');
	ASSERT_TRUE(still_running(obsfd, self->sk[0]));

	EXPECT_EQ(close(pidfd), 0);
	ASSERT_TRUE(killed(obsfd, pid)) {
		TH_LOG("exec'd child survived closing its autokill pidfd");
	}
	close(obsfd);
}

/* Copy our own binary to a suid-capable place as root:root 04755. */
static int make_suid_copy(void)
{
	static const char * const dirs[] = { "/tmp", "/dev/shm", "/", "/var/tmp" };
	char buf[65536];
	struct statvfs sv;
	ssize_t n;
	int in, out = -1;

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		if (statvfs(dirs[i], &sv) ||
		    (sv.f_flag & (ST_NOSUID | ST_NOEXEC | ST_RDONLY)))
			continue;
		snprintf(suid_path, sizeof(suid_path), "%s%sautokill-suid-XXXXXX",
			 dirs[i], strcmp(dirs[i], "/") ? "/" : "");
		out = mkstemp(suid_path);
		if (out >= 0)
			break;
	}
	if (out < 0) {
		suid_path[0] = '\0';
		return -1;
	}
	in = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (in < 0)
		goto fail;
	while ((n = read_nointr(in, buf, sizeof(buf))) > 0)
		if (write_nointr(out, buf, n) != n)
			goto fail;
	close(in);
	in = -1;
	if (n < 0 || fchown(out, 0, 0) || fchmod(out, 04755) || close(out))
		goto fail;
	return 0;
fail:
	if (in >= 0)
		close(in);
	close(out);
	unlink(suid_path);
	suid_path[0] = '\0';
	return -1;
}

static int suid_sk = -1, suid_ctl = -1, suid_ctl_peer = -1;

/*
 * Unprivileged: run the suid copy once plainly (control), then as an
 * autokill child with CLONE_NNP; close its pidfd when told to.
 */
static void suid_helper(int wfd)
{
	int pidfd = -1, status = -1;
	pid_t ctl_pid, pid;
	char c;

	/* Our copy of the test's end would keep the EOF we wait for away. */
	close(suid_ctl_peer);
	ctl_pid = fork();
	if (ctl_pid == 0)
		exec_self(suid_path, MODE_EUID, suid_sk);
	if (ctl_pid > 0 && waitpid(ctl_pid, &status, 0) != ctl_pid)
		status = -1;

	pid = create_autokill_child(&pidfd, 0);
	if (pid < 0)
		send_report(wfd, errno, 0, status, 0);
	if (pid == 0)
		exec_self(suid_path, MODE_REPORT, suid_sk);
	close(suid_sk);
	write_report(wfd, 0, pid, status, 0);
	if (read_nointr(suid_ctl, &c, 1) == 1) {
		close(pidfd);
		write_nointr(suid_ctl, "d", 1);
	}
	read_nointr(suid_ctl, &c, 1);
	_exit(0);
}

/*
 * A set-user-ID-root program exec'd by an unprivileged user's CLONE_NNP
 * autokill child runs without privilege and still dies on close.
 */
TEST_F(autokill, survives_setuid_exec_with_nnp)
{
	int ctl[2], rfd, obsfd, rep[2];
	struct report r;
	pid_t helper, pid;

	if (geteuid() != 0)
		SKIP(return, "needs root to create a setuid-root binary");
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1)
		SKIP(return, "runs with no_new_privs: setuid bits are ignored");
	if (make_suid_copy())
		SKIP(return, "no writable directory on an exec and suid mount");
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ctl), 0);
	suid_sk = self->sk[1];
	suid_ctl = ctl[1];
	suid_ctl_peer = ctl[0];

	helper = spawn_unprivileged(suid_helper, &rfd);
	ASSERT_GT(helper, 0);
	close(ctl[1]);
	ASSERT_EQ(get_report(rfd, &r), 0) {
		TH_LOG("unprivileged helper did not report");
	}
	ASSERT_GE(r.err, 0) {
		TH_LOG("dropping privileges failed: %d", r.err);
	}
	if (WIFEXITED(r.val[1]) && WEXITSTATUS(r.val[1]) == 127)
		SKIP(return, "cannot execute the suid copy %s", suid_path);
	ASSERT_EQ(r.val[1], 0) {
		TH_LOG("control exec of the suid copy: status 0x%x", r.val[1]);
	}
	ASSERT_EQ(read_timeout(self->sk[0], rep, sizeof(rep)), sizeof(rep)) {
		TH_LOG("control exec of the suid copy did not report");
	}
	/*
	 * The premise: without CLONE_NNP the setuid bit is honoured, so the
	 * nonzero euid checked below is CLONE_NNP's doing.  The causes that
	 * are the environment's (nosuid or noexec mount, no_new_privs of our
	 * own) were ruled out above.
	 */
	ASSERT_EQ(rep[0], 0) {
		TH_LOG("control: setuid exec without CLONE_NNP left euid %d, not 0",
		       rep[0]);
	}
	if (r.err == EINVAL)
		CLONE3_UNSUPPORTED(return, "CLONE_PIDFD_AUTOKILL");
	ASSERT_EQ(r.err, 0) {
		TH_LOG("unprivileged clone3 with CLONE_NNP failed: %s",
		       strerror(r.err));
	}
	pid = r.val[0];
	track(pid, false);
	obsfd = sys_pidfd_open(pid, 0);
	ASSERT_GE(obsfd, 0);

	ASSERT_EQ(read_timeout(self->sk[0], rep, sizeof(rep)), sizeof(rep)) {
		TH_LOG("suid program did not report");
	}
	EXPECT_NE(rep[0], 0) {
		TH_LOG("setuid exec under CLONE_NNP gained euid 0");
	}
	EXPECT_EQ(rep[1], 1) {
		TH_LOG("no_new_privs not set after exec");
	}
	ASSERT_TRUE(still_running(obsfd, self->sk[0]));

	ASSERT_EQ(write_nointr(ctl[0], "c", 1), 1);
	ASSERT_EQ(read_timeout(ctl[0], rep, 1), 1);
	ASSERT_TRUE(killed(obsfd, pid)) {
		TH_LOG("suid child survived its creator closing the autokill pidfd");
	}
	close(ctl[0]);
	close(obsfd);
	close(rfd);
	EXPECT_GE(reap_tracked(helper), 0);
}

/* A dup() of the autokill pidfd keeps the child alive. */
TEST_F(autokill, dup_extends_lifetime)
{
	int pidfd = -1, obsfd = -1, dupfd;
	pid_t pid;

	pid = start_child(_metadata, self->sk, &pidfd, &obsfd);
	if (!pid)
		return;
	dupfd = dup(pidfd);
	ASSERT_GE(dupfd, 0);
	EXPECT_EQ(close(pidfd), 0);
	ASSERT_TRUE(still_running(obsfd, self->sk[0])) {
		TH_LOG("child died although a dup() of its pidfd is open");
	}
	EXPECT_EQ(close(dupfd), 0);
	ASSERT_TRUE(killed(obsfd, pid));
	close(obsfd);
}

/* fcntl(F_DUPFD_CLOEXEC) copies the same file, so it keeps it alive too. */
TEST_F(autokill, dupfd_cloexec_extends_lifetime)
{
	int pidfd = -1, obsfd = -1, dupfd;
	pid_t pid;

	pid = start_child(_metadata, self->sk, &pidfd, &obsfd);
	if (!pid)
		return;
	dupfd = fcntl(pidfd, F_DUPFD_CLOEXEC, 100);
	ASSERT_GE(dupfd, 100);
	EXPECT_EQ(close(pidfd), 0);
	ASSERT_TRUE(still_running(obsfd, self->sk[0])) {
		TH_LOG("child died although an F_DUPFD_CLOEXEC copy is open");
	}
	EXPECT_EQ(close(dupfd), 0);
	ASSERT_TRUE(killed(obsfd, pid));
	close(obsfd);
}

/* A forked process holding the inherited fd keeps the child alive. */
TEST_F(autokill, fork_inherited_fd_extends_lifetime)
{
	int pidfd = -1, obsfd = -1, ctl[2];
	pid_t pid, holder;
	char c;

	pid = start_child(_metadata, self->sk, &pidfd, &obsfd);
	if (!pid)
		return;
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ctl), 0);
	holder = fork();
	ASSERT_GE(holder, 0);
	if (holder == 0) {
		close(ctl[0]);
		read_nointr(ctl[1], &c, 1);
		_exit(0);
	}
	track(holder, true);
	close(ctl[1]);

	EXPECT_EQ(close(pidfd), 0);
	ASSERT_TRUE(still_running(obsfd, self->sk[0])) {
		TH_LOG("child died although a forked process holds its pidfd");
	}
	close(ctl[0]);
	ASSERT_EQ(reap_tracked(holder), 0);
	ASSERT_TRUE(killed(obsfd, pid)) {
		TH_LOG("child survived the exit of the last holder");
	}
	close(obsfd);
}

static int getfd_target;

/* Grab the test's autokill pidfd with pidfd_getfd(); drop it on request. */
static pid_t spawn_grabber(int ctl, int peer)
{
	pid_t pid = fork();
	int ppidfd, fd;
	char c;

	if (pid != 0)
		return pid;
	/* Our copy of the test's end would keep the EOF we wait for away. */
	close(peer);
	/* Drop the copy fork() gave us; take the parent's with getfd. */
	close(getfd_target);
	ppidfd = sys_pidfd_open(getppid(), 0);
	fd = ppidfd < 0 ? -1 : sys_pidfd_getfd(ppidfd, getfd_target, 0);
	write_nointr(ctl, fd >= 0 ? "G" : "E", 1);
	if (read_nointr(ctl, &c, 1) == 1) {
		close(fd);
		write_nointr(ctl, "C", 1);
	}
	read_nointr(ctl, &c, 1);
	_exit(0);
}

/* A copy taken with pidfd_getfd() by another process keeps it alive. */
TEST_F(autokill, pidfd_getfd_extends_lifetime)
{
	int pidfd = -1, obsfd = -1, ctl[2];
	pid_t pid, grabber;
	char c;

	pid = start_child(_metadata, self->sk, &pidfd, &obsfd);
	if (!pid)
		return;
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ctl), 0);
	getfd_target = pidfd;
	grabber = spawn_grabber(ctl[1], ctl[0]);
	ASSERT_GE(grabber, 0);
	track(grabber, true);
	close(ctl[1]);
	ASSERT_EQ(read_timeout(ctl[0], &c, 1), 1);
	ASSERT_EQ(c, 'G') {
		TH_LOG("pidfd_getfd() of the autokill pidfd failed");
	}
	EXPECT_EQ(close(pidfd), 0);
	ASSERT_TRUE(still_running(obsfd, self->sk[0])) {
		TH_LOG("child died although a pidfd_getfd() copy is open");
	}
	ASSERT_EQ(write_nointr(ctl[0], "c", 1), 1);
	ASSERT_EQ(read_timeout(ctl[0], &c, 1), 1);
	ASSERT_EQ(c, 'C');
	ASSERT_TRUE(killed(obsfd, pid)) {
		TH_LOG("child survived the grabber closing the last copy");
	}
	close(ctl[0]);
	EXPECT_EQ(reap_tracked(grabber), 0);
	close(obsfd);
}

/* In flight in SCM_RIGHTS, then received: alive until the last close. */
TEST_F(autokill, scm_rights_extends_lifetime)
{
	int pidfd = -1, obsfd = -1, u[2], rfd;
	pid_t pid;

	pid = start_child(_metadata, self->sk, &pidfd, &obsfd);
	if (!pid)
		return;
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, u), 0);
	ASSERT_EQ(send_fd(u[0], pidfd), 0);
	EXPECT_EQ(close(pidfd), 0);
	ASSERT_TRUE(still_running(obsfd, self->sk[0])) {
		TH_LOG("child died while its pidfd is in flight");
	}
	rfd = recv_fd(u[1]);
	ASSERT_GE(rfd, 0);
	ASSERT_TRUE(still_running(obsfd, self->sk[0])) {
		TH_LOG("child died when its pidfd was received");
	}
	EXPECT_EQ(close(rfd), 0);
	ASSERT_TRUE(killed(obsfd, pid));
	close(u[0]);
	close(u[1]);
	close(obsfd);
}

/* Closing the socket with the pidfd unreceived drops the last reference. */
TEST_F(autokill, scm_rights_socket_closed_unreceived)
{
	int pidfd = -1, obsfd = -1, u[2];
	pid_t pid;

	pid = start_child(_metadata, self->sk, &pidfd, &obsfd);
	if (!pid)
		return;
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, u), 0);
	ASSERT_EQ(send_fd(u[0], pidfd), 0);
	EXPECT_EQ(close(pidfd), 0);
	EXPECT_EQ(close(u[0]), 0);
	ASSERT_TRUE(still_running(obsfd, self->sk[0])) {
		TH_LOG("child died although the receiving end still queues its pidfd");
	}
	EXPECT_EQ(close(u[1]), 0);
	ASSERT_TRUE(killed(obsfd, pid)) {
		TH_LOG("child survived its in-flight pidfd being discarded");
	}
	close(obsfd);
}

/* pidfd_open() fds neither keep the child alive nor kill it. */
TEST_F(autokill, pidfd_open_fd_independent)
{
	int pidfd = -1, obsfd = -1, ofd;
	pid_t pid;

	pid = start_child(_metadata, self->sk, &pidfd, &obsfd);
	if (!pid)
		return;
	ofd = sys_pidfd_open(pid, 0);
	ASSERT_GE(ofd, 0);
	EXPECT_EQ(close(ofd), 0);
	ASSERT_TRUE(still_running(obsfd, self->sk[0])) {
		TH_LOG("closing a pidfd_open() fd killed the child");
	}
	ofd = sys_pidfd_open(pid, 0);
	ASSERT_GE(ofd, 0);
	EXPECT_EQ(close(pidfd), 0);
	ASSERT_TRUE(killed(ofd, pid)) {
		TH_LOG("an open pidfd_open() fd kept the child alive");
	}
	close(ofd);
	close(obsfd);
}

static int open_by_pidfd_handle(int pidfd, int mntfd)
{
	struct file_handle *fh;
	int mnt_id, fd;

	fh = calloc(1, sizeof(*fh) + MAX_HANDLE_SZ);
	if (!fh)
		return -1;
	fh->handle_bytes = MAX_HANDLE_SZ;
	fd = name_to_handle_at(pidfd, "", fh, &mnt_id, AT_EMPTY_PATH);
	if (!fd)
		fd = open_by_handle_at(mntfd, fh, O_CLOEXEC);
	free(fh);
	return fd;
}

/* open_by_handle_at() fds neither keep the child alive nor kill it. */
TEST_F(autokill, file_handle_fd_independent)
{
	int pidfd = -1, obsfd = -1, mntfd, hfd;
	pid_t pid;

	pid = start_child(_metadata, self->sk, &pidfd, &obsfd);
	if (!pid)
		return;
	mntfd = sys_pidfd_open(getpid(), 0);
	ASSERT_GE(mntfd, 0);
	hfd = open_by_pidfd_handle(pidfd, mntfd);
	if (hfd < 0 && errno == EOPNOTSUPP)
		SKIP(return, "pidfs file handles not supported: %m");
	ASSERT_GE(hfd, 0) {
		TH_LOG("open_by_handle_at() of the autokill pidfd failed: %m");
	}
	EXPECT_EQ(close(hfd), 0);
	ASSERT_TRUE(still_running(obsfd, self->sk[0])) {
		TH_LOG("closing an open_by_handle_at() fd killed the child");
	}
	hfd = open_by_pidfd_handle(pidfd, mntfd);
	ASSERT_GE(hfd, 0);
	EXPECT_EQ(close(pidfd), 0);
	ASSERT_TRUE(killed(hfd, pid)) {
		TH_LOG("an open_by_handle_at() fd kept the child alive");
	}
	close(hfd);
	close(mntfd);
	close(obsfd);
}

static void *block_thread(void *arg)
{
	for (;;)
		pause();
	return NULL;
}

static void *serve_thread(void *arg)
{
	serve(*(int *)arg);
}

/* Closing the pidfd of a multi-threaded child kills the whole group. */
TEST_F(autokill, multithreaded_group_dies)
{
	int pidfd = -1, obsfd;
	pthread_t t;
	pid_t pid;
	char c;

	pid = create_autokill_child(&pidfd, 0);
	if (pid < 0 && errno == EINVAL)
		CLONE3_UNSUPPORTED(return, "CLONE_PIDFD_AUTOKILL");
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		for (int i = 0; i < 4; i++)
			if (pthread_create(&t, NULL, block_thread, NULL))
				_exit(1);
		write_nointr(self->sk[1], "R", 1);
		serve(self->sk[1]);
	}
	track(pid, false);
	obsfd = sys_pidfd_open(pid, 0);
	ASSERT_GE(obsfd, 0);
	ASSERT_EQ(read_timeout(self->sk[0], &c, 1), 1);
	ASSERT_EQ(c, 'R') {
		TH_LOG("child could not start its threads");
	}
	ASSERT_TRUE(still_running(obsfd, self->sk[0]));
	EXPECT_EQ(close(pidfd), 0);
	ASSERT_TRUE(killed(obsfd, pid)) {
		TH_LOG("thread group did not die on close");
	}
	close(obsfd);
}

/*
 * Bounded wait until /proc/<pid>/stat shows state @want (or vanishes).
 * Polled: nothing reports the exit of a group leader whose threads live
 * on, pidfd_poll() holds it back while delay_group_leader().
 */
static bool wait_proc_state(pid_t pid, char want)
{
	struct timespec ts = { .tv_nsec = 10 * 1000 * 1000 };
	char path[64], buf[512], *p;

	for (int i = 0; i < TIMEOUT_MS / 10; i++) {
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		f = fopen(path, "re");
		if (!f)
			return want == 0;
		p = fgets(buf, sizeof(buf), f);
		fclose(f);
		p = p ? strrchr(buf, ')') : NULL;
		if (p && want && p[1] == ' ' && p[2] == want)
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

/*
 * No /proc/<pid>/task.  Once the leader's pidfd has hung up this holds:
 * the leader is released after its last thread and is unhashed.
 */
static bool task_dir_gone(pid_t pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	return access(path, F_OK) && errno == ENOENT;
}

/* The leader called pthread_exit(); close kills the remaining threads. */
TEST_F(autokill, leader_exited_threads_die)
{
	static int sock;
	int pidfd = -1, obsfd;
	pthread_t t;
	pid_t pid;
	char c;

	pid = create_autokill_child(&pidfd, 0);
	if (pid < 0 && errno == EINVAL)
		CLONE3_UNSUPPORTED(return, "CLONE_PIDFD_AUTOKILL");
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		sock = self->sk[1];
		for (int i = 0; i < 3; i++)
			if (pthread_create(&t, NULL, block_thread, NULL))
				_exit(1);
		if (pthread_create(&t, NULL, serve_thread, &sock))
			_exit(1);
		write_nointr(sock, "L", 1);
		pthread_exit(NULL);
	}
	track(pid, false);
	obsfd = sys_pidfd_open(pid, 0);
	ASSERT_GE(obsfd, 0);
	ASSERT_EQ(read_timeout(self->sk[0], &c, 1), 1);
	ASSERT_EQ(c, 'L');
	ASSERT_TRUE(wait_proc_state(pid, 'Z')) {
		TH_LOG("group leader did not become a zombie");
	}
	ASSERT_TRUE(still_running(obsfd, self->sk[0])) {
		TH_LOG("remaining threads should still run");
	}
	EXPECT_EQ(close(pidfd), 0);
	ASSERT_TRUE(killed(obsfd, pid)) {
		TH_LOG("remaining threads survived the close");
	}
	ASSERT_TRUE(task_dir_gone(pid)) {
		TH_LOG("/proc/%d/task still present", pid);
	}
	close(obsfd);
}

/* A middle process creates an autokill child, then dies by @how. */
static void parent_death(struct __test_metadata *_metadata, int *sk, int how)
{
	int ctl[2], obsfd, status, ret, pidfd = -1;
	pid_t mid, pid;
	char c;

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ctl), 0);
	mid = fork();
	ASSERT_GE(mid, 0);
	if (mid == 0) {
		void (*bad)(void);

		pid = create_autokill_child(&pidfd, 0);
		if (pid < 0)
			pid = -errno;
		if (pid == 0)
			serve(sk[1]);
		write_nointr(ctl[1], &pid, sizeof(pid));
		if (read_nointr(ctl[1], &c, 1) == 1 && how == SIGSEGV) {
			struct rlimit rl = {};

			setrlimit(RLIMIT_CORE, &rl);
			bad = mmap(NULL, 4096, PROT_NONE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			bad();	/* jump into a PROT_NONE page: SIGSEGV */
		}
		for (;;)
			pause();
	}
	track(mid, true);
	close(ctl[1]);
	ASSERT_EQ(read_timeout(ctl[0], &pid, sizeof(pid)), sizeof(pid));
	if (pid == -EINVAL)
		CLONE3_UNSUPPORTED(return, "CLONE_PIDFD_AUTOKILL");
	ASSERT_GT(pid, 0);
	track(pid, false);
	obsfd = sys_pidfd_open(pid, 0);
	ASSERT_GE(obsfd, 0);
	ASSERT_TRUE(still_running(obsfd, sk[0]));

	if (how == SIGKILL)
		ret = kill(mid, SIGKILL);
	else
		ret = write_nointr(ctl[0], "s", 1) == 1 ? 0 : -1;
	ASSERT_EQ(ret, 0);
	status = reap_tracked(mid);
	ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == how) {
		TH_LOG("middle process status 0x%x", status);
	}
	ASSERT_TRUE(killed(obsfd, pid)) {
		TH_LOG("child survived its creator dying by signal %d", how);
	}
	close(ctl[0]);
	close(obsfd);
}

TEST_F(autokill, parent_sigkill_kills_child)
{
	parent_death(_metadata, self->sk, SIGKILL);
}

TEST_F(autokill, parent_sigsegv_kills_child)
{
	parent_death(_metadata, self->sk, SIGSEGV);
}

/* Closing the pidfd after the child exited and was autoreaped is a no-op. */
TEST_F(autokill, close_after_exit)
{
	struct pidfd_info info;
	int pidfd = -1, obsfd;
	pid_t pid;
	char c;

	pid = create_autokill_child(&pidfd, 0);
	if (pid < 0 && errno == EINVAL)
		CLONE3_UNSUPPORTED(return, "CLONE_PIDFD_AUTOKILL");
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		/* Exit only once the observer pidfd below is open. */
		read_nointr(self->sk[1], &c, 1);
		_exit(7);
	}
	track(pid, false);
	obsfd = sys_pidfd_open(pid, 0);
	ASSERT_GE(obsfd, 0) {
		TH_LOG("pidfd_open() of the live child: %m");
	}
	ASSERT_EQ(write_nointr(self->sk[0], "x", 1), 1);
	/* The kernel reaps it: the pidfd hangs up with no wait() of ours. */
	ASSERT_EQ(pidfd_wait_hup(pidfd, TIMEOUT_MS), 0) {
		TH_LOG("exited autoreap child was not reaped");
	}
	ASSERT_TRUE(waitpid(pid, NULL, WNOHANG | __WALL) == -1 &&
		    errno == ECHILD) {
		TH_LOG("reaped autoreap child still visible to wait()");
	}
	EXPECT_EQ(close(pidfd), 0);
	ASSERT_EQ(pidfd_wait_exit_info(obsfd, &info, TIMEOUT_MS), 0);
	ASSERT_TRUE(WIFEXITED(info.exit_code) &&
		    WEXITSTATUS(info.exit_code) == 7) {
		TH_LOG("exit status changed to 0x%x", info.exit_code);
	}
	close(obsfd);
}

/* Count processes whose parent is @ppid by scanning /proc. */
static int count_children(pid_t ppid)
{
	struct dirent *de;
	int n = 0;
	DIR *d;

	d = opendir("/proc");
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char path[300], buf[512], *p;
		FILE *f;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		p = fgets(buf, sizeof(buf), f);
		fclose(f);
		p = p ? strrchr(buf, ')') : NULL;
		if (p && atoi(p + 4) == ppid)
			n++;
	}
	closedir(d);
	return n;
}

/* EFAULT for a bad pidfd pointer, and no child left behind. */
TEST_F(autokill, bad_pidfd_pointer_efault)
{
	struct report r = {};
	int p[2], i;
	pid_t helper;

	ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
	helper = fork();
	ASSERT_GE(helper, 0);
	if (helper == 0) {
		void *unmapped = mmap(NULL, 4096, PROT_READ,
				      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		__u64 bad[2] = { 1, ptr_to_u64(unmapped) };

		munmap(unmapped, 4096);
		prctl(PR_SET_CHILD_SUBREAPER, 1);
		for (i = 0; i < 2; i++) {
			struct __clone_args args = {
				.flags		= AUTOKILL_FLAGS,
				.pidfd		= bad[i],
			};
			pid_t pid = sys_clone3(&args, sizeof(args));

			if (pid == 0)
				_exit(0);
			r.val[i] = pid < 0 ? errno : 0;
		}
		r.val[2] = count_children(getpid());
		if (waitpid(-1, NULL, WNOHANG | __WALL) != -1 || errno != ECHILD)
			r.val[2] += 100;
		write_nointr(p[1], &r, sizeof(r));
		_exit(0);
	}
	track(helper, true);
	close(p[1]);
	ASSERT_EQ(get_report(p[0], &r), 0);
	if (r.val[0] == EINVAL)
		CLONE3_UNSUPPORTED(return, "CLONE_PIDFD_AUTOKILL");
	EXPECT_EQ(r.val[0], EFAULT) {
		TH_LOG("pidfd=(void *)1: %s", strerror(r.val[0]));
	}
	EXPECT_EQ(r.val[1], EFAULT) {
		TH_LOG("pidfd=unmapped page: %s", strerror(r.val[1]));
	}
	EXPECT_EQ(r.val[2], 0) {
		TH_LOG("children left behind (>= 100: waitable): %d", r.val[2]);
	}
	EXPECT_EQ(reap_tracked(helper), 0);
	close(p[0]);
}

/* An autoreap process may not use CLONE_PARENT; plain fork() works. */
TEST_F(autokill, clone_parent_from_autoreap_child)
{
	struct pidfd_info info;
	struct __clone_args args = {
		.flags		= CLONE_PIDFD | CLONE_AUTOREAP,
	};
	int pidfd = -1, res[2];
	pid_t pid;

	args.pidfd = ptr_to_u64(&pidfd);
	pid = sys_clone3(&args, sizeof(args));
	if (pid < 0 && errno == EINVAL)
		CLONE3_UNSUPPORTED(return, "CLONE_AUTOREAP");
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct __clone_args pargs = { .flags = CLONE_PARENT };
		int status;
		pid_t gc;

		gc = sys_clone3(&pargs, sizeof(pargs));
		if (gc == 0)
			_exit(0);
		res[0] = gc < 0 ? errno : 0;
		gc = fork();
		if (gc == 0)
			_exit(5);
		res[1] = gc > 0 && waitpid(gc, &status, 0) == gc &&
			 WIFEXITED(status) && WEXITSTATUS(status) == 5;
		write_nointr(self->sk[1], res, sizeof(res));
		_exit(0);
	}
	track(pid, false);
	ASSERT_EQ(read_timeout(self->sk[0], res, sizeof(res)), sizeof(res));
	EXPECT_EQ(res[0], EINVAL) {
		TH_LOG("CLONE_PARENT from an autoreap process: %s",
		       res[0] ? strerror(res[0]) : "succeeded");
		waitpid(-1, NULL, WNOHANG | __WALL);
	}
	EXPECT_EQ(res[1], 1) {
		TH_LOG("plain fork() from the autoreap process failed");
	}
	ASSERT_EQ(pidfd_wait_exit_info(pidfd, &info, TIMEOUT_MS), 0);
	EXPECT_TRUE(WIFEXITED(info.exit_code));
	close(pidfd);
}

static void unpriv_without_nnp(int wfd)
{
	struct __clone_args args = {
		.flags		= AUTOKILL_FLAGS & ~CLONE_NNP,
	};
	int pidfd = -1;
	pid_t pid;

	args.pidfd = ptr_to_u64(&pidfd);
	pid = sys_clone3(&args, sizeof(args));
	if (pid == 0)
		_exit(0);
	send_report(wfd, pid < 0 ? errno : 0, 0, 0, 0);
}

/* Unprivileged without CLONE_NNP: EPERM. */
TEST_F(autokill, unprivileged_without_nnp_eperm)
{
	struct report r;
	pid_t helper;
	int rfd;

	helper = spawn_unprivileged(unpriv_without_nnp, &rfd);
	ASSERT_GT(helper, 0);
	ASSERT_EQ(get_report(rfd, &r), 0);
	ASSERT_GE(r.err, 0) {
		TH_LOG("dropping privileges failed");
	}
	if (r.err == EINVAL)
		CLONE3_UNSUPPORTED(return, "CLONE_PIDFD_AUTOKILL");
	EXPECT_EQ(r.err, EPERM) {
		TH_LOG("unprivileged AUTOKILL without NNP: %s",
		       r.err ? strerror(r.err) : "succeeded");
	}
	EXPECT_EQ(reap_tracked(helper), 0);
	close(rfd);
}

/*
 * Create an autokill child that reports its no_new_privs value, then
 * close the pidfd and report: err, child nnp, parent nnp, killed on close.
 */
static void nnp_child_report(int wfd, __u64 flags)
{
	struct pidfd_info info;
	struct __clone_args args = { .flags = flags };
	int pidfd = -1, nnp = -1, q[2], ofd, dead;
	pid_t pid;

	if (pipe2(q, O_CLOEXEC))
		send_report(wfd, -errno, 0, 0, 0);
	args.pidfd = ptr_to_u64(&pidfd);
	pid = sys_clone3(&args, sizeof(args));
	if (pid < 0)
		send_report(wfd, errno, 0, 0, 0);
	if (pid == 0) {
		nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
		write_nointr(q[1], &nnp, sizeof(nnp));
		for (;;)
			pause();
	}
	close(q[1]);
	ofd = sys_pidfd_open(pid, 0);
	if (read_timeout(q[0], &nnp, sizeof(nnp)) != sizeof(nnp))
		nnp = -1;
	close(pidfd);
	dead = ofd >= 0 && !pidfd_wait_exit_info(ofd, &info, TIMEOUT_MS) &&
	       WIFSIGNALED(info.exit_code) &&
	       WTERMSIG(info.exit_code) == SIGKILL;
	send_report(wfd, 0, nnp, prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), dead);
}

static void unpriv_with_nnp(int wfd)
{
	nnp_child_report(wfd, AUTOKILL_FLAGS);
}

static void userns_without_nnp(int wfd)
{
	if (unshare(CLONE_NEWUSER))
		send_report(wfd, -errno, 0, 0, 0);
	nnp_child_report(wfd, AUTOKILL_FLAGS & ~CLONE_NNP);
}

/* Unprivileged with CLONE_NNP works; only the child gets no_new_privs. */
TEST_F(autokill, unprivileged_with_nnp)
{
	struct report r;
	pid_t helper;
	int rfd;

	helper = spawn_unprivileged(unpriv_with_nnp, &rfd);
	ASSERT_GT(helper, 0);
	ASSERT_EQ(get_report(rfd, &r), 0);
	ASSERT_GE(r.err, 0) {
		TH_LOG("dropping privileges failed: %s", strerror(-r.err));
	}
	if (r.err == EINVAL)
		CLONE3_UNSUPPORTED(return, "CLONE_PIDFD_AUTOKILL");
	ASSERT_EQ(r.err, 0) {
		TH_LOG("unprivileged AUTOKILL|NNP: %s", strerror(r.err));
	}
	EXPECT_EQ(r.val[0], 1) {
		TH_LOG("CLONE_NNP child lacks no_new_privs");
	}
	EXPECT_EQ(r.val[1], 0) {
		TH_LOG("parent got no_new_privs from CLONE_NNP");
	}
	EXPECT_EQ(r.val[2], 1) {
		TH_LOG("unprivileged autokill child not killed on close");
	}
	EXPECT_EQ(reap_tracked(helper), 0);
	close(rfd);
}

/* CAP_SYS_ADMIN in a user namespace the caller created is enough. */
TEST_F(autokill, userns_cap_sys_admin_without_nnp)
{
	struct report r;
	pid_t helper;
	int rfd;

	helper = spawn_unprivileged(userns_without_nnp, &rfd);
	ASSERT_GT(helper, 0);
	ASSERT_EQ(get_report(rfd, &r), 0);
	if (r.err == -EPERM || r.err == -EINVAL || r.err == -ENOSPC ||
	    r.err == -EUSERS)
		SKIP(return, "unprivileged unshare(CLONE_NEWUSER): %s",
		     strerror(-r.err));
	ASSERT_GE(r.err, 0) {
		TH_LOG("helper setup failed: %s", strerror(-r.err));
	}
	if (r.err == EINVAL)
		CLONE3_UNSUPPORTED(return, "CLONE_PIDFD_AUTOKILL");
	ASSERT_EQ(r.err, 0) {
		TH_LOG("AUTOKILL without NNP in own userns: %s",
		       strerror(r.err));
	}
	EXPECT_EQ(r.val[0], 0) {
		TH_LOG("child got no_new_privs without CLONE_NNP");
	}
	EXPECT_EQ(r.val[2], 1) {
		TH_LOG("userns autokill child not killed on close");
	}
	EXPECT_EQ(reap_tracked(helper), 0);
	close(rfd);
}

static void send_pid_creds(int sock, char tag)
{
	char cbuf[CMSG_SPACE(sizeof(struct ucred))] = {};
	struct iovec iov = { .iov_base = &tag, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov	= &iov,
		.msg_iovlen	= 1,
		.msg_control	= cbuf,
		.msg_controllen	= sizeof(cbuf),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
	struct ucred cred = {
		.pid = getpid(), .uid = getuid(), .gid = getgid(),
	};

	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_CREDENTIALS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(cred));
	memcpy(CMSG_DATA(cmsg), &cred, sizeof(cred));
	sendmsg(sock, &msg, 0);
}

static pid_t recv_pid_creds(int sock, char *tag)
{
	char cbuf[CMSG_SPACE(sizeof(struct ucred))] = {};
	struct iovec iov = { .iov_base = tag, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov	= &iov,
		.msg_iovlen	= 1,
		.msg_control	= cbuf,
		.msg_controllen	= sizeof(cbuf),
	};
	struct cmsghdr *cmsg;
	struct ucred cred;

	if (poll_fd(sock, TIMEOUT_MS) != 1 || recvmsg(sock, &msg, 0) != 1)
		return -1;
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_type != SCM_CREDENTIALS)
		return -1;
	memcpy(&cred, CMSG_DATA(cmsg), sizeof(cred));
	return cred.pid;
}

#define TREE_PROCS 4

/* CLONE_NEWPID: closing the pidfd of the namespace init kills the tree. */
TEST_F(autokill, newpid_tree_kill)
{
	int pidfd = -1, d[2], one = 1, obs[TREE_PROCS], i;
	pid_t pid, pids[TREE_PROCS];
	char tag;

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, d), 0);
	ASSERT_EQ(setsockopt(d[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)), 0);
	pid = create_autokill_child(&pidfd, CLONE_NEWPID);
	if (pid < 0 && errno == EINVAL)
		CLONE3_UNSUPPORTED(return, "CLONE_PIDFD_AUTOKILL");
	ASSERT_GE(pid, 0) {
		TH_LOG("clone3(CLONE_NEWPID|autokill): %m");
	}
	if (pid == 0) {
		/* init 'i' (tag 'I' if getpid() != 1), two children, a grandchild */
		send_pid_creds(d[1], getpid() == 1 ? 'i' : 'I');
		if (fork() == 0) {
			send_pid_creds(d[1], 'c');
			for (;;)
				pause();
		}
		if (fork() == 0) {
			if (fork() == 0)
				send_pid_creds(d[1], 'g');
			else
				send_pid_creds(d[1], 'c');
			for (;;)
				pause();
		}
		for (;;)
			pause();
	}
	track(pid, false);
	close(d[1]);
	for (i = 0; i < TREE_PROCS; i++) {
		pids[i] = recv_pid_creds(d[0], &tag);
		ASSERT_GT(pids[i], 0) {
			TH_LOG("tree member %d did not report", i);
		}
		if (tag == 'i' || tag == 'I') {
			ASSERT_EQ(tag, 'i') {
				TH_LOG("child is not PID 1 in its namespace");
			}
			ASSERT_EQ(pids[i], pid);
		}
		track(pids[i], false);
		obs[i] = sys_pidfd_open(pids[i], 0);
		ASSERT_GE(obs[i], 0);
		ASSERT_EQ(poll_fd(obs[i], 0), 0);
	}
	EXPECT_EQ(close(pidfd), 0);
	for (i = 0; i < TREE_PROCS; i++) {
		ASSERT_EQ(poll_fd(obs[i], TIMEOUT_MS), 1) {
			TH_LOG("tree member %d (pid %d) survived", i, pids[i]);
		}
		close(obs[i]);
	}
	EXPECT_EQ(waitpid(pid, NULL, WNOHANG | __WALL), -1);
	close(d[0]);
}

/*
 * Known pitfall, documented as today's behaviour: if the autokill pidfd
 * is in flight in a socket whose receiving end the child itself holds,
 * the child keeps its own pidfd alive and is never killed.
 */
TEST_F(autokill, reference_cycle_keeps_child_alive)
{
	int pidfd = -1, obsfd, u[2];
	pid_t pid;
	char c;

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, u), 0);
	pid = create_autokill_child(&pidfd, 0);
	if (pid < 0 && errno == EINVAL)
		CLONE3_UNSUPPORTED(return, "CLONE_PIDFD_AUTOKILL");
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		close(u[0]);
		write_nointr(self->sk[1], "R", 1);
		serve(self->sk[1]);
	}
	track(pid, false);
	obsfd = sys_pidfd_open(pid, 0);
	ASSERT_GE(obsfd, 0);
	ASSERT_EQ(read_timeout(self->sk[0], &c, 1), 1);
	ASSERT_EQ(send_fd(u[0], pidfd), 0);
	EXPECT_EQ(close(pidfd), 0);
	EXPECT_EQ(close(u[0]), 0);
	EXPECT_EQ(close(u[1]), 0);
	EXPECT_TRUE(still_running(obsfd, self->sk[0])) {
		TH_LOG("cycle broken: child died, yet it holds the socket");
	}
	TH_LOG("known pitfall: child holding its own in-flight pidfd lives");
	ASSERT_EQ(sys_pidfd_send_signal(obsfd, SIGKILL, NULL, 0), 0);
	ASSERT_TRUE(killed(obsfd, pid));
	close(obsfd);
}

enum { FI_POS, FI_FLAGS, FI_MNT_ID, FI_INO, FI_PID, FI_NSPID, NR_FI };

/* The numeric fdinfo fields of a pidfd; NSpid needs CONFIG_PID_NS. */
static const char * const fdinfo_keys[NR_FI] = {
	"pos", "flags", "mnt_id", "ino", "Pid", "NSpid",
};

#define FI_MISSING (-2)
#define FI_MALFORMED (-1)

/* A field's value; NSpid lists one pid per namespace level, take the first. */
static long long parse_fdinfo(int key, const char *val)
{
	long long v;
	char *end;

	errno = 0;
	/* fs/proc/fd.c prints flags in octal with a leading 0. */
	v = strtoll(val, &end, key == FI_FLAGS ? 8 : 10);
	if (errno || end == val || v < 0)
		return FI_MALFORMED;
	if (*end && !(key == FI_NSPID && (*end == '\t' || *end == ' ')))
		return FI_MALFORMED;
	return v;
}

/*
 * Print F_GETFL and the fdinfo of @fd, the fields that vary from boot to
 * boot blanked, as "autokill-fdinfo:" lines for a comparison across
 * kernels.  The numeric fields go to @val (FI_MISSING, FI_MALFORMED).
 * Returns F_GETFL, or -1 if it or the fdinfo file cannot be read.
 */
static int dump_fdinfo(const char *what, int fd, long long *val)
{
	static const char * const varying[] = {
		"pos", "ino", "mnt_id", "Pid", "NSpid",
	};
	char path[64], line[256];
	int flags = fcntl(fd, F_GETFL);
	FILE *f;

	for (int k = 0; k < NR_FI; k++)
		val[k] = FI_MISSING;
	ksft_print_msg("autokill-fdinfo: %s F_GETFL=0x%x\n", what, flags);
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':'), *val_str;
		bool strip = false;

		line[strcspn(line, "\n")] = '\0';
		if (!colon)
			continue;
		*colon = '\0';
		for (size_t i = 0; i < ARRAY_SIZE(varying); i++)
			if (!strcmp(line, varying[i]))
				strip = true;
		for (val_str = colon + 1; *val_str == ' ' || *val_str == '\t'; val_str++)
			;
		ksft_print_msg("autokill-fdinfo: %s %s:%s%s\n", what, line,
			       strip ? "" : " ", strip ? "" : val_str);
		for (int k = 0; k < NR_FI; k++)
			if (!strcmp(line, fdinfo_keys[k]))
				val[k] = parse_fdinfo(k, val_str);
	}
	fclose(f);
	return flags;
}

/* Dump the fdinfo of @fd, a pidfd of the live @pid, and check its fields. */
static void check_fdinfo(struct __test_metadata *_metadata, const char *what,
			 int fd, pid_t pid)
{
	long long val[NR_FI];
	int flags;

	flags = dump_fdinfo(what, fd, val);
	ASSERT_NE(flags, -1) {
		TH_LOG("%s: F_GETFL or /proc/self/fdinfo/%d unreadable: %m",
		       what, fd);
	}
	for (int k = 0; k < FI_NSPID; k++) {
		EXPECT_GE(val[k], 0) {
			TH_LOG("%s: fdinfo field %s %s", what, fdinfo_keys[k],
			       val[k] == FI_MISSING ? "missing" : "malformed");
		}
	}
	/* Every pidfd is close-on-exec; fdinfo adds O_CLOEXEC to f_flags. */
	EXPECT_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
	EXPECT_EQ(val[FI_FLAGS], (long long)(flags | O_CLOEXEC)) {
		TH_LOG("%s: fdinfo flags 0%llo, F_GETFL 0%o", what,
		       val[FI_FLAGS], flags);
	}
	EXPECT_EQ(val[FI_POS], 0);
	EXPECT_EQ(val[FI_PID], pid);
	if (val[FI_NSPID] != FI_MISSING) {
		EXPECT_EQ(val[FI_NSPID], pid) {
			TH_LOG("%s: NSpid does not start with Pid", what);
		}
	}
}

/*
 * Record F_GETFL and fdinfo of an autokill pidfd for comparison, and check
 * the fields that hold on any kernel.
 */
TEST_F(autokill, fdinfo_record)
{
	int pidfd = -1, obsfd = -1, flags;
	pid_t pid;

	pid = start_child(_metadata, self->sk, &pidfd, &obsfd);
	if (!pid)
		return;
	flags = fcntl(pidfd, F_GETFL);
	ASSERT_NE(flags, -1);
	ksft_print_msg("autokill-fdinfo: clone3 O_TRUNC(PIDFD_AUTOKILL)-visible=%d\n",
		       !!(flags & O_TRUNC));
	check_fdinfo(_metadata, "clone3", pidfd, pid);
	check_fdinfo(_metadata, "pidfd_open", obsfd, pid);
	EXPECT_EQ(close(pidfd), 0);
	ASSERT_TRUE(killed(obsfd, pid));
	close(obsfd);
}

TEST_HARNESS_MAIN
