"""Benchmarks for instantly-async: ``python -m benchmarks`` (see benchmarks/README.md).

Not a test suite: pytest only collects ``tests/``, and nothing here is named ``test_*``.
"""
