/* SPDX-License-Identifier: MIT */
#include "json.h"

#include "escape.h"

#include <inttypes.h>
#include <string.h>

void json_init(struct json_writer *w, FILE *out) {
  memset(w, 0, sizeof(*w));
  w->out = out;
}

/* Emits the comma that separates this value from the previous one at the
 * current depth (unless it follows a key). */
static void before_value(struct json_writer *w) {
  if (w->after_key) {
    w->after_key = 0;
    return;
  }
  if (w->need_comma[w->depth])
    fputc(',', w->out);
  w->need_comma[w->depth] = 1;
}

static void open_container(struct json_writer *w, char c) {
  before_value(w);
  fputc(c, w->out);
  if (w->depth + 1 < JSON_MAX_DEPTH)
    w->depth++;
  w->need_comma[w->depth] = 0;
}

static void close_container(struct json_writer *w, char c) {
  fputc(c, w->out);
  if (w->depth > 0)
    w->depth--;
}

void json_begin_object(struct json_writer *w) { open_container(w, '{'); }
void json_end_object(struct json_writer *w) { close_container(w, '}'); }
void json_begin_array(struct json_writer *w) { open_container(w, '['); }
void json_end_array(struct json_writer *w) { close_container(w, ']'); }

/* Strings are UTF-8 out as they came in (a command line with "café" reads
 * back as "café"); a byte that is not part of well-formed UTF-8 (console
 * output may be any bytes) becomes U+FFFD, so the output is always valid JSON. */
static void put_escaped(FILE *out, const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  fputc('"', out);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = u[i];
    if (c >= 0x80) {
      size_t len = cli_utf8_len(u + i, n - i);
      if (len) {
        fwrite(u + i, 1, len, out);
        i += len - 1;
      } else {
        fputs("\\ufffd", out);
      }
      continue;
    }
    switch (c) {
    case '"': fputs("\\\"", out); break;
    case '\\': fputs("\\\\", out); break;
    case '\n': fputs("\\n", out); break;
    case '\r': fputs("\\r", out); break;
    case '\t': fputs("\\t", out); break;
    default:
      if (c < 0x20 || c == 0x7f) /* control bytes */
        fprintf(out, "\\u%04x", c);
      else
        fputc(c, out);
    }
  }
  fputc('"', out);
}

void json_key(struct json_writer *w, const char *key) {
  before_value(w);
  put_escaped(w->out, key, strlen(key));
  fputc(':', w->out);
  w->after_key = 1;
}

void json_string(struct json_writer *w, const char *s) {
  if (!s) {
    json_null(w);
    return;
  }
  json_string_n(w, s, strlen(s));
}

void json_string_n(struct json_writer *w, const char *s, size_t n) {
  before_value(w);
  put_escaped(w->out, s, n);
}

void json_u64(struct json_writer *w, uint64_t v) {
  before_value(w);
  fprintf(w->out, "%" PRIu64, v);
}

void json_i64(struct json_writer *w, int64_t v) {
  before_value(w);
  fprintf(w->out, "%" PRId64, v);
}

void json_double(struct json_writer *w, double v) {
  before_value(w);
  fprintf(w->out, "%.6f", v);
}

void json_hex(struct json_writer *w, uint64_t v) {
  char buf[24];
  snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
  json_string(w, buf);
}

void json_bool(struct json_writer *w, int v) {
  before_value(w);
  fputs(v ? "true" : "false", w->out);
}

void json_null(struct json_writer *w) {
  before_value(w);
  fputs("null", w->out);
}

void json_finish(struct json_writer *w) {
  fputc('\n', w->out);
  fflush(w->out);
}

void json_raw(struct json_writer *w, const char *text) {
  before_value(w);
  size_t n = strlen(text);
  while (n && (text[n - 1] == '\n' || text[n - 1] == ' '))
    n--; /* one object per line: the caller ends the line */
  fwrite(text, 1, n, w->out);
}
