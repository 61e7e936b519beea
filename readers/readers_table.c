/* SPDX-License-Identifier: MIT */
/* The readers, one row each: who uses it, the source its rules were read
 * from, and the rules. docs/vmm-readers.md explains each rule with the lines
 * it comes from; keep the two in step. */
#include <string.h>

#include "pvhreaders/readers.h"

/* The rules every modelled Xen libelf shares. Its rows add only what differs
 * between versions: the note padding, and the PADDR_OFFSET check that 4.17
 * makes for PVH too and later libelf does not. */
#define XEN_LIBELF_RULES                                                                                     \
  .walk = PVHR_WALK_XEN, .section_fallback = 1, .elf32 = 1, .elf64 = 1, .owner = PVHR_OWNER_CSTRING,         \
  .desc = PVHR_DESC_XEN_NUMERIC, .entry_must_be_loaded = 1, .unset_entry_ffffffff = 1, .skip_offset_zero = 1

static const struct pvhr_reader readers[] = {
    {.name = "QEMU",
     .version = "7.2",
     .used_by = "qemu-system-x86_64 -kernel",
     .source = "qemu v7.2.0 hw/i386/x86.c (load_elfboot, read_pvh_start_addr), include/hw/elf_ops.h",
     .is_vmm = 1,
     .rules = {.walk = PVHR_WALK_QEMU,
               .padding = PVHR_PAD_CONTAINER_ALIGN,
               .elf32 = 1,
               .elf64 = 1,
               .owner = PVHR_OWNER_NOT_CHECKED,
               .desc = PVHR_DESC_CLASS_WORD,
               .entry_zero_is_none = 1}},
    {.name = "Xen 4.17",
     .version = "4.17-4.20",
     .used_by = "libxenguest, Xen's PVH domain builder",
     .source = "xen RELEASE-4.17.0 xen/common/libelf/libelf-dominfo.c, libelf-tools.c",
     .is_vmm = 1,
     .rules = {XEN_LIBELF_RULES, .padding = PVHR_PAD_4, .paddr_offset_needs_virt_base = 1}},
    {.name = "Xen proposal",
     .version = "2026 patch",
     .used_by = "future Xen (\"ELF: correct .note.* alignment handling\")",
     .source = "xen-devel patch \"ELF: correct .note.* alignment handling\" to libelf-tools.c",
     .is_vmm = 1,
     .rules = {XEN_LIBELF_RULES, .padding = PVHR_PAD_8_ELF64_ALIGN_OVER_4}},
    {.name = "linux-loader",
     .version = "0.13",
     .used_by = "Firecracker, cloud-hypervisor",
     .source = "rust-vmm/linux-loader src/loader/elf/mod.rs (Elf::load, parse_elf_note)",
     .is_vmm = 1,
     .rules = {.walk = PVHR_WALK_LINUX_LOADER,
               .padding = PVHR_PAD_4,
               .elf64 = 1,
               .owner = PVHR_OWNER_EXACT,
               .desc = PVHR_DESC_U32_MIN_4,
               .load_align_2m = 1,
               .entry_min_1m = 1}},
    {.name = "readelf/elfutils",
     .version = "binutils 2.40, elfutils 0.188",
     .used_by = "readelf -n, eu-readelf, libelf users",
     .source = "binutils-2.40 binutils/readelf.c (process_notes_at); elfutils-0.188 libelf/gelf_getnote.c",
     .is_vmm = 0,
     .rules = {.walk = PVHR_WALK_CLEAN,
               .padding = PVHR_PAD_8_ALIGN_8,
               .section_fallback = 1,
               .elf32 = 1,
               .elf64 = 1,
               .owner = PVHR_OWNER_EXACT,
               .desc = PVHR_DESC_4_OR_8}},
};

size_t pvhr_reader_count(void) { return sizeof(readers) / sizeof(readers[0]); }

const struct pvhr_reader *pvhr_reader_at(size_t i) { return i < pvhr_reader_count() ? &readers[i] : NULL; }

const struct pvhr_reader *pvhr_reader_find(const char *name) {
  for (size_t i = 0; name && i < pvhr_reader_count(); i++)
    if (strcmp(readers[i].name, name) == 0)
      return &readers[i];
  return NULL;
}
