/* zipnames.c: entry names decoded (UTF-8 or GB18030, then NFC) and checked
 * as BUNDLE.md requires, always on the decoded text. */
#include "batch/intake/zipnames.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/text.h"
#include "common/unsafecp.h"

int zname_decode(const unsigned char *raw, size_t n, int utf8_flag,
                 char **out)
{
	char *dec = NULL;

	*out = NULL;
	if (memchr(raw, '\0', n))
		return 1;
	if (ch_utf8_valid((const char *)raw, n)) {
		dec = malloc(n + 1);
		if (!dec)
			return -1;
		memcpy(dec, raw, n);
		dec[n] = '\0';
	} else if (utf8_flag) {
		return 1; /* claims UTF-8 and is not: no guessing */
	} else {
		dec = ch_gb18030_to_utf8((const char *)raw, n);
		if (!dec)
			return 1;
		if (!ch_utf8_valid(dec, strlen(dec))) {
			free(dec);
			return 1;
		}
	}
	if (!*dec) {
		*out = dec;
		return 0;
	}
	*out = ch_nfc(dec);
	free(dec);
	return *out ? 0 : -1;
}

char *zname_printable(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	ch_buf b = CH_BUF_INIT;
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		size_t k = ch_utf8_decode(p + i, n - i, &cp);

		if (!k) {
			ch_buf_printf(&b, "\\x%02X", p[i]);
			i++;
		} else if (ch_cp_unsafe(cp)) {
			for (size_t j = 0; j < k; j++)
				ch_buf_printf(&b, "\\x%02X", p[i + j]);
			i += k;
		} else {
			ch_buf_append(&b, p + i, k);
			i += k;
		}
	}
	if (!ch_buf_ok(&b)) {
		ch_buf_free(&b);
		return NULL;
	}
	return ch_buf_detach(&b, NULL);
}

int zname_unsafe(const char *name)
{
	uint32_t cp;
	const char *c;

	if (!*name || name[0] == '/' || strchr(name, '\\'))
		return 1;
	/* Not UTF-8, or a character of the unsafe list. */
	if (ch_text_unsafe(name, &cp))
		return 1;
	/* Components: none empty, "." or "..", none starting with a drive
	 * letter (C:x would leave the folder on Windows). */
	c = name;
	for (;;) {
		const char *slash = strchr(c, '/');
		size_t len = slash ? (size_t)(slash - c) : strlen(c);

		if (len == 0 || (len == 1 && c[0] == '.') ||
		    (len == 2 && c[0] == '.' && c[1] == '.'))
			return 1;
		if (len >= 2 && c[1] == ':' &&
		    ((c[0] >= 'A' && c[0] <= 'Z') || (c[0] >= 'a' && c[0] <= 'z')))
			return 1;
		if (!slash)
			break;
		c = slash + 1;
	}
	return 0;
}

static int add(ch_findings *f, const ch_schema *s, const char *code,
               const char *where)
{
	return ch_findings_add(f, s, code, CH_LEVEL_ERROR, where, NULL, NULL);
}

/* The first path component shared by every usable entry, or NULL (and
 * *len 0) when some entry sits at the root or two folders differ. */
static const char *common_folder(const zname *v, size_t n, size_t *len)
{
	const char *folder = NULL;
	size_t flen = 0;

	*len = 0;
	for (size_t i = 0; i < n; i++) {
		const char *slash;

		if (v[i].bad || !v[i].full)
			continue;
		slash = strchr(v[i].full, '/');
		if (!slash)
			return NULL;
		if (!folder) {
			folder = v[i].full;
			flen = (size_t)(slash - v[i].full);
		} else if ((size_t)(slash - v[i].full) != flen ||
		           memcmp(folder, v[i].full, flen) != 0) {
			return NULL;
		}
	}
	*len = flen;
	return folder;
}

int znames_check(const zscan *z, const ch_schema *s, zname **out,
                 ch_findings *f, int *dup)
{
	zname *v;
	size_t flen;
	int rc = -1;

	*dup = 0;
	*out = NULL;
	v = calloc(z->n ? z->n : 1, sizeof *v);
	if (!v)
		return -1;
	for (size_t i = 0; i < z->n; i++) {
		const zscan_entry *en = &z->v[i];
		int special_dir = 0, r;
		size_t len;

		r = zname_decode(en->name, en->name_len,
		                 (en->flags & ZS_FLAG_UTF8) != 0, &v[i].full);
		if (r < 0)
			goto out;
		v[i].where = zname_printable(v[i].full ? v[i].full
		                                       : (const char *)en->name,
		                             v[i].full ? strlen(v[i].full)
		                                       : en->name_len);
		if (!v[i].where)
			goto out;
		if (r > 0) {
			v[i].bad = 1;
			if (add(f, s, "ZIP_UNSAFE_NAME", v[i].where) < 0)
				goto out;
			continue;
		}
		zscan_special(en, &special_dir);
		len = strlen(v[i].full);
		if (len > 0 && v[i].full[len - 1] == '/') {
			v[i].is_dir = 1;
			v[i].full[len - 1] = '\0'; /* judged without the slash */
		} else if (special_dir) {
			v[i].is_dir = 1;
		}
		if (zname_unsafe(v[i].full)) {
			v[i].bad = 1;
			if (add(f, s, "ZIP_UNSAFE_NAME", v[i].where) < 0)
				goto out;
		}
	}
	/* A directory entry of the common folder itself names no file. */
	for (size_t i = 0; i < z->n; i++) {
		int other = 0;

		if (v[i].bad || !v[i].is_dir || strchr(v[i].full, '/'))
			continue;
		for (size_t j = 0; j < z->n && !other; j++)
			other = j != i && !v[j].bad && v[j].full &&
			        strchr(v[j].full, '/');
		if (!other)
			continue;
		/* "X/" with entries "X/..." counts as inside X: append the
		 * slash back so that common_folder() sees the folder. */
		{
			size_t len = strlen(v[i].full);
			char *p = realloc(v[i].full, len + 2);

			if (!p)
				goto out;
			v[i].full = p;
			p[len] = '/';
			p[len + 1] = '\0';
		}
	}
	{
		const char *folder = common_folder(v, z->n, &flen);

		for (size_t i = 0; i < z->n; i++) {
			if (!v[i].full)
				continue;
			v[i].base = folder && !v[i].bad ? v[i].full + flen + 1
			                                : v[i].full;
		}
	}
	for (size_t i = 0; i < z->n; i++) {
		size_t blen;

		if (v[i].bad)
			continue;
		blen = strlen(v[i].base);
		if (v[i].is_dir && blen == 0)
			continue; /* the common folder's own entry */
		if (v[i].is_dir || strchr(v[i].base, '/')) {
			/* Folders below the common one, or beside files at
			 * the root. */
			v[i].bad = 1;
			if (add(f, s, "ZIP_UNSAFE_NAME", v[i].where) < 0)
				goto out;
		}
	}
	for (size_t i = 0; i < z->n; i++) {
		int first = 1;

		if (!v[i].full || v[i].is_dup)
			continue;
		for (size_t j = i + 1; j < z->n; j++) {
			if (!v[j].full || strcmp(v[i].full, v[j].full) != 0)
				continue;
			*dup = 1;
			v[i].bad = v[j].bad = 1;
			v[i].is_dup = v[j].is_dup = 1;
			if (first && add(f, s, "ZIP_DUPLICATE_NAME", v[i].where) < 0)
				goto out;
			first = 0;
		}
	}
	rc = 0;
out:
	if (rc < 0) {
		znames_free(v, z->n);
		return -1;
	}
	*out = v;
	return 0;
}

void znames_free(zname *v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].full);
		free(v[i].where);
	}
	free(v);
}
