/* SPDX-License-Identifier: MIT */
/* AFL++ persistent-mode driver: the target runs in a loop inside one process,
 * and AFL++ hands each input through shared memory (__AFL_FUZZ_TESTCASE_BUF /
 * _LEN) instead of a file, so an execution costs one function call. With file
 * or directory arguments it replays them instead (afl-tmin/triage, ctest).
 *
 * The __AFL_* macros exist only under afl-clang-fast/afl-clang-lto; built with
 * any other compiler this file falls back to replay so the build never breaks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h> /* read(): __AFL_FUZZ_TESTCASE_LEN falls back to stdin */

#include "replay.h"

#ifdef __AFL_FUZZ_TESTCASE_LEN
__AFL_FUZZ_INIT();
#endif

/* Iterations before the process restarts: long enough to amortise fork, short
 * enough that a slow leak or state drift cannot pile up. */
#define PERSISTENT_ITERATIONS 100000

int main(int argc, char **argv) {
#ifdef __AFL_FUZZ_TESTCASE_LEN
  int has_args = 0;
  for (int i = 1; i < argc; i++)
    has_args |= argv[i][0] != '-';
  if (has_args || getenv("PVH_FUZZ_REPLAY"))
    return pvh_fuzz_replay_main(argc, argv);
  if (LLVMFuzzerInitialize)
    LLVMFuzzerInitialize(&argc, &argv);
  __AFL_INIT(); /* deferred fork server: start after initialisation */
  const unsigned char *shared = __AFL_FUZZ_TESTCASE_BUF;
  while (__AFL_LOOP(PERSISTENT_ITERATIONS)) {
    size_t len = (size_t)__AFL_FUZZ_TESTCASE_LEN;
    /* The shared buffer is larger than the input; an exact copy lets ASan (when
     * built in) catch reads past the end. */
    unsigned char *copy = malloc(len ? len : 1);
    if (!copy)
      abort();
    memcpy(copy, shared, len);
    LLVMFuzzerTestOneInput(copy, len);
    free(copy);
  }
  return 0;
#else
  fprintf(stderr, "driver_afl: not built with afl-clang-fast; replaying arguments instead\n");
  return pvh_fuzz_replay_main(argc, argv);
#endif
}
