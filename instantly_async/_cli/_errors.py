"""Exit codes and the one error type the command line reports as a usage problem."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1  # something failed, or was not attempted
EXIT_USAGE = 2  # bad usage or configuration: nothing was sent
EXIT_INTERRUPTED = 130  # 128 + SIGINT
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: the reader went away


class UsageError(Exception):
    """A command line that cannot run; reported as one line, exit 2, before any request."""
