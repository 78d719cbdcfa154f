/* incr_cache.c: reading the build cache and the layout of its lines (see
 * incr_cache.h); incr.c writes it. */
#include "generator/incr_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/grow.h"
#include "common/error.h"
#include "common/fsutil.h"
#include "generator/output.h"

#define MAX_INDEX (256u * 1024 * 1024)


static int cmp_pkey(const void *a, const void *b)
{
	return strcmp((*(gen_cache_page *const *)a)->pkey,
	              (*(gen_cache_page *const *)b)->pkey);
}

static int is_key(const char *s, size_t n)
{
	if (n != 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* The number at *s, followed by a space, into *v; -1 if there is none.
 * Digits only: strtoll alone would take spaces and signs. */
static int field(char **s, long long *v)
{
	char *p = *s, *end;

	if (*p < '0' || *p > '9')
		return -1;
	errno = 0;
	*v = strtoll(p, &end, 10);
	if (errno || *end != ' ')
		return -1;
	*s = end + 1;
	return 0;
}

/* One "P pkey pack off len src out" line (without "P "). */
static int parse_page(char *s, gen_cache_page *p)
{
	char *end;
	long long pack, off, len;

	if (!is_key(s, 64) || s[64] != ' ')
		return -1;
	memcpy(p->pkey, s, 64);
	p->pkey[64] = '\0';
	s += 65;
	if (field(&s, &pack) < 0 || pack > 1000000 || field(&s, &off) < 0 ||
	    field(&s, &len) < 0 || strncmp(s, "content/", 8) != 0)
		return -1;
	p->pack = (unsigned)pack;
	p->off = (size_t)off;
	p->len = (size_t)len;
	end = strchr(s, ' ');
	if (!end || !end[1])
		return -1;
	*end = '\0';
	if (!gen_out_safe_path(end + 1))
		return -1;
	p->src_path = s; /* into the index's text, which the cache keeps */
	p->out_path = end + 1;
	return 0;
}

void gen_cache_pack_path(size_t k, char out[GEN_CACHE_PACK_PATH_MAX])
{
	snprintf(out, GEN_CACHE_PACK_PATH_MAX, "%s/%zu", GEN_CACHE_TEXT, k);
}

/* pack_len of a pack that could not be mapped (not tried again). */
#define PACK_FAILED SIZE_MAX

/* Maps pack k of the old build (k < npacks); 0, or -1 if it cannot be. */
static int map_pack(gen_cache *c, unsigned k)
{
	char path[4096], rel[GEN_CACHE_PACK_PATH_MAX];
	struct stat st;
	int fd;
	void *m;

	if (c->packs[k])
		return 0;
	if (c->pack_len[k] == PACK_FAILED)
		return -1;
	c->pack_len[k] = PACK_FAILED;
	gen_cache_pack_path(k, rel);
	snprintf(path, sizeof path, "%s/%s", c->out_dir, rel);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || st.st_size == 0) {
		close(fd);
		return -1;
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return -1;
	c->packs[k] = m;
	c->pack_len[k] = (size_t)st.st_size;
	return 0;
}

static int cmp_src(const void *a, const void *b)
{
	return strcmp(((const gen_cache_src *)a)->path,
	              ((const gen_cache_src *)b)->path);
}

const gen_cache_src *gen_cache_src_find(const gen_cache_src *v, size_t n,
                                        const char *path)
{
	gen_cache_src key;

	if (!n)
		return NULL;
	key.path = path;
	return bsearch(&key, v, n, sizeof key, cmp_src);
}

/* They were written in path order: check rather than sort. */
static void sort_src(gen_cache_src *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (strcmp(v[i - 1].path, v[i].path) > 0) {
			qsort(v, n, sizeof *v, cmp_src);
			return;
		}
}

/* "n n ... path" with k numbers (and, when blob, a blob id before the
 * path) into src. */
static int parse_src(char *s, int k, int blob, gen_cache_src *src)
{
	char *end;

	memset(src, 0, sizeof *src);
	for (int i = 0; i < k; i++) {
		src->n[i] = strtoll(s, &end, 10);
		if (end == s || *end != ' ')
			return -1;
		s = end + 1;
	}
	if (blob) {
		if (strlen(s) < 42 || s[40] != ' ')
			return -1;
		src->blob = s;
		s[40] = '\0';
		s += 41;
	}
	if (!*s)
		return -1;
	src->path = s;
	return 0;
}


/* One line of the index; -1 if it is bad. caps: the capacities of the
 * D, W, M, P, S and F arrays. */
static int parse_line(gen_cache *c, char *line, size_t caps[6])
{
	gen_cache_src src;
	char *tab;

	switch (line[0] == '\0' || line[1] != ' ' ? 0 : line[0]) {
	case 'U':
		if (strlen(line + 2) != 40)
			return -1;
		memcpy(c->commit, line + 2, 41);
		return 0;
	case 'K':
		if (!is_key(line + 2, strlen(line + 2)))
			return -1;
		memcpy(c->shared, line + 2, 65);
		return 0;
	case 'D':
		if (parse_src(line + 2, 1, 0, &src) < 0 ||
		    CH_GROW(c->dates, c->ndates + 1, caps[0]) < 0)
			return -1;
		c->dates[c->ndates++] = src;
		return 0;
	case 'W':
		if (parse_src(line + 2, 4, 1, &src) < 0 ||
		    CH_GROW(c->stats, c->nstats + 1, caps[1]) < 0)
			return -1;
		c->stats[c->nstats++] = src;
		return 0;
	case 'M':
		tab = strchr(line, '\t');
		if (!tab)
			return -1;
		*tab = '\0';
		if (parse_src(line + 2, 0, 1, &src) < 0 ||
		    CH_GROW(c->models, c->nmodels + 1, caps[2]) < 0)
			return -1;
		src.model = tab + 1;
		c->models[c->nmodels++] = src;
		return 0;
	case 'P':
		if (CH_GROW(c->pages, c->npages + 1, caps[3]) < 0 ||
		    parse_page(line + 2, &c->pages[c->npages]) < 0)
			return -1;
		c->npages++;
		return 0;
	case 'S':
		if (!is_key(line + 2, 64) || line[66] != ' ' ||
		    !gen_out_safe_path(line + 67) ||
		    CH_GROW(c->shards, c->nshards + 1, caps[4]) < 0)
			return -1;
		memcpy(c->shards[c->nshards].pkey, line + 2, 64);
		c->shards[c->nshards].pkey[64] = '\0';
		c->shards[c->nshards++].out_path = line + 67;
		return 0;
	case 'F':
		if (!gen_out_safe_path(line + 2) ||
		    CH_GROW(c->files, c->nfiles + 1, caps[5]) < 0)
			return -1;
		c->files[c->nfiles++] = line + 2;
		return 0;
	}
	return -1;
}

int gen_cache_load(gen_cache *c, const char *out_dir, const char *format)
{
	size_t caps[6] = {0, 0, 0, 0, 0, 0};
	struct stat st;
	char path[4096], *data = NULL, *line, *next;
	size_t len, flen = strlen(format);
	ch_error ignored;
	int ended = 0, rc = -1;

	memset(c, 0, sizeof *c);
	snprintf(path, sizeof path, "%s/%s", out_dir, GEN_CACHE_NAME);
	if (stat(path, &st) < 0 ||
	    ch_read_file(path, MAX_INDEX, &data, &len, &ignored) < 0)
		return -1;
	c->started_ns = (long long)st.st_mtim.tv_sec * 1000000000LL +
	                st.st_mtim.tv_nsec;
	if (len < flen + 1 || memcmp(data, format, flen) != 0 || data[flen] != '\n')
		goto out;
	/* Every line ends with '\n' and "end" is the last: one cut short is
	 * not used. */
	for (line = data + flen + 1; line < data + len; line = next) {
		next = memchr(line, '\n', (size_t)(data + len - line));
		if (!next || ended)
			goto out;
		*next++ = '\0';
		if (strcmp(line, "end") == 0)
			ended = 1;
		else if (parse_line(c, line, caps) < 0)
			goto out;
	}
	if (!ended)
		goto out;
	c->out_dir = out_dir;
	sort_src(c->dates, c->ndates);
	sort_src(c->stats, c->nstats);
	sort_src(c->models, c->nmodels);
	c->text = data; /* the entries point into it */
	data = NULL;
	rc = 0;
out:
	free(data);
	if (rc < 0) {
		gen_cache_free(c);
		memset(c, 0, sizeof *c);
	}
	return rc;
}

void gen_cache_map_all(gen_cache *c)
{
	size_t n = 0;

	if (!c->text || c->by_pkey ||
	    !(c->by_pkey = malloc((c->npages ? c->npages : 1) *
	                          sizeof *c->by_pkey)))
		return;
	for (size_t i = 0; i < c->npages; i++)
		c->by_pkey[i] = &c->pages[i];
	qsort(c->by_pkey, c->npages, sizeof *c->by_pkey, cmp_pkey);
	for (size_t i = 0; i < c->npages; i++)
		if (c->pages[i].pack >= n)
			n = (size_t)c->pages[i].pack + 1;
	/* (pack numbers are at most 1,000,000: parse_page) */
	c->packs = calloc(n ? n : 1, sizeof *c->packs);
	c->pack_len = calloc(n ? n : 1, sizeof *c->pack_len);
	if (!c->packs || !c->pack_len)
		return;
	c->npacks = n;
	for (size_t i = 0; i < c->npages; i++)
		map_pack(c, c->pages[i].pack);
}

const gen_cache_page *gen_cache_page_by_pkey(const gen_cache *c,
                                             const char *pkey)
{
	size_t lo = 0, hi = c->by_pkey ? c->npages : 0;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int r = strcmp(c->by_pkey[mid]->pkey, pkey);
		if (r == 0)
			return c->by_pkey[mid];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *gen_cache_page_text(const gen_cache *c, const gen_cache_page *p)
{
	if (p->pack >= c->npacks || !c->packs[p->pack] ||
	    p->off > c->pack_len[p->pack] ||
	    p->len > c->pack_len[p->pack] - p->off)
		return NULL;
	return c->packs[p->pack] + p->off;
}

int gen_cache_has_shard(const gen_cache *c, const char *key, const char *path)
{
	for (size_t i = 0; i < c->nshards; i++)
		if (strcmp(c->shards[i].pkey, key) == 0 &&
		    strcmp(c->shards[i].out_path, path) == 0)
			return 1;
	return 0;
}

void gen_cache_free(gen_cache *c)
{
	free(c->shards);
	free(c->pages);
	free(c->files);
	free(c->by_pkey);
	free(c->dates);
	free(c->stats);
	free(c->models);
	free(c->text);
	for (size_t i = 0; i < c->npacks; i++)
		if (c->packs[i])
			munmap(c->packs[i], c->pack_len[i]);
	free(c->packs);
	free(c->pack_len);
	memset(c, 0, sizeof *c);
}

/* --- writing ------------------------------------------------------------ */

/* Words of the lines without printf, which would be a large share of a
 * rebuild's time. */
static void put_word(ch_buf *b, const char *s)
{
	ch_buf_putc(b, ' ');
	ch_buf_puts(b, s);
}

static void put_num(ch_buf *b, long long n)
{
	ch_buf_putc(b, ' ');
	ch_buf_put_int(b, n);
}

void gen_cache_lines_source(ch_buf *b, const gen_source *src,
                            const char *shared)
{
	ch_buf_puts(b, "U");
	put_word(b, src->commit);
	ch_buf_puts(b, "\nK");
	put_word(b, shared);
	ch_buf_putc(b, '\n');
	for (size_t i = 0; i < src->nfiles; i++) {
		const gen_file *f = &src->files[i];
		if (strncmp(f->path, "content/", 8) == 0) {
			ch_buf_putc(b, 'D');
			put_num(b, f->updated);
			put_word(b, f->path);
			ch_buf_putc(b, '\n');
		}
	}
	for (size_t i = 0; src->worktree && i < src->nfiles; i++) {
		const gen_file *f = &src->files[i];
		ch_buf_putc(b, 'W');
		put_num(b, f->st.size);
		put_num(b, f->st.mtime_ns);
		put_num(b, f->st.ctime_ns);
		put_num(b, (long long)f->st.ino);
		put_word(b, f->blob_id);
		put_word(b, f->path);
		ch_buf_putc(b, '\n');
	}
}

void gen_cache_line_model_head(ch_buf *b, const char *blob, const char *path)
{
	ch_buf_putc(b, 'M');
	put_word(b, blob);
	put_word(b, path);
	ch_buf_putc(b, '\t');
}

void gen_cache_line_page(ch_buf *b, const char *pkey, unsigned pack,
                         size_t off, size_t len, const char *src_path,
                         const char *out_path)
{
	ch_buf_putc(b, 'P');
	put_word(b, pkey);
	put_num(b, pack);
	put_num(b, (long long)off);
	put_num(b, (long long)len);
	put_word(b, src_path);
	put_word(b, out_path);
	ch_buf_putc(b, '\n');
}

void gen_cache_line_shard(ch_buf *b, const char *key, const char *path)
{
	ch_buf_putc(b, 'S');
	put_word(b, key);
	put_word(b, path);
	ch_buf_putc(b, '\n');
}

void gen_cache_line_file(ch_buf *b, const char *path)
{
	ch_buf_putc(b, 'F');
	put_word(b, path);
	ch_buf_putc(b, '\n');
}
