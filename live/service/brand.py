"""An event's branding: its primary colour and its logo (rules in live/domain/brand.py).

Organiser only (checked in live/web/access.py before these are called). No hub message: the
brand is read when a page loads (the stylesheet /e/{code}/brand.css and the logo's URL carry
its version, so browsers fetch the new one at once); a page that is already open, such as a
running projector, shows the new brand after its next reload.
"""

from __future__ import annotations

from dataclasses import replace

from live.domain.brand import check_color, check_logo
from live.domain.errors import DomainError
from live.domain.models import Event, Logo
from live.domain.setup import Problems
from live.domain.text import _n
from live.errors import NotFound
from live.store import Store

# update(color=KEEP): the colour stays as it is (a form or call that does not name one).
KEEP: object = object()


def logo_not_found() -> NotFound:
    return NotFound("logo_not_found", _n("Diese Veranstaltung hat kein Logo."))


class BrandService:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def update(
        self,
        event: Event,
        *,
        color: object = KEEP,
        logo: bytes | None = None,
        media_type: str | None = None,
    ) -> Event:
        """Set the colour ("" or None: the app's own; KEEP: unchanged) and, when ``logo`` is
        given, the logo. Both are checked before either is written; with errors in both,
        Problems names each (fields "brand_color" and "logo")."""
        problems: dict[str, DomainError] = {}
        clean_color = event.brand_color
        if color is not KEEP:
            try:
                clean_color = check_color(color)
            except DomainError as exc:
                problems["brand_color"] = exc
        checked: Logo | None = None
        if logo is not None:
            try:
                checked = check_logo(logo, media_type)
            except DomainError as exc:
                problems["logo"] = exc
        if problems:
            raise Problems(problems)
        if clean_color != event.brand_color:
            await self.store.set_brand_color(event.code, clean_color)
        event = replace(event, brand_color=clean_color)
        if checked is not None:
            await self._store_logo(event, checked)
            event = replace(event, logo_version=checked.version)
        return event

    async def set_color(self, event: Event, color: object) -> Event:
        return await self.update(event, color=color)

    async def set_logo(self, event: Event, data: bytes, media_type: str | None = None) -> Event:
        checked = check_logo(data, media_type)
        await self._store_logo(event, checked)
        return replace(event, logo_version=checked.version)

    async def remove_logo(self, event: Event) -> Event:
        if event.logo_version is not None:
            await self.store.set_logo(event.code, None)
        return replace(event, logo_version=None)

    async def logo(self, event: Event) -> Logo:
        """The event's logo with its bytes; NotFound without one."""
        logo = await self.store.get_logo(event.code) if event.logo_version else None
        if logo is None:
            raise logo_not_found()
        return logo

    async def _store_logo(self, event: Event, logo: Logo) -> None:
        if logo.version != event.logo_version:  # the same file again changes nothing
            await self.store.set_logo(event.code, logo)
