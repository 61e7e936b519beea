"""Which tests the lab runs and how: ctest's JSON test list (command,
working directory, environment, time limit, skip code, labels), the lab's
own Linux power-off test, and which tests need the shadow-paging lab."""

import json
import re
import subprocess

from common import LAB_CACHE, LabError

DEFAULT_TEST_TIMEOUT = 120
# 32-bit PAE guests need kvm_amd npt=0 in the lab: with nested paging, QEMU
# TCG sets the Accessed bit (reserved there) in the guest's PAE PDPTEs while it
# walks them, and KVM then refuses the kernel's CR0.PG write (linux/README.md,
# "32-bit kernels"). Such tests run in a second lab boot with shadow paging:
# those labelled lab-npt0, and these.
SHADOW_PAGING_TESTS = {"linux.kvm_boot_i386"}
LINUX_POWEROFF_TIMEOUT = 300


class Test:
    def __init__(self, name, command, cwd=None, env=None, timeout=DEFAULT_TEST_TIMEOUT, skip_rc=None, labels=()):
        self.name, self.command, self.cwd = name, list(command), cwd
        self.labels = list(labels)
        self.env = dict(env or {})
        self.timeout, self.skip_rc = timeout, skip_rc

    def __repr__(self):
        return "Test(%r)" % self.name


def parse_ctest_json(text):
    """Tests from `ctest --show-only=json-v1`. A test without a command (its
    target was not built) is an error: the lab must not drop it silently."""
    try:
        doc = json.loads(text)
    except ValueError as e:
        raise LabError("ctest --show-only=json-v1 output is not JSON: %s" % e)
    tests = []
    for t in doc.get("tests", []):
        name = t.get("name", "?")
        cmd = t.get("command")
        if not cmd:
            raise LabError("ctest test %s has no command (target not built? run with --build)" % name)
        props = {p["name"]: p.get("value") for p in t.get("properties", [])}
        if props.get("DISABLED"):
            continue
        env = {}
        for kv in props.get("ENVIRONMENT", []) or []:
            k, sep, v = kv.partition("=")
            if not sep:
                raise LabError("test %s: ENVIRONMENT entry %r has no '='" % (name, kv))
            env[k] = v
        timeout = props.get("TIMEOUT") or DEFAULT_TEST_TIMEOUT
        tests.append(Test(name, cmd, props.get("WORKING_DIRECTORY"), env, int(float(timeout)),
                          props.get("SKIP_RETURN_CODE"), props.get("LABELS") or []))
    return tests


def ctest_tests(build_dir):
    r = subprocess.run(["ctest", "--test-dir", build_dir, "--show-only=json-v1", "-L", "kvm", "-LE", "unit"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    if r.returncode != 0:
        raise LabError("ctest --show-only failed in %s: %s" % (build_dir, r.stderr.strip()))
    return parse_ctest_json(r.stdout)


def linux_poweroff_test(pvhcheck):
    """The Debian kernel under pvhkvm in the lab to ACPI S5 power-off."""
    return Test("lab.linux_poweroff",
                [pvhcheck, "boot", "--linux", LAB_CACHE + "/vmlinux", "--until", "poweroff",
                 "--timeout", str(LINUX_POWEROFF_TIMEOUT - 20), "--quiet"],
                timeout=LINUX_POWEROFF_TIMEOUT)


def split_by_paging(tests):
    """(tests for the nested-paging lab, tests for the shadow-paging lab)."""
    npt = [t for t in tests if not needs_shadow(t)]
    return npt, [t for t in tests if needs_shadow(t)]


def needs_shadow(t):
    return "lab-npt0" in t.labels or t.name in SHADOW_PAGING_TESTS


def shard(tests, spec):
    """Shard I of N ("I/N", 0-based) of the tests: every N-th by name, so the
    shards are disjoint, cover every test, and a new test lands in one of
    them without anyone editing a list."""
    m = re.match(r"^(\d+)/(\d+)$", spec or "")
    if not m or int(m.group(2)) < 1 or int(m.group(1)) >= int(m.group(2)):
        raise LabError("--shard %s: expected I/N with 0 <= I < N" % spec)
    i, n = int(m.group(1)), int(m.group(2))
    return [t for k, t in enumerate(sorted(tests, key=lambda t: t.name)) if k % n == i]
