/* SPDX-License-Identifier: MIT */
/* A tiny streaming JSON writer: correct escaping and commas, nothing else.
 *
 *   struct json_writer w; json_init(&w, stdout);
 *   json_begin_object(&w); json_key(&w, "ok"); json_bool(&w, 1); json_end_object(&w);
 *   json_finish(&w);  // newline
 */
#ifndef PVHCHECK_JSON_H
#define PVHCHECK_JSON_H

#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

struct json_writer {
  FILE *out;
  int depth;
  int need_comma[JSON_MAX_DEPTH];
  int after_key;
};

void json_init(struct json_writer *w, FILE *out);
void json_begin_object(struct json_writer *w);
void json_end_object(struct json_writer *w);
void json_begin_array(struct json_writer *w);
void json_end_array(struct json_writer *w);
void json_key(struct json_writer *w, const char *key);
void json_string(struct json_writer *w, const char *s);
void json_string_n(struct json_writer *w, const char *s, size_t n);
void json_u64(struct json_writer *w, uint64_t v);
void json_i64(struct json_writer *w, int64_t v);
void json_double(struct json_writer *w, double v);
void json_hex(struct json_writer *w, uint64_t v); /* as a string "0x..." */
void json_bool(struct json_writer *w, int v);
void json_null(struct json_writer *w);
/* A value that is already JSON text (a whole object another writer made). */
void json_raw(struct json_writer *w, const char *text);
void json_finish(struct json_writer *w);

/* Convenience: key + value. */
#define JSON_KV_STR(w, k, v) (json_key((w), (k)), json_string((w), (v)))
#define JSON_KV_U64(w, k, v) (json_key((w), (k)), json_u64((w), (v)))
#define JSON_KV_HEX(w, k, v) (json_key((w), (k)), json_hex((w), (v)))
#define JSON_KV_BOOL(w, k, v) (json_key((w), (k)), json_bool((w), (v)))
#define JSON_KV_DOUBLE(w, k, v) (json_key((w), (k)), json_double((w), (v)))
/* A duration measured in seconds, written as a number of milliseconds: the
 * unit of every time in pvhcheck's reports. */
#define JSON_KV_MS(w, k, seconds) JSON_KV_DOUBLE((w), (k), (seconds)*1e3)

#endif
