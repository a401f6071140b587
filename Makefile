# Developer shortcuts. The README's two commands need none of this.
PY ?= .venv/bin/python

.PHONY: bench bench-full test

# The short load benchmark (< 3 minutes): app vs. raw broadcaster, writes docs/benchmarks.md.
bench:
	$(PY) -m bench.perf --short

# The full set: 10,000 participants, 5 alternating pairs (about 20 minutes).
bench-full:
	$(PY) -m bench.perf

test:
	tests/run
