/* SPDX-License-Identifier: MIT */
/* The option-table parser and the help printer (pvhutil/opt.h). Used by pvhcheck's
 * commands and by the tool and test mains, which link this file. */
#include "pvhutil/opt.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "pvh/memmap.h"
#include "pvhutil/suggest.h"

void (*cli_opt_error_hook)(const char *message);

int cli_opt_error(const char *cmd, const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  fprintf(stderr, "%s: error: usage: %s\nTry '%s --help'.\n", cmd, msg, cmd);
  if (cli_opt_error_hook)
    cli_opt_error_hook(msg);
  return CLI_PARSE_USAGE;
}

static const struct cli_opt *find(const struct cli_opt *opts, const char *name, size_t len) {
  for (const struct cli_opt *o = opts; o->type != CLI_OPT_END; o++)
    if (o->type != CLI_OPT_GROUP && strlen(o->name) == len && !strncmp(o->name, name, len))
      return o;
  return NULL;
}

int cli_parse_addr(const char *s, uint64_t *out) {
  if (!s || !isdigit((unsigned char)s[0]))
    return -1; /* no sign, no space, not empty */
  unsigned base = 10;
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s += 2;
    if (!*s)
      return -1;
  }
  uint64_t v = 0;
  for (; *s; s++) {
    unsigned d;
    if (isdigit((unsigned char)*s))
      d = (unsigned)(*s - '0');
    else if (base == 16 && isxdigit((unsigned char)*s))
      d = (unsigned)(tolower((unsigned char)*s) - 'a' + 10);
    else
      return -1;
    if (v > (UINT64_MAX - d) / base)
      return -1; /* overflow */
    v = v * base + d;
  }
  *out = v;
  return 0;
}

/* Stores one option's value; 0, or -1 when the argument is refused. */
static int store(const struct cli_opt *o, const char *arg) {
  char *end = NULL;
  errno = 0;
  switch (o->type) {
  case CLI_OPT_FLAG: *(int *)o->dst = o->value; return 0;
  case CLI_OPT_STR: *(const char **)o->dst = arg; return 0;
  case CLI_OPT_SIZE: return pvh_parse_size(arg, o->dst) == 0 && *(uint64_t *)o->dst > 0 ? 0 : -1;
  case CLI_OPT_U64: return cli_parse_addr(arg, o->dst);
  case CLI_OPT_SECONDS: {
    double v = strtod(arg, &end);
    if (!*arg || *end || !(v > 0) || v > 86400)
      return -1;
    *(double *)o->dst = v;
    return 0;
  }
  case CLI_OPT_INT: {
    long v = strtol(arg, &end, 10);
    if (!*arg || *end || errno || v < -1000000 || v > 1000000)
      return -1;
    *(int *)o->dst = (int)v;
    return 0;
  }
  case CLI_OPT_CALL: return o->parse(arg, o->dst);
  case CLI_OPT_END:
  case CLI_OPT_GROUP: break;
  }
  return -1;
}

#define OPT_MAX 128

const char *cli_opt_suggest(const struct cli_opt *opts, const char *typed, size_t len) {
  const char *names[OPT_MAX];
  size_t n = 0;
  for (const struct cli_opt *o = opts; o->type != CLI_OPT_END && n < OPT_MAX; o++)
    if (o->type != CLI_OPT_GROUP)
      names[n++] = o->name;
  return cli_suggest(typed, len, names, n);
}

static int unknown_option(const char *cmd, const struct cli_opt *opts, const char *a) {
  const char *name = a + strspn(a, "-"), *eq = strchr(name, '=');
  const char *s = cli_opt_suggest(opts, name, eq ? (size_t)(eq - name) : strlen(name));
  if (s)
    return cli_opt_error(cmd, "unknown option '%s'; did you mean '--%s'?", a, s);
  return cli_opt_error(cmd, "unknown option '%s'", a);
}

/* "--proof: 'foo' is not valid; one of: auto, hw-breakpoint, single-step". */
static int bad_value(const char *cmd, const struct cli_opt *o, const char *arg) {
  char list[512];
  size_t off = 0, n = 0;
  list[0] = '\0';
  for (const char *const *v = o->values; *v; v++, n++) {
    int k = snprintf(list + off, sizeof(list) - off, "%s%s", n ? ", " : "", *v);
    if (k < 0 || (size_t)k >= sizeof(list) - off)
      break;
    off += (size_t)k;
  }
  const char *close = cli_suggest(arg, strlen(arg), (const char *const *)o->values, n);
  if (close)
    return cli_opt_error(cmd, "--%s: '%s' is not valid; did you mean '%s'? (one of: %s)", o->name, arg, close,
                         list);
  return cli_opt_error(cmd, "--%s: '%s' is not valid; one of: %s", o->name, arg, list);
}

static const char *what(enum cli_opt_type t) {
  switch (t) {
  case CLI_OPT_SIZE: return " (a size: 256M, 1G, 4096K, 1048576)";
  case CLI_OPT_U64: return " (a number: decimal or 0x hex, no sign)";
  case CLI_OPT_SECONDS: return " (seconds in (0, 86400])";
  case CLI_OPT_INT: return " (an integer)";
  default: return "";
  }
}

int cli_parse(const char *cmd, const struct cli_opt *opts, const struct cli_help *help, int argc, char **argv,
              const char **pos, int max_pos, int *npos) {
  int options = 1;
  *npos = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!options || a[0] != '-' || a[1] == '\0') { /* "-" alone is a positional (stdin-style name) */
      if (*npos >= max_pos)
        return cli_opt_error(
            cmd, max_pos ? "unexpected argument '%s' (at most %d expected)" : "unexpected argument '%s'", a,
            max_pos);
      pos[(*npos)++] = a;
      continue;
    }
    if (!strcmp(a, "--")) {
      options = 0;
      continue;
    }
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      cli_print_help(stdout, opts, help);
      return CLI_PARSE_HELP;
    }
    if (a[1] != '-')
      return unknown_option(cmd, opts, a);
    const char *name = a + 2, *eq = strchr(name, '=');
    const struct cli_opt *o = find(opts, name, eq ? (size_t)(eq - name) : strlen(name));
    if (!o)
      return unknown_option(cmd, opts, a);
    const char *arg = NULL;
    if (o->type == CLI_OPT_FLAG) {
      if (eq)
        return cli_opt_error(cmd, "--%s takes no argument", o->name);
    } else if (eq) {
      arg = eq + 1;
    } else if (i + 1 < argc) {
      arg = argv[++i];
    } else {
      return cli_opt_error(cmd, "--%s needs an argument %s", o->name, o->arg ? o->arg : "");
    }
    if (store(o, arg) != 0)
      return o->values ? bad_value(cmd, o, arg)
                       : cli_opt_error(cmd, "--%s: '%s' is not valid%s", o->name, arg, what(o->type));
  }
  return 0;
}

void cli_print_help(FILE *out, const struct cli_opt *opts, const struct cli_help *help) {
  fprintf(out, "usage: %s", help->usage); /* usage lines end in a newline */
  if (help->intro)
    fprintf(out, "\n%s", help->intro);
  for (const struct cli_opt *o = opts; o->type != CLI_OPT_END; o++) {
    if (o->type == CLI_OPT_GROUP) {
      fprintf(out, "\n%s\n", o->name);
      continue;
    }
    char left[64];
    snprintf(left, sizeof(left), "--%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
    fprintf(out, "  %-20s %s\n", left, o->help);
    if (o->values) { /* listed from the same table the parser checks */
      fprintf(out, "  %-20s one of:", "");
      for (const char *const *v = o->values; *v; v++)
        fprintf(out, " %s", *v);
      fprintf(out, "\n");
    }
  }
  if (help->outro)
    fprintf(out, "\n%s", help->outro);
}
