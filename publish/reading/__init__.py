"""Reading: bytes to normalised text (decode.py), text to pandoc's AST (parse.py)."""

from publish.reading.decode import decode
from publish.reading.parse import parse, read

__all__ = ["decode", "parse", "read"]
