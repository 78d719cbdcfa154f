/* payview.h: how an application's amount due is made up and how it is
 * paid, for `status`: the payment method of the revision on file, each
 * stored certificate with its years and its price by the fee schedule, and
 * the next step worded for the method (公对公转账: the order number in the
 * transfer memo; 网厅缴费: 支付宝/微信 in the service hall, then the
 * 小额打款 verification code). The payview owns its strings. */
#ifndef BATCH_PAYVIEW_H
#define BATCH_PAYVIEW_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>

#include "common/error.h"
#include "common/fees.h"

typedef struct payview_item {
	int personal;    /* 0: 机构证书, 1: 机构个人证书 */
	char *holder;    /* the holder's name (personal), else NULL */
	long years;
	long price_fen;  /* -1 when the schedule has no price for it */
} payview_item;

typedef struct payview {
	char method[16];       /* "transfer", "online", or "" when unknown */
	payview_item *items;
	size_t n, cap;
	long long total_fen;   /* the items' prices added up */
} payview;

/* Reads revision rev of application aid (an accepted one: others hold no
 * certificates, and pv stays empty). -1 (e filled) on a database failure
 * or no memory. */
int payview_load(sqlite3 *db, const ch_fees *fees, const char *aid, long rev,
                 payview *pv, ch_error *e);
void payview_free(payview *pv);

/* The method in the guide's words, "" when unknown. */
const char *payview_method_words(const char *method);
/* What the applicant does next to pay, for the operator to read out. */
const char *payview_next_step(const char *method);

/* {"method", "method_words", "certificates": [...], "total_fen",
 * "matches_amount_due", "next_step"}; NULL when memory runs out. */
json_t *payview_json(const payview *pv, long long due_fen);
/* The same as lines of text for `status`. */
void payview_print(const payview *pv, long long due_fen, FILE *out);

#endif
