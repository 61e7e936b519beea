/* SPDX-License-Identifier: MIT */
/* `pvhcheck boot` (cmd_boot) end to end against the scripted fake KVM: exit
 * codes and the report, text and JSON, where /dev/kvm is absent. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "fake_kvm.h"

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
  return rc;
}

static void check(int cond, const char *what, const char *out) {
  printf("%s %s\n", cond ? "ok  " : "FAIL", what);
  if (!cond) {
    printf("--- output ---\n%s\n--------------\n", out);
    failures++;
  }
}

static void out32(uint16_t port, uint32_t v) {
  struct fake_step s = {.kind = STEP_OUT, .port = port, .size = 4, .count = 1};
  memcpy(s.data, &v, 4);
  fake_kvm_push(s);
}

int main(void) {
  static char out[1 << 16];
  char *text[] = {"boot", NULL};
  char *json[] = {"boot", "--json", NULL};
  char *expect[] = {"boot", "--expect", "READY", "--quiet", "--timeout", "0.3", NULL};
  int rc;

  fake_kvm_install();
  fake_kvm_push_out_str(0x3f8, "pvhtest: RESULT PASS\n");
  out32(0xf4, 0);
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
  out32(0xf4, 0);
  rc = run_boot(out, sizeof(out), 4, mask);
  check(rc == 1, "mask not applied by this KVM: exit 1", out);
  check(strstr(out, "this KVM does not apply CPUID to the guest (it still sees cx16)") != NULL,
        "says this KVM does not apply CPUID", out);
  fake_kvm_install();
  fake_kvm_push_out_str(0x3f8, "pvhtest: cpuid 0x1.0 0x0 0x0 0x00000000 0x0\n");
  out32(0xf4, 0);
  rc = run_boot(out, sizeof(out), 4, mask);
  check(rc == 0, "mask applied: exit 0", out);
  check(strstr(out, "--cpuid-mask cx16 reached the guest") != NULL, "says the mask reached the guest", out);

  /* Port 0xe9 output is counted in the report. */
  fake_kvm_install();
  fake_kvm_push_out_str(0xe9, "grub\n");
  out32(0xf4, 0);
  rc = run_boot(out, sizeof(out), 2, json);
  check(rc == 0 && strstr(out, "\"debugcon\":\"grub\\n\"") && strstr(out, "\"debugcon_bytes\":5"),
        "JSON carries the debug console", out);

  fake_kvm_install();
  out32(0xf4, 1);
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
