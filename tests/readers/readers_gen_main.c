/* SPDX-License-Identifier: MIT */
/* readers_gen DIR: writes every reader case to DIR/<name>.elf and prints one
 * line per case: name, file, then each reader model's word
 * ("entry:0x101010", "no-entry", ...), tab-separated, after a header line.
 * tests/readers/test_qemu_readers.sh boots these files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "readers_cases.h"
#include "readers_model.h"

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: readers_gen DIR\n");
    return 2;
  }
  printf("case\tfile");
  for (size_t r = 0; r < pvhr_reader_count(); r++)
    printf("\t%s", pvhr_reader_at(r)->name);
  printf("\n");
  for (size_t i = 0; i < reader_case_count(); i++) {
    const struct reader_case *c = reader_case_at(i);
    uint8_t *img;
    size_t len;
    char path[4096];
    if (c->build(&img, &len) != 0) {
      fprintf(stderr, "readers_gen: cannot build case %s\n", c->name);
      return 1;
    }
    snprintf(path, sizeof(path), "%s/%s.elf", argv[1], c->name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(img, 1, len, f) != len || fclose(f) != 0) {
      fprintf(stderr, "readers_gen: cannot write %s\n", path);
      return 1;
    }
    printf("%s\t%s", c->name, path);
    for (size_t r = 0; r < pvhr_reader_count(); r++) {
      struct pvhr_result res;
      char word[48];
      model_verdict(pvhr_reader_at(r)->name, img, len, &res);
      model_word(&res, word, sizeof(word));
      printf("\t%s", word);
    }
    printf("\n");
    free(img);
  }
  return 0;
}
