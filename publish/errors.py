"""The exceptions a user can see: each carries one line of text and an exit code."""


class PublishError(Exception):
    """An error the user can act on. ``str(error)`` is the whole message."""

    exit_code = 1


class UsageError(PublishError):
    """Bad command line or configuration (exit 2)."""

    exit_code = 2


class SourceError(PublishError):
    """A source that cannot be read or understood (exit 1)."""


class BuildError(PublishError):
    """A tool in the chain failed (exit 1)."""


class StrictError(PublishError):
    """``--strict`` and at least one warning (exit 1)."""
