"""The bounds of `live loadtest` (apart from the rest, so the command line loads without the
load generator)."""

MAX_PARTICIPANTS = 50_000
MAX_SECONDS = 600.0
VOTE_EVERY = 2.0  # seconds between two votes of one participant, as a person would
