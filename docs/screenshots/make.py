"""Regenerate the screenshots in docs/screenshots/ from the running product.

    .venv/bin/python docs/screenshots/make.py [projector] [overlay] [organiser] [console]
        [protection] [privacy] [embed] [kinds] [online] [legal] [blocklist] [panel]
        [pace] [countdown] [ideas] [forums] [survey]

Starts the app on a free port with an empty data dir, stocks a room through the public API
(tests/support/stage.py, the same content the projector's browser tests check) and photographs
every projector mode at 1920×1080, 1280×720 and 1024×576, the stream overlay and a phone, the
organiser's start page and links page, the accessibility statement and Leichte Sprache. Named
groups only, when any are named (all without). The pictures are what a person sees: docs and
product cannot drift apart.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402
from websockets.sync.client import connect  # noqa: E402

from live.ids import Ids, token_hash  # noqa: E402
from live.store import open_store  # noqa: E402
from tests.support.browser import CHROMIUM_ARGS, CHROMIUM_PATH  # noqa: E402
from tests.support.forums import stock_forums  # noqa: E402
from tests.support.server import LiveServer  # noqa: E402
from tests.support.stage import Clapping, Stage, api, stock  # noqa: E402

OUT = Path(__file__).resolve().parent
SIZES = {"1080p": (1920, 1080), "720p": (1280, 720), "576p": (1024, 576)}


def _settled(page: Page) -> None:
    """The socket is open and the last push has been laid out (the fit has run)."""
    page.wait_for_function("() => document.body.dataset.connection === 'open'")
    page.wait_for_function("() => !document.querySelector('[data-fitting]')")
    page.wait_for_timeout(600)  # bars grow for 400 ms after a push


def phone_page(browser: Browser) -> Page:
    """A page on a 390×844 touch phone."""
    return browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="de-DE",
    ).new_page()


def projector_modes(stage: Stage) -> list[tuple[str, Callable[[], None]]]:
    return [
        ("poll", lambda: stage.set_screen("poll", "long")),
        ("poll-closed", lambda: (stage.close("long"), stage.set_screen("poll", "long"))),
        ("scale", lambda: stage.set_screen("poll", "scale")),
        ("words", lambda: stage.set_screen("words", "words")),
        ("question", lambda: (stage.set_screen("question"), stage.highlight())),
        ("top", lambda: (stage.highlight(False), stage.set_screen("question"))),
        ("applause", lambda: stage.set_screen("applause")),
        ("slide", lambda: stage.set_screen("slide")),
        ("join", lambda: stage.set_screen("join")),
    ]


def overlay_and_phone(browser: Browser, stage: Stage) -> None:
    """The stream overlay over a transparent background (as OBS composes it), and a phone."""
    stage.set_screen("poll", "long")
    base = f"{stage.server.url}/e/{stage.code}"
    overlay = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    overlay.goto(
        f"{base}/overlay?room={stage.room}&parts=results,applause,lower-third&sound=off&position=bottom-right"
    )
    with Clapping(stage, people=12, grade=3):
        overlay.wait_for_function("() => document.querySelector('.applause-meter:not(.level-0)')")
        overlay.wait_for_timeout(600)
        overlay.screenshot(path=str(OUT / "overlay-1080p.png"), omit_background=True)
    phone = phone_page(browser)
    phone.goto(f"{base}/1")
    phone.wait_for_function("() => document.body.dataset.connection === 'open'")
    phone.wait_for_timeout(600)
    phone.screenshot(path=str(OUT / "phone-poll.png"))


def projector_shots(browser: Browser, stage: Stage) -> None:
    """Every projector mode at each of SIZES."""
    pages = {}
    for name, (w, h) in SIZES.items():
        context = browser.new_context(viewport={"width": w, "height": h}, locale="de-DE")
        pages[name] = context.new_page()
        pages[name].goto(stage.screen_url())
    for mode, switch in projector_modes(stage):
        switch()
        shown = mode.split("-")[0].replace("scale", "poll")
        # The applause mode with a room that claps (25 people, grade 4).
        clapping = Clapping(stage, people=25, grade=4) if mode == "applause" else None
        if clapping:
            clapping.__enter__()
        for name, page in pages.items():
            page.wait_for_function(
                "m => document.getElementById('screen-stage')?.dataset.mode === m",
                arg=shown,
            )
            # The room claps in the applause mode and is quiet in all others.
            clapping_now = "document.querySelector('.applause-meter:not(.level-0)')"
            if clapping:
                page.wait_for_function(f"() => {clapping_now}")
            else:
                page.wait_for_function(f"() => !{clapping_now}")
            _settled(page)
            page.screenshot(path=str(OUT / f"projector-{mode}-{name}.png"))
        if clapping:
            clapping.__exit__(None, None, None)


def organiser_pages(browser: Browser, stage: Stage) -> None:
    """The start page after creating the event (the moderator link) and the links page, whole,
    on a laptop."""
    base = f"{stage.server.url}/e/{stage.code}"
    page = browser.new_context(viewport={"width": 1280, "height": 800}, locale="de-DE").new_page()
    page.goto(f"{base}/moderate?token={stage.token}")  # the organiser's cookie
    for name in ("start", "links"):
        page.goto(f"{base}/{name}")
        page.get_by_role("button", name="Link kopieren").first.wait_for()  # copy.js has run
        page.screenshot(path=str(OUT / f"organiser-{name}.png"), full_page=True)


def arrived_earlier(server: LiveServer, code: str, count: int) -> list[str]:
    """Tokens of ``count`` participants who joined over the last three quarters of an hour, as
    people in a hall do. Joining through the API would make them all within these seconds,
    which the console rightly warns of as a burst (live/domain/bursts.py; the ``protection``
    group shows that on purpose); so they are put straight into the server's store (SQLite:
    a second connection beside the server's is fine) with the times they would have."""
    ids, now = Ids(), datetime.now(UTC)

    async def make() -> list[str]:
        store = open_store(f"sqlite:///{server.data_dir / 'live.db'}")
        await store.open()
        tokens = []
        try:
            for i in range(count):
                token = ids.token()
                joined = now - timedelta(minutes=45) + i * timedelta(minutes=40) / count
                await store.add_participant(code, ids.object_id(), token_hash(token), joined)
                tokens.append(token)
        finally:
            await store.close()
        return tokens

    # A thread of its own: Playwright's sync API keeps an event loop running in this one.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, make()).result()


def console_pages(browser: Browser, stage: Stage) -> None:
    """The moderators' console at 1366×768 in the second room, as a forum runs: one open poll
    with the votes of people who came in over the last half hour (no burst warning), two
    prepared ones, questions waiting and approved; and at 320 px."""
    room = stage.rooms[1]["id"]
    base = f"/events/{stage.code}/rooms/{room}"
    made = [
        api(stage.server, "POST", f"{base}/polls", body, stage.token)["id"]
        for body in (
            {
                "question": "Wie gut gelingt die Zusammenarbeit mit den Krankenkassen?",
                "kind": "single",
                "options": ["sehr gut", "gut", "mittel", "schlecht"],
                "visibility": "live",
            },
            {"question": "Was brauchen Sie dafür am dringendsten?", "kind": "text"},
            {
                "question": "Wie zufrieden sind Sie mit dem Forum?",
                "kind": "scale",
                "min": 1,
                "max": 5,
            },
        )
    ]
    api(stage.server, "POST", f"/events/{stage.code}/polls/{made[0]}/open", None, stage.token)
    ws_base = stage.server.url.replace("http://", "ws://")
    asks = [
        "Gibt es schon Erfahrungen mit gemeinsamen Fallkonferenzen?",
        "Wer bezahlt die zusätzliche Gesundheitsberatung?",
        "Wie erreichen wir Menschen, die keine Termine wahrnehmen?",
    ]
    for i, token in enumerate(arrived_earlier(stage.server, stage.code, 23)):
        with connect(f"{ws_base}/api/v1{base}/ws?token={token}") as ws:
            ws.recv()
            messages = [{"type": "vote", "poll_id": made[0], "choices": [(0, 1, 1, 2, 1)[i % 5]]}]
            if i < len(asks):
                messages.append({"type": "ask", "text": asks[i]})
            for n, message in enumerate(messages):
                ws.send(json.dumps({"request_id": f"c{n}", **message}))
            acks = 0
            while acks < len(messages):
                if json.loads(ws.recv()).get("type") in ("ack", "error"):
                    acks += 1
    shots = (
        ((1366, 768), "console-1366x768"),
        ((1024, 768), "console-1024x768"),
        ((320, 700), "console-320"),
    )
    for size, name in shots:
        page = browser.new_context(
            viewport={"width": size[0], "height": size[1]}, locale="de-DE"
        ).new_page()
        page.goto(f"{stage.server.url}/e/{stage.code}/moderate?token={stage.token}&room={room}")
        page.wait_for_function("() => document.body.dataset.connection === 'open'")
        page.wait_for_timeout(800)  # the thumbnail's own page has settled
        page.screenshot(path=str(OUT / f"{name}.png"))


def protection_pages(browser: Browser, stage: Stage) -> None:
    """Issue 21 in its own event (the others stay as they are): the projector showing the
    rotating access code, the phone's form for it, and the console's burst warning after 24
    identities made up within seconds voted (as a script would)."""
    server = stage.server
    event = api(server, "POST", "/events", {"title": "Verbandstag 2026", "rooms": ["Plenum"]})
    code, token, room = event["code"], event["moderator_token"], event["rooms"][0]["id"]
    api(server, "PATCH", f"/events/{code}", {"join_code_required": True}, token)
    wall = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="de-DE").new_page()
    wall.goto(f"{server.url}/e/{code}/screen?room={room}")
    _settled(wall)
    wall.screenshot(path=str(OUT / "projector-join-code-1080p.png"))
    phone = phone_page(browser)
    phone.goto(f"{server.url}/e/{code}?room={room}&code=12")  # a mistyped code: the error
    phone.screenshot(path=str(OUT / "phone-join-code.png"))

    api(server, "PATCH", f"/events/{code}", {"join_code_required": False}, token)
    poll = api(
        server,
        "POST",
        f"/events/{code}/rooms/{room}/polls",
        {"question": "Soll der Verband die Resolution beschließen?", "options": ["Ja", "Nein"]},
        token,
    )["id"]
    api(server, "POST", f"/events/{code}/polls/{poll}/open", None, token)
    ws_base = server.url.replace("http://", "ws://")
    for i in range(24):
        joined = api(server, "POST", f"/events/{code}/join")["participant_token"]
        with connect(f"{ws_base}/api/v1/events/{code}/rooms/{room}/ws?token={joined}") as ws:
            ws.recv()
            vote = {"type": "vote", "request_id": "v", "poll_id": poll, "choices": [i % 5 // 4]}
            ws.send(json.dumps(vote))
            while json.loads(ws.recv()).get("type") not in ("ack", "error"):
                pass
    # Tall enough that the live panel holds the whole warning (at 768 px its box was cut).
    console = browser.new_context(
        viewport={"width": 1366, "height": 1024}, locale="de-DE"
    ).new_page()
    console.goto(f"{server.url}/e/{code}/moderate?token={token}&room={room}")
    console.wait_for_function("() => document.body.dataset.connection === 'open'")
    warning = console.locator(".burst-warning")
    warning.wait_for()
    panel, box = console.locator("#mod-live").bounding_box(), warning.bounding_box()
    assert panel and box
    bottom = min(box["y"] + box["height"] + 8, panel["y"] + panel["height"])
    clip = {
        "x": panel["x"],
        "y": panel["y"],
        "width": panel["width"],
        "height": bottom - panel["y"],
    }
    console.screenshot(path=str(OUT / "console-burst-warning.png"), clip=clip)


def privacy_pages(browser: Browser, stage: Stage) -> None:
    """/datenschutz-hinweise (what is stored): its top on a phone, a category with its
    technical names opened on the phone, and the whole page on a laptop."""
    url = f"{stage.server.url}/datenschutz-hinweise"
    phone = phone_page(browser)
    phone.goto(url)
    phone.screenshot(path=str(OUT / "privacy-phone.png"))
    category = phone.locator("#cat-questions").locator("xpath=..")
    category.locator("summary").click()
    category.scroll_into_view_if_needed()
    category.screenshot(path=str(OUT / "privacy-phone-category.png"))
    laptop = browser.new_context(viewport={"width": 1280, "height": 800}, locale="de-DE")
    page = laptop.new_page()
    page.goto(url)
    page.screenshot(path=str(OUT / "privacy-desktop.png"))
    page.goto(f"{url}?lang=en")
    page.screenshot(path=str(OUT / "privacy-desktop-full-en.png"), full_page=True)


def embed_pages(browser: Browser, stage: Stage) -> None:
    """The participant page's side-panel view (?embed=1) at 360×640, as a video conference's
    panel shows it, on each of its three tabs; and the mood input on a 320-px phone."""
    base = f"{stage.server.url}/e/{stage.code}"
    panel = browser.new_context(
        viewport={"width": 360, "height": 640}, device_scale_factor=2, locale="de-DE"
    ).new_page()
    panel.goto(f"{base}?room={stage.room}&embed=1")
    panel.wait_for_function("() => document.body.dataset.connection === 'open'")
    tabs = (("polls", "Abstimmung"), ("qa", "Fragen"), ("applause", "Applaus & Stimmung"))
    for key, name in tabs:
        panel.get_by_role("tab", name=name).click()
        panel.wait_for_function(f"() => !document.getElementById('panel-{key}').hidden")
        panel.wait_for_timeout(300)
        # The applause tab whole (applause, mood, the room list, the language switch); the
        # others as the panel first shows them (the poll tab holds four polls, metres long).
        panel.screenshot(path=str(OUT / f"embed-360-{key}.png"), full_page=key == "applause")
    phone = browser.new_context(
        viewport={"width": 320, "height": 640},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="de-DE",
    ).new_page()
    phone.goto(f"{base}?room={stage.room}")
    phone.wait_for_function("() => document.body.dataset.connection === 'open'")
    phone.get_by_role("tab", name="Applaus & Stimmung").click()
    phone.locator("#mood-form").scroll_into_view_if_needed()
    phone.wait_for_timeout(300)
    phone.locator("#mood-form").screenshot(path=str(OUT / "phone-mood-320.png"))


def kinds_pages(browser: Browser, stage: Stage) -> None:
    """Issue 24 in its own event: a phone ranking (reordered with the buttons, not yet sent),
    a phone spreading points (over budget: the warning), the projector with a ranking's
    results from twelve voters, and a phone with a labelled scale."""
    server = stage.server
    event = api(server, "POST", "/events", {"title": "Jahrestagung 2026", "rooms": ["Plenum"]})
    code, token, room = event["code"], event["moderator_token"], event["rooms"][0]["id"]
    topics = [
        "Fachkräftegewinnung",
        "Digitalisierung der Leistungsverfahren",
        "Sprachförderung",
        "Wohnungsnot",
        "Gesundheit",
    ]

    def open_poll(body: dict[str, object]) -> str:
        body = {"question": "Welches Jahresthema ist Ihnen am wichtigsten?", **body}
        poll = api(server, "POST", f"/events/{code}/rooms/{room}/polls", body, token)["id"]
        api(server, "POST", f"/events/{code}/polls/{poll}/open", None, token)
        return str(poll)

    ranking = open_poll({"kind": "ranking", "options": topics, "visibility": "live"})
    ws_base = server.url.replace("http://", "ws://")
    orders = [[0, 1, 2, 3, 4], [1, 0, 3, 2, 4], [0, 2, 1, 4, 3], [3, 0, 1, 2, 4]]
    for i in range(12):
        joined = api(server, "POST", f"/events/{code}/join")["participant_token"]
        with connect(f"{ws_base}/api/v1/events/{code}/rooms/{room}/ws?token={joined}") as ws:
            ws.recv()
            vote = {"type": "vote", "request_id": "v", "poll_id": ranking, "ranking": orders[i % 4]}
            ws.send(json.dumps(vote))
            while json.loads(ws.recv()).get("type") not in ("ack", "error"):
                pass
    phone = phone_page(browser)
    phone.goto(f"{server.url}/e/{code}?room={room}")
    _settled(phone)
    phone.get_by_role("button", name="Nach oben: Sprachförderung").click()
    phone.get_by_role("button", name="Nach oben: Sprachförderung").click()
    phone.wait_for_timeout(300)
    phone.screenshot(path=str(OUT / "phone-ranking.png"))
    wall = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="de-DE").new_page()
    wall.goto(f"{server.url}/e/{code}/screen?room={room}")
    _settled(wall)
    wall.screenshot(path=str(OUT / "projector-ranking-1080p.png"))

    open_poll(
        {
            "question": "Wie verteilen Sie 100 Punkte auf die Themen?",
            "kind": "points",
            "options": topics[:4],
        }
    )
    phone.goto(f"{server.url}/e/{code}?room={room}")
    _settled(phone)
    phone.get_by_label("Fachkräftegewinnung").fill("50")
    phone.get_by_label("Sprachförderung").fill("30")
    phone.get_by_label("Wohnungsnot").fill("30")
    phone.wait_for_timeout(300)
    phone.screenshot(path=str(OUT / "phone-points.png"))

    open_poll(
        {
            "question": "Die Tagung hat mir für meine Arbeit geholfen.",
            "kind": "scale",
            "min_label": "trifft nicht zu",
            "max_label": "trifft voll zu",
        }
    )
    phone.goto(f"{server.url}/e/{code}?room={room}")
    _settled(phone)
    phone.screenshot(path=str(OUT / "phone-scale-labels.png"))

    # The report's section of the ranking poll (its chart in place order with points).
    report = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE").new_page()
    report.goto(f"{server.url}/e/{code}/moderate?token={token}")
    report.goto(f"{server.url}/e/{code}/report")
    report.locator(".report-poll").first.screenshot(path=str(OUT / "report-ranking.png"))


def online_pages(browser: Browser, stage: Stage) -> None:
    """Issue 23 in its own event: the console's setting "Applaus kommt über den Stream" (on),
    a phone's applause tab with it on while people clap (meter moving, nothing played, the
    note), and with it off while the phone plays (the headphones hint)."""
    server = stage.server
    event = api(server, "POST", "/events", {"title": "Digitaler Fachtag", "rooms": ["Plenum"]})
    code, token, room = event["code"], event["moderator_token"], event["rooms"][0]["id"]
    online = Stage(server, code, token, room, event["rooms"])
    console = browser.new_context(
        viewport={"width": 1366, "height": 1024}, locale="de-DE"
    ).new_page()
    console.goto(f"{server.url}/e/{code}/moderate?token={token}&room={room}")
    console.wait_for_function("() => document.body.dataset.connection === 'open'")
    console.get_by_role("checkbox", name="Applaus kommt über den Stream").check()
    console.locator("#applause-stream-save").click()
    console.locator("#announcer").get_by_text("Der Applaus kommt jetzt über den Stream").wait_for()
    # The announcement clears itself after 4 s: the picture shows the form, not the toast.
    console.wait_for_function("() => !document.getElementById('announcer').textContent.trim()")
    form = console.locator("#applause-stream")
    form.scroll_into_view_if_needed()
    top, box = console.locator(".sound-check").bounding_box(), form.bounding_box()
    assert top and box
    clip = {
        "x": box["x"] - 16,
        "y": top["y"] - 16,
        "width": box["width"] + 32,
        "height": box["y"] + box["height"] - top["y"] + 32,
    }
    console.screenshot(path=str(OUT / "console-applause-stream.png"), clip=clip)

    phone = phone_page(browser)
    phone.goto(f"{server.url}/e/{code}?room={room}")
    phone.wait_for_function("() => document.body.dataset.connection === 'open'")
    phone.get_by_role("tab", name="Applaus & Stimmung").click()
    with Clapping(online, people=6, grade=4):
        phone.wait_for_function(
            "() => Number(document.querySelector('#applause [data-applause-meter]')"
            ".dataset.level) >= 3"
        )
        phone.wait_for_timeout(600)  # the meter's bar has grown
        phone.screenshot(path=str(OUT / "phone-applause-stream.png"))
    api(server, "PATCH", f"/events/{code}/rooms/{room}", {"applause_via_stream": False}, token)
    phone.locator("[data-applause-stream-note]").wait_for(state="hidden")
    phone.get_by_role("button", name="Applaus hören").click()
    phone.locator("[data-applause-headphones]").wait_for()
    phone.locator(".applause-card").screenshot(path=str(OUT / "phone-applause-headphones.png"))


def legal_pages(browser: Browser, stage: Stage) -> None:
    """Issue 23: the accessibility statement and Leichte Sprache on a phone (390×844: the top,
    and the barrier report form after sending) and on a laptop (1280×800, whole), and the phone
    page's footer with the operator's links."""
    url = stage.server.url
    phone = phone_page(browser)
    for name, path in (("statement", "/barrierefreiheit"), ("easy-read", "/leichte-sprache")):
        phone.goto(f"{url}{path}")
        phone.screenshot(path=str(OUT / f"legal-{name}-phone.png"))
    phone.goto(f"{url}/barrierefreiheit")
    phone.get_by_label("Welche Barriere ist Ihnen aufgefallen? Auf welcher Seite?").fill(
        "Auf der Leinwand ist der Fokus schwer zu sehen."
    )
    phone.get_by_role("button", name="Meldung senden").click()
    phone.get_by_role("status").filter(has_text="Danke!").wait_for()
    phone.screenshot(path=str(OUT / "legal-report-sent-phone.png"))
    phone.goto(f"{url}/e/{stage.code}?room={stage.room}")
    phone.locator("footer.site-footer").scroll_into_view_if_needed()
    phone.screenshot(path=str(OUT / "legal-phone-footer.png"))
    laptop = browser.new_context(viewport={"width": 1280, "height": 800}, locale="de-DE")
    page = laptop.new_page()
    for name, path in (
        ("statement", "/barrierefreiheit"),
        ("easy-read", "/leichte-sprache"),
        ("statement-en", "/barrierefreiheit?lang=en"),  # last: ?lang= is remembered
    ):
        page.goto(f"{url}{path}")
        page.screenshot(path=str(OUT / f"legal-{name}-desktop.png"), full_page=True)


def blocklist_pages(browser: Browser, stage: Stage) -> None:
    """Issue 24's blocklist in its own event: the setup page's section with an own word and a
    switched-off default entry, the console with a question held by the list and the answers it
    keeps out of the cloud, and the projector's cloud without them."""
    server = stage.server
    event = api(server, "POST", "/events", {"title": "Jahrestagung 2026", "rooms": ["Plenum"]})
    code, token, room = event["code"], event["moderator_token"], event["rooms"][0]["id"]
    api(server, "POST", f"/events/{code}/blocklist/entries", {"entry": "Bürokratiemonster"}, token)
    api(
        server,
        "POST",
        f"/events/{code}/blocklist/entries",
        {"entry": "Hartzer", "blocked": False},
        token,
    )
    body = {"question": "Was bremst Sie im Alltag?", "kind": "text", "visibility": "live"}
    poll = api(server, "POST", f"/events/{code}/rooms/{room}/polls", body, token)["id"]
    api(server, "POST", f"/events/{code}/polls/{poll}/open", None, token)
    ws_base = server.url.replace("http://", "ws://")
    answers = [
        "Personalmangel",
        "Personalmangel",
        "Software",
        "Das Bürokratiemonster",
        "Lange Wartezeiten",
        "So ein Scheiß",
        "Software-Schnittstellen",
        "Personalmangel",
    ]
    questions = ["Wann kommt die E-Akte für alle?", "Wer füttert eigentlich das Bürokratiemonster?"]
    for i, text in enumerate(answers):
        joined = api(server, "POST", f"/events/{code}/join")["participant_token"]
        with connect(f"{ws_base}/api/v1/events/{code}/rooms/{room}/ws?token={joined}") as ws:
            ws.recv()
            messages = [{"type": "vote", "request_id": "v", "poll_id": poll, "text": text}]
            if i < len(questions):
                messages.append({"type": "ask", "request_id": "q", "text": questions[i]})
            for message in messages:
                ws.send(json.dumps(message))
                while json.loads(ws.recv()).get("type") not in ("ack", "error"):
                    pass
    setup = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE").new_page()
    setup.goto(f"{server.url}/e/{code}/moderate?token={token}")
    setup.goto(f"{server.url}/e/{code}/setup#blocklist")
    setup.locator("#blocklist").screenshot(path=str(OUT / "setup-blocklist.png"))
    # Tall, so the cloud's controls fit between the console's sticky bars.
    console = browser.new_context(viewport={"width": 1280, "height": 1800}, locale="de-DE")
    page = console.new_page()
    page.goto(f"{server.url}/e/{code}/moderate?token={token}")
    _settled(page)
    page.locator(".cloud-held summary").click()
    page.wait_for_timeout(300)
    # In the middle of the window: at its top the console's sticky bar would cover it.
    page.locator(".cloud-controls").evaluate("el => el.scrollIntoView({block: 'center'})")
    page.locator(".cloud-controls").screenshot(path=str(OUT / "console-blocklist-cloud.png"))
    held = page.locator(".mod-question", has_text="Bürokratiemonster")
    held.scroll_into_view_if_needed()
    held.screenshot(path=str(OUT / "console-blocklist-question.png"))
    wall = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="de-DE").new_page()
    wall.goto(f"{server.url}/e/{code}/screen?room={room}")
    _settled(wall)
    wall.screenshot(path=str(OUT / "projector-blocklist-1080p.png"))


def panel_pages(browser: Browser, stage: Stage) -> None:
    """Issue 24's panel Q&A in its own event: the console with labels, its filter and the
    projector's filter, the edit page's merge and its undo, the phone asking with a label
    and its list with label chips and a merged question's summed upvotes, the projector
    filtered by label."""
    server = stage.server
    event = api(server, "POST", "/events", {"title": "Podium Arbeitsmarkt 2026", "rooms": ["Saal"]})
    code, token, room = event["code"], event["moderator_token"], event["rooms"][0]["id"]
    speakers = ["Frau Dr. Özdemir", "Herr Lang", "Alle auf dem Podium"]
    api(server, "PATCH", f"/events/{code}", {"question_labels": speakers}, token)
    ws_base = server.url.replace("http://", "ws://")

    sent = iter(range(1000))

    def send(who: str, message: dict[str, object]) -> None:
        with connect(f"{ws_base}/api/v1/events/{code}/rooms/{room}/ws?token={who}") as ws:
            ws.recv()
            ws.send(json.dumps({"request_id": f"r{next(sent)}", **message}))
            while json.loads(ws.recv()).get("type") not in ("ack", "error"):
                pass

    people = [api(server, "POST", f"/events/{code}/join")["participant_token"] for _ in range(9)]
    asked = [
        ("Wie erreichen wir Langzeitarbeitslose, die keine Termine mehr wahrnehmen?", speakers[0]),
        ("Was ändert sich 2027 bei der Förderung von Weiterbildung?", speakers[1]),
        ("Welche Rolle spielt die Kinderbetreuung bei der Vermittlung?", speakers[2]),
        ("Was ändert sich nächstes Jahr bei Weiterbildungen?", speakers[1]),
    ]
    for who, (text, label) in zip(people, asked, strict=False):
        send(who, {"type": "ask", "text": text, "label": label})
    listed = api(server, "GET", f"/events/{code}/rooms/{room}/questions", None, token)
    ids = {q["text"]: q["id"] for q in listed}
    for qid in ids.values():
        api(server, "PATCH", f"/events/{code}/questions/{qid}", {"state": "approved"}, token)
    order = [ids[text] for text, _ in asked]
    for n, who in enumerate(people):
        for qid in order[: 1 + n % 4]:
            send(who, {"type": "upvote", "question_id": qid})
    # The duplicate (the last one) goes into the question it repeats: upvotes add up.
    api(
        server, "POST", f"/events/{code}/questions/{order[1]}/merge", {"duplicate": order[3]}, token
    )
    api(server, "PATCH", f"/events/{code}/rooms/{room}", {"screen_label": speakers[1]}, token)

    console = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="de-DE"
    ).new_page()
    console.goto(f"{server.url}/e/{code}/moderate?token={token}&room={room}")
    _settled(console)
    console.get_by_label("Liste filtern").select_option(speakers[0])
    console.wait_for_timeout(300)
    console.locator(".qa-col").screenshot(path=str(OUT / "console-panel.png"))
    console.goto(f"{server.url}/e/{code}/moderate/questions/{order[2]}/edit")
    console.screenshot(path=str(OUT / "console-merge.png"), full_page=True)
    # The question the duplicate went into: its edit page offers to split it off again.
    console.goto(f"{server.url}/e/{code}/moderate/questions/{order[1]}/edit")
    console.locator("#split-title").scroll_into_view_if_needed()
    console.screenshot(path=str(OUT / "console-split.png"), full_page=True)

    phone = phone_page(browser)
    phone.goto(f"{server.url}/e/{code}?room={room}")
    _settled(phone)
    phone.get_by_role("tab", name="Fragen").click()
    phone.get_by_label("An wen oder zu welchem Thema? (freiwillig)").select_option(speakers[1])
    phone.get_by_label("Ihre Frage").fill("Wie wirkt sich das Bürgergeld auf die Vermittlung aus?")
    phone.locator("#ask-form").scroll_into_view_if_needed()
    phone.screenshot(path=str(OUT / "phone-panel-ask.png"))
    phone.locator("#qa-list").scroll_into_view_if_needed()
    phone.screenshot(path=str(OUT / "phone-panel-list.png"))

    wall = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="de-DE").new_page()
    wall.goto(f"{server.url}/e/{code}/screen?room={room}")
    _settled(wall)
    wall.screenshot(path=str(OUT / "projector-panel-1080p.png"))


def pace_pages(browser: Browser, stage: Stage) -> None:
    """Pace and technics feedback in an event of its own: four people signal (three „zu
    schnell“, one „Ton/Bild gestört“); the phone's tab „Applaus & Stimmung“ with „zu schnell“
    pressed (390×844), and the console at 1366×768 with the warning."""
    server = stage.server
    event = api(server, "POST", "/events", {"title": "Fachtag Tempo", "rooms": ["Plenum"]})
    code, token, room = event["code"], event["moderator_token"], event["rooms"][0]["id"]
    ws_base = server.url.replace("http://", "ws://")
    for n, value in enumerate(("too_fast", "too_fast", "av_problem")):
        person = api(server, "POST", f"/events/{code}/join")["participant_token"]
        url = f"{ws_base}/api/v1/events/{code}/rooms/{room}/ws?token={person}"
        with connect(url) as ws:
            ws.recv()
            ws.send(json.dumps({"type": "pace", "request_id": f"p{n}", "value": value}))
            while json.loads(ws.recv()).get("type") not in ("ack", "error"):
                pass
    phone = phone_page(browser)
    phone.goto(f"{server.url}/e/{code}?room={room}")
    phone.wait_for_function("() => document.body.dataset.connection === 'open'")
    phone.get_by_role("tablist").get_by_role("tab", name="Applaus & Stimmung").click()
    phone.get_by_role("button", name="zu schnell").click()
    phone.wait_for_function("() => document.querySelector('#pace-too_fast[aria-pressed=true]')")
    phone.locator("#pace-form").scroll_into_view_if_needed()
    # The thank-you toast goes by itself after 4 s; the picture shows the buttons.
    phone.wait_for_function("() => !document.querySelector('#announcer').textContent.trim()")
    phone.wait_for_timeout(300)
    phone.screenshot(path=str(OUT / "pace-phone-390.png"))
    console = browser.new_context(
        viewport={"width": 1366, "height": 768}, locale="de-DE"
    ).new_page()
    console.goto(f"{server.url}/e/{code}/moderate?token={token}")
    console.wait_for_function("() => document.body.dataset.connection === 'open'")
    console.wait_for_function("() => document.querySelector('#mod-pace-alert .pace-warning')")
    console.wait_for_timeout(800)
    console.screenshot(path=str(OUT / "pace-console-1366x768.png"))


def countdown_pages(browser: Browser, stage: Stage) -> None:
    """A room's countdown (issue 24): running in the projector's header over the longest poll
    at 1920×1080 and 1024×576, at its end (the page's clock driven past it), paused with a long
    label of the moderator's own, on the stream overlay, and the console's card. Stopped again
    at the end, so other groups' pictures stay as they were."""
    path = f"/events/{stage.code}/rooms/{stage.room}/countdown"
    stage.set_screen("poll", "long")
    api(stage.server, "PUT", path, {"seconds": 300, "label": "Redezeit"}, stage.token)
    base = f"{stage.server.url}/e/{stage.code}"
    walls = {}
    for name in ("1080p", "576p"):
        w, h = SIZES[name]
        page = browser.new_context(viewport={"width": w, "height": h}, locale="de-DE").new_page()
        page.clock.install()
        page.goto(stage.screen_url())
        _settled(page)
        page.screenshot(path=str(OUT / f"projector-countdown-{name}.png"))
        walls[name] = page
    for name, page in walls.items():
        page.clock.fast_forward("05:01")
        page.wait_for_function("() => document.querySelector('#countdown[data-over]')")
        page.screenshot(path=str(OUT / f"projector-countdown-end-{name}.png"))
    overlay = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    overlay.goto(
        f"{base}/overlay?room={stage.room}&parts=countdown,results&sound=off&position=bottom-right"
    )
    overlay.wait_for_function("() => document.body.dataset.connection === 'open'")
    overlay.wait_for_timeout(600)
    overlay.screenshot(path=str(OUT / "overlay-countdown-1080p.png"), omit_background=True)
    console = browser.new_context(viewport={"width": 1366, "height": 768}, locale="de-DE")
    page = console.new_page()
    page.goto(f"{base}/moderate?token={stage.token}&room={stage.room}")
    page.wait_for_function("() => document.body.dataset.connection === 'open'")
    card = page.locator(".countdown-card")
    card.scroll_into_view_if_needed()
    page.wait_for_timeout(400)
    card.screenshot(path=str(OUT / "console-countdown.png"))
    label = "Kaffeepause im Foyer, bis 15:00 Uhr"
    api(stage.server, "PUT", path, {"seconds": 1800, "label": label}, stage.token)
    api(stage.server, "PATCH", path, {"action": "pause"}, stage.token)
    stage.set_screen("slide")
    page.wait_for_function("() => document.querySelector('#mod-countdown [data-paused]')")
    page.wait_for_timeout(400)
    card.screenshot(path=str(OUT / "console-countdown-paused.png"))
    wall = walls["576p"]
    wall.wait_for_function("() => document.querySelector('#countdown[data-paused]')")
    _settled(wall)
    wall.screenshot(path=str(OUT / "projector-countdown-slide-paused-576p.png"))
    api(stage.server, "DELETE", path, None, stage.token)


def ideas_pages(browser: Browser, stage: Stage) -> None:
    """A forum's idea board (issue 24) in an event of its own that shows ideas at once: six
    people post, two of them upvote, the moderator marks two. The phone's tab „Fragen“ with the
    board (390×844), the console at 1366×768 with the card open, the projector's ideas mode at
    1920×1080."""
    server = stage.server
    event = api(server, "POST", "/events", {"title": "Fachtag Ideen", "rooms": ["Forum 3"]})
    code, token, room = event["code"], event["moderator_token"], event["rooms"][0]["id"]
    api(server, "PATCH", f"/events/{code}/rooms/{room}", {"ideas_open": True}, token)
    texts = [
        "Mehr Pausen zwischen den Foren, damit Gespräche weitergehen können",
        "Fallbeispiele aus den Jobcentern vorab als Handout",
        "Ein Forum im Freien, wenn das Wetter mitspielt",
        "Leichte Sprache in allen Einladungen",
        "Kinderbetreuung während der Konferenz anbieten",
        "Ergebnisse der Foren gleich im Plenum zeigen",
    ]
    ws_base = server.url.replace("http://", "ws://")
    for n, text in enumerate(texts):
        person = api(server, "POST", f"/events/{code}/join")["participant_token"]
        url = f"{ws_base}/api/v1/events/{code}/rooms/{room}/ws?token={person}"
        with connect(url) as ws:
            ws.recv()
            ws.send(json.dumps({"type": "idea", "request_id": f"i{n}", "text": text}))
            while json.loads(ws.recv()).get("type") not in ("ack", "error"):
                pass
    ideas = api(server, "GET", f"/events/{code}/rooms/{room}/ideas", None, token)
    by_text = {i["text"]: i["id"] for i in ideas}
    for text in texts[:5]:  # the last one still waits
        api(server, "PATCH", f"/events/{code}/ideas/{by_text[text]}", {"state": "approved"}, token)
    for text in (texts[0], texts[3]):
        api(server, "PATCH", f"/events/{code}/ideas/{by_text[text]}", {"marked": True}, token)
    for n, text in enumerate((texts[0], texts[0], texts[3], texts[1])):
        person = api(server, "POST", f"/events/{code}/join")["participant_token"]
        url = f"{ws_base}/api/v1/events/{code}/rooms/{room}/ws?token={person}"
        with connect(url) as ws:
            ws.recv()
            up = {"type": "idea_upvote", "request_id": f"u{n}", "idea_id": by_text[text]}
            ws.send(json.dumps(up))
            while json.loads(ws.recv()).get("type") not in ("ack", "error"):
                pass
    phone = phone_page(browser)
    phone.goto(f"{server.url}/e/{code}?room={room}")
    phone.wait_for_function("() => document.body.dataset.connection === 'open'")
    phone.get_by_role("tablist").get_by_role("tab", name="Fragen").click()
    phone.locator("#ideas-title").scroll_into_view_if_needed()
    phone.wait_for_timeout(300)
    phone.screenshot(path=str(OUT / "ideas-phone-390.png"))
    console = browser.new_context(
        viewport={"width": 1366, "height": 768}, locale="de-DE"
    ).new_page()
    console.goto(f"{server.url}/e/{code}/moderate?token={token}")
    console.wait_for_function("() => document.body.dataset.connection === 'open'")
    console.locator("#mod-ideas > summary").click()
    console.locator("#mod-ideas").scroll_into_view_if_needed()
    console.wait_for_timeout(500)
    console.screenshot(path=str(OUT / "ideas-console-1366x768.png"))
    api(server, "PUT", f"/events/{code}/rooms/{room}/screen", {"mode": "ideas"}, token)
    for name in ("1080p", "720p"):
        width, height = SIZES[name]
        wall = browser.new_context(
            viewport={"width": width, "height": height}, locale="de-DE"
        ).new_page()
        wall.goto(f"{server.url}/e/{code}/screen?room={room}")
        _settled(wall)
        wall.screenshot(path=str(OUT / f"projector-ideas-{name}.png"))


def forums_pages(browser: Browser, stage: Stage) -> None:
    """„Ergebnisse aus den Foren“ (issue 24) in an event of its own with 13 forums, each with a
    ranking poll (tests/support/forums.py), all but the last closed; forums 3 and 8 bring their
    marked ideas instead: the plenary's projector at 1920×1080, 1280×720 and 1024×576, and the
    organiser's card on the console at 1366×768."""
    forums = stock_forums(stage.server, 13, voters=2)
    by_ideas = {forums.forums[2], forums.forums[7]}
    for room in forums.forums:
        if room not in by_ideas:
            forums.source(room)
    for room in forums.forums[:-1]:
        forums.close(room)
    for room in by_ideas:
        ideas = forums.ideas(
            room,
            [
                "E-Akte für alle Teams bis Jahresende",
                "Videoberatung als feste Sprechstunde",
                "Ein Chat für kurze Rückfragen",
                "Schulungen zur Barrierefreiheit",
            ],
        )
        for idea in ideas[:3]:
            forums.mark(idea)
    forums.show()
    for name, (w, h) in SIZES.items():
        page = browser.new_context(viewport={"width": w, "height": h}, locale="de-DE").new_page()
        page.goto(forums.screen_url())
        _settled(page)
        page.screenshot(path=str(OUT / f"projector-forums-{name}.png"))
    console = browser.new_context(viewport={"width": 1366, "height": 768}, locale="de-DE")
    page = console.new_page()
    page.goto(forums.console_url())
    page.wait_for_function("() => document.body.dataset.connection === 'open'")
    page.wait_for_timeout(400)
    page.screenshot(path=str(OUT / "console-forums.png"))
    # The card opened: the middle column scrolls to it (the console stays one screen).
    page.locator("#forum-card > summary").click()
    page.locator("#forum-card").evaluate("el => el.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(400)
    page.screenshot(path=str(OUT / "console-forums-card.png"))


def survey_pages(browser: Browser, stage: Stage) -> None:
    """A self-paced survey (issue 24) in an event of its own: the closing evaluation opened,
    three people answered (two finished); the phone's card on the poll tab, question 1, the
    single-choice question 3 with an answer given, the text question and the end (390×844);
    the console at 1366×768 with the survey card; the projector's neutral slide with the
    participation at 1920×1080."""
    server = stage.server
    event = api(server, "POST", "/events", {"title": "Fachtag Evaluation", "rooms": ["Plenum"]})
    code, token, room = event["code"], event["moderator_token"], event["rooms"][0]["id"]
    survey = api(
        server, "POST", f"/events/{code}/rooms/{room}/surveys",
        {"template": "abschlussevaluation"}, token,
    )  # fmt: skip
    api(server, "POST", f"/events/{code}/surveys/{survey['id']}/open", None, token)
    questions = survey["poll_ids"]
    answers = [
        {"value": 4},
        {"value": 5},
        {"choices": [1]},
        {"choices": [0, 4]},
        {"text": "Mehr Pausen"},
    ]
    ws_base = server.url.replace("http://", "ws://")
    for person_no, count in enumerate((5, 5, 2)):
        person = api(server, "POST", f"/events/{code}/join")["participant_token"]
        with connect(f"{ws_base}/api/v1/events/{code}/rooms/{room}/ws?token={person}") as ws:
            ws.recv()
            for n, (poll_id, answer) in enumerate(zip(questions[:count], answers, strict=False)):
                vote = {"type": "vote", "request_id": f"s{person_no}-{n}", "poll_id": poll_id}
                ws.send(json.dumps({**vote, **answer}))
                while json.loads(ws.recv()).get("type") not in ("ack", "error"):
                    pass
    phone = phone_page(browser)
    phone.goto(f"{server.url}/e/{code}?room={room}")
    phone.wait_for_function("() => document.body.dataset.connection === 'open'")
    phone.wait_for_timeout(300)
    phone.screenshot(path=str(OUT / "survey-phone-card-390.png"))
    phone.get_by_role("link", name="Zur Umfrage").click()
    phone.wait_for_selector("#survey-step")
    phone.screenshot(path=str(OUT / "survey-phone-question-390.png"))
    for label in ("4", "5 – trifft voll zu"):
        phone.get_by_label(label, exact=True).check()
        phone.get_by_role("button", name="Weiter").click()
        phone.wait_for_function("() => !document.querySelector('#announcer').textContent.trim()")
    phone.get_by_label("gut", exact=True).check()
    phone.wait_for_timeout(200)
    phone.screenshot(path=str(OUT / "survey-phone-single-390.png"))
    phone.get_by_role("button", name="Weiter").click()
    phone.get_by_label("Foren").check()
    phone.get_by_role("button", name="Weiter").click()
    phone.get_by_label("Ihre Antwort").fill("Mehr Zeit für den Austausch in den Foren")
    phone.screenshot(path=str(OUT / "survey-phone-text-390.png"))
    phone.get_by_role("button", name="Fertig").click()
    phone.wait_for_function("() => !document.querySelector('#announcer').textContent.trim()")
    phone.screenshot(path=str(OUT / "survey-phone-done-390.png"))
    console = browser.new_context(
        viewport={"width": 1366, "height": 768}, locale="de-DE"
    ).new_page()
    console.goto(f"{server.url}/e/{code}/moderate?token={token}")
    console.wait_for_function("() => document.body.dataset.connection === 'open'")
    console.wait_for_timeout(800)
    console.screenshot(path=str(OUT / "survey-console-1366x768.png"))
    console.locator("#mod-surveys").scroll_into_view_if_needed()
    console.locator("#mod-surveys").screenshot(path=str(OUT / "survey-console-card.png"))
    api(server, "PUT", f"/events/{code}/rooms/{room}/screen", {"mode": "slide"}, token)
    wall = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="de-DE").new_page()
    wall.goto(f"{server.url}/e/{code}/screen?room={room}")
    _settled(wall)
    wall.screenshot(path=str(OUT / "survey-projector-slide-1080p.png"))


GROUPS: dict[str, Callable[[Browser, Stage], None]] = {
    "projector": projector_shots,
    "overlay": overlay_and_phone,
    "organiser": organiser_pages,
    "console": console_pages,
    "protection": protection_pages,
    "privacy": privacy_pages,
    "embed": embed_pages,
    "kinds": kinds_pages,
    "online": online_pages,
    "legal": legal_pages,
    "blocklist": blocklist_pages,
    "panel": panel_pages,
    "pace": pace_pages,
    "countdown": countdown_pages,
    "ideas": ideas_pages,
    "forums": forums_pages,
    "survey": survey_pages,
}


PUBLIC_URL = "https://live.example.org"
# The operator's own pages, linked from every page's footer (issue 23).
OPERATOR_PAGES = {
    "LIVE_IMPRINT_URL": "https://www.example.org/impressum",
    "LIVE_PRIVACY_URL": "https://www.example.org/datenschutz",
    "LIVE_DGS_VIDEO_URL": "https://www.example.org/gebaerdensprache",
}


def main(names: list[str]) -> None:
    unknown = set(names) - set(GROUPS)
    if unknown:
        raise SystemExit(f"unknown group(s) {sorted(unknown)}; known: {', '.join(GROUPS)}")
    with tempfile.TemporaryDirectory() as tmp:
        # The public address a real installation has: links and QR codes carry it, as in a hall
        # (on 127.0.0.1 alone the console and projector rightly warn that phones cannot reach
        # it). The browser still talks to the local server.
        server = LiveServer(
            data_dir=Path(tmp) / "data",
            log_path=Path(tmp) / "server.log",
            env={"LIVE_PUBLIC_URL": PUBLIC_URL, **OPERATOR_PAGES},
        )
        server.start()
        try:
            stage = stock(server)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
                for name, shoot in GROUPS.items():
                    if not names or name in names:
                        shoot(browser, stage)
                browser.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
