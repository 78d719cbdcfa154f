/* import_key.c: line keys (import_key.h). */
#include "batch/money/import_key.h"

#include <stdlib.h>
#include <string.h>

#include "common/sha256.h"

void key_init(key_counter *k)
{
	memset(k, 0, sizeof *k);
}

void key_free(key_counter *k)
{
	free(k->keys);
	free(k->counts);
	memset(k, 0, sizeof *k);
}

static size_t slot(const key_counter *k, uint64_t h)
{
	size_t i = (size_t)(h ^ (h >> 29)) & (k->cap - 1);

	while (k->keys[i] && k->keys[i] != h)
		i = (i + 1) & (k->cap - 1);
	return i;
}

static int grow(key_counter *k)
{
	key_counter n;

	n.cap = k->cap ? k->cap * 2 : 1024;
	n.used = k->used;
	n.keys = calloc(n.cap, sizeof *n.keys);
	n.counts = calloc(n.cap, sizeof *n.counts);
	if (!n.keys || !n.counts) {
		free(n.keys);
		free(n.counts);
		return -1;
	}
	for (size_t i = 0; i < k->cap; i++)
		if (k->keys[i]) {
			size_t j = slot(&n, k->keys[i]);
			n.keys[j] = k->keys[i];
			n.counts[j] = k->counts[i];
		}
	free(k->keys);
	free(k->counts);
	*k = n;
	return 0;
}

/* How many times h was seen before in this file; counts this one. */
static int seen(key_counter *k, uint64_t h, uint32_t *before)
{
	size_t i;

	if (!h)
		h = 1;
	if ((k->used + 1) * 10 > k->cap * 7 && grow(k) < 0)
		return -1;
	i = slot(k, h);
	if (!k->keys[i]) {
		k->keys[i] = h;
		k->used++;
	}
	*before = k->counts[i]++;
	return 0;
}

static void field(ch_sha256 *h, const char *s)
{
	ch_sha256_update(h, s, strlen(s));
	ch_sha256_update(h, "\x1f", 1);
}

int key_make(key_counter *k, const char *bank, const stmt_line *l, ch_buf *out)
{
	ch_sha256 h;
	char hex[65], num[64];
	uint64_t v = 0;
	uint32_t before;

	ch_buf_reset(out);
	ch_buf_puts(out, bank);
	if (l->serial[0]) {
		ch_buf_puts(out, ":s:");
		ch_buf_puts(out, l->serial);
		ch_buf_putc(out, '\0');
		return ch_buf_ok(out) ? 0 : -1;
	}
	ch_sha256_init(&h);
	field(&h, l->date);
	field(&h, l->time);
	field(&h, l->credit ? "C" : "D");
	snprintf(num, sizeof num, "%lld", l->amount_fen);
	field(&h, num);
	if (l->has_balance)
		snprintf(num, sizeof num, "%lld", l->balance_fen);
	else
		num[0] = '\0';
	field(&h, num);
	field(&h, l->cp_account);
	field(&h, l->cp_name);
	field(&h, l->memo);
	field(&h, l->order_no);
	ch_sha256_hex(&h, hex);
	for (int i = 0; i < 16; i++) {
		char c = hex[i];
		v = (v << 4) | (uint64_t)(c <= '9' ? c - '0' : c - 'a' + 10);
	}
	if (seen(k, v, &before) < 0)
		return -1;
	hex[32] = '\0';
	ch_buf_printf(out, ":h:%s:%u", hex, before + 1);
	ch_buf_putc(out, '\0');
	return ch_buf_ok(out) ? 0 : -1;
}
