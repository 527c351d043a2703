"""Layout and typography: CSS, templates, reference DOCX and vocabulary, shipped as package
data beside this file (``publish/styles/``), so an installed wheel builds like a checkout."""

from pathlib import Path

STYLES = Path(__file__).resolve().parent
