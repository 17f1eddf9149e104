"""Atomic output: write to a temporary file in the target's folder, then rename over the target."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from lianjian.errors import UsageError

__all__ = ["check_output_path", "atomic_write", "atomic_directory"]


def check_output_path(path: str | Path, option: str = "-o") -> Path:
    """Fail early, with the option's name, if `path` cannot be written."""
    p = Path(path)
    if p.is_dir():
        raise UsageError(f"{option} {path}: is a directory; give a file name")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"{option} {path}: directory {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise UsageError(f"{option} {path}: directory {parent} is not writable")
    if p.exists() and not os.access(p, os.W_OK):
        raise UsageError(f"{option} {path}: file is not writable")
    return p


def atomic_write(path: str | Path, data: bytes | str, option: str = "-o") -> Path:
    """Write `data` to `path` so that readers see the old file or the whole new one, never a part."""
    p = check_output_path(path, option)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=p.parent if str(p.parent) else ".", prefix=f".{p.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        if p.exists():
            shutil.copymode(p, tmp)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, p)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return p


def atomic_directory(path: str | Path, fill, option: str = "-o") -> Path:
    """Create a directory of files atomically: `fill(tmpdir)` writes them, then the folder is swapped in."""
    p = Path(path)
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"{option} {path}: directory {parent} does not exist")
    if p.exists() and not p.is_dir():
        raise UsageError(f"{option} {path}: exists and is not a directory")
    tmp = Path(tempfile.mkdtemp(dir=parent, prefix=f".{p.name}.", suffix=".tmp"))
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes the folder private; give it the usual permissions
        fill(tmp)
        if p.exists():
            old = Path(tempfile.mkdtemp(dir=parent, prefix=f".{p.name}.", suffix=".old"))
            os.rmdir(old)
            os.replace(p, old)
            os.replace(tmp, p)
            shutil.rmtree(old)
        else:
            os.replace(tmp, p)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return p
