/* cli.h: the review and shipping command lines (review list/show/
 * approve/reject, ship): options parsed, the database opened, the work
 * handed to due.h, sheet.h or decide.h, and the exit status returned to
 * main: 0 ok, 1 not found or refused (naming the state found), 2 usage
 * or system error. */
#ifndef BATCH_REVIEW_CLI_H
#define BATCH_REVIEW_CLI_H

int review_cmd_review(const char *config, int argc, char **argv);
int review_cmd_ship(const char *config, int argc, char **argv);

#endif
