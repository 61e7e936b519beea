/* SPDX-License-Identifier: MIT */
/* The run loop: prove the entry (proof.c), then run the vCPU
 * and turn each exit into device work or an end of run. Watchdog timers
 * enforce the run-time limit by signalling the vCPU thread: the handler sets
 * kvm_run.immediate_exit, and KVM_RUN returns EINTR. Run time is wall time
 * minus the thread's run-queue delay (pvhkvm/clock.h): when the deadline
 * timer fires early by that measure, it is armed again for the rest. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "pvhkvm/clock.h"

/* The signal that interrupts KVM_RUN. Its handler only notes which timer
 * fired and sets immediate_exit: the point is that a signal is pending.
 * SA_RESTART keeps other syscalls unbothered; KVM_RUN returns EINTR regardless. */
#define KICK_SIGNAL SIGUSR2
#define RFLAGS_IF (1ull << 9)
#define HALT_POLL_NS (20ull * 1000000ull)

struct watchdog;
/* The watchdog of the run on this thread (NULL outside a run), for the
 * signal handler: timers are delivered to the vCPU thread itself. */
static __thread struct watchdog *current_watchdog;
/* The same run for pvhkvm_run_interrupt, which a process-wide signal
 * (SIGINT, SIGTERM) may call on any thread. */
static struct watchdog *_Atomic interruptible_run;
static void watchdog_fire(struct watchdog *w);

static pthread_once_t kick_once = PTHREAD_ONCE_INIT;
static void kick_handler(int sig) {
  (void)sig;
  if (current_watchdog)
    watchdog_fire(current_watchdog);
}
static void install_kick(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = kick_handler;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sigaction(KICK_SIGNAL, &sa, NULL);
}

static void kick(struct pvhkvm_vm *vm) {
  vm->run->immediate_exit = 1; /* covers a kick that lands outside KVM_RUN */
  if (atomic_load(&vm->running))
    pthread_kill(vm->vcpu_thread, KICK_SIGNAL);
}

void pvhkvm_vm_request_stop(struct pvhkvm_vm *vm) {
  atomic_store(&vm->stop_requested, 1);
  if (atomic_load(&vm->running))
    kick(vm);
}

const char *pvhkvm_end_name(enum pvhkvm_end end) {
  switch (end) {
  case PVHKVM_END_NONE: return "none";
  case PVHKVM_END_EXIT_PORT: return "exit-port";
  case PVHKVM_END_HLT: return "hlt";
  case PVHKVM_END_SHUTDOWN: return "shutdown";
  case PVHKVM_END_INTERNAL_ERROR: return "internal-error";
  case PVHKVM_END_FAIL_ENTRY: return "fail-entry";
  case PVHKVM_END_SYSTEM_EVENT: return "system-event";
  case PVHKVM_END_TIMEOUT: return "timeout";
  case PVHKVM_END_STOPPED: return "stopped";
  case PVHKVM_END_ENTRY_FAILED: return "entry-proof-failed";
  case PVHKVM_END_UNHANDLED: return "unhandled-exit";
  case PVHKVM_END_KVM_ERROR: return "kvm-error";
  case PVHKVM_END_INTERRUPTED: return "interrupted";
  }
  return "unknown";
}

void pvhkvm_run_opts_init(struct pvhkvm_run_opts *o) {
  memset(o, 0, sizeof(*o));
  o->timeout_s = 10.0;
  o->console_cap = 1u << 20;
  o->echo_fd = -1;
}

void pvhkvm_run_result_free(struct pvhkvm_run_result *res) {
  if (!res)
    return;
  free(res->console);
  res->console = NULL;
  res->console_len = 0;
  free(res->debugcon);
  res->debugcon = NULL;
  res->debugcon_len = 0;
}

/* ---- watchdog ----
 * POSIX timers that send KICK_SIGNAL to the vCPU thread itself: one at the
 * deadline, one every poll_ns (halt polling with the in-kernel LAPIC). No
 * helper thread: creating and joining one costs a scheduler tick per run on
 * a loaded host, more than a tiny guest's whole run. */

struct watchdog {
  struct pvhkvm_vm *vm;
  uint64_t deadline_ns; /* 0: none */
  uint64_t start_ns, delay0_ns, limit_ns;
  timer_t deadline_timer, poll_timer;
  int have_deadline_timer, have_poll_timer;
  atomic_int timed_out, poll_due, interrupted;
};

/* In the signal handler: async-signal-safe work only. */
static void watchdog_fire(struct watchdog *w) {
  if (w->deadline_ns && pvhkvm_now_ns() >= w->deadline_ns)
    atomic_store(&w->timed_out, 1);
  else
    atomic_store(&w->poll_due, 1);
  w->vm->run->immediate_exit = 1; /* the signal may land outside KVM_RUN */
}

int pvhkvm_run_interrupt(void) {
  struct watchdog *w = atomic_load(&interruptible_run);
  if (!w)
    return 0;
  atomic_store(&w->interrupted, 1);
  kick(w->vm);
  return 1;
}

static int set_timer(timer_t t, uint64_t first_ns, uint64_t every_ns) {
  struct itimerspec its;
  memset(&its, 0, sizeof(its));
  if (first_ns == 0)
    first_ns = 1; /* 0 would disarm */
  its.it_value.tv_sec = (time_t)(first_ns / 1000000000ull);
  its.it_value.tv_nsec = (long)(first_ns % 1000000000ull);
  its.it_interval.tv_sec = (time_t)(every_ns / 1000000000ull);
  its.it_interval.tv_nsec = (long)(every_ns % 1000000000ull);
  return timer_settime(t, 0, &its, NULL);
}

static int arm_timer(timer_t *t, uint64_t first_ns, uint64_t every_ns) {
  struct sigevent sev;
  memset(&sev, 0, sizeof(sev));
  sev.sigev_notify = SIGEV_THREAD_ID;
  sev.sigev_signo = KICK_SIGNAL;
  sev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
  if (timer_create(CLOCK_MONOTONIC, &sev, t) != 0)
    return -1;
  if (set_timer(*t, first_ns, every_ns) != 0) {
    timer_delete(*t);
    return -1;
  }
  return 0;
}

/* Run time so far: wall time minus the run-queue delay since the start. */
static uint64_t run_time_ns(const struct watchdog *w, uint64_t *delay_ns) {
  uint64_t wall = pvhkvm_now_ns() - w->start_ns;
  uint64_t d = pvhkvm_run_delay_ns(0) - w->delay0_ns;
  if (delay_ns)
    *delay_ns = d;
  return wall > d ? wall - d : 0;
}

/* The deadline passed by the wall clock: 1 if the run time is up too, else
 * the timer is armed again for what is left and 0. */
static int deadline_reached(struct watchdog *w) {
  uint64_t used = run_time_ns(w, NULL);
  if (used >= w->limit_ns)
    return 1;
  w->deadline_ns = pvhkvm_now_ns() + (w->limit_ns - used);
  atomic_store(&w->timed_out, 0);
  return set_timer(w->deadline_timer, w->limit_ns - used, 0) != 0; /* cannot re-arm: end now */
}

static int watchdog_start(struct watchdog *w, struct pvhkvm_vm *vm, double timeout_s, uint64_t poll_ns) {
  memset(w, 0, sizeof(w[0]));
  w->vm = vm;
  atomic_init(&w->timed_out, 0);
  atomic_init(&w->poll_due, 0);
  atomic_init(&w->interrupted, 0);
  w->start_ns = pvhkvm_now_ns();
  w->delay0_ns = pvhkvm_run_delay_ns(0);
  current_watchdog = w;
  atomic_store(&interruptible_run, w);
  if (timeout_s > 0) {
    uint64_t ns = (uint64_t)(timeout_s * 1e9);
    w->limit_ns = ns;
    w->deadline_ns = pvhkvm_now_ns() + ns;
    if (arm_timer(&w->deadline_timer, ns, 0) != 0)
      return -1;
    w->have_deadline_timer = 1;
  }
  if (poll_ns) {
    if (arm_timer(&w->poll_timer, poll_ns, poll_ns) != 0)
      return -1;
    w->have_poll_timer = 1;
  }
  return 0;
}

static void watchdog_stop(struct watchdog *w) {
  if (w->have_deadline_timer)
    timer_delete(w->deadline_timer);
  if (w->have_poll_timer)
    timer_delete(w->poll_timer);
  w->have_deadline_timer = w->have_poll_timer = 0;
  /* A signal already pending finds no watchdog and does nothing. */
  current_watchdog = NULL;
  atomic_store(&interruptible_run, NULL);
}

/* ---- exits ---- */

const char *pvhkvm_exit_name(uint32_t reason) {
  switch (reason) {
  case KVM_EXIT_IO: return "KVM_EXIT_IO";
  case KVM_EXIT_HLT: return "KVM_EXIT_HLT";
  case KVM_EXIT_MMIO: return "KVM_EXIT_MMIO";
  case KVM_EXIT_SHUTDOWN: return "KVM_EXIT_SHUTDOWN";
  case KVM_EXIT_FAIL_ENTRY: return "KVM_EXIT_FAIL_ENTRY";
  case KVM_EXIT_INTERNAL_ERROR: return "KVM_EXIT_INTERNAL_ERROR";
  case KVM_EXIT_DEBUG: return "KVM_EXIT_DEBUG";
  case KVM_EXIT_SYSTEM_EVENT: return "KVM_EXIT_SYSTEM_EVENT";
  case KVM_EXIT_INTR: return "KVM_EXIT_INTR";
  default: return "KVM_EXIT_?";
  }
}

static void handle_io(struct pvhkvm_vm *vm, struct pvhkvm_run_result *res) {
  struct kvm_run *run = vm->run;
  uint32_t size = run->io.size, count = run->io.count;
  uint64_t off = run->io.data_offset;
  res->pio_exits++;
  if (size == 0 || size > 8 || off > vm->run_size || (uint64_t)size * count > vm->run_size - off)
    return; /* never trust an offset blindly, even KVM's */
  uint8_t *p = (uint8_t *)run + off;
  int is_write = run->io.direction == KVM_EXIT_IO_OUT;
  for (uint32_t i = 0; i < count; i++, p += size) {
    if (pvhkvm_pio_dispatch(vm, run->io.port, is_write, p, size))
      continue;
    if (res->unknown_pio++ == 0)
      res->first_unknown_port = run->io.port;
    if (!is_write)
      memset(p, 0xff, size); /* an empty ISA bus reads all ones */
  }
}

static void handle_mmio(struct pvhkvm_vm *vm, struct pvhkvm_run_result *res) {
  struct kvm_run *run = vm->run;
  res->mmio_exits++;
  if (res->unknown_mmio++ == 0)
    res->first_unknown_mmio = run->mmio.phys_addr;
  if (!run->mmio.is_write)
    memset(run->mmio.data, 0xff, sizeof(run->mmio.data));
}

static int read_rflags(struct pvhkvm_vm *vm, uint64_t *rflags) {
  struct kvm_regs r;
  if (kvm_ioctl(vm->vcpu_fd, KVM_GET_REGS, (uintptr_t)(&r)) < 0)
    return -1;
  *rflags = r.rflags;
  return 0;
}

/* With the in-kernel LAPIC, HLT never reaches user space; a halted vCPU with
 * interrupts off can never wake, so that is reported as the halt it is. */
static int halted_with_if_off(struct pvhkvm_vm *vm) {
  struct kvm_mp_state mp;
  uint64_t rflags;
  if (kvm_ioctl(vm->vcpu_fd, KVM_GET_MP_STATE, (uintptr_t)(&mp)) < 0 || mp.mp_state != KVM_MP_STATE_HALTED)
    return 0;
  return read_rflags(vm, &rflags) == 0 && !(rflags & RFLAGS_IF);
}

static enum pvhkvm_end finish(struct pvhkvm_run_result *res, enum pvhkvm_end end, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static enum pvhkvm_end finish(struct pvhkvm_run_result *res, enum pvhkvm_end end, const char *fmt, ...) {
  va_list ap;
  res->end = end;
  va_start(ap, fmt);
  vsnprintf(res->message, sizeof(res->message), fmt, ap);
  va_end(ap);
  return end;
}

/* A device asked for the end of the run (device.c). */
static enum pvhkvm_end end_by_event(struct pvhkvm_vm *vm, struct pvhkvm_run_result *res) {
  const struct pvhkvm_event *ev = pvhkvm_vm_event(vm);
  if (ev->end == PVHKVM_END_EXIT_PORT)
    res->exit_value = ev->value;
  return finish(res, ev->end, "%s", ev->why);
}

static enum pvhkvm_end run_loop(struct pvhkvm_vm *vm, const struct pvhkvm_run_opts *o,
                                struct pvhkvm_run_result *res, struct watchdog *w, uint64_t t0) {
  struct kvm_run *run = vm->run;
  int proving = o->prove_entry != NULL;
  for (;;) {
    if (atomic_load(&w->interrupted))
      return finish(res, PVHKVM_END_INTERRUPTED, "interrupted by a signal (SIGINT or SIGTERM)");
    if (atomic_load(&vm->stop_requested))
      return finish(res, PVHKVM_END_STOPPED, "stopped on request");
    if (pvhkvm_vm_event(vm))
      return end_by_event(vm, res);
    int rc = vm->has_run ? kvm_ioctl(vm->vcpu_fd, KVM_RUN, 0) : pvhkvm_first_run(vm);
    vm->has_run = 1;
    if (rc < 0) {
      int e = errno;
      if (e != EINTR && e != EAGAIN) {
        res->sys_errno = e;
        return finish(res, PVHKVM_END_KVM_ERROR, "KVM_RUN: %s", strerror(e));
      }
      /* Clear first, then look at the flags: a kick that lands in between
       * leaves immediate_exit set and the next KVM_RUN returns at once. */
      run->immediate_exit = 0;
      if (atomic_load(&w->timed_out) && deadline_reached(w)) {
        uint64_t delay;
        uint64_t used = run_time_ns(w, &delay);
        return finish(res, PVHKVM_END_TIMEOUT,
                      "%.3f s of run time (limit %.3f s; %.3f s wall, %.3f s of it waiting for a CPU)",
                      used / 1e9, o->timeout_s, (pvhkvm_now_ns() - w->start_ns) / 1e9, delay / 1e9);
      }
      if (atomic_exchange(&w->poll_due, 0) && vm->irqchip && !proving && halted_with_if_off(vm)) {
        res->hlt_if = 0;
        return finish(res, PVHKVM_END_HLT, "halted with interrupts off (in-kernel LAPIC, seen by polling)");
      }
      continue;
    }
    res->exits++;
    res->kvm_exit_reason = run->exit_reason;
    if (run->exit_reason == KVM_EXIT_INTR)
      continue; /* a signal, not a guest event: also not the first exit */
    if (run->exit_reason == KVM_EXIT_IO && vm->pit_pending && pvhkvm_pit_port(run->io.port)) {
      /* Before the proof's judgement: with the PIT there from the start
       * this access would not have exited at all (pit.c). */
      res->pio_exits++;
      if (pvhkvm_pit_create_at_access(vm) < 0) {
        res->sys_errno = errno;
        return finish(res, PVHKVM_END_KVM_ERROR,
                      "creating the PIT at the guest's first access (port 0x%x): %s", run->io.port,
                      errno == ENOEXEC ? "the access cannot be replayed exactly (RIP was past a string I/O "
                                         "instruction, or no IN/OUT to this port ends there)"
                                       : strerror(errno));
      }
      continue; /* the access runs again, in the kernel's PIT */
    }
    if (proving) {
      proving = 0;
      res->entry_s = (double)(pvhkvm_now_ns() - t0) / 1e9;
      res->entry_proved = pvhkvm_proof_judge(vm, o->prove_entry, o->proof, res);
      if (pvhkvm_proof_disarm(vm) < 0 && res->entry_proved) {
        res->entry_proved = 0;
        snprintf(res->entry_why, sizeof(res->entry_why), "KVM_SET_GUEST_DEBUG (clear): %s", strerror(errno));
      }
      if (!res->entry_proved)
        return finish(res, PVHKVM_END_ENTRY_FAILED, "entry not proved: %.200s", res->entry_why);
      continue; /* the breakpoint exit is consumed; the guest starts now */
    }
    switch (run->exit_reason) {
    case KVM_EXIT_IO:
      handle_io(vm, res);
      if (pvhkvm_vm_event(vm))
        return end_by_event(vm, res);
      break;
    case KVM_EXIT_MMIO: handle_mmio(vm, res); break;
    case KVM_EXIT_HLT: {
      uint64_t rflags = 0;
      res->hlt_if = read_rflags(vm, &rflags) == 0 && (rflags & RFLAGS_IF);
      /* Without an in-kernel irqchip nothing can ever interrupt this halt,
       * so it ends the run either way; hlt_if says which kind it was. */
      return finish(res, PVHKVM_END_HLT, "HLT with interrupts %s",
                    res->hlt_if ? "on (no interrupt source)" : "off");
    }
    case KVM_EXIT_SHUTDOWN:
      return finish(res, PVHKVM_END_SHUTDOWN, "shutdown (triple fault), KVM_EXIT_SHUTDOWN");
    case KVM_EXIT_INTERNAL_ERROR: {
      char where[160];
      res->internal_suberror = run->internal.suberror;
      pvhkvm_describe_fault(vm, res);
      pvhkvm_fault_text(res, where, sizeof(where));
      return finish(res, PVHKVM_END_INTERNAL_ERROR, "KVM_EXIT_INTERNAL_ERROR suberror %u (%s) %s",
                    run->internal.suberror,
                    run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION
                        ? "emulation failure: KVM cannot emulate this instruction"
                        : "a triple fault on kvm-pvm hosts, or another internal error",
                    where);
    }
    case KVM_EXIT_FAIL_ENTRY:
      res->fail_entry_reason = run->fail_entry.hardware_entry_failure_reason;
      return finish(res, PVHKVM_END_FAIL_ENTRY, "KVM_EXIT_FAIL_ENTRY, hardware reason 0x%llx",
                    (unsigned long long)res->fail_entry_reason);
    case KVM_EXIT_SYSTEM_EVENT:
      return finish(res, PVHKVM_END_SYSTEM_EVENT, "KVM_EXIT_SYSTEM_EVENT type %u", run->system_event.type);
    case KVM_EXIT_INTR: break;
    default:
      return finish(res, PVHKVM_END_UNHANDLED, "unhandled exit %s (%u)", pvhkvm_exit_name(run->exit_reason),
                    run->exit_reason);
    }
  }
}

enum pvhkvm_end pvhkvm_run(struct pvhkvm_vm *vm, const struct pvhkvm_run_opts *o,
                           struct pvhkvm_run_result *res) {
  struct pvhkvm_run_opts defaults;
  struct pvhkvm_console con;
  struct watchdog w;
  memset(res, 0, sizeof(*res));
  memset(&w, 0, sizeof(w));
  if (!o) {
    pvhkvm_run_opts_init(&defaults);
    o = &defaults;
  }
  uint64_t t0 = pvhkvm_now_ns();
  if (pvhkvm_console_init(&con, vm, o, t0) != 0) {
    finish(res, PVHKVM_END_KVM_ERROR, "out of memory");
    goto out_console;
  }
  if (vm->ran) {
    finish(res, PVHKVM_END_KVM_ERROR, "a VM runs once; create a new one");
    goto out_console;
  }
  vm->ran = 1;
  if (o->prove_entry) {
    if (kvm_ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, (uintptr_t)(KVM_CAP_SET_GUEST_DEBUG)) <= 0) {
      res->entry_checked = 1;
      snprintf(res->entry_why, sizeof(res->entry_why), "KVM lacks KVM_CAP_SET_GUEST_DEBUG");
      finish(res, PVHKVM_END_ENTRY_FAILED, "entry not proved: %.200s", res->entry_why);
      goto out_console;
    }
    if (pvhkvm_proof_arm(vm, o->prove_entry, o->proof, res) < 0) {
      res->sys_errno = errno;
      finish(res, PVHKVM_END_KVM_ERROR, "KVM_SET_GUEST_DEBUG: %s", strerror(errno));
      goto out_console;
    }
  }

  pthread_once(&kick_once, install_kick);
  sigset_t kickset, oldset;
  sigemptyset(&kickset);
  sigaddset(&kickset, KICK_SIGNAL);
  pthread_sigmask(SIG_UNBLOCK, &kickset, &oldset);
  vm->vcpu_thread = pthread_self();
  vm->console = &con;
  memset(&vm->event, 0, sizeof(vm->event));
  vm->run->immediate_exit = 0;
  atomic_store(&vm->running, 1);
  if (watchdog_start(&w, vm, o->timeout_s, vm->irqchip ? HALT_POLL_NS : 0) != 0) {
    res->sys_errno = errno;
    finish(res, PVHKVM_END_KVM_ERROR, "cannot arm the watchdog timers: %s", strerror(errno));
  } else {
    run_loop(vm, o, res, &w, t0);
  }
  {
    uint64_t delay;
    res->run_s = run_time_ns(&w, &delay) / 1e9;
    res->delay_s = delay / 1e9;
  }
  watchdog_stop(&w);
  atomic_store(&vm->running, 0);
  vm->run->immediate_exit = 0;
  vm->console = NULL;
  pthread_sigmask(SIG_SETMASK, &oldset, NULL);
  {
    struct kvm_regs r;
    if (kvm_ioctl(vm->vcpu_fd, KVM_GET_REGS, (uintptr_t)(&r)) == 0)
      res->last_rip = r.rip;
  }
out_console:
  pvhkvm_console_finish(&con, res);
  pvhkvm_devices_run_end(vm, res);
  res->wall_s = (double)(pvhkvm_now_ns() - t0) / 1e9;
  return res->end;
}
