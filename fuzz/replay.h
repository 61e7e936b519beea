/* SPDX-License-Identifier: MIT */
/* Corpus replay shared by the standalone driver and the AFL++ driver: every
 * target binary, whatever engine it was built for (except libFuzzer, which has
 * its own), runs the files and directories named on its command line. */
#ifndef PVH_FUZZ_REPLAY_H
#define PVH_FUZZ_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The libFuzzer interface every target implements. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional; called once before the first input when the target defines it. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

/* Runs every file argument and every regular file inside every directory
 * argument (sorted by name, not recursive past one level of directories,
 * dot-files skipped) once. Arguments starting with '-' are engine flags meant
 * for libFuzzer and are ignored with a note. With no inputs at all, reads one
 * input from standard input. Returns the process exit status: 0 when every
 * input ran (a crash or oracle failure aborts the process before that), 1 when
 * an argument could not be read. */
int pvh_fuzz_replay_main(int argc, char **argv);

#ifdef __cplusplus
}
#endif
#endif
