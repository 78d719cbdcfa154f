/* payview.c: how the amount due is made up and paid (see payview.h). */
#include "batch/payview.h"

#include <stdlib.h>
#include <string.h>

#include "batch/db.h"
#include "batch/intake/notice.h"
#include "common/termsafe.h"
#include "common/text.h"
#include "common/grow.h"

/* The payment method the revision's form chose. */
static int read_method(sqlite3 *db, const char *aid, long rev, payview *pv,
                       ch_error *e)
{
	sqlite3_stmt *st = NULL;
	int r;

	r = db_row(db, e, &st, "SELECT application_json FROM revisions"
	           " WHERE application_id = ? AND revision = ?"
	           " AND outcome = 'accepted'", "si", aid, (long long)rev);
	if (r == 1) {
		const char *text = (const char *)sqlite3_column_text(st, 0);
		json_t *app = text ? json_loads(text, 0, NULL) : NULL;
		const char *m = json_string_value(json_object_get(app, "payment_method"));
		if (m && (!strcmp(m, "transfer") || !strcmp(m, "online")))
			snprintf(pv->method, sizeof pv->method, "%s", m);
		json_decref(app);
	}
	sqlite3_finalize(st);
	return r < 0 ? -1 : 0;
}

static long price(const ch_fees *fees, int personal, long years)
{
	if (years < 1 || years > 5)
		return -1;
	return personal ? fees->personal[years] : fees->organization[years];
}

static int add_item(payview *pv, const ch_fees *fees, int personal,
                    const char *holder, long years)
{
	payview_item *it;

	if (CH_GROW(pv->items, pv->n + 1, pv->cap) < 0)
		return -1;
	it = &pv->items[pv->n];
	it->personal = personal;
	it->years = years;
	it->price_fen = price(fees, personal, years);
	it->holder = holder ? strdup(holder) : NULL;
	if (holder && !it->holder)
		return -1;
	pv->n++;
	if (it->price_fen >= 0)
		pv->total_fen += it->price_fen;
	return 0;
}

int payview_load(sqlite3 *db, const ch_fees *fees, const char *aid, long rev,
                 payview *pv, ch_error *e)
{
	sqlite3_stmt *st = NULL;
	int r;

	memset(pv, 0, sizeof *pv);
	if (read_method(db, aid, rev, pv, e) < 0)
		return -1;
	if (db_prepare(db, "SELECT c.kind = 'personal', c.years, p.name"
	               " FROM certificates c LEFT JOIN people p"
	               " ON p.application_id = c.application_id"
	               " AND p.revision = c.revision AND p.role = 'holder'"
	               " AND p.seq = c.holder_seq"
	               " WHERE c.application_id = ? AND c.revision = ?"
	               " ORDER BY c.seq", &st, e) < 0)
		return -1;
	if (db_bind(st, "si", aid, (long long)rev) < 0) {
		sqlite3_finalize(st);
		return db_fail(db, e, "database error");
	}
	while ((r = db_step(db, st, e)) == 1)
		if (add_item(pv, fees, sqlite3_column_int(st, 0),
		             (const char *)sqlite3_column_text(st, 2),
		             (long)sqlite3_column_int64(st, 1)) < 0) {
			r = ch_fail(e, NULL, 0, "out of memory");
			break;
		}
	sqlite3_finalize(st);
	if (r < 0)
		payview_free(pv);
	return r < 0 ? -1 : 0;
}

void payview_free(payview *pv)
{
	for (size_t i = 0; i < pv->n; i++)
		free(pv->items[i].holder);
	free(pv->items);
	memset(pv, 0, sizeof *pv);
}

const char *payview_method_words(const char *method)
{
	if (!strcmp(method, "transfer"))
		return "公对公转账";
	if (!strcmp(method, "online"))
		return "网厅缴费（支付宝/微信）";
	return "";
}

const char *payview_next_step(const char *method)
{
	if (!strcmp(method, "online"))
		return "pay in the service hall (网厅, 个人中心 - 我的订单) by "
		       "支付宝 or 微信; 深圳CA then makes a micro-deposit "
		       "(小额打款) to the basic account, and the verification code "
		       "(随机验证码) in its memo is entered in 我的订单";
	if (!strcmp(method, "transfer"))
		return "a corporate transfer (公对公转账) with the order number "
		       "(订单号) in the transfer memo (转账附言填写订单号)";
	return "payment (付款) of the amount due";
}

/* A name as JSON; names are the batch's own valid UTF-8, but a database
 * edited by hand may hold anything, which jansson would refuse. */
static json_t *name_json(const char *s)
{
	if (!s)
		return json_null();
	return ch_utf8_valid(s, strlen(s)) ? json_string(s) : json_string("?");
}

json_t *payview_json(const payview *pv, long long due_fen)
{
	json_t *certs = json_array(), *o;

	if (!certs)
		return NULL;
	for (size_t i = 0; i < pv->n; i++) {
		const payview_item *it = &pv->items[i];
		json_t *c = json_pack("{s:s,s:s,s:o,s:I,s:o}",
		                      "certificate",
		                      it->personal ? "personal" : "organization",
		                      "certificate_words",
		                      it->personal ? "机构个人证书" : "机构证书",
		                      "holder", name_json(it->holder),
		                      "years", (json_int_t)it->years,
		                      "price_fen", it->price_fen >= 0
		                          ? json_integer(it->price_fen) : json_null());
		if (!c || json_array_append_new(certs, c) < 0) {
			json_decref(certs);
			return NULL;
		}
	}
	o = json_pack("{s:s?,s:s?,s:o,s:I,s:b,s:s}",
	              "method", pv->method[0] ? pv->method : NULL,
	              "method_words",
	              pv->method[0] ? payview_method_words(pv->method) : NULL,
	              "certificates", certs,
	              "total_fen", (json_int_t)pv->total_fen,
	              "matches_amount_due", pv->total_fen == due_fen,
	              "next_step", payview_next_step(pv->method));
	return o;
}

void payview_print(const payview *pv, long long due_fen, FILE *out)
{
	char yuan[32];

	fprintf(out, "payment method         %s%s%s%s\n",
	        pv->method[0] ? payview_method_words(pv->method) : "(unknown)",
	        pv->method[0] ? " (" : "", pv->method, pv->method[0] ? ")" : "");
	fprintf(out, "amount due made up of  (fee schedule)\n");
	for (size_t i = 0; i < pv->n; i++) {
		const payview_item *it = &pv->items[i];
		fprintf(out, "  %s", it->personal ? "机构个人证书" : "机构证书");
		if (it->holder) {
			fputc(' ', out);
			ch_term_fputs(it->holder, out);
		}
		fprintf(out, ", %ld year(s)  ", it->years);
		if (it->price_fen < 0) {
			fprintf(out, "not in the fee schedule\n");
			continue;
		}
		notice_yuan(it->price_fen, yuan);
		fprintf(out, "%ld fen (%s 元)\n", it->price_fen, yuan);
	}
	notice_yuan(pv->total_fen, yuan);
	fprintf(out, "  total  %lld fen (%s 元)%s\n", pv->total_fen, yuan,
	        pv->total_fen == due_fen
	            ? "" : "; the schedule changed since acceptance, the amount "
	                   "due stays as accepted");
}
