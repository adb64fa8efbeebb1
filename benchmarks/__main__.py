"""``python -m benchmarks``: run the benchmark suite."""

from __future__ import annotations

import sys

if "--no-speedups" in sys.argv[1:]:
    # Before the SDK is imported: ``import msgspec`` then fails as if it were not
    # installed, and the SDK takes its standard-library JSON path.
    sys.modules["msgspec"] = None  # type: ignore[assignment]

from .run import main

if __name__ == "__main__":
    sys.exit(main())
