"""One build at a time per output folder: ``DIR/.publish.lock``.

``make -j pdf epub`` runs two builds into one folder; the second waits for the first (as
make itself would), saying so once, then finds most of its work done. The lock is the
kernel's (``flock``): it goes away with the process holding it, however that process ends,
so a killed build never leaves a stale lock behind. Worker processes inherit it, so a
build's own workers count as that build.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK = ".publish.lock"


@contextmanager
def locked(out: Path, say: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold ``out``'s build lock for the block; wait for another build that holds it."""
    out.mkdir(parents=True, exist_ok=True)
    fd = os.open(out / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            if say:
                who = f" (pid {holder})" if holder.isdigit() else ""
                say(f"waiting for another build into {out}{who} to finish")
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock
