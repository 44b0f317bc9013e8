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
# How an error names a field to people; the JSON answer's `field` keeps the machine name.
LABELS = {
    "article": "The article",
    "name": "Your name",
    "url": "Your blog's address",
    "email": "Your e-mail address",
    "body": "Your comment",
    "reply_to": "The comment you reply to",
    "token": "The form's security token",
    "indieauth": "Your sign-in with your blog",
}
_UNREADABLE = "Your comment could not be read"
_TICKED = frozenset({"yes", "on", "1", "true"})  # a ticked box, as forms and scripts send it
_FROM_THE_FORM = "send it again from the article's comment form"


class RateLimited(InvalidSubmission):
    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "request",
            f"You have sent many comments in a short time: please wait {retry_after} seconds,"
            " then send yours again.",
            429,
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
            f"{_UNREADABLE}: it was not sent as a form or as JSON. Please {_FROM_THE_FORM}.",
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
            "request",
            f"The connection closed before your comment arrived. Please {_FROM_THE_FORM}.",
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidSubmission("request", f"{_UNREADABLE}: its text is not UTF-8.") from None
    return _parse_json(text) if content_type == JSON else _parse_form(text)


def _too_large(max_bytes: int) -> InvalidSubmission:
    return InvalidSubmission(
        "request",
        f"Your comment is too long to send (over {max_bytes} bytes): please shorten it.",
        413,
    )


def _parse_form(text: str) -> dict[str, str]:
    try:
        pairs = parse_qsl(text, keep_blank_values=True, errors="strict", max_num_fields=MAX_FIELDS)
    except UnicodeDecodeError:
        raise InvalidSubmission("request", f"{_UNREADABLE}: a field's text is not UTF-8.") from None
    except ValueError:
        message = f"{_UNREADABLE}: the form has more than {MAX_FIELDS} fields."
        raise InvalidSubmission("request", message) from None
    return _without_repeats(pairs)


def _without_repeats(pairs: list[tuple[str, V]]) -> dict[str, V]:
    """One rule for forms and JSON: a field sent twice is refused, never silently picked."""
    fields: dict[str, V] = {}
    for key, value in pairs:
        if key in fields:
            message = f"{label(key)} is sent more than once: please send it once."
            raise InvalidSubmission(field_name(key), message)
        fields[key] = value
    return fields


def _parse_json(text: str) -> dict[str, str]:
    try:
        # Integers stay text: fields are strings anyway, and int() refuses 4,300+ digits.
        data = json.loads(text, parse_int=str, object_pairs_hook=_without_repeats)
    except json.JSONDecodeError as error:
        message = f"{_UNREADABLE}: it is not valid JSON ({error.msg.lower()})."
        raise InvalidSubmission("request", message) from None
    except RecursionError:  # the C decoder's own depth guard; a comment is one flat object
        raise InvalidSubmission(
            "request", f"{_UNREADABLE}: its JSON is nested too deeply."
        ) from None
    if not isinstance(data, dict):
        raise InvalidSubmission("request", f"{_UNREADABLE}: send a JSON object of fields.")
    if len(data) > MAX_FIELDS:
        raise InvalidSubmission("request", f"{_UNREADABLE}: it has more than {MAX_FIELDS} fields.")
    fields: dict[str, str] = {}
    for key, value in data.items():
        if not _encodable(key):
            raise InvalidSubmission(field_name(key), f"{_UNREADABLE}: a field's name is not text.")
        if value is None:
            continue
        if not isinstance(value, str):
            raise InvalidSubmission(field_name(key), f"{label(key)} must be text.")
        if not _encodable(value):
            message = f"{label(key)} contains an invalid character (a lone \\u surrogate)."
            raise InvalidSubmission(field_name(key), message)
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


def label(key: str) -> str:
    """A field as people call it, for error messages."""
    return LABELS.get(key, "A field of the form")


def readable(error: InvalidSubmission) -> str:
    """The error as a sentence for people: messages written as `field: fragment` (older code,
    other modules) get the field's label instead of its name."""
    message = error.message.strip()
    if not message[:1].isupper():
        message = f"{LABELS.get(error.field, 'The ' + error.field.replace('_', ' '))} {message}"
    return sentence(message)


def sentence(text: str) -> str:
    """`text` with a capital first and a full stop last."""
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


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
            message = f"{label(key)} is longer than {limit} characters: please shorten it."
            raise InvalidSubmission(key, message)
    if not values["article"].strip():
        message = f"Your comment does not say which article it is for: please {_FROM_THE_FORM}."
        raise InvalidSubmission("article", message)
    if not values["body"].strip():
        raise InvalidSubmission("body", "Your comment is empty: please write it, then send it.")
    for key in ("name", "url"):
        if key not in fields:
            message = f"{label(key)} is missing from the form: please {_FROM_THE_FORM}."
            raise InvalidSubmission(key, message)
    email = _email(fields.get("email", ""))  # uncleaned: a control character is refused here
    reply_to = fields.get("reply_to", "").strip()
    if reply_to and not (reply_to.isascii() and reply_to.isdigit() and len(reply_to) < 12):
        message = "The comment you reply to is not a comment number: use its Reply link."
        raise InvalidSubmission("reply_to", message)
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
        notify_replies=fields.get("notify_replies", "").strip().lower() in _TICKED,
    )


def _email(value: str) -> str:
    """Empty, or exactly one plain address: the decision e-mail must reach one person only."""
    if not value.strip():
        return ""
    try:
        return single_address(value)
    except InvalidEmailAddress as error:
        raise InvalidSubmission(
            "email",
            f"Check your e-mail address ({error}): leave it empty or give one address such as"
            " ada@example.org.",
        ) from None


async def parse_submission(request: Request) -> Submission:
    """Rate limit, then the request's fields as a `Submission` (or a 4xx naming the field)."""
    submission, _ = await parse_submission_fields(request)
    return submission


async def parse_submission_fields(request: Request) -> tuple[Submission, dict[str, str]]:
    """`parse_submission`, with every field as sent (the sign-in proof is not a Submission's)."""
    state = request.app.state
    ip = state.client_address.of(request)
    wait = await state.limiter.retry_after(ip)
    if wait:
        raise RateLimited(wait)
    fields = await read_fields(request, state.max_request_bytes)
    submission = submission_from(
        fields,
        ip=ip,
        user_agent=request.headers.get("user-agent", ""),
        referrer=request.headers.get("referer", ""),
    )
    return submission, fields
