"""Who may create events: with LIVE_ADMIN_TOKEN set, only who offers it (the start page's form
field or the API's Bearer token). Wrong guesses are budgeted per client address."""

from __future__ import annotations

from live.domain.budget import Budget, address_key
from live.domain.text import _n
from live.errors import Forbidden, TooMany, Unauthorized
from live.ids import secret_matches
from live.service.clock import Clock

# Wrong admin tokens per client address and minute. A token from `secrets` cannot be guessed at
# any rate; this keeps a short hand-made one from being tried at the server's full speed.
ADMIN_FAILURES_PER_MINUTE = 10

NEEDS_ADMIN = _n("Zum Anlegen einer Veranstaltung ist ein Zugang nötig.")
WRONG_ADMIN = _n("Der Zugang zum Anlegen von Veranstaltungen ist ungültig.")
TOO_MANY_GUESSES = _n(
    "Zu viele falsche Zugangsschlüssel. Bitte versuchen Sie es in einer Minute noch einmal."
)


class AdminService:
    def __init__(self, token: str, clock: Clock) -> None:
        self.token = token
        self.clock = clock
        self.failures = Budget(ADMIN_FAILURES_PER_MINUTE, 60.0)

    @property
    def required(self) -> bool:
        return bool(self.token)

    def check(self, offered: str | None, address: str) -> None:
        """Passes when the instance sets no token or ``offered`` is it. Unauthorized without a
        token, Forbidden with a wrong one. Once an address has spent its wrong guesses, every
        attempt from it is TooMany until a guess leaves the minute, the right token's too:
        otherwise the answers would still tell a guesser when it was right."""
        if not self.token:
            return
        key, now = address_key(address), self.clock.now().timestamp()
        wait = self.failures.wait(key, now)
        if wait:
            raise TooMany("too_many_attempts", TOO_MANY_GUESSES, retry_after=wait)
        if not offered:
            raise Unauthorized("unauthorized", NEEDS_ADMIN)
        if not secret_matches(offered, self.token):
            self.failures.spend(key, now)
            raise Forbidden("forbidden", WRONG_ADMIN)
