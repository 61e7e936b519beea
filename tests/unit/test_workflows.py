#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The CI workflows say what the README says: ci.yml runs the README's test
command (and .ci/run is that command too), and matrix.yml shards the kernel
matrix one image per job from `kernel-matrix.sh --ids` and the lab with
`kvm-lab.sh --shard I/N`, options both tools have. Parsed with PyYAML.

usage: test_workflows.py SOURCE_DIR"""
import os
import re
import subprocess
import sys

try:
    import yaml
except ImportError:
    print("SKIP: python3-yaml not installed")
    sys.exit(77)

src = sys.argv[1]
fails = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        fails.append(what)


def runs(doc):
    return [step.get("run", "") for job in doc["jobs"].values() for step in job.get("steps", [])]


readme = open(os.path.join(src, "README.md")).read()
two = readme.split("## Two commands")[1].split("```")[1]
test_cmd = [line.split("#")[0].strip() for line in two.splitlines() if "what CI runs" in line][0]
check(test_cmd == "tools/test.sh", "the README's test command is tools/test.sh (%r)" % test_cmd)

ci = yaml.safe_load(open(os.path.join(src, ".github/workflows/ci.yml")))
on = ci.get("on", ci.get(True))  # YAML 1.1 reads a bare `on` as true
check("push" in on and "pull_request" in on, "ci.yml runs on push and pull requests")
check(test_cmd in [r.strip() for r in runs(ci)], "ci.yml runs the README's test command as a step")
check(re.search(r"exec bash %s\b" % re.escape(test_cmd), open(os.path.join(src, ".ci/run")).read()) is not None,
      ".ci/run runs the same command")

mx = yaml.safe_load(open(os.path.join(src, ".github/workflows/matrix.yml")))
plan = " ".join(runs({"jobs": {"plan": mx["jobs"]["plan"]}}))
check("tools/kernel-matrix.sh --ids" in plan, "matrix.yml plans the images with kernel-matrix.sh --ids")
kernel = mx["jobs"]["kernel"]
check("fromJSON(needs.plan.outputs.images)" in str(kernel["strategy"]["matrix"]["image"]),
      "one kernel job per planned image")
check(any('--only "${{ matrix.image }}"' in r for r in runs({"jobs": {"k": kernel}})),
      "each kernel job checks only its image")
lab = mx["jobs"]["lab"]
check(any("tools/kvm-lab.sh --shard" in r for r in runs({"jobs": {"l": lab}})), "the lab runs in shards")

# The options the workflows use exist in the tools (their --help).
for tool, opt in (("tools/kernel-matrix.sh", "--ids"), ("tools/kvm-lab.sh", "--shard")):
    out = subprocess.run(["sh", os.path.join(src, tool), "--help"], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, universal_newlines=True).stdout
    check(opt in out, "%s --help has %s" % (tool, opt))

print("FAILED" if fails else "PASS")
sys.exit(1 if fails else 0)
