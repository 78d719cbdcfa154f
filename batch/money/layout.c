/* layout.c: layouts read from YAML, built-in or from files (layout.h). */
#include "batch/money/layout.h"

#include <dirent.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "common/fsutil.h"
#include "common/yaml.h"
#include "common/grow.h"

#define LAYOUT_FILE_MAX (1 << 20)
#define LAYOUT_MAX 256
#define LIST_MAX 64

static const char *const FIELD_NAMES[LF_NFIELDS] = {
	"serial", "refund_serial", "date", "time", "debit", "credit", "amount",
	"direction", "balance", "counterparty_name", "counterparty_account",
	"counterparty_bank", "payer_name", "payer_account", "payer_bank",
	"payee_name", "payee_account", "payee_bank", "memo", "merchant_order_no",
	"type", "refund_amount", "reversal_flag",
};
static const char *const WORD_NAMES[LW_NWORDS] = {
	"credit", "debit", "reversal", "returned", "refund", "footer",
	"subtotal",
};
static const char *const SUM_NAMES[LS_NSUMS] = {
	"account", "opening_balance", "closing_balance", "total_debit",
	"total_credit",
};

/* What a layout that names none of its own gets: the words and labels
 * Chinese banks share. */
static const char *const DEFAULT_WORDS[LW_NWORDS] =
	{"[贷, 贷方, 收, 收入, 存入, 来账, C, CR, '+']",
	 "[借, 借方, 付, 支, 支出, 支取, 往账, D, DR, '-']",
	 "[冲正, 冲账, 冲帐, 冲销, 抹账, 抹帐, 撤销]",
	 "[退汇, 退票, 退回, 汇款退回]",
	 "[退款, REFUND, REVOKED]",
	 "[合计, 总计, 本期合计, 累计, '#']",
	 "[小计, 本页合计, 本页小计, 本页]"};
static const char *const DEFAULT_SUMS[LS_NSUMS] =
	{"[账号, 帐号, 账户, 帐户, 查询账号, 账户账号, 本方账号]",
	 "[期初余额, 上日余额, 起始余额, 期初金额, 承前余额, 上期余额]",
	 "[期末余额, 本日余额, 终止余额, 期末金额, 当前余额, 账户余额]",
	 "[借方发生额合计, 借方合计, 借方发生总额, 借方金额合计, 支出合计, 总支出, 支出总金额, 退款总金额]",
	 "[贷方发生额合计, 贷方合计, 贷方发生总额, 贷方金额合计, 收入合计, 总收入, 收入总金额, 应结订单总金额]"};

const char *lay_field_name(lay_field f)
{
	return f < LF_NFIELDS ? FIELD_NAMES[f] : "?";
}

void lay_norm(const char *s, char *out, size_t cap)
{
	size_t o = 0;
	const unsigned char *p = (const unsigned char *)s;

	if (!cap)
		return;
	while (*p && o + 4 < cap) {
		unsigned c = *p;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			p++;
			continue;
		}
		if (c == 0xe3 && p[1] == 0x80 && p[2] == 0x80) { /* U+3000 */
			p += 3;
			continue;
		}
		/* U+FF01..U+FF5E: full-width ASCII. */
		if (c == 0xef && (p[1] == 0xbc || p[1] == 0xbd) && p[2] >= 0x80 &&
		    p[2] <= 0xbf) {
			unsigned cp = ((unsigned)(p[1] & 0x3f) << 6) | (p[2] & 0x3f);
			cp |= 0xf000;
			if (cp >= 0xff01 && cp <= 0xff5e) {
				c = cp - 0xff01 + 0x21;
				p += 3;
				goto ascii;
			}
		}
		if (c < 0x80) {
			p++;
ascii:
			if (c == '[' && o > 0)
				break; /* a bilingual tail */
			out[o++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
			continue;
		}
		out[o++] = (char)*p++;
	}
	out[o] = '\0';
}

int lay_list_has(const lay_list *l, const char *norm)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], norm))
			return 1;
	return 0;
}

int lay_list_in(const lay_list *l, const char *text)
{
	char norm[1024];

	lay_norm(text, norm, sizeof norm);
	return lay_list_in_norm(l, norm);
}

int lay_list_in_norm(const lay_list *l, const char *norm)
{
	if (!norm[0])
		return 0;
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i][0] && strstr(norm, l->v[i]))
			return 1;
	return 0;
}

static void list_free(lay_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void layout_free(layout *l)
{
	free(l->name);
	free(l->title);
	free(l->source);
	free(l->bank);
	free(l->origin);
	for (int i = 0; i < LF_NFIELDS; i++)
		list_free(&l->fields[i]);
	for (int i = 0; i < LW_NWORDS; i++)
		list_free(&l->words[i]);
	for (int i = 0; i < LS_NSUMS; i++)
		list_free(&l->sums[i]);
	memset(l, 0, sizeof *l);
}

void layouts_free(layouts *ls)
{
	for (size_t i = 0; i < ls->n; i++)
		layout_free(&ls->v[i]);
	free(ls->v);
	ls->v = NULL;
	ls->n = 0;
}

/* The line of a node, for errors: lines maps JSON pointers to lines. */
static int line_of(json_t *lines, const char *ptr)
{
	json_t *v = lines ? json_object_get(lines, ptr) : NULL;

	return v ? (int)json_integer_value(v) : 0;
}

/* v is a string or a list of strings: into l, normalised. */
static int read_list(json_t *v, lay_list *l, const char *file, int line,
                     const char *what, ch_error *e)
{
	size_t n = json_is_array(v) ? json_array_size(v) : 1;

	if (!json_is_array(v) && !json_is_string(v))
		return ch_fail(e, file, line, "%s: a header name or a list of them "
		               "expected", what);
	if (n > LIST_MAX)
		return ch_fail(e, file, line, "%s: more than %d names", what, LIST_MAX);
	list_free(l);
	l->v = calloc(n ? n : 1, sizeof *l->v);
	if (!l->v)
		return ch_fail(e, file, line, "out of memory");
	for (size_t i = 0; i < n; i++) {
		json_t *s = json_is_array(v) ? json_array_get(v, i) : v;
		char norm[256];
		if (json_is_integer(s)) {
			snprintf(norm, sizeof norm, "%lld", (long long)json_integer_value(s));
		} else if (!json_is_string(s) || json_string_length(s) >= 200 ||
		           !json_string_length(s)) {
			return ch_fail(e, file, line, "%s: each name must be a "
			               "non-empty string under 200 bytes", what);
		} else {
			lay_norm(json_string_value(s), norm, sizeof norm);
		}
		l->v[i] = strdup(norm);
		if (!l->v[i])
			return ch_fail(e, file, line, "out of memory");
		l->n++;
	}
	return 0;
}

static int find_name(const char *const *names, int n, const char *k)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(names[i], k))
			return i;
	return -1;
}

/* A mapping of NAME: list into lists, NAME among names. */
static int read_map(json_t *o, json_t *lines, const char *key,
                    const char *const *names, int n, lay_list *lists,
                    const char *file, ch_error *e)
{
	const char *k;
	json_t *v;
	char ptr[128];

	if (!json_is_object(o))
		return ch_fail(e, file, line_of(lines, key), "%s: a mapping expected",
		               key + 1);
	json_object_foreach(o, k, v) {
		int i = find_name(names, n, k);
		snprintf(ptr, sizeof ptr, "%s/%.100s", key, k);
		if (i < 0) {
			char known[1024] = "";
			for (int j = 0; j < n; j++)
				snprintf(known + strlen(known), sizeof known - strlen(known),
				         "%s%s", j ? ", " : "", names[j]);
			return ch_fail(e, file, line_of(lines, ptr),
			               "unknown key '%s.%s' (known: %s)", key + 1, k, known);
		}
		if (read_list(v, &lists[i], file, line_of(lines, ptr), k, e) < 0)
			return -1;
	}
	return 0;
}

static int set_str(char **dst, json_t *v, const char *file, int line,
                   const char *what, ch_error *e)
{
	if (!json_is_string(v) || !json_string_length(v) ||
	    json_string_length(v) > 200)
		return ch_fail(e, file, line, "%s: a non-empty text expected", what);
	free(*dst);
	*dst = strdup(json_string_value(v));
	return *dst ? 0 : ch_fail(e, file, line, "out of memory");
}

static int valid_name(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 32)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_' || *s == '-'))
			return 0;
	return 1;
}

static int defaults(layout *l, ch_error *e)
{
	for (int i = 0; i < LW_NWORDS + LS_NSUMS; i++) {
		const char *y = i < LW_NWORDS ? DEFAULT_WORDS[i]
		                              : DEFAULT_SUMS[i - LW_NWORDS];
		lay_list *dst = i < LW_NWORDS ? &l->words[i] : &l->sums[i - LW_NWORDS];
		json_t *v = ch_yaml_parse(y, strlen(y), "built-in defaults", 1, e);
		int r;
		if (!v)
			return -1;
		r = read_list(v, dst, "built-in defaults", 0, "defaults", e);
		json_decref(v);
		if (r < 0)
			return -1;
	}
	return 0;
}

int layout_parse(const char *text, size_t len, const char *file, layout *l,
                 ch_error *e)
{
	json_t *root, *lines = NULL, *v;
	const char *k;
	int rc = -1;

	memset(l, 0, sizeof *l);
	root = ch_yaml_parse_lines(text, len, file, 1, &lines, e);
	if (!root)
		return -1;
	if (!json_is_object(root)) {
		ch_fail(e, file, 1, "a layout is a mapping (name, source, fields, ...)");
		goto out;
	}
	if (defaults(l, e) < 0)
		goto out;
	json_object_foreach(root, k, v) {
		char ptr[128];
		int line;
		snprintf(ptr, sizeof ptr, "/%.100s", k);
		line = line_of(lines, ptr);
		if (!strcmp(k, "name") || !strcmp(k, "title") || !strcmp(k, "source") ||
		    !strcmp(k, "bank")) {
			char **dst = !strcmp(k, "name") ? &l->name
			           : !strcmp(k, "title") ? &l->title
			           : !strcmp(k, "source") ? &l->source : &l->bank;
			if (set_str(dst, v, file, line, k, e) < 0)
				goto out;
		} else if (!strcmp(k, "fields")) {
			if (read_map(v, lines, "/fields", FIELD_NAMES, LF_NFIELDS,
			             l->fields, file, e) < 0)
				goto out;
		} else if (!strcmp(k, "words")) {
			if (read_map(v, lines, "/words", WORD_NAMES, LW_NWORDS, l->words,
			             file, e) < 0)
				goto out;
		} else if (!strcmp(k, "summary")) {
			if (read_map(v, lines, "/summary", SUM_NAMES, LS_NSUMS, l->sums,
			             file, e) < 0)
				goto out;
		} else if (!strcmp(k, "require")) {
			size_t n = json_is_array(v) ? json_array_size(v) : 0;
			if (!json_is_array(v)) {
				ch_fail(e, file, line, "require: a list of field names expected");
				goto out;
			}
			for (size_t i = 0; i < n; i++) {
				json_t *s = json_array_get(v, i);
				int f = json_is_string(s)
				            ? find_name(FIELD_NAMES, LF_NFIELDS, json_string_value(s))
				            : -1;
				if (f < 0) {
					ch_fail(e, file, line, "require: '%s' is not a field",
					        json_is_string(s) ? json_string_value(s) : "?");
					goto out;
				}
				l->require[f] = 1;
			}
		} else {
			ch_fail(e, file, line, "unknown key '%s' (known: name, title, "
			        "source, bank, require, fields, words, summary)", k);
			goto out;
		}
	}
	if (!l->name || !valid_name(l->name)) {
		ch_fail(e, file, 1, "name: 1-32 of a-z, 0-9, _ and - required");
		goto out;
	}
	if (!l->source || (strcmp(l->source, "bank") && strcmp(l->source, "wechat") &&
	                   strcmp(l->source, "alipay"))) {
		ch_fail(e, file, line_of(lines, "/source"),
		        "source: bank, wechat or alipay required");
		goto out;
	}
	if (!l->fields[LF_DATE].n ||
	    (!l->fields[LF_AMOUNT].n &&
	     (!l->fields[LF_DEBIT].n || !l->fields[LF_CREDIT].n))) {
		ch_fail(e, file, line_of(lines, "/fields"),
		        "fields: date, and amount or both debit and credit, required");
		goto out;
	}
	for (int f = 0; f < LF_NFIELDS; f++)
		if (l->require[f] && !l->fields[f].n) {
			ch_fail(e, file, line_of(lines, "/require"),
			        "require: '%s' has no header names under fields",
			        FIELD_NAMES[f]);
			goto out;
		}
	if ((!l->title && !(l->title = strdup(l->name))) ||
	    (!l->bank && !(l->bank = strdup(l->name))) ||
	    !(l->origin = strdup(file))) {
		ch_fail(e, file, 0, "out of memory");
		goto out;
	}
	rc = 0;
out:
	if (rc < 0)
		layout_free(l);
	json_decref(root);
	json_decref(lines);
	return rc;
}

static int add(layouts *ls, layout *l, ch_error *e)
{
	/* A file layout of a built-in's name replaces it. */
	for (size_t i = 0; i < ls->n; i++)
		if (!strcmp(ls->v[i].name, l->name)) {
			layout_free(&ls->v[i]);
			ls->v[i] = *l;
			return 0;
		}
	if (ls->n >= LAYOUT_MAX)
		return ch_fail(e, l->origin, 0, "more than %d layouts", LAYOUT_MAX);
	if (CH_GROW(ls->v, ls->n + 1, ls->cap) < 0)
		return ch_fail(e, l->origin, 0, "out of memory");
	ls->v[ls->n++] = *l;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_dir(const char *dir, layouts *ls, ch_error *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = -1;

	if (!d)
		return 0; /* no folder: the built-ins alone */
	while ((de = readdir(d))) {
		size_t k = strlen(de->d_name);
		if (de->d_name[0] == '.' || k < 6 || strcmp(de->d_name + k - 5, ".yaml"))
			continue;
		if (n >= LAYOUT_MAX) {
			ch_fail(e, dir, 0, "more than %d layout files", LAYOUT_MAX);
			goto out;
		}
		if (CH_GROW(names, n + 1, cap) < 0 ||
		    !(names[n] = strdup(de->d_name))) {
			ch_fail(e, dir, 0, "out of memory");
			goto out;
		}
		n++;
	}
	if (n)
		qsort(names, n, sizeof *names, cmp_str);
	for (size_t i = 0; i < n; i++) {
		char path[4096], *text = NULL;
		size_t len;
		layout l;
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		if (ch_read_file(path, LAYOUT_FILE_MAX, &text, &len, e) < 0)
			goto out;
		if (layout_parse(text, len, path, &l, e) < 0) {
			free(text);
			goto out;
		}
		free(text);
		if (add(ls, &l, e) < 0) {
			layout_free(&l);
			goto out;
		}
	}
	rc = 0;
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return rc;
}

int layouts_load(const char *dir, layouts *out, ch_error *e)
{
	out->v = NULL;
	out->n = 0;
	for (size_t i = 0; i < LAYOUT_NBUILTIN; i++) {
		layout l;
		char origin[48];
		snprintf(origin, sizeof origin, "built-in layout %zu", i + 1);
		if (layout_parse(LAYOUT_BUILTIN[i], strlen(LAYOUT_BUILTIN[i]), origin,
		                 &l, e) < 0)
			goto fail;
		if (add(out, &l, e) < 0) {
			layout_free(&l);
			goto fail;
		}
		free(out->v[out->n - 1].origin);
		if (!(out->v[out->n - 1].origin = strdup("built-in"))) {
			ch_fail(e, origin, 0, "out of memory");
			goto fail;
		}
	}
	if (dir && load_dir(dir, out, e) < 0)
		goto fail;
	return 0;
fail:
	layouts_free(out);
	return -1;
}
