"""Atomic output: write to a temporary file in the target's folder, then rename over the target.

What the user had is never lost: a failed write (full disk, a folder that refuses files, a
signal) leaves the old file as it was and no temporary file behind. Special files (devices,
FIFOs) are written through, not replaced; a symbolic link keeps pointing where it did and its
target is replaced. `-` is standard output. Temporary files are named `.lianjian-PID-XXXX.tmp`
(short whatever the target's name); ones left by a process that no longer runs (kill -9) are
removed by the next write in the same folder.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import signal
import stat
import sys
import tempfile
import threading
from pathlib import Path

from lianjian.errors import DataError, UsageError

__all__ = ["check_output_path", "atomic_write", "atomic_directory", "TEMP_PREFIX"]

TEMP_PREFIX = ".lianjian-"
_TEMP = re.compile(rf"^{re.escape(TEMP_PREFIX)}(\d+)-[^/]*\.tmp$")
#: Temporary files and folders of this process, removed if a signal ends it.
_LIVE: set[str] = set()
_HANDLED: dict[int, object] = {}


def _special(p: Path) -> bool:
    """Whether `p` exists and is neither a regular file nor a folder (a device, FIFO or socket)."""
    try:
        mode = os.stat(p).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _name_max(folder: Path) -> int:
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        return 255


def check_output_path(path: str | Path, option: str = "-o") -> Path:
    """Fail early, with the option's name, if `path` cannot be written."""
    if str(path) == "-":
        return Path("-")
    p = Path(path)
    parent = p.parent if str(p.parent) else Path(".")
    if len(os.fsencode(p.name)) > _name_max(parent):
        raise UsageError(f"{option} {path}: file name longer than this file system allows ({_name_max(parent)} bytes)")
    try:
        if p.is_symlink():
            p = Path(os.path.realpath(p))
        p.is_dir()
    except OSError as exc:
        raise UsageError(f"{option} {path}: {exc.strerror or exc}") from None
    if p.is_dir():
        raise UsageError(f"{option} {path}: is a directory; give a file name")
    if _special(p):
        if not os.access(p, os.W_OK):
            raise UsageError(f"{option} {path}: file is not writable")
        return p
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"{option} {path}: directory {parent} does not exist")
    if len(os.fsencode(p.name)) > _name_max(parent):
        raise UsageError(f"{option} {path}: file name longer than this file system allows ({_name_max(parent)} bytes)")
    if not os.access(parent, os.W_OK):
        raise UsageError(f"{option} {path}: directory {parent} is not writable")
    if p.exists() and not os.access(p, os.W_OK):
        raise UsageError(f"{option} {path}: file is not writable")
    return p


def _on_signal(signum, frame) -> None:
    """Remove this process's temporary files, then die of the signal as if it had not been caught."""
    for tmp in list(_LIVE):
        with contextlib.suppress(OSError):
            if os.path.isdir(tmp) and not os.path.islink(tmp):
                shutil.rmtree(tmp, ignore_errors=True)
            else:
                os.unlink(tmp)
    _LIVE.clear()
    previous = _HANDLED.get(signum, signal.SIG_DFL)
    if callable(previous):
        previous(signum, frame)
        return
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _install_handlers() -> None:
    """Clean up on SIGTERM and SIGHUP (SIGINT raises KeyboardInterrupt, which the writers handle)."""
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in (signal.SIGTERM, signal.SIGHUP):
        current = signal.getsignal(sig)
        if current is _on_signal or current is signal.SIG_IGN:
            continue
        _HANDLED[sig] = current
        with contextlib.suppress(ValueError, OSError):
            signal.signal(sig, _on_signal)


def clean_stale(folder: str | Path) -> None:
    """Remove temporary files and folders of our own naming left in `folder` by processes that no longer run."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        m = _TEMP.match(name)
        if not m or int(m.group(1)) == os.getpid():
            continue
        try:
            os.kill(int(m.group(1)), 0)
            continue  # still running
        except ProcessLookupError:
            pass
        except (PermissionError, OverflowError, ValueError):
            continue
        target = os.path.join(folder, name)
        with contextlib.suppress(OSError):
            if os.path.isdir(target) and not os.path.islink(target):
                shutil.rmtree(target, ignore_errors=True)
            else:
                os.unlink(target)


def _failed(option: str, path, exc: OSError) -> DataError:
    if exc.errno == errno.ENOSPC:
        reason = "no space left on the device"
    elif exc.errno in (errno.ENOENT, errno.EACCES, errno.EPERM, errno.EROFS) and Path(path).parent.is_dir():
        reason = f"the folder {Path(path).parent} does not take new files ({exc.strerror})"
    else:
        reason = exc.strerror or str(exc)
    return DataError(f"{option} {path}: cannot write: {reason} (nothing written; any old file is unchanged)")


def atomic_write(path: str | Path, data: bytes | str, option: str = "-o") -> Path:
    """Write `data` to `path` so that readers see the old file or the whole new one, never a part."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if str(path) == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(payload)
        sys.stdout.buffer.flush()
        return Path("-")
    p = check_output_path(path, option)
    if _special(p):
        try:
            with open(p, "wb") as fh:
                fh.write(payload)
        except OSError as exc:
            raise _failed(option, path, exc) from None
        return p
    folder = p.parent if str(p.parent) else Path(".")
    clean_stale(folder)
    _install_handlers()
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=".tmp")
    except OSError as exc:
        raise _failed(option, path, exc) from None
    _LIVE.add(tmp)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        if p.exists():
            shutil.copymode(p, tmp)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, p)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise _failed(option, path, exc) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    finally:
        _LIVE.discard(tmp)
    return p


def _replaceable(folder: Path, names, shown: str = "") -> list[str]:
    """The entries of an existing output folder, if every one is a plain file the writer owns (`names`); else refuse."""
    entries = sorted(os.listdir(folder))
    for name in entries:
        entry = folder / name
        if entry.is_symlink() or not entry.is_file() or (names is not None and name not in names):
            raise UsageError(f"{shown or folder}: holds {name!r}, which this program did not write; give a new or empty folder")
    return entries


def atomic_directory(path: str | Path, fill, option: str = "-o", replaces=None) -> Path:
    """Create a directory of files atomically: `fill(tmpdir)` writes them, then the folder is swapped in.

    An existing folder is replaced only if it holds nothing but plain files named in `replaces` (any plain file
    when `replaces` is None: a folder of the program's own, such as a cache entry); its files are then removed
    one by one, never a whole tree, so nothing a user put there is deleted.
    """
    p = Path(path)
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"{option} {path}: directory {parent} does not exist")
    if p.exists() and not p.is_dir():
        raise UsageError(f"{option} {path}: exists and is not a directory")
    if len(os.fsencode(p.name)) > _name_max(parent):
        raise UsageError(f"{option} {path}: folder name longer than this file system allows ({_name_max(parent)} bytes)")
    clean_stale(parent)
    _install_handlers()
    try:
        tmp = Path(tempfile.mkdtemp(dir=parent, prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=".tmp"))
    except OSError as exc:
        raise _failed(option, path, exc) from None
    _LIVE.add(str(tmp))
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes the folder private; give it the usual permissions
        fill(tmp)
        if p.exists():
            _replaceable(p, replaces, f"{option} {path}")
            # ".old", not ".tmp": the user's folder is never something a signal handler or a later run removes.
            old = Path(tempfile.mkdtemp(dir=parent, prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=".old"))
            os.rmdir(old)
            os.replace(p, old)
            try:
                os.replace(tmp, p)
            except OSError:
                os.replace(old, p)  # the user's folder goes back where it was
                raise
            with contextlib.suppress(OSError):  # checked again after the swap: only our plain files go
                for name in _replaceable(old, replaces):
                    os.unlink(old / name)
                os.rmdir(old)
        else:
            os.replace(tmp, p)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise _failed(option, path, exc) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        _LIVE.discard(str(tmp))
    return p
