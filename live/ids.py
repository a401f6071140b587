"""Randomness lives here (the domain takes ids as arguments). Cryptographically strong throughout:
join codes and tokens are the only thing between the public and an event."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from live.domain.codes import ALPHABET, CODE_LENGTH


class Ids:
    """Injected into the service so tests can substitute a deterministic source."""

    def event_code(self) -> str:
        return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))

    def object_id(self) -> str:
        # 12 URL-safe characters, 72 bits: unguessable enough for room/poll/question ids.
        return secrets.token_urlsafe(9)

    def token(self) -> str:
        return secrets.token_urlsafe(24)


def token_hash(token: str) -> str:
    """Tokens are stored only as hashes; a leaked database does not hand out moderator rights."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_matches(token: str | None, digest: str | None) -> bool:
    """Whether ``token`` is the one stored as ``digest`` (constant time: the comparison must
    not tell an attacker how much of a guessed token was right)."""
    if not token or digest is None:
        return False
    return hmac.compare_digest(token_hash(token), digest)


def secret_matches(offered: str | None, secret: str) -> bool:
    """Whether ``offered`` is a secret kept in plain (LIVE_ADMIN_TOKEN), in constant time. Both
    are hashed first: compare_digest is constant only for equal lengths, and the hashes are."""
    if not offered or not secret:
        return False
    return hmac.compare_digest(token_hash(offered), token_hash(secret))
