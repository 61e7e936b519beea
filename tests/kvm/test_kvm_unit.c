/* SPDX-License-Identifier: MIT */
/* Unit tests of the KVM backend that need no /dev/kvm: state conversion and
 * the entry comparison, the devices, the console sink, the memory map
 * editing, the self-test command line, and the precise KVM absence errors. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"
#include "pvh/memmap.h"
#include "pvhkvm/host.h"
#include "pvhkvm/insn.h"
#include "pvhkvm/kvm_state.h"
#include "pvhkvm/pvhkvm.h"
#include "pvhkvm/selftest.h"

static struct pvh_entry_state pvh_state(void) {
  struct pvh_entry_state st;
  pvh_entry_state_init(&st, 0x100020, 0x2000, 0x1000);
  return st;
}

static void test_roundtrip(void **unused) {
  (void)unused;
  struct pvh_entry_state a = pvh_state(), b;
  struct kvm_regs r;
  struct kvm_sregs s;
  memset(&r, 0xcc, sizeof(r));
  memset(&s, 0xcc, sizeof(s));
  s.apic_base = 0xfee00900;
  pvhkvm_state_to_kvm(&a, &r, &s);
  assert_int_equal(r.rip, 0x100020);
  assert_int_equal(r.rbx, 0x2000);
  assert_int_equal(r.rflags, 0x2);
  assert_int_equal(s.cr0, PVH_CR0_PE | PVH_CR0_ET);
  assert_int_equal(s.cs.limit, 0xffffffffu); /* bytes, not 20-bit pages */
  assert_int_equal(s.cs.type, 0xb);
  assert_int_equal(s.tr.type, 0xb);
  assert_int_equal(s.tr.limit, 0x67);
  assert_int_equal(s.ldt.unusable, 1);
  assert_int_equal(s.gdt.base, 0x1000);
  assert_int_equal(s.apic_base, 0xfee00900); /* untouched */
  pvhkvm_state_from_kvm(&r, &s, &b);
  char why[128];
  assert_int_equal(pvhkvm_entry_diff(&a, &b, why, sizeof(why)), 0);
  assert_memory_equal(&a.cs, &b.cs, sizeof(a.cs));
  assert_memory_equal(&a.tr, &b.tr, sizeof(a.tr));
}

/* One corrupted field at a time: every one is caught and named. */
static void test_diff_catches(void **unused) {
  (void)unused;
  struct pvh_entry_state want = pvh_state();
  char why[160];
#define CHECK_FIELD(stmt, needle)                                                                            \
  do {                                                                                                       \
    struct pvh_entry_state got = want;                                                                       \
    stmt;                                                                                                    \
    assert_int_equal(pvhkvm_entry_diff(&want, &got, why, sizeof(why)), 1);                                   \
    assert_non_null(strstr(why, needle));                                                                    \
  } while (0)
  CHECK_FIELD(got.rip += 1, "rip");
  CHECK_FIELD(got.rbx += 8, "rbx");
  CHECK_FIELD(got.rsi = 1, "rsi");
  CHECK_FIELD(got.rflags |= 0x200, "rflags");
  CHECK_FIELD(got.cr0 |= 0x80000000u, "cr0");
  CHECK_FIELD(got.cr4 = 0x20, "cr4");
  CHECK_FIELD(got.efer = 0x500, "efer");
  CHECK_FIELD(got.cs.limit = 0x0fffffff, "cs limit");
  CHECK_FIELD(got.cs.db = 0, "cs db");
  CHECK_FIELD(got.ds.base = 0x1000, "ds base");
  CHECK_FIELD(got.es.type = 0x1, "es type");
  CHECK_FIELD(got.fs.dpl = 3, "fs dpl");
  CHECK_FIELD(got.gs.present = 0, "gs present");
  CHECK_FIELD(got.ss.s = 0, "ss s");
  CHECK_FIELD(got.tr.type = 0x3, "tr type");
  CHECK_FIELD(got.tr.limit = 0xffff, "tr limit");
  CHECK_FIELD(got.ldt.unusable = 0, "ldt unusable");
  CHECK_FIELD(got.gdt.base += 0x100, "gdt.base");
  CHECK_FIELD(got.gdt.limit = 0x17, "gdt.limit");
  CHECK_FIELD(got.idt.limit = 0xff, "idt.limit");
#undef CHECK_FIELD
}

/* What KVM legitimately reports differently must not fail the proof. */
static void test_diff_tolerates(void **unused) {
  (void)unused;
  struct pvh_entry_state want = pvh_state(), got = want;
  want.cr0 = PVH_CR0_PE; /* a loader that leaves ET clear: it reads back as 1 */
  got.cr0 = PVH_CR0_PE | PVH_CR0_ET;
  got.rflags |= 1ull << 16; /* RF around a debug exit */
  got.ldt.type = 0;         /* unusable: VMX keeps only that flag */
  got.ldt.present = 0;
  assert_int_equal(pvhkvm_entry_diff(&want, &got, NULL, 0), 0);
}

/* ---- devices and console, with a VM struct that has no KVM behind it ---- */

struct fake {
  struct pvhkvm_vm vm;
  struct pvhkvm_run_opts ro;
  struct pvhkvm_console con;
  struct pvhkvm_run_result res;
};

static void fake_init(struct fake *f, const char *expect, size_t cap) {
  memset(f, 0, sizeof(*f));
  f->vm.kvm_fd = f->vm.vm_fd = f->vm.vcpu_fd = -1;
  pvhkvm_run_opts_init(&f->ro);
  f->ro.expect = expect;
  if (cap)
    f->ro.console_cap = cap;
  assert_int_equal(pvhkvm_console_init(&f->con, &f->vm, &f->ro, 0), 0);
  f->vm.console = &f->con;
  assert_int_equal(pvhkvm_serial_attach(&f->vm), 0);
}

/* Devices are reached the way the run loop reaches them: by port. */
static void port_out(struct pvhkvm_vm *vm, uint16_t port, uint8_t v) {
  assert_int_equal(pvhkvm_pio_dispatch(vm, port, 1, &v, 1), 1);
}
static uint8_t port_in(struct pvhkvm_vm *vm, uint16_t port) {
  uint8_t v = 0;
  assert_int_equal(pvhkvm_pio_dispatch(vm, port, 0, &v, 1), 1);
  return v;
}
static void uart_out(struct fake *f, uint16_t reg, uint8_t v) {
  port_out(&f->vm, (uint16_t)(0x3f8 + reg), v);
}
static uint8_t uart_in(struct fake *f, uint16_t reg) { return port_in(&f->vm, (uint16_t)(0x3f8 + reg)); }

static void test_serial(void **unused) {
  (void)unused;
  struct fake f;
  fake_init(&f, NULL, 0);
  assert_int_equal(uart_in(&f, 5) & 0x60, 0x60); /* LSR: THRE|TEMT */
  for (const char *p = "hi\n"; *p; p++)
    uart_out(&f, 0, (uint8_t)*p);
  uart_out(&f, 3, 0x80); /* DLAB: offset 0 is the divisor latch now */
  uart_out(&f, 0, 'X');
  assert_int_equal(uart_in(&f, 0), 'X');
  uart_out(&f, 3, 0x03);
  assert_int_equal(uart_in(&f, 2) & 0x0f, 0x01); /* IIR: nothing pending */
  uart_out(&f, 1, 0x02);                         /* IER.THRI with THR empty */
  assert_int_equal(uart_in(&f, 2) & 0x0f, 0x02); /* THRE interrupt pending ... */
  assert_int_equal(uart_in(&f, 2) & 0x0f, 0x01); /* ... acknowledged by reading IIR */
  uart_out(&f, 0, 'o');
  assert_int_equal(uart_in(&f, 2) & 0x0f, 0x02); /* re-armed by a THR write */
  uart_out(&f, 4, 0x10);                         /* loopback: nothing reaches the console */
  uart_out(&f, 0, 'L');
  pvhkvm_console_finish(&f.con, &f.res);
  assert_string_equal(f.res.console, "hi\no");
  assert_int_equal(f.res.console_total, 4);
  pvhkvm_run_result_free(&f.res);
  pvhkvm_devices_destroy(&f.vm);
}

static void test_console_cap_and_expect(void **unused) {
  (void)unused;
  struct fake f;
  fake_init(&f, "READY", 8);
  const char *s = "boot...READY and more";
  for (const char *p = s; *p; p++)
    pvhkvm_console_putc(&f.con, (uint8_t)*p);
  pvhkvm_console_finish(&f.con, &f.res);
  assert_true(f.res.expect_seen); /* seen although past the kept bytes */
  assert_int_equal(f.res.console_len, 8);
  assert_true(f.res.console_truncated);
  assert_int_equal(f.res.console_total, strlen(s));
  assert_string_equal(f.res.console, "boot...R");
  assert_non_null(pvhkvm_vm_event(&f.vm)); /* and the run loop is told */
  assert_int_equal(pvhkvm_vm_event(&f.vm)->end, PVHKVM_END_STOPPED);
  assert_string_equal(pvhkvm_vm_event(&f.vm)->why, "expected string seen");
  pvhkvm_run_result_free(&f.res);
  pvhkvm_devices_destroy(&f.vm);
}

static int lines_seen;
static char last_line[64];
static int line_cb(void *ctx, const char *d, size_t n, uint64_t host_ns, uint64_t tsc) {
  (void)ctx;
  (void)host_ns;
  (void)tsc;
  lines_seen++;
  snprintf(last_line, sizeof(last_line), "%.*s", (int)n, d);
  return strncmp(d, "stop", n) == 0 && n == 4;
}

static void test_console_lines(void **unused) {
  (void)unused;
  struct fake f;
  fake_init(&f, NULL, 0);
  f.ro.line_mode = 1;
  f.ro.console_fn = line_cb;
  lines_seen = 0;
  for (const char *p = "one\r\ntwo\nstop\nafter"; *p; p++)
    pvhkvm_console_putc(&f.con, (uint8_t)*p);
  assert_int_equal(lines_seen, 3);
  assert_string_equal(last_line, "stop");
  assert_true(f.con.stop); /* the callback asked the run to stop */
  assert_non_null(pvhkvm_vm_event(&f.vm));
  assert_string_equal(pvhkvm_vm_event(&f.vm)->why, "stopped by the console callback");
  pvhkvm_console_finish(&f.con, &f.res);
  pvhkvm_run_result_free(&f.res);
  pvhkvm_devices_destroy(&f.vm);
}

static void test_exit_port(void **unused) {
  (void)unused;
  struct pvhkvm_vm vm;
  memset(&vm, 0, sizeof(vm));
  assert_int_equal(pvhkvm_exit_port_attach(&vm), 0);
  uint8_t d4[4] = {0x2a, 0x01, 0, 0};
  assert_int_equal(pvhkvm_pio_dispatch(&vm, 0xf5, 1, d4, 1), 1); /* a byte into the middle: no exit */
  assert_null(pvhkvm_vm_event(&vm));
  assert_int_equal(pvhkvm_pio_dispatch(&vm, 0xf4, 0, d4, 4), 1); /* a read: no exit, reads 0 */
  assert_null(pvhkvm_vm_event(&vm));
  assert_int_equal(d4[0], 0);
  d4[0] = 0x2a;
  d4[1] = 0x01;
  assert_int_equal(pvhkvm_pio_dispatch(&vm, 0xf4, 1, d4, 4), 1);
  assert_non_null(pvhkvm_vm_event(&vm));
  assert_int_equal(pvhkvm_vm_event(&vm)->end, PVHKVM_END_EXIT_PORT);
  assert_int_equal(pvhkvm_vm_event(&vm)->value, 0x12a);
  assert_string_equal(pvhkvm_vm_event(&vm)->why, "guest wrote 298 to the exit port");
  uint8_t d1 = 0;
  pvhkvm_pio_dispatch(&vm, 0xf4, 1, &d1, 1); /* the first event of a run is the one that ends it */
  assert_int_equal(pvhkvm_vm_event(&vm)->value, 0x12a);
  memset(&vm.event, 0, sizeof(vm.event)); /* what pvhkvm_run does before a run */
  pvhkvm_pio_dispatch(&vm, 0xf4, 1, &d1, 1);
  assert_int_equal(pvhkvm_vm_event(&vm)->value, 0);
  pvhkvm_devices_destroy(&vm);
}

static void test_legacy_ports(void **unused) {
  (void)unused;
  struct pvhkvm_vm vm;
  memset(&vm, 0, sizeof(vm));
  assert_int_equal(pvhkvm_post_port_attach(&vm), 0);
  assert_int_equal(pvhkvm_i8042_attach(&vm), 0);
  assert_int_equal(port_in(&vm, 0x80), 0xff);
  port_out(&vm, 0x80, 0x12);                      /* the I/O delay: dropped */
  assert_int_equal(port_in(&vm, 0x64) & 0x02, 0); /* input buffer empty: reboot=k does not spin */
  port_out(&vm, 0x64, 0xd1);
  assert_null(pvhkvm_vm_event(&vm));
  port_out(&vm, 0x60, 0xfe); /* 0xFE to the data port is not a reset */
  assert_null(pvhkvm_vm_event(&vm));
  port_out(&vm, 0x64, 0xfe);
  assert_non_null(pvhkvm_vm_event(&vm));
  assert_int_equal(pvhkvm_vm_event(&vm)->end, PVHKVM_END_SYSTEM_EVENT);
  pvhkvm_devices_destroy(&vm);
}

static uint8_t cmos_get(struct pvhkvm_vm *vm, uint8_t idx) {
  port_out(vm, 0x70, idx | 0x80); /* with the NMI-mask bit, as Linux writes it */
  return port_in(vm, 0x71);
}

static void test_cmos(void **unused) {
  (void)unused;
  struct pvhkvm_vm vm;
  memset(&vm, 0, sizeof(vm));
  assert_int_equal(pvhkvm_cmos_attach(&vm), 0);
  assert_int_equal(cmos_get(&vm, 0x0a) & 0x80, 0); /* no update in progress */
  assert_int_equal(cmos_get(&vm, 0x0b), 0x02);     /* 24 h, BCD */
  assert_int_equal(cmos_get(&vm, 0x0d), 0x80);     /* valid */
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  uint8_t year = cmos_get(&vm, 0x09), mon = cmos_get(&vm, 0x08);
  assert_int_equal((year >> 4) * 10 + (year & 15), tm.tm_year % 100);
  assert_int_equal((mon >> 4) * 10 + (mon & 15), tm.tm_mon + 1);
  assert_true((cmos_get(&vm, 0x00) & 0x0f) <= 9); /* seconds in BCD */
  port_out(&vm, 0x70, 0x10);                      /* CMOS RAM byte 0x10 is writable */
  port_out(&vm, 0x71, 0x5a);
  assert_int_equal(cmos_get(&vm, 0x10), 0x5a);
  pvhkvm_devices_destroy(&vm);
}

static void test_pio_table(void **unused) {
  (void)unused;
  struct pvhkvm_vm vm;
  memset(&vm, 0, sizeof(vm));
  assert_int_equal(pvhkvm_devices_attach_standard(&vm), 0);
  assert_int_equal(vm.nr_devices, 3); /* the devices with state: serial, cmos, debugcon */
  /* Every standard port answers; 0x3f8 is taken, so overlaps are refused. */
  static const uint16_t ports[] = {0x3f8, 0x3ff, 0xf4, 0x80, 0x60, 0x64, 0x70, 0x71, 0xe9};
  for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
    uint8_t v = 0;
    assert_int_equal(pvhkvm_pio_dispatch(&vm, ports[i], 0, &v, 1), 1);
  }
  assert_int_equal(port_in(&vm, 0xe9), 0xe9); /* how guests detect the debug console */
  uint8_t v = 0;
  assert_int_equal(pvhkvm_pio_dispatch(&vm, 0x3f7, 0, &v, 1), 0);
  assert_int_equal(pvhkvm_vm_add_pio(&vm, 0x3ff, 1, vm.pio[0].fn, NULL), -1);     /* overlap */
  assert_int_equal(pvhkvm_vm_add_pio(&vm, 0xfff0, 0x20, vm.pio[0].fn, NULL), -1); /* past 64K */
  pvhkvm_devices_destroy(&vm);
  assert_int_equal(vm.nr_devices, 0);
}

static void test_mark(void **unused) {
  (void)unused;
  struct pvhkvm_vm vm;
  memset(&vm, 0, sizeof(vm));
  uint64_t ram = 2ull << 20;
  uint8_t *mem = calloc(1, ram);
  assert_non_null(mem);
  vm.nr_memmap = pvh_memmap_standard(ram, vm.memmap, PVHKVM_MEMMAP_MAX);
  pvh_flat_bus_init(&vm.bus, vm.memmap, vm.nr_memmap);
  assert_int_equal(pvh_flat_bus_add_slot(&vm.bus, 0, ram, mem), 0);
  struct pvhkvm_error e;
  assert_int_equal(pvhkvm_vm_mark(&vm, 0xe0000, 0x1000, PVH_MEM_ACPI, &e), 0);  /* inside the hole */
  assert_int_equal(pvhkvm_vm_mark(&vm, 0x180000, 0x1000, PVH_MEM_ACPI, &e), 0); /* inside high RAM */
  assert_int_equal(vm.nr_memmap, 7);
  assert_int_equal(vm.bus.bus.nr_regions, 7);
  struct pvh_mem_region *sorted;
  struct pvh_error perr;
  assert_int_equal(pvh_memmap_sorted(vm.memmap, vm.nr_memmap, &sorted, &perr), PVH_OK); /* no overlaps */
  uint64_t total = 0;
  for (size_t i = 0; i < vm.nr_memmap; i++)
    total += sorted[i].size;
  assert_int_equal(total, ram); /* nothing lost, nothing doubled */
  assert_true(pvh_memmap_is_ram(sorted, vm.nr_memmap, 0x100000, 0x80000));
  assert_false(pvh_memmap_is_ram(sorted, vm.nr_memmap, 0x180000, 1));
  free(sorted);
  assert_int_not_equal(pvhkvm_vm_mark(&vm, ram - 0x800, 0x1000, PVH_MEM_ACPI, &e), 0); /* not backed */
  assert_int_not_equal(pvhkvm_vm_mark(&vm, 0x1000, 0x1000, 9, &e), 0);                 /* bad type */
  free(mem);
}

static void test_selftest_cmdline(void **unused) {
  (void)unused;
  assert_int_equal(pvhkvm_crc32(0, "123456789", 9), 0xcbf43926u); /* the standard check value */
  char out[256];
  uint8_t bytes[1000];
  memset(bytes, 7, sizeof(bytes));
  struct pvh_image img;
  pvh_image_from_buffer(&img, bytes, sizeof(bytes), "x");
  for (int pad = 0; pad < 120; pad += 7) { /* lengths that cross 2 -> 3 digit boundaries */
    char base[130];
    memset(base, 'a', (size_t)pad);
    base[pad] = '\0';
    assert_int_equal(pvhkvm_selftest_cmdline(out, sizeof(out), base, pad % 2 ? &img : NULL), 0);
    const char *p = strstr(out, "pvhtest.cmdline_len=");
    assert_non_null(p);
    assert_int_equal(strtoul(p + 20, NULL, 10), strlen(out));
  }
  assert_int_equal(pvhkvm_selftest_cmdline(out, 16, "console=ttyS0", NULL), -1);
}

static void test_probe_errors(void **unused) {
  (void)unused;
  struct pvhkvm_error e;
  assert_int_equal(pvhkvm_probe("/nonexistent/kvm", &e), PVHKVM_E_NO_DEVICE);
  assert_non_null(strstr(e.message, "/nonexistent/kvm not found"));
  assert_true(pvhkvm_err_is_environment(e.kind));
  assert_int_equal(pvhkvm_probe("/dev/null", &e), PVHKVM_E_API); /* opens, but is no KVM */
  /* A character device without a driver behind it opens with ENXIO, as on
   * a host whose KVM refuses to bind. Needs mknod (root); else skip that. */
  char dir[] = "/tmp/pvhkvm-unit-XXXXXX";
  if (mkdtemp(dir)) {
    char node[64];
    snprintf(node, sizeof(node), "%s/kvm", dir);
    if (mknod(node, S_IFCHR | 0600, makedev(511, 511)) == 0) {
      assert_int_equal(pvhkvm_probe(node, &e), PVHKVM_E_UNUSABLE);
      assert_non_null(strstr(e.message, "KVM present but not usable (nested/PVM host?)"));
      unlink(node);
    } else {
      printf("note: mknod not permitted (%s); ENXIO mapping checked by table only\n", strerror(errno));
    }
    rmdir(dir);
  }
  assert_int_equal(pvhkvm_open_errno_kind(ENOENT), PVHKVM_E_NO_DEVICE);
  assert_int_equal(pvhkvm_open_errno_kind(ENODEV), PVHKVM_E_UNUSABLE);
  assert_int_equal(pvhkvm_open_errno_kind(ENXIO), PVHKVM_E_UNUSABLE);
  assert_int_equal(pvhkvm_open_errno_kind(EACCES), PVHKVM_E_PERMISSION);
  assert_string_equal(pvhkvm_err_name(PVHKVM_E_PERMISSION), "permission-denied");
}

static int count_fds(void) {
  int n = 0;
  for (int fd = 0; fd < 4096; fd++)
    if (fcntl(fd, F_GETFD) != -1)
      n++;
  return n;
}

/* Failing VM creation must leave nothing open, however often it happens. */
static void test_create_failure_releases(void **unused) {
  (void)unused;
  int before = count_fds();
  for (int i = 0; i < 1000; i++) {
    struct pvhkvm_vm_opts o;
    struct pvhkvm_vm *vm = (struct pvhkvm_vm *)1;
    struct pvhkvm_error e;
    pvhkvm_vm_opts_init(&o);
    o.dev_path = i % 2 ? "/dev/null" : "/nonexistent/kvm";
    assert_int_not_equal(pvhkvm_vm_create(&o, &vm, &e), PVHKVM_OK);
    assert_null(vm);
  }
  assert_int_equal(count_fds(), before);
}

/* The decoder: lengths (prefixes, ModRM, SIB, displacements, immediates,
 * operand and address size) and names, in 32- and 64-bit mode. */
static void test_insn_decode(void **unused) {
  (void)unused;
  static const struct {
    int mode;
    uint8_t b[15];
    size_t n, len;
    const char *name;
  } cases[] = {
      {32, {0x0f, 0x02, 0xcf}, 3, 3, "lar"},
      {32, {0x0f, 0x03, 0xcf}, 3, 3, "lsl"},
      {64, {0x48, 0x0f, 0xae, 0x2f}, 4, 4, "xrstor"},
      {64, {0x0f, 0xae, 0x27}, 3, 3, "xsave"},
      {64, {0xf0, 0x48, 0x0f, 0xc7, 0x0e}, 5, 5, "cmpxchg16b"},
      {32, {0x0f, 0xc7, 0x0e}, 3, 3, "cmpxchg8b"},
      {32, {0xcc}, 1, 1, "int3"},
      {32, {0xcd, 0x80}, 2, 2, "int"},
      {32, {0xa3, 0x30, 0x2d, 0x10, 0x00}, 5, 5, "mov"},         /* the self-test guest's entry */
      {32, {0xfc}, 1, 1, "cld"},                                 /* Linux's pvh_start_xen */
      {32, {0x0f, 0x01, 0x15, 1, 2, 3, 4}, 7, 7, "lgdt"},        /* lgdt disp32 */
      {32, {0x66, 0xb8, 0x34, 0x12}, 4, 4, "mov"},               /* 66: imm16 */
      {64, {0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8}, 10, 10, "mov"}, /* REX.W mov imm64 */
      {32, {0x8b, 0x44, 0x24, 0x08}, 4, 4, "mov"},               /* SIB + disp8 */
      {32, {0x8b, 0x04, 0x25, 1, 2, 3, 4}, 7, 7, "mov"},         /* SIB, no base: disp32 */
      {32, {0x67, 0x8b, 0x46, 0x10}, 4, 4, "mov"},               /* 16-bit addressing, disp8 */
      {32, {0x67, 0x8b, 0x06, 1, 2}, 5, 5, "mov"},               /* 16-bit addressing, disp16 */
      {32, {0x81, 0xc1, 1, 2, 3, 4}, 6, 6, NULL},                /* add ecx, imm32 */
      {32, {0xf7, 0xc1, 1, 2, 3, 4}, 6, 6, NULL},                /* test: f7 /0 has imm32 */
      {32, {0xf7, 0xd9}, 2, 2, NULL},                            /* neg: f7 /3 has none */
      {32, {0xe9, 1, 2, 3, 4}, 5, 5, "jmp"},
      {32, {0xea, 1, 2, 3, 4, 0x10, 0}, 7, 7, NULL}, /* ljmp ptr16:32 */
      {32, {0x0f, 0x3a, 0x0f, 0xc1, 8}, 5, 5, NULL}, /* palignr: 0f 3a has imm8 */
      {32, {0x0f, 0x38, 0x00, 0xc1}, 4, 4, NULL},
      {32, {0x90}, 1, 1, "nop"},
      {32, {0xf4}, 1, 1, "hlt"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct pvhkvm_insn d;
    if (pvhkvm_insn_decode(cases[i].b, cases[i].n, cases[i].mode, &d) != 0)
      fail_msg("case %zu: not decoded", i);
    if (d.len != cases[i].len)
      fail_msg("case %zu: length %zu, want %zu", i, d.len, cases[i].len);
    if (cases[i].name && (!d.name || strcmp(d.name, cases[i].name)))
      fail_msg("case %zu: name %s, want %s", i, d.name ? d.name : "(none)", cases[i].name);
  }
  struct pvhkvm_insn d;
  static const uint8_t truncated[] = {0x0f, 0x01, 0x15, 1, 2};
  assert_int_equal(pvhkvm_insn_decode(truncated, sizeof(truncated), 32, &d), -1);
  static const uint8_t vex[] = {0xc5, 0xf8, 0x77};
  assert_int_equal(pvhkvm_insn_decode(vex, sizeof(vex), 64, &d), -1); /* not guessed */
  uint8_t pfx[16];
  memset(pfx, 0x66, sizeof(pfx));
  pfx[15] = 0x90;
  assert_int_equal(pvhkvm_insn_decode(pfx, sizeof(pfx), 32, &d), -1); /* longer than 15 bytes */
  char hex[32];
  assert_string_equal(pvhkvm_insn_hex(cases[0].b, 3, hex, sizeof(hex)), "0f 02 cf");
}

/* What one instruction may write: the single-step proof relies on it. */
static void test_insn_effects(void **unused) {
  (void)unused;
  struct pvhkvm_insn d;
  struct pvhkvm_insn_effects fx;
  static const uint8_t mov_moffs[] = {0xa3, 0x30, 0x2d, 0x10, 0x00};
  assert_int_equal(pvhkvm_insn_decode(mov_moffs, 5, 32, &d), 0);
  assert_int_equal(pvhkvm_insn_effects(&d, mov_moffs, &fx), 0);
  assert_int_equal(fx.gprs, 0); /* memory only */
  assert_int_equal(fx.rflags, 0);
  assert_int_equal(fx.sys, 0);
  static const uint8_t cld[] = {0xfc};
  assert_int_equal(pvhkvm_insn_decode(cld, 1, 32, &d), 0);
  assert_int_equal(pvhkvm_insn_effects(&d, cld, &fx), 0);
  assert_int_equal(fx.rflags, 0x400); /* DF only */
  assert_int_equal(fx.gprs, 0);
  static const uint8_t mov_ah[] = {0xb4, 0x01}; /* mov ah, 1: RAX, not RSP */
  assert_int_equal(pvhkvm_insn_decode(mov_ah, 2, 32, &d), 0);
  assert_int_equal(pvhkvm_insn_effects(&d, mov_ah, &fx), 0);
  assert_int_equal(fx.gprs, 1u << 0);
  static const uint8_t xor_ecx[] = {0x31, 0xc9};
  assert_int_equal(pvhkvm_insn_decode(xor_ecx, 2, 32, &d), 0);
  assert_int_equal(pvhkvm_insn_effects(&d, xor_ecx, &fx), 0);
  assert_int_equal(fx.gprs, 1u << 1);
  assert_int_equal(fx.rflags, 0x8d5);
  static const uint8_t lgdt[] = {0x0f, 0x01, 0x15, 1, 2, 3, 4};
  assert_int_equal(pvhkvm_insn_decode(lgdt, 7, 32, &d), 0);
  assert_int_equal(pvhkvm_insn_effects(&d, lgdt, &fx), 0);
  assert_int_equal(fx.sys, PVHKVM_FX_GDT);
  static const uint8_t jmp_back[] = {0xeb, 0xfe};
  assert_int_equal(pvhkvm_insn_decode(jmp_back, 2, 32, &d), 0);
  assert_int_equal(pvhkvm_insn_effects(&d, jmp_back, &fx), 0);
  assert_int_equal(fx.branch, 1);
  assert_int_equal(fx.rel, -2);
  static const uint8_t out_dx[] = {0xee};
  assert_int_equal(pvhkvm_insn_decode(out_dx, 1, 32, &d), 0);
  assert_int_equal(pvhkvm_insn_effects(&d, out_dx, &fx), 0);
  assert_true(fx.exits_to_vmm);
  static const uint8_t jmp_ind[] = {0xff, 0xe0}; /* jmp *eax: target not in the bytes */
  assert_int_equal(pvhkvm_insn_decode(jmp_ind, 2, 32, &d), 0);
  assert_int_equal(pvhkvm_insn_effects(&d, jmp_ind, &fx), -1);
}

/* Host kind: the environment override wins; the skips follow the kind. */
static void test_host_kind(void **unused) {
  (void)unused;
  setenv("PVHKVM_HOST", "kvm-pvm", 1);
  assert_int_equal(pvhkvm_host_kind(), PVHKVM_HOST_KVM_PVM);
  assert_string_equal(pvhkvm_host_selftest_skips(pvhkvm_host_kind()), "lar-lsl");
  setenv("PVHKVM_HOST", "kvm", 1);
  assert_int_equal(pvhkvm_host_kind(), PVHKVM_HOST_KVM);
  assert_null(pvhkvm_host_selftest_skips(PVHKVM_HOST_KVM));
  setenv("PVHKVM_HOST", "none", 1);
  assert_int_equal(pvhkvm_host_kind(), PVHKVM_HOST_NONE);
  unsetenv("PVHKVM_HOST");
  char out[256];
  assert_int_equal(
      pvhkvm_selftest_cmdline_for_host(out, sizeof(out), "console=ttyS0", NULL, PVHKVM_HOST_KVM_PVM), 0);
  assert_non_null(strstr(out, " pvhtest.skip=lar-lsl "));
  assert_int_equal(pvhkvm_selftest_cmdline_for_host(out, sizeof(out), "console=ttyS0", NULL, PVHKVM_HOST_KVM),
                   0);
  assert_null(strstr(out, "pvhtest.skip"));
}

/* The host's reading of the guest's CPUID report, and the mask judgement. */
static void test_selftest_cpuid(void **unused) {
  (void)unused;
  const char *con = "pvhtest: ok   x\npvhtest: cpuid 0x1.0 0x000a0671 0x00020800 0xf7f83203 0x1f8bfbff\n"
                    "pvhtest: cpuid 0x80000001.0 0x00000000 0x00000000 0x00000101 0x20100800\n";
  uint32_t r[4];
  assert_int_equal(pvhkvm_selftest_cpuid(con, 1, 0, r), 0);
  assert_int_equal(r[2], 0xf7f83203u);
  assert_int_equal(r[3], 0x1f8bfbffu);
  assert_int_equal(pvhkvm_selftest_cpuid(con, 0x80000001u, 0, r), 0);
  assert_int_equal(r[3], 0x20100800u);
  assert_int_equal(pvhkvm_selftest_cpuid(con, 7, 0, r), -1);
  char why[256];
  struct pvhkvm_cpuid_mask cx16 = {.function = 1, .clear = {0, 0, 1u << 13, 0}}; /* 0xf7f83203: bit 13 set */
  assert_int_equal(pvhkvm_selftest_cpuid_unapplied(con, &cx16, 1, why, sizeof(why)), 1);
  assert_non_null(strstr(why, "leaf 0x1 ecx bits 0x00002000 not as masked"));
  struct pvhkvm_cpuid_mask pcid = {.function = 1, .clear = {0, 0, 1u << 17, 0}}; /* bit 17 clear */
  assert_int_equal(pvhkvm_selftest_cpuid_unapplied(con, &pcid, 1, why, sizeof(why)), 0);
  struct pvhkvm_cpuid_mask l7 = {.function = 7, .clear = {0, 1, 0, 0}};
  assert_int_equal(pvhkvm_selftest_cpuid_unapplied(con, &l7, 1, why, sizeof(why)), 1);
  assert_non_null(strstr(why, "not reported by the guest"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_roundtrip),
      cmocka_unit_test(test_diff_catches),
      cmocka_unit_test(test_diff_tolerates),
      cmocka_unit_test(test_serial),
      cmocka_unit_test(test_console_cap_and_expect),
      cmocka_unit_test(test_console_lines),
      cmocka_unit_test(test_exit_port),
      cmocka_unit_test(test_legacy_ports),
      cmocka_unit_test(test_pio_table),
      cmocka_unit_test(test_cmos),
      cmocka_unit_test(test_mark),
      cmocka_unit_test(test_selftest_cmdline),
      cmocka_unit_test(test_insn_decode),
      cmocka_unit_test(test_insn_effects),
      cmocka_unit_test(test_host_kind),
      cmocka_unit_test(test_selftest_cpuid),
      cmocka_unit_test(test_probe_errors),
      cmocka_unit_test(test_create_failure_releases),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
