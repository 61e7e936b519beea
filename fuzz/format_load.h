/* SPDX-License-Identifier: MIT */
/* fuzz_load's input is a whole kernel file: an ELF image, written for seeds
 * by the test ELF builder (tests/support/elfgen.h, which shares no code with
 * libpvh) and read by libpvh itself. What is fixed is the VMM it is loaded
 * into; fuzz/fuzz_load.c loads every input with these, and the seeds of
 * fuzz/gen/gen_load.c that sit on an edge of them (a kernel ending at the
 * RAM end) are placed by them. */
#ifndef PVH_FUZZ_FORMAT_LOAD_H
#define PVH_FUZZ_FORMAT_LOAD_H

/* RAM below 4 GiB ends here, at the 32-bit MMIO hole. */
#define FORMAT_LOAD_LOW_RAM_END 0xc0000000ull

/* A 4 GiB PC guest: low RAM, the EBDA/VGA/BIOS hole, RAM to the 32-bit MMIO
 * hole at 3 GiB, and 1 GiB of RAM above 4 GiB. Listed out of order on purpose:
 * the loader must sort. An initializer for struct pvh_mem_region[] (pvh/bus.h). */
#define FORMAT_LOAD_MAP                                                                                      \
  {                                                                                                          \
    {0x100000000ull, 0x40000000ull, PVH_MEM_RAM}, {0x0, 0x9fc00, PVH_MEM_RAM},                               \
        {0x9fc00, 0x100000 - 0x9fc00, PVH_MEM_RESERVED},                                                     \
        {0x100000, FORMAT_LOAD_LOW_RAM_END - 0x100000, PVH_MEM_RAM},                                         \
        {FORMAT_LOAD_LOW_RAM_END, 0x100000000ull - FORMAT_LOAD_LOW_RAM_END, PVH_MEM_RESERVED},               \
  }

#define FORMAT_LOAD_CMDLINE "console=ttyS0 earlyprintk=serial reboot=k panic=-1 root=/dev/vda rw"

/* An initramfs whose size is not a multiple of the alignment. */
#define FORMAT_LOAD_INITRAMFS_SIZE 4219u

/* Where SeaBIOS tends to put the RSDP; never written. */
#define FORMAT_LOAD_RSDP 0xf5a40u

#endif
