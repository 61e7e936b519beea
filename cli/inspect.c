/* SPDX-License-Identifier: MIT */
/* pvhcheck inspect: the full load against a recording bus, then a report of
 * where everything went (or the error). Nothing here touches a real VM. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "json.h"
#include "kernel_file.h"
#include "portability.h"
#include "pvhutil/opt.h"
#include "report.h"
#include "pvh/guest_layout.h"
#include "pvh/loader.h"

#define DEFAULT_MEM (256ull << 20)

struct inspect_opts {
  int json;
  uint64_t mem;
  const char *cmdline;
  const char *initramfs;
  uint64_t rsdp;
  const char *kernel;
  int portable; /* --portable: VMM readers that disagree are an error */
};

static const struct cli_help inspect_help = {
    .usage = "pvhcheck inspect [OPTIONS] KERNEL\n",
    .intro = "Loads KERNEL (an ELF32 or ELF64 PVH kernel, e.g. a vmlinux, or a bzImage such as\n"
             "/boot/vmlinuz-*, whose vmlinux is unpacked in memory first) against a recording memory bus\n"
             "with a standard PC memory map and reports what would be placed where.\n",
    .outro = "exit status: 0 loadable, 1 rejected or, with --portable, the VMM readers disagree\n"
             "             (\"pvhcheck inspect: error: <code>: <message>\" on stderr),\n"
             "             2 usage error, 3 I/O\n",
};

static int rsdp_in_map(uint64_t rsdp, const struct pvh_mem_region *map, size_t nmap);

static int parse_args(int argc, char **argv, struct inspect_opts *o) {
  memset(o, 0, sizeof(*o));
  o->mem = DEFAULT_MEM;
  const struct cli_opt opts[] = {
      OPT_GROUP("Options:"),
      OPT_FLAG("json", &o->json, 1, "one JSON object on stdout"),
      OPT_FLAG("portable", &o->portable, 1,
               "exit 1 when the VMM reader models disagree (docs/vmm-readers.md)"),
      OPT_SIZE("mem", "SIZE", &o->mem, "guest RAM (default 256M; K/M/G suffixes)"),
      OPT_STR("cmdline", "S", &o->cmdline, "kernel command line"),
      OPT_STR("initramfs", "FILE", &o->initramfs, "initramfs, passed as module 0"),
      OPT_U64("rsdp", "ADDR", &o->rsdp,
              "ACPI RSDP address to pass in start_info (default 0: none); decimal or 0x hex\n"
              "                       (a leading 0 is not octal), 16-byte aligned, inside the memory map,\n"
              "                       clear of what the load writes"),
      OPT_END(),
  };
  const char *pos[1];
  int npos;
  int rc = cli_parse("pvhcheck inspect", opts, &inspect_help, argc, argv, pos, 1, &npos);
  if (rc != 0)
    return rc;
  if (npos != 1)
    return cli_opt_error("pvhcheck inspect", "missing KERNEL");
  o->kernel = pos[0];
  if (o->mem > CLI_MEM_MAX)
    return cli_opt_error("pvhcheck inspect",
                         "--mem %" PRIu64 " is more than 64 TiB (x86-64 physical addresses)", o->mem);
  struct pvh_mem_region map[PVH_MEMMAP_STANDARD_MAX];
  size_t nmap = pvh_memmap_standard(o->mem, map, PVH_MEMMAP_STANDARD_MAX);
  if (nmap == 0)
    return cli_opt_error("pvhcheck inspect", "--mem %" PRIu64 " is too small (at least 1M + 4K)", o->mem);
  return rsdp_in_map(o->rsdp, map, nmap);
}

/* The ACPI RSDP (ACPI 6.5, 5.2.5.3): 36 bytes (revision 2; 20 for revision
 * 0), on a 16-byte boundary. A guest reads it where start_info says, so the
 * address must hold one: in the memory map, and not under anything the
 * loader writes (rsdp_clear_of_writes). */
#define RSDP_SIZE 36u
#define RSDP_ALIGN 16u

static int rsdp_in_map(uint64_t rsdp, const struct pvh_mem_region *map, size_t nmap) {
  if (!rsdp)
    return 0;
  if (rsdp % RSDP_ALIGN)
    return cli_opt_error("pvhcheck inspect",
                         "--rsdp 0x%" PRIx64 " (%" PRIu64
                         ") is not 16-byte aligned, as ACPI requires of the RSDP",
                         rsdp, rsdp);
  for (size_t i = 0; i < nmap; i++)
    if (rsdp >= map[i].addr && rsdp - map[i].addr <= map[i].size &&
        map[i].size - (rsdp - map[i].addr) >= RSDP_SIZE)
      return 0;
  return cli_opt_error("pvhcheck inspect",
                       "--rsdp 0x%" PRIx64
                       ": its %u bytes are not inside one region of the memory map (--mem)",
                       rsdp, RSDP_SIZE);
}

static int rsdp_clear_of_writes(uint64_t rsdp, const struct pvh_rec_bus *bus) {
  if (!rsdp)
    return 0;
  for (size_t i = 0; i < bus->nr_writes; i++) {
    const struct pvh_rec_write *w = &bus->writes[i];
    if (w->gpa < rsdp + RSDP_SIZE && rsdp < w->gpa + w->len)
      return cli_opt_error("pvhcheck inspect",
                           "--rsdp 0x%" PRIx64 ": the load writes [0x%" PRIx64 ", 0x%" PRIx64
                           ") over the RSDP's %u bytes; give an address the kernel and boot data leave alone",
                           rsdp, w->gpa, w->gpa + w->len, RSDP_SIZE);
  }
  return 0;
}

static const char *mem_type_name(uint32_t t) {
  static const char *const names[] = {"?", "RAM", "RESERVED", "ACPI", "NVS", "UNUSABLE", "DISABLED", "PMEM"};
  return t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

static void flags_str(uint32_t f, char out[4]) {
  out[0] = (f & PVH_PF_R) ? 'R' : '-';
  out[1] = (f & PVH_PF_W) ? 'W' : '-';
  out[2] = (f & PVH_PF_X) ? 'X' : '-';
  out[3] = '\0';
}

/* How the note container was read, for the text report ("" when it has one
 * reading). */
static const char *reading_text(enum pvh_note_reading reading) {
  switch (reading) {
  case PVH_NOTE_READ_ONLY_WELL_FORMED: return ", the only reading of the 8-aligned container that fits";
  case PVH_NOTE_READ_ONLY_ENTRY: return ", the only reading of the 8-aligned container with an entry";
  case PVH_NOTE_READ_BOTH: return "; read with 4-byte padding it gives the same entry";
  default: return "";
  }
}

static void print_text(const struct inspect_opts *o, const struct cli_kernel *kf, const struct pvh_plan *p,
                       const struct pvh_mem_region *map, size_t nmap, double ms) {
  const struct pvh_load_report *r = &p->report;
  const struct pvh_image *k = &kf->image;
  if (kf->is_bzimage) {
    char line[200];
    cli_kernel_summary(kf, line, sizeof(line));
    printf("file        %s (%" PRIu64 " bytes): %s\n", o->kernel, kf->file_size, line);
  }
  printf("kernel      %s (%" PRIu64 " bytes), ELF%d %s\n", o->kernel, k->size, r->elf_class,
         r->machine == 62 ? "x86-64" : "i386");
  printf("PVH entry   0x%" PRIx64 " (%s %u, %u-byte desc, notes padded to %u%s; %u notes walked, %u Xen)\n",
         r->note.entry, pvh_note_source_name(r->note.source), r->note.container, r->note.desc_size,
         r->note.padding, reading_text(r->note.reading), r->note.notes_seen, r->note.xen_notes_seen);
  printf("segments    %zu PT_LOAD, 0x%" PRIx64 "-0x%" PRIx64 "\n", r->nr_segments, r->kernel_start,
         r->kernel_end);
  for (size_t i = 0; i < r->nr_segments; i++) {
    const struct pvh_placed_segment *s = &r->segments[i];
    char fl[4];
    flags_str(s->flags, fl);
    printf("  PT_LOAD %-3u paddr 0x%08" PRIx64 " filesz 0x%08" PRIx64 " memsz 0x%08" PRIx64 " %s\n",
           s->phdr_index, s->paddr, s->filesz, s->memsz, fl);
  }
  printf("start_info  0x%" PRIx64 " (version %u, %u module%s, rsdp 0x%" PRIx64 ")\n", r->start_info_paddr,
         PVH_START_INFO_VERSION, r->initramfs_size ? 1 : 0, r->initramfs_size ? "" : "s", r->rsdp_paddr);
  printf("memmap      0x%" PRIx64 ", %u entries\n", r->memmap_paddr, r->memmap_entries);
  for (size_t i = 0; i < nmap; i++)
    printf("  0x%012" PRIx64 "-0x%012" PRIx64 " %s\n", map[i].addr, map[i].addr + map[i].size - 1,
           mem_type_name(map[i].type));
  if (r->cmdline_len)
    printf("cmdline     0x%" PRIx64 ", %" PRIu64 " bytes with NUL: \"%s\"\n", r->cmdline_paddr,
           r->cmdline_len, p->cmdline);
  else
    printf("cmdline     none\n");
  if (r->initramfs_size)
    printf("initramfs   0x%" PRIx64 "-0x%" PRIx64 " (%" PRIu64 " bytes, %s the kernel)\n", r->initramfs_paddr,
           r->initramfs_paddr + r->initramfs_size, r->initramfs_size,
           pvh_initramfs_placement_name(r->initramfs_placement));
  else
    printf("initramfs   none\n");
  printf("gdt         0x%" PRIx64 " (%u descriptors: CS 0x%x, DS 0x%x, TR 0x%x)\n", r->gdt_paddr,
         PVH_GDT_ENTRIES, PVH_SEL_CS, PVH_SEL_DS, PVH_SEL_TR);
  printf("entry state RIP 0x%" PRIx64 " RBX 0x%" PRIx64 " RFLAGS 0x%" PRIx64 " CR0 0x%" PRIx64
         " CR4 0x%" PRIx64 " EFER 0x%" PRIx64 "\n",
         p->entry.rip, p->entry.rbx, p->entry.rflags, p->entry.cr0, p->entry.cr4, p->entry.efer);
  printf("result      loadable: %zu writes, %" PRIu64 " bytes planned, %.2f ms\n", p->nr_ops,
         r->bytes_planned, ms);
}

static void json_segment(struct json_writer *w, const struct pvh_segment *s) {
  json_begin_object(w);
  JSON_KV_HEX(w, "selector", s->selector);
  JSON_KV_HEX(w, "base", s->base);
  JSON_KV_HEX(w, "limit", s->limit);
  JSON_KV_U64(w, "type", s->type);
  JSON_KV_U64(w, "s", s->s);
  JSON_KV_U64(w, "db", s->db);
  JSON_KV_U64(w, "g", s->g);
  JSON_KV_U64(w, "present", s->present);
  json_end_object(w);
}

static void print_json(const struct inspect_opts *o, const struct cli_kernel *kf, const struct pvh_plan *p,
                       const struct pvh_mem_region *map, size_t nmap, const struct cli_error *err,
                       const char *status, double ms, const struct portability *port) {
  const struct pvh_image *k = kf ? &kf->image : NULL;
  struct json_writer w;
  cli_report_begin(&w, stdout, o->kernel);
  cli_report_verdict(&w, err == NULL, status, err);
  JSON_KV_U64(&w, "kernel_size", k ? k->size : 0);
  JSON_KV_U64(&w, "mem", o->mem);
  JSON_KV_DOUBLE(&w, "elapsed_ms", ms);
  cli_kernel_json(&w, kf);
  if (port && port->judged)
    portability_json(&w, port);
  if (err && strcmp(err->code, "not-portable") != 0) {
    json_end_object(&w);
    json_finish(&w);
    return;
  }
  const struct pvh_load_report *r = &p->report;
  JSON_KV_U64(&w, "elf_class", (uint64_t)r->elf_class);
  JSON_KV_STR(&w, "machine", r->machine == 62 ? "x86_64" : "i386");
  JSON_KV_HEX(&w, "entry", r->note.entry);
  JSON_KV_STR(&w, "note_source", pvh_note_source_name(r->note.source));
  JSON_KV_U64(&w, "note_container", r->note.container);
  JSON_KV_U64(&w, "note_desc_size", r->note.desc_size);
  JSON_KV_U64(&w, "note_padding", r->note.padding);
  JSON_KV_STR(&w, "note_reading", pvh_note_reading_name(r->note.reading));
  JSON_KV_U64(&w, "notes_seen", r->note.notes_seen);
  json_key(&w, "segments");
  json_begin_array(&w);
  for (size_t i = 0; i < r->nr_segments; i++) {
    const struct pvh_placed_segment *s = &r->segments[i];
    char fl[4];
    flags_str(s->flags, fl);
    json_begin_object(&w);
    JSON_KV_U64(&w, "phdr", s->phdr_index);
    JSON_KV_HEX(&w, "paddr", s->paddr);
    JSON_KV_U64(&w, "filesz", s->filesz);
    JSON_KV_U64(&w, "memsz", s->memsz);
    JSON_KV_STR(&w, "flags", fl);
    json_end_object(&w);
  }
  json_end_array(&w);
  JSON_KV_HEX(&w, "kernel_start", r->kernel_start);
  JSON_KV_HEX(&w, "kernel_end", r->kernel_end);
  JSON_KV_HEX(&w, "start_info", r->start_info_paddr);
  JSON_KV_HEX(&w, "gdt", r->gdt_paddr);
  json_key(&w, "cmdline");
  if (r->cmdline_len) {
    json_begin_object(&w);
    JSON_KV_HEX(&w, "paddr", r->cmdline_paddr);
    JSON_KV_U64(&w, "len", r->cmdline_len);
    JSON_KV_STR(&w, "value", p->cmdline);
    json_end_object(&w);
  } else {
    json_null(&w);
  }
  json_key(&w, "initramfs");
  if (r->initramfs_size) {
    json_begin_object(&w);
    JSON_KV_HEX(&w, "paddr", r->initramfs_paddr);
    JSON_KV_U64(&w, "size", r->initramfs_size);
    JSON_KV_STR(&w, "placement", pvh_initramfs_placement_name(r->initramfs_placement));
    json_end_object(&w);
  } else {
    json_null(&w);
  }
  JSON_KV_HEX(&w, "rsdp", r->rsdp_paddr);
  json_key(&w, "memmap");
  json_begin_object(&w);
  JSON_KV_HEX(&w, "paddr", r->memmap_paddr);
  json_key(&w, "entries");
  json_begin_array(&w);
  for (size_t i = 0; i < nmap; i++) {
    json_begin_object(&w);
    JSON_KV_HEX(&w, "addr", map[i].addr);
    JSON_KV_U64(&w, "size", map[i].size);
    JSON_KV_STR(&w, "type", mem_type_name(map[i].type));
    json_end_object(&w);
  }
  json_end_array(&w);
  json_end_object(&w);
  json_key(&w, "entry_state");
  json_begin_object(&w);
  JSON_KV_HEX(&w, "rip", p->entry.rip);
  JSON_KV_HEX(&w, "rbx", p->entry.rbx);
  JSON_KV_HEX(&w, "rflags", p->entry.rflags);
  JSON_KV_HEX(&w, "cr0", p->entry.cr0);
  JSON_KV_HEX(&w, "cr4", p->entry.cr4);
  JSON_KV_HEX(&w, "efer", p->entry.efer);
  json_key(&w, "cs");
  json_segment(&w, &p->entry.cs);
  json_key(&w, "ds");
  json_segment(&w, &p->entry.ds);
  json_key(&w, "tr");
  json_segment(&w, &p->entry.tr);
  JSON_KV_HEX(&w, "gdtr_base", p->entry.gdt.base);
  JSON_KV_HEX(&w, "gdtr_limit", p->entry.gdt.limit);
  json_end_object(&w);
  JSON_KV_U64(&w, "writes", p->nr_ops);
  JSON_KV_U64(&w, "bytes_planned", r->bytes_planned);
  json_end_object(&w);
  json_finish(&w);
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int cmd_inspect(int argc, char **argv) {
  cli_report_enter("inspect", argc, argv);
  struct inspect_opts o;
  int rc = parse_args(argc, argv, &o);
  if (rc != 0)
    return rc == CLI_PARSE_HELP ? PVHCLI_EXIT_OK : PVHCLI_EXIT_USAGE;
  struct pvh_mem_region map[PVH_MEMMAP_STANDARD_MAX];
  size_t nmap = pvh_memmap_standard(o.mem, map, PVH_MEMMAP_STANDARD_MAX);

  struct pvh_error err;
  struct pvh_image initrd;
  struct cli_kernel kf;
  struct cli_kernel_error kerr;
  memset(&initrd, 0, sizeof(initrd));
  pvh_error_clear(&err);
  double t0 = now_ms();
  /* --json promises one object on stdout, an I/O failure included. */
  struct cli_error ce;
  enum cli_kernel_status ks = cli_kernel_open(&kf, o.kernel, &kerr);
  if (ks == CLI_KERNEL_BZIMAGE) { /* a bzImage pvhbz refuses: a rejected kernel */
    cli_error_set(&ce, pvhbz_err_name(kerr.bz_err.code), "kernel", "%s: %s", o.kernel, kerr.bz_err.message);
    if (o.json)
      print_json(&o, &kf, NULL, map, nmap, &ce, "rejected", now_ms() - t0, NULL);
    cli_error_print(&ce);
    return PVHCLI_EXIT_FAIL;
  }
  if (ks == CLI_KERNEL_IO) {
    cli_error_set(&ce, pvh_err_name(kerr.io_err.code), "kernel", "KERNEL: %s", kerr.io_err.message);
    goto input_failed;
  }
  struct pvh_image kernel = kf.image;
  if (o.initramfs && pvh_image_open(&initrd, o.initramfs, &err) != PVH_OK) {
    cli_error_set(&ce, pvh_err_name(err.code), "--initramfs", "--initramfs: %s", err.message);
    goto input_failed;
  }
  /* An empty initramfs is a mistake on the command line, not in the kernel. */
  if (o.initramfs && initrd.size == 0) {
    pvh_image_close(&initrd);
    cli_kernel_close(&kf);
    cli_opt_error("pvhcheck inspect", "--initramfs %s is empty", o.initramfs);
    return PVHCLI_EXIT_USAGE;
  }

  struct pvh_load_config cfg;
  pvh_load_config_init(&cfg);
  cfg.cmdline = o.cmdline;
  cfg.initramfs = o.initramfs ? &initrd : NULL;
  cfg.rsdp_paddr = o.rsdp;

  struct pvh_rec_bus bus;
  pvh_rec_bus_init(&bus, map, nmap, 0);
  /* Placement is the report; contents are the file's: the segments and the
   * initramfs are never read, so memory stays small for any kernel size. */
  pvh_rec_bus_placement_only(&bus);
  struct pvh_plan plan;
  enum pvh_err lrc = pvh_load(&kernel, &cfg, &bus.bus, &plan, &err);
  double ms = now_ms() - t0;
  cli_kernel_explain(&kf, &err);

  if (lrc == PVH_OK && rsdp_clear_of_writes(o.rsdp, &bus)) {
    pvh_plan_free(&plan);
    pvh_rec_bus_free(&bus);
    pvh_image_close(&initrd);
    cli_kernel_close(&kf);
    return PVHCLI_EXIT_USAGE;
  }
  /* Where the kernel boots besides here: each VMM's reader, modelled. */
  struct portability port;
  portability_judge(&kernel, &port);
  int disagree = lrc == PVH_OK && o.portable && (!port.judged || !port.agree);
  if (lrc != PVH_OK)
    cli_error_set(&ce, pvh_err_name(err.code), "kernel", "%s", err.message);
  if (disagree) {
    char line[512];
    portability_summary(&port, line, sizeof(line));
    cli_error_set(&ce, "not-portable", "kernel", "the VMM readers disagree: %s",
                  port.judged ? line : port.error);
  }
  if (o.json)
    print_json(&o, &kf, &plan, map, nmap, lrc == PVH_OK && !disagree ? NULL : &ce,
               lrc == PVH_OK && !disagree ? "ran"
               : lrc == PVH_E_IO          ? "environment"
                                          : "rejected",
               ms, &port);
  else if (lrc == PVH_OK)
    print_text(&o, &kf, &plan, map, nmap, ms);
  if (!o.json && port.judged)
    portability_print_text(stdout, &port);
  if (lrc != PVH_OK || disagree)
    cli_error_print(&ce);

  pvh_plan_free(&plan);
  pvh_rec_bus_free(&bus);
  pvh_image_close(&initrd);
  cli_kernel_close(&kf);
  /* A file that shrank or failed while it was read is the environment's
   * fault, as when it cannot be opened. */
  if (lrc == PVH_E_IO)
    return PVHCLI_EXIT_ENV;
  return lrc == PVH_OK && !disagree ? PVHCLI_EXIT_OK : PVHCLI_EXIT_FAIL;

input_failed:
  if (o.json)
    print_json(&o, NULL, NULL, map, nmap, &ce, "environment", now_ms() - t0, NULL);
  cli_error_print(&ce);
  cli_kernel_close(&kf);
  return PVHCLI_EXIT_ENV;
}
