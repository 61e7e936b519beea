#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The man pages cannot drift from the code they describe.

pvhcheck(1) against the binary's own option tables (`pvhcheck --help`,
`pvhcheck CMD --help`): every command has a COMMANDS entry and a
"CMD OPTIONS" section, every option of the table is a .TP entry there and
every .TP entry is an option, every enum value the help lists is named.
libpvh(3) against the headers: its FUNCTIONS section names exactly the
PVH_API functions of loader/include/pvh/*.h. Both render with `man -l`
without a warning.

usage: test_man.py PVHCHECK PVHCHECK_1 LIBPVH_3 INCLUDE_DIR"""
import glob
import os
import re
import shutil
import subprocess
import sys

fails = []


def fail(msg):
    fails.append(msg)
    print("FAIL: " + msg)


def unroff(text):
    return text.replace("\\-", "-").replace('"', "")


def sections(page):
    """{".SH title": [lines]} of a roff page."""
    out, cur = {}, None
    for line in page.splitlines():
        m = re.match(r'^\.SH\s+"?([^"]*)"?\s*$', line)
        if m:
            cur = m.group(1).strip()
            out[cur] = []
        elif cur:
            out[cur].append(line)
    return out


def tp_names(lines, pattern):
    """Names on the line after each .TP that match pattern."""
    names = []
    for i, line in enumerate(lines[:-1]):
        if line.strip() == ".TP":
            names += re.findall(pattern, unroff(lines[i + 1]))
    return names


def check_pvhcheck(binary, path):
    page = open(path).read()
    secs = sections(page)
    top = subprocess.run([binary, "--help"], stdout=subprocess.PIPE, universal_newlines=True, check=True).stdout
    commands = re.findall(r"^  ([a-z][a-z0-9-]*) ", top.split("commands:")[1], re.M)
    if not commands:
        fail("pvhcheck --help lists no commands")
    documented = tp_names(secs.get("COMMANDS", []), r"^\.BI?\s+([a-z][a-z0-9-]*)")
    for c in commands:
        if c not in documented:
            fail(f"{path}: command '{c}' has no .TP entry under COMMANDS")
    for c in documented:
        if c not in commands and c != "help":
            fail(f"{path}: COMMANDS documents '{c}', which pvhcheck does not have")
    for c in commands:
        help_text = subprocess.run([binary, c, "--help"], stdout=subprocess.PIPE, universal_newlines=True,
                                   check=True).stdout
        opts = re.findall(r"^  --([a-z0-9-]+)", help_text, re.M)
        title = f"{c.upper()} OPTIONS"
        if title not in secs:
            fail(f'{path}: no .SH "{title}" section for the options of pvhcheck {c}')
            continue
        sec = secs[title]
        man_opts = tp_names(sec, r"^\.BI?\s+--([a-z0-9-]+)")
        for o in opts:
            if o not in man_opts:
                fail(f"{path}: {title} lacks --{o} (pvhcheck {c} --help has it): add a .TP entry")
        for o in man_opts:
            if o not in opts:
                fail(f"{path}: {title} documents --{o}, which pvhcheck {c} does not have")
        body = unroff("\n".join(sec))
        for values in re.findall(r"^\s+one of: (.*)$", help_text, re.M):
            for v in values.split():
                if not re.search(r"\b" + re.escape(v) + r"\b", body):
                    fail(f"{path}: {title} does not name the value '{v}' ({values})")
        print(f"ok   pvhcheck {c}: {len(opts)} options documented")


def check_libpvh(path, include):
    page = open(path).read()
    funcs = tp_names(sections(page).get("FUNCTIONS", []), r"\b(pvh_[a-z0-9_]+)\b")
    declared = set()
    for h in glob.glob(os.path.join(include, "pvh", "*.h")):
        text = " ".join(open(h).read().split())
        declared |= set(re.findall(r"PVH_API [^;(]*?\b(pvh_[a-z0-9_]+)\s*\(", text))
    if len(declared) < 10:
        fail(f"found only {len(declared)} PVH_API functions in {include}: the header scan is broken")
    for f in sorted(declared - set(funcs)):
        fail(f"{path}: FUNCTIONS does not name {f}, a PVH_API function of the headers")
    for f in sorted(set(funcs) - declared):
        fail(f"{path}: FUNCTIONS names {f}, which no header declares PVH_API")
    print(f"ok   libpvh(3): the {len(declared)} PVH_API functions, no more")


def check_render(path):
    if not shutil.which("man"):
        fail("man is not installed (man-db)")
        return
    env = dict(os.environ, LC_ALL="C", MANWIDTH="80")
    r = subprocess.run(["man", "--warnings", "-l", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, env=env)
    if r.returncode != 0 or r.stderr.strip():
        fail(f"man -l {path}: exit {r.returncode}: {r.stderr.strip()[:500]}")
    elif len(r.stdout.splitlines()) < 20:
        fail(f"man -l {path} rendered only {len(r.stdout.splitlines())} lines")
    else:
        print(f"ok   man -l {os.path.basename(path)}: {len(r.stdout.splitlines())} lines, no warnings")


def main():
    binary, pvh1, lib3, include = sys.argv[1:5]
    check_pvhcheck(binary, pvh1)
    check_libpvh(lib3, include)
    check_render(pvh1)
    check_render(lib3)
    print("FAILED" if fails else "PASS: the man pages match the option tables and the headers")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
