/*
 * The guest side of memtop's real-kernel check (scripts/kernel-check/run).
 * Built statically by the harness and put into the qemu guest's initramfs.
 *
 *   workload load [--thp MiB] [--nothp MiB] [--shmem MiB] [--mlock MiB]
 *                 [--files N] [--file-kib K]
 *       Fills memory with the kinds of pages memory hot-remove meets, prints "ready" on stdout
 *       when all of it is touched, and then sleeps forever holding it:
 *         --thp    anonymous memory that may use transparent huge pages (MADV_HUGEPAGE)
 *         --nothp  anonymous memory in 4 KiB pages only (MADV_NOHUGEPAGE)
 *         --shmem  shared memory (a memfd: shmem pages, swap-backed, movable)
 *         --mlock  mlocked anonymous memory in 4 KiB pages (unevictable, still migratable)
 *         --files  N small files of K KiB under /tmp/files (tmpfs page cache, plus their
 *                  dentries and inodes in slab, which is unmovable and sits in the kernel zones)
 *
 *   workload attempt STATE_FILE VALUE TIMEOUT_S OUT_PREFIX
 *       Writes VALUE ("offline", "online", "online_movable") to a memory block's sysfs state,
 *       bounded by TIMEOUT_S: SIGALRM arrives then, and the kernel ends a signalled offline
 *       with EINTR ("signal backoff"). Saves /proc/vmstat just before and just after the write
 *       as OUT_PREFIX.vmstat-before / .vmstat-after and prints one line:
 *         rc=0|-1 errno=NAME|none elapsed_ms=T signalled=0|1
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MIB (1024UL * 1024UL)
#define HPAGE (2UL * MIB)

static void die(const char *what)
{
	fprintf(stderr, "workload: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Touches every 4 KiB page with a value that differs from page to page (no zero page, no KSM). */
static void touch(char *p, size_t bytes, unsigned seed)
{
	for (size_t off = 0; off < bytes; off += 4096)
		*(unsigned long *)(p + off) = (off >> 12) * 2654435761UL + seed;
}

/* An anonymous region aligned to 2 MiB, so that THP can back it when allowed. */
static char *anon(size_t bytes, int advice)
{
	size_t span = bytes + HPAGE;
	char *raw = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		die("mmap anon");
	char *p = (char *)(((unsigned long)raw + HPAGE - 1) & ~(HPAGE - 1));
	if (madvise(p, bytes, advice) != 0)
		die("madvise");
	return p;
}

static void load(int argc, char **argv)
{
	unsigned long thp = 0, nothp = 0, shmem = 0, locked = 0, files = 0, file_kib = 4;
	for (int i = 2; i + 1 < argc; i += 2) {
		unsigned long v = strtoul(argv[i + 1], NULL, 10);
		if (!strcmp(argv[i], "--thp")) thp = v;
		else if (!strcmp(argv[i], "--nothp")) nothp = v;
		else if (!strcmp(argv[i], "--shmem")) shmem = v;
		else if (!strcmp(argv[i], "--mlock")) locked = v;
		else if (!strcmp(argv[i], "--files")) files = v;
		else if (!strcmp(argv[i], "--file-kib")) file_kib = v;
		else {
			fprintf(stderr, "workload: unknown option %s\n", argv[i]);
			exit(2);
		}
	}
	if (thp) {
		char *p = anon(thp * MIB, MADV_HUGEPAGE);
		touch(p, thp * MIB, 1);
	}
	if (nothp) {
		char *p = anon(nothp * MIB, MADV_NOHUGEPAGE);
		touch(p, nothp * MIB, 2);
	}
	if (shmem) {
		int fd = memfd_create("memtop-shmem", 0);
		if (fd < 0 || ftruncate(fd, (off_t)(shmem * MIB)) != 0)
			die("memfd");
		char *p = mmap(NULL, shmem * MIB, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			die("mmap shmem");
		touch(p, shmem * MIB, 3);
	}
	if (locked) {
		char *p = anon(locked * MIB, MADV_NOHUGEPAGE);
		touch(p, locked * MIB, 4);
		if (mlock(p, locked * MIB) != 0)
			die("mlock");
	}
	if (files) {
		mkdir("/tmp/files", 0755);
		char *buf = malloc(file_kib * 1024 + 1);
		if (!buf)
			die("malloc");
		memset(buf, 'm', file_kib * 1024);
		for (unsigned long i = 0; i < files; i++) {
			char name[64];
			snprintf(name, sizeof name, "/tmp/files/f%06lu", i);
			int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (fd < 0)
				die("open file");
			if (write(fd, buf, file_kib * 1024) < 0)
				die("write file");
			close(fd);
		}
		free(buf);
	}
	printf("ready thp=%lu nothp=%lu shmem=%lu mlock=%lu files=%lu file_kib=%lu\n",
	       thp, nothp, shmem, locked, files, file_kib);
	fflush(stdout);
	for (;;)
		pause();
}

static void copy_file(const char *from, const char *to)
{
	char buf[16384];
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (in < 0 || out < 0)
		die(from);
	ssize_t n;
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n)
			die(to);
	close(in);
	close(out);
}

static volatile sig_atomic_t alarmed;
static void on_alarm(int sig) { (void)sig; alarmed = 1; }

static const char *errno_name(int e)
{
	switch (e) {
	case 0: return "none";
	case EBUSY: return "EBUSY";
	case EINVAL: return "EINVAL";
	case EINTR: return "EINTR";
	case ENOMEM: return "ENOMEM";
	case EPERM: return "EPERM";
	case EAGAIN: return "EAGAIN";
	case EIO: return "EIO";
	case ENODEV: return "ENODEV";
	case ENXIO: return "ENXIO";
	default: return "EOTHER";
	}
}

static long long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void attempt(int argc, char **argv)
{
	if (argc != 6) {
		fprintf(stderr, "usage: workload attempt STATE_FILE VALUE TIMEOUT_S OUT_PREFIX\n");
		exit(2);
	}
	const char *state = argv[2], *value = argv[3], *prefix = argv[5];
	unsigned timeout = (unsigned)strtoul(argv[4], NULL, 10);
	char path[512];

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm; /* no SA_RESTART: the write must come back with the kernel's EINTR */
	sigaction(SIGALRM, &sa, NULL);

	int fd = open(state, O_WRONLY);
	if (fd < 0)
		die(state);
	snprintf(path, sizeof path, "%s.vmstat-before", prefix);
	copy_file("/proc/vmstat", path);

	long long t0 = now_ms();
	alarm(timeout);
	ssize_t rc = write(fd, value, strlen(value));
	int err = rc < 0 ? errno : 0;
	alarm(0);
	long long t1 = now_ms();

	snprintf(path, sizeof path, "%s.vmstat-after", prefix);
	copy_file("/proc/vmstat", path);
	close(fd);
	printf("rc=%d errno=%s elapsed_ms=%lld signalled=%d\n", rc < 0 ? -1 : 0, errno_name(err),
	       t1 - t0, alarmed ? 1 : 0);
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "load"))
		load(argc, argv);
	else if (argc >= 2 && !strcmp(argv[1], "attempt"))
		attempt(argc, argv);
	else {
		fprintf(stderr, "usage: workload load [...] | workload attempt STATE VALUE TIMEOUT OUT\n");
		return 2;
	}
	return 0;
}
