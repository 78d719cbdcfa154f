/* libFuzzer target: any bytes as a bank statement (the five banks' layouts), read
 * as import reads it (fuzz_stmt_common.h). */
#define FUZZ_SOURCE "bank"
#include "tests/fuzz/fuzz_stmt_common.h"
