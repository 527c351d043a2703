"""One build at a time per output folder: ``DIR/.publish.lock``.

``make -j pdf epub`` runs two builds into one folder; the second waits for the first (as
make itself would), saying so once, then finds most of its work done. The lock is the
kernel's (``flock``): it goes away with the process holding it, however that process ends,
so a killed build never leaves a stale lock behind.

Only the build's own process holds it. A flock belongs to the open file, and a forked
child shares the parent's open files: workers forked while the lock was held would keep
it after the build died (a SIGKILL'd build then blocked every later one). So the file is
opened close-on-exec (pandoc and other programs never get it) and every forked child
closes its copy at once (``os.register_at_fork``), which leaves the parent's lock alone.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from publish import stamp
from publish.errors import BuildError

LOCK = stamp.LOCK

_held: set[int] = set()  # lock file descriptors this process holds


def _close_in_child() -> None:
    # Closing (not LOCK_UN, which would unlock the parent too) drops the child's reference.
    for fd in _held:
        with suppress(OSError):
            os.close(fd)
    _held.clear()


os.register_at_fork(after_in_child=_close_in_child)


def open_plain(path: Path, flags: int) -> int:
    """``path`` opened with ``flags``, refusing a symbolic link or anything but a plain
    file with one name (writing through one would change a file outside the folder)."""
    try:
        fd = os.open(path, flags | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK, 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise BuildError(
                f"{path}: is a symbolic link; remove it (publish does not write through links)"
            ) from None
        raise BuildError(f"{path}: cannot open ({exc.strerror}); check the folder") from None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1:
        os.close(fd)
        what = "not a plain file" if not stat.S_ISREG(st.st_mode) else "a hard link"
        raise BuildError(f"{path}: is {what}; remove it (publish keeps its own file there)")
    return fd


@contextmanager
def locked(out: Path, say: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold ``out``'s build lock for the block; wait for another build that holds it."""
    out.mkdir(parents=True, exist_ok=True)
    fd = open_plain(out / LOCK, os.O_RDWR | os.O_CREAT)
    _held.add(fd)
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
        _held.discard(fd)
        os.close(fd)  # releases the lock
