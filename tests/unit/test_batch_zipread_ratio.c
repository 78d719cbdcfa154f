/* The compression-ratio limit of zread_entry counted exactly: more than
 * max_ratio times the compressed size is refused, not "more than
 * max_ratio times, rounded down". */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "batch/intake/zipread.h"

#define SIZE (1024 * 1024)

static char *zeros;
static zip_t *za;
static zip_source_t *mem;
static uint64_t comp;

/* One entry of SIZE zero bytes, deflated, in memory, opened for reading. */
static void setup(void)
{
	zip_error_t ze;
	zip_t *w;
	zip_source_t *s;
	zip_stat_t sb;

	zeros = calloc(1, SIZE);
	cr_assert_not_null(zeros);
	zip_error_init(&ze);
	mem = zip_source_buffer_create(NULL, 0, 0, &ze);
	cr_assert_not_null(mem);
	zip_source_keep(mem);
	w = zip_open_from_source(mem, ZIP_TRUNCATE, &ze);
	cr_assert_not_null(w);
	s = zip_source_buffer(w, zeros, SIZE, 0);
	cr_assert_geq(zip_file_add(w, "x.pdf", s, 0), 0);
	cr_assert_eq(zip_close(w), 0);
	zip_source_keep(mem); /* each archive takes one reference */
	za = zip_open_from_source(mem, ZIP_RDONLY, &ze);
	cr_assert_not_null(za);
	zip_stat_init(&sb);
	cr_assert_eq(zip_stat_index(za, 0, 0, &sb), 0);
	comp = sb.comp_size;
	cr_assert_gt(comp, 0);
	cr_assert_lt(comp, SIZE / 100);
	zip_error_fini(&ze);
}

static void teardown(void)
{
	zip_discard(za);
	zip_source_free(mem);
	free(zeros);
}

static int drop(void *ctx, const void *p, size_t n, ch_error *e)
{
	return 0;
}

/* Reads the entry with the given ratio limit: the number of findings. */
static size_t read_with(uint64_t ratio)
{
	bundle_limits l;
	ch_findings f = CH_FINDINGS_INIT;
	uint64_t total = 0, size;
	unsigned char buf[65536];
	zread_ctl c = {&l, comp, &total, "x.pdf", buf, sizeof buf, &f, NULL, NULL};
	ch_error e;
	size_t n;
	int rc;

	bundle_limits_default(&l);
	l.max_ratio = ratio;
	rc = zread_entry(za, 0, &c, drop, NULL, &size, &e);
	n = f.n;
	if (n)
		cr_assert_str_eq(f.v[0].code, "ZIP_LIMIT");
	cr_assert_eq(rc, n ? 1 : 0);
	ch_findings_free(&f);
	return n;
}

Test(zread_ratio, just_over_the_limit_is_refused, .init = setup,
     .fini = teardown)
{
	/* (SIZE - 1) / comp times comp is under SIZE: the entry inflates to
	 * more than the limit allows, if by less than one ratio step. */
	cr_assert_eq(read_with((SIZE - 1) / comp), 1);
}

Test(zread_ratio, at_or_under_the_limit_passes, .init = setup,
     .fini = teardown)
{
	cr_assert_eq(read_with((SIZE + comp - 1) / comp), 0);
	cr_assert_eq(read_with(0), 0); /* 0: no ratio limit */
}

Test(zread_ratio, a_huge_limit_does_not_overflow, .init = setup,
     .fini = teardown)
{
	cr_assert_eq(read_with(UINT64_MAX / 2), 0);
}
