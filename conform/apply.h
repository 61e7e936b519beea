/* SPDX-License-Identifier: MIT */
/* A case turned into pvhkvm's open choices (pvhkvm/open.h): the layout and
 * map for the plan, the RAM fill, and what is rewritten after the loader
 * committed (map order, module list, GDT) together with the entry state. */
#ifndef PVHCONFORM_APPLY_H
#define PVHCONFORM_APPLY_H

#include "pvhconform/conform.h"
#include "pvhkvm/open.h"

struct conform_apply {
  const struct conform_case *c;
  const struct conform_ctx *ctx;
  struct pvh_mem_region *map; /* the map the plan is made against (sorted) */
  size_t nmap;
  struct pvh_layout layout;
  struct pvhkvm_open_choices open;
  /* Written after the fill (the self-test guest's ACPI tables when it gets an
   * RSDP); NULL: none. */
  const uint8_t *tables;
  size_t tables_len;
  uint64_t tables_gpa;
};

/* 0, or -1 with the reason in why (out of memory, no map). */
int conform_apply_init(struct conform_apply *a, const struct conform_case *c, const struct conform_ctx *ctx,
                       char *why, size_t cap);
void conform_apply_free(struct conform_apply *a);

/* The mailbox of the self-test guest, looked up in [start, end) of guest
 * memory (mailbox.c). 1 when found (copied to out), else 0. */
struct pvhtest_mailbox;
int conform_mailbox_find(struct pvhkvm_vm *vm, uint64_t start, uint64_t end, struct pvhtest_mailbox *out);
const char *conform_mailbox_group_name(uint32_t group);

#endif
