"""Build: the orchestrator (``build``), the report, the manifest and the download page."""

from publish.build.build import BuildResult, build, prepare

__all__ = ["BuildResult", "build", "prepare"]
