/* cli.h: the finance commands' command lines (reconcile, payments,
 * payouts, verify, report finance): options parsed, the database opened,
 * the work handed to its module, and the exit status returned to main:
 * 0 ok, 1 found/refused/failed, 2 usage or system error. */
#ifndef BATCH_MONEY_CLI_H
#define BATCH_MONEY_CLI_H

#include "batch/config.h"

int money_cmd_reconcile(const char *config, int argc, char **argv);
int money_cmd_payments(const char *config, int argc, char **argv);
int money_cmd_payouts(const char *config, int argc, char **argv);
int money_cmd_verify(const char *config, int argc, char **argv);
int money_cmd_report(const char *config, int argc, char **argv);
/* init's part: the verification key file (payout.h). 0 or -1 and e. */
int money_init(const batch_config *cfg, ch_error *e);

#endif
