/* SPDX-License-Identifier: MIT */
/* The smallest ACPI a Debian kernel needs from a PVH VMM with an in-kernel
 * irqchip: RSDP (v2) -> XSDT -> FADT (hardware-reduced, no CMOS RTC, no 8042)
 * -> DSDT (\_S5 for power-off, COM1 with IRQ 4), and a MADT (LAPICs, one IOAPIC, SCI
 * override, LINT1 = NMI). Written into one caller buffer for a given guest
 * address; the VMM copies it to guest RAM and passes the RSDP address in
 * start_info (pvh_load_config.rsdp_paddr).
 *
 * Power-off: with a hardware-reduced FADT Linux writes SLP_TYP(5) << 2 |
 * SLP_EN (0x34) to the sleep control register, an I/O port the VMM watches
 * (pvhlinux_acpi_is_poweroff). No SCI, PM timer or GPE blocks are needed. */
#ifndef PVHLINUX_ACPI_H
#define PVHLINUX_ACPI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PVHLINUX_ACPI_SLEEP_PORT 0x600u /* control at +0, status at +1 */
#define PVHLINUX_ACPI_S5_TYP 5u
#define PVHLINUX_ACPI_MAX_CPUS 64u
#define PVHLINUX_ACPI_MAX_SIZE 4096u /* every table for MAX_CPUS fits */

struct pvhlinux_acpi_opts {
  uint32_t nr_cpus;     /* LAPIC entries, APIC ids 0..n-1; default 1 */
  uint32_t lapic_addr;  /* default PVHKVM_GUEST_LAPIC */
  uint32_t ioapic_addr; /* default PVHKVM_GUEST_IOAPIC */
  uint8_t ioapic_id;    /* default 0 (KVM's in-kernel IOAPIC id) */
  uint8_t sci_irq;      /* default 9, level/high like a PC */
  uint16_t sleep_port;  /* default PVHLINUX_ACPI_SLEEP_PORT */
  /* GSI of ISA IRQ 0 (the PIT). 0: no override, which matches KVM's default
   * irqchip routing (GSI 0 -> IOAPIC pin 0). Linux ignores the PIT under a
   * hardware-reduced FADT (no PIT clockevent; it uses the LAPIC timer), so
   * this only matters to other guests; booted under QEMU's IOAPIC, which
   * wires IRQ 0 to pin 2, the Debian kernel runs the same with 0 or 2. */
  uint8_t timer_gsi;
};

void pvhlinux_acpi_opts_init(struct pvhlinux_acpi_opts *o);

/* Where each table went (guest physical addresses) and the total size. */
struct pvhlinux_acpi_layout {
  uint64_t rsdp, xsdt, fadt, madt, dsdt;
  uint32_t rsdp_len, xsdt_len, fadt_len, madt_len, dsdt_len;
  size_t total;
};

/* Builds the tables for guest address gpa (16-byte aligned, below 4 GiB;
 * pvhcheck uses PVHKVM_GUEST_ACPI, pvhkvm/guest_layout.h) into buf. Returns 0, or -1 when the options are invalid or cap is too small. */
int pvhlinux_acpi_build(const struct pvhlinux_acpi_opts *o, uint64_t gpa, uint8_t *buf, size_t cap,
                        struct pvhlinux_acpi_layout *out);

/* Sum of bytes mod 256 (0 for a valid table). */
uint8_t pvhlinux_acpi_sum(const uint8_t *p, size_t len);

/* True if a byte written to the sleep control register asks for S5. */
int pvhlinux_acpi_is_poweroff(uint8_t value);

#ifdef __cplusplus
}
#endif
#endif
