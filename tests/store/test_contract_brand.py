"""The Store contract for branding (issue 17): the event's colour and logo. Runs once per backend
(the ``store`` fixture of conftest.py)."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from live.domain.models import Logo
from live.store import Store, StoreError
from tests.store.test_contract import CODE, make_event, make_room, setup_event
from tests.store.test_contract_delete import fill_event
from tests.support.images import png, svg

PNG_LOGO = Logo("image/png", png(3, 2), "1111111111111111")
SVG_LOGO = Logo("image/svg+xml", svg(), "2222222222222222")
# Every byte value, also those that are no valid UTF-8: the store keeps bytes, not text.
ODD_LOGO = Logo("image/png", bytes(range(256)) * 40, "3333333333333333")


async def test_a_new_event_has_no_brand(store: Store) -> None:
    await setup_event(store)
    event = await store.get_event(CODE)
    assert event is not None
    assert event.brand_color is None and event.logo_version is None
    assert await store.get_logo(CODE) is None


async def test_an_event_may_be_created_with_a_colour_but_not_with_a_logo(store: Store) -> None:
    coloured = replace(make_event(), brand_color="#0b5394")
    await store.create_event(coloured, [make_room("r1")])
    assert await store.get_event(CODE) == coloured
    with pytest.raises(ValueError, match="set_logo"):
        await store.create_event(
            replace(make_event("OTHER"), logo_version="1" * 16),
            [make_room("o1", event_code="OTHER")],
        )
    assert await store.get_event("OTHER") is None


async def test_set_and_clear_the_colour(store: Store) -> None:
    await setup_event(store, "r1")
    before = await store.room_version("r1")
    await store.set_brand_color(CODE, "#5a2d82")
    event = await store.get_event(CODE)
    assert event == replace(make_event(), brand_color="#5a2d82")
    await store.set_brand_color(CODE, None)
    assert await store.get_event(CODE) == make_event()
    # Nothing live shows the brand: no version bump.
    assert await store.room_version("r1") == before


@pytest.mark.parametrize("logo", [PNG_LOGO, SVG_LOGO, ODD_LOGO], ids=["png", "svg", "bytes"])
async def test_set_read_replace_and_remove_the_logo(store: Store, logo: Logo) -> None:
    await setup_event(store, "r1")
    before = await store.room_version("r1")
    await store.set_logo(CODE, logo)
    assert await store.get_logo(CODE) == logo
    event = await store.get_event(CODE)
    assert event == replace(make_event(), logo_version=logo.version)
    # Replacing: the new bytes and the new version, together.
    other = replace(SVG_LOGO if logo is not SVG_LOGO else PNG_LOGO, version="4444444444444444")
    await store.set_logo(CODE, other)
    assert await store.get_logo(CODE) == other
    event = await store.get_event(CODE)
    assert event is not None and event.logo_version == other.version
    await store.set_logo(CODE, None)
    assert await store.get_logo(CODE) is None
    assert await store.get_event(CODE) == make_event()
    await store.set_logo(CODE, None)  # removing twice is fine
    assert await store.room_version("r1") == before


async def test_colour_and_logo_are_independent(store: Store) -> None:
    await setup_event(store)
    await store.set_brand_color(CODE, "#1e6b34")
    await store.set_logo(CODE, PNG_LOGO)
    await store.set_brand_color(CODE, None)
    assert await store.get_logo(CODE) == PNG_LOGO
    await store.set_brand_color(CODE, "#000000")
    await store.set_logo(CODE, None)
    event = await store.get_event(CODE)
    assert event is not None and event.brand_color == "#000000" and event.logo_version is None


async def test_the_logo_belongs_to_its_event_only(store: Store) -> None:
    await setup_event(store)
    await store.create_event(make_event("OTHER"), [make_room("o1", event_code="OTHER")])
    await store.set_logo(CODE, PNG_LOGO)
    await store.set_brand_color(CODE, "#1e6b34")
    assert await store.get_logo("OTHER") is None
    assert await store.get_event("OTHER") == make_event("OTHER")


async def test_unknown_events(store: Store) -> None:
    with pytest.raises(StoreError):
        await store.set_brand_color("NOPE", "#000000")
    with pytest.raises(StoreError):
        await store.set_logo("NOPE", PNG_LOGO)
    with pytest.raises(StoreError):
        await store.set_logo("NOPE", None)
    assert await store.get_logo("NOPE") is None
    assert await store.get_event("NOPE") is None


async def test_concurrent_logo_writes_leave_one_logo_with_its_own_version(store: Store) -> None:
    await setup_event(store)
    logos = [replace(PNG_LOGO, data=png(n + 1, 1), version=f"{n:016d}") for n in range(8)]
    await asyncio.gather(*(store.set_logo(CODE, logo) for logo in logos))
    got = await store.get_logo(CODE)
    assert got in logos
    event = await store.get_event(CODE)
    assert got is not None and event is not None and event.logo_version == got.version


async def test_a_deleted_event_leaves_no_logo_for_a_new_one_with_its_code(store: Store) -> None:
    # (fill_event sets a logo: test_contract_delete checks it goes with the event.)
    await fill_event(store, CODE, "a-")
    await fill_event(store, "OTHER", "b-")
    kept = await store.get_logo("OTHER")
    assert await store.get_logo(CODE) is not None
    assert await store.delete_event(CODE) != []
    assert await store.get_logo(CODE) is None
    await setup_event(store, "r-new")
    assert await store.get_logo(CODE) is None
    event = await store.get_event(CODE)
    assert event is not None and event.logo_version is None and event.brand_color is None
    assert kept is not None and await store.get_logo("OTHER") == kept
