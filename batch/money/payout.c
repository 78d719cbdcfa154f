/* payout.c: the batch-transfer file of micro-deposits (see payout.h). */
#include "batch/money/payout.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch/clock.h"
#include "batch/db.h"
#include "batch/money/amount.h"
#include "batch/intake/notice.h"
#include "common/buf.h"
#include "common/fsutil.h"
#include "common/text.h"

/* A CSV field, always quoted, quotes doubled. */
static void field(ch_buf *b, const char *s, int last)
{
	ch_buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			ch_buf_putc(b, '"');
		ch_buf_putc(b, *s);
	}
	ch_buf_puts(b, last ? "\"\r\n" : "\",");
}

/* A value a spreadsheet would run as a formula is not sent to a bank. */
static int formula_like(const char *s)
{
	return *s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' ||
	       *s == '\r';
}

/* 1 when the account details in columns 1 to 3 of st's row (number,
 * name and bank, in any order) are empty or formula-like: such a payout
 * is held back. */
static int account_unfit(sqlite3_stmt *st)
{
	int bad = 0;

	for (int c = 1; c <= 3; c++)
		bad |= formula_like((const char *)sqlite3_column_text(st, c)) ||
		       !sqlite3_column_bytes(st, c);
	return bad;
}

static char *to_gb18030(const char *s, size_t n, size_t *out_len)
{
	iconv_t cd = iconv_open("GB18030", "UTF-8");
	size_t cap = n * 2 + 16, inleft = n, outleft = cap;
	char *out, *in = (char *)s, *o;

	if (cd == (iconv_t)-1)
		return NULL;
	out = malloc(cap);
	o = out;
	if (!out || iconv(cd, &in, &inleft, &o, &outleft) == (size_t)-1) {
		free(out);
		iconv_close(cd);
		return NULL;
	}
	iconv_close(cd);
	*out_len = cap - outleft;
	return out;
}

/* The rows of one batch, as the file holds them. */
static int rows(sqlite3 *db, const unsigned char *key, long long batch,
                ch_buf *b, long long *n, ch_error *e)
{
	sqlite3_stmt *st = NULL;
	int k;

	ch_buf_puts(b, "\"序号\",\"收款方账号\",\"收款方户名\",\"收款方开户行\","
	            "\"金额（元）\",\"用途\",\"客户参考号\"\r\n");
	if (db_prepare(db, "SELECT p.payout_id, p.account_number, p.account_name,"
	               " p.account_bank, p.amount_fen, p.nonce, a.order_no"
	               " FROM payouts p JOIN applications a USING (application_id)"
	               " WHERE p.batch_id = ? ORDER BY p.payout_id", &st, e) < 0)
		return -1;
	if (db_bind(st, "i", batch) < 0) {
		sqlite3_finalize(st);
		return db_fail(db, e, "database error");
	}
	*n = 0;
	while ((k = db_step(db, st, e)) == 1) {
		char code[PAYOUT_CODE_LEN + 1], num[32], memo[96], ref[32];
		long long fen = sqlite3_column_int64(st, 4);
		payout_code(key, (const char *)sqlite3_column_text(st, 5), code);
		snprintf(num, sizeof num, "%lld", ++*n);
		field(b, num, 0);
		field(b, (const char *)sqlite3_column_text(st, 1), 0);
		field(b, (const char *)sqlite3_column_text(st, 2), 0);
		field(b, (const char *)sqlite3_column_text(st, 3), 0);
		money_format(fen, num);
		field(b, num, 0);
		snprintf(memo, sizeof memo, "金融认证验证码%s 订单%s", code,
		         (const char *)sqlite3_column_text(st, 6));
		field(b, memo, 0);
		snprintf(ref, sizeof ref, "CHP%lld",
		         (long long)sqlite3_column_int64(st, 0));
		field(b, ref, 1);
		memset(code, 0, sizeof code);
		memset(memo, 0, sizeof memo);
	}
	sqlite3_finalize(st);
	return k < 0 ? -1 : 0;
}

/* The PIN transfers waiting (pin_payouts, batch/review/issued.h) as rows
 * of the new batch: the PIN in the memo, and then erased from the row,
 * so a reprint of the batch cannot give it again. */
static int pin_rows(sqlite3 *db, long long batch, long long amount_fen,
                    const char *now, ch_buf *b, long long *n, ch_error *e)
{
	sqlite3_stmt *st = NULL;
	long long k = 0;
	int r;

	if (db_prepare(db, "SELECT p.pin_payout_id, p.account_number,"
	               " p.account_name, p.account_bank, p.pin, a.order_no,"
	               " c.kind, p.holder FROM pin_payouts p"
	               " JOIN applications a USING (application_id)"
	               " JOIN issued_certs c USING (serial)"
	               " WHERE p.batch_id IS NULL ORDER BY p.pin_payout_id",
	               &st, e) < 0)
		return -1;
	while ((r = db_step(db, st, e)) == 1) {
		char num[32], memo[160], ref[32];
		long long id = sqlite3_column_int64(st, 0);
		if (account_unfit(st)) {
			fprintf(stderr, "certhall-batch: payouts export: PIN payout %lld "
			        "held back: its account details are empty or start like "
			        "a formula\n", id);
			continue;
		}
		snprintf(num, sizeof num, "%lld", *n + ++k);
		field(b, num, 0);
		field(b, (const char *)sqlite3_column_text(st, 1), 0);
		field(b, (const char *)sqlite3_column_text(st, 2), 0);
		field(b, (const char *)sqlite3_column_text(st, 3), 0);
		money_format(amount_fen, num);
		field(b, num, 0);
		if (!strcmp((const char *)sqlite3_column_text(st, 6), "personal"))
			snprintf(memo, sizeof memo, "机构个人证书PIN码%s 持有人%.24s 订单%s",
			         sqlite3_column_text(st, 4), sqlite3_column_text(st, 7),
			         sqlite3_column_text(st, 5));
		else
			snprintf(memo, sizeof memo, "机构证书PIN码%s 订单%s",
			         sqlite3_column_text(st, 4), sqlite3_column_text(st, 5));
		ch_utf8_cut_tail(memo);
		field(b, memo, 0);
		memset(memo, 0, sizeof memo);
		snprintf(ref, sizeof ref, "CHPIN%lld", id);
		field(b, ref, 1);
		if (db_run(db, e, "UPDATE pin_payouts SET pin = NULL, batch_id = ?,"
		           " amount_fen = ?, exported_at = ? WHERE pin_payout_id = ?",
		           "iisi", batch, amount_fen, now, id) < 0) {
			r = -1;
			break;
		}
	}
	sqlite3_finalize(st);
	if (r < 0)
		return -1;
	*n += k;
	return db_run(db, e, "UPDATE payout_batches SET payouts = payouts + ?,"
	              " total_fen = total_fen + ? WHERE batch_id = ?", "iii", k,
	              k * amount_fen, batch);
}

/* Marks the pending payouts of orders awaiting verification as batch
 * *batch: nonce, code hash, amount, export and expiry times. */
static int new_batch(batch_ctx *ctx, sqlite3 *db, const unsigned char *key,
                     long long amount_fen, const char *now, long long *batch,
                     FILE *warn, ch_error *e)
{
	sqlite3_stmt *st = NULL;
	int k;

	if (db_run(db, e, "INSERT INTO payout_batches (created_at, payouts,"
	           " total_fen) VALUES (?, 0, 0)", "s", now) < 0)
		return -1;
	*batch = sqlite3_last_insert_rowid(db);
	if (db_prepare(db, "SELECT p.payout_id, p.account_name, p.account_bank,"
	               " p.account_number, r.application_json, a.order_no,"
	               " p.application_id, p.revision"
	               " FROM payouts p JOIN applications a USING (application_id)"
	               " JOIN revisions r ON r.application_id = p.application_id"
	               "  AND r.revision = p.revision"
	               " WHERE p.state = 'pending' AND a.state = 'awaiting_verification'"
	               " ORDER BY p.payout_id", &st, e) < 0)
		return -1;
	while ((k = db_step(db, st, e)) == 1) {
		unsigned char raw[16];
		char nonce[33], code[PAYOUT_CODE_LEN + 1], hash[65];
		long long id = sqlite3_column_int64(st, 0);
		json_t *app;
		if (account_unfit(st)) {
			fprintf(warn, "payout %lld (order %s) held back: its account "
			        "details are empty or start like a formula\n", id,
			        (const char *)sqlite3_column_text(st, 5));
			continue;
		}
		if (payout_random(raw, sizeof raw, e) < 0) {
			k = -1;
			break;
		}
		for (size_t i = 0; i < sizeof raw; i++)
			snprintf(nonce + 2 * i, 3, "%02x", raw[i]);
		payout_code(key, nonce, code);
		payout_code_hash(key, id, code, hash);
		memset(code, 0, sizeof code);
		if (db_run(db, e, "UPDATE payouts SET state = 'exported', nonce = ?,"
		           " code_hash = ?, batch_id = ?, amount_fen = ?,"
		           " exported_at = ?5, expires_at = strftime("
		           "'%Y-%m-%dT%H:%M:%SZ', ?5, '" PAYOUT_EXPIRY "')"
		           " WHERE payout_id = ?6", "ssiisi", nonce, hash, *batch,
		           amount_fen, now, id) < 0) {
			k = -1;
			break;
		}
		app = json_loads((const char *)sqlite3_column_text(st, 4), 0, NULL);
		if (app &&
		    notice_queue_text(ctx, db, &ctx->micro_deposit, app,
		                      (const char *)sqlite3_column_text(st, 6),
		                      (long)sqlite3_column_int64(st, 7),
		                      (const char *)sqlite3_column_text(st, 5), "",
		                      now, e) < 0) {
			json_decref(app);
			k = -1;
			break;
		}
		json_decref(app);
	}
	sqlite3_finalize(st);
	if (k < 0)
		return -1;
	return db_run(db, e, "UPDATE payout_batches SET"
	              " payouts = (SELECT count(*) FROM payouts WHERE batch_id = ?1),"
	              " total_fen = (SELECT coalesce(sum(amount_fen), 0) FROM payouts"
	              "  WHERE batch_id = ?1) WHERE batch_id = ?1", "i", *batch);
}

int payout_export(batch_ctx *ctx, sqlite3 *db, const char *path, FILE *out,
                  long long batch_id, long long amount_fen,
                  long long *batch_out, long long *written, FILE *warn,
                  ch_error *e)
{
	unsigned char key[PAYOUT_KEY_LEN];
	ch_buf b = CH_BUF_INIT;
	char now[32], *gb = NULL;
	size_t gblen = 0;
	int k, rc = -1, new = batch_id == 0;

	*written = 0;
	clock_now(now);
	if (payout_key_need(&ctx->cfg, key, e) < 0)
		return -1;
	if (db_exec(db, "PRAGMA secure_delete = ON", e) < 0 || db_begin(db, e) < 0)
		goto out;
	if (new) {
		if (new_batch(ctx, db, key, amount_fen, now, &batch_id, warn, e) < 0)
			goto out;
	} else {
		sqlite3_stmt *st = NULL;
		k = db_row(db, e, &st, "SELECT 1 FROM payout_batches WHERE"
		           " batch_id = ?", "i", batch_id);
		sqlite3_finalize(st);
		if (k <= 0) {
			if (k == 0)
				ch_fail(e, NULL, 0, "no payout batch %lld", batch_id);
			goto out;
		}
	}
	if (rows(db, key, batch_id, &b, written, e) < 0 ||
	    (new && pin_rows(db, batch_id, amount_fen, now, &b, written, e) < 0))
		goto out;
	if (!ch_buf_ok(&b) || !(gb = to_gb18030(b.data, b.len, &gblen))) {
		ch_fail(e, NULL, 0, "cannot encode the payout file as GB18030");
		goto out;
	}
	if (*written == 0 && new) {
		/* Nothing new: no file, and no empty batch kept. */
	} else if (path) {
		if (ch_write_atomic(path, gb, gblen, 0600, e) < 0)
			goto out;
	} else if (fwrite(gb, 1, gblen, out) != gblen || fflush(out) != 0) {
		ch_fail(e, NULL, 0, "cannot write the payout file");
		goto out;
	}
	/* A new batch with nothing in it is not kept. */
	if (*written == 0 &&
	    db_run(db, e, "DELETE FROM payout_batches WHERE batch_id = ? AND"
	           " payouts = 0", "i", batch_id) < 0)
		goto out;
	if (db_commit(db, e) < 0) {
		if (path)
			unlink(path);
		goto out;
	}
	*batch_out = batch_id;
	rc = 0;
	/* The WAL still holds the pages with the PINs just erased. */
	if (new && db_scrub_wal(db, e) < 0)
		fprintf(stderr, "certhall-batch: payouts export: warning: %s\n",
		        e->msg);
out:
	if (rc < 0)
		db_rollback(db);
	if (b.data)
		memset(b.data, 0, b.len);
	if (gb)
		memset(gb, 0, gblen);
	ch_buf_free(&b);
	free(gb);
	memset(key, 0, sizeof key);
	return rc;
}
