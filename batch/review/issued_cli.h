/* issued_cli.h: the command line of `certhall-batch issued [--json] FILE`
 * (issued.h does the work): 0 recorded, 1 the file refused, 2 usage or
 * system error. */
#ifndef BATCH_REVIEW_ISSUED_CLI_H
#define BATCH_REVIEW_ISSUED_CLI_H

int issued_cmd(const char *config, int argc, char **argv);

#endif
