"""Per-room, per-tick fan-out of state to sockets (see channel.py; the shared types: types.py)."""
