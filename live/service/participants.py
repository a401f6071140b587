"""Anonymous participants: a random token (in a cookie, or handed to a script by the API) is
all that identifies one; only its hash is stored. Nothing personal is kept."""

from __future__ import annotations

from live.domain import join_code
from live.domain.models import Event
from live.domain.text import _n
from live.errors import Forbidden
from live.ids import Ids, token_hash
from live.service.clock import Clock
from live.store import Store

# Bound of the token map (cleared whole when exceeded: simple, and rare).
TOKEN_CACHE_LIMIT = 200_000
MAX_TOKEN_LEN = 200

JOIN_CODE_REQUIRED = _n(
    "Zum Mitmachen brauchen Sie den vierstelligen Code, der auf der Leinwand steht."
)
JOIN_CODE_WRONG = _n(
    "Dieser Code stimmt nicht (mehr). Bitte geben Sie den Code ein, der jetzt auf der Leinwand "
    "steht."
)


class ParticipantService:
    def __init__(self, store: Store, ids: Ids, clock: Clock) -> None:
        self.store = store
        self.ids = ids
        self.clock = clock
        # Socket handshakes come in thousands at once: a token's participant never changes, so
        # the ones already seen are answered from memory.
        self._tokens: dict[tuple[str, str], str] = {}

    async def join(self, event: Event) -> tuple[str, str]:
        """A new anonymous participant: (participant_id, token)."""
        participant_id, token = self.ids.object_id(), self.ids.token()
        # The creation time decides "joined before the poll opened" and the console's burst
        # warning (live/domain/bursts.py).
        await self.store.add_participant(
            event.code, participant_id, token_hash(token), self.clock.now()
        )
        self._remember((event.code, token_hash(token)), participant_id)
        return participant_id, token

    def check_join_code(self, event: Event, offered: object) -> None:
        """The gate before a new identity, when the event requires the projector's code:
        Forbidden ``join_code_required`` (none offered) or ``join_code_wrong`` (not the current
        or the previous minute's). Whoever already has an identity is never asked."""
        if event.join_code_secret is None:
            return
        if offered is None or offered == "":
            raise Forbidden("join_code_required", JOIN_CODE_REQUIRED)
        if not join_code.accepts(event.join_code_secret, offered, self.clock.now()):
            raise Forbidden("join_code_wrong", JOIN_CODE_WRONG)

    def join_code(self, event: Event) -> str | None:
        """The code the projector shows now (None: the event requires none)."""
        if event.join_code_secret is None:
            return None
        return join_code.current_code(event.join_code_secret, self.clock.now())

    async def lookup(self, event: Event, token: str | None) -> str | None:
        """The participant holding ``token`` in this event, or None."""
        if not token or len(token) > MAX_TOKEN_LEN:
            return None
        key = (event.code, token_hash(token))
        known = self._tokens.get(key)
        if known is not None:
            return known
        participant_id = await self.store.participant_by_token(*key)
        if participant_id is not None:  # only hits: an unknown token may join later
            self._remember(key, participant_id)
        return participant_id

    def forget(self, code: str) -> None:
        """Drop the tokens of a deleted event."""
        for key in [k for k in self._tokens if k[0] == code]:
            del self._tokens[key]

    def _remember(self, key: tuple[str, str], participant_id: str) -> None:
        if len(self._tokens) > TOKEN_CACHE_LIMIT:
            self._tokens.clear()
        self._tokens[key] = participant_id
