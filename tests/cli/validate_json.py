#!/usr/bin/python3
"""Validates JSON documents (or JSON Lines) against a schema in schemas/.

usage: validate_json.py SCHEMA FILE [--lines]
Exits 1 naming the first invalid document and the reason; prints the number of
documents validated otherwise. Needs Debian's python3-jsonschema.
"""
import json
import sys

import jsonschema


def main():
    schema_path, data_path = sys.argv[1], sys.argv[2]
    lines = "--lines" in sys.argv[3:]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    validator = jsonschema.Draft202012Validator(schema)
    with open(data_path, encoding="utf-8") as f:
        text = f.read()
    docs = [json.loads(l) for l in text.splitlines() if l.strip()] if lines else [json.loads(text)]
    if not docs:
        print(f"{data_path}: no documents", file=sys.stderr)
        return 1
    for i, doc in enumerate(docs, 1):
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
        if errors:
            e = errors[0]
            print(f"{data_path}: document {i}: {'/'.join(map(str, e.path))}: {e.message}",
                  file=sys.stderr)
            return 1
    print(f"{len(docs)} valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
