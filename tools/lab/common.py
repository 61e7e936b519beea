"""What every part of the KVM lab shares: where things are, the console
marker the lab's /init and run.sh print, the error type and the voice."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.dirname(os.path.dirname(HERE))
LAB_CACHE = "/lab/cache"  # PVH_CACHE_DIR inside the lab (the Debian vmlinux is there)
MARK = "@@LAB "


class LabError(Exception):
    """A lab that cannot be built or run (not a test failure)."""


def say(msg):
    print("kvm-lab: " + msg, file=sys.stderr, flush=True)


def cache_dir():
    return os.environ.get("PVH_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "pvhcheck")
