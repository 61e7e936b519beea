#!/usr/bin/env python3
"""Offline tests of tools/kernel-matrix.sh's pieces (no network, no QEMU, no KVM)."""

import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # tools/private_apt.py
import private_apt as papt  # noqa: E402
import images as imgs  # noqa: E402
import kernel_matrix as km  # noqa: E402
import report  # noqa: E402

READELF_64 = """
Displaying notes found in: .notes
  Owner                Data size 	Description
  Xen                  0x00000008	Unknown note type: (0x00000012)
   description data: 50 08 00 01 00 00 00 00 
  Xen                  0x00000008	Unknown note type: (0x00000013)
   description data: 01 00 00 00 00 00 00 00 
"""
READELF_32 = """  Xen                  0x00000004	Unknown note type: (0x00000012)
   description data: 00 00 10 00 
"""
SHOW = """Package: linux-image-cloud-amd64
Version: 6.12.95-1~bpo12+1
Depends: linux-image-6.12.95+deb12-cloud-amd64 (= 6.12.95-1~bpo12+1)
Size: 1000

Package: linux-image-cloud-amd64
Version: 6.12.117-1
Depends: linux-image-6.12.117+deb13-cloud-amd64 (= 6.12.117-1)
Description: long
 continued line
Size: 1024

Package: linux-image-cloud-amd64
Version: 6.1.192-3
Depends: linux-image-6.1.0-57-cloud-amd64 (= 6.1.192-3)
Size: 999
"""


class FakeApt:
    def __init__(self, stanzas):
        self.stanzas = stanzas

    def resolve(self, pkg, version_re, arch):
        return papt.highest([s for s in self.stanzas if s["Package"] == pkg], version_re)


class Archive(unittest.TestCase):
    def test_stanzas_and_highest_version_by_dpkg_order(self):
        st = papt.parse_stanzas(SHOW)
        self.assertEqual(len(st), 3)
        self.assertEqual(st[1]["Description"], "long\ncontinued line")
        # 6.12.117 > 6.12.95 (dpkg order, not string order); 6.1 picked by its own pattern
        self.assertEqual(papt.highest(st, r"^6\.12\.")["Version"], "6.12.117-1")
        self.assertEqual(papt.highest(st, r"^6\.1\.")["Version"], "6.1.192-3")
        self.assertIsNone(papt.highest(st, r"^5\."))

    def test_metapackage_dependency(self):
        self.assertEqual(papt.image_dependency("linux-image-6.1.0-57-cloud-amd64 (= 6.1.192-3)"),
                         ("linux-image-6.1.0-57-cloud-amd64", "6.1.192-3"))
        self.assertEqual(papt.image_dependency("kmod, linux-base (>= 4.3~)"), (None, None))

    def test_private_sources_cover_every_suite_and_both_arches(self):
        text = papt.sources_list("http://deb.debian.org/debian")
        for suite in ("bookworm ", "bookworm-backports", "trixie", "bookworm-security"):
            self.assertIn(suite, text)
        self.assertIn("http://deb.debian.org/debian-security bookworm-security", text)
        self.assertTrue(all("arch=amd64,i386" in l for l in text.splitlines()))

    def test_resolve_follows_metapackage_and_reports_missing(self):
        st = papt.parse_stanzas(SHOW) + [
            {"Package": "linux-image-6.12.117+deb13-cloud-amd64", "Version": "6.12.117-1", "Size": "33000000"}]
        apt = FakeApt(st)
        cloud = imgs.by_id("linux-6.12-cloud")[0]
        r = km.resolve(apt, cloud)
        self.assertEqual((r["package"], r["version"]), ("linux-image-6.12.117+deb13-cloud-amd64", "6.12.117-1"))
        dbg = km.resolve(apt, imgs.by_id("linux-6.12-cloud-dbg")[0])
        self.assertIn("linux-image-6.12.117+deb13-cloud-amd64-dbg:amd64", dbg["missing"])
        self.assertIn("not in the archive", km.resolve(apt, imgs.by_id("linux-6.1.0-47-cloud")[0])["missing"])


class Images(unittest.TestCase):
    def test_thirteen_images_ids_and_globs(self):
        self.assertEqual(len(imgs.IMAGES), 13)
        self.assertEqual(len({i.id for i in imgs.IMAGES}), 13)
        self.assertEqual([i.id for i in imgs.by_id("grub-*")], ["grub-2.06-xen_pvh", "grub-2.12-xen_pvh"])
        self.assertEqual({i.kind for i in imgs.ci_images()}, {"linux", "grub"})
        with self.assertRaisesRegex(ValueError, "no image matches"):
            imgs.by_id("linux-5.10")


class Ids(unittest.TestCase):
    """--ids: the CI matrix (one image per job), without the network."""

    def test_ids_json_follows_only_and_ci(self):
        import contextlib
        import io
        import json as js
        for argv, want in ((["--ids"], [im.id for im in km.imgs.IMAGES]),
                           (["--ids", "--ci"], [im.id for im in km.imgs.ci_images()]),
                           (["--ids", "--only", "grub-*"], [im.id for im in km.imgs.by_id("grub-*")])):
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                self.assertEqual(km.main(argv), 0)
            self.assertEqual(js.loads(out.getvalue()), want)
            self.assertTrue(want)


class Readelf(unittest.TestCase):
    def test_entry_from_notes(self):
        self.assertEqual(km.parse_readelf_entry(READELF_64), 0x1000850)
        self.assertEqual(km.parse_readelf_entry(READELF_32), 0x100000)
        self.assertIsNone(km.parse_readelf_entry("  GNU   0x14  NT_GNU_BUILD_ID\n"))


def stages(**states):
    return [{"name": n, "state": states.get(n, "not-reached"), "detail": "", "host_s": 1.5} for n in km.LINUX_STAGES]


class Judge(unittest.TestCase):
    def test_linux_needs_the_expected_stage_and_no_mismatch(self):
        lin = imgs.by_id("linux-6.1-cloud")[0]
        upto = {n: "reached" for n in km.LINUX_STAGES[:10]}
        r = km.judge(lin, {"ok": True, "stages": stages(**upto)}, "poweroff")
        self.assertEqual((r["furthest"], r["entry"], r["ok"]), ("poweroff", "proved", True))
        con = {n: "reached" for n in km.LINUX_STAGES[:6]}  # an rt kernel stops before its console line
        xrstor = stages(**con)
        xrstor[-1].update(state="mismatch", detail="emulation failure (suberror 1) at RIP 0xffffffff83095687 "
                          "bytes [48 0f ae 2f 31 c0] after stage acpi")
        self.assertTrue(km.judge(lin, {"ok": False, "stages": xrstor}, km.PVM_XRSTOR)["ok"])
        self.assertFalse(km.judge(lin, {"ok": False, "stages": xrstor}, "poweroff")["ok"])
        self.assertFalse(km.judge(lin, {"ok": False, "stages": stages(**con)}, km.PVM_XRSTOR)["ok"])  # other stop
        bad = stages(**dict(con, e820="mismatch"))
        bad[-1] = xrstor[-1]
        self.assertFalse(km.judge(lin, {"ok": False, "stages": bad}, km.PVM_XRSTOR)["ok"])
        self.assertEqual(km.judge(lin, None, "poweroff"), {"furthest": "no result", "entry": "-", "ok": False})

    def test_grub_needs_proof_and_its_0xe9_line_shim_needs_proof(self):
        grub, shim = imgs.by_id("grub-2.06-xen_pvh")[0], imgs.by_id("xen-shim-4.17")[0]
        j = {"entry_proof": {"proved": True}, "expect_seen": True, "run": {"end": "stopped", "wall_ms": 11},
             "debugcon": "Found no Xen signature!\nSystem halted!"}
        r = km.judge(grub, j, "0xe9 line")
        self.assertEqual((r["furthest"], r["ok"]), ("0xe9: Found no Xen signature!", True))
        self.assertFalse(km.judge(grub, dict(j, expect_seen=False), "0xe9 line")["ok"])
        s = km.judge(shim, {"entry_proof": {"proved": True}, "run": {"end": "timeout"},
                            "debugcon": "(XEN) Xen BUG at pvh-boot.c:95\n"}, "entry")
        self.assertEqual((s["ok"], s["furthest"]), (True, "timeout; first output: (XEN) Xen BUG at pvh-boot.c:95"))
        self.assertFalse(km.judge(shim, {"entry_proof": {"proved": False, "why": "x"}, "run": {}}, "entry")["ok"])


class BootArgs(unittest.TestCase):
    def test_expectation_per_kind_and_host(self):
        lin, grub = imgs.by_id("linux-6.1-686-pae")[0], imgs.by_id("grub-2.12-xen_pvh")[0]
        a, exp = km.boot_args(lin, "/k", 32, "/bb32", kvm_pvm=False)
        self.assertEqual(exp, "poweroff")
        self.assertEqual(a[:5] + a[-2:], ["boot", "--linux", "/k", "--until", "poweroff", "--busybox", "/bb32"])
        a, exp = km.boot_args(lin, "/k", 64, None, kvm_pvm=True)  # kvm-pvm: to its xrstor stop, cx16 hidden
        self.assertEqual((exp, a[4], a[-2:]), (km.PVM_XRSTOR, "console", ["--cpuid-mask", "cx16"]))
        a, exp = km.boot_args(lin, "/k", 32, "/bb32", kvm_pvm=True)  # kvm-pvm cannot enable PAE paging
        self.assertEqual((exp, a[4]), (km.PVM_PAE, "entry"))
        a, exp = km.boot_args(grub, "/g", 32, None, kvm_pvm=False)
        self.assertEqual((exp, a[2:4]), ("0xe9 line", ["--expect", km.GRUB_LINE]))


class Report(unittest.TestCase):
    def test_markdown_rows_and_docs_block(self):
        doc = {"generated": "2026-12-02", "wall_s": 60, "mode": "ci", "host_kvm": None, "images": [
            {"image": "linux-6.1-cloud", "status": "checked", "package": "p", "version": "1", "note": "",
             "inspect": {"verdict": "accepted", "elf_class": 64, "note_source": "PT_NOTE", "entry": "0x1000850",
                         "entry_matches_readelf": True},
             "lab": {"furthest": "poweroff", "entry": "proved", "ok": True, "seconds": 3.25},
             "vmlinuz": {"verdict": "accepted", "entry": "0x1000850", "same_entry": True, "method": "lz4",
                         "protocol": "2.15", "lab": {"furthest": "poweroff", "entry": "proved", "ok": True}}},
            {"image": "linux-6.1.0-47-cloud", "status": "missing", "why": "gone | left"}]}
        md = report.markdown(doc)
        self.assertIn("| - | lz4 2.15, same entry ✔; lab ✔ poweroff |", md)
        self.assertEqual(km.failures(doc["images"]), [])
        bad = json.loads(json.dumps(doc["images"][:1]))
        bad[0]["vmlinuz"].update(entry="0x1000000", same_entry=False)
        self.assertEqual(len(km.failures(bad)), 1)
        self.assertIn("vmlinuz as shipped", km.failures(bad)[0])
        self.assertIn("| linux-6.1-cloud | p (1) | ELF64 | PT_NOTE | 0x1000850 ✔ | accepted | ✔ poweroff; entry proved (3.2 s) | - |", md)
        self.assertIn("| linux-6.1-cloud | p (1) | ELF64 | PT_NOTE | 0x1000850 ✔ | accepted | ✔ poweroff; entry proved (3.2 s) | - | - |", md)
        doc["images"][0]["inspect"].update(readers={"QEMU": "0x1000850", "Xen 4.17": "0x1000850"},
                                           readers_real={"QEMU": "started at 0x1000850", "Xen 4.17": "no-entry: x"})
        self.assertIn("| QEMU 0x1000850 (real ✔ started at 0x1000850); Xen 4.17 0x1000850 (real ✗ no-entry: x) |",
                      report.markdown(doc))
        self.assertIn("missing: gone \\| left", md)
        text = "# T\nbefore\n" + report.BEGIN + "\nold\n" + report.END + "\nafter\n"
        new = report.replace_block(text, md)
        self.assertNotIn("old", new)
        self.assertTrue(new.startswith("# T\nbefore\n") and new.endswith("\nafter\n"))
        self.assertIn(report.BEGIN, report.replace_block("# T\n", md))
        with tempfile.TemporaryDirectory() as d:  # --only rows replace theirs in the last full matrix
            prev = dict(doc, images=[dict(doc["images"][0], image=i) for i in ("linux-6.1-amd64", "linux-6.1-cloud")])
            with open(os.path.join(d, "m.json"), "w") as f:
                json.dump(prev, f)
            m = km.merge_rows(os.path.join(d, "m.json"), dict(doc, images=[doc["images"][1] | {"image": "linux-6.1-cloud"}]))
            self.assertEqual([(x["image"], x["status"]) for x in m["images"]],
                             [("linux-6.1-amd64", "checked"), ("linux-6.1-cloud", "missing")])
            self.assertIn("Rows rerun with `--only` on 2026-12-02: linux-6.1-cloud.", report.markdown(m))


if __name__ == "__main__":
    unittest.main()
