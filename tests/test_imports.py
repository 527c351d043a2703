"""Every module of the package imports on its own, first: an import cycle shows only when
the module in it is the first one imported (config and the edition table once had one),
and a module no other test imports is still read here."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import publish

CHECK = """
import importlib, sys
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m == "publish" or m.startswith("publish.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as exc:
        failed.append(f"{name}: {type(exc).__name__}: {exc}")
print("\\n".join(failed))
"""


def test_every_module_imports_first_and_alone():
    names = [
        m.name
        for m in pkgutil.walk_packages(publish.__path__, "publish.")
        if m.name != "publish.__main__"
    ]
    assert len(names) > 60
    proc = subprocess.run(
        [sys.executable, "-c", CHECK, *names], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "", proc.stdout
