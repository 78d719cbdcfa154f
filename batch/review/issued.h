/* issued.h: `certhall-batch issued FILE`: the issuing system's results
 * recorded, and each certificate's PIN sent where the guide says (FAQ 四,
 * 第 7 步 温馨提示).
 *
 * FILE holds JSON lines, one object per certificate:
 *   order_no       the order (订单号)
 *   kind           "organization" (机构证书) or "personal" (机构个人证书)
 *   id_number      the holder's 身份证号, for a personal certificate only
 *   serial         the certificate's serial number (1-64 of A-Z a-z 0-9 -)
 *   pin            its PIN (4-16 of A-Z a-z 0-9)
 *   e_invoice_url  optional, per order: https, printable ASCII, at most
 *                  ISSUED_URL_MAX characters (it goes in an SMS)
 * Blank lines are skipped. Every line is checked and recorded in one
 * transaction: one bad line refuses the file, naming the line, and
 * nothing is recorded. A certificate whose serial is on record already is
 * skipped, so the same file twice changes nothing.
 *
 * The PIN goes by the order's payment method: 公对公转账, an SMS
 * (pin_organization to the 经办人's mobile, pin_personal to that
 * holder's); 支付宝/微信, a row of the next payouts export, its memo
 * (附言) to the corporate account (pin_payouts, batch/money/payout.h).
 * It is kept nowhere else, and erased once the SMS is sent or the payout
 * exported. It is never written to a message of this command.
 *
 * An order whose every certificate of its accepted revision has a serial
 * goes approved -> issued (states.h). */
#ifndef BATCH_REVIEW_ISSUED_H
#define BATCH_REVIEW_ISSUED_H

#include <sqlite3.h>

#include "batch/context.h"
#include "common/error.h"

#define ISSUED_URL_MAX 80
#define ISSUED_PIN_MIN 4
#define ISSUED_PIN_MAX 16
#define ISSUED_SERIAL_MAX 64

typedef struct issued_stats {
	long long lines;    /* certificates in the file */
	long long recorded; /* new serials */
	long long known;    /* serials on record already */
	long long pin_sms;  /* PIN SMS queued */
	long long pin_payouts; /* PIN payouts waiting for the export */
	long long invoices; /* orders whose e-invoice notice was queued */
	long long orders_issued;
} issued_stats;

/* 0 recorded; 1 the file refused (e names file and line; nothing
 * recorded); -1 a system or database error. */
int issued_run(batch_ctx *ctx, sqlite3 *db, const char *path,
               issued_stats *st, ch_error *e);

#endif
