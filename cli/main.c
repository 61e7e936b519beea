/* SPDX-License-Identifier: MIT */
/* pvhcheck: one binary, one subcommand per face of the project. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

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
#endif
};

static void usage(FILE *out) {
  fprintf(out, "usage: pvhcheck <command> [options]\n\ncommands:\n");
  for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
    fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
  fprintf(out, "\n'pvhcheck <command> --help' for a command's options.\n"
               "exit status: 0 ok, 1 check failed or kernel rejected, 2 usage error, 3 environment error\n");
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return PVHCLI_EXIT_USAGE;
  }
  if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
    usage(stdout);
    return PVHCLI_EXIT_OK;
  }
  if (!strcmp(argv[1], "--version")) {
    printf("pvhcheck 0.1.0\n");
    return PVHCLI_EXIT_OK;
  }
  for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
    if (!strcmp(argv[1], commands[i].name))
      return commands[i].run(argc - 1, argv + 1);
  fprintf(stderr, "pvhcheck: unknown command '%s'\n\n", argv[1]);
  usage(stderr);
  return PVHCLI_EXIT_USAGE;
}
