#!/usr/bin/env python3
"""Validate method files with Python's jsonschema (Draft 2020-12) against Schema/method.json.

Usage: jsonschema-verdicts.py SCHEMA_DIR FILE...
Prints one JSON object {"FILE": true|false, ...}. Used by the Swift differential test; also handy
to cross-check a file by hand (add --errors to print jsonschema's messages to stderr)."""
import json, pathlib, sys
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

args = [a for a in sys.argv[1:] if a != "--errors"]
show_errors = "--errors" in sys.argv
schema_dir = pathlib.Path(args[0])
resources = []
for path in sorted(schema_dir.rglob("*.json")):
    contents = json.loads(path.read_text(encoding="utf-8"))
    resources.append((contents.get("$id", path.relative_to(schema_dir).as_posix()), Resource.from_contents(contents)))
registry = Registry().with_resources(resources)
validator = Draft202012Validator(registry.contents("method.json"), registry=registry)
verdicts = {}
for name in args[1:]:
    try:
        instance = json.loads(pathlib.Path(name).read_text(encoding="utf-8"))
    except Exception:
        verdicts[name] = False
        continue
    verdicts[name] = validator.is_valid(instance)
    if show_errors:
        for e in validator.iter_errors(instance):
            print(f"{name}: /{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}", file=sys.stderr)
json.dump(verdicts, sys.stdout)
