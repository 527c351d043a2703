"""Progress on stderr: one line per finished output with its time; on a terminal, a status
line under them that is redrawn in place; nothing with ``--quiet``. A Ctrl-C is answered
even then: the user asked something and waits for the build to end."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO


class Progress:
    def __init__(
        self,
        total: int,
        quiet: bool = False,
        log: Callable[[str], None] | None = None,
        stream: TextIO | None = None,
    ) -> None:
        self.total = total
        self.done = 0
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self.log = log or (lambda line: print(line, file=self.stream, flush=True))
        # A status line only for a person watching a terminal: never in logs or pipes.
        self.live = not quiet and self.stream.isatty()
        self._shown = False
        self.stopped = False

    def line(self, text: str) -> None:
        if self.quiet:
            return
        self._clear()
        self.log(text)
        self._status()

    def finished(self, path: str, seconds: float) -> None:
        self.done += 1
        self.line(f"built {path} ({seconds:.1f} s)")

    def stopping(self, running: int) -> None:
        """The first Ctrl-C: no job starts any more; ``running`` ones may still finish."""
        self.stopped = True
        self._clear()
        jobs = "1 job" if running == 1 else f"{running} jobs"
        print(f"stopping: {jobs} running (Ctrl-C again to abort)", file=self.stream, flush=True)

    def _status(self) -> None:
        if self.live and self.done < self.total and not self.stopped:
            self.stream.write(f"  building… {self.done}/{self.total}")
            self.stream.flush()
            self._shown = True

    def _clear(self) -> None:
        if self._shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self._shown = False

    def start(self) -> None:
        if not self.quiet:
            self._status()

    def close(self) -> None:
        self._clear()
