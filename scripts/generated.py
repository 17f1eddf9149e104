"""Shared by the doc generators: write a generated file, or with --check say whether it is current."""

from __future__ import annotations

import sys
from pathlib import Path


def write_or_check(target: Path, text: str, script: str) -> int:
    """Write `text` to `target`; with --check on the command line, exit status 1 if it differs instead."""
    if "--check" in sys.argv:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            print(f"{target} is out of date: run python scripts/{script}", file=sys.stderr)
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")
    return 0
