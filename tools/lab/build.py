"""The build the lab runs: configured and built when missing."""

import os
import subprocess

from common import SOURCE_DIR, say


def ensure_built(build_dir, rebuild, run=subprocess.run):
    """The lab runs our binaries, so it needs a build. A fresh clone has none:
    configure (the default preset for build/default, else cmake -S -B) and
    build it rather than stop; --build also rebuilds an existing one."""
    configured = os.path.isfile(os.path.join(build_dir, "CMakeCache.txt"))
    if not configured:
        say("no build in %s yet: configuring and building it (cmake, -j2)" % build_dir)
        if os.path.abspath(build_dir) == os.path.join(SOURCE_DIR, "build", "default"):
            run(["cmake", "--preset", "default"], cwd=SOURCE_DIR, check=True)
        else:
            run(["cmake", "-S", SOURCE_DIR, "-B", build_dir], check=True)
    if rebuild or not configured:
        if configured:
            say("building %s" % build_dir)
        run(["cmake", "--build", build_dir, "-j2"], check=True)
