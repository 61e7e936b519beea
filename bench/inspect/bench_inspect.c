/* SPDX-License-Identifier: MIT */
/* How long does it take to load a real kernel? libpvh (plan + commit into a
 * flat RAM buffer, and plan + commit into the recording bus that `inspect`
 * uses) against a peer: a minimal PVH loader written on elfutils libelf doing
 * the same work (phdrs, notes, PT_LOAD copy + BSS zero) into the same buffer.
 *
 * usage: bench_inspect [VMLINUX] [ITERATIONS]
 * Prints medians and ratios; never fails on time. */
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "pvh/loader.h"

#define RAM_SIZE (512ull << 20)

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof(*v), cmp_double);
  return v[n / 2];
}

/* libpvh into host RAM through the flat bus: what the KVM backend does. */
static int run_pvh_flat(const char *path, uint8_t *ram, const struct pvh_mem_region *map, size_t n,
                        uint64_t *entry) {
  struct pvh_image img;
  struct pvh_error err;
  if (pvh_image_open(&img, path, &err) != PVH_OK)
    return -1;
  struct pvh_flat_bus fb;
  pvh_flat_bus_init(&fb, map, n);
  pvh_flat_bus_add_slot(&fb, 0, RAM_SIZE, ram);
  struct pvh_load_config cfg;
  pvh_load_config_init(&cfg);
  cfg.cmdline = "console=ttyS0";
  struct pvh_plan plan;
  int rc = pvh_load(&img, &cfg, &fb.bus, &plan, &err) == PVH_OK ? 0 : -1;
  if (rc == 0)
    *entry = plan.report.note.entry;
  else
    fprintf(stderr, "libpvh: %s: %s\n", pvh_err_name(err.code), err.message);
  pvh_plan_free(&plan);
  pvh_image_close(&img);
  return rc;
}

/* libpvh against the recording bus that only records placement: what `inspect` does. */
static int run_pvh_rec(const char *path, const struct pvh_mem_region *map, size_t n) {
  struct pvh_image img;
  struct pvh_error err;
  if (pvh_image_open(&img, path, &err) != PVH_OK)
    return -1;
  struct pvh_rec_bus rb;
  pvh_rec_bus_init(&rb, map, n, 0);
  pvh_rec_bus_placement_only(&rb); /* as `pvhcheck inspect` runs it */
  struct pvh_load_config cfg;
  pvh_load_config_init(&cfg);
  cfg.cmdline = "console=ttyS0";
  struct pvh_plan plan;
  int rc = pvh_load(&img, &cfg, &rb.bus, &plan, &err) == PVH_OK ? 0 : -1;
  pvh_plan_free(&plan);
  pvh_rec_bus_free(&rb);
  pvh_image_close(&img);
  return rc;
}

/* The peer: the same load on libelf. No overlap or RAM checks (a typical
 * simple loader), so it is a floor rather than a like-for-like. */
static int run_libelf(const char *path, uint8_t *ram, uint64_t *entry) {
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return -1;
  Elf *e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
  size_t phnum;
  int rc = -1;
  if (!e || elf_getphdrnum(e, &phnum) != 0)
    goto out;
  *entry = 0;
  for (size_t i = 0; i < phnum; i++) {
    GElf_Phdr ph;
    if (!gelf_getphdr(e, (int)i, &ph))
      goto out;
    if (ph.p_type == PT_NOTE && !*entry) {
      Elf_Data *d = elf_getdata_rawchunk(e, (int64_t)ph.p_offset, ph.p_filesz, ELF_T_NHDR);
      size_t off = 0, name_off, desc_off;
      GElf_Nhdr nh;
      while (d && (off = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
        if (nh.n_type == 18 && nh.n_namesz == 4 && !memcmp((char *)d->d_buf + name_off, "Xen", 4)) {
          uint32_t v;
          memcpy(&v, (char *)d->d_buf + desc_off, 4);
          *entry = v;
        }
      }
    }
    if (ph.p_type != PT_LOAD || ph.p_paddr + ph.p_memsz > RAM_SIZE)
      continue;
    Elf_Data *seg = elf_getdata_rawchunk(e, (int64_t)ph.p_offset, ph.p_filesz, ELF_T_BYTE);
    if (ph.p_filesz && !seg)
      goto out;
    if (ph.p_filesz)
      memcpy(ram + ph.p_paddr, seg->d_buf, ph.p_filesz);
    memset(ram + ph.p_paddr + ph.p_filesz, 0, ph.p_memsz - ph.p_filesz);
  }
  rc = *entry ? 0 : -1;
out:
  elf_end(e);
  close(fd);
  return rc;
}

int main(int argc, char **argv) {
  char def[512];
  const char *cache = getenv("PVH_CACHE_DIR");
  const char *home = getenv("HOME");
  if (cache)
    snprintf(def, sizeof(def), "%s/vmlinux", cache);
  else
    snprintf(def, sizeof(def), "%s/.cache/pvhcheck/vmlinux", home ? home : ".");
  const char *path = argc > 1 ? argv[1] : def;
  int iters = argc > 2 ? atoi(argv[2]) : 20;
  if (iters < 1)
    iters = 1;
  if (access(path, R_OK) != 0) {
    printf("bench_inspect: skipped: no kernel at %s (run tools/fetch-debian-kernel.sh)\n", path);
    return 0;
  }
  elf_version(EV_CURRENT);

  uint8_t *ram =
      mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (ram == MAP_FAILED)
    return 1;
  struct pvh_mem_region map[8];
  size_t n = pvh_memmap_standard(RAM_SIZE, map, 8);

  double *t_flat = calloc((size_t)iters, sizeof(double)), *t_rec = calloc((size_t)iters, sizeof(double)),
         *t_peer = calloc((size_t)iters, sizeof(double));
  uint64_t e_pvh = 0, e_peer = 0;
  /* Warm the page cache and the RAM buffer once so every run measures loading,
   * not first-touch page faults. */
  if (run_pvh_flat(path, ram, map, n, &e_pvh) != 0 || run_libelf(path, ram, &e_peer) != 0) {
    fprintf(stderr, "bench_inspect: %s did not load\n", path);
    return 1;
  }
  for (int i = 0; i < iters; i++) { /* interleaved so drift hits all three alike */
    double t0 = now_ms();
    run_pvh_flat(path, ram, map, n, &e_pvh);
    double t1 = now_ms();
    run_pvh_rec(path, map, n);
    double t2 = now_ms();
    run_libelf(path, ram, &e_peer);
    double t3 = now_ms();
    t_flat[i] = t1 - t0;
    t_rec[i] = t2 - t1;
    t_peer[i] = t3 - t2;
  }
  double mf = median(t_flat, iters), mr = median(t_rec, iters), mp = median(t_peer, iters);
  printf("kernel: %s, %d iterations, medians\n", path, iters);
  printf("  libpvh load into RAM (flat bus)        %8.2f ms   %.2fx the libelf peer\n", mf, mf / mp);
  printf("  libpvh inspect (recording bus)         %8.2f ms   %.2fx the libelf peer\n", mr, mr / mp);
  printf("  peer: libelf phdrs+notes+copy          %8.2f ms\n", mp);
  printf("  PVH entry: libpvh 0x%" PRIx64 ", libelf peer 0x%" PRIx64 " (%s)\n", e_pvh, e_peer,
         e_pvh == e_peer ? "agree" : "DISAGREE");
  free(t_flat);
  free(t_rec);
  free(t_peer);
  munmap(ram, RAM_SIZE);
  return e_pvh == e_peer ? 0 : 1;
}
