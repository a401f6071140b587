"""The footer under every page but the projector's and the overlay's: the operator's Impressum
and privacy policy (LIVE_IMPRINT_URL, LIVE_PRIVACY_URL), the accessibility statement, Leichte
Sprache, what is stored, and the operator's sign-language video (LIVE_DGS_VIDEO_URL).

Its links are data for templates/fragments/site_footer.html, put into every page's context by
``page`` (live/web/responses.py) and the error pages (live/web/errors.py)."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import HTTPConnection

from live.settings import Settings


@dataclass(frozen=True, slots=True)
class Footer:
    imprint_url: str = ""  # "": no link
    privacy_url: str = ""
    dgs_video_url: str = ""


def footer(settings: Settings) -> Footer:
    return Footer(settings.imprint_url, settings.privacy_url, settings.dgs_video_url)


def footer_of(conn: HTTPConnection) -> Footer:
    """The app's footer; the plain one while the app has not started (an error page then)."""
    runtime = getattr(conn.app.state, "live", None)
    settings = getattr(runtime, "settings", None)
    return footer(settings) if isinstance(settings, Settings) else Footer()
