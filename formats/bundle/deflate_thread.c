/*
 * formats/bundle/deflate_thread.c - gzip on a thread of its own
 * (formats/bundle/deflate_thread.h): the caller fills one buffer while the
 * thread deflates the other.  zlib's gzip wrapper with no header fields set
 * writes exactly the header formats/bundle.md fixes (no flags, no time,
 * XFL 0 at level 6, OS 3).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "formats/bundle/deflate_thread.h"
#include "sdx/age.h"
#include "sdx/error.h"

#define GZ_BUF (1u << 20)
#define GZ_OUT (256u * 1024)

struct sdx__gz {
	pthread_t t;
	int started, inited, locks;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unsigned char *fill, *work;   /* the caller's buffer, the thread's */
	size_t fill_len, work_len;
	int has_work, last, quit, finished;
	int failed;                   /* set by the thread; msg says why */
	char msg[300];
	const char *path;
	int fd;
	sdx_age_writer *age;          /* age-encrypted output (formats/age.md), or NULL */
	z_stream z;
	unsigned char out[GZ_OUT];
};

static int write_fd(struct sdx__gz *g, const unsigned char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(g->fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(g->msg, sizeof(g->msg), "%s", strerror(n < 0 ? errno : EIO));
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The age writer's sink: the file, on whichever thread writes. */
static int age_sink(void *ctx, const void *data, size_t len)
{
	return write_fd(ctx, data, len) < 0 ? SDX_EIO : 0;
}

/* Compressed bytes out: to the file, or through the age writer to it. */
static int write_out(struct sdx__gz *g, const unsigned char *p, size_t len)
{
	if (!g->age)
		return write_fd(g, p, len);
	if (sdx_age_writer_write(g->age, p, len) < 0) {
		if (!g->msg[0])
			snprintf(g->msg, sizeof(g->msg), "%s", sdx_error_last());
		return -1;
	}
	return 0;
}

/* Deflate the work buffer (the last one with Z_FINISH). */
static int squeeze(struct sdx__gz *g, int last)
{
	int rc;

	g->z.next_in = g->work;
	g->z.avail_in = (uInt)g->work_len;
	do {
		g->z.next_out = g->out;
		g->z.avail_out = GZ_OUT;
		rc = deflate(&g->z, last ? Z_FINISH : Z_NO_FLUSH);
		if (rc == Z_STREAM_ERROR) {
			snprintf(g->msg, sizeof(g->msg), "deflate failed");
			return -1;
		}
		if (write_out(g, g->out, GZ_OUT - g->z.avail_out) < 0)
			return -1;
	} while (g->z.avail_out == 0 || (last && rc != Z_STREAM_END));
	/* the gzip trailer is out: the age file's final chunk follows it */
	if (last && g->age && sdx_age_writer_finish(g->age) < 0) {
		if (!g->msg[0])
			snprintf(g->msg, sizeof(g->msg), "%s", sdx_error_last());
		return -1;
	}
	return 0;
}

static void *run(void *arg)
{
	struct sdx__gz *g = arg;

	pthread_mutex_lock(&g->mu);
	for (;;) {
		int last;

		while (!g->has_work && !g->quit)
			pthread_cond_wait(&g->cv, &g->mu);
		if (g->quit)
			break;  /* dropped: nothing more is written */
		last = g->last;
		pthread_mutex_unlock(&g->mu);
		int bad = squeeze(g, last) < 0;
		pthread_mutex_lock(&g->mu);
		g->has_work = 0;
		if (bad)
			g->failed = 1;
		if (last)
			g->finished = 1;
		pthread_cond_broadcast(&g->cv);
		if (last || bad)
			break;
	}
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

int sdx__gz_start(struct sdx__gz **out, int fd, const char *path,
		  const unsigned char (*age)[32], size_t n_age)
{
	struct sdx__gz *g = calloc(1, sizeof(*g));
	int err;

	*out = NULL;
	if (!g || !(g->fill = malloc(GZ_BUF)) || !(g->work = malloc(GZ_BUF))) {
		sdx__gz_free(g);
		return sdx_error_set(SDX_ENOMEM, "'%s': out of memory", path);
	}
	g->fd = fd;
	g->path = path;
	/* the age header goes out now, before any compressed byte */
	if (n_age && (err = sdx_age_writer_new(&g->age, age, n_age, age_sink, g)) < 0) {
		sdx__gz_free(g);
		return err;
	}
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->cv, NULL);
	g->locks = 1;
	/* 15 + 16: a gzip wrapper around a 32 KiB window */
	if (deflateInit2(&g->z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		sdx__gz_free(g);
		return sdx_error_set(SDX_ENOMEM, "'%s': cannot start deflate", path);
	}
	g->inited = 1;
	if (pthread_create(&g->t, NULL, run, g) != 0) {
		sdx__gz_free(g);
		return sdx_error_set(SDX_EIO, "'%s': cannot start a thread", path);
	}
	g->started = 1;
	*out = g;
	return 0;
}

/* Give the fill buffer to the thread once it has finished the last one. */
static int hand_over(struct sdx__gz *g, int last)
{
	unsigned char *t;
	int failed;

	pthread_mutex_lock(&g->mu);
	while (g->has_work && !g->failed)
		pthread_cond_wait(&g->cv, &g->mu);
	failed = g->failed;
	if (!failed) {
		t = g->work;
		g->work = g->fill;
		g->fill = t;
		g->work_len = g->fill_len;
		g->fill_len = 0;
		g->has_work = 1;
		g->last = last;
		pthread_cond_broadcast(&g->cv);
	}
	pthread_mutex_unlock(&g->mu);
	return failed ? sdx_error_set(SDX_EIO, "'%s': cannot write: %s", g->path, g->msg) : 0;
}

int sdx__gz_write(struct sdx__gz *g, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	int err;

	while (len > 0) {
		size_t k = GZ_BUF - g->fill_len < len ? GZ_BUF - g->fill_len : len;
		memcpy(g->fill + g->fill_len, p, k);
		g->fill_len += k;
		p += k;
		len -= k;
		if (g->fill_len == GZ_BUF && (err = hand_over(g, 0)) < 0)
			return err;
	}
	return 0;
}

int sdx__gz_finish(struct sdx__gz *g)
{
	int err, failed;

	if ((err = hand_over(g, 1)) < 0)
		return err;
	pthread_mutex_lock(&g->mu);
	while (!g->finished && !g->failed)
		pthread_cond_wait(&g->cv, &g->mu);
	failed = g->failed;
	pthread_mutex_unlock(&g->mu);
	return failed ? sdx_error_set(SDX_EIO, "'%s': cannot write: %s", g->path, g->msg) : 0;
}

void sdx__gz_free(struct sdx__gz *g)
{
	if (!g)
		return;
	if (g->started) {
		pthread_mutex_lock(&g->mu);
		g->quit = 1;
		pthread_cond_broadcast(&g->cv);
		pthread_mutex_unlock(&g->mu);
		pthread_join(g->t, NULL);
	}
	if (g->inited)
		deflateEnd(&g->z);
	if (g->locks) {
		pthread_mutex_destroy(&g->mu);
		pthread_cond_destroy(&g->cv);
	}
	sdx_age_writer_free(g->age);
	free(g->fill);
	free(g->work);
	free(g);
}
