/* SPDX-License-Identifier: MIT */
/* The one escaping rule for text that pvhcheck prints but did not write: the
 * guest's console, and the user's paths, command lines and --expect text.
 * A terminal must never receive a control sequence from them (title changes,
 * screen clears, OSC 52 clipboard writes), so:
 *   - newline and tab pass; CR LF becomes LF; a lone CR is shown as \r;
 *   - other C0 bytes, DEL, and C1 controls (raw bytes 0x80-0x9f, or
 *     U+0080-U+009F in UTF-8) are shown as \xNN, one per byte;
 *   - well-formed UTF-8 passes (a command line with "café" reads "café");
 *     any other byte is shown as \xNN.
 * Every byte pvhcheck writes to stdout and stderr goes through this rule
 * (cli/out.c); JSON output, which escapes everything itself, is unchanged by
 * it. --raw-console is the one opt-out, for the guest's console echo only. */
#ifndef PVHCHECK_ESCAPE_H
#define PVHCHECK_ESCAPE_H

#include <stddef.h>

/* State carried between chunks of one stream: a CR waiting to see whether
 * an LF follows, and the start of a UTF-8 sequence split across writes. */
struct cli_escaper {
  int cr_pending;
  unsigned char part[4];
  size_t part_len;
};

/* The most bytes cli_escape writes for n input bytes (each byte can become
 * four, plus a held CR and a held partial sequence). */
#define CLI_ESCAPE_MAX(n) (4 * (n) + 32)

/* Escapes in[0, n) into out (room for CLI_ESCAPE_MAX(n)); returns the bytes
 * written. A CR or UTF-8 sequence at the end is held in e until the next
 * call; cli_escape_flush writes it out as it stands. */
size_t cli_escape(struct cli_escaper *e, const char *in, size_t n, char *out);
size_t cli_escape_flush(struct cli_escaper *e, char *out);

/* Length of the well-formed UTF-8 sequence at s[0, n) (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0 (n must be at least 1).
 * The JSON writer uses it too, so the terminal and --json agree on what
 * counts as UTF-8 and passes unchanged. */
size_t cli_utf8_len(const unsigned char *s, size_t n);

#endif
