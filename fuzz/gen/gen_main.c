/* SPDX-License-Identifier: MIT */
/* pvh_gen_corpus: writes the seed corpora of every fuzz target into
 * OUTDIR/<target>/<descriptive-name>. fuzz/scripts/gen-corpus.sh renames them
 * to their sha1 and writes corpus/<target>.seeds (sha1 → name), so the
 * checked-in seeds are reproducible with one command.
 *
 * Each target's seeds come from gen_<target>.c, encoded with the target's
 * input format (fuzz/format_<target>.h), the same description the target
 * decodes its input with.
 *
 * Everything is deterministic: same source, same bytes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "format.h"
#include "gen.h"

static const char *outdir;
static unsigned written;

void die(const char *what) {
  fprintf(stderr, "pvh_gen_corpus: %s: %s\n", what, errno ? strerror(errno) : "failed");
  exit(1);
}

void emit(const char *target, const char *name, const void *data, size_t len) {
  char path[4096];
  snprintf(path, sizeof(path), "%s/%s", outdir, target);
  if (mkdir(path, 0755) != 0 && errno != EEXIST)
    die(path);
  snprintf(path, sizeof(path), "%s/%s/%s", outdir, target, name);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
    die(path);
  written++;
}

void emit_encoded(const char *target, const char *name, const struct fuzz_codec *c) {
  if (c->overflow) {
    char what[300];
    snprintf(what, sizeof(what), "%s seed %s is larger than its buffer", target, name);
    errno = 0;
    die(what);
  }
  emit(target, name, c->out, c->len);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
    return 2;
  }
  outdir = argv[1];
  if (mkdir(outdir, 0755) != 0 && errno != EEXIST)
    die(outdir);
  gen_load_seeds();
  gen_notes_seeds();
  gen_layout_seeds();
  gen_helpers_seeds();
  printf("pvh_gen_corpus: %u seeds in %s\n", written, outdir);
  return 0;
}
