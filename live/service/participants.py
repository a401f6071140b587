"""Anonymous participants: a random token (in a cookie, or handed to a script by the API) is
all that identifies one; only its hash is stored. Nothing personal is kept."""

from __future__ import annotations

from live.domain import join_code
from live.domain.budget import Budget, address_key
from live.domain.models import Event
from live.domain.text import _n
from live.errors import Forbidden, TooMany
from live.ids import Ids, token_hash
from live.service.clock import Clock
from live.store import Store

# New identities per client address and minute (LIVE_JOIN_PER_MINUTE): a script must not mint
# voters by the thousand, while a venue where 400 phones share one NAT address still gets in.
JOIN_PER_MINUTE = 300
TOO_MANY_JOINS = _n(
    "Aus Ihrem Netz sind gerade sehr viele Teilnehmende auf einmal beigetreten. "
    "Bitte versuchen Sie es in einer Minute noch einmal."
)

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
    def __init__(
        self, store: Store, ids: Ids, clock: Clock, join_per_minute: int = JOIN_PER_MINUTE
    ) -> None:
        self.store = store
        self.ids = ids
        self.clock = clock
        self.joins = Budget(join_per_minute, 60.0)
        # Socket handshakes come in thousands at once: a token's participant never changes, so
        # the ones already seen are answered from memory.
        self._tokens: dict[tuple[str, str], str] = {}

    async def join(
        self, event: Event, address: str, offered_code: object = None
    ) -> tuple[str, str]:
        """A new anonymous participant: (participant_id, token). The only place identities are
        made (the participant page's first load and the API's join): each is taken from the
        budget of the client ``address``, TooMany when it is spent. An event that requires the
        projector's code refuses without it before the budget is touched (showing the code's
        form makes nobody), and a wrong code after: guesses are spent from the same budget."""
        if event.join_code_secret is not None and offered_code in (None, ""):
            raise Forbidden("join_code_required", JOIN_CODE_REQUIRED)
        wait = self.joins.take(address_key(address), self.clock.now().timestamp())
        if wait:
            raise TooMany("too_many_joins", TOO_MANY_JOINS, retry_after=wait)
        self.check_join_code(event, offered_code)
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
