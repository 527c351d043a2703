"""Where layout and typography live: the project's ``styles/`` folder."""

from pathlib import Path

STYLES = Path(__file__).resolve().parent.parent / "styles"
