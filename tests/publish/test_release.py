"""All-or-nothing publishing: one run or the previous one, never a mix, whatever kills the writer.

The kill tests fork a real process that publishes and SIGKILL it (itself at
the k-th file-system call of publishing, for every k; or from outside after a
random delay), then check what a reader of the output directory sees.
"""

from __future__ import annotations

import builtins
import hashlib
import json
import os
import random
import shutil
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.publish import release
from pipeline.publish.release import (
    PublishLocked,
    check_out_dir,
    publish_lock,
    publish_run,
    read_manifest,
)
from tests.snapshots import snapshot

NAMES = ("alpha", "beta", "gamma")


def tables_for(label: str, rows: int = 20) -> list[tuple[str, pa.Table]]:
    """Small tables whose every byte depends on the run's label."""
    return [
        (
            name,
            pa.table(
                {
                    "key": pa.array([f"{label}-{name}-{i:07d}" for i in range(rows)]),
                    "value": pa.array([float(i) - rows / 2 for i in range(rows)]),
                }
            ),
        )
        for name in NAMES
    ]


def publish(out: Path, label: str, rows: int = 20, **kwargs: Any) -> release.PublishedRun:
    return publish_run(tables_for(label, rows), out, {"run_id": label}, **kwargs)


def reader_view(out: Path) -> dict[str, bytes]:
    """Every path a reader opens, as bytes (a missing one is absent)."""
    paths = [f"{n}.parquet" for n in NAMES] + [f"csv/{n}.csv" for n in NAMES] + ["manifest.json"]
    return {p: (out / p).read_bytes() for p in paths if (out / p).exists()}


def assert_one_run(out: Path, allowed: dict[str, dict[str, bytes]]) -> str | None:
    """A reader sees every table of exactly one run in ``allowed`` (or nothing at all)."""
    view = reader_view(out)
    if not view:
        return None
    if "manifest.json" in view:
        manifest = json.loads(view["manifest.json"])
        run_id = manifest["run_id"]
        for name in NAMES:
            entry = manifest["tables"][name]
            parquet = view[f"{name}.parquet"]
            csv = view[f"csv/{name}.csv"]
            assert hashlib.sha256(parquet).hexdigest() == entry["parquet_sha256"], (run_id, name)
            assert hashlib.sha256(csv).hexdigest() == entry["csv_sha256"], (run_id, name)
    else:
        run_id = "plain"  # files of the older layout, before any switch
    assert run_id in allowed, run_id
    tables = {k: v for k, v in view.items() if k != "manifest.json"}
    expected = {k: v for k, v in allowed[run_id].items() if k != "manifest.json"}
    assert tables == expected, f"reader view differs from run {run_id}'s files"
    return run_id


def assert_tidy(out: Path) -> None:
    """No leftovers: no partial runs or temporary files, at most two run directories."""
    leftovers = [p for p in out.rglob("*") if p.name.endswith((".tmp", ".partial"))]
    assert leftovers == []
    assert len(list((out / ".runs").iterdir())) <= 2


def test_publish_switches_every_table_at_once_and_keeps_one_previous(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = publish(out, "run1")
    one = reader_view(out)
    assert json.loads(one["manifest.json"])["run_id"] == "run1"
    assert pq.read_table(out / "alpha.parquet").num_rows == 20
    assert (out / "current").is_symlink() and not os.path.isabs(os.readlink(out / "current"))
    publish(out, "run2")
    assert assert_one_run(out, {"run2": reader_view(out)}) == "run2"
    publish(out, "run3")
    runs = sorted(p.name for p in (out / ".runs").iterdir())
    assert len(runs) == 2 and not first.run_dir.exists()  # run1 gone, run2 kept as previous
    manifest = read_manifest(out)
    assert manifest is not None and manifest["tables"]["beta"]["rows"] == 20
    assert manifest["finished_at"].endswith("Z")


def test_an_unchanged_table_reuses_its_csv_and_a_damaged_one_is_rendered_again(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    first = publish_run(tables_for("same"), out, {"run_id": "run1"})
    changed = [(n, t) if n != "beta" else tables_for("other")[1] for n, t in tables_for("same")]
    second = publish_run(changed, out, {"run_id": "run2"})
    alpha = [(run.run_dir / "csv" / "alpha.csv").stat().st_ino for run in (first, second)]
    assert alpha[0] == alpha[1]  # linked, not rendered again
    beta = [(second.run_dir / "csv" / "beta.csv"), (first.run_dir / "csv" / "beta.csv")]
    assert beta[0].stat().st_ino != beta[1].stat().st_ino
    assert beta[0].read_bytes() != beta[1].read_bytes()
    # A previous CSV whose bytes no longer have their recorded digest is never reused.
    gamma = second.run_dir / "csv" / "gamma.csv"
    good = gamma.read_bytes()
    os.chmod(gamma, 0o644)
    gamma.write_bytes(good.replace(b"same", b"SAME"))
    third = publish_run(tables_for("same"), out, {"run_id": "run3"})
    assert (third.run_dir / "csv" / "gamma.csv").read_bytes() == good
    for name in NAMES:  # every file as a publish from scratch writes it
        fresh = publish_run(tables_for("same"), tmp_path / f"fresh-{name}", {"run_id": "x"})
        for rel in (f"{name}.parquet", f"csv/{name}.csv"):
            assert (third.run_dir / rel).read_bytes() == (fresh.run_dir / rel).read_bytes()
    assert_one_run(out, {"run3": reader_view(out)})


def test_plain_files_of_an_older_layout_are_adopted_without_a_mix(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "csv").mkdir(parents=True)
    for name in NAMES:
        (out / f"{name}.parquet").write_bytes(b"old parquet " + name.encode())
        (out / "csv" / f"{name}.csv").write_text(f"old,{name}\n")
    release.adopt_plain_files(out)
    # Same bytes as before, now through current/.
    assert (out / "alpha.parquet").is_symlink()
    assert (out / "alpha.parquet").read_bytes() == b"old parquet alpha"
    assert read_manifest(out)["run_id"] == "adopted"
    publish(out, "new")
    assert assert_one_run(out, {"new": reader_view(out)}) == "new"


def test_a_failure_while_writing_replaces_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    publish(out, "good")
    before = snapshot(out)

    def failing() -> Iterator[tuple[str, pa.Table]]:
        yield tables_for("bad")[0]
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space"):
        publish_run(failing(), out, {"run_id": "bad"})
    after = snapshot(out)
    assert {k: v for k, v in after.items() if not k.startswith(".runs/")} == {
        k: v for k, v in before.items() if not k.startswith(".runs/")
    }
    publish(out, "next")  # the half-written run is cleaned by the next one
    assert_tidy(out)


def test_output_directory_checks(tmp_path: Path) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(release.OutputUnusable, match="is not a directory"):
        check_out_dir(a_file)
    with pytest.raises(release.OutputUnusable, match="cannot be created"):
        check_out_dir(a_file / "sub")
    check_out_dir(tmp_path / "new" / "deeper")
    assert (tmp_path / "new" / "deeper").is_dir()
    assert a_file.read_text() == "x"


# --- SIGKILL at every step of publishing ------------------------------------------------

COUNTED = ("rename", "replace", "symlink", "fsync", "mkdir", "unlink", "rmdir", "link", "pwrite")


def _run_killed_at(kill_at: int, action: Callable[[], None]) -> int:
    """Fork; in the child count file-system calls and SIGKILL itself just before call ``kill_at``.

    Returns the number of calls the child made (from a pipe) when it was not killed.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_end)
        calls = [0]

        def counted(fn: Callable[..., Any]) -> Callable[..., Any]:
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                calls[0] += 1
                if calls[0] == kill_at:
                    os.kill(os.getpid(), signal.SIGKILL)
                return fn(*args, **kwargs)

            return wrapper

        try:
            for name in COUNTED:
                setattr(os, name, counted(getattr(os, name)))
            pq.write_table = counted(pq.write_table)
            builtins.open = counted(builtins.open)
            action()
            os.write(write_end, str(calls[0]).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    deadline = time.monotonic() + 60
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail(f"publisher hung (kill_at={kill_at})")
        time.sleep(0.005)
    with os.fdopen(read_end) as pipe:
        text = pipe.read()
    if kill_at > 0 and os.WIFSIGNALED(status):
        assert os.WTERMSIG(status) == signal.SIGKILL
        return -1
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    return int(text)


def _kill_at_every_step(tmp_path: Path, prepare: Callable[[Path], dict[str, dict[str, bytes]]]):
    """Kill a publish before each of its file-system calls; check readers and the next run."""
    probe = tmp_path / "probe"
    prepare(probe)
    total = _run_killed_at(0, lambda: publish(probe, "new"))
    assert total > 30  # the counter sees the publishing steps
    # What "new" looks like when complete (its tables are deterministic).
    publish(tmp_path / "twin", "new")
    new_view = {"new": reader_view(tmp_path / "twin")}
    template = tmp_path / "template"
    allowed = prepare(template)
    kills = 0
    outcomes: dict[str | None, int] = {}
    for k in range(1, total + 1):
        out = tmp_path / f"k{k}"
        shutil.copytree(template, out, symlinks=True)
        if _run_killed_at(k, lambda out=out: publish(out, "new")) == -1:
            kills += 1
        seen = assert_one_run(out, {**allowed, **new_view})
        outcomes[seen] = outcomes.get(seen, 0) + 1
        for old_id, old_view in allowed.items():
            if seen == old_id and "manifest.json" in old_view:
                assert reader_view(out) == old_view  # the previous outputs intact, manifest too
        publish(out, "after")
        assert assert_one_run(out, {"after": reader_view(out)}) == "after"
        assert_tidy(out)
    return kills, total, outcomes


def _previous_run(out: Path) -> dict[str, dict[str, bytes]]:
    publish(out, "old")
    return {"old": reader_view(out)}


def test_sigkill_at_every_step_of_publishing_never_mixes_runs(tmp_path: Path) -> None:
    kills, total, outcomes = _kill_at_every_step(tmp_path, _previous_run)
    print(
        f"\nSIGKILL before each of {total} publishing calls: {kills} kills, readers saw {outcomes}"
    )
    assert kills == total
    assert outcomes.get("old") and outcomes.get("new")  # kills came before and after the switch


def _plain_files(out: Path) -> dict[str, dict[str, bytes]]:
    """An output directory of the older layout: plain files, no manifest."""
    publish(out, "old")
    view = reader_view(out)
    release._remove(out / "current", None)
    release._remove(out / ".runs", None)
    for rel, data in view.items():
        (out / rel).unlink()
        if rel != "manifest.json":
            (out / rel).write_bytes(data)
    plain = {k: v for k, v in view.items() if k != "manifest.json"}
    return {"plain": plain, "adopted": plain}


def test_sigkill_while_adopting_plain_files_never_mixes(tmp_path: Path) -> None:
    kills, total, outcomes = _kill_at_every_step(tmp_path, _plain_files)
    print(f"\nSIGKILL (older layout) before each of {total} calls: {kills} kills, saw {outcomes}")
    assert kills == total
    assert outcomes.get("plain") and outcomes.get("adopted") and outcomes.get("new")


def test_sigkill_after_random_delays_never_mixes_runs(tmp_path: Path) -> None:
    """A process publishing run after run (large tables) is killed at random moments."""
    out = tmp_path / "out"
    publish(out, "seed-run", rows=2_000)
    views = {"seed-run": reader_view(out)}
    labels = [f"r{i:02d}" for i in range(12)]
    for label in labels:  # what each run looks like when complete, written elsewhere
        twin = tmp_path / "twins" / label
        publish(twin, label, rows=2_000)
        views[label] = reader_view(twin)
    rng = random.Random(11)
    tries, seen_runs = 25, set()
    for _ in range(tries):
        pid = os.fork()
        if pid == 0:
            try:
                for label in labels:
                    publish(out, label, rows=2_000)
            finally:
                os._exit(0)
        time.sleep(rng.uniform(0.0, 0.8))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        run_id = assert_one_run(out, views)
        seen_runs.add(run_id)
    print(f"\n{tries} SIGKILLs after random delays: readers saw runs {sorted(seen_runs)}")
    publish(out, "final", rows=10)
    assert_tidy(out)
    assert len(seen_runs) > 2  # kills landed at different moments


# --- two publishers, one directory ---------------------------------------------------------


def test_two_concurrent_publishers_take_turns(tmp_path: Path) -> None:
    out = tmp_path / "out"
    log = tmp_path / "log"

    def slow(label: str) -> Iterator[tuple[str, pa.Table]]:
        for item in tables_for(label):
            time.sleep(0.2)  # hold the lock long enough for the other to arrive
            yield item

    pids = []
    for label in ("one", "two"):
        pid = os.fork()
        if pid == 0:
            code = 1
            try:

                def note(msg: str, label: str = label) -> None:
                    with open(log, "a") as handle:
                        handle.write(f"{label}: {msg}\n")

                publish_run(slow(label), out, {"run_id": label}, lock_timeout=30, warn=note)
                code = 0
            finally:
                os._exit(code)
        pids.append(pid)
        time.sleep(0.1)
    codes = [os.waitstatus_to_exitcode(os.waitpid(p, 0)[1]) for p in pids]
    assert codes == [0, 0]
    text = log.read_text()
    assert "two: waiting up to 30 s for another run (pid" in text and "run one)" in text
    # "two" waited, so it published last and readers see all of it.
    assert assert_one_run(out, {"two": reader_view(out)}) == "two"
    assert_tidy(out)


def test_a_publisher_that_cannot_get_the_lock_refuses_and_touches_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    publish(out, "good")
    before = snapshot(out)
    ready_r, ready_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            with publish_lock(out, "pid holder, run other", timeout=1):
                os.write(ready_w, b"x")
                time.sleep(30)
        finally:
            os._exit(0)
    os.read(ready_r, 1)
    try:
        with pytest.raises(PublishLocked) as caught:
            publish(out, "late", lock_timeout=0.3)
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    message = str(caught.value)
    assert "\n" not in message
    assert "another run (pid holder, run other) is publishing into" in message
    assert "nothing was published" in message
    assert {k: v for k, v in snapshot(out).items() if k != ".lock"} == {
        k: v for k, v in before.items() if k != ".lock"
    }
    publish(out, "later")  # the lock died with its holder
    assert read_manifest(out)["run_id"] == "later"
