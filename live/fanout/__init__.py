"""Per-room, per-tick fan-out of state to sockets (see channel.py)."""
