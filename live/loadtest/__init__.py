"""`live loadtest`: the benchmark's load generator behind a command an IT department runs
against its own server (live/loadtest/command.py). bench/perf.py drives the same processes.

Modules: ``target`` (the one host a run may talk to, and JSON over HTTP to it), ``rawws`` and
``pagehttp`` (lean clients for thousands of sockets), ``worker`` (a load-generator process),
``pool`` (the processes, driven over pipes), ``stats`` (percentiles, vote-to-screen latency),
``run`` (the load test's steps) and ``command`` (its command line, progress and summary).
"""
