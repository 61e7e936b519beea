/* SPDX-License-Identifier: MIT */
/* Image sources. A regular file is read with pread when its bytes are needed
 * (never mapped, never copied whole): a file that shrinks after the open, a
 * short read or a read error is PVH_E_IO where it happens, before or during
 * the commit, never a signal. Anything that is not a regular file is refused
 * at once, without blocking, unless the caller allows streams; allowed
 * streams are read to EOF, bounded by stream_max. */
#define _GNU_SOURCE /* O_PATH */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "pvh/guest_layout.h"

#define RAM (8ull << 20) /* the test kernel ends at 0x403000; a small RAM keeps the sweeps cheap */

static char tmpdir[] = "/tmp/pvh-image-XXXXXX";
static const struct pvh_image_opts allow_streams = {PVH_IMAGE_ALLOW_STREAMS, 0};

static void write_file(const char *path, const void *data, size_t len) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(data, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
}

static void tmp_path(char *out, size_t cap, const char *leaf) { snprintf(out, cap, "%s/%s", tmpdir, leaf); }

/* A file that shrinks after the open: len bytes written to path and opened
 * (img.size is len), then cut to `cut` bytes under the open image. */
static void open_then_cut(struct pvh_image *img, const char *path, const uint8_t *bytes, size_t len,
                          uint64_t cut) {
  struct pvh_error err;
  write_file(path, bytes, len);
  assert_int_equal(pvh_image_open(img, path, &err), PVH_OK);
  assert_int_equal(truncate(path, (off_t)cut), 0);
}

/* The PT_NOTE segment moved first, so its bytes come right after the headers
 * and a cut can fall after the notes and before every segment. */
static void notes_first(struct test_kernel *k) {
  struct elfgen_seg text = k->segs[0];
  k->segs[0] = k->segs[2];
  k->segs[2] = text;
}

/* A kernel written to a file, opened and planned against the standard map
 * of RAM, not yet committed: the file can still change under the plan. */
struct planned_file {
  char path[64];
  struct pvh_image img;
  struct pvh_mem_region map[PVH_MEMMAP_STANDARD_MAX];
  size_t n;
  struct pvh_plan plan;
};

static void plan_file(struct planned_file *f, const struct test_kernel *k, const char *leaf) {
  struct pvh_error err;
  tmp_path(f->path, sizeof(f->path), leaf);
  write_file(f->path, k->img, k->len);
  assert_int_equal(pvh_image_open(&f->img, f->path, &err), PVH_OK);
  f->n = pvh_memmap_standard(RAM, f->map, PVH_MEMMAP_STANDARD_MAX);
  struct pvh_load_config cfg;
  pvh_load_config_init(&cfg);
  assert_int_equal(pvh_plan_build(&f->img, f->map, f->n, &cfg, &f->plan, &err), PVH_OK);
}

static void planned_file_free(struct planned_file *f) {
  pvh_plan_free(&f->plan);
  pvh_image_close(&f->img);
  unlink(f->path);
}

/* Loads img (and initrd, if any) into a fresh flat RAM; returns the load's
 * code, the error and a copy of RAM. */
static enum pvh_err load_into(const struct pvh_image *img, const struct pvh_image *initrd, uint8_t **ram_out,
                              struct pvh_error *err) {
  struct pvh_mem_region map[PVH_MEMMAP_STANDARD_MAX];
  size_t n = pvh_memmap_standard(RAM, map, PVH_MEMMAP_STANDARD_MAX);
  uint8_t *ram = calloc(1, RAM);
  assert_non_null(ram);
  struct pvh_flat_bus fb;
  pvh_flat_bus_init(&fb, map, n);
  assert_int_equal(pvh_flat_bus_add_slot(&fb, 0, RAM, ram), 0);
  struct pvh_load_config cfg;
  pvh_load_config_init(&cfg);
  cfg.initramfs = initrd;
  struct pvh_plan plan;
  enum pvh_err rc = pvh_load(img, &cfg, &fb.bus, &plan, err);
  pvh_plan_free(&plan);
  *ram_out = ram;
  return rc;
}

static int all_zero(const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i])
      return 0;
  return 1;
}

/* Blocking would hang the test: a hang becomes a failure, not a stuck run. */
static void guard_against_blocking(void) { alarm(20); }

/* A file image (kernel and initramfs) gives guest memory byte for byte equal
 * to the same bytes as a buffer image, a 1 MiB initramfs crossing several
 * commit chunks. */
static void file_loads_like_buffer(void **s) {
  (void)s;
  struct test_kernel k;
  tk_init(&k, 64);
  tk_build(&k);
  size_t ilen = PVH_COMMIT_CHUNK * 4 + 123;
  uint8_t *ibytes = malloc(ilen);
  assert_non_null(ibytes);
  for (size_t i = 0; i < ilen; i++)
    ibytes[i] = (uint8_t)(i * 7 + (i >> 12));
  struct pvh_image kb, ib, kf, inf;
  struct pvh_error err;
  pvh_image_from_buffer(&kb, k.img, k.len, "k");
  pvh_image_from_buffer(&ib, ibytes, ilen, "i");
  uint8_t *want, *got;
  assert_int_equal(load_into(&kb, &ib, &want, &err), PVH_OK);

  char kpath[64], ipath[64];
  tmp_path(kpath, sizeof(kpath), "k.elf");
  tmp_path(ipath, sizeof(ipath), "initrd");
  write_file(kpath, k.img, k.len);
  write_file(ipath, ibytes, ilen);
  assert_int_equal(pvh_image_open(&kf, kpath, &err), PVH_OK);
  assert_int_equal(pvh_image_open(&inf, ipath, &err), PVH_OK);
  assert_int_equal(kf.kind, PVH_IMAGE_FILE);
  assert_null(kf.data);
  assert_int_equal(inf.size, ilen);
  assert_int_equal(load_into(&kf, &inf, &got, &err), PVH_OK);
  assert_memory_equal(got, want, RAM);
  free(got);
  free(want);
  pvh_image_close(&inf);
  pvh_image_close(&kf);
  unlink(kpath);
  unlink(ipath);
  free(ibytes);
  tk_free(&k);
}

/* A file cut to many lengths after the open: the load either gives exactly
 * the guest memory of the whole file (every byte it reads is still there) or
 * fails with io-error naming the shrink; before the commit (guest memory
 * untouched) for cuts into the headers, notes or section table, during it for
 * cuts into the segments. Counts of each outcome are added to *before and
 * *during. */
static void cut_sweep(const struct test_kernel *k, unsigned *before, unsigned *during) {
  struct pvh_image whole;
  struct pvh_error err;
  pvh_image_from_buffer(&whole, k->img, k->len, "k");
  uint8_t *want;
  assert_int_equal(load_into(&whole, NULL, &want, &err), PVH_OK);
  char path[64];
  tmp_path(path, sizeof(path), "shrinks.elf");
  for (size_t cut = 0; cut < k->len; cut += cut < 320 ? 7 : 509) {
    struct pvh_image img;
    open_then_cut(&img, path, k->img, k->len, cut);
    assert_int_equal(img.size, k->len); /* the size at open */
    uint8_t *ram;
    enum pvh_err rc = load_into(&img, NULL, &ram, &err);
    if (rc == PVH_OK) {
      assert_memory_equal(ram, want, RAM); /* bytes no one reads (padding, names) may go */
    } else {
      assert_int_equal(rc, PVH_E_IO);
      assert_non_null(strstr(err.message, "did it shrink?"));
      if (all_zero(ram, RAM))
        (*before)++;
      else
        (*during)++;
    }
    free(ram);
    pvh_image_close(&img);
  }
  unlink(path);
  free(want);
}

/* Every cut inside the notes (a note's header, owner and entry desc are
 * each read when needed): always io-error before the commit. */
static void cut_notes(const struct test_kernel *k, uint64_t notes_off, uint64_t notes_len) {
  char path[64];
  struct pvh_error err;
  tmp_path(path, sizeof(path), "cut-notes.elf");
  for (uint64_t cut = notes_off; cut < notes_off + notes_len; cut++) {
    struct pvh_image img;
    open_then_cut(&img, path, k->img, k->len, cut);
    struct pvh_elf elf;
    struct pvh_entry_note note;
    assert_int_equal(pvh_elf_parse(&img, &elf, &err), PVH_OK);
    assert_int_equal(pvh_find_pvh_entry(&img, &elf, &note, &err), PVH_E_IO);
    pvh_elf_free(&elf);
    pvh_image_close(&img);
  }
  unlink(path);
}

/* Extended numbering reads section 0 for the real counts (PN_XNUM: the
 * program header count; SHN_XNUM: the section count): cut there, io-error. */
static void cut_in_section0(void **s) {
  (void)s;
  struct test_kernel k;
  tk_init(&k, 64);
  k.spec.use_xnum = 1;
  tk_build(&k);
  char path[64];
  struct pvh_error err;
  tmp_path(path, sizeof(path), "xnum.elf");
  for (int shn_xnum = 0; shn_xnum < 2; shn_xnum++) {
    if (shn_xnum) { /* a normal program header count, the section count in section 0 */
      elfgen_set_ehdr(k.img, k.len, ELFGEN_E_PHNUM, 3);
      elfgen_set_ehdr(k.img, k.len, ELFGEN_E_SHNUM, 0);
    }
    uint64_t shoff = elfgen_get_ehdr(k.img, k.len, ELFGEN_E_SHOFF);
    struct pvh_image img;
    open_then_cut(&img, path, k.img, k.len, shoff + 8);
    struct pvh_elf elf;
    assert_int_equal(pvh_elf_parse(&img, &elf, &err), PVH_E_IO);
    assert_non_null(strstr(err.message, "did it shrink?"));
    pvh_image_close(&img);
  }
  unlink(path);
  tk_free(&k);
}

static void truncated_after_open(void **s) {
  (void)s;
  unsigned before = 0, during = 0;
  struct test_kernel k;
  tk_init(&k, 64);
  notes_first(&k); /* cuts into the segments come after the notes */
  tk_build(&k);
  cut_notes(&k, elfgen_get_phdr(k.img, k.len, 0, ELFGEN_P_OFFSET), k.notes.len);
  /* An 8-aligned PT_NOTE, read both ways. */
  k.segs[0].align = 8;
  tk_build(&k);
  cut_notes(&k, elfgen_get_phdr(k.img, k.len, 0, ELFGEN_P_OFFSET), k.notes.len);
  k.segs[0].align = 4;
  tk_build(&k);
  cut_sweep(&k, &before, &during);
  assert_true(before > 0);
  assert_true(during > 0);
  /* With a section table (at the end of the file), every cut fails early. */
  tk_add_sec(&k,
             (struct elfgen_sec){
                 .name = ".notes", .type = ELFGEN_SHT_NOTE, .align = 4, .size = k.notes.len, .seg_ref = 1});
  tk_build(&k);
  before = during = 0;
  cut_sweep(&k, &before, &during);
  assert_true(before > 0);
  assert_int_equal(during, 0);
  tk_free(&k);
}

/* Planned, then the file shrinks, then the commit: io-error naming the write
 * it was copying. */
static void shrinks_between_plan_and_commit(void **s) {
  (void)s;
  struct test_kernel k;
  tk_init(&k, 32);
  tk_build(&k);
  struct planned_file f;
  struct pvh_error err;
  plan_file(&f, &k, "k32.elf");
  assert_int_equal(truncate(f.path, 256), 0);
  struct pvh_rec_bus rb;
  pvh_rec_bus_init(&rb, f.map, f.n, 1);
  assert_int_equal(pvh_plan_commit(&f.plan, &rb.bus, &err), PVH_E_IO);
  assert_non_null(strstr(err.message, "PT_LOAD 0 segment 0x100000+0x2000"));
  assert_non_null(strstr(err.message, "did it shrink?"));
  /* A bus that only records placement never reads: the same plan commits. */
  pvh_rec_bus_free(&rb);
  pvh_rec_bus_init(&rb, f.map, f.n, 0);
  pvh_rec_bus_placement_only(&rb);
  assert_int_equal(pvh_plan_commit(&f.plan, &rb.bus, &err), PVH_OK);
  assert_int_equal(rb.nr_writes, f.plan.nr_ops);
  pvh_rec_bus_free(&rb);
  planned_file_free(&f);
  tk_free(&k);
}

/* A bus whose backing disagrees with the map planned against refuses the
 * write: bus-write-failed, for bytes streamed from a file (in the middle of
 * its chunks) and for a bus that only records placement. */
static void bus_refuses_file_bytes(void **s) {
  (void)s;
  struct test_kernel k;
  tk_init(&k, 64);
  k.segs[0].filesz = k.segs[0].memsz = PVH_COMMIT_CHUNK * 2; /* more than one chunk */
  tk_build(&k);
  struct planned_file f;
  struct pvh_error err;
  plan_file(&f, &k, "big-text.elf");

  /* Host memory for the first chunk of the text only. */
  static uint8_t ram[TK_TEXT + PVH_COMMIT_CHUNK];
  struct pvh_flat_bus fb;
  pvh_flat_bus_init(&fb, f.map, f.n);
  assert_int_equal(pvh_flat_bus_add_slot(&fb, 0, sizeof(ram), ram), 0);
  assert_int_equal(pvh_plan_commit(&f.plan, &fb.bus, &err), PVH_E_BUS);
  assert_non_null(strstr(err.message, "PT_LOAD 0 segment"));
  assert_int_equal(ram[TK_TEXT], k.img[elfgen_get_phdr(k.img, k.len, 0, ELFGEN_P_OFFSET)]); /* chunk 1 */

  /* A placement-only bus over a map without the kernel's RAM. */
  struct pvh_mem_region low = {0, 0x9f000, PVH_MEM_RAM};
  struct pvh_rec_bus rb;
  pvh_rec_bus_init(&rb, &low, 1, 0);
  pvh_rec_bus_placement_only(&rb);
  assert_int_equal(pvh_plan_commit(&f.plan, &rb.bus, &err), PVH_E_BUS);
  assert_int_equal(rb.out_of_ram, 1);
  pvh_rec_bus_free(&rb);
  planned_file_free(&f);
  tk_free(&k);
}

/* `inspect`'s bus reads headers and notes only: with the notes first in the
 * file and the file cut right after them, placement still loads while a bus
 * that wants the bytes gets io-error. */
static void placement_reads_no_segment_bytes(void **s) {
  (void)s;
  struct test_kernel k;
  tk_init(&k, 64);
  notes_first(&k);
  tk_build(&k);
  char path[64];
  tmp_path(path, sizeof(path), "notes-first.elf");
  struct pvh_image img;
  struct pvh_error err;
  uint64_t notes_end = elfgen_get_phdr(k.img, k.len, 0, ELFGEN_P_OFFSET) + k.notes.len;
  open_then_cut(&img, path, k.img, k.len, notes_end);

  struct pvh_mem_region map[PVH_MEMMAP_STANDARD_MAX];
  size_t n = pvh_memmap_standard(RAM, map, PVH_MEMMAP_STANDARD_MAX);
  struct pvh_rec_bus rb;
  pvh_rec_bus_init(&rb, map, n, 0);
  pvh_rec_bus_placement_only(&rb);
  struct pvh_load_config cfg;
  pvh_load_config_init(&cfg);
  struct pvh_plan plan;
  assert_int_equal(pvh_load(&img, &cfg, &rb.bus, &plan, &err), PVH_OK);
  assert_int_equal(plan.report.note.entry, TK_ENTRY);
  pvh_plan_free(&plan);
  pvh_rec_bus_free(&rb);
  uint8_t *ram;
  assert_int_equal(load_into(&img, NULL, &ram, &err), PVH_E_IO);
  free(ram);
  pvh_image_close(&img);
  unlink(path);
  tk_free(&k);
}

/* Not regular files, refused at once: a FIFO with no writer (a blocking open
 * would hang here), character devices, a directory, a socket, a pipe and a
 * symlink itself (through descriptors). The image is left empty. */
static void refused_without_blocking(void **s) {
  (void)s;
  guard_against_blocking();
  struct pvh_image img;
  struct pvh_error err;
  char fifo[64];
  tmp_path(fifo, sizeof(fifo), "fifo");
  assert_int_equal(mkfifo(fifo, 0600), 0);
  const struct {
    const char *path, *why;
  } paths[] = {
      {fifo, "is a FIFO (pipe), not a regular file"},
      {"/dev/zero", "is a character device, not a regular file"},
      {"/dev/null", "is a character device, not a regular file"},
      {tmpdir, "is a directory, not a regular file"},
  };
  for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
    assert_int_equal(pvh_image_open(&img, paths[i].path, &err), PVH_E_IO);
    assert_non_null(strstr(err.message, paths[i].why));
    assert_int_equal(img.size, 0);
    assert_int_equal(img.fd, -1);
    pvh_image_close(&img);
  }
  int sv[2], pv[2];
  assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  assert_int_equal(pvh_image_from_fd(&img, sv[0], "sock", NULL, &err), PVH_E_IO);
  assert_string_equal(err.message, "sock is a socket, not a regular file");
  assert_int_equal(pipe(pv), 0);
  assert_int_equal(pvh_image_from_fd(&img, pv[0], NULL, NULL, &err), PVH_E_IO);
  assert_string_equal(err.message, "<descriptor> is a FIFO (pipe), not a regular file");
  char link[64];
  tmp_path(link, sizeof(link), "link");
  assert_int_equal(symlink("/dev/null", link), 0);
  int lfd = open(link, O_PATH | O_NOFOLLOW);
  assert_true(lfd >= 0);
  assert_int_equal(pvh_image_from_fd(&img, lfd, "link", NULL, &err), PVH_E_IO);
  assert_string_equal(err.message, "link is a special file, not a regular file");
  /* Even when streams are allowed, a directory is not one. */
  assert_int_equal(pvh_image_open_opts(&img, tmpdir, &allow_streams, &err), PVH_E_IO);
  assert_non_null(strstr(err.message, "is a directory"));
  /* The caller's descriptors are untouched. */
  assert_int_equal(write(sv[1], "x", 1), 1);
  char c;
  assert_int_equal(read(sv[0], &c, 1), 1);
  close(lfd);
  unlink(link);
  close(pv[0]);
  close(pv[1]);
  close(sv[0]);
  close(sv[1]);
  unlink(fifo);
  alarm(0);
}

/* Writes `len` bytes of `data` to fd in pieces of `chunk` after `delay_ms`,
 * from a child; returns its pid. */
static pid_t writer(int fd, const uint8_t *data, size_t len, size_t chunk, unsigned delay_ms) {
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    usleep(delay_ms * 1000u);
    for (size_t off = 0; off < len; off += chunk) {
      size_t n = len - off < chunk ? len - off : chunk;
      if (write(fd, data + off, n) != (ssize_t)n)
        _exit(1);
    }
    _exit(0);
  }
  return pid;
}

static void reap(pid_t pid) {
  int status;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* Allowed streams: a FIFO read to EOF however the writer splits its writes,
 * a writer that writes nothing (an empty image), /dev/null. */
static void fifo_allowed(void **s) {
  (void)s;
  guard_against_blocking();
  struct test_kernel k;
  tk_init(&k, 32);
  tk_build(&k);
  char path[64];
  tmp_path(path, sizeof(path), "fifo");
  assert_int_equal(mkfifo(path, 0600), 0);
  for (size_t chunk = 1000; chunk <= 1000000; chunk *= 1000) {
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
      int fd = open(path, O_WRONLY);
      for (size_t off = 0; fd >= 0 && off < k.len; off += chunk) {
        size_t n = k.len - off < chunk ? k.len - off : chunk;
        if (write(fd, k.img + off, n) != (ssize_t)n)
          _exit(1);
      }
      _exit(fd >= 0 ? 0 : 1);
    }
    struct pvh_image img;
    struct pvh_error err;
    assert_int_equal(pvh_image_open_opts(&img, path, &allow_streams, &err), PVH_OK);
    reap(pid);
    assert_int_equal(img.kind, PVH_IMAGE_MEMORY);
    assert_int_equal(img.size, k.len);
    assert_memory_equal(img.data, k.img, k.len);
    uint8_t *ram;
    assert_int_equal(load_into(&img, NULL, &ram, &err), PVH_OK);
    free(ram);
    pvh_image_close(&img);
    assert_null(img.owned);
  }
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    int fd = open(path, O_WRONLY);
    _exit(fd >= 0 ? 0 : 1);
  }
  struct pvh_image img;
  struct pvh_error err;
  assert_int_equal(pvh_image_open_opts(&img, path, &allow_streams, &err), PVH_OK);
  assert_int_equal(img.size, 0);
  assert_null(img.owned);
  reap(pid);
  pvh_image_close(&img);
  assert_int_equal(pvh_image_open_opts(&img, "/dev/null", &allow_streams, &err), PVH_OK);
  assert_int_equal(img.size, 0);
  pvh_image_close(&img);
  unlink(path);
  tk_free(&k);
  alarm(0);
}

static void on_alarm(int sig) { (void)sig; }

/* Allowed streams through descriptors: a socket; a non-blocking pipe whose
 * writer is late (the reader waits, it does not spin or fail); a blocking
 * read interrupted by signals (it goes on); the stream limit (/dev/zero
 * stops at stream_max); a descriptor that cannot be read. */
static void streams_from_descriptors(void **s) {
  (void)s;
  guard_against_blocking();
  static const uint8_t msg[] = "a stream of bytes";
  struct pvh_image img;
  struct pvh_error err;

  int sv[2];
  assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  pid_t pid = writer(sv[1], msg, sizeof(msg), 4, 0);
  close(sv[1]);
  assert_int_equal(pvh_image_from_fd(&img, sv[0], "sock", &allow_streams, &err), PVH_OK);
  reap(pid);
  assert_int_equal(img.size, sizeof(msg));
  assert_memory_equal(img.data, msg, sizeof(msg));
  pvh_image_close(&img);
  close(sv[0]);

  int pv[2];
  assert_int_equal(pipe(pv), 0);
  assert_int_equal(fcntl(pv[0], F_SETFL, O_NONBLOCK), 0);
  pid = writer(pv[1], msg, sizeof(msg), 3, 100);
  close(pv[1]);
  assert_int_equal(pvh_image_from_fd(&img, pv[0], "late pipe", &allow_streams, &err), PVH_OK);
  reap(pid);
  assert_memory_equal(img.data, msg, sizeof(msg));
  pvh_image_close(&img);
  close(pv[0]);

  struct sigaction sa, old;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_alarm; /* no SA_RESTART: the blocked read returns EINTR */
  struct itimerval every = {{0, 5000}, {0, 5000}}, off = {{0, 0}, {0, 0}};
  assert_int_equal(pipe(pv), 0);
  pid = writer(pv[1], msg, sizeof(msg), sizeof(msg), 150);
  close(pv[1]);
  assert_int_equal(sigaction(SIGALRM, &sa, &old), 0);
  assert_int_equal(setitimer(ITIMER_REAL, &every, NULL), 0);
  enum pvh_err rc = pvh_image_from_fd(&img, pv[0], "interrupted pipe", &allow_streams, &err);
  assert_int_equal(setitimer(ITIMER_REAL, &off, NULL), 0);
  assert_int_equal(sigaction(SIGALRM, &old, NULL), 0);
  assert_int_equal(rc, PVH_OK);
  reap(pid);
  assert_memory_equal(img.data, msg, sizeof(msg));
  pvh_image_close(&img);
  close(pv[0]);
  guard_against_blocking(); /* the timer above replaced the guard */

  const struct pvh_image_opts small = {PVH_IMAGE_ALLOW_STREAMS, 3u << 20};
  assert_int_equal(pvh_image_open_opts(&img, "/dev/zero", &small, &err), PVH_E_IO);
  assert_string_equal(err.message, "/dev/zero reaches the 3145728-byte limit for streams");
  assert_null(img.owned);

  char link[64];
  tmp_path(link, sizeof(link), "link2");
  assert_int_equal(symlink("/dev/null", link), 0);
  int lfd = open(link, O_PATH | O_NOFOLLOW); /* not readable at all */
  assert_true(lfd >= 0);
  assert_int_equal(pvh_image_from_fd(&img, lfd, "path-only", &allow_streams, &err), PVH_E_IO);
  assert_string_equal(err.message, "cannot read path-only: Bad file descriptor");
  close(lfd);
  unlink(link);
  alarm(0);
}

/* A regular file through a descriptor: the image has its own, so the caller
 * may close theirs; a descriptor open for writing only cannot be read (the
 * read fails with the reason); a descriptor that is not open. */
static void files_from_descriptors(void **s) {
  (void)s;
  char path[64];
  tmp_path(path, sizeof(path), "fd-file");
  static const char digits[64] = "0123456789";
  write_file(path, digits, sizeof(digits));
  struct pvh_image img;
  struct pvh_error err;
  uint8_t got[4];
  int fd = open(path, O_RDONLY);
  assert_true(fd >= 0);
  assert_int_equal(pvh_image_from_fd(&img, fd, "handed over", NULL, &err), PVH_OK);
  close(fd);
  assert_int_equal(img.size, sizeof(digits));
  assert_int_equal(pvh_image_read(&img, 6, 4, got, &err), PVH_OK);
  assert_memory_equal(got, "6789", 4);
  pvh_image_close(&img);

  fd = open(path, O_WRONLY);
  assert_true(fd >= 0);
  assert_int_equal(pvh_image_from_fd(&img, fd, "write-only", NULL, &err), PVH_OK);
  close(fd);
  assert_int_equal(pvh_image_read(&img, 0, 4, got, &err), PVH_E_IO);
  assert_string_equal(err.message, "cannot read write-only at offset 0x0: Bad file descriptor");
  /* A load from it stops at the first read, before any write. */
  uint8_t *ram;
  assert_int_equal(load_into(&img, NULL, &ram, &err), PVH_E_IO);
  assert_true(all_zero(ram, RAM));
  free(ram);
  pvh_image_close(&img);

  assert_int_equal(pvh_image_from_fd(&img, -1, "nothing", NULL, &err), PVH_E_IO);
  assert_string_equal(err.message, "cannot duplicate descriptor -1 for nothing: Bad file descriptor");
  unlink(path);
}

/* Arguments: unknown flags, no path, a path that does not exist. */
static void bad_arguments(void **s) {
  (void)s;
  struct pvh_image img;
  struct pvh_error err;
  const struct pvh_image_opts odd = {0x80, 0};
  assert_int_equal(pvh_image_open_opts(&img, "/dev/null", &odd, &err), PVH_E_INVALID_ARG);
  assert_string_equal(err.message, "pvh_image_open_opts: unknown flags 0x80");
  assert_int_equal(pvh_image_from_fd(&img, 0, NULL, &odd, &err), PVH_E_INVALID_ARG);
  assert_string_equal(err.message, "pvh_image_from_fd: unknown flags 0x80");
  assert_int_equal(pvh_image_open_opts(&img, NULL, NULL, &err), PVH_E_INVALID_ARG);
  assert_int_equal(pvh_image_open(&img, "/nonexistent/pvhcheck/vmlinux", &err), PVH_E_IO);
  assert_string_equal(err.message, "cannot open /nonexistent/pvhcheck/vmlinux: No such file or directory");
  pvh_image_close(&img);
}

static int setup(void **s) {
  (void)s;
  return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **s) {
  (void)s;
  return rmdir(tmpdir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(file_loads_like_buffer),
      cmocka_unit_test(truncated_after_open),
      cmocka_unit_test(cut_in_section0),
      cmocka_unit_test(shrinks_between_plan_and_commit),
      cmocka_unit_test(placement_reads_no_segment_bytes),
      cmocka_unit_test(bus_refuses_file_bytes),
      cmocka_unit_test(refused_without_blocking),
      cmocka_unit_test(fifo_allowed),
      cmocka_unit_test(streams_from_descriptors),
      cmocka_unit_test(files_from_descriptors),
      cmocka_unit_test(bad_arguments),
  };
  return cmocka_run_group_tests_name("image", tests, setup, teardown);
}
