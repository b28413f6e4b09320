#!/usr/bin/env python3
"""Checks what `sam build` made: every AWS::Serverless::Function of the template has its
artifact (a `bootstrap` executable for the template's architecture, as `provided.al2023`
runs it), and each function's zip (what `sam deploy` uploads) is under Lambda's 6 MB
target (docs/performance.md). Prints one line per function.

Usage: check_artifacts.py infra/template.yaml .aws-sam/build
"""

import hashlib
import io
import os
import sys
import zipfile

import yaml

LIMIT = 6_000_000  # bytes: "each zip < 6 MB"
ELF_MACHINE = {"arm64": 183, "x86_64": 62}  # e_machine: EM_AARCH64, EM_X86_64


def zipped_size(path: str) -> int:
    """The size of a zip holding `path` as `bootstrap` (deflate, level 9, mode 0755)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        info = zipfile.ZipInfo("bootstrap")
        info.external_attr = 0o100755 << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        with open(path, "rb") as f:
            archive.writestr(info, f.read(), compresslevel=9)
    return len(buffer.getvalue())


def main() -> int:
    template_path, build_dir = sys.argv[1], sys.argv[2]
    with open(template_path) as f:
        template = yaml.safe_load(f)
    globals_function = template.get("Globals", {}).get("Function", {})
    functions = {
        name: resource
        for name, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }
    if not functions:
        print("no functions in the template", file=sys.stderr)
        return 1
    failures = []
    zips: dict[str, int] = {}  # by content hash: identical artifacts are zipped once
    for name, resource in sorted(functions.items()):
        properties = resource.get("Properties", {})
        architecture = (properties.get("Architectures") or globals_function.get("Architectures"))[0]
        bootstrap = os.path.join(build_dir, name, "bootstrap")
        if not os.path.isfile(bootstrap):
            failures.append(f"{name}: no artifact at {bootstrap}")
            continue
        if not os.access(bootstrap, os.X_OK):
            failures.append(f"{name}: {bootstrap} is not executable")
        with open(bootstrap, "rb") as f:
            header = f.read(20)
            f.seek(0)
            digest = hashlib.sha256(f.read()).hexdigest()
        machine = int.from_bytes(header[18:20], "little") if header[:4] == b"\x7fELF" else None
        if machine != ELF_MACHINE[architecture]:
            failures.append(f"{name}: {bootstrap} is not an {architecture} ELF (e_machine {machine})")
        if digest not in zips:
            zips[digest] = zipped_size(bootstrap)
        size = zips[digest]
        binary = os.path.getsize(bootstrap)
        verdict = "ok" if size < LIMIT else "OVER 6 MB"
        print(
            f"{name:32} {architecture:7} binary {binary / 2**20:6.2f} MiB  "
            f"zip {size / 2**20:5.2f} MiB ({size:,} bytes)  {verdict}"
        )
        if size >= LIMIT:
            failures.append(f"{name}: zip {size:,} bytes >= {LIMIT:,}")
    print(f"{len(functions)} functions, {len(zips)} distinct artifact(s)")
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
