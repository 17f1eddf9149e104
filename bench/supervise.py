"""Supervising the bench's workers: each step of bench/worker.py in a fresh process, timed, its peak memory
and timed runs collected, killed whole at its time limit or when one run goes past its budget."""

from __future__ import annotations

import itertools
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent

__all__ = ["GRACE", "Outcome", "Supervisor", "median", "progress_text"]

#: Seconds past its budget before a run is taken as stuck and its worker killed (pure-Python runs stop themselves at the budget).
GRACE = 10.0

def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


@dataclass
class Outcome:
    """What one worker process reported: plain records, timed runs per (item, engine), and peak memory."""

    records: list[dict] = field(default_factory=list)
    runs: dict = field(default_factory=dict)
    rows: dict = field(default_factory=dict)
    over: dict = field(default_factory=dict)
    skipped: dict = field(default_factory=dict)
    memory: dict = field(default_factory=dict)
    wall: float = 0.0
    error: str | None = None
    #: The (item, engine) run the worker was killed in for passing its budget.
    stuck: tuple | None = None

    def first(self, item: str) -> dict:
        return next((r for r in self.records if r.get("item") == item), {})

    def event(self, record: dict) -> None:
        key = (record["item"], record.get("engine"))
        if record["event"] == "done":
            self.runs.setdefault(key, []).append(record["seconds"])
            self.rows[key] = record.get("rows")
        elif record["event"] == "over":
            self.over[key] = record["budget"]
        elif record["event"] == "skip":
            self.skipped[key] = record["reason"]

    def absorb(self, other: "Outcome") -> None:
        self.records += other.records
        for name in ("runs", "rows", "over", "skipped"):
            getattr(self, name).update(getattr(other, name))
        for key, value in other.memory.items():
            self.memory[key] = max(self.memory.get(key, 0), value)
        self.wall += other.wall

    def summary(self, item: str, engine: str | None = None) -> dict:
        """Median, times, runs and rows of an item on an engine; ``over_budget`` or ``skipped`` when it has no time."""
        key = (item, engine)
        times = self.runs.get(key, [])
        out = {"seconds": median(times), "times": times, "runs": len(times), "rows": self.rows.get(key)}
        if key in self.over:
            out.update(seconds=None, over_budget=self.over[key])
        if key in self.skipped:
            out["skipped"] = self.skipped[key]
        return out


def progress_text(record: dict) -> str:
    parts = [str(record.get("item"))]
    if record.get("engine"):
        parts.append(f"({record['engine']})")
    if isinstance(record.get("seconds"), (int, float)):
        parts.append(f"{record['seconds']:.3f} s")
    if record.get("event") == "over" or "over_budget" in record:
        parts.append(f"over the {record.get('budget') or record.get('over_budget'):g} s budget")
    if record.get("reason"):
        parts.append(record["reason"])
    return " ".join(parts)



class Supervisor:
    """Starts the workers of one run; their spec files go in `folder`, a line per worker in `workers`, failures in `errors`."""

    def __init__(self, folder: Path, say, workers: list, errors: list):
        self.folder, self.say, self.workers, self.errors = folder, say, workers, errors
        self.counter = itertools.count()

    def worker(self, step: str, spec: dict, timeout: float, tier: str, label: str | None = None,
               run_budget: float | None = None) -> Outcome:
        """Run bench/worker.py STEP in a fresh process (its own session), killed whole at `timeout` seconds,
        or when one timed run has gone `run_budget` + GRACE seconds without finishing (`Outcome.stuck`)."""
        label = label or step
        spec_path = self.folder / f"spec-{next(self.counter)}.json"
        spec_path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
        outcome = Outcome()
        finished = threading.Event()
        why: list[str] = []
        running: dict = {}
        with tempfile.TemporaryFile("w+", encoding="utf-8") as err:
            start = time.perf_counter()
            proc = subprocess.Popen([sys.executable, str(HERE / "worker.py"), step, str(spec_path)],
                                    stdout=subprocess.PIPE, stderr=err, text=True, encoding="utf-8", start_new_session=True)

            def kill(reason: str) -> None:
                why.append(reason)
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

            def watch() -> None:
                while not finished.wait(0.5):
                    now = time.perf_counter()
                    if now - start > timeout:
                        return kill("timeout")
                    if run_budget and running and now - running["since"] > run_budget + GRACE:
                        outcome.stuck = (running["item"], running["engine"])
                        return kill("stuck")

            watcher = threading.Thread(target=watch, daemon=True)
            watcher.start()
            try:
                for line in proc.stdout:
                    try:
                        record = json.loads(line)
                    except ValueError:
                        continue
                    if record.get("item") == "memory":
                        outcome.memory = {k: v for k, v in record.items() if k != "item"}
                    elif "event" in record:
                        if record["event"] == "start":
                            running.update(item=record["item"], engine=record.get("engine"), since=time.perf_counter())
                        else:
                            running.clear()
                            outcome.event(record)
                            self.say(f"  [{tier}] {label}: {progress_text(record)}")
                    else:
                        outcome.records.append(record)
                        self.say(f"  [{tier}] {label}: {progress_text(record)}")
                proc.wait()
            except BaseException:
                kill("interrupted")
                raise
            finally:
                finished.set()
            outcome.wall = time.perf_counter() - start
            if proc.returncode != 0 and why != ["stuck"]:
                err.seek(0)
                lines = [ln for ln in err.read().splitlines() if ln.strip()]
                outcome.error = (f"killed at the {timeout:.0f} s time limit" if why
                                 else (lines[-1] if lines else f"exit status {proc.returncode}"))
        note = f"killed in {outcome.stuck[0]} ({outcome.stuck[1] or 'run'}) after {run_budget:g} s + {GRACE:g} s" if outcome.stuck else None
        self.workers.append({"tier": tier, "step": label, "wall_s": round(outcome.wall, 3), **outcome.memory,
                                        "error": outcome.error, "note": note})
        if outcome.error:
            self.errors.append(f"[{tier}] {label}: {outcome.error}")
            self.say(f"  [{tier}] {label}: FAILED: {outcome.error}")
        elif note:
            self.say(f"  [{tier}] {label}: {note}; starting a new worker for the rest")
        return outcome

    def item_worker(self, step: str, spec: dict, tier: str, label: str, run_budget: float, setup: float = 1800) -> Outcome:
        """A worker over ``spec["queries"]`` (items in order), started again on the items left whenever it is killed in a stuck run.

        A stuck item counts as over budget on its engine; stuck in the bare floor, on the default engine too unless that
        engine's runs (which come first) finished.
        """
        items = spec["queries"]
        names = list(items)
        merged = Outcome()
        while names:
            part = {k: items[k] for k in names} if isinstance(items, dict) else list(names)
            runs = spec.get("runs", 1) * (2 if spec.get("bare") else 1)
            o = self.worker(step, {**spec, "queries": part}, setup + len(names) * runs * (run_budget + GRACE), tier, label, run_budget)
            merged.absorb(o)
            merged.error = merged.error or o.error
            if o.stuck is None:
                break
            item, engine = o.stuck
            merged.over[(item, engine)] = run_budget
            if engine == "bare" and not merged.runs.get((item, spec.get("engine"))):
                merged.over[(item, spec.get("engine"))] = run_budget
            names = names[names.index(item) + 1:]
        return merged
