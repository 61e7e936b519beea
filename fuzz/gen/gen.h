/* SPDX-License-Identifier: MIT */
/* Shared by the seed generators of fuzz/gen/: one file per fuzz target
 * (gen_<target>.c), each encoding its seeds with the target's input format
 * (fuzz/format_<target>.h), and gen_main.c that runs them all. */
#ifndef PVH_FUZZ_GEN_H
#define PVH_FUZZ_GEN_H

#include <stddef.h>

/* Writes one seed to OUTDIR/<target>/<name>; exits on failure. */
void emit(const char *target, const char *name, const void *data, size_t len);
struct fuzz_codec;
/* Writes what a writing codec (fuzz/format.h) encoded as one seed; exits if
 * the seed did not fit the codec's buffer. */
void emit_encoded(const char *target, const char *name, const struct fuzz_codec *c);
/* Prints "pvh_gen_corpus: <what>: <errno text>" and exits 1. */
void die(const char *what);

void gen_load_seeds(void);
void gen_notes_seeds(void);
void gen_layout_seeds(void);
void gen_helpers_seeds(void);

#endif
