"""What the benchmark ran on: CPU, cores, memory, load, Python and the versions of the libraries measured."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import subprocess
from pathlib import Path

__all__ = ["describe", "LIBRARIES"]

#: Distributions whose versions the results record, in the order shown.
LIBRARIES = ("rdflib", "pyoxigraph", "oxrdflib", "pyshacl", "networkx", "pyvis", "ladybug", "grand-cypher", "PyYAML", "playwright")


def _cpuinfo(field: str) -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith(field):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _chromium(path: str) -> str:
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "not found"
    return out.splitlines()[0] if out else "unknown"


def describe(chromium: str = "/usr/bin/chromium") -> dict:
    """The machine and software the figures were measured on.

    >>> d = describe("/nonexistent")
    >>> d["chromium"], d["cores"] >= 1
    ('not found', True)
    """
    import yaml

    from lianjian.loaders import yamlfile

    return {
        "cpu": _cpuinfo("model name"),
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "memory_gb": _memory_gb(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "os": platform.platform(),
        "python": platform.python_version(),
        "libraries": {name: _version(name) for name in LIBRARIES},
        "yaml_libyaml": bool(getattr(yaml, "__with_libyaml__", False)),
        "yaml_c_loader_used": yamlfile.Loader is getattr(yaml, "CSafeLoader", None),
        "chromium": _chromium(chromium),
    }
