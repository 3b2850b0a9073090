"""Where a worker's memory goes, for measuring (bench/storefront_scale.py --heap): a worker started with
SHOPAPP_HEAP_PROBE=<folder> traces its allocations (tracemalloc) and, on SIGUSR1, writes what it holds
to that folder: a tracemalloc snapshot, and beside it the allocator's own figures (RSS, what glibc's
malloc and Python's small-object allocator hold, the live objects by type), so the Python heap's growth
can be set against the RSS's (fragmentation, arenas, memory that is not Python objects).

Off unless the variable is set: tracing costs every allocation some CPU and 30-50 % more memory.
"""

from __future__ import annotations

import collections
import ctypes
import ctypes.util
import gc
import json
import os
import signal
import sys
import tracemalloc
from pathlib import Path

PROBE_FOLDER = "SHOPAPP_HEAP_PROBE"
# Enough to reach from an allocation up to the event, socket.io or uvicorn code that asked for it;
# SHOPAPP_HEAP_PROBE_FRAMES=0: the allocator's figures only, untouched by tracing's own memory.
FRAMES = int(os.environ.get("SHOPAPP_HEAP_PROBE_FRAMES", "30") or "30")


def start_in_worker() -> None:
    """In a freshly forked worker: answer SIGUSR1 with a snapshot. Tracing begins at the first one (a
    worker's start traced with 30 frames takes minutes), so the later snapshots hold only what was
    allocated since and is still alive: the growth."""
    folder = os.environ.get(PROBE_FOLDER)
    if not folder:
        return
    signal.signal(signal.SIGUSR1, lambda *_: write_snapshot(Path(folder)))


def write_snapshot(folder: Path) -> Path:
    """`<pid>-<n>.snap` (tracemalloc) and `<pid>-<n>.json` (the allocator's figures) in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    number = len(list(folder.glob(f"{os.getpid()}-*.json")))
    stem = folder / f"{os.getpid()}-{number}"
    gc.collect()  # what a cycle still holds is garbage, not a shopper's cost
    if FRAMES and not tracemalloc.is_tracing():
        tracemalloc.start(FRAMES)
    if tracemalloc.is_tracing():
        tracemalloc.take_snapshot().dump(str(stem) + ".snap")
    stem.with_suffix(".json").write_text(json.dumps(allocator_figures()))
    return stem


def allocator_figures() -> dict:
    """RSS, malloc's and pymalloc's own counts and the live objects by type, in bytes and counts."""
    figures = {"rss": _status_kb("VmRSS") * 1024, "allocated_blocks": sys.getallocatedblocks(),
               "traced": tracemalloc.get_traced_memory()[0] if tracemalloc.is_tracing() else None}
    figures.update(_mallinfo())
    figures.update(_pymalloc())
    kinds = collections.Counter(type(thing).__qualname__ for thing in gc.get_objects())
    # engine.io's session per connected tab: what the growth is divided by
    figures["connections"] = kinds.get("AsyncSocket", 0)
    figures["objects"] = dict(kinds.most_common(60))
    figures["tasks"] = _task_chains()
    return figures


def _task_chains() -> dict[str, int]:
    """The asyncio tasks alive, by the chain of coroutines each is suspended in (outermost first): a
    connection's tasks and how deep each one's await chain is (every frame in it is kept while it waits)."""
    import asyncio

    loop = asyncio._get_running_loop()
    if loop is None:
        return {}
    chains: collections.Counter = collections.Counter()
    for task in asyncio.all_tasks(loop):
        names, coro = [], task.get_coro()
        while coro is not None and len(names) < 60:
            names.append(getattr(coro, "__qualname__", type(coro).__name__))
            coro = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None)
        chains[f"{len(names)} frames: " + " > ".join(names)] += 1
    return dict(chains.most_common(30))


def _pymalloc() -> dict:
    """Python's small-object allocator (objects up to 512 bytes, in 1 MiB arenas it mmaps itself):
    arenas held, bytes in live blocks, bytes free in its pools. From sys._debugmallocstats, which
    writes to the C stderr: caught through a file for the moment."""
    import tempfile

    with tempfile.TemporaryFile() as caught:
        sys.stderr.flush()
        saved = os.dup(2)
        os.dup2(caught.fileno(), 2)
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        caught.seek(0)
        text = caught.read().decode(errors="replace")
    wanted = {"# arenas allocated current": "pymalloc_arenas", "# bytes in allocated blocks": "pymalloc_used",
              "# bytes in available blocks": "pymalloc_free"}
    found = {}
    for row in text.splitlines():
        label, _, number = row.partition("=")
        if label.strip() in wanted:
            found[wanted[label.strip()]] = int(number.strip().replace(",", ""))
    return found


def _status_kb(field: str) -> int:
    for row in Path("/proc/self/status").read_text().splitlines():
        if row.startswith(field + ":"):
            return int(row.split()[1])
    return 0


class _Mallinfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
                 "keepcost")]


def _mallinfo() -> dict:
    """glibc's mallinfo2: `arena` is what malloc took from the system with brk/mmap'd heaps (all arenas),
    `uordblks` what is handed out, `fordblks` what is free inside (fragmentation), `hblkhd` large
    blocks mmap'd on their own. Empty elsewhere (musl, macOS)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"))
        libc.mallinfo2.restype = _Mallinfo2
    except (OSError, AttributeError):
        return {}
    info = libc.mallinfo2()
    return {f"malloc_{name}": getattr(info, name) for name, _ in _Mallinfo2._fields_}
