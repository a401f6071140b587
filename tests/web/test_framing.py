"""Framing by allowlist (LIVE_FRAME_ANCESTORS): the participant pages, the projector and the
overlay may be framed by the listed origins; every other page stays unframeable, with or
without the setting. The browser's side is tests/browser/test_framing.py."""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from live.web.routes import routes
from live.web.security import FramableRoute
from tests.web.conftest import EventFixture, create_event, create_poll, enter, make_client

ORIGINS = ("https://bbb.example.org", "https://*.example.net")
ANCESTORS = "frame-ancestors 'self' https://bbb.example.org https://*.example.net"

# The routes other sites may frame: the participant's page, its short room link and its form
# posts (their answers without JS are pages or redirects into the same frame), the projector,
# the overlay. Changing this set is a security decision: say why in the commit.
FRAMABLE = {
    "/e/{code}",
    "/e/{code}/{number:int}",
    "/e/{code}/polls/{poll_id}/vote",
    "/e/{code}/rooms/{room_id}/mood",
    "/e/{code}/rooms/{room_id}/pace",  # the participant's pace signal (issue 24), like the mood
    # a self-paced survey (issue 24): reached from the participant's page in the side panel,
    # its page and its form post (answered with a redirect into the same frame)
    "/e/{code}/survey/{survey_id}",
    "/e/{code}/rooms/{room_id}/questions",
    "/e/{code}/questions/{question_id}/upvote",
    "/e/{code}/questions/{question_id}/delete",
    # the idea board's posts (issue 24): the participant's page framed in a side panel posts
    # ideas and upvotes like questions, and its answers without JS land in the same frame
    "/e/{code}/rooms/{room_id}/ideas",
    "/e/{code}/ideas/{idea_id}/upvote",
    "/e/{code}/screen",
    "/e/{code}/overlay",
}


def csp(response: object) -> dict[str, str]:
    value = response.headers["content-security-policy"]  # type: ignore[attr-defined]
    return {d.strip().split(" ")[0]: d.strip() for d in value.split(";") if d.strip()}


@pytest.fixture
def framed(tmp_path: Path) -> Generator[TestClient]:
    with make_client(tmp_path, frame_ancestors=ORIGINS) as c:
        yield c


def test_the_routes_table_marks_exactly_the_participant_screen_and_overlay_routes() -> None:
    marked = {r.path for r in routes() if isinstance(r, FramableRoute)}
    assert marked == FRAMABLE


def test_framable_pages_name_the_listed_origins_and_send_no_x_frame_options(
    framed: TestClient,
) -> None:
    event = create_event(framed, rooms=["Plenum", "Forum"])
    for path in (
        f"/e/{event.code}",
        f"/e/{event.code}?room={event.room}",
        f"/e/{event.code}?room={event.room}&embed=1",
        f"/e/{event.code}/screen?room={event.room}",
        f"/e/{event.code}/screen?room={event.room}&preview=1",
        f"/e/{event.code}/overlay?room={event.room}",
        "/e/NOPE99",  # an unknown event's error page: framed like the page it stands for
    ):
        response = framed.get(path)
        assert csp(response)["frame-ancestors"] == ANCESTORS, path
        assert "x-frame-options" not in response.headers, path
        # The rest of the policy is untouched.
        assert csp(response)["script-src"] == "script-src 'self'", path
        assert csp(response)["default-src"] == "default-src 'none'", path
    entry = framed.get(f"/e/{event.code}/1", follow_redirects=False)
    assert entry.status_code in (302, 303, 307)
    assert csp(entry)["frame-ancestors"] == ANCESTORS


def test_every_other_page_stays_unframeable_with_the_setting(framed: TestClient) -> None:
    event = create_event(framed)
    framed.cookies.set(f"live_m_{event.code}", event.token)
    for path in (
        "/",
        f"/e/{event.code}/moderate",
        f"/e/{event.code}/setup",
        f"/e/{event.code}/control",
        f"/e/{event.code}/start",
        f"/e/{event.code}/links",
        f"/e/{event.code}/report",
        f"/e/{event.code}/delete",
        f"/e/{event.code}/screen/join?room={event.room}",
        "/no-such-page",
    ):
        response = framed.get(path)
        assert csp(response)["frame-ancestors"] == "frame-ancestors 'none'", path
        assert response.headers["x-frame-options"] == "DENY", path


def test_without_the_setting_nothing_is_framed_by_other_sites(client: TestClient) -> None:
    event = create_event(client)
    for path, ancestors, xfo in (
        (f"/e/{event.code}?room={event.room}", "'none'", "DENY"),
        (f"/e/{event.code}/screen?room={event.room}", "'none'", "DENY"),
        (f"/e/{event.code}/overlay?room={event.room}", "'self'", "SAMEORIGIN"),
    ):
        response = client.get(path)
        assert csp(response)["frame-ancestors"] == f"frame-ancestors {ancestors}", path
        assert response.headers["x-frame-options"] == xfo, path


def test_a_form_post_from_inside_the_frame_passes_the_origin_check(framed: TestClient) -> None:
    """The frame's page is ours, so its posts carry our own Origin: counted as ever. A post
    from the framing site itself is still refused (the frame's parent is no form of ours)."""
    event = create_event(framed)
    poll = create_poll(framed, event)
    enter(framed, event)
    own = framed.post(
        f"/e/{event.code}/polls/{poll['id']}/vote",
        data={"choice": "0"},
        headers={"Origin": "http://testserver"},
        follow_redirects=False,
    )
    assert own.status_code == 303, own.text
    assert csp(own)["frame-ancestors"] == ANCESTORS
    results = framed.get(f"/api/v1/events/{event.code}/polls/{poll['id']}").json()["results"]
    assert results["counts"][0] == 1
    parent = framed.post(
        f"/e/{event.code}/polls/{poll['id']}/vote",
        data={"choice": "1"},
        headers={"Origin": "https://bbb.example.org"},
        follow_redirects=False,
    )
    assert parent.status_code == 403
    results = framed.get(f"/api/v1/events/{event.code}/polls/{poll['id']}").json()["results"]
    assert results["counts"] == [1, 0, 0]


def _set_cookies(response: object) -> dict[str, str]:
    headers = response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
    return {h.split("=", 1)[0]: h.lower() for h in headers}


def test_framable_cookies_cross_sites_only_when_framed_and_secure(tmp_path: Path) -> None:
    """SameSite=None; Secure; Partitioned for the participant's and the language cookie when
    other sites may frame the page and cookies are Secure; Lax otherwise, and the moderators
    cookies always Strict."""
    cases: tuple[tuple[tuple[str, ...], bool, bool], ...] = (
        (ORIGINS, True, True),
        (ORIGINS, False, False),
        ((), True, False),
    )
    for n, (origins, secure, cross_site) in enumerate(cases):
        with make_client(tmp_path / str(n), frame_ancestors=origins, secure_cookies=secure) as c:
            event: EventFixture = create_event(c)
            page = c.get(f"/e/{event.code}?room={event.room}&lang=en")
            cookies = _set_cookies(page)
            for name in (f"live_p_{event.code}", "live_lang"):
                cookie = cookies[name]
                if cross_site:
                    assert "samesite=none" in cookie and "; partitioned" in cookie, cookie
                    assert "secure" in cookie
                else:
                    assert "samesite=lax" in cookie and "partitioned" not in cookie, cookie
            moderate = c.get(
                f"/e/{event.code}/moderate?token={event.token}", follow_redirects=False
            )
            mod_cookies = _set_cookies(moderate)
            assert all("samesite=strict" in v for k, v in mod_cookies.items() if "live_m_" in k)
            assert any("live_m_" in k for k in mod_cookies)
