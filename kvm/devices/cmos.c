/* SPDX-License-Identifier: MIT */
/* MC146818 RTC/CMOS at 0x70 (index) / 0x71 (data), just enough that a kernel
 * reads a valid clock at once: without it every read returns 0xff, UIP looks
 * stuck and Linux keeps probing until it gives up. Time registers give the
 * host's UTC time in BCD, 24-hour mode; status A says no update in progress,
 * status D says the battery is good. Other bytes are plain CMOS RAM. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

#define REG_SEC 0x00
#define REG_MIN 0x02
#define REG_HOUR 0x04
#define REG_WDAY 0x06
#define REG_MDAY 0x07
#define REG_MON 0x08
#define REG_YEAR 0x09
#define REG_A 0x0a
#define REG_B 0x0b
#define REG_C 0x0c
#define REG_D 0x0d
#define REG_CENTURY 0x32

struct cmos {
  uint8_t index;
  uint8_t ram[128];
};

static uint8_t bcd(int v) { return (uint8_t)(((v / 10) << 4) | (v % 10)); }

static void cmos_init(struct cmos *c) {
  memset(c, 0, sizeof(*c));
  c->ram[REG_A] = 0x26; /* 32.768 kHz base, 1024 Hz rate, UIP clear */
  c->ram[REG_B] = 0x02; /* 24-hour, BCD, no interrupts */
  c->ram[REG_D] = 0x80; /* valid RAM and time */
}

static uint8_t cmos_read(struct cmos *c, uint8_t idx) {
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  switch (idx) {
  case REG_SEC: return bcd(tm.tm_sec);
  case REG_MIN: return bcd(tm.tm_min);
  case REG_HOUR: return bcd(tm.tm_hour);
  case REG_WDAY: return bcd(tm.tm_wday + 1);
  case REG_MDAY: return bcd(tm.tm_mday);
  case REG_MON: return bcd(tm.tm_mon + 1);
  case REG_YEAR: return bcd(tm.tm_year % 100);
  case REG_CENTURY: return bcd(19 + tm.tm_year / 100);
  case REG_C: return 0; /* no interrupt flags */
  default: return c->ram[idx & 0x7f];
  }
}

static void cmos_pio(void *ctx, uint16_t offset, int is_write, uint8_t *data, uint32_t size) {
  struct cmos *c = ctx;
  (void)size;
  if (offset == 0) { /* index port; bit 7 is the NMI mask, not part of the index */
    if (is_write)
      c->index = data[0] & 0x7f;
    else
      data[0] = 0xff;
    return;
  }
  if (is_write) {
    /* Time, status C/D are not writable here; status A/B and RAM are. */
    if (c->index > REG_YEAR && c->index != REG_C && c->index != REG_D)
      c->ram[c->index] = data[0];
    return;
  }
  data[0] = cmos_read(c, c->index);
}

int pvhkvm_cmos_attach(struct pvhkvm_vm *vm) {
  struct cmos *c = malloc(sizeof(*c));
  if (!c)
    return -1;
  cmos_init(c);
  struct pvhkvm_device d = {.name = "cmos", .state = c, .destroy = free};
  if (pvhkvm_device_add(vm, &d) != 0) {
    free(c);
    return -1;
  }
  return pvhkvm_vm_add_pio(vm, 0x70, 2, cmos_pio, c);
}
