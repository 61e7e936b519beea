/* SPDX-License-Identifier: MIT */
/* The standalone engine: no fuzzing at all, only replay. Linked into every
 * target when PVH_FUZZ_ENGINE=standalone (the default build, any compiler), so
 * `fuzz_load corpus/fuzz_load corpus/regressions/fuzz_load` is how ctest
 * replays the corpora on every build. */
#include "replay.h"

int main(int argc, char **argv) { return pvh_fuzz_replay_main(argc, argv); }
