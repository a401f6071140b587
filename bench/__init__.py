"""Benchmarks that drive a real `live serve` over its public interface (see docs/benchmarks.md).

Run them as modules from the repository root, e.g. ``.venv/bin/python -m bench.qa_room``.
"""
