/* SPDX-License-Identifier: MIT */
/* See replay.h. Each input is copied into a buffer of exactly its size, so
 * ASan sees a read one byte past the end as the overflow it is. */
#include "replay.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int run_file(const char *path, unsigned long *count) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "replay: cannot open %s: %s\n", path, strerror(errno));
    return -1;
  }
  size_t cap = 4096, len = 0;
  uint8_t *buf = malloc(cap);
  while (buf) {
    size_t got = fread(buf + len, 1, cap - len, f);
    len += got;
    if (len < cap)
      break;
    uint8_t *bigger = realloc(buf, cap * 2);
    if (!bigger)
      free(buf);
    buf = bigger;
    cap *= 2;
  }
  int bad = !buf || ferror(f);
  fclose(f);
  if (bad) {
    fprintf(stderr, "replay: cannot read %s\n", path);
    free(buf);
    return -1;
  }
  /* Exact-size copy: the read buffer above has slack ASan would not flag. */
  uint8_t *exact = malloc(len ? len : 1);
  if (!exact) {
    free(buf);
    return -1;
  }
  memcpy(exact, buf, len);
  free(buf);
  fprintf(stderr, "Running: %s (%zu bytes)\n", path, len);
  LLVMFuzzerTestOneInput(exact, len);
  free(exact);
  (*count)++;
  return 0;
}

static int run_dir(const char *dir, unsigned long *count) {
  struct dirent **names = NULL;
  int n = scandir(dir, &names, NULL, alphasort);
  if (n < 0) {
    fprintf(stderr, "replay: cannot list %s: %s\n", dir, strerror(errno));
    return -1;
  }
  int rc = 0;
  for (int i = 0; i < n; i++) {
    if (names[i]->d_name[0] != '.' && rc == 0) {
      size_t len = strlen(dir) + strlen(names[i]->d_name) + 2;
      char *path = malloc(len);
      struct stat st;
      if (!path) {
        rc = -1;
      } else {
        snprintf(path, len, "%s/%s", dir, names[i]->d_name);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
          rc = run_file(path, count);
        free(path);
      }
    }
    free(names[i]);
  }
  free(names);
  return rc;
}

int pvh_fuzz_replay_main(int argc, char **argv) {
  unsigned long count = 0;
  int inputs = 0, rc = 0, noted = 0;
  if (LLVMFuzzerInitialize)
    LLVMFuzzerInitialize(&argc, &argv);
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (argv[i][0] == '-') {
      if (!noted++)
        fprintf(stderr, "replay: ignoring engine flags such as %s (this is the replay driver)\n", argv[i]);
      continue;
    }
    inputs++;
    if (stat(argv[i], &st) != 0) {
      fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
      rc = 1;
    } else if (S_ISDIR(st.st_mode)) {
      if (run_dir(argv[i], &count) != 0)
        rc = 1;
    } else if (run_file(argv[i], &count) != 0) {
      rc = 1;
    }
  }
  if (!inputs && run_file("/dev/stdin", &count) != 0)
    rc = 1;
  fprintf(stderr, "replay: executed %lu inputs%s\n", count, rc ? " (some arguments could not be read)" : "");
  return rc;
}
