/* SPDX-License-Identifier: MIT */
/* Opening a kernel file for any pvhcheck command: ELF as is, bzImage through
 * pvhbz into a memory image. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kernel_file.h"
#include "report.h"

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The first bytes decide: enough for the setup header and for
 * pvhbz_describe's look at a foreign file. */
#define PEEK_SIZE 8192
/* Largest bzImage read into memory: distribution bzImages are 5-20 MB. */
#define BZIMAGE_FILE_MAX (512ull << 20)

/* Reads all of fd (at most max bytes) into a new buffer. */
static int read_all(int fd, const char *path, uint64_t max, uint8_t **out, size_t *len,
                    struct pvh_error *err) {
  size_t cap = 1u << 20, n = 0;
  uint8_t *buf = malloc(cap);
  if (!buf)
    return pvh_fail(err, PVH_E_NOMEM, "cannot allocate a read buffer for %s", path), -1;
  for (;;) {
    if (n == cap) {
      if (cap >= max) {
        free(buf);
        return pvh_fail(err, PVH_E_IO, "%s is larger than %" PRIu64 " bytes", path, max), -1;
      }
      size_t ncap = cap * 2 > max ? (size_t)max : cap * 2;
      uint8_t *nb = realloc(buf, ncap);
      if (!nb) {
        free(buf);
        return pvh_fail(err, PVH_E_NOMEM, "cannot allocate %zu bytes for %s", ncap, path), -1;
      }
      buf = nb;
      cap = ncap;
    }
    ssize_t r = read(fd, buf + n, cap - n);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      int e = errno;
      free(buf);
      return pvh_fail(err, PVH_E_IO, "cannot read %s: %s", path, strerror(e)), -1;
    }
    if (r == 0)
      break;
    n += (size_t)r;
  }
  *out = buf;
  *len = n;
  return 0;
}

static enum cli_kernel_status unpack(struct cli_kernel *k, const char *path, const uint8_t *file, size_t size,
                                     struct cli_kernel_error *e) {
  k->is_bzimage = 1;
  k->file_size = size;
  double t0 = now_ms();
  size_t len = 0;
  enum pvhbz_err rc = pvhbz_parse(file, size, &k->bz, &e->bz_err);
  if (rc == PVHBZ_OK)
    rc = pvhbz_unpack(file, size, &k->bz, PVHBZ_VMLINUX_MAX, &k->vmlinux, &len, &e->bz_err);
  k->unpack_ms = now_ms() - t0;
  if (rc != PVHBZ_OK)
    return CLI_KERNEL_BZIMAGE;
  k->vmlinux_len = len;
  pvh_image_from_buffer(&k->image, k->vmlinux, len, path);
  return CLI_KERNEL_OK;
}

enum cli_kernel_status cli_kernel_open(struct cli_kernel *k, const char *path, struct cli_kernel_error *e) {
  memset(k, 0, sizeof(*k));
  memset(e, 0, sizeof(*e));
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) {
    pvh_fail(&e->io_err, PVH_E_IO, "cannot open %s: %s", path, strerror(errno));
    if (fd >= 0)
      close(fd);
    return CLI_KERNEL_IO;
  }
  if (S_ISDIR(st.st_mode)) {
    close(fd);
    pvh_fail(&e->io_err, PVH_E_IO, "%s is a directory", path);
    return CLI_KERNEL_IO;
  }
  enum cli_kernel_status rc = CLI_KERNEL_OK;
  if (!S_ISREG(st.st_mode)) {
    /* FIFOs, devices and sockets: libpvh refuses them without blocking and
     * names what the path is, so the message is the same for every command. */
    close(fd);
    if (pvh_image_open(&k->image, path, &e->io_err) != PVH_OK)
      return CLI_KERNEL_IO;
    pvh_image_close(&k->image);
    pvh_fail(&e->io_err, PVH_E_IO, "%s is not a regular file", path);
    return CLI_KERNEL_IO;
  }
  uint8_t peek[PEEK_SIZE];
  ssize_t got = pread(fd, peek, sizeof(peek), 0);
  if (got < 0) {
    pvh_fail(&e->io_err, PVH_E_IO, "cannot read %s: %s", path, strerror(errno));
    close(fd);
    return CLI_KERNEL_IO;
  }
  if (pvhbz_looks_like_bzimage(peek, (size_t)got)) {
    uint8_t *buf;
    size_t len;
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    if (read_all(fd, path, BZIMAGE_FILE_MAX, &buf, &len, &e->io_err)) {
      close(fd);
      return CLI_KERNEL_IO;
    }
    close(fd);
    rc = unpack(k, path, buf, len, e);
    free(buf); /* the compressed bytes are not needed any more */
    return rc;
  }
  close(fd);
  if (got < 4 || memcmp(peek,
                        "\x7f"
                        "ELF",
                        4))
    k->looks_like = pvhbz_describe(peek, (size_t)got);
  /* An ELF file (or anything else, which libpvh then rejects) through
   * libpvh's own file source. */
  if (pvh_image_open(&k->image, path, &e->io_err) != PVH_OK)
    return CLI_KERNEL_IO;
  k->file_size = k->image.size;
  return CLI_KERNEL_OK;
}

void cli_kernel_close(struct cli_kernel *k) {
  pvh_image_close(&k->image);
  free(k->vmlinux);
  k->vmlinux = NULL;
}

void cli_kernel_explain(const struct cli_kernel *k, struct pvh_error *err) {
  const char *why = NULL;
  char buf[160];
  /* A short foreign file fails on its length before its magic is read. */
  if ((err->code == PVH_E_ELF_MAGIC || err->code == PVH_E_ELF_TRUNCATED) && k->looks_like) {
    snprintf(buf, sizeof(buf), "; this is not an ELF kernel or a bzImage: it looks like %s", k->looks_like);
    why = buf;
  } else if (err->code == PVH_E_NO_PVH_NOTE && k->is_bzimage) {
    why = "; the vmlinux inside this bzImage has no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY): its kernel "
          "was built without CONFIG_PVH=y";
  }
  if (!why)
    return;
  size_t n = strlen(err->message);
  snprintf(err->message + n, sizeof(err->message) - n, "%s", why);
}

/* 14 MB, 900 KB, 300 bytes: sizes as a person reads them. */
static void human(uint64_t v, char *buf, size_t len) {
  if (v >= 10ull << 20)
    snprintf(buf, len, "%" PRIu64 " MB", (v + (1u << 19)) >> 20);
  else if (v >= 10ull << 10)
    snprintf(buf, len, "%" PRIu64 " KB", (v + 512) >> 10);
  else
    snprintf(buf, len, "%" PRIu64 " bytes", v);
}

void cli_kernel_summary(const struct cli_kernel *k, char *buf, size_t len) {
  char p[32], v[32];
  human(k->bz.payload_length, p, sizeof(p));
  human(k->bz.declared_size, v, sizeof(v));
  snprintf(buf, len, "bzImage (protocol %u.%02u), payload %s %s -> vmlinux %s, unpacked in %.0f ms",
           k->bz.protocol >> 8, k->bz.protocol & 0xff, pvhbz_method_name(k->bz.method), p, v, k->unpack_ms);
}

void cli_kernel_json(struct json_writer *w, const struct cli_kernel *k) {
  json_key(w, "bzimage");
  if (!k || !k->is_bzimage) {
    json_null(w);
    return;
  }
  char proto[16];
  snprintf(proto, sizeof(proto), "%u.%02u", k->bz.protocol >> 8, k->bz.protocol & 0xff);
  json_begin_object(w);
  JSON_KV_STR(w, "protocol", proto);
  JSON_KV_U64(w, "setup_sects", k->bz.setup_sects);
  JSON_KV_U64(w, "file_size", k->file_size);
  JSON_KV_HEX(w, "payload_start", k->bz.payload_start);
  JSON_KV_U64(w, "payload_length", k->bz.payload_length);
  JSON_KV_STR(w, "method", pvhbz_method_name(k->bz.method));
  JSON_KV_U64(w, "vmlinux_size", k->bz.declared_size);
  JSON_KV_DOUBLE(w, "unpack_ms", k->unpack_ms);
  json_end_object(w);
}

#ifdef PVH_HAVE_KVM
int cli_kernel_boot_failed(const struct cli_boot_out *out, enum cli_kernel_status st,
                           const struct cli_kernel_error *e) {
  if (st == CLI_KERNEL_IO) {
    struct pvhkvm_boot_result r;
    memset(&r, 0, sizeof(r));
    r.status = PVHKVM_BOOT_INPUT;
    r.load_err = e->io_err;
    return cli_boot_failed(out, &r);
  }
  struct cli_error ce;
  cli_error_set(&ce, pvhbz_err_name(e->bz_err.code), "kernel", "%s: %s", out->name, e->bz_err.message);
  cli_error_print(&ce);
  if (out->json)
    cli_report_failure(stdout, out->name, "rejected", &ce, 1);
  return PVHCLI_EXIT_FAIL;
}

void cli_kernel_boot_line(const struct cli_kernel *k, FILE *out) {
  if (!k->is_bzimage)
    return;
  char line[200];
  cli_kernel_summary(k, line, sizeof(line));
  fprintf(out, "  bzimage    %s\n", line);
}
#endif
