"""Turn an HTTP request into a `Submission`, or a precise 4xx answer naming the field.

The body is read and decoded here rather than by a form library: every limit (size, field
count, UTF-8) gets its own clear message, and the intake's hot path stays short. Whatever the
JSON or form parser hands back is checked here, once, before any field reaches the policy or
the store: text the database cannot encode, numbers and nesting past Python's limits, and
repeated fields are refused with the field's name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TypeVar
from urllib.parse import parse_qsl

from starlette.requests import ClientDisconnect, Request

from ..emailaddress import InvalidEmailAddress, single_address
from ..errors import InvalidSubmission
from ..model import Submission
from ..policy.link import complete_blog_url

MAX_FIELDS = 30
LIMITS = {"article": 200, "name": 200, "url": 2000, "email": 254, "body": 10_000, "token": 500}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
V = TypeVar("V")
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


class RateLimited(InvalidSubmission):
    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "request", f"too many comments from your address; try again in {retry_after} s", 429
        )
        self.retry_after = retry_after


def media_type(request: Request) -> str:
    """The request's media type without parameters; media types are case-insensitive."""
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "").lower()
    return media_type(request) == JSON or (JSON in accept and "text/html" not in accept)


async def read_fields(request: Request, max_bytes: int) -> dict[str, str]:
    """The submitted fields as strings, from a URL-encoded form or a JSON object."""
    content_type = media_type(request)
    if content_type not in (FORM, JSON):
        raise InvalidSubmission(
            "content-type",
            "send the comment as application/x-www-form-urlencoded or application/json",
            status=415,
        )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(max_bytes)
    raw = bytearray()
    try:
        async for chunk in request.stream():
            raw += chunk
            if len(raw) > max_bytes:
                raise _too_large(max_bytes)
    except ClientDisconnect:
        raise InvalidSubmission(
            "request", "the connection closed before the comment arrived"
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidSubmission("request", "the request body is not valid UTF-8") from None
    return _parse_json(text) if content_type == JSON else _parse_form(text)


def _too_large(max_bytes: int) -> InvalidSubmission:
    return InvalidSubmission(
        "request", f"the submission is larger than {max_bytes} bytes; shorten the comment", 413
    )


def _parse_form(text: str) -> dict[str, str]:
    try:
        pairs = parse_qsl(text, keep_blank_values=True, errors="strict", max_num_fields=MAX_FIELDS)
    except UnicodeDecodeError:
        raise InvalidSubmission("request", "a form field is not valid UTF-8") from None
    except ValueError:
        raise InvalidSubmission("request", f"more than {MAX_FIELDS} form fields") from None
    return _without_repeats(pairs)


def _without_repeats(pairs: list[tuple[str, V]]) -> dict[str, V]:
    """One rule for forms and JSON: a field sent twice is refused, never silently picked."""
    fields: dict[str, V] = {}
    for key, value in pairs:
        if key in fields:
            raise InvalidSubmission(field_name(key), "is sent more than once; send it once")
        fields[key] = value
    return fields


def _parse_json(text: str) -> dict[str, str]:
    try:
        # Integers stay text: fields are strings anyway, and int() refuses 4,300+ digits.
        data = json.loads(text, parse_int=str, object_pairs_hook=_without_repeats)
    except json.JSONDecodeError as error:
        raise InvalidSubmission("request", f"not valid JSON: {error.msg}") from None
    except RecursionError:  # the C decoder's own depth guard; a comment is one flat object
        raise InvalidSubmission("request", "the JSON is nested too deeply") from None
    if not isinstance(data, dict):
        raise InvalidSubmission("request", "send a JSON object of fields")
    if len(data) > MAX_FIELDS:
        raise InvalidSubmission("request", f"more than {MAX_FIELDS} fields")
    fields: dict[str, str] = {}
    for key, value in data.items():
        if not _encodable(key):
            raise InvalidSubmission(field_name(key), "is not a valid field name")
        if value is None:
            continue
        if not isinstance(value, str):
            raise InvalidSubmission(field_name(key), "must be a string")
        if not _encodable(value):
            raise InvalidSubmission(
                field_name(key), "contains an invalid character (a lone \\u surrogate)"
            )
        fields[key] = value
    return fields


def _encodable(text: str) -> bool:
    """False for text with lone surrogates: JSON's `\\ud800` parses, but UTF-8 cannot hold it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def field_name(key: str) -> str:
    """A submitted field's name, safe to echo in an answer (lone surrogates escaped, bounded)."""
    return key.encode("utf-8", "backslashreplace").decode("utf-8")[:100]


def clean(value: str) -> str:
    """Drop control characters (keeping tabs and newlines) and normalise line ends."""
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def submission_from(
    fields: Mapping[str, str], *, ip: str, user_agent: str, referrer: str
) -> Submission:
    """Shape checks only: required fields, lengths, formats. The policy judges the rest."""
    values = {key: clean(fields.get(key, "")) for key in LIMITS}
    for key, limit in LIMITS.items():
        if len(values[key]) > limit:
            raise InvalidSubmission(key, f"is longer than {limit} characters")
    for key in ("article", "body"):
        if not values[key].strip():
            raise InvalidSubmission(key, "is required")
    for key in ("name", "url"):
        if key not in fields:
            raise InvalidSubmission(key, "is missing from the form")
    email = _email(fields.get("email", ""))  # uncleaned: a control character is refused here
    reply_to = fields.get("reply_to", "").strip()
    if reply_to and not (reply_to.isascii() and reply_to.isdigit() and len(reply_to) < 12):
        raise InvalidSubmission("reply_to", "must be a comment number")
    return Submission(
        article=values["article"].strip(),
        name=" ".join(values["name"].split()),
        blog_url=complete_blog_url(values["url"]),
        body=values["body"].strip("\n"),
        email=email,
        reply_to=int(reply_to) if reply_to else None,
        ip=ip,
        user_agent=user_agent[:500],
        referrer=referrer[:2000],
        honeypot=fields.get("website", "")[:500],
        form_token=values["token"].strip(),
    )


def _email(value: str) -> str:
    """Empty, or exactly one plain address: the decision e-mail must reach one person only."""
    if not value.strip():
        return ""
    try:
        return single_address(value)
    except InvalidEmailAddress as error:
        raise InvalidSubmission(
            "email", f"{error}; leave it empty or give one address such as ada@example.org"
        ) from None


async def parse_submission(request: Request) -> Submission:
    """Rate limit, then the request's fields as a `Submission` (or a 4xx naming the field)."""
    state = request.app.state
    ip = state.client_address.of(request)
    wait = await state.limiter.retry_after(ip)
    if wait:
        raise RateLimited(wait)
    fields = await read_fields(request, state.max_request_bytes)
    return submission_from(
        fields,
        ip=ip,
        user_agent=request.headers.get("user-agent", ""),
        referrer=request.headers.get("referer", ""),
    )
