"""The matrix as Markdown, and the block of docs/kernel-matrix.md it replaces."""

BEGIN = "<!-- kernel-matrix:begin (tools/kernel-matrix.sh --update-docs rewrites this block) -->"
END = "<!-- kernel-matrix:end -->"


def _cell(s):
    return str(s).replace("|", "\\|").replace("\n", " ")


def _backend(b):
    if not b:
        return "-"
    secs = b.get("seconds")
    t = " (%.1f s)" % secs if isinstance(secs, (int, float)) else ""
    mark = "✔" if b.get("ok") else "✗"
    kvm = " [npt=0]" if b.get("kvm") == "kvm_amd npt=0" else ""
    return _cell("%s %s; entry %s%s%s" % (mark, b.get("furthest"), b.get("entry"), t, kvm))


def _readers(ins):
    """Where each VMM's reader starts the image: the model, and for QEMU and Xen 4.17 the real one."""
    models, real = ins.get("readers"), ins.get("readers_real") or {}
    if not models:
        return "-"
    parts = []
    for name, v in models.items():
        cell = "%s %s" % (name, v)
        r = real.get(name)
        if r:
            # No PVH entry: the real reader refused, or ran without starting at the PVH entry.
            ok = r == v or r == "started at %s" % v or (v == "no-entry" and r.startswith(("no-entry", "ran, not at")))
            cell += " (real %s %s)" % ("✔" if ok else "✗", r)
        parts.append(cell)
    return _cell("; ".join(parts))


def _vmlinuz(v):
    """The distribution's bzImage as shipped: inspect verdict, same entry, lab boot."""
    if not v:
        return "-"
    if v.get("verdict") != "accepted":
        return _cell("✗ %s: %s" % (v.get("verdict"), v.get("why", "")))
    same = "same entry ✔" if v.get("same_entry") else "entry %s ✗" % v.get("entry")
    lab = v.get("lab")
    lab_s = "; lab %s %s" % ("✔" if lab.get("ok") else "✗", lab.get("furthest")) if lab else ""
    return _cell("%s %s, %s%s" % (v.get("method"), v.get("protocol"), same, lab_s))


def markdown(doc):
    host = doc.get("host_kvm") or "not run"
    lines = [
        "| image | package (version) | ELF | note | entry (= readelf) | inspect | lab: furthest; entry (guest-run s) | host %s: furthest; entry (s) | readers: model (real) | vmlinuz as shipped |" % host,
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for x in doc["images"]:
        if x["status"] != "checked":
            lines.append("| %s | %s | - | - | - | %s: %s | - | - | - |" % (
                x["image"], _cell("%s (%s)" % (x.get("package", "?"), x.get("version", "?"))) if x.get("package") else "-",
                x["status"], _cell(x.get("why", ""))))
            continue
        ins = x["inspect"]
        entry = "%s %s" % (ins.get("entry"), "✔" if ins.get("entry_matches_readelf") else "✗ readelf %s" % ins.get("readelf_entry"))
        verdict = ins["verdict"] + ("" if ins["verdict"] == "accepted" else ": " + _cell(ins.get("why", "")))
        lines.append("| %s | %s (%s) | ELF%s | %s | %s | %s | %s | %s | %s | %s |" % (
            x["image"] + (" (%s)" % x["note"] if x.get("note") else ""), x["package"], x["version"],
            ins.get("elf_class"), ins.get("note_source"), entry, verdict, _backend(x.get("lab")), _backend(x.get("host")),
            _readers(ins), _vmlinuz(x.get("vmlinuz"))))
    lines.append("")
    lines.append("Generated %s by `tools/kernel-matrix.sh` (%s mode, %d s wall on a shared 2-core machine). "
                 "Lab seconds are TCG times, not benchmarks." % (doc["generated"], doc["mode"], doc["wall_s"]))
    if doc.get("readers_date"):
        lines.append("Readers column (docs/vmm-readers.md) from `--readers-only` on %s: each VMM reader's model, and "
                     "in brackets the real QEMU (TCG, a block translated at the entry) and libxenguest." % doc["readers_date"])
    if doc.get("rerun"):
        lines.append("Rows rerun with `--only` on %s: %s." % (doc.get("rerun_date"), ", ".join(doc["rerun"])))
    return "\n".join(lines) + "\n"


def replace_block(text, md):
    """text with the block between BEGIN and END replaced (appended if absent)."""
    b, e = text.find(BEGIN), text.find(END)
    block = BEGIN + "\n" + md + END
    if b < 0 or e < b:
        return text.rstrip("\n") + "\n\n" + block + "\n"
    return text[:b] + block + text[e + len(END):]


def update_docs(path, md):
    try:
        text = open(path).read()
    except FileNotFoundError:
        text = "# Kernel matrix\n"
    with open(path, "w") as f:
        f.write(replace_block(text, md))
