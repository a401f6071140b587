"""Branding of the Redis store (issue 17): the event's colour and its logo.

A mixin of RedisStore (redis.py, which describes the key layout). The colour and the logo's
version are fields of the event hash; the bytes are in ``P:{code}:logo`` (under the event's
hash tag, deleted with the event), base64-encoded because the client decodes every reply as
text. One script writes the logo and its version together; one MULTI reads them together.
"""

from __future__ import annotations

import base64
import binascii
from typing import cast

from live.domain.models import Logo
from live.store import redis_scripts_program as lua
from live.store.base import StoreError
from live.store.redis_codec import check_reply, translate_errors
from live.store.redis_questions import _Core


class RedisBrand:
    async def set_brand_color(self: _Core, code: str, color: str | None) -> None:
        with translate_errors("set_brand_color"):
            reply = await self._run(lua.SET_BRAND_COLOR, [self._key(code, "event")], [color or ""])
        check_reply(reply, f"event {code!r}")

    async def set_logo(self: _Core, code: str, logo: Logo | None) -> None:
        args = ["", "", ""]
        if logo is not None:
            args = [logo.version, logo.media_type, base64.b64encode(logo.data).decode("ascii")]
        keys = [self._key(code, "event"), self._key(code, "logo")]
        with translate_errors("set_logo"):
            reply = await self._run(lua.SET_LOGO, keys, args)
        check_reply(reply, f"event {code!r}")

    async def get_logo(self: _Core, code: str) -> Logo | None:
        with translate_errors("get_logo"):
            async with self._redis().pipeline(transaction=True) as pipe:
                pipe.hget(self._key(code, "event"), "logo_version")
                pipe.hmget(self._key(code, "logo"), ["media_type", "data"])
                version, (media_type, data) = cast(
                    "tuple[str | None, list[str | None]]", await pipe.execute()
                )
        if version is None or media_type is None or data is None:
            return None
        try:
            raw = base64.b64decode(data, validate=True)
        except binascii.Error as exc:
            raise StoreError(f"event {code!r}: the stored logo is not base64") from exc
        return Logo(media_type=media_type, data=raw, version=version)
