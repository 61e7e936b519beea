/* SPDX-License-Identifier: MIT */
/* fuzz_empty: accepts every input and does nothing with it. Run on the same
 * corpus with the same flags as a real target, its execs/s is what the engine
 * itself costs (mutation, coverage bookkeeping, ASan's malloc of the input);
 * bench-fuzz.sh prints each target's rate as a fraction of it. */
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  (void)data, (void)size;
  return 0;
}
