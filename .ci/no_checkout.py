"""Run ``publish ARGS...`` and fail if it reads anything in the checkout CHECKOUT.

Usage: python no_checkout.py CHECKOUT [--allow DIR]... ARGS...
Copy this file out of the checkout first, and run it from a folder outside it. --allow:
a folder inside the checkout that may be read (a venv holding the dependencies). An audit
hook (PEP 578) refuses every file opened, folder listed and program started whose path
lies in the checkout: publish then fails with the path in its error, and this script
exits non-zero naming it. Forked workers inherit the hook. Proves that an installed wheel
carries its styles, templates and data.
"""

from __future__ import annotations

import os
import sys

checkout = os.path.realpath(sys.argv[1])
args = sys.argv[2:]
allowed: list[str] = []
while args[:1] == ["--allow"]:
    allowed.append(os.path.realpath(args[1]))
    args = args[2:]
inside: list[str] = []


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder + os.sep)


def _in_checkout(path: object) -> str | None:
    if isinstance(path, int) or path is None:
        return None
    try:
        text = os.fsdecode(path)  # type: ignore[arg-type]
    except TypeError:
        return None
    real = os.path.realpath(text)
    if not _under(real, checkout) or any(_under(real, a) for a in allowed):
        return None
    return real


def hook(event: str, args: tuple) -> None:
    found = None
    if event in ("open", "os.listdir", "os.scandir") and args:
        found = _in_checkout(args[0])
    elif event == "subprocess.Popen" and len(args) > 1:
        found = next((str(a) for a in args[1] or () if _in_checkout(str(a))), None)
    if found:
        inside.append(found)
        raise RuntimeError(f"read from the checkout: {found}")


sys.addaudithook(hook)

import publish  # noqa: E402  (after the hook: the import itself is watched)
from publish.cli import main  # noqa: E402

if _in_checkout(publish.__file__):
    sys.exit(f"publish was imported from the checkout: {publish.__file__}")
code = main(args)
if inside:
    sys.exit(f"publish read {len(inside)} path(s) in the checkout, first {inside[0]}")
sys.exit(code)
