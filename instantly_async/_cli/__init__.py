"""The ``instantly-async`` command line.

Modules, each importing only those below it:

* ``_main``: ``main()``: parsing, global options, dispatch, exit codes;
* ``_commands``: list, get, sending-status and the bulk operations;
* ``_demo``: the embedded demo (the fake server and one real bulk pause);
* ``_jobs``: one bulk job with progress, per-target results and the summary;
* ``_report``, ``_progress``, ``_output``: what is written, and where;
* ``_parser``, ``_options``, ``_errors``: the command line's shape.
"""

from ._main import main

__all__ = ["main"]
