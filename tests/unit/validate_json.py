#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Validates pvhcheck --json outputs against docs/schema/pvhcheck.schema.json
with a real JSON Schema validator (Debian's python3-jsonschema).

usage: validate_json.py SCHEMA FILE...   each FILE holds one JSON object
(one line, as pvhcheck prints it). Exit 0 when all are valid, 1 otherwise,
2 when the validator itself is missing."""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("FAIL: python3-jsonschema is missing (tools/setup.sh installs it)")
    sys.exit(2)


def main():
    schema = json.load(open(sys.argv[1]))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema, format_checker=jsonschema.FormatChecker())
    bad = 0
    for path in sys.argv[2:]:
        text = open(path, encoding="utf-8").read()
        lines = [line for line in text.split("\n") if line.strip()]
        if len(lines) != 1:
            print(f"FAIL {path}: {len(lines)} lines on stdout, expected one JSON object")
            bad += 1
            continue
        try:
            doc = json.loads(lines[0])
        except ValueError as e:
            print(f"FAIL {path}: not JSON: {e}")
            bad += 1
            continue
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
        for e in errors:
            print(f"FAIL {path}: /{'/'.join(map(str, e.path))}: {e.message}")
        bad += bool(errors)
        if not errors:
            print(f"ok   {path}: {doc.get('command')} status={doc.get('status')} ok={doc.get('ok')}")
    print(f"{len(sys.argv) - 2 - bad} of {len(sys.argv) - 2} valid against {sys.argv[1]}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
