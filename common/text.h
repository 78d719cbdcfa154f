/* text.h: text handling shared by both programs: UTF-8, full-width
 * folding, GB18030 decoding, NFC, and masking of personal numbers. */
#ifndef CH_TEXT_H
#define CH_TEXT_H

#include <stddef.h>

int ch_utf8_valid(const char *s, size_t n);
/* The number of characters, not bytes, of UTF-8 s: each byte that is not
 * a continuation byte starts one (a full-width digit is one digit). */
size_t ch_utf8_chars(const char *s);
/* Drops an incomplete UTF-8 sequence from the end of s: what snprintf
 * leaves when it cuts a string to fit, so that a cut value stays valid
 * UTF-8 (jansson refuses anything else). */
void ch_utf8_cut_tail(char *s);
/* Returns a malloc'd copy with ０-９ Ａ-Ｚ ａ-ｚ and the ideographic space
 * folded to ASCII; NULL on allocation failure. */
char *ch_fold_fullwidth(const char *s);
/* Decodes GB18030 bytes to a malloc'd UTF-8 string; NULL if invalid. */
char *ch_gb18030_to_utf8(const char *s, size_t n);
/* A malloc'd NFC normalisation of UTF-8 s; NULL if invalid or no memory. */
char *ch_nfc(const char *s);

/* Masks for logs and reports (DESIGN.md): out must hold 64 bytes.
 * ID 11010519491231002X -> 1101**********002X; mobile 13812345678 ->
 * 138****5678; account -> first 4 and last 4 digits kept. */
void ch_mask_id(const char *id, char out[64]);
void ch_mask_mobile(const char *mobile, char out[64]);
void ch_mask_account(const char *account, char out[64]);
/* An e-mail address: its first character (whole, however many bytes),
 * "***" and the domain: "w***@example.com". */
void ch_mask_email(const char *email, char out[64]);
/* An outbox recipient by its channel: a mobile for "sms", else an
 * e-mail address. */
void ch_mask_recipient(const char *channel, const char *to, char out[64]);

#endif
