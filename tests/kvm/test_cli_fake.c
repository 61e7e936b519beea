/* SPDX-License-Identifier: MIT */
/* `pvhcheck boot` (cmd_boot) end to end against the scripted fake KVM: exit
 * codes and the report, text and JSON, where /dev/kvm is absent. */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "fake_kvm.h"
#include "json_dump.h"

static int failures;

/* Runs cmd_boot with stdout captured into buf. */
static int run_boot(char *buf, size_t cap, int argc, char **argv) {
  fflush(stdout);
  char path[] = "/tmp/pvh-cli-fake-XXXXXX";
  int fd = mkstemp(path);
  int saved = dup(STDOUT_FILENO);
  if (fd < 0 || saved < 0)
    return -1;
  dup2(fd, STDOUT_FILENO);
  int rc = cmd_boot(argc, argv);
  fflush(stdout);
  dup2(saved, STDOUT_FILENO);
  close(saved);
  lseek(fd, 0, SEEK_SET);
  ssize_t n = read(fd, buf, cap - 1);
  buf[n > 0 ? n : 0] = '\0';
  close(fd);
  unlink(path);
  if (buf[0] == '{')
    test_json_dump("fake", buf);
  return rc;
}

static void check(int cond, const char *what, const char *out) {
  printf("%s %s\n", cond ? "ok  " : "FAIL", what);
  if (!cond) {
    printf("--- output ---\n%s\n--------------\n", out);
    failures++;
  }
}

/* Copies file `from` to a new mkstemp file `to` with every `find` replaced
 * by `repl` (same length). 0, or -1. */
static int copy_replacing(const char *from, char *to, const char *find, const char *repl) {
  static char buf[1 << 20];
  FILE *f = fopen(from, "rb");
  if (!f)
    return -1;
  size_t n = fread(buf, 1, sizeof(buf), f);
  fclose(f);
  size_t fl = strlen(find);
  for (char *p = buf; (p = memmem(p, n - (size_t)(p - buf), find, fl)) != NULL; p += fl)
    memcpy(p, repl, fl);
  int fd = mkstemp(to);
  if (fd < 0)
    return -1;
  int ok = write(fd, buf, n) == (ssize_t)n;
  return close(fd) == 0 && ok ? 0 : -1;
}

/* The self-test guest these cases boot: argv[1], so that the KVM lab, which
 * copies in what a test's command names, has it; the build's path else. */
int main(int argc, char **argv) {
  char *elf = argc > 1 ? argv[1] : PVHTEST_ELF;
  char kernel_member[4200];
  snprintf(kernel_member, sizeof(kernel_member), "\"kernel\":\"%s\"", elf);
  static char out[1 << 16];
  char *text[] = {"boot", NULL};
  char *json[] = {"boot", "--json", NULL};
  char *expect[] = {"boot", "--expect", "READY", "--quiet", "--timeout", "0.3", NULL};
  int rc;

  fake_kvm_install();
  fake_kvm_push_out_str(0x3f8, "pvhtest: RESULT PASS\n");
  fake_kvm_push_exit(0);
  rc = run_boot(out, sizeof(out), 1, text);
  check(rc == 0, "guest passes: exit 0", out);
  check(strstr(out, "pvhtest: RESULT PASS") != NULL, "console echoed", out);
  check(strstr(out, "entry      PROVED (hw-breakpoint): breakpoint at RIP 0x") != NULL,
        "entry proof reported", out);
  check(strstr(out, "run        exit-port: guest wrote 0 to the exit port") != NULL, "end reported", out);
  check(strstr(out, "result     PASS") != NULL, "verdict PASS", out);

  /* --cpuid-mask: judged from the CPUID the guest reports (cx16 = leaf 1 ECX bit 13). */
  char *mask[] = {"boot", "--cpuid-mask", "cx16", "--quiet", NULL};
  fake_kvm_install();
  fake_kvm_push_out_str(0x3f8, "pvhtest: cpuid 0x1.0 0x0 0x0 0x00002000 0x0\n");
  fake_kvm_push_exit(0);
  rc = run_boot(out, sizeof(out), 4, mask);
  check(rc == 1, "mask not applied by this KVM: exit 1", out);
  check(strstr(out, "this KVM does not apply CPUID to the guest (it still sees cx16)") != NULL,
        "says this KVM does not apply CPUID", out);
  fake_kvm_install();
  fake_kvm_push_out_str(0x3f8, "pvhtest: cpuid 0x1.0 0x0 0x0 0x00000000 0x0\n");
  fake_kvm_push_exit(0);
  rc = run_boot(out, sizeof(out), 4, mask);
  check(rc == 0, "mask applied: exit 0", out);
  check(strstr(out, "--cpuid-mask cx16 reached the guest") != NULL, "says the mask reached the guest", out);

  /* Port 0xe9 output is counted in the report. */
  fake_kvm_install();
  fake_kvm_push_out_str(0xe9, "grub\n");
  fake_kvm_push_exit(0);
  rc = run_boot(out, sizeof(out), 2, json);
  check(rc == 0 && strstr(out, "\"debugcon\":\"grub\\n\"") && strstr(out, "\"debugcon_bytes\":5"),
        "JSON carries the debug console", out);

  fake_kvm_install();
  fake_kvm_push_exit(1);
  rc = run_boot(out, sizeof(out), 2, json);
  check(rc == 1, "guest fails: exit 1", out);
  check(strstr(out, "\"ok\":false") && strstr(out, "\"exit_value\":1") && strstr(out, "\"proved\":true"),
        "JSON reports proof and exit value", out);

  fake_kvm_install();
  fake_kvm_push_out_str(0x3f8, "boot...READY\n");
  fake_kvm_push((struct fake_step){.kind = STEP_SPIN});
  rc = run_boot(out, sizeof(out), 6, expect);
  check(rc == 0, "--expect seen: exit 0", out);
  check(strstr(out, "expect     \"READY\" seen") != NULL, "expect reported", out);

  fake_kvm_install();
  fake_kvm_push((struct fake_step){.kind = STEP_SPIN});
  rc = run_boot(out, sizeof(out), 6, expect);
  check(rc == 1, "--expect not seen before the timeout: exit 1", out);
  check(strstr(out, "run        timeout") != NULL, "timeout reported", out);

  fake_kvm_install();
  fake_kvm_push((struct fake_step){.kind = STEP_SHUTDOWN});
  rc = run_boot(out, sizeof(out), 1, text);
  check(rc == 1 && strstr(out, "run        shutdown") != NULL, "triple fault: exit 1, reported", out);

  int errs[] = {ENOENT, ENXIO, EACCES};
  for (int i = 0; i < 3; i++) {
    fake_kvm_install();
    fk.open_errno = errs[i];
    rc = run_boot(out, sizeof(out), 2, json);
    check(rc == 3 && strstr(out, "\"status\":\"environment\"") != NULL, "no usable KVM: exit 3", out);
  }
  /* A VM that cannot be set up (KVM refuses the vCPU state): status setup,
   * exit 3, the failing request named; KVM_RUN failing is a run that ended
   * in a KVM error (exit 1). Both are one JSON object. */
  fake_kvm_install();
  fk.fail_req = KVM_SET_SREGS;
  rc = run_boot(out, sizeof(out), 2, json);
  check(rc == 3 && strstr(out, "\"status\":\"setup\"") && strstr(out, "\"field\":"),
        "KVM refuses the vCPU state: exit 3, status setup", out);
  fake_kvm_install();
  fk.fail_req = KVM_RUN;
  rc = run_boot(out, sizeof(out), 2, json);
  check(rc == 1 && strstr(out, "\"status\":\"ran\"") && strstr(out, "\"end\":\"kvm-error\""),
        "KVM_RUN fails: exit 1, the run ended in a KVM error", out);

  /* A host without KVM exits with --env-exit-code (tests skip with 77). */
  fake_kvm_install();
  fk.open_errno = ENOENT;
  char *env77[] = {"boot", "--json", "--env-exit-code", "77", NULL};
  rc = run_boot(out, sizeof(out), 4, env77);
  check(rc == 77 && strstr(out, "\"status\":\"environment\"") && strstr(out, "\"code\":\"no-device\""),
        "no KVM with --env-exit-code 77: exit 77, environment object", out);

  /* The loader's own error code reaches the JSON and the exit code, in both
   * modes, before KVM is asked for (the fake has none here). */
  char bad[] = "/tmp/pvh-cli-fake-bad-XXXXXX";
  int fd = mkstemp(bad);
  check(fd >= 0 &&
            write(fd,
                  "\x7f"
                  "ELF",
                  4) == 4 &&
            close(fd) == 0,
        "temp kernel written", "");
  char *rej[] = {"boot", bad, "--json", NULL}; /* options after KERNEL (GNU order) */
  rc = run_boot(out, sizeof(out), 3, rej);
  check(rc == 1 && strstr(out, "\"status\":\"rejected\"") && strstr(out, "\"code\":\"elf-truncated\""),
        "rejected kernel: exit 1, loader code in JSON", out);
  char *rejl[] = {"boot", "--linux", "--json", "--initramfs", "/etc/hostname", "--", bad, NULL};
  rc = run_boot(out, sizeof(out), 7, rejl);
  check(rc == 1 && strstr(out, "\"status\":\"rejected\"") && strstr(out, "\"code\":\"elf-truncated\""),
        "boot --linux: rejected kernel keeps the loader code", out);
  unlink(bad);

  /* boot --linux --json: the common head (kernel, host), the entry proof, the
   * console and the stage table under "linux". */
  char *linux_json[] = {"boot", "--linux", "--json", "--until", "entry", "--initramfs", elf, elf, NULL};
  fake_kvm_install();
  fake_kvm_push_out_str(0x3f8, "[    0.000000] Linux version 6.1.0-fake (pvhcheck test)\n");
  fake_kvm_push_exit(0);
  rc = run_boot(out, sizeof(out), 8, linux_json);
  /* The fake "kernel" ends at the exit port right after its banner: the
   * stage check calls that end a mismatch, so the verdict is FAIL (exit 1). */
  check(rc == 1, "boot --linux, kernel ends after its banner: exit 1", out);
  check(strstr(out, "\"command\":\"boot\"") && strstr(out, kernel_member) &&
            strstr(out, "\"host\":{\"kind\":") && strstr(out, "\"mode\":\"linux\"") &&
            strstr(out, "\"entry_proof\":{\"proved\":true") && strstr(out, "Linux version 6.1.0-fake") &&
            strstr(out, "\"linux\":{\"stages\":["),
        "boot --linux JSON: kernel, host, entry_proof, console, stages", out);

  /* An installed self-test guest (share/pvhcheck/guests) is the self-test
   * guest: it gets the built-in one's command line, so on kvm-pvm the LAR/LSL
   * checks that host cannot run are skipped (and said) for it too. */
  char *installed[] = {"boot", elf, "--quiet", NULL};
  setenv("PVHKVM_HOST", "kvm-pvm", 1);
  fake_kvm_install();
  fake_kvm_push_out_str(0x3f8, "pvhtest: RESULT PASS\n");
  fake_kvm_push_exit(0);
  rc = run_boot(out, sizeof(out), 3, installed);
  check(rc == 0 && strstr(out, "host       kvm-pvm (self-test checks not run here: lar-lsl"),
        "installed self-test guest on kvm-pvm: the built-in guest's skips apply", out);
  unsetenv("PVHKVM_HOST");

  /* Plain boot of something that looks like Linux, which gets nowhere
   * without --linux: the report says to use it. */
  char linuxish[] = "/tmp/pvh-cli-fake-linux-XXXXXX";
  check(copy_replacing(elf, linuxish, "pvhtest: RESULT ", "Linux version 6.") == 0,
        "Linux-looking kernel written", "");
  char *plain[] = {"boot", linuxish, "--quiet", "--timeout", "0.3", NULL};
  fake_kvm_install();
  fake_kvm_push((struct fake_step){.kind = STEP_SPIN});
  rc = run_boot(out, sizeof(out), 5, plain);
  check(rc == 1 && strstr(out, "hint       this looks like a Linux kernel") &&
            strstr(out, "boot --linux KERNEL"),
        "plain boot of a Linux kernel that fails suggests --linux", out);
  unlink(linuxish);

  /* Knows its host. On kvm-pvm, boot --linux hides CX16 by itself (that KVM
   * cannot emulate cmpxchg16b and applies the mask) and says so; an ordinary
   * KVM gets no mask. */
  static const char *const kinds[] = {"kvm-pvm", "kvm"};
  for (int k = 0; k < 2; k++) {
    setenv("PVHKVM_HOST", kinds[k], 1);
    fake_kvm_install();
    fake_kvm_push_out_str(0x3f8, "[    0.000000] Linux version 6.1.0-fake (pvhcheck test)\n");
    fake_kvm_push_exit(0);
    rc = run_boot(out, sizeof(out), 8, linux_json);
    uint32_t ecx1 = 0;
    for (uint32_t i = 0; i < fk.ncpuid; i++)
      if (fk.cpuid[i].function == 1)
        ecx1 = fk.cpuid[i].ecx;
    if (k == 0)
      check((ecx1 & (1u << 13)) == 0 &&
                strstr(
                    out,
                    "\"cpuid_mask\":{\"features\":\"cx16\",\"source\":\"host\",\"host_features\":\"cx16\"") &&
                strstr(out, "cmpxchg16b: kvm-pvm's instruction emulator cannot run it"),
            "kvm-pvm: boot --linux hides cx16 by itself and says why", out);
    else
      check((ecx1 & (1u << 13)) != 0 && !strstr(out, "\"cpuid_mask\""), "kvm: no CPUID mask added", out);
  }
  /* The text report says it too. */
  setenv("PVHKVM_HOST", "kvm-pvm", 1);
  char *linux_text[] = {"boot", "--linux", "--quiet", "--until", "entry", "--initramfs", elf, elf, NULL};
  fake_kvm_install();
  fake_kvm_push_exit(0);
  rc = run_boot(out, sizeof(out), 8, linux_text);
  check(strstr(out, "host kvm-pvm: pvhcheck hid CPUID cx16 from the kernel by itself (cmpxchg16b: ") != NULL,
        "kvm-pvm: the text report says the host's mask was applied", out);

  /* An emulation failure names the instruction and this host's known limit,
   * in plain boot and in the Linux stage table. */
  struct fake_step xrstor = {.kind = STEP_INTERNAL, .size = 3, .data = {0x0f, 0xae, 0x2f}}; /* xrstor [edi] */
  fake_kvm_install();
  fake_kvm_push(xrstor);
  rc = run_boot(out, sizeof(out), 3, installed);
  check(rc == 1 &&
            strstr(out, "stopped at xrstor: kvm-pvm's instruction emulator cannot run it, and this KVM "
                        "does not apply --cpuid-mask xsave"),
        "plain boot: emulation failure names xrstor and the kvm-pvm limit", out);
  fake_kvm_install();
  fake_kvm_push_out_str(0x3f8, "[    0.000000] Linux version 6.1.0-fake (pvhcheck test)\n");
  fake_kvm_push(xrstor);
  rc = run_boot(out, sizeof(out), 8, linux_json);
  check(rc == 1 &&
            strstr(out, "] (xrstor: kvm-pvm's instruction emulator cannot run it, and this KVM does not "
                        "apply --cpuid-mask xsave") &&
            strstr(out, "\"instruction\":\"xrstor: kvm-pvm's"),
        "boot --linux: the end stage names xrstor and the kvm-pvm limit", out);
  unsetenv("PVHKVM_HOST");

  char *usage[] = {"boot", "--timeout", "-1", NULL};
  rc = run_boot(out, sizeof(out), 3, usage);
  check(rc == 2, "bad --timeout: exit 2", out);
  char *badmask[] = {"boot", "--linux", "--cpuid-mask", "nosuchfeature", "/dev/null", NULL};
  rc = run_boot(out, sizeof(out), 5, badmask);
  check(rc == 2, "unknown --cpuid-mask feature: usage error, exit 2", out);
  fake_kvm_remove();
  printf("%s\n", failures ? "FAILED" : "PASSED");
  return failures ? 1 : 0;
}
