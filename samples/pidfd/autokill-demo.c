// SPDX-License-Identifier: GPL-2.0
/*
 * autokill-demo - why CLONE_PIDFD_AUTOKILL, and not prctl(PR_SET_PDEATHSIG)
 *
 * Usage: autokill-demo	(as root, with autokill-run in the same directory)
 *
 * A supervisor often needs its workers to die with it.  The old tool is
 * prctl(PR_SET_PDEATHSIG, SIGKILL) in the worker; the new one is clone3()
 * with CLONE_PIDFD | CLONE_AUTOREAP | CLONE_PIDFD_AUTOKILL | CLONE_NNP,
 * which kills the worker when the pidfd clone3() returned is closed.  This
 * program starts a worker of each kind under one supervisor, three times:
 *
 *  1. The supervisor is SIGKILLed.  It forked the PDEATHSIG worker, then
 *     exec'ed autokill-run, which started the autokill worker.  Both die.
 *  2. The same, with the supervisor running as uid 1000 and the workers
 *     exec'ing a setuid-root copy of this program.  The kernel clears the
 *     parent-death signal on the change of credentials: the PDEATHSIG worker
 *     outlives its supervisor, as root.  The autokill worker has
 *     no_new_privs, so the setuid bit is ignored, and it is killed.
 *  3. A thread of the supervisor spawns the workers and exits.  The
 *     parent-death signal follows the parent *thread*: the PDEATHSIG worker
 *     is killed although the supervisor lives.  The autokill pidfd belongs
 *     to the process: that worker dies only when the supervisor does.
 *
 * The output is TAP: the autokill results are the test, the PDEATHSIG ones
 * document the kernel's behaviour and fail if it changes.  Times run from
 * the kill to poll() on a pidfd reporting the exit.  Every wait is bounded;
 * the program is a child subreaper, and kills and reaps all it started.
 * Exit status: 0 if all passed, 1 if not, 4 (kselftest skip) if not run as
 * root or if the kernel lacks CLONE_PIDFD_AUTOKILL (Linux 7.1).  With
 * PIDFD_FEATURE_REQUIRED=1 in the environment (the test guest's), clone3()
 * refusing the flags is a failure, not a skip.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/sched.h>
#include <linux/types.h>

/*
 * PIDFD_GET_INFO in its first layout, which every kernel with it accepts;
 * <linux/pidfd.h> would pull in <linux/fcntl.h>, at odds with <fcntl.h>.
 */
struct pidfd_info_ver0 {
	__u64 mask, cgroupid;
	__u32 pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
	__s32 exit_code;
};

#define PIDFD_INFO_EXIT_VER0 0x8UL		/* PIDFD_INFO_EXIT */
#define PIDFD_GET_INFO_VER0 _IOWR(0xFF, 11, struct pidfd_info_ver0)

#define AUTOKILL_FLAGS (CLONE_PIDFD | CLONE_AUTOREAP | CLONE_PIDFD_AUTOKILL | CLONE_NNP)
#define USER_ID 1000		/* the supervisor of scenario 2 */
#define READY_MS 10000		/* for the workers to report */
#define KILL_MS 3000		/* for a worker to die after its supervisor */
#define THREAD_MS 1000		/* to watch the workers after the thread exited */

enum kind { PLAIN, SETUID, THREAD };

struct proc {
	pid_t pid;
	int pidfd;		/* -1: never reported */
	int dead;		/* exit seen by poll() in time */
	long us;		/* from the kill to the exit */
	int status;		/* wait status, -1 until known */
};

/* What a worker writes to the demo: one message, one atomic write. */
struct ready {
	char autokill;
	int pid, euid, pdeath;
};

#define PROC { .pidfd = -1, .status = -1 }
#define SCENARIO(t) { .title = t, .sup = PROC, .pd = PROC, .ak = PROC }

static struct scenario {
	const char *title;
	struct proc sup, pd, ak;	/* supervisor, PDEATHSIG and autokill worker */
	int pd_euid, pd_pdeath, ak_euid;
	int sup_alive, pd_first, ak_first;	/* THREAD: after the thread exited */
	char pd_cell[64], ak_cell[96];
} sc[3] = {
	SCENARIO("supervisor SIGKILLed"),
	SCENARIO("setuid exec, then SIGKILL"),
	SCENARIO("spawning thread exits"),
};

static char self[PATH_MAX], autokill_run[PATH_MAX + 16];
/* Scenario 2's setuid-root copy of this program, group USER_ID only, in a private directory. */
#define SUID_TEMPLATE "/tmp/autokill-demo.XXXXXX"
static char suid_dir[sizeof(SUID_TEMPLATE)], suid_copy[sizeof(SUID_TEMPLATE) + 8];
static int suid_dir_made;
static int autokill_pidfd = -1;	/* scenario 3: the process keeps it, not the thread */
static long res_ns, res_us;	/* CLOCK_MONOTONIC resolution */

static pid_t sys_clone3(struct clone_args *args)
{
	return syscall(__NR_clone3, args, sizeof(*args));
}

static int sys_pidfd_open(pid_t pid)
{
	return syscall(__NR_pidfd_open, pid, 0);
}

static int sys_pidfd_send_signal(int pidfd, int sig)
{
	return syscall(__NR_pidfd_send_signal, pidfd, sig, NULL, 0);
}

static long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

/*
 * poll() @pidfd until @deadline (now_us()); its revents, 0 on timeout.
 * POLLIN means the process exited, POLLHUP that it is reaped as well.  With
 * @events 0, do_pollfd() masks out POLLIN and poll() sleeps until POLLHUP.
 */
static int poll_until(int pidfd, short events, long deadline)
{
	struct pollfd pfd = { .fd = pidfd, .events = events };
	long left;
	int ret;

	do {
		left = deadline - now_us();
		ret = poll(&pfd, 1, left > 0 ? (int)((left + 999) / 1000) : 0);
	} while (ret < 0 && errno == EINTR);
	return ret > 0 ? pfd.revents : 0;
}

/* Async-signal-safe: also called from the SIGALRM handler. */
static void remove_suid_copy(void)
{
	if (suid_copy[0])
		unlink(suid_copy);
	if (suid_dir_made)
		rmdir(suid_dir);
}

static void on_alarm(int sig)
{
	static const char msg[] = "Bail out! autokill-demo: timed out\n";

	for (int i = 0; i < 3; i++) {
		sys_pidfd_send_signal(sc[i].sup.pidfd, SIGKILL);
		sys_pidfd_send_signal(sc[i].pd.pidfd, SIGKILL);
		sys_pidfd_send_signal(sc[i].ak.pidfd, SIGKILL);
	}
	remove_suid_copy();
	(void)sig;
	if (write(STDOUT_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(1);
}

/* Role "worker FD TAG": report on FD, then wait to be killed. */
static int worker_main(int fd, const char *tag)
{
	struct ready r;

	memset(&r, 0, sizeof(r));	/* no uninitialised padding in the write */
	r.autokill = !strcmp(tag, "autokill");
	r.pid = getpid();
	r.euid = geteuid();
	r.pdeath = -1;

	alarm(60);	/* should the demo itself die */
	prctl(PR_GET_PDEATHSIG, &r.pdeath);
	if (write(fd, &r, sizeof(r)) != sizeof(r))
		return 1;
	close(fd);
	for (;;)
		pause();
}

/* Run a worker, as @path.  Like the three functions below, does not return. */
static void exec_worker(const char *path, int fd, const char *tag)
{
	char fdarg[16];

	snprintf(fdarg, sizeof(fdarg), "%d", fd);
	execl(path, path, "worker", fdarg, tag, (char *)NULL);
	_exit(126);
}

/* The old way: arm PDEATHSIG, then make sure the parent did not die already. */
static void pdeath_worker(const char *path, int fd, pid_t parent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(1);
	exec_worker(path, fd, "pdeath");
}

/* Scenarios 1 and 2: fork the PDEATHSIG worker, then become autokill-run. */
static void exec_supervisor(const char *worker, int fd, int drop)
{
	pid_t parent = getpid();
	char fdarg[16];
	pid_t pid;

	if (drop && (setgroups(0, NULL) || setgid(USER_ID) || setuid(USER_ID)))
		_exit(1);
	pid = fork();
	if (pid == 0)
		pdeath_worker(worker, fd, parent);
	if (pid < 0)
		perror("autokill-demo: fork");
	snprintf(fdarg, sizeof(fdarg), "%d", fd);
	execl(autokill_run, "autokill-run", "-q", "--", worker, "worker", fdarg, "autokill",
	      (char *)NULL);
	_exit(126);
}

/* Scenario 3: a thread spawns both workers, then exits when the demo closes @go. */
struct spawner {
	int fd, go;
	pid_t parent;
};

static void *spawner(void *arg)
{
	struct spawner *s = arg;
	struct clone_args args = {
		.flags = AUTOKILL_FLAGS,
		.pidfd = (__u64)(uintptr_t)&autokill_pidfd,
		.exit_signal = 0,	/* CLONE_AUTOREAP */
	};
	struct pollfd pfd = { .fd = s->go, .events = POLLIN };
	pid_t pid;

	pid = fork();
	if (pid == 0)
		pdeath_worker(self, s->fd, s->parent);
	if (pid < 0)
		perror("autokill-demo: fork");
	pid = sys_clone3(&args);
	if (pid == 0)
		exec_worker(self, s->fd, "autokill");
	if (pid < 0)
		perror("autokill-demo: clone3");
	poll(&pfd, 1, 2 * READY_MS);
	return NULL;
}

static void thread_supervisor(int fd, int go)
{
	struct spawner s = { .fd = fd, .go = go, .parent = getpid() };
	pthread_t thread;

	signal(SIGALRM, SIG_DFL);
	alarm(60);
	if (pthread_create(&thread, NULL, spawner, &s) || pthread_join(thread, NULL))
		_exit(1);
	for (;;)
		pause();
}

static int start_proc(struct proc *p, pid_t pid)
{
	p->pid = pid;
	p->pidfd = sys_pidfd_open(pid);
	if (p->pidfd < 0)
		printf("# pidfd_open(%d): %s\n", pid, strerror(errno));
	return p->pidfd;
}

/* Wait for both workers to report, unless the supervisor dies first. */
static int read_ready(struct scenario *s, int fd)
{
	long deadline = now_us() + READY_MS * 1000L;
	struct ready r;

	while (s->pd.pidfd < 0 || s->ak.pidfd < 0) {
		struct pollfd pfd[2] = { { fd, POLLIN, 0 }, { s->sup.pidfd, POLLIN, 0 } };
		long left = (deadline - now_us()) / 1000;

		if (left <= 0 || poll(pfd, 2, left) <= 0 || !pfd[0].revents ||
		    read(fd, &r, sizeof(r)) != sizeof(r)) {
			printf("# %s: the workers did not report%s\n", s->title,
			       pfd[1].revents ? " (the supervisor died)" : "");
			return -1;
		}
		if (start_proc(r.autokill ? &s->ak : &s->pd, r.pid) < 0)
			return -1;
		if (r.autokill) {
			s->ak_euid = r.euid;
		} else {
			s->pd_euid = r.euid;
			s->pd_pdeath = r.pdeath;
		}
	}
	return 0;
}

/* Poll the pidfds of those of @p still alive until they all exit or @timeout_ms passes. */
static void wait_exits(struct proc **p, int n, long t0, int timeout_ms)
{
	long deadline = t0 + timeout_ms * 1000L, left, t;
	struct pollfd pfd[2];
	int idx[2], m;

	while ((left = deadline - now_us()) > 0) {
		for (int i = m = 0; i < n; i++) {
			if (p[i]->pidfd >= 0 && !p[i]->dead) {
				pfd[m] = (struct pollfd){ .fd = p[i]->pidfd, .events = POLLIN };
				idx[m++] = i;
			}
		}
		if (!m || (poll(pfd, m, (left + 999) / 1000) < 0 && errno != EINTR))
			return;
		t = now_us();
		for (int j = 0; j < m; j++) {
			if (pfd[j].revents) {
				p[idx[j]]->dead = 1;
				p[idx[j]]->us = t - t0;
			}
		}
	}
}

/*
 * Kill what is left of a scenario and learn how each process ended.  The
 * supervisor goes first: once it has exited, the PDEATHSIG worker is a child
 * of ours (we are the subreaper).  A zombie child is found by one waitpid()
 * once its pidfd polls readable.  The autokill worker is reaped by the
 * kernel: its status is recorded before its pidfd hangs up.
 */
static void finish(struct scenario *s)
{
	struct proc *p[3] = { &s->sup, &s->pd, &s->ak };
	long deadline = now_us() + KILL_MS * 1000L;

	for (int i = 0; i < 3; i++)
		sys_pidfd_send_signal(p[i]->pidfd, SIGKILL);
	for (int i = 0; i < 3; i++) {
		struct pidfd_info_ver0 info = { .mask = PIDFD_INFO_EXIT_VER0 };
		int st;

		if (p[i]->pidfd < 0 || !(poll_until(p[i]->pidfd, POLLIN, deadline) & POLLIN))
			continue;
		if (waitpid(p[i]->pid, &st, WNOHANG) == p[i]->pid)
			p[i]->status = st;
		else if ((poll_until(p[i]->pidfd, 0, deadline) & POLLHUP) &&
			 !ioctl(p[i]->pidfd, PIDFD_GET_INFO_VER0, &info) &&
			 (info.mask & PIDFD_INFO_EXIT_VER0))
			p[i]->status = info.exit_code;
	}
}

static void run(struct scenario *s, enum kind kind)
{
	struct proc *w[2] = { &s->pd, &s->ak };
	int fds[2], go[2];
	long t0;
	pid_t pid;

	/* Only the write end is inherited, across exec, by every worker. */
	if (pipe(fds) || fcntl(fds[0], F_SETFD, FD_CLOEXEC) || pipe2(go, O_CLOEXEC)) {
		perror("autokill-demo: pipe");
		exit(1);
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		close(go[1]);
		if (kind == THREAD)
			thread_supervisor(fds[1], go[0]);
		exec_supervisor(kind == SETUID ? suid_copy : self, fds[1], kind == SETUID);
	}
	close(fds[1]);
	close(go[0]);
	if (pid < 0)
		perror("autokill-demo: fork");
	if (pid > 0 && start_proc(&s->sup, pid) >= 0 && !read_ready(s, fds[0])) {
		/* Both workers run by now: the setuid copy is not needed any more. */
		remove_suid_copy();
		t0 = now_us();
		if (kind == THREAD) {
			struct pollfd pfd = { .fd = s->sup.pidfd, .events = POLLIN };

			close(go[1]);	/* the spawning thread returns */
			go[1] = -1;
			/*
			 * The PDEATHSIG worker is signalled as the thread exits:
			 * KILL_MS only bounds a failure.  Then give a kill of the
			 * autokill worker, which must not come, THREAD_MS to show.
			 */
			wait_exits(&w[0], 1, t0, KILL_MS);
			wait_exits(&w[1], 1, now_us(), THREAD_MS);
			s->sup_alive = poll(&pfd, 1, 0) == 0;
			s->pd_first = s->pd.dead;
			s->ak_first = s->ak.dead;
			t0 = now_us();
		}
		sys_pidfd_send_signal(s->sup.pidfd, SIGKILL);
		wait_exits(w, 2, t0, KILL_MS);
	}
	if (go[1] >= 0)
		close(go[1]);
	close(fds[0]);
	finish(s);
}

static int killed(const struct proc *p)
{
	return p->dead && p->status >= 0 && WIFSIGNALED(p->status) &&
	       WTERMSIG(p->status) == SIGKILL;
}

static int fate(char *buf, size_t size, const struct proc *p)
{
	if (p->pidfd < 0)
		return snprintf(buf, size, "did not start");
	/* A coarse clock (jiffies, under emulation): N ticks is less than N + 1. */
	if (killed(p) && res_us > 1)
		return snprintf(buf, size, "killed after < %ld us",
				((p->us + res_us / 2) / res_us + 1) * res_us);
	if (killed(p))
		return snprintf(buf, size, "killed after %5ld us", p->us);
	if (p->dead)
		return snprintf(buf, size, "died (wait status %#x)", p->status);
	return snprintf(buf, size, "still alive after %d s", KILL_MS / 1000);
}

static void describe(struct scenario *s, enum kind kind)
{
	char tmp[48];
	int n;

	fate(s->pd_cell, sizeof(s->pd_cell), &s->pd);
	n = fate(s->ak_cell, sizeof(s->ak_cell), &s->ak);
	if (kind == SETUID) {
		if (s->pd.pidfd >= 0 && !s->pd.dead)
			snprintf(s->pd_cell, sizeof(s->pd_cell), "survived (euid %d)", s->pd_euid);
		if (s->ak.pidfd >= 0)
			snprintf(s->ak_cell + n, sizeof(s->ak_cell) - n, " (euid %d)", s->ak_euid);
	} else if (kind == THREAD) {
		if (s->pd_first && killed(&s->pd))
			snprintf(s->pd_cell, sizeof(s->pd_cell), "killed (supervisor %s)",
				 s->sup_alive ? "alive" : "dead");
		else if (s->pd.pidfd >= 0 && !s->pd_first)
			snprintf(s->pd_cell, sizeof(s->pd_cell), "alive with the supervisor");
		if (s->ak_first)
			snprintf(s->ak_cell, sizeof(s->ak_cell), "died with the thread");
		else if (killed(&s->ak) && fate(tmp, sizeof(tmp), &s->ak))
			snprintf(s->ak_cell, sizeof(s->ak_cell),
				 "alive until supervisor died, then %s", tmp);
	}
}

/* The setuid-root copy of this program that the workers of scenario 2 run. */
static const char *make_suid_copy(void)
{
	struct statvfs sv;
	char buf[65536];
	int in, out, ok = 0;
	ssize_t n;

	if (statvfs("/tmp", &sv) == 0 && (sv.f_flag & ST_NOSUID))
		return "/tmp is mounted nosuid";
	memcpy(suid_dir, SUID_TEMPLATE, sizeof(SUID_TEMPLATE));
	if (!mkdtemp(suid_dir))
		return "cannot create a directory in /tmp";
	suid_dir_made = 1;
	if (chmod(suid_dir, 0711)) {
		remove_suid_copy();
		return "cannot make the directory in /tmp searchable";
	}
	snprintf(suid_copy, sizeof(suid_copy), "%s/worker", suid_dir);
	in = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	out = open(suid_copy, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
	if (in >= 0 && out >= 0) {
		while ((n = read(in, buf, sizeof(buf))) > 0 && write(out, buf, n) == n)
			;
		ok = !n && !fchown(out, 0, USER_ID) && !fchmod(out, 04750);
	}
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out))
		ok = 0;
	if (!ok)
		remove_suid_copy();
	return ok ? NULL : "cannot create the setuid copy";
}

/*
 * Does the kernel have the flags?  A real clone3(): the child exits at once
 * and is reaped by the kernel; wait for its pidfd to hang up, for sweep().
 */
static int probe(void)
{
	struct clone_args args = {
		.flags = AUTOKILL_FLAGS,
		.pidfd = (__u64)(uintptr_t)&autokill_pidfd,
	};
	pid_t pid = sys_clone3(&args);

	if (pid == 0)
		_exit(0);
	if (pid < 0)
		return errno;
	poll_until(autokill_pidfd, 0, now_us() + KILL_MS * 1000L);
	close(autokill_pidfd);
	return 0;
}

/*
 * Reap our zombies, then kill and count any child left, autoreaped ones too.
 * All the demo started was reaped, or its pidfd hung up, in finish(): a child
 * still here that has not exited is left behind.
 */
static int sweep(void)
{
	char path[64];
	int left = 0, pid, pidfd, st;
	FILE *f;

	while (waitpid(-1, &st, WNOHANG) > 0)
		;
	snprintf(path, sizeof(path), "/proc/self/task/%d/children", getpid());
	f = fopen(path, "re");
	if (!f)
		printf("# %s: %s: checked wait() only\n", path, strerror(errno));
	while (f && fscanf(f, "%d", &pid) == 1) {
		long deadline = now_us() + KILL_MS * 1000L;

		pidfd = sys_pidfd_open(pid);
		if (pidfd < 0)
			continue;	/* reaped meanwhile */
		if (!(poll_until(pidfd, POLLIN, 0) & POLLIN)) {
			printf("# left behind: pid %d\n", pid);
			left++;
			sys_pidfd_send_signal(pidfd, SIGKILL);
		}
		/* Reap it if it is a zombie of ours, else wait for the hangup. */
		if ((poll_until(pidfd, POLLIN, deadline) & POLLIN) &&
		    waitpid(pid, &st, WNOHANG) != pid)
			poll_until(pidfd, 0, deadline);
		close(pidfd);
	}
	if (f)
		fclose(f);
	while (waitpid(-1, &st, WNOHANG) > 0)
		;
	return left + (waitpid(-1, &st, WNOHANG) != -1);
}

static int tests, failed;

/* PIDFD_FEATURE_REQUIRED=1: the kernel under test has the flags. */
static int feature_required(void)
{
	const char *env = getenv("PIDFD_FEATURE_REQUIRED");

	return env && !strcmp(env, "1");
}

static void report(int ok, const char *what)
{
	printf("%sok %d - %s\n", ok ? "" : "not ", ++tests, what);
	failed += !ok;
}

int main(int argc, char **argv)
{
	struct scenario *s1 = &sc[0], *s2 = &sc[1], *s3 = &sc[2];
	long start = now_us();
	const char *no_suid;
	struct timespec res;
	int err, left;

	if (argc == 4 && !strcmp(argv[1], "worker"))
		return worker_main(atoi(argv[2]), argv[3]);

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGALRM, on_alarm);
	alarm(60);
	clock_getres(CLOCK_MONOTONIC, &res);
	res_ns = res.tv_sec * 1000000000L + res.tv_nsec;
	res_us = res_ns / 1000;
	printf("TAP version 13\n");
	if (getuid() != 0) {
		printf("1..0 # SKIP autokill-demo needs root (uid 0)\n");
		return 4;
	}
	err = probe();
	if (err && feature_required()) {
		printf("1..1\nnot ok 1 - clone3() with CLONE_PIDFD_AUTOKILL: %s\n",
		       strerror(err));
		printf("# PIDFD_FEATURE_REQUIRED=1 says this kernel has the flags\n");
		return 1;
	}
	if (err) {
		printf("1..0 # SKIP %s (clone3: %s)\n", err == EINVAL || err == E2BIG ?
		       "kernel without CLONE_PIDFD_AUTOKILL" : "clone3() unusable", strerror(err));
		return 4;
	}
	if (readlink("/proc/self/exe", self, sizeof(self) - 1) < 0 ||
	    prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		printf("Bail out! %s\n", strerror(errno));
		return 1;
	}
	/* /proc/self/exe is an absolute path: it has a '/'. */
	snprintf(autokill_run, sizeof(autokill_run), "%.*s/autokill-run",
		 (int)(strrchr(self, '/') - self), self);
	if (access(autokill_run, X_OK)) {
		printf("Bail out! %s: %s\n", autokill_run, strerror(errno));
		return 1;
	}
	printf("1..8\n");

	run(s1, PLAIN);
	describe(s1, PLAIN);
	no_suid = make_suid_copy();
	if (!no_suid) {
		run(s2, SETUID);
		describe(s2, SETUID);
	} else {
		snprintf(s2->pd_cell, sizeof(s2->pd_cell), "skipped");
	}
	remove_suid_copy();
	run(s3, THREAD);
	describe(s3, THREAD);
	left = sweep();

	printf("# %-30s  %-28s  %s\n", "scenario", "PR_SET_PDEATHSIG", "CLONE_PIDFD_AUTOKILL");
	for (int i = 0; i < 3; i++)
		printf("# %-30s  %-28s  %s\n", sc[i].title, sc[i].pd_cell,
		       i == 1 && no_suid ? no_suid : sc[i].ak_cell);
	printf("# (times: from the kill to POLLIN on a pidfd; CLOCK_MONOTONIC, resolution %ld ns;\n"
	       "#  under emulation, e.g. QEMU TCG, not comparable to hardware)\n", res_ns);
	printf("# the demo ran for %ld ms\n", (now_us() - start) / 1000);

	report(killed(&s1->ak), "supervisor SIGKILLed: autokill worker killed");
	report(killed(&s1->pd), "supervisor SIGKILLed: pdeathsig worker killed");
	if (no_suid) {
		printf("ok 3 - setuid exec: autokill worker # SKIP %s\n", no_suid);
		printf("ok 4 - setuid exec: pdeathsig worker # SKIP %s\n", no_suid);
		tests += 2;
	} else {
		printf("# setuid exec: euid %d and pdeath signal %d in the pdeathsig worker\n",
		       s2->pd_euid, s2->pd_pdeath);
		report(killed(&s2->ak) && s2->ak_euid == USER_ID,
		       "setuid exec: autokill worker killed, setuid bit ignored (euid 1000)");
		report(s2->pd.pidfd >= 0 && !s2->pd.dead && !s2->pd_euid && !s2->pd_pdeath,
		       "setuid exec: pdeathsig reset by the kernel (worker survived as root)");
	}
	report(!s3->ak_first && s3->ak.pidfd >= 0 && s3->sup_alive,
	       "spawning thread exits: autokill worker lives on");
	report(!s3->ak_first && killed(&s3->ak),
	       "spawning thread exits: autokill worker killed when the supervisor died");
	report(s3->pd_first && killed(&s3->pd) && s3->sup_alive,
	       "spawning thread exits: pdeathsig worker killed although the supervisor lives");
	report(!left, "no process left behind");
	for (int i = 0; i < 3; i++) {
		struct proc *p[3] = { &sc[i].sup, &sc[i].pd, &sc[i].ak };

		for (int j = 0; j < 3; j++)
			if (p[j]->pidfd >= 0)
				close(p[j]->pidfd);
	}
	printf("# %d of %d tests failed\n", failed, tests);
	return failed ? 1 : 0;
}
