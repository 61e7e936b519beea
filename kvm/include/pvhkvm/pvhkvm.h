/* SPDX-License-Identifier: MIT */
/* pvhkvm: a small KVM userspace for boot checks, shaped like the kernel's KVM
 * selftests library: make a VM with guest RAM, load a kernel through libpvh,
 * put the vCPU in the PVH entry state, prove the entry, run, look at the end.
 *
 *   struct pvhkvm_vm_opts o; pvhkvm_vm_opts_init(&o); o.ram_size = 256 << 20;
 *   struct pvhkvm_vm *vm; struct pvhkvm_error e;
 *   if (pvhkvm_vm_create(&o, &vm, &e)) { puts(e.message); return e.kind; }
 *   pvh_load(&img, &cfg, pvhkvm_vm_bus(vm), &plan, &perr);
 *   pvhkvm_vcpu_set_entry(vm, &plan.entry, &e);
 *   struct pvhkvm_run_opts ro; pvhkvm_run_opts_init(&ro); ro.prove_entry = &plan.entry;
 *   struct pvhkvm_run_result r; pvhkvm_run(vm, &ro, &r);
 *   ... r.end, r.exit_value, r.entry_proved, r.console ...
 *   pvhkvm_run_result_free(&r); pvhkvm_vm_destroy(vm);
 *
 * Everything here is usable without <linux/kvm.h>; pvhkvm/kvm_state.h has the
 * conversions to and from KVM's register structures. One VM has one vCPU and is
 * driven from one thread; only pvhkvm_vm_request_stop() may be called from
 * another thread or a signal handler. pvhkvm_run interrupts KVM_RUN with
 * SIGUSR2 (it installs a no-op handler for it, SA_RESTART, and unblocks it in
 * the running thread for the duration of the run). */
#ifndef PVHKVM_H
#define PVHKVM_H

#include <stddef.h>
#include <stdint.h>

#include "pvh/bus.h"
#include "pvh/entry.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Errors ---- */

enum pvhkvm_err_kind {
  PVHKVM_OK = 0,
  PVHKVM_E_NO_DEVICE,  /* ENOENT: /dev/kvm not found */
  PVHKVM_E_UNUSABLE,   /* ENODEV/ENXIO: KVM present but not usable (nested/PVM host?) */
  PVHKVM_E_PERMISSION, /* EACCES/EPERM: add the user to group kvm */
  PVHKVM_E_API,        /* wrong KVM_GET_API_VERSION or a required capability missing */
  PVHKVM_E_SYSCALL,    /* an ioctl/mmap failed; message names it and errno */
  PVHKVM_E_NOMEM,
  PVHKVM_E_INVALID, /* bad argument, e.g. RAM too small */
};

struct pvhkvm_error {
  enum pvhkvm_err_kind kind;
  int sys_errno; /* errno of the failing call, 0 if none */
  char message[256];
};

const char *pvhkvm_err_name(enum pvhkvm_err_kind kind); /* "no-device", ... */
/* True for the kinds that mean "this host cannot run KVM" (tests skip on them). */
int pvhkvm_err_is_environment(enum pvhkvm_err_kind kind);

/* Opens the KVM device, checks the API version and the capabilities pvhkvm
 * needs, closes it again. PVHKVM_OK when pvhkvm_vm_create can work. */
enum pvhkvm_err_kind pvhkvm_probe(const char *dev_path, struct pvhkvm_error *err);

/* ---- CPUID ---- */

/* Applied to KVM_GET_SUPPORTED_CPUID's table before KVM_SET_CPUID2:
 * reg = (reg & ~clear) | set for every leaf matching function (and index unless
 * any_index). Registers in the order eax, ebx, ecx, edx. */
struct pvhkvm_cpuid_mask {
  uint32_t function, index;
  int any_index;
  uint32_t clear[4];
  uint32_t set[4];
};

/* ---- VM ---- */

struct pvhkvm_vm_opts {
  const char *dev_path;                        /* NULL: "/dev/kvm" */
  uint64_t ram_size;                           /* bytes; layout from pvh_memmap_standard */
  int irqchip;                                 /* in-kernel PIC/IOAPIC/LAPIC + PIT (real kernels); with it,
                                * HLT does not exit to user space and is detected by polling.
                                * The PIT is created at the guest's first access to its ports
                                * (kvm/devices/pit.c), the access then runs against it */
  const struct pvhkvm_cpuid_mask *cpuid_masks; /* copied at create time */
  size_t nr_cpuid_masks;
};

void pvhkvm_vm_opts_init(struct pvhkvm_vm_opts *o); /* 128 MiB, no irqchip */

struct pvhkvm_vm;

/* Creates the VM, RAM slots, the vCPU (CPUID set, FPU initialised) and the
 * standard devices (UART 0x3f8, exit port 0xf4, I/O-delay port 0x80, i8042
 * status/reset at 0x60-0x64, RTC/CMOS at 0x70/0x71 with the host's UTC time).
 * On error *out is NULL and nothing is left open. */
enum pvhkvm_err_kind pvhkvm_vm_create(const struct pvhkvm_vm_opts *o, struct pvhkvm_vm **out,
                                      struct pvhkvm_error *err);
/* Releases every fd and mapping. NULL is fine. */
void pvhkvm_vm_destroy(struct pvhkvm_vm *vm);

/* The bus the loader writes through (a pvh_flat_bus over guest RAM); its
 * regions are the VM's memory map. */
struct pvh_bus *pvhkvm_vm_bus(struct pvhkvm_vm *vm);
/* The memory map (unsorted order as built; pvh_memmap_sorted to sort). */
const struct pvh_mem_region *pvhkvm_vm_memmap(const struct pvhkvm_vm *vm, size_t *nr);
/* Marks [addr, addr+size) with `type` (e.g. PVH_MEM_ACPI for ACPI tables),
 * splitting the RAM/RESERVED regions it overlaps. Must lie inside backed guest
 * memory. Call before loading: the loader hands the guest this map. */
int pvhkvm_vm_mark(struct pvhkvm_vm *vm, uint64_t addr, uint64_t size, uint32_t type,
                   struct pvhkvm_error *err);
/* Replaces the memory map (up to PVH_MEMMAP_MAX_REGIONS regions, kept in the
 * given order, copied): valid for pvh_memmap_sorted, and every RAM region
 * backed by the VM's RAM. Entries may split RAM, leave holes or mark
 * reserved islands anywhere; other types need no backing. The loader plans
 * against it and hands it to the guest. PVHKVM_E_INVALID names the region. */
int pvhkvm_vm_set_memmap(struct pvhkvm_vm *vm, const struct pvh_mem_region *regions, size_t n,
                         struct pvhkvm_error *err);
/* Host pointer to guest-physical [gpa, gpa+len), or NULL if not backed. */
uint8_t *pvhkvm_vm_host(struct pvhkvm_vm *vm, uint64_t gpa, uint64_t len);
/* Copies guest-physical [pa, pa+len) to dst: 0, or -1 if not backed. vm is a
 * struct pvhkvm_vm *; the signature is pvhkvm_phys_read_fn's (pvhkvm/guestmem.h),
 * so page walks for reports read the VM's memory through it. */
int pvhkvm_vm_phys_read(void *vm, uint64_t pa, void *dst, size_t len);
uint64_t pvhkvm_vm_ram_size(const struct pvhkvm_vm *vm);
/* For extensions that need raw ioctls (e.g. KVM_IRQ_LINE); owned by the VM. */
int pvhkvm_vm_fd(const struct pvhkvm_vm *vm);
int pvhkvm_vcpu_fd(const struct pvhkvm_vm *vm);

/* Port I/O devices. A handler gets the access at base+offset; for reads it
 * fills data. Registered ranges must not overlap (returns -1). Up to 16. */
typedef void (*pvhkvm_pio_fn)(void *ctx, uint16_t offset, int is_write, uint8_t *data, uint32_t size);
int pvhkvm_vm_add_pio(struct pvhkvm_vm *vm, uint16_t base, uint16_t len, pvhkvm_pio_fn fn, void *ctx);

/* Raises/lowers an IRQ line of the in-kernel irqchip (no-op without one). */
int pvhkvm_vm_irq_line(struct pvhkvm_vm *vm, uint32_t irq, int level);

/* ---- vCPU state ---- */

/* Sets registers, control registers, EFER, every segment, GDTR/IDTR exactly as
 * in st (KVM_SET_SREGS after KVM_GET_SREGS keeps APIC base and the rest). */
enum pvhkvm_err_kind pvhkvm_vcpu_set_entry(struct pvhkvm_vm *vm, const struct pvh_entry_state *st,
                                           struct pvhkvm_error *err);
/* Reads the current vCPU state back in the same shape. */
enum pvhkvm_err_kind pvhkvm_vcpu_get_state(struct pvhkvm_vm *vm, struct pvh_entry_state *st,
                                           struct pvhkvm_error *err);
/* Compares state read back from KVM with what the loader asked for. CR0.ET is
 * forced on both sides (it reads as 1), RFLAGS.RF is ignored (a resume flag KVM
 * may set around debug exits), and for a segment marked unusable only that flag
 * is compared (KVM does not preserve the rest of an unusable segment).
 * Returns 0 when equal, else 1 and the first difference in why. */
int pvhkvm_entry_diff(const struct pvh_entry_state *want, const struct pvh_entry_state *got, char *why,
                      size_t why_len);

/* ---- Running ---- */

enum pvhkvm_end {
  PVHKVM_END_NONE = 0,
  PVHKVM_END_EXIT_PORT,      /* guest wrote exit_value to port 0xf4 */
  PVHKVM_END_HLT,            /* HLT (hlt_if tells whether interrupts were on) */
  PVHKVM_END_SHUTDOWN,       /* KVM_EXIT_SHUTDOWN: triple fault */
  PVHKVM_END_INTERNAL_ERROR, /* KVM_EXIT_INTERNAL_ERROR (PVM hosts report triple faults so) */
  PVHKVM_END_FAIL_ENTRY,     /* KVM_EXIT_FAIL_ENTRY: hardware refused the state */
  PVHKVM_END_SYSTEM_EVENT,   /* KVM_EXIT_SYSTEM_EVENT, or a reset through the i8042 (0xFE to 0x64) */
  PVHKVM_END_TIMEOUT,        /* run-time limit (timeout_s) */
  PVHKVM_END_STOPPED,        /* pvhkvm_vm_request_stop or a callback asked to stop */
  PVHKVM_END_ENTRY_FAILED,   /* prove_entry was set and the proof failed: not run further */
  PVHKVM_END_UNHANDLED,      /* an exit reason pvhkvm does not handle */
  PVHKVM_END_KVM_ERROR,      /* KVM_RUN or a state ioctl failed */
  PVHKVM_END_INTERRUPTED,    /* pvhkvm_run_interrupt (SIGINT, SIGTERM) */
};
const char *pvhkvm_end_name(enum pvhkvm_end end); /* "exit-port", "hlt", ... */

/* How the entry is proved (kvm/README.md has which KVM delivers what).
 *   hw-breakpoint  DR0 = entry: #DB before any instruction runs; the state
 *                  must equal the loader's exactly.
 *   single-step    one instruction runs, then #DB: RIP must be the entry plus
 *                  the length of the instruction there (decoded from guest
 *                  memory; or its direct branch target) and the state must
 *                  equal the loader's except what that instruction can write.
 *   auto           both armed at once: where the breakpoint is delivered it
 *                  fires first (hw-breakpoint); where it is not, the step does.
 * Never skipped: a proof that cannot be made ends the run as not proved. */
enum pvhkvm_proof {
  PVHKVM_PROOF_AUTO = 0,
  PVHKVM_PROOF_HW_BREAKPOINT,
  PVHKVM_PROOF_SINGLE_STEP,
};
const char *pvhkvm_proof_name(enum pvhkvm_proof p);            /* "auto", "hw-breakpoint", "single-step" */
int pvhkvm_proof_parse(const char *s, enum pvhkvm_proof *out); /* 0, or -1 for an unknown name */
struct pvhkvm_run_result;
/* One line for a proved entry naming the method, e.g. "hardware breakpoint
 * at the PVH entry, state equals the loader's". */
const char *pvhkvm_proof_summary(const struct pvhkvm_run_result *res);

/* Console output: called with each chunk the guest writes to the UART (one
 * call per byte, or per line when line_mode is set; a partial last line is
 * flushed at the end of the run). host_ns: monotonic ns since the run began.
 * guest_tsc: the guest's TSC at the write when want_guest_tsc is set, else 0.
 * Return nonzero to stop the run (END_STOPPED). */
typedef int (*pvhkvm_console_fn)(void *ctx, const char *data, size_t len, uint64_t host_ns,
                                 uint64_t guest_tsc);

struct pvhkvm_run_opts {
  /* If non-NULL: the entry is proved (method `proof`, see enum pvhkvm_proof):
   * the first exit must be the debug exit at the entry and the state KVM
   * reports must equal *prove_entry (pvhkvm_entry_diff). */
  const struct pvh_entry_state *prove_entry;
  enum pvhkvm_proof proof; /* default PVHKVM_PROOF_AUTO */
  /* Limit on the guest's run time; <= 0 means no limit. Default 10. Run
   * time is wall-clock time minus the time the host kept the vCPU thread
   * waiting for a CPU (pvhkvm/clock.h), so a busy host does not cut a valid
   * guest short; on an idle host it equals wall-clock time. */
  double timeout_s;
  size_t console_cap; /* bytes of console kept in the result; default 1 MiB */
  int echo_fd;        /* also write console bytes here; -1 = no echo (default) */
  /* Or hand them here instead (echo_fd is then not used): the caller decides
   * how to show guest bytes and how long a reader may take. */
  void (*echo_fn)(void *ctx, const char *data, size_t len);
  void *echo_ctx;
  pvhkvm_console_fn console_fn;
  void *console_ctx;
  int line_mode;
  int want_guest_tsc;
  const char *expect; /* stop with END_STOPPED once the console contains it */
};

void pvhkvm_run_opts_init(struct pvhkvm_run_opts *o);

struct pvhkvm_run_result {
  enum pvhkvm_end end;
  uint32_t exit_value;        /* END_EXIT_PORT */
  int hlt_if;                 /* END_HLT: RFLAGS.IF at the halt */
  uint32_t kvm_exit_reason;   /* the raw KVM exit reason of the last exit */
  uint32_t internal_suberror; /* END_INTERNAL_ERROR */
  uint64_t fail_entry_reason; /* END_FAIL_ENTRY */
  int sys_errno;              /* END_KVM_ERROR */

  /* Entry proof (prove_entry set). */
  int entry_checked;
  int entry_proved;
  uint64_t entry_rip, entry_rbx; /* as seen at the first exit */
  char entry_why[256];           /* why the proof failed */
  struct pvh_entry_state entry_seen;
  enum pvhkvm_proof entry_method; /* the method that proved it (or was judged); AUTO: none got that far */
  uint8_t entry_insn[15];         /* the instruction at the entry, read before the run */
  size_t entry_insn_len;          /* its decoded length; 0: not decoded */
  char entry_insn_name[16];       /* "" when the decoder has no name for it */
  /* Proved: what was compared with the loader's state ("RIP RAX ... EFER"),
   * and with single-step, what the first instruction writes and so was not
   * ("" when nothing); entry_unchecked_rbx: EBX (start_info) is among them. */
  char entry_compared[160];
  char entry_unchecked[160];
  int entry_unchecked_rbx;

  int expect_seen;

  uint64_t exits, pio_exits, mmio_exits;
  uint64_t unknown_pio, unknown_mmio;
  uint16_t first_unknown_port;
  uint64_t first_unknown_mmio;
  uint64_t last_rip; /* RIP when the run ended, if it could be read */

  /* Where the vCPU stopped on KVM_EXIT_INTERNAL_ERROR (an emulation failure
   * or, on kvm-pvm, a triple fault): the linear RIP (CS base + RIP), the
   * instruction bytes (from KVM's emulation_failure data when it flags them,
   * else read through the guest's page tables) and a name for the common
   * ones ("lar", "xrstor", ...). fault_known 0: the state could not be read. */
  int fault_known;
  uint64_t fault_rip;
  uint8_t fault_insn[15];
  size_t fault_insn_len;
  int fault_insn_from_kvm;
  char fault_insn_name[16]; /* "" when not named */

  char *console; /* NUL-terminated, malloc'd; at most console_cap bytes */
  size_t console_len;
  uint64_t console_total; /* bytes the guest wrote, kept or not */
  int console_truncated;
  /* What the guest wrote to the port 0xe9 debug console (also part of the
   * console above): NUL-terminated, malloc'd, at most 64 KiB kept. */
  char *debugcon;
  size_t debugcon_len;
  uint64_t debugcon_total;
  int debugcon_truncated;

  double wall_s;     /* whole run, s */
  double run_s;      /* its run time, s: wall_s minus delay_s (what timeout_s limits) */
  double delay_s;    /* time the host kept the vCPU thread waiting for a CPU, s */
  double entry_s;    /* run start to the entry breakpoint, s */
  char message[256]; /* human summary of how the run ended */
};

/* Runs the vCPU until an end condition. Always fills *res (free with
 * pvhkvm_run_result_free) and returns res->end. May be called once per VM. */
enum pvhkvm_end pvhkvm_run(struct pvhkvm_vm *vm, const struct pvhkvm_run_opts *o,
                           struct pvhkvm_run_result *res);
void pvhkvm_run_result_free(struct pvhkvm_run_result *res);

/* Asks pvhkvm_run to stop (END_STOPPED): a running one is interrupted at
 * once, a later one stops before entering the guest. Async-signal-safe and
 * thread-safe. */
void pvhkvm_vm_request_stop(struct pvhkvm_vm *vm);

/* Stops the run in progress in this process, if any, with END_INTERRUPTED
 * (a SIGINT or SIGTERM handler's call). Returns 1 if a run was stopped, 0 if
 * none was running. Async-signal-safe. */
int pvhkvm_run_interrupt(void);

#ifdef __cplusplus
}
#endif
#endif
