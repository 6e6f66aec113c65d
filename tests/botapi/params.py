"""Method parameters as the Bot API reads them: query string, form, multipart or JSON.

Clients send non-string values JSON-encoded inside form fields (python-telegram-bot
does so for ``chat_id``, ``reply_markup``, booleans) and strings raw; a JSON body
carries typed values. Every accessor accepts both, as Telegram does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, web

from .errors import bad_request


@dataclass(frozen=True)
class Upload:
    """A file sent as a multipart part."""

    filename: str | None
    content_type: str | None
    data: bytes


class Params:
    """The parameters of one method call, with typed accessors raising Telegram's errors."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def has(self, name: str) -> bool:
        """True when the parameter is present and not empty (Telegram ignores empty ones)."""
        value = self.values.get(name)
        return value is not None and value != ""

    def text(self, name: str, missing: str | None = None) -> str | None:
        """A string parameter; ``missing`` is the error description when it is required."""
        if not self.has(name):
            if missing is not None:
                raise bad_request(missing)
            return None
        value = self.values[name]
        if isinstance(value, Upload):
            return value.data.decode("utf-8", "replace")
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return str(value)
        return json.dumps(value)

    def integer(self, name: str, missing: str | None = None) -> int | None:
        """An integer parameter; an unparsable value counts as absent, as in Telegram."""
        if not self.has(name):
            if missing is not None:
                raise bad_request(missing)
            return None
        value = self.values[name]
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            if missing is not None:
                raise bad_request(missing) from None
            return None

    def number(self, name: str) -> float | None:
        """A floating-point parameter."""
        if not self.has(name):
            return None
        try:
            return float(self.values[name])
        except (TypeError, ValueError):
            return None

    def flag(self, name: str) -> bool:
        """A boolean parameter: ``true`` or ``1`` mean true, anything else false."""
        value = self.values.get(name)
        if isinstance(value, bool):
            return value
        if value is None:
            return False
        return str(value).strip().lower() in {"true", "1"}

    def obj(self, name: str, what: str | None = None) -> Any:
        """A JSON-serialized parameter, decoded; ``what`` names it in the parse error."""
        if not self.has(name):
            return None
        value = self.values[name]
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {what or name} JSON object") from None

    def chat_id(self, name: str = "chat_id") -> int | str:
        """A chat identifier: an integer or an ``@username``."""
        if not self.has(name):
            raise bad_request(f"{name} is empty")
        value = self.values[name]
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raw = str(value).strip()
        if raw.startswith("@"):
            return raw
        try:
            return int(raw)
        except ValueError:
            raise bad_request("chat not found") from None

    def file(self, name: str) -> Upload | str | None:
        """A file parameter: an uploaded part, an ``attach://`` reference, or a file_id/URL."""
        if not self.has(name):
            return None
        value = self.values[name]
        if isinstance(value, Upload):
            return value
        ref = str(value)
        if ref.startswith("attach://"):
            attached = self.values.get(ref.removeprefix("attach://"))
            if isinstance(attached, Upload):
                return attached
            raise bad_request(f'can\'t find attached file "{ref}"')
        return ref

    def loggable(self) -> dict[str, Any]:
        """The parameters with uploads summarised, for the request log."""
        return {
            key: (f"<upload {len(v.data)} bytes>" if isinstance(v, Upload) else v)
            for key, v in self.values.items()
        }


async def read_params(request: web.Request) -> Params:
    """Collect the query string and the body of ``request`` into :class:`Params`."""
    values: dict[str, Any] = dict(request.query)
    ctype = request.content_type
    if request.method == "POST" and request.can_read_body:
        if ctype == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad_request("can't parse JSON encoded request body") from None
            if isinstance(body, dict):
                values.update(body)
        elif ctype == "multipart/form-data":
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                if not isinstance(part, BodyPartReader) or part.name is None:
                    continue
                data = await part.read()
                if part.filename is not None:
                    ptype = part.headers.get("Content-Type")
                    values[part.name] = Upload(part.filename, ptype, bytes(data))
                else:
                    values[part.name] = bytes(data).decode("utf-8", "replace")
        else:
            form = await request.post()
            values.update({key: str(value) for key, value in form.items()})
    return Params(values)
