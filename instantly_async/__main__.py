"""``python -m instantly_async``: the same as the ``instantly-async`` command."""

import sys

from ._cli import main

sys.exit(main())
