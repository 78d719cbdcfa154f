/* message.h: an e-mail as Chinese mail clients read it well (RFC 5322 and
 * MIME): a UTF-8 text body in base64, the subject and display names as
 * RFC 2047 encoded-words cut on character boundaries, every line within
 * 78 characters, Date and Message-ID given by the caller so that a retry
 * sends the same message. Nothing is built from a header value holding
 * CR, LF or NUL, nor from an address that is not a plain addr-spec: such
 * input is refused before anything is sent. Lines end in LF, as msmtp
 * and .eml files expect on Unix. */
#ifndef BATCH_NOTIFY_MESSAGE_H
#define BATCH_NOTIFY_MESSAGE_H

#include <time.h>

#include "common/buf.h"
#include "common/error.h"

/* A mailbox split into its display name (may be "") and its address.
 * Both point into storage the caller owns. */
typedef struct mail_mailbox {
	char name[256];
	char addr[256];
} mail_mailbox;

/* Reads "Name <addr>" or a bare "addr" (the configuration's `from`).
 * The name may be quoted; the address must be a plain addr-spec. */
int mail_mailbox_parse(const char *s, mail_mailbox *out, ch_error *e);

typedef struct mail_message {
	const char *from;       /* "深圳CA <noreply@example.com>" or an address */
	const char *to_name;    /* the recipient's name, NULL or "" for none */
	const char *to_addr;    /* a plain address */
	const char *subject;    /* UTF-8 */
	const char *body;       /* UTF-8 text, LF line ends */
	const char *message_id; /* "<...@...>", kept across retries */
	time_t date;            /* shown in Asia/Shanghai (+0800) */
} mail_message;

/* Appends the whole message (headers, blank line, body) to out. */
int mail_build(const mail_message *m, ch_buf *out, ch_error *e);

/* A Message-ID for outbox row `id` made at `created` (stored UTC text),
 * in the domain of the from address: the same inputs give the same id,
 * so a message retried after a crash keeps it. */
int mail_message_id(const char *from, long long id, const char *created,
                    char *out, size_t n, ch_error *e);

#endif
