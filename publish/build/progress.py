"""Progress on stderr: one line per finished output with its time; on a terminal, a status
line under them that is redrawn in place; nothing with ``--quiet``."""

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

    def line(self, text: str) -> None:
        if self.quiet:
            return
        self._clear()
        self.log(text)
        self._status()

    def finished(self, path: str, seconds: float) -> None:
        self.done += 1
        self.line(f"built {path} ({seconds:.1f} s)")

    def _status(self) -> None:
        if self.live and self.done < self.total:
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
