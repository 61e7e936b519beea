/* SPDX-License-Identifier: MIT */
/* ACPI table writer. Offsets follow the ACPI 6.4 specification (RSDP 5.2.5,
 * SDT header 5.2.6, XSDT 5.2.8, FADT 5.2.9, MADT 5.2.12, GAS 5.2.3.2); every
 * multi-byte field is little endian and written byte by byte. */
#include <string.h>

#include "pvhkvm/guest_layout.h"
#include "pvhlinux/acpi.h"

#define SDT_HDR_LEN 36u
#define RSDP_LEN 36u
#define FADT_LEN 276u /* revision 6 */
#define MADT_LAPIC_LEN 8u
#define MADT_IOAPIC_LEN 12u
#define MADT_ISO_LEN 10u
#define MADT_NMI_LEN 6u

#define FADT_F_HW_REDUCED (1u << 20)
#define FADT_BOOT_NO_CMOS_RTC (1u << 5) /* IAPC_BOOT_ARCH: skip RTC probing */
#define GAS_SYSTEM_IO 1u
#define GAS_ACCESS_BYTE 1u
#define X_SLEEP_TYPE_SHIFT 2u /* ACPI 6.4 4.8.3.7: SLP_TYPx at bits 4:2 */
#define X_SLEEP_TYPE_MASK 0x1cu
#define X_SLEEP_ENABLE 0x20u

/* DSDT body, AML compiled (iasl 20200925) from:
 *   Name (_S5, Package (0x04) { 0x05, Zero, Zero, Zero })
 *   Scope (_SB) { Device (COM1) {
 *       Name (_HID, EisaId ("PNP0501")) Name (_UID, One)
 *       Name (_CRS, ResourceTemplate () {
 *           IO (Decode16, 0x03F8, 0x03F8, 0x00, 0x08) IRQNoFlags () {4} }) } }
 * _S5: SLP_TYPa = 5 for power-off (only the first element is used with a
 * sleep control register). COM1: a hardware-reduced FADT makes Linux drop the
 * legacy PIC and with it the ISA IRQ defaults, so the legacy 8250 port's IRQ 4
 * ends up unmapped and user-space console output (interrupt-driven) is lost;
 * declared here, 8250_pnp maps IRQ 4 edge/high through ACPI like a PC. */
static const uint8_t dsdt_aml[] = {
    /* Name (_S5, Package (4) {5, 0, 0, 0}) */
    0x08, '_', 'S', '5', '_', 0x12, 0x07, 0x04, 0x0a, PVHLINUX_ACPI_S5_TYP, 0x00, 0x00, 0x00,
    /* Scope (_SB) [PkgLength 0x32] */
    0x10, 0x32, '_', 'S', 'B', '_',
    /* Device (COM1) [ExtOp DeviceOp, PkgLength 0x2b] */
    0x5b, 0x82, 0x2b, 'C', 'O', 'M', '1',
    /* Name (_HID, EisaId ("PNP0501")) = DWordConst 0x0105d041 */
    0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x05, 0x01,
    /* Name (_UID, One) */
    0x08, '_', 'U', 'I', 'D', 0x01,
    /* Name (_CRS, Buffer (13) {...}) */
    0x08, '_', 'C', 'R', 'S', 0x11, 0x10, 0x0a, 0x0d, 0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03, 0x00,
    0x08,             /* IO: decode16, 0x3f8..0x3f8, align 0, 8 ports */
    0x22, 0x10, 0x00, /* IRQNoFlags: mask bit 4 */
    0x79, 0x00,       /* end tag */
};

void pvhlinux_acpi_opts_init(struct pvhlinux_acpi_opts *o) {
  memset(o, 0, sizeof(*o));
  o->nr_cpus = 1;
  o->lapic_addr = (uint32_t)PVHKVM_GUEST_LAPIC;
  o->ioapic_addr = (uint32_t)PVHKVM_GUEST_IOAPIC;
  o->ioapic_id = 0;
  o->sci_irq = 9;
  o->sleep_port = PVHLINUX_ACPI_SLEEP_PORT;
}

uint8_t pvhlinux_acpi_sum(const uint8_t *p, size_t len) {
  uint8_t s = 0;
  for (size_t i = 0; i < len; i++)
    s = (uint8_t)(s + p[i]);
  return s;
}

int pvhlinux_acpi_is_poweroff(uint8_t value) {
  return (value & X_SLEEP_ENABLE) &&
         ((value & X_SLEEP_TYPE_MASK) >> X_SLEEP_TYPE_SHIFT) == PVHLINUX_ACPI_S5_TYP;
}

static void le16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}
static void le32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}
static void le64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}

static void sdt_header(uint8_t *p, const char sig[4], uint32_t len, uint8_t rev) {
  memcpy(p, sig, 4);
  le32(p + 4, len);
  p[8] = rev;
  p[9] = 0; /* checksum, set last */
  memcpy(p + 10, "PVHCHK", 6);
  memcpy(p + 16, "PVHCHECK", 8);
  le32(p + 24, 1);           /* OEM revision */
  memcpy(p + 28, "PVHC", 4); /* creator id */
  le32(p + 32, 1);           /* creator revision */
}

static void seal(uint8_t *p, uint32_t len) {
  p[9] = 0;
  p[9] = (uint8_t)(0u - pvhlinux_acpi_sum(p, len));
}

/* Generic Address Structure: one byte-wide I/O port. */
static void gas_io8(uint8_t *p, uint16_t port) {
  p[0] = GAS_SYSTEM_IO;
  p[1] = 8; /* bit width */
  p[2] = 0; /* bit offset */
  p[3] = GAS_ACCESS_BYTE;
  le64(p + 4, port);
}

static uint32_t align16(uint32_t v) { return (v + 15u) & ~15u; }

int pvhlinux_acpi_build(const struct pvhlinux_acpi_opts *o, uint64_t gpa, uint8_t *buf, size_t cap,
                        struct pvhlinux_acpi_layout *out) {
  struct pvhlinux_acpi_opts def;
  if (!o) {
    pvhlinux_acpi_opts_init(&def);
    o = &def;
  }
  if (!buf || !out || (gpa & 15) || o->nr_cpus == 0 || o->nr_cpus > PVHLINUX_ACPI_MAX_CPUS ||
      o->sci_irq >= 16 || o->sleep_port == 0 || o->sleep_port == 0xffff || o->timer_gsi >= 24)
    return -1;

  /* Table lengths and offsets inside buf; each table 16-byte aligned. */
  uint32_t xsdt_len = SDT_HDR_LEN + 2 * 8;
  uint32_t nr_iso = o->timer_gsi ? 2 : 1;
  uint32_t madt_len =
      SDT_HDR_LEN + 8 + o->nr_cpus * MADT_LAPIC_LEN + MADT_IOAPIC_LEN + nr_iso * MADT_ISO_LEN + MADT_NMI_LEN;
  uint32_t dsdt_len = SDT_HDR_LEN + (uint32_t)sizeof(dsdt_aml);
  uint32_t off_rsdp = 0;
  uint32_t off_xsdt = align16(off_rsdp + RSDP_LEN);
  uint32_t off_fadt = align16(off_xsdt + xsdt_len);
  uint32_t off_madt = align16(off_fadt + FADT_LEN);
  uint32_t off_dsdt = align16(off_madt + madt_len);
  uint32_t total = off_dsdt + dsdt_len;
  if (total > cap || total > PVHLINUX_ACPI_MAX_SIZE || gpa > 0xffffffffull - total)
    return -1;

  memset(buf, 0, total);
  memset(out, 0, sizeof(*out));
  out->rsdp = gpa + off_rsdp;
  out->xsdt = gpa + off_xsdt;
  out->fadt = gpa + off_fadt;
  out->madt = gpa + off_madt;
  out->dsdt = gpa + off_dsdt;
  out->rsdp_len = RSDP_LEN;
  out->xsdt_len = xsdt_len;
  out->fadt_len = FADT_LEN;
  out->madt_len = madt_len;
  out->dsdt_len = dsdt_len;
  out->total = total;

  /* DSDT */
  uint8_t *d = buf + off_dsdt;
  sdt_header(d, "DSDT", dsdt_len, 2);
  memcpy(d + SDT_HDR_LEN, dsdt_aml, sizeof(dsdt_aml));
  seal(d, dsdt_len);

  /* FADT, revision 6.4: hardware reduced, so no PM1/GPE/PM timer blocks. */
  uint8_t *f = buf + off_fadt;
  sdt_header(f, "FACP", FADT_LEN, 6);
  le32(f + 40, (uint32_t)out->dsdt);               /* DSDT (32-bit) */
  le16(f + 46, o->sci_irq);                        /* SCI_INT */
  le16(f + 109, FADT_BOOT_NO_CMOS_RTC);            /* IAPC_BOOT_ARCH: no legacy devices, no 8042 */
  le32(f + 112, FADT_F_HW_REDUCED);                /* Flags */
  f[131] = 4;                                      /* FADT minor version */
  le64(f + 140, out->dsdt);                        /* X_DSDT */
  gas_io8(f + 244, o->sleep_port);                 /* SLEEP_CONTROL_REG */
  gas_io8(f + 256, (uint16_t)(o->sleep_port + 1)); /* SLEEP_STATUS_REG */
  memcpy(f + 268, "PVHCHECK", 8);                  /* hypervisor vendor identity */
  seal(f, FADT_LEN);

  /* MADT */
  uint8_t *m = buf + off_madt;
  sdt_header(m, "APIC", madt_len, 5);
  le32(m + 36, o->lapic_addr);
  le32(m + 40, 1); /* PCAT_COMPAT: the in-kernel 8259 pair exists */
  uint8_t *e = m + 44;
  for (uint32_t i = 0; i < o->nr_cpus; i++, e += MADT_LAPIC_LEN) {
    e[0] = 0; /* processor local APIC */
    e[1] = MADT_LAPIC_LEN;
    e[2] = (uint8_t)i; /* ACPI processor UID */
    e[3] = (uint8_t)i; /* APIC id */
    le32(e + 4, 1);    /* enabled */
  }
  e[0] = 1; /* I/O APIC, GSI 0..23 */
  e[1] = MADT_IOAPIC_LEN;
  e[2] = o->ioapic_id;
  le32(e + 4, o->ioapic_addr);
  le32(e + 8, 0);
  e += MADT_IOAPIC_LEN;
  if (o->timer_gsi) { /* ISA IRQ 0 -> timer_gsi, bus default polarity/trigger */
    e[0] = 2;
    e[1] = MADT_ISO_LEN;
    e[2] = 0;
    e[3] = 0;
    le32(e + 4, o->timer_gsi);
    le16(e + 8, 0);
    e += MADT_ISO_LEN;
  }
  /* SCI as a PC wires it: ISA IRQ n -> GSI n, level, active high. IRQ 0 has
   * no override on purpose: KVM's default routing sends the PIT (GSI 0) to
   * IOAPIC pin 0, which is what "no override" means. */
  e[0] = 2;
  e[1] = MADT_ISO_LEN;
  e[2] = 0; /* bus ISA */
  e[3] = o->sci_irq;
  le32(e + 4, o->sci_irq);
  le16(e + 8, 0x000d); /* polarity 01 active high, trigger 11 level */
  e += MADT_ISO_LEN;
  e[0] = 4; /* local APIC NMI: LINT1 on every processor */
  e[1] = MADT_NMI_LEN;
  e[2] = 0xff;
  le16(e + 3, 0);
  e[5] = 1;
  seal(m, madt_len);

  /* XSDT: FADT, MADT (the DSDT is reached through the FADT). */
  uint8_t *x = buf + off_xsdt;
  sdt_header(x, "XSDT", xsdt_len, 1);
  le64(x + 36, out->fadt);
  le64(x + 44, out->madt);
  seal(x, xsdt_len);

  /* RSDP v2: checksum over the first 20 bytes, extended checksum over all. */
  uint8_t *r = buf + off_rsdp;
  memcpy(r, "RSD PTR ", 8);
  memcpy(r + 9, "PVHCHK", 6);
  r[15] = 2;
  le32(r + 16, 0); /* no RSDT: revision 2 readers use the XSDT */
  le32(r + 20, RSDP_LEN);
  le64(r + 24, out->xsdt);
  r[8] = (uint8_t)(0u - pvhlinux_acpi_sum(r, 20));
  r[32] = (uint8_t)(0u - pvhlinux_acpi_sum(r, RSDP_LEN));
  return 0;
}
