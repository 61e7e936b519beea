/* SPDX-License-Identifier: MIT */
/* One option table per command, read by both the parser and the help text,
 * so the two cannot drift (the shape of kvmtool's OPT_* tables):
 *
 *   struct cli_opt opts[] = {
 *       OPT_GROUP("Common"),
 *       OPT_FLAG("json", &a.json, 1, "one JSON object on stdout"),
 *       OPT_SIZE("mem", "SIZE", &a.mem, "guest RAM, default 256M (K/M/G suffixes)"),
 *       OPT_END(),
 *   };
 *   int rc = cli_parse("boot", opts, argc, argv, pos, 1, &npos); // after a help callback
 *
 * GNU style: options and positionals in any order (`inspect k.elf --json`),
 * `--name value` or `--name=value`, `--` ends the options, `-h`/`--help`
 * print the help. */
#ifndef PVHUTIL_OPT_H
#define PVHUTIL_OPT_H

#include <stdint.h>
#include <stdio.h>

enum cli_opt_type {
  CLI_OPT_END = 0,
  CLI_OPT_GROUP,   /* a heading in the help, no option */
  CLI_OPT_FLAG,    /* *(int *)dst = value */
  CLI_OPT_STR,     /* *(const char **)dst = argument */
  CLI_OPT_SIZE,    /* *(uint64_t *)dst = pvh_parse_size(argument), > 0 */
  CLI_OPT_U64,     /* *(uint64_t *)dst = cli_parse_addr(argument) */
  CLI_OPT_SECONDS, /* *(double *)dst in (0, 86400] */
  CLI_OPT_INT,     /* *(int *)dst, a decimal integer */
  CLI_OPT_CALL,    /* parse(argument, dst): 0 ok, else the argument is refused */
};

struct cli_opt {
  enum cli_opt_type type;
  const char *name; /* without "--"; GROUP: the heading */
  const char *arg;  /* metavariable in the help; NULL for flags */
  const char *help;
  void *dst;
  int value; /* FLAG */
  int (*parse)(const char *arg, void *dst);
  /* CALL with a fixed set of values (an enum): NULL-terminated; a refused
   * argument lists them (and the closest), the completion offers them. */
  const char *const *values;
};

#define OPT_END()                                                                                            \
  { .type = CLI_OPT_END }
#define OPT_GROUP(title)                                                                                     \
  { .type = CLI_OPT_GROUP, .name = (title) }
#define OPT_FLAG(n, d, v, h)                                                                                 \
  { .type = CLI_OPT_FLAG, .name = (n), .dst = (d), .value = (v), .help = (h) }
#define OPT_STR(n, a, d, h)                                                                                  \
  { .type = CLI_OPT_STR, .name = (n), .arg = (a), .dst = (d), .help = (h) }
#define OPT_SIZE(n, a, d, h)                                                                                 \
  { .type = CLI_OPT_SIZE, .name = (n), .arg = (a), .dst = (d), .help = (h) }
#define OPT_U64(n, a, d, h)                                                                                  \
  { .type = CLI_OPT_U64, .name = (n), .arg = (a), .dst = (d), .help = (h) }
#define OPT_SECONDS(n, a, d, h)                                                                              \
  { .type = CLI_OPT_SECONDS, .name = (n), .arg = (a), .dst = (d), .help = (h) }
#define OPT_INT(n, a, d, h)                                                                                  \
  { .type = CLI_OPT_INT, .name = (n), .arg = (a), .dst = (d), .help = (h) }
#define OPT_CALL(n, a, d, fn, h)                                                                             \
  { .type = CLI_OPT_CALL, .name = (n), .arg = (a), .dst = (d), .parse = (fn), .help = (h) }

#define OPT_ENUM(n, a, d, fn, vals, h)                                                                       \
  { .type = CLI_OPT_CALL, .name = (n), .arg = (a), .dst = (d), .parse = (fn), .values = (vals), .help = (h) }

/* What a command says around its option list in --help. */
struct cli_help {
  const char *usage; /* lines after "usage: " */
  const char *intro; /* paragraph(s) before the options; may be NULL */
  const char *outro; /* after them (exit status); may be NULL */
};

/* Parses argv[1..argc) against opts. Positionals go to pos[0..max_pos), their
 * count to *npos. Returns 0 when parsed, CLI_PARSE_HELP after printing the
 * help to stdout, or CLI_PARSE_USAGE after a usage error on stderr naming
 * `cmd` (unknown option, missing or bad argument, too many positionals). */
#define CLI_PARSE_HELP (-1)
#define CLI_PARSE_USAGE 2
int cli_parse(const char *cmd, const struct cli_opt *opts, const struct cli_help *help, int argc, char **argv,
              const char **pos, int max_pos, int *npos);
/* A number as a user writes an address: decimal, or hex after 0x. Never octal
 * ("0100000" is one hundred thousand, as for sizes), no sign, no spaces,
 * nothing after the digits, no overflow. 0 and *out set, or -1. */
int cli_parse_addr(const char *s, uint64_t *out);

/* Largest --mem: 64 TiB, the 46-bit physical address space of x86-64 CPUs. A
 * larger value (or one that wraps the memory map) is a usage error, not a
 * refused kernel. */
#define CLI_MEM_MAX (64ull << 40)

/* "CMD: error: usage: <message>\nTry 'CMD --help'." on stderr (the error
 * line every pvhcheck command uses); returns CLI_PARSE_USAGE. */
int cli_opt_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Called with each usage error's message after it is printed (pvhcheck
 * --json turns it into a JSON object); NULL: none. */
extern void (*cli_opt_error_hook)(const char *message);
void cli_print_help(FILE *out, const struct cli_opt *opts, const struct cli_help *help);
/* The closest option name to `--typed` (a typo or a unique prefix), or NULL. */
const char *cli_opt_suggest(const struct cli_opt *opts, const char *typed, size_t len);

#endif
