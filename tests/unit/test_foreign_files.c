/* SPDX-License-Identifier: MIT */
/* Foreign malformed files: `pvhcheck inspect` over ELF files nobody made for
 * it (the system's /usr/bin and /usr/lib/x86_64-linux-gnu, bounded) and over
 * truncated and byte-flipped variants of some of them (deterministic seed).
 * Every run must exit 0, or exit 1 with a line "pvhcheck inspect: error: <known-short-name>:
 * <message>" on stderr — never a signal, never another status.
 *
 * usage: test_foreign_files PVHCHECK
 * env:   PVH_FOREIGN_MAX   files to take in total (default 300, half per dir)
 *        PVH_FOREIGN_EVERY make variants of every Nth file (default 10) */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pvh/error.h"

#define MAX_VARIANT_SIZE (4u << 20) /* only small files are copied and mutated */
#define CHILD_TIMEOUT_S 30

static const char *pvhcheck;
static char tmpdir[] = "/tmp/pvh-foreign-XXXXXX";
static unsigned runs, failures, exit_ok, by_code[PVH_E__COUNT];

static uint64_t rng_state;
static uint64_t rng(void) { /* xorshift64*: deterministic across runs and hosts */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 0x2545f4914f6cdd1dull;
}

static int is_elf(const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  unsigned char m[4];
  int ok = read(fd, m, 4) == 4 && !memcmp(m,
                                          "\x7f"
                                          "ELF",
                                          4);
  close(fd);
  return ok;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Up to `max` regular ELF files of `dir` (no symlinks: no duplicates), sorted
 * by name so the selection is the same on every run. */
static size_t collect(const char *dir, size_t max, char ***out) {
  DIR *d = opendir(dir);
  size_t n = 0, cap = 0;
  char **names = NULL;
  if (!d)
    return 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (n == cap) {
      cap = cap ? cap * 2 : 256;
      names = realloc(names, cap * sizeof(*names));
      if (!names)
        exit(2);
    }
    names[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof(*names), cmp_str);
  char **files = calloc(max + 1, sizeof(*files));
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    char path[4096];
    struct stat st;
    snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
    if (k < max && lstat(path, &st) == 0 && S_ISREG(st.st_mode) && is_elf(path))
      files[k++] = strdup(path);
    free(names[i]);
  }
  free(names);
  *out = files;
  return k;
}

static char *read_small(const char *path, size_t *len) {
  struct stat st;
  if (stat(path, &st) != 0 || st.st_size <= 0 || (uint64_t)st.st_size > MAX_VARIANT_SIZE)
    return NULL;
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  char *buf = malloc((size_t)st.st_size);
  if (buf && fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  *len = (size_t)st.st_size;
  return buf;
}

/* Is `line` "pvhcheck inspect: error: <name>: <non-empty message>" with a
 * known name? Returns the code, or -1. */
static int known_error_line(const char *line) {
  static const char prefix[] = "pvhcheck inspect: error: ";
  if (strncmp(line, prefix, sizeof(prefix) - 1) != 0)
    return -1;
  const char *name = line + sizeof(prefix) - 1;
  for (int c = 1; c < PVH_E__COUNT; c++) {
    const char *n = pvh_err_name((enum pvh_err)c);
    size_t l = strlen(n);
    if (!strncmp(name, n, l) && name[l] == ':' && name[l + 1] == ' ' && name[l + 2] != '\0' &&
        name[l + 2] != '\n')
      return c;
  }
  return -1;
}

/* Runs pvhcheck inspect on `path` and judges the outcome. */
static void inspect(const char *path, const char *what) {
  char err_path[128];
  snprintf(err_path, sizeof(err_path), "%s/stderr", tmpdir);
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) {
    perror("fork");
    exit(2);
  }
  if (pid == 0) {
    if (!freopen("/dev/null", "w", stdout) || !freopen(err_path, "w", stderr))
      _exit(126);
    alarm(CHILD_TIMEOUT_S); /* survives exec: a hang ends as SIGALRM, reported */
    /* Under ASan, LeakSanitizer's exit-time scan is most of each run's cost
     * on this kind of VM: keep it for every 8th run only. (No effect on a
     * build without sanitizers.) */
    if (runs % 8 != 0) {
      char opts[1024];
      const char *old = getenv("ASAN_OPTIONS");
      snprintf(opts, sizeof(opts), "%s%sdetect_leaks=0", old ? old : "", old && *old ? ":" : "");
      setenv("ASAN_OPTIONS", opts, 1);
    }
    execl(pvhcheck, pvhcheck, "inspect", path, (char *)NULL);
    _exit(127);
  }
  int st;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  runs++;

  char line[1024] = "";
  FILE *f = fopen(err_path, "r");
  if (f) {
    if (!fgets(line, sizeof(line), f))
      line[0] = '\0';
    fclose(f);
  }
  if (WIFSIGNALED(st)) {
    printf("FAIL %s (%s): killed by signal %d\n", what, path, WTERMSIG(st));
    failures++;
    return;
  }
  int code = WEXITSTATUS(st);
  if (code == 0) {
    exit_ok++;
    return;
  }
  int known = code == 1 ? known_error_line(line) : -1;
  if (known < 0) {
    printf("FAIL %s (%s): exit %d, stderr \"%.200s\"\n", what, path, code, line);
    failures++;
    return;
  }
  by_code[known]++;
}

static void write_variant(const char *path, const char *buf, size_t len) {
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
    perror(path);
    exit(2);
  }
}

/* Truncations and byte flips of one file. */
static void variants(const char *src, unsigned index) {
  size_t len;
  char *orig = read_small(src, &len);
  if (!orig)
    return;
  char *buf = malloc(len);
  char path[160], what[4200];
  snprintf(path, sizeof(path), "%s/variant", tmpdir);
  rng_state = 0x9e3779b97f4a7c15ull ^ ((uint64_t)index * 0x100000001b3ull);

  const size_t cuts[] = {0, 15, 16, 51, 52, 63, 64, 200, len / 3, len / 2, len - 1, (size_t)(rng() % len)};
  for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
    if (cuts[i] >= len)
      continue;
    write_variant(path, orig, cuts[i]);
    snprintf(what, sizeof(what), "%s truncated to %zu", src, cuts[i]);
    inspect(path, what);
  }
  /* Flips: the headers (first 4 KiB) draw most of them, since that is where
   * the parser looks; e_type is forced to ET_EXEC in half of the runs so the
   * usual ET_DYN files get past the type check into the tables and notes. */
  for (int round = 0; round < 8; round++) {
    memcpy(buf, orig, len);
    if (round & 1 && len > 17) {
      buf[16] = 2;
      buf[17] = 0;
    }
    int flips = 1 + (int)(rng() % 8);
    for (int k = 0; k < flips; k++) {
      size_t span = (k & 1) ? len : (len < 4096 ? len : 4096);
      size_t at = (size_t)(rng() % span);
      buf[at] ^= (char)(1u << (rng() % 8));
      if (rng() % 4 == 0)
        buf[at] = (char)0xff;
    }
    write_variant(path, buf, len);
    snprintf(what, sizeof(what), "%s flip round %d", src, round);
    inspect(path, what);
  }
  /* Unmodified but claiming ET_EXEC: the full load path on a real binary. */
  memcpy(buf, orig, len);
  if (len > 17) {
    buf[16] = 2;
    buf[17] = 0;
    write_variant(path, buf, len);
    snprintf(what, sizeof(what), "%s as ET_EXEC", src);
    inspect(path, what);
  }
  free(buf);
  free(orig);
}

int main(int argc, char **argv) {
  if (argc < 2 || access(argv[1], X_OK) != 0) {
    fprintf(stderr, "usage: test_foreign_files PVHCHECK\n");
    return 2;
  }
  pvhcheck = argv[1];
  size_t max = 300, every = 10;
  if (getenv("PVH_FOREIGN_MAX"))
    max = strtoul(getenv("PVH_FOREIGN_MAX"), NULL, 0);
  if (getenv("PVH_FOREIGN_EVERY"))
    every = strtoul(getenv("PVH_FOREIGN_EVERY"), NULL, 0);
  if (every == 0)
    every = 1;
  if (!mkdtemp(tmpdir)) {
    perror("mkdtemp");
    return 2;
  }

  const char *dirs[] = {"/usr/bin", "/usr/lib/x86_64-linux-gnu"};
  size_t total = 0;
  unsigned index = 0;
  for (size_t d = 0; d < 2; d++) {
    char **files;
    size_t n = collect(dirs[d], max / 2, &files);
    for (size_t i = 0; i < n; i++, index++) {
      inspect(files[i], files[i]);
      if (index % every == 0)
        variants(files[i], index);
      free(files[i]);
    }
    free(files);
    total += n;
  }

  char p[160];
  snprintf(p, sizeof(p), "%s/stderr", tmpdir);
  unlink(p);
  snprintf(p, sizeof(p), "%s/variant", tmpdir);
  unlink(p);
  rmdir(tmpdir);

  if (total == 0) {
    printf("SKIPPED: no ELF files found in /usr/bin or /usr/lib/x86_64-linux-gnu\n");
    return 77;
  }
  printf("%zu foreign ELF files, %u runs: %u loadable, %u rejected with a known error, %u failures\n", total,
         runs, exit_ok, runs - exit_ok - failures, failures);
  for (int c = 1; c < PVH_E__COUNT; c++)
    if (by_code[c])
      printf("  %-30s %u\n", pvh_err_name((enum pvh_err)c), by_code[c]);
  return failures ? 1 : 0;
}
