/*
 * tests/fuzz/replay.c - a main for the fuzz targets without libFuzzer, so that
 * `make check` replays their regression inputs and seeds with the normal
 * compiler, in the plain and in the sanitized build (tests/fuzz/fuzz.mk).
 *
 *   replay FILE|DIR...
 *
 * Calls LLVMFuzzerInitialize() if the target defines one, then
 * LLVMFuzzerTestOneInput() once per FILE and once per regular file in each
 * DIR (sorted by name, not recursive), each input in a buffer of exactly its
 * size as libFuzzer hands it over, so that ASan sees a read past the end.
 * Before each input its name goes to stderr, so that a crash or a sanitizer
 * report names the input; an input that runs longer than REPLAY_SECONDS
 * ends the process as a timeout.  Prints "N inputs" and exits 0 when all ran;
 * exit 2 when an input cannot be read.
 */
#include <dirent.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

#define REPLAY_SECONDS 20
#define REPLAY_MAX_INPUT (16u << 20)

int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static const char *current;

static void on_alarm(int sig)
{
	static const char msg[] = "replay: timeout: ";
	ssize_t n;

	(void)sig;
	n = write(2, msg, sizeof(msg) - 1);
	n = write(2, current, strlen(current));
	n = write(2, "\n", 1);
	(void)n;
	_exit(3);
}

/* Reads the whole file into an exact-size malloc'd buffer; -1 if it cannot. */
static int slurp(const char *path, uint8_t **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0;
	struct stat st;
	int rc = -1;

	if (!f || fstat(fileno(f), &st) != 0 || st.st_size < 0 ||
	    (uint64_t)st.st_size > REPLAY_MAX_INPUT)
		goto done;
	cap = (size_t)st.st_size;
	if (!(buf = malloc(cap ? cap : 1)))
		goto done;
	n = fread(buf, 1, cap, f);
	if (n != cap || ferror(f) || fgetc(f) != EOF)
		goto done;
	*out = buf;
	*len = n;
	buf = NULL;
	rc = 0;
done:
	if (f)
		fclose(f);
	free(buf);
	return rc;
}

static int run_one(const char *path)
{
	uint8_t *data = NULL;
	size_t len = 0;

	if (slurp(path, &data, &len) < 0) {
		fprintf(stderr, "replay: cannot read '%s'\n", path);
		return -1;
	}
	current = path;
	fprintf(stderr, "replay: %s (%zu bytes)\n", current, len);
	alarm(REPLAY_SECONDS);
	LLVMFuzzerTestOneInput(data, len);
	alarm(0);
	free(data);
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Every regular file directly in dir, by name; returns how many ran, -1 on error. */
static long run_dir(const char *dir)
{
	struct dirent **names = NULL;
	char path[4096];
	long ran = 0;
	int n, i;
	struct stat st;

	if ((n = scandir(dir, &names, NULL, by_name)) < 0) {
		fprintf(stderr, "replay: cannot read directory '%s'\n", dir);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (ran >= 0 && names[i]->d_name[0] != '.' &&
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name) <
			    sizeof(path) &&
		    stat(path, &st) == 0 && S_ISREG(st.st_mode))
			ran = run_one(path) < 0 ? -1 : ran + 1;
		free(names[i]);
	}
	free(names);
	return ran;
}

int main(int argc, char **argv)
{
	struct stat st;
	long total = 0, n;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	signal(SIGALRM, on_alarm);
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			n = run_dir(argv[i]);
		else
			n = run_one(argv[i]) < 0 ? -1 : 1;
		if (n < 0)
			return 2;
		total += n;
	}
	printf("%ld inputs\n", total);
	return 0;
}
