/* SPDX-License-Identifier: MIT */
/* Runs one reader model on an in-memory image (the case programs' glue). */
#ifndef PVH_READERS_MODEL_H
#define PVH_READERS_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "pvhreaders/readers.h"

/* Fills *out with the named reader's verdict; -1 when the reader is unknown
 * or libpvh cannot parse the ELF headers (out->why says so). */
int model_verdict(const char *reader, const uint8_t *img, size_t len, struct pvhr_result *out);
/* "entry:0x101010", "no-entry", "refuses", "undefined", "unknown". */
void model_word(const struct pvhr_result *r, char *buf, size_t len);

#endif
