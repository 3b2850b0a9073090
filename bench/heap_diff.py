"""What a worker's heap grew by between two snapshots of shopapp/heap_probe.py, per connected shopper.

    .venv/bin/python bench/heap_diff.py FOLDER --per 250          # the snapshots a run left in FOLDER

bench/storefront_scale.py --heap FOLDER takes the snapshots (each worker, before and after connecting
the shoppers) and prints this report itself. For each worker: RSS, glibc malloc, pymalloc and the
traced Python heap before and after, per shopper; then the allocation sites that grew, grouped by
traceback and named by the frames that say who asked (the first frames outside the standard library's
plumbing), and the object types whose count grew.
"""

from __future__ import annotations

import argparse
import json
import tracemalloc
from pathlib import Path

# Frames that say nothing about who holds the memory: an allocation is named by the innermost frames
# outside these (the caller in Reflex, socket.io, engine.io, uvicorn or ours).
PLUMBING = ("/asyncio/", "/tracemalloc.py", "/typing.py", "/functools.py", "/copy.py", "/abc.py", "<frozen",
            "/contextlib.py", "/dataclasses.py", "/enum.py", "/json/", "/weakref.py", "/_weakrefset.py")


def report(folder: Path, per: int, top: int = 25) -> str:
    rows: list[str] = []
    for before_json in sorted(folder.glob("*-0.json")):
        pid = before_json.name.split("-")[0]
        after_json = folder / f"{pid}-1.json"
        if not after_json.exists():
            continue
        before, after = json.loads(before_json.read_text()), json.loads(after_json.read_text())
        if after.get("connections", 0) > before.get("connections", 0):  # engine.io sessions opened between
            per = after["connections"] - before["connections"]
        rows += _figures(pid, before, after, per)
        before_snap, after_snap = folder / f"{pid}-0.snap", folder / f"{pid}-1.snap"
        if before_snap.exists() and after_snap.exists():
            rows += _sites(tracemalloc.Snapshot.load(str(before_snap)), tracemalloc.Snapshot.load(str(after_snap)),
                           per, top)
    return "\n".join(rows)


def _figures(pid: str, before: dict, after: dict, per: int) -> list[str]:
    per = max(per, 1)
    rows = [f"worker {pid}: per shopper ({per} connected to this worker)"]
    for name, label in (("rss", "RSS"), ("malloc_arena", "glibc malloc: taken from the system (arenas)"),
                        ("malloc_uordblks", "glibc malloc: handed out"), ("malloc_fordblks", "glibc malloc: free inside"),
                        ("malloc_hblkhd", "glibc malloc: mmap'd blocks"),
                        ("pymalloc_used", "pymalloc: live blocks"), ("pymalloc_free", "pymalloc: free in its pools"),
                        ("traced", "tracemalloc: traced Python heap")):
        if before.get(name) is None or after.get(name) is None:
            continue
        rows.append(f"  {label:<46} {(after[name] - before[name]) / per / 1024:8.2f} KB")
    if "pymalloc_arenas" in before:
        rows.append(f"  {'pymalloc: arenas (1 MiB each)':<46} {before['pymalloc_arenas']} -> {after['pymalloc_arenas']}")
    grown = {kind: after["objects"].get(kind, 0) - before["objects"].get(kind, 0) for kind in after["objects"]}
    rows.append("  objects per shopper: " + ", ".join(
        f"{kind} {count / per:.1f}" for kind, count in sorted(grown.items(), key=lambda kv: -kv[1])[:25] if count > 0))
    if "tasks" in after:
        rows.append("  asyncio tasks per shopper, by the chain of coroutines each waits in:")
        for chain, count in after["tasks"].items():
            if (grown := count - before.get("tasks", {}).get(chain, 0)) > 0:
                rows.append(f"    {grown / per:4.1f}  {chain}")
    return rows


def _sites(before: tracemalloc.Snapshot, after: tracemalloc.Snapshot, per: int, top: int) -> list[str]:
    per = max(per, 1)
    grown = [stat for stat in after.compare_to(before, "traceback") if stat.size_diff > 0]
    total = sum(stat.size_diff for stat in grown)
    rows = [f"  traced growth {total / per / 1024:.2f} KB per shopper; the largest sites (who asked, innermost first):"]
    named: dict[str, list[int]] = {}
    packages: dict[str, int] = {}
    for stat in grown:
        name = _who(stat.traceback)
        named.setdefault(name, [0, 0])
        named[name][0] += stat.size_diff
        named[name][1] += stat.count_diff
        package = _package(stat.traceback)
        packages[package] = packages.get(package, 0) + stat.size_diff
    rows.append("  by the package whose code asked (innermost frame outside the plumbing): " + ", ".join(
        f"{package} {size / per / 1024:.1f} KB" for package, size in sorted(packages.items(), key=lambda kv: -kv[1])))
    for name, (size, count) in sorted(named.items(), key=lambda kv: -kv[1][0])[:top]:
        rows.append(f"  {size / per:8.0f} B {count / per:6.1f} blocks  {name}")
    return rows


def _who(traceback: tracemalloc.Traceback, depth: int = 4) -> str:
    """The innermost `depth` frames outside the plumbing, innermost first (tracemalloc's own order is
    outermost first in Traceback.format, innermost first in iteration with most_recent_first)."""
    frames = [frame for frame in reversed(list(traceback)) if not any(part in frame.filename for part in PLUMBING)]
    frames = frames or list(reversed(list(traceback)))
    return " < ".join(f"{_short(frame.filename)}:{frame.lineno}" for frame in frames[:depth])


def _package(traceback: tracemalloc.Traceback) -> str:
    frames = [frame for frame in reversed(list(traceback)) if not any(part in frame.filename for part in PLUMBING)]
    if not frames:
        return "(plumbing only)"
    return _short(frames[0].filename).split("/", 1)[0].removesuffix(".py")


def _short(filename: str) -> str:
    for marker in ("site-packages/", "/shopapp/", "/lib/python3"):
        if marker in filename:
            return filename.split(marker, 1)[1] if marker != "/shopapp/" else "shopapp/" + filename.split(marker, 1)[1]
    return filename


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--per", type=int, default=1, help="shoppers connected to each worker between the snapshots")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    print(report(args.folder, args.per, args.top))


if __name__ == "__main__":
    main()
