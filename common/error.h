/* error.h: the error value every fallible function of certhall fills.
 *
 * Functions return 0 on success and -1 on failure; on failure they have
 * filled the caller's ch_error with what went wrong and where (a file and
 * a line when there is one). Only main() prints it and decides the exit
 * status. */
#ifndef CH_ERROR_H
#define CH_ERROR_H

typedef struct ch_error {
	char file[512]; /* the file the error is about, "" if none */
	int line;       /* 1-based line in that file, 0 if none */
	char msg[1024]; /* one line, no trailing newline */
} ch_error;

/* Fills e (which may be NULL) and returns -1, so that callers can write
 * `return ch_fail(e, path, line, "...")`. */
int ch_fail(ch_error *e, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Prints "prog: file:line: msg" (file and line when set) to stderr. */
void ch_error_print(const ch_error *e, const char *prog);

#endif
