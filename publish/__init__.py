"""publish: Chinese Markdown reports to EPUB, DOCX, PDF and HTML editions."""

__version__ = "0.1.0"
