/* layout.h: what an export looks like. A layout maps each of our fields
 * to the header names real exports use for it (with synonyms), names the
 * words that tell direction and kind, and the labels of the totals and
 * balances an export prints before or after its rows. A statement is
 * recognised by its header row, never by column position.
 *
 * Layouts are YAML (format in certhall-batch(1), LAYOUT FILES): the
 * built-in ones (layout_builtin.c) and any in the layouts folder
 * (every .yaml file of <content>/layouts), where a file layout of a built-in's name
 * replaces it. A layout set owns every string in it: layouts_free(). */
#ifndef BATCH_MONEY_LAYOUT_H
#define BATCH_MONEY_LAYOUT_H

#include <stddef.h>

#include "common/error.h"

typedef enum lay_field {
	LF_SERIAL,         /* the bank's serial number of the line */
	LF_REFUND_SERIAL,  /* a refund's own number (WeChat 微信退款单号) */
	LF_DATE,
	LF_TIME,
	LF_DEBIT,
	LF_CREDIT,
	LF_AMOUNT,         /* one signed column, or with LF_DIRECTION */
	LF_DIRECTION,      /* 借/贷, 收/支 */
	LF_BALANCE,
	LF_CP_NAME,        /* counterparty */
	LF_CP_ACCOUNT,
	LF_CP_BANK,
	LF_PAYER_NAME,     /* exports listing both sides: the counterparty */
	LF_PAYER_ACCOUNT,  /* is the payer of a credit and the payee of a */
	LF_PAYER_BANK,     /* debit */
	LF_PAYEE_NAME,
	LF_PAYEE_ACCOUNT,
	LF_PAYEE_BANK,
	LF_MEMO,           /* every column that matches, joined */
	LF_ORDER_NO,       /* 商户订单号 */
	LF_TYPE,           /* a type or status column (SUCCESS/REFUND) */
	LF_REFUND_AMOUNT,
	LF_REVERSAL_FLAG,  /* 冲帐标志: non-empty marks a reversal */
	LF_NFIELDS
} lay_field;

typedef enum lay_word {
	LW_CREDIT,   /* direction cell values meaning money in */
	LW_DEBIT,
	LW_REVERSAL, /* memo or type keywords */
	LW_RETURNED,
	LW_REFUND,
	LW_FOOTER,   /* a row starting with one ends the rows (合计) */
	LW_SUBTOTAL, /* a row starting with one is skipped (本页小计) */
	LW_NWORDS
} lay_word;

typedef enum lay_sum {
	LS_ACCOUNT,
	LS_OPENING,
	LS_CLOSING,
	LS_TOTAL_DEBIT,
	LS_TOTAL_CREDIT,
	LS_NSUMS
} lay_sum;

typedef struct lay_list {
	char **v; /* normalised (see lay_norm) */
	size_t n;
} lay_list;

typedef struct layout {
	char *name;   /* icbc, wechat, ... */
	char *title;  /* 工商银行 对公账户明细 */
	char *source; /* bank, wechat or alipay */
	char *bank;   /* the namespace of its line keys; default: name */
	char *origin; /* "built-in" or the file it came from */
	lay_list fields[LF_NFIELDS];
	lay_list words[LW_NWORDS];
	lay_list sums[LS_NSUMS];
	int require[LF_NFIELDS]; /* 1: the header row must have it */
} layout;

typedef struct layouts {
	layout *v;
	size_t n, cap;
} layouts;

const char *lay_field_name(lay_field f);

/* The built-ins, then every *.yaml of dir (NULL or a missing folder: the
 * built-ins alone). A bad layout file is an error naming file and line. */
int layouts_load(const char *dir, layouts *out, ch_error *e);
/* Parses one layout file's text into *l (the caller frees it). */
int layout_parse(const char *text, size_t len, const char *file, layout *l,
                 ch_error *e);
void layout_free(layout *l);
void layouts_free(layouts *ls);

/* A header or label as compared: spaces and tabs dropped, full-width
 * ASCII and brackets folded, ASCII lower-cased, and a bilingual tail
 * ("交易金额[ Trade Amount ]") cut. Writes into out (cap bytes). */
void lay_norm(const char *s, char *out, size_t cap);
/* 1 when the normalised text equals one of the list's entries. */
int lay_list_has(const lay_list *l, const char *norm);
/* 1 when one of the list's entries occurs in the (raw UTF-8) text. */
int lay_list_in(const lay_list *l, const char *text);
/* The same for text already normalised by lay_norm. */
int lay_list_in_norm(const lay_list *l, const char *norm);

/* The built-in layouts, as YAML documents (layout_builtin.c). */
extern const char *const LAYOUT_BUILTIN[];
extern const size_t LAYOUT_NBUILTIN;

#endif
