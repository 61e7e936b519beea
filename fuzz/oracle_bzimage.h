/* SPDX-License-Identifier: MIT */
/* Oracles for the bzImage reader (pvhbz, bzimage/): what the setup header
 * parse promises, and what a decompression may produce. Used by
 * fuzz_bzimage; abort through oracle_fail like every oracle. */
#ifndef PVH_FUZZ_ORACLE_BZIMAGE_H
#define PVH_FUZZ_ORACLE_BZIMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "pvhbz/bzimage.h"

/* After pvhbz_parse: the header's fields agree with the bytes (HdrS, the
 * setup_sects rule, the payload inside the file, the method's magic, the
 * trailer), and a refusal names a known error with a message. */
void oracle_check_bz_parse(const uint8_t *data, size_t size, enum pvhbz_err rc, const struct pvhbz_header *h,
                           const struct pvhbz_error *err);

/* Unpacks the payload (pvhbz_unpack: exactly declared_size bytes, or a size
 * error naming both numbers), then decodes it again into one byte less (a stream that fit
 * must now be "larger", naming at least the declared size) and one byte
 * more (must be "smaller", naming exactly it, with the same bytes), each
 * followed by a guard that must stay untouched. Returns the decoded bytes (malloc'd) on success,
 * NULL otherwise; *len their size. */
uint8_t *oracle_check_bz_decompress(const uint8_t *data, size_t size, const struct pvhbz_header *h,
                                    uint64_t limit, size_t *len);

#endif
