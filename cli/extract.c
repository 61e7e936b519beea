/* SPDX-License-Identifier: MIT */
/* pvhcheck extract: a bzImage's vmlinux to a file, through the same reader
 * (pvhbz) as inspect and boot. The project's fetch scripts and kernel matrix
 * unpack Debian's vmlinuz with it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"
#include "kernel_file.h"
#include "pvhutil/opt.h"
#include "report.h"

static const struct cli_help extract_help = {
    .usage = "pvhcheck extract [OPTIONS] --output VMLINUX BZIMAGE\n",
    .intro =
        "Unpacks the ELF vmlinux from BZIMAGE (a distribution's /boot/vmlinuz-*): reads the setup header,\n"
        "finds the payload, checks its declared size against the limit, decompresses it with Debian's\n"
        "libraries (gzip, xz, lzma, bzip2, lzo, lz4, zstd) and writes exactly the declared bytes.\n",
    .outro =
        "exit status: 0 written, 1 not a bzImage or the payload is refused (\"error: <code>: <message>\"),\n"
        "             2 usage error, 3 I/O\n",
};

static int write_file(const char *path, const uint8_t *p, size_t n) {
  size_t plen = strlen(path);
  char *tmp = malloc(plen + 16);
  if (!tmp)
    return -1;
  snprintf(tmp, plen + 16, "%s.partXXXXXX", path);
  int fd = mkstemp(tmp);
  if (fd < 0) {
    free(tmp);
    return -1;
  }
  int rc = 0;
  for (size_t off = 0; off < n && rc == 0;) {
    ssize_t w = write(fd, p + off, n - off);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      rc = -1;
    else
      off += (size_t)w;
  }
  if (rc == 0 && fchmod(fd, 0644) != 0)
    rc = -1;
  int saved = errno;
  if (close(fd) != 0 || rc != 0 || rename(tmp, path) != 0) {
    saved = errno;
    unlink(tmp);
    rc = -1;
  }
  free(tmp);
  errno = saved;
  return rc;
}

static void json_result(const char *kernel, const char *output, const struct cli_kernel *k,
                        const struct cli_error *err, const char *status) {
  struct json_writer w;
  cli_report_begin(&w, stdout, kernel);
  cli_report_verdict(&w, err == NULL, status, err);
  JSON_KV_STR(&w, "output", output);
  cli_kernel_json(&w, k);
  json_end_object(&w);
  json_finish(&w);
}

int cmd_extract(int argc, char **argv) {
  cli_report_enter("extract", argc, argv);
  const char *output = NULL;
  int json = 0;
  const struct cli_opt opts[] = {
      OPT_GROUP("Options:"),
      OPT_STR("output", "FILE", &output, "where the vmlinux goes (written whole, then renamed into place)"),
      OPT_FLAG("json", &json, 1, "one JSON object on stdout"),
      OPT_END(),
  };
  const char *pos[1];
  int npos;
  int rc = cli_parse("pvhcheck extract", opts, &extract_help, argc, argv, pos, 1, &npos);
  if (rc != 0)
    return rc == CLI_PARSE_HELP ? PVHCLI_EXIT_OK : PVHCLI_EXIT_USAGE;
  if (npos != 1)
    return cli_opt_error("pvhcheck extract", "missing BZIMAGE"), PVHCLI_EXIT_USAGE;
  if (!output)
    return cli_opt_error("pvhcheck extract", "missing --output FILE"), PVHCLI_EXIT_USAGE;

  struct cli_kernel k;
  struct cli_kernel_error e;
  struct cli_error ce;
  const char *status = "ran";
  switch (cli_kernel_open(&k, pos[0], &e)) {
  case CLI_KERNEL_IO:
    cli_error_set(&ce, pvh_err_name(e.io_err.code), "kernel", "BZIMAGE: %s", e.io_err.message);
    status = "environment";
    rc = PVHCLI_EXIT_ENV;
    break;
  case CLI_KERNEL_BZIMAGE:
    cli_error_set(&ce, pvhbz_err_name(e.bz_err.code), "kernel", "%s: %s", pos[0], e.bz_err.message);
    status = "rejected";
    rc = PVHCLI_EXIT_FAIL;
    break;
  case CLI_KERNEL_OK:
    if (!k.is_bzimage) {
      cli_error_set(&ce, pvhbz_err_name(PVHBZ_E_NOT_BZIMAGE), "kernel",
                    "%s is not a bzImage (no \"HdrS\" at 0x202): it looks like %s", pos[0],
                    k.looks_like ? k.looks_like : "an ELF file (use it as it is)");
      status = "rejected";
      rc = PVHCLI_EXIT_FAIL;
    } else if (write_file(output, k.vmlinux, k.vmlinux_len) != 0) {
      cli_error_set(&ce, pvh_err_name(PVH_E_IO), "--output", "--output %s: %s", output, strerror(errno));
      status = "environment";
      rc = PVHCLI_EXIT_ENV;
    } else {
      rc = PVHCLI_EXIT_OK;
    }
    break;
  }
  if (json)
    json_result(pos[0], output, &k, rc == PVHCLI_EXIT_OK ? NULL : &ce, status);
  if (rc != PVHCLI_EXIT_OK) {
    cli_error_print(&ce);
  } else {
    char line[200];
    cli_kernel_summary(&k, line, sizeof(line));
    fprintf(json ? stderr : stdout, "%s: %s, written to %s\n", pos[0], line, output);
  }
  cli_kernel_close(&k);
  return rc;
}
