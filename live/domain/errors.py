"""The one error type the domain raises.

``message`` is a German msgid: the web layer translates it for the reader. ``code`` is the stable
snake_case identifier of the public interface (``{"error": {"code": ..., "message": ...}}``).
"""

from __future__ import annotations


class DomainError(Exception):
    """A rule was broken by the input; nothing was changed."""

    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.message = message
        # Values interpolated into the translated message with ``%(name)s``.
        self.params = params

    def __repr__(self) -> str:
        return f"DomainError({self.code!r})"
