/* SPDX-License-Identifier: MIT */
/* The pipeline: parse → find the note → plan segments → plan boot data →
 * validate → (only then) commit. */
#include <stdlib.h>
#include <string.h>

#include "pvh/loader.h"

static enum pvh_err plan_segments(struct pvh_plan *plan, const struct pvh_image *kernel,
                                  const struct pvh_elf *elf, struct pvh_error *err) {
  enum pvh_err rc;
  uint32_t loads = 0;
  for (uint32_t i = 0; i < elf->nr_phdrs; i++) {
    const struct pvh_phdr *ph = &elf->phdrs[i];
    if (ph->type != PVH_PT_LOAD) /* PT_NOTE, PT_GNU_STACK...: metadata, never copied */
      continue;
    loads++;
    if (ph->filesz && !pvh_image_contains(kernel, ph->offset, ph->filesz))
      return pvh_fail(
          err, PVH_E_SEG_FILE_BOUNDS, "PT_LOAD %u file bytes 0x%llx+0x%llx are outside the %llu-byte file", i,
          (unsigned long long)ph->offset, (unsigned long long)ph->filesz, (unsigned long long)kernel->size);
    rc = pvh_plan_add_segment(plan, i, ph->flags, ph->paddr, ph->filesz, ph->memsz, ph->offset, kernel, err);
    if (rc != PVH_OK)
      return rc;
  }
  if (plan->report.nr_segments == 0)
    return pvh_fail(err, PVH_E_NO_LOAD_SEGMENTS, "%u PT_LOAD of %u program headers, none with p_memsz > 0",
                    loads, elf->nr_phdrs);
  return PVH_OK;
}

enum pvh_err pvh_plan_build(const struct pvh_image *kernel, const struct pvh_mem_region *regions,
                            size_t nr_regions, const struct pvh_load_config *cfg, struct pvh_plan *plan,
                            struct pvh_error *err) {
  struct pvh_mem_region *sorted = NULL;
  struct pvh_elf elf;
  enum pvh_err rc;

  pvh_plan_init(plan);
  memset(&elf, 0, sizeof(elf));
  pvh_error_clear(err);
  if (!kernel || !cfg || (!regions && nr_regions))
    return pvh_fail(err, PVH_E_INVALID_ARG, "pvh_plan_build needs a kernel, a config and a memory map");

  if ((rc = pvh_memmap_sorted(regions, nr_regions, &sorted, err)) != PVH_OK)
    goto out;
  if ((rc = pvh_elf_parse(kernel, &elf, err)) != PVH_OK)
    goto out;
  plan->report.elf_class = elf.elf_class;
  plan->report.machine = elf.machine;
  if ((rc = pvh_find_pvh_entry(kernel, &elf, &plan->report.note, err)) != PVH_OK)
    goto out;
  if ((rc = plan_segments(plan, kernel, &elf, err)) != PVH_OK)
    goto out;
  if ((rc = pvh_plan_boot_data(plan, sorted, nr_regions, cfg, err)) != PVH_OK)
    goto out;
  rc = pvh_plan_validate(plan, sorted, nr_regions, err);
out:
  pvh_elf_free(&elf);
  free(sorted);
  if (rc != PVH_OK)
    pvh_plan_free(plan);
  return rc;
}

enum pvh_err pvh_load(const struct pvh_image *kernel, const struct pvh_load_config *cfg, struct pvh_bus *bus,
                      struct pvh_plan *plan, struct pvh_error *err) {
  pvh_plan_init(plan);
  if (!bus || !bus->ops)
    return pvh_fail(err, PVH_E_INVALID_ARG, "pvh_load needs a memory bus");
  enum pvh_err rc = pvh_plan_build(kernel, bus->regions, bus->nr_regions, cfg, plan, err);
  if (rc != PVH_OK)
    return rc;
  if ((rc = pvh_plan_commit(plan, bus, err)) != PVH_OK)
    pvh_plan_free(plan);
  return rc;
}
