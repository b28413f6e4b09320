#!/usr/bin/env python3
"""Checks what `sam build` made: every AWS::Serverless::Function of the template has its
artifact (a `bootstrap` executable for the template's architecture, as `provided.al2023`
runs it), the functions of one binary (`BuildProperties: Binary:`) got the same artifact
and different binaries different ones, and each function's zip (what `sam deploy`
uploads) is under the project's 6 MB target (docs/performance.md, "Release build"), far
within Lambda's 50 MB for a direct upload. Prints one line per function.

Usage: check_artifacts.py infra/template.yaml .aws-sam/build

Where a function's artifact is comes from the built template (`.aws-sam/build/
template.yaml`): sam build gives functions that share one build one folder
(`<FirstFunction>-Shared`) and points their CodeUri at it.
"""

import hashlib
import io
import os
import sys
import zipfile

import yaml

TARGET = 6_000_000  # bytes: the project's target, "each zip < 6 MB"
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
    built_path = os.path.join(build_dir, "template.yaml")
    with open(built_path) as f:
        built = yaml.safe_load(f)
    failures = []
    zips: dict[str, int] = {}  # by content hash: identical artifacts are zipped once
    artifacts: dict[str, set[str]] = {}  # the template's binary -> the digests built for it
    for name, resource in sorted(functions.items()):
        properties = resource.get("Properties", {})
        architecture = (properties.get("Architectures") or globals_function.get("Architectures"))[0]
        code_uri = built["Resources"].get(name, {}).get("Properties", {}).get("CodeUri")
        if not isinstance(code_uri, str):
            failures.append(f"{name}: not in the built template {built_path}")
            continue
        bootstrap = os.path.join(build_dir, code_uri, "bootstrap")
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
        binary_name = (resource.get("Metadata", {}).get("BuildProperties", {}) or {}).get("Binary", name)
        artifacts.setdefault(binary_name, set()).add(digest)
        if digest not in zips:
            zips[digest] = zipped_size(bootstrap)
        size = zips[digest]
        binary = os.path.getsize(bootstrap)
        verdict = "< 6 MB" if size < TARGET else "OVER THE 6 MB TARGET"
        print(
            f"{name:32} {binary_name:17} {architecture:7} binary {binary / 2**20:6.2f} MiB  "
            f"zip {size / 2**20:5.2f} MiB ({size:,} bytes)  {verdict}"
        )
        if size >= TARGET:
            failures.append(f"{name}: zip {size:,} bytes, not under the 6 MB target ({TARGET:,})")
    for binary_name, digests in sorted(artifacts.items()):
        if len(digests) != 1:
            failures.append(f"{binary_name}: its functions got {len(digests)} different artifacts")
    if len(set().union(*artifacts.values())) != len(artifacts):
        failures.append(f"{len(artifacts)} binaries but {len(zips)} distinct artifacts")
    print(f"{len(functions)} functions, {len(artifacts)} binaries, {len(zips)} distinct artifact(s)")
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
