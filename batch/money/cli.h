/* cli.h: the finance commands' command lines (reconcile, payments,
 * payouts, verify, report finance): options parsed, the database opened,
 * the work handed to its module, and the exit status returned to main:
 * 0 ok, 1 found/refused/failed, 2 usage or system error. */
#ifndef BATCH_MONEY_CLI_H
#define BATCH_MONEY_CLI_H

int money_cmd_reconcile(const char *config, int argc, char **argv);
int money_cmd_payments(const char *config, int argc, char **argv);
int money_cmd_payouts(const char *config, int argc, char **argv);
int money_cmd_verify(const char *config, int argc, char **argv);
int money_cmd_report(const char *config, int argc, char **argv);
/* init's part: the verification key file. */
int money_init(const char *config);

#endif
