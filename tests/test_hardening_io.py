"""Atomic writes under faults: signals and kill -9 mid-write, special files, symlinks, long names, full disks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from lianjian.cli import cli
from lianjian.errors import DataError, UsageError
from lianjian.io import TEMP_PREFIX, atomic_directory, atomic_write

LIANJIAN = str(Path(sys.executable).parent / "lianjian")
QUERY = ["sparql", "--format", "csv", "SELECT (1 AS ?x) {}"]

# A child that writes OLD, then starts writing NEW and stalls just before the rename (its temp file complete).
STALLING_WRITER = textwrap.dedent("""
    import os, sys, time
    from lianjian import io
    target = sys.argv[1]
    real_replace = os.replace
    def stall(src, dst):
        print("ready", flush=True)
        time.sleep(30)
        real_replace(src, dst)
    io.os.replace = stall
    io.atomic_write(target, b"NEW" * 1000)
""")


def _stalled_child(target: Path) -> subprocess.Popen:
    child = subprocess.Popen([sys.executable, "-c", STALLING_WRITER, str(target)], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "ready"
    return child


def _temps(folder: Path) -> list[str]:
    return [n for n in os.listdir(folder) if n.startswith(TEMP_PREFIX) or n.endswith(".tmp")]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_mid_write_leaves_the_old_file_and_no_temp(tmp_path, sig):
    target = tmp_path / "out.csv"
    target.write_bytes(b"OLD")
    child = _stalled_child(target)
    assert _temps(tmp_path), "the child should be mid-write"
    child.send_signal(sig)
    assert child.wait(10) == -sig
    assert target.read_bytes() == b"OLD" and _temps(tmp_path) == []


def test_kill_9_leftovers_are_removed_by_the_next_write(tmp_path):
    target = tmp_path / "out.csv"
    target.write_bytes(b"OLD")
    child = _stalled_child(target)
    child.kill()
    child.wait(10)
    assert target.read_bytes() == b"OLD" and _temps(tmp_path)
    atomic_write(tmp_path / "other.csv", b"x")
    assert _temps(tmp_path) == []
    assert target.read_bytes() == b"OLD"


def test_a_live_process_temp_is_left_alone(tmp_path):
    target = tmp_path / "out.csv"
    child = _stalled_child(target)
    try:
        mine = _temps(tmp_path)
        atomic_write(tmp_path / "other.csv", b"x")
        assert _temps(tmp_path) == mine
    finally:
        child.terminate()
        child.wait(10)


def test_symlink_is_kept_and_its_target_written(tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    atomic_write(link, "new")
    assert link.is_symlink() and real.read_text() == "new"


def test_a_fifo_is_written_through_not_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    time.sleep(0.2)
    atomic_write(fifo, b"through the pipe")
    assert reader.communicate(timeout=10)[0] == b"through the pipe"
    assert fifo.is_fifo()


def test_dev_null_stays_a_device():
    atomic_write("/dev/null", b"nothing")
    assert Path("/dev/null").is_char_device()


def test_a_full_device_is_one_line_exit_1():
    result = CliRunner().invoke(cli, [*QUERY, "-o", "/dev/full"])
    assert result.exit_code == 1 and "no space left" in result.output and "Traceback" not in result.output
    assert Path("/dev/full").is_char_device()


def test_a_file_size_limit_mid_write_keeps_the_old_file(tmp_path):
    target = tmp_path / "g.nt"
    target.write_text("OLD")
    script = ("import resource, signal; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
              "resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000)); "
              "from lianjian.cli import cli; cli(['build', '-o', %r])" % str(target))
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stderr
    assert "cannot write" in run.stderr and "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 1
    assert target.read_text() == "OLD" and _temps(tmp_path) == []


def test_proc_outputs_are_one_line():
    for target in ("/proc/version", "/proc/lianjian-new"):
        result = CliRunner().invoke(cli, [*QUERY, "-o", target])
        assert result.exit_code in (1, 2) and "Traceback" not in result.output and "internal error" not in result.output
        assert len(result.output.strip().splitlines()) == 1


@given(st.integers(min_value=200, max_value=300))
@settings(max_examples=15, deadline=None)
def test_long_but_legal_names_are_written_and_too_long_ones_refused(tmp_path_factory, length):
    folder = tmp_path_factory.mktemp("names")
    name = "名" * (length // 3) + "x" * (length % 3)  # 3 bytes per 名 in UTF-8
    target = folder / name
    if len(os.fsencode(name)) <= 255:
        atomic_write(target, b"ok")
        assert target.read_bytes() == b"ok"
        atomic_directory(folder / ("d" + name[1:]), lambda tmp: (tmp / "f").write_text("x"))
    else:
        with pytest.raises(UsageError, match="file name longer"):
            atomic_write(target, b"ok")
    assert _temps(folder) == []


def test_dash_is_standard_output(capfdbinary):
    atomic_write("-", b"to stdout")
    assert capfdbinary.readouterr().out == b"to stdout"
    assert not Path("-").exists()


def test_a_folder_that_takes_no_files_is_a_data_error(tmp_path):
    with pytest.raises((DataError, UsageError)):
        atomic_write("/proc/lianjian-x", b"x")
