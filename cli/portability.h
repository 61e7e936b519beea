/* SPDX-License-Identifier: MIT */
/* inspect's portability table: each reader model's verdict on the kernel
 * (pvhreaders), in text and JSON. */
#ifndef PVHCLI_PORTABILITY_H
#define PVHCLI_PORTABILITY_H

#include "json.h"
#include "pvh/image.h"
#include "pvhreaders/readers.h"

#define PORTABILITY_MAX_READERS 8

struct portability {
  int judged; /* 0: the ELF headers could not be read; `error` says why */
  char error[320];
  size_t n;
  struct pvhr_result results[PORTABILITY_MAX_READERS];
  int agree; /* every VMM row gives the same verdict and entry */
};

void portability_judge(const struct pvh_image *kernel, struct portability *p);
void portability_print_text(FILE *out, const struct portability *p);
/* Writes the "portability" key and its array into the open object. */
void portability_json(struct json_writer *w, const struct portability *p);
/* One line naming the rows that differ, for the --portable error. */
void portability_summary(const struct portability *p, char *buf, size_t len);

#endif
