/* SPDX-License-Identifier: MIT */
/* pvhcheck: one binary, one subcommand per face of the project. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "pvhutil/opt.h"
#include "pvh/version.h"
#include "pvhutil/suggest.h"

#ifndef PVHCHECK_GIT_DESCRIBE
#define PVHCHECK_GIT_DESCRIBE "unknown"
#endif
#include "out.h"

struct command {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *summary;
};

static const struct command commands[] = {
    {"inspect", cmd_inspect, "load a kernel against a recording bus and report the plan or the error"},
    {"extract", cmd_extract, "unpack a bzImage's vmlinux (the same reader inspect and boot use)"},
#ifdef PVH_HAVE_KVM
    {"boot", cmd_boot,
     "boot a kernel (default: the built-in self-test guest) under KVM and prove the PVH entry"},
    {"conform", cmd_conform,
     "boot a kernel again and again, varying everything the PVH contract leaves open"},
#endif
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out) {
  fprintf(out, "usage: pvhcheck <command> [options]\n"
               "       pvhcheck help <command>\n"
               "       pvhcheck --version\n\ncommands:\n");
  for (size_t i = 0; i < NCOMMANDS; i++)
    fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
  fprintf(out, "\n'pvhcheck help <command>' or 'pvhcheck <command> --help' for a command's options;\n"
               "man pvhcheck for all of them.\n"
               "exit status: 0 ok, 1 check failed or kernel rejected, 2 usage error, 3 environment error,\n"
               "             4 interrupted (SIGINT or SIGTERM)\n");
}

static const struct command *find(const char *name) {
  for (size_t i = 0; i < NCOMMANDS; i++)
    if (!strcmp(name, commands[i].name))
      return &commands[i];
  return NULL;
}

static int unknown_command(const char *name) {
  const char *names[NCOMMANDS];
  for (size_t i = 0; i < NCOMMANDS; i++)
    names[i] = commands[i].name;
  const char *close = cli_suggest(name, strlen(name), names, NCOMMANDS);
  if (close)
    fprintf(stderr, "pvhcheck: error: usage: unknown command '%s'; did you mean '%s'?\n", name, close);
  else
    fprintf(stderr, "pvhcheck: error: usage: unknown command '%s'\n", name);
  fprintf(stderr, "Try 'pvhcheck --help'.\n");
  return PVHCLI_EXIT_USAGE;
}

/* A top-level word that starts with '-' is an option: pvhcheck's own are
 * --help and --version; any other belongs after a command. */
static int unknown_top_option(const char *arg) {
  static const char *const names[] = {"help", "version"};
  const char *name = arg + strspn(arg, "-");
  const char *close = cli_suggest(name, strlen(name), names, 2);
  if (close)
    fprintf(stderr, "pvhcheck: error: usage: unknown option '%s'; did you mean '--%s'?\n", arg, close);
  else
    fprintf(stderr,
            "pvhcheck: error: usage: unknown option '%s'; a command's options follow the command "
            "(pvhcheck COMMAND %s ...)\n",
            arg, arg);
  fprintf(stderr, "Try 'pvhcheck --help'.\n");
  return PVHCLI_EXIT_USAGE;
}

static int dispatch(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return PVHCLI_EXIT_USAGE;
  }
  if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
    usage(stdout);
    return PVHCLI_EXIT_OK;
  }
  if (!strcmp(argv[1], "help")) {
    if (argc < 3) {
      usage(stdout);
      return PVHCLI_EXIT_OK;
    }
    const struct command *c = find(argv[2]);
    if (!c)
      return unknown_command(argv[2]);
    char *help_argv[] = {argv[2], "--help", NULL};
    return c->run(2, help_argv);
  }
  if (!strcmp(argv[1], "--version")) {
    printf("pvhcheck %s (%s)\nlibpvh %s (compiled against %s)\n", PVH_VERSION_STRING, PVHCHECK_GIT_DESCRIBE,
           pvh_version(), PVH_VERSION_STRING);
    return PVHCLI_EXIT_OK;
  }
  const struct command *c = find(argv[1]);
  if (!c)
    return argv[1][0] == '-' ? unknown_top_option(argv[1]) : unknown_command(argv[1]);
  return c->run(argc - 1, argv + 1);
}

int main(int argc, char **argv) {
  cli_out_install();
  int rc = dispatch(argc, argv);
  cli_out_finish();
  return rc;
}
