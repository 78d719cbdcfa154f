/* libFuzzer target: any bytes as a alipay bill, read
 * as import reads it (fuzz_stmt_common.h). */
#define FUZZ_SOURCE "alipay"
#include "tests/fuzz/fuzz_stmt_common.h"
