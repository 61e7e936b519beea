# SPDX-License-Identifier: MIT
"""The project's list of one-line bugs planted in loader/ and bzimage/ by run.py.

Each mutant is the kind of slip a real patch makes: an off-by-one in a bound,
a missing check, a wrong field, a wrong padding or alignment, a wrong order,
and the overlap checks' one-byte class. `old` must occur exactly once in
`file`; run.py refuses a mutant that no longer applies (the list follows the
loader: when a change moves a line, move its mutant with it).

Fields: (name, class, file, old, new).

KVM_MUTANTS are bugs only a real KVM can show: in the flat bus that writes
guest RAM, the copy of the entry state into kvm_regs/kvm_sregs, the GDT and
segment state a guest reloads, the guest-RAM slot mapping and the memory-map
handoff. `run.py --kvm` builds each and tries to kill it in the KVM lab with
fuzz_boot's replay and then the self-test guest's boot; `in_process` says
what the in-process stages (tests, replay, fuzz) do with it: "not built"
for kvm/ files (those builds have no KVM backend), else measured by
`run.py --only NAME` and recorded here.
Fields: (name, class, file, old, new, in_process).
"""

MUTANTS = [
    # ---- elf.c ----
    ("elf-version-unchecked", "missing check", "loader/elf.c",
     "if (version != EV_CURRENT)", "if (0 && version != EV_CURRENT)"),
    ("elf-machine-from-type", "wrong field", "loader/elf.c",
     "machine = le16(eh + 18), ehsize", "machine = le16(eh + 16), ehsize"),
    ("elf-phoff-zero-accepted", "missing check", "loader/elf.c",
     "if (phoff == 0)", "if (0 && phoff == 0)"),
    ("elf-phentsize-larger-accepted", "off-by-one bound", "loader/elf.c",
     "if (phentsize != c->phentsize)", "if (phentsize < c->phentsize)"),
    ("elf-table-one-byte-short", "off-by-one bound", "loader/elf.c",
     "return pvh_image_contains(img, off, count * entsize);", "return pvh_image_contains(img, off, count * entsize - 1);"),
    ("elf-paddr-from-vaddr", "wrong field", "loader/elf.c",
     "ph->paddr = word(c, p + c->p_paddr);", "ph->paddr = word(c, p + c->p_vaddr);"),
    ("elf-memsz-from-filesz", "wrong field", "loader/elf.c",
     "ph->memsz = word(c, p + c->p_memsz);", "ph->memsz = word(c, p + c->p_filesz);"),
    ("elf-xnum-phnum-from-size", "wrong field", "loader/elf.c",
     "phnum = info;", "phnum = sh0.size;"),
    ("elf-xnum-shnum-from-info", "wrong field", "loader/elf.c",
     "shnum = sh0.size;", "shnum = info;"),
    ("elf-phnum-limit-off-by-one", "off-by-one bound", "loader/elf.c",
     "if (phnum > PVH_ELF_MAX_PHDRS)", "if (phnum > PVH_ELF_MAX_PHDRS + 1)"),
    # ---- note.c ----
    ("note-desc-unpadded", "padding", "loader/note.c",
     "uint64_t desc_span = pad_to(note->descsz, pad);", "uint64_t desc_span = note->descsz;"),
    ("note-name-padded-from-name", "padding", "loader/note.c",
     "pad_to(NOTE_HDR_SIZE + (uint64_t)note->namesz, pad) - NOTE_HDR_SIZE;", "pad_to(note->namesz, pad);"),
    ("note-padding-8-for-16", "alignment", "loader/note.c",
     "return container_align == 8 ? 8u : 4u;", "return container_align >= 8 ? 8u : 4u;"),
    ("note-padding-ignores-align", "alignment", "loader/note.c",
     "if ((rc = scan_container(&c, ph->align, &s, err)) != PVH_OK)", "if ((rc = scan_container(&c, 4, &s, err)) != PVH_OK)"),
    ("note-entry-zero-accepted", "missing check", "loader/note.c",
     "if (out->entry == 0)", "if (0 && out->entry == 0)"),
    ("note-header-bound-off-by-one", "off-by-one bound", "loader/note.c",
     "return size - pos >= NOTE_HDR_SIZE;", "return size - pos > NOTE_HDR_SIZE;"),
    ("note-body-bound-off-by-one", "off-by-one bound", "loader/note.c",
     "if (body > left - NOTE_HDR_SIZE) {", "if (body >= left - NOTE_HDR_SIZE) {"),
    ("note-owner-nul-unchecked", "missing check", "loader/note.c",
     'memcmp(name, "Xen", 4) == 0', 'memcmp(name, "Xen", 3) == 0'),
    ("note-desc8-read-as-4", "wrong field", "loader/note.c",
     "le32(desc) : le64(desc);", "le32(desc) : le32(desc);"),
    ("note-conflict-unchecked", "missing check", "loader/note.c",
     "if (s->found && r->entry != s->out->entry)", "if (0 && s->found && r->entry != s->out->entry)"),
    ("note-sections-always-searched", "wrong order", "loader/note.c",
     "  if (!s.found) {\n    if (elf->shdr_error.code", "  if (1) {\n    if (elf->shdr_error.code"),
    ("note-count-limit-off-by-one", "off-by-one bound", "loader/note.c",
     "if (s->out->notes_seen + ++r->notes > PVH_NOTE_MAX_COUNT)", "if (s->out->notes_seen + ++r->notes >= PVH_NOTE_MAX_COUNT)"),
    ("note-one-reading-for-align8", "missing check", "loader/note.c",
     "int two = align == 8 && s->elf->elf_class == 64;", "int two = 0;"),
    ("note-ambiguous-unchecked", "missing check", "loader/note.c",
     "r4->content == PVH_OK && r8->entry != r4->entry)", "r4->content == PVH_OK && 0)"),
    # ---- memmap.c ----
    ("memmap-touching-regions-overlap", "one-byte overlap", "loader/memmap.c",
     "if (s[i].addr < s[i - 1].addr + s[i - 1].size) {", "if (s[i].addr <= s[i - 1].addr + s[i - 1].size) {"),
    ("memmap-one-byte-overlap-missed", "one-byte overlap", "loader/memmap.c",
     "if (s[i].addr < s[i - 1].addr + s[i - 1].size) {", "if (s[i].addr + 1 < s[i - 1].addr + s[i - 1].size) {"),
    ("memmap-ram-end-off-by-one", "off-by-one bound", "loader/memmap.c",
     "if (end - hit->addr <= hit->size)", "if (end - hit->addr < hit->size)"),
    ("memmap-acpi-counts-as-ram", "wrong field", "loader/memmap.c",
     "if (r->type == PVH_MEM_RAM && cur >= r->addr", "if (r->type != PVH_MEM_RESERVED && cur >= r->addr"),
    ("memmap-unsorted", "wrong order", "loader/memmap.c",
     "  qsort(s, n, sizeof(*s), cmp_region);", "  (void)cmp_region;"),
    # ---- plan.c ----
    ("plan-touching-writes-overlap", "one-byte overlap", "loader/plan.c",
     "if (op->gpa < reach->gpa + reach->len) {", "if (op->gpa <= reach->gpa + reach->len) {"),
    ("plan-one-byte-overlap-missed", "one-byte overlap", "loader/plan.c",
     "if (op->gpa < reach->gpa + reach->len) {", "if (op->gpa + 1 < reach->gpa + reach->len) {"),
    # Not listed: "reach = op" unconditionally in plan_check_overlaps is an
    # equivalent mutant (the scan stops at the first overlap, so `reach` is
    # always the op before), and so is a below-kernel initramfs top one byte
    # into the kernel (first_clash moves it below the kernel's first write).
    ("boot-initramfs-clash-one-byte", "one-byte overlap", "loader/boot_data.c",
     "if (lo < op->gpa + op->len && op->gpa < lo + len)", "if (lo + 1 < op->gpa + op->len && op->gpa < lo + len)"),
    ("plan-4g-end-off-by-one", "off-by-one bound", "loader/plan.c",
     "  if (end > LIMIT_4G)\n    return pvh_fail(err, PVH_E_SEG_ABOVE_4G",
     "  if (end >= LIMIT_4G)\n    return pvh_fail(err, PVH_E_SEG_ABOVE_4G"),
    ("plan-filesz-over-memsz-accepted", "missing check", "loader/plan.c",
     "if (filesz > memsz)", "if (0 && filesz > memsz)"),
    ("plan-entry-in-bss-accepted", "wrong field", "loader/plan.c",
     "entry - s->paddr < s->filesz)", "entry - s->paddr < s->memsz)"),
    ("plan-entry-exec-unchecked", "missing check", "loader/plan.c",
     "if ((s->flags & PVH_PF_X) && entry >= s->paddr", "if (entry >= s->paddr"),
    ("plan-layout-checked-first", "wrong order", "loader/plan.c",
     "if (is_kernel(op) == (pass == 0) &&", "if (is_kernel(op) == (pass == 1) &&"),
    ("plan-bss-over-file-bytes", "wrong field", "loader/plan.c",
     "PVH_W_BSS, phdr_index, paddr + filesz,", "PVH_W_BSS, phdr_index, paddr,"),
    # ---- boot_data.c ----
    ("boot-initramfs-misaligned", "alignment", "loader/boot_data.c",
     "uint64_t cand = (hi - size) & ~(align - 1);", "uint64_t cand = (hi - size) & ~align;"),
    ("boot-cmdline-without-nul", "off-by-one bound", "loader/boot_data.c",
     "l->cmdline_paddr, len + 1, NULL, 0, err", "l->cmdline_paddr, len, NULL, 0, err"),
    ("boot-modlist-after-wrong-struct", "wrong field", "loader/boot_data.c",
     "si.modlist_paddr = l->start_info_paddr + sizeof(si);", "si.modlist_paddr = l->start_info_paddr + sizeof(mod);"),
    ("boot-memmap-cap-off-by-one", "off-by-one bound", "loader/boot_data.c",
     "if (n > cap)", "if (n > cap + 1)"),
    ("boot-initramfs-below-1m", "missing check", "loader/boot_data.c",
     "highest_gap(plan, sorted, n, PVH_GUEST_INITRAMFS_FLOOR, below_top,", "highest_gap(plan, sorted, n, 0, below_top,"),
    ("boot-initramfs-below-ignores-ceiling", "missing check", "loader/boot_data.c",
     "uint64_t below_top = r->kernel_start < ceiling ? r->kernel_start : ceiling;",
     "uint64_t below_top = r->kernel_start;"),
    # ---- entry.c ----
    ("entry-limit-not-in-pages", "wrong field", "loader/entry.c",
     "limit >>= 12;", "limit >>= 0;"),
    ("entry-rbx-is-entry", "wrong field", "loader/entry.c",
     "st->rbx = start_info_paddr;", "st->rbx = entry;"),
    # ---- load.c / image.c ----
    ("load-file-bytes-one-short", "off-by-one bound", "loader/load.c",
     "!pvh_image_contains(kernel, ph->offset, ph->filesz))", "!pvh_image_contains(kernel, ph->offset, ph->filesz - 1))"),
    ("image-bounds-one-past", "off-by-one bound", "loader/image.c",
     "return off <= img->size && len <= img->size - off;", "return off <= img->size && len <= img->size - off + 1;"),
    # ---- bzimage/ (pvhbz, the bzImage reader) ----
    ("bz-setup-sects-zero-not-four", "wrong field", "bzimage/header.c",
     "data[PVHBZ_OFF_SETUP_SECTS] ? data[PVHBZ_OFF_SETUP_SECTS] : 4", "data[PVHBZ_OFF_SETUP_SECTS]"),
    ("bz-payload-end-past-file", "off-by-one bound", "bzimage/header.c",
     "      end > size)", "      end > size + 64)"),
    ("bz-gzip-isize-stripped", "wrong field", "bzimage/header.c",
     "return h->method == PVHBZ_GZIP ? h->payload_length : h->payload_length - 4;",
     "return h->payload_length - 4;"),
    ("bz-limit-unchecked", "missing check", "bzimage/unpack.c",
     "if (h->declared_size > limit || h->declared_size > SIZE_MAX)", "if (h->declared_size > SIZE_MAX)"),
    ("bz-larger-accepted", "missing check", "bzimage/unpack.c",
     "  if (s.excess)\n", "  if (0 && s.excess)\n"),
    ("bz-lz4-room-plus-one", "off-by-one bound", "bzimage/dec_lz4.c",
     "int cap = room < LZ4_LEGACY_BLOCK ? (int)room : (int)LZ4_LEGACY_BLOCK;",
     "int cap = room < LZ4_LEGACY_BLOCK ? (int)room + 1 : (int)LZ4_LEGACY_BLOCK;"),
    ("bz-lzo-stored-block-overrun", "off-by-one bound", "bzimage/dec_lzo.c",
     "    if (room < dlen) {", "    if (room + 1 < dlen) {"),
    # Declared against actual size, and the output bound, in the other decoders.
    ("bz-smaller-accepted", "missing check", "bzimage/unpack.c",
     "  if (s.len != out_len)\n", "  if (0 && s.len != out_len)\n"),
    ("bz-trailer-one-byte-early", "off-by-one bound", "bzimage/header.c",
     "h->declared_size = bz_le32(p + len - 4);", "h->declared_size = bz_le32(p + len - 5);"),
    ("bz-gzip-excess-not-counted", "missing update", "bzimage/dec_gzip.c",
     "      s->excess += produced;", "      s->excess += 0;"),
    ("bz-gzip-room-plus-one", "off-by-one bound", "bzimage/dec_gzip.c",
     "uInt out_n = room ? (room > UINT_MAX ? UINT_MAX : (uInt)room) : (uInt)sizeof(scratch);",
     "uInt out_n = room ? (room > UINT_MAX ? UINT_MAX : (uInt)room + 1) : (uInt)sizeof(scratch);"),
    ("bz-xz-room-plus-one", "off-by-one bound", "bzimage/dec_xz.c",
     "z->avail_out = room ? room : sizeof(scratch);", "z->avail_out = room ? room + 1 : sizeof(scratch);"),
]

KVM_MUTANTS = [
    # ---- loader/bus_flat.c: the bus that writes real guest RAM ----
    ("flat-zero-half", "wrong length", "loader/bus_flat.c",
     "memset(dst, 0, (size_t)len);", "memset(dst, 0, (size_t)len / 2);", "tests kill it (test_bus, test_load); replay+fuzz miss it"),
    ("flat-write-one-short", "off-by-one bound", "loader/bus_flat.c",
     "memcpy(dst, src, (size_t)len);", "memcpy(dst, src, (size_t)len - 1);", "tests kill it (test_bus, test_load); replay+fuzz miss it"),
    ("flat-host-off-by-one", "off-by-one bound", "loader/bus_flat.c",
     "return s->host + (gpa - s->gpa);", "return s->host + (gpa - s->gpa) + 1;", "tests kill it (test_bus, test_load); replay+fuzz miss it"),
    # ---- kvm/x86/kvm_state.c: the entry state copied into KVM ----
    ("state-rbx-not-copied", "missing field", "kvm/x86/kvm_state.c",
     "X(rax) X(rbx) X(rcx)", "X(rax) X(rcx)", "not built"),
    ("state-limit-in-descriptor-units", "wrong unit", "kvm/x86/kvm_state.c",
     "k->limit = s->limit; /* bytes", "k->limit = s->limit >> 4; /* bytes", "not built"),
    ("state-system-bit-forced", "wrong field", "kvm/x86/kvm_state.c",
     "  k->s = s->s;", "  k->s = 1;", "not built"),
    # ---- loader/entry.c: the segments and the GDT that encodes them ----
    ("gdt-type-loses-code-bit", "wrong field", "loader/entry.c",
     "d |= (uint64_t)(seg->type & 0xfu) << 40;", "d |= (uint64_t)(seg->type & 0x7u) << 40;", "replay kills it (fuzz_load: gdt-state-mismatch)"),
    ("entry-data-segments-read-only", "wrong field", "loader/entry.c",
     "st->ds = flat_segment(PVH_SEL_DS, 0x3);", "st->ds = flat_segment(PVH_SEL_DS, 0x1);", "replay kills it (fuzz_load: entry-state)"),
    # ---- kvm/core/vm.c: guest RAM slots and the memory map handed over ----
    ("ram-slot-host-shifted", "wrong address", "kvm/core/vm.c",
     ".userspace_addr = (uintptr_t)p};", ".userspace_addr = (uintptr_t)p + 4096};", "not built"),
    ("ram-bus-slot-shifted", "wrong address", "kvm/core/vm.c",
     "if (pvh_flat_bus_add_slot(&vm->bus, gpa, size, p) != 0)",
     "if (pvh_flat_bus_add_slot(&vm->bus, gpa + 4096, size, p) != 0)", "not built"),
    ("memmap-handoff-drops-last", "off-by-one bound", "kvm/core/vm.c",
     "memcpy(vm->memmap, regions, n * sizeof(regions[0]));",
     "memcpy(vm->memmap, regions, (n - 1) * sizeof(regions[0]));", "not built"),
]
