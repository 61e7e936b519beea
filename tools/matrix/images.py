"""The PVH images Debian ships (bookworm, bookworm-backports, trixie; amd64
and i386), by package name. Versions drift in the archive, so each image
names a package (or a metapackage to follow) and a version pattern, never a
fixed version; what the archive holds today is resolved at run time."""

import re


class Image:
    def __init__(self, id, kind, package, version_re=".*", arch="amd64", follow=False, dbg=False,
                 helper=None, path=None, ci=False, note=""):
        self.id = id
        self.kind = kind  # linux | grub | xen-shim
        self.package = package  # a package, or a metapackage when follow
        self.version_re = version_re  # which of the archive's versions (highest match wins)
        self.arch = arch
        self.follow = follow  # metapackage: the image package is its linux-image-* Depends
        self.dbg = dbg  # the unstripped -dbg vmlinux of the followed package
        self.helper = helper  # grub: the grub-common of the same version (grub-mkimage)
        self.path = path  # file inside the package (xen-shim), {ver} = upstream major.minor
        self.ci = ci
        self.note = note

    def __repr__(self):
        return "Image(%s)" % self.id


IMAGES = [
    Image("linux-6.1-amd64", "linux", "linux-image-amd64", r"^6\.1\.", follow=True),
    Image("linux-6.1-cloud", "linux", "linux-image-cloud-amd64", r"^6\.1\.", follow=True, ci=True),
    Image("linux-6.1-rt", "linux", "linux-image-rt-amd64", r"^6\.1\.", follow=True),
    # An older 6.1 ABI, named: it leaves the archive one day and is then reported missing.
    Image("linux-6.1.0-47-cloud", "linux", "linux-image-6.1.0-47-cloud-amd64", r"^6\.1\."),
    Image("linux-6.12-amd64", "linux", "linux-image-amd64", r"^6\.12\.[0-9]+-[0-9]+$", follow=True),
    Image("linux-6.12-cloud", "linux", "linux-image-cloud-amd64", r"^6\.12\.[0-9]+-[0-9]+$", follow=True),
    Image("linux-6.12-rt", "linux", "linux-image-rt-amd64", r"^6\.12\.[0-9]+-[0-9]+$", follow=True),
    Image("linux-6.12-cloud-dbg", "linux", "linux-image-cloud-amd64", r"^6\.12\.[0-9]+-[0-9]+$", follow=True,
          dbg=True, note="unstripped vmlinux from the -dbg package"),
    Image("linux-6.1-686-pae", "linux", "linux-image-686-pae", r"^6\.1\.", arch="i386", follow=True),
    Image("xen-shim-4.17", "xen-shim", "xen-utils-4.17", path="usr/lib/xen-4.17/boot/xen-shim"),
    Image("xen-shim-4.20", "xen-shim", "xen-utils-4.20", path="usr/lib/xen-4.20/boot/xen-shim"),
    # grub-mkimage must run here (bookworm), so 2.12 comes from bookworm-backports.
    Image("grub-2.06-xen_pvh", "grub", "grub-xen-bin", r"^2\.06-", helper="grub-common", ci=True),
    Image("grub-2.12-xen_pvh", "grub", "grub-xen-bin", r"^2\.12-.*bpo12", helper="grub-common"),
]


def by_id(ids):
    """Images named in ids (comma-separated ids or globs like linux-6.1*)."""
    want = [i.strip() for i in ids.split(",") if i.strip()]
    out = []
    for w in want:
        rx = re.compile("^" + re.escape(w).replace(r"\*", ".*") + "$")
        hit = [im for im in IMAGES if rx.match(im.id)]
        if not hit:
            raise ValueError("no image matches %r (see --list)" % w)
        out += [h for h in hit if h not in out]
    return out


def ci_images():
    return [im for im in IMAGES if im.ci]
