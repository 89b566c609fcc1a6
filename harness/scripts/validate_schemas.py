"""Validates every vector file and the MANIFEST against vectors/schema/ (JSON Schema 2020-12).

Run by .ci/run with the venv's python. Prints `schemas: N passed, M failed` and exits non-zero on
any failure or when no file was checked.
"""
import json
import pathlib
import sys

import jsonschema

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
vectors = root / "vectors"
file_schema = json.loads((vectors / "schema" / "vector-file.schema.json").read_text())
manifest_schema = json.loads((vectors / "schema" / "manifest.schema.json").read_text())

passed = failed = 0
targets = [(vectors / "MANIFEST.json", manifest_schema)]
for path in sorted(vectors.rglob("*.json")):
    if path.name == "MANIFEST.json" or "schema" in path.relative_to(vectors).parts:
        continue
    targets.append((path, file_schema))

for path, schema in targets:
    try:
        document = json.loads(path.read_bytes())
        jsonschema.Draft202012Validator(schema).validate(document)
        if schema is file_schema:
            for case in document["cases"]:
                for flag in case["flags"]:
                    if flag not in document["notes"]:
                        raise ValueError(f"case {case['id']}: flag {flag} has no note")
        passed += 1
    except Exception as error:  # report every file, then fail
        failed += 1
        print(f"{path.relative_to(root)}: {error}", file=sys.stderr)

print(f"schemas: {passed} passed, {failed} failed")
sys.exit(1 if failed or passed < 2 else 0)
