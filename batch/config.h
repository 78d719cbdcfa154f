/* config.h: the batch's settings. Everything has an embedded default
 * (folders under var/ of the current directory, the content in content/,
 * BUNDLE.md's limits); a YAML file named by --config or CERTHALL_CONFIG
 * overrides paths, limits, the fee schedule and the mail/SMS settings the
 * notification step uses. An unknown key is an error naming file and
 * line, so that a typo does not silently leave a default in force.
 * Relative paths are relative to the current directory. The config owns
 * every string and JSON value in it: config_free(). */
#ifndef BATCH_CONFIG_H
#define BATCH_CONFIG_H

#include <jansson.h>

#include "batch/intake/bundle.h"
#include "common/error.h"
#include "common/fees.h"

typedef struct batch_config {
	char *file;     /* the config file read, NULL when none */
	char *database; /* var/certhall.db */
	char *store;    /* var/store */
	char *inbox;    /* var/inbox */
	char *done;     /* var/done */
	char *rejected; /* var/rejected */
	char *content;  /* content */
	char *outbox;   /* var/outbox: messages written when none is sent */
	char *reports;  /* var/reports: the nightly reports */
	char *statements; /* var/statements: the nightly run imports these */
	bundle_limits limits;
	int has_fees;   /* 1 when the file set the fee schedule */
	ch_fees fees;
	json_t *mail;   /* the `mail:` mapping as written, NULL if none */
	json_t *sms;    /* the `sms:` mapping as written, NULL if none */
} batch_config;

/* Fills c with the defaults, then reads path (or $CERTHALL_CONFIG when
 * path is NULL; no file at all when neither is set). */
int config_load(const char *path, batch_config *c, ch_error *e);
void config_free(batch_config *c);

#endif
