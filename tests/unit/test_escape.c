/* SPDX-License-Identifier: MIT */
/* The one escaping rule for text pvhcheck prints but did not write
 * (cli/escape.h): control bytes, DEL, C1 (raw and as UTF-8), CR handling,
 * well-formed UTF-8 kept, and the state carried across chunks. */
#include <string.h>

#include "escape.h"
#include "harness.h"

static char out[CLI_ESCAPE_MAX(256)];

/* Escapes s in one call plus the flush, into out (NUL-terminated). */
static const char *esc(const char *s, size_t n) {
  struct cli_escaper e;
  memset(&e, 0, sizeof(e));
  size_t k = cli_escape(&e, s, n, out);
  k += cli_escape_flush(&e, out + k);
  out[k] = 0;
  return out;
}
#define ESC(lit) esc(lit, sizeof(lit) - 1)

static void plain_text_and_layout_pass(void **state) {
  (void)state;
  assert_string_equal(ESC("boot ok\n\tdone"), "boot ok\n\tdone");
  assert_string_equal(ESC("line\r\n"), "line\n"); /* a serial console's CR LF */
}

static void terminal_controls_are_shown_not_sent(void **state) {
  (void)state;
  assert_string_equal(ESC("\x1b]0;pwned\x07"), "\\x1b]0;pwned\\x07");
  assert_string_equal(ESC("\x1b[2J"), "\\x1b[2J");
  assert_string_equal(ESC("a\x7f"
                          "b"),
                      "a\\x7fb");
  assert_string_equal(ESC("x\ry"), "x\\ry"); /* a lone CR would overwrite the line */
  assert_string_equal(ESC("\x00"), "\\x00");
  assert_string_equal(ESC("end\r"), "end\\r");
}

static void c1_controls_raw_and_utf8(void **state) {
  (void)state;
  assert_string_equal(ESC("\x9b"
                          "2J"),
                      "\\x9b2J"); /* 8-bit CSI */
  assert_string_equal(ESC("\xc2\x9b"
                          "2J"),
                      "\\xc2\\x9b2J");              /* U+009B in UTF-8 */
  assert_string_equal(ESC("\xc2\xa0"), "\xc2\xa0"); /* U+00A0 is text */
}

static void utf8_kept_invalid_shown(void **state) {
  (void)state;
  assert_string_equal(ESC("caf\xc3\xa9"), "caf\xc3\xa9");
  assert_string_equal(ESC("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80");
  assert_string_equal(ESC("\xc0\xaf"), "\\xc0\\xaf");          /* overlong */
  assert_string_equal(ESC("\xed\xa0\x80"), "\\xed\\xa0\\x80"); /* surrogate */
  assert_string_equal(ESC("\xe2\x82"), "\\xe2\\x82");          /* cut short at the end */
  assert_string_equal(ESC("\xe2x"), "\\xe2x");
  assert_string_equal(ESC("\xff"), "\\xff");
}

/* The same bytes split anywhere give the same text (the echo gets one byte
 * at a time). */
static void chunks_equal_whole(void **state) {
  (void)state;
  static const char in[] = "a\r\nb\xc3\xa9\xc2\x9b\x1b[1m\rz\xe2\x82\xac\r";
  char whole[CLI_ESCAPE_MAX(64)];
  strcpy(whole, esc(in, sizeof(in) - 1));
  struct cli_escaper e;
  memset(&e, 0, sizeof(e));
  size_t k = 0;
  for (size_t i = 0; i < sizeof(in) - 1; i++)
    k += cli_escape(&e, in + i, 1, out + k);
  k += cli_escape_flush(&e, out + k);
  out[k] = 0;
  assert_string_equal(out, whole);
  assert_string_equal(whole, "a\nb\xc3\xa9\\xc2\\x9b\\x1b[1m\\rz\xe2\x82\xac\\r");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(plain_text_and_layout_pass), cmocka_unit_test(terminal_controls_are_shown_not_sent),
      cmocka_unit_test(c1_controls_raw_and_utf8),   cmocka_unit_test(utf8_kept_invalid_shown),
      cmocka_unit_test(chunks_equal_whole),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
