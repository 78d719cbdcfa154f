/* libFuzzer target: any bytes as a wechat bill, read
 * as import reads it (fuzz_stmt_common.h). */
#define FUZZ_SOURCE "wechat"
#include "tests/fuzz/fuzz_stmt_common.h"
