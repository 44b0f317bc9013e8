"""The project's own JSON format (`moderate export --format json`): written one comment per
line as the store hands them over (an export of any size in little memory), read back and
checked.

Each comment is checked for the fields and types `store.exchange.restore` needs before any
is stored; a bad one is a `BadEntry` naming its place ("comment 3 (id 12)"), so the import
refuses the file or, with `--skip-bad`, leaves it out. The document is read whole: an export
holds the queue, not a blog's history of millions.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import TextIO

from ..model import Status, Verdict
from ..store.exchange import (
    AUDIT_FIELDS,
    COMMENT_FIELDS,
    FORMAT,
    ORIGIN_FIELDS,
    REVISION_FIELDS,
    VERSION,
)
from .record import BadEntry, ImportFileError

SOURCE = "json"
_INTEGERS = frozenset({"id", "version"})
_OPTIONAL = frozenset({"reply_to", "decided_at", "from_status"})  # may be null
_TIMES = frozenset({"created_at", "updated_at", "decided_at", "replaced_at", "at", "imported_at"})
_STATUSES = frozenset(Status)


def write(handle: TextIO, comments: Iterable[dict[str, object]], *, personal: bool) -> int:
    """The document, one comment per line (valid JSON, and a readable diff); returns how many."""
    header = {"format": FORMAT, "version": VERSION, "personal_data": personal}
    handle.write(json.dumps(header, ensure_ascii=False)[:-1] + ', "comments": [\n')
    count = 0
    for comment in comments:
        handle.write((",\n" if count else "") + json.dumps(comment, ensure_ascii=False))
        count += 1
    handle.write("\n]}\n")
    return count


def read(path: Path) -> tuple[list[dict], list[BadEntry]]:
    """The exported comments that can be restored, and the places of those that cannot."""
    try:
        document = json.loads(path.read_bytes())
    except (OSError, UnicodeDecodeError) as error:
        raise ImportFileError(f"{path}: {error}") from None
    except json.JSONDecodeError as error:
        raise ImportFileError(
            f"{path}: line {error.lineno}, column {error.colno}: not JSON: {error.msg}"
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportFileError(f"{path}: not a `moderate export --format json` file")
    if document.get("version") != VERSION:
        raise ImportFileError(
            f"{path}: format version {document.get('version')!r}; this code reads {VERSION}"
        )
    comments = document.get("comments")
    if not isinstance(comments, list):
        raise ImportFileError(f"{path}: no list of comments")
    good: list[dict] = []
    bad: list[BadEntry] = []
    for number, comment in enumerate(comments, start=1):
        place = f"comment {number}"
        if isinstance(comment, dict) and isinstance(comment.get("id"), int):
            place += f" (id {comment['id']})"
        if problem := _problem(comment):
            bad.append(BadEntry(place, problem))
        else:
            good.append(comment)
    return good, bad


def _problem(comment: object) -> str:
    if not isinstance(comment, dict):
        return "not an object"
    if problem := _fields(comment, COMMENT_FIELDS):
        return problem
    if comment["status"] not in _STATUSES:
        return f"unknown status {comment['status']!r}"
    for key in ("email", "ip", "user_agent", "referrer"):
        if not isinstance(comment.get(key, ""), str):
            return f"{key} is not text"
    if problem := _review(comment.get("review")):
        return problem
    for key, fields in (
        ("revisions", REVISION_FIELDS),
        ("audit", AUDIT_FIELDS),
        ("imported_from", ORIGIN_FIELDS),
    ):
        items = comment.get(key)
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            return f"{key} is not a list of objects"
        for item in items:
            if problem := _fields(item, fields) or (
                key == "revisions" and _review(item.get("review"))
            ):
                return f"{key}: {problem}"
    return ""


def _fields(item: dict, names: tuple[str, ...]) -> str:
    for name in names:
        if name not in item:
            return f"no {name!r}"
        value = item[name]
        if value is None and (name in _OPTIONAL):
            continue
        wanted = int if name in _INTEGERS or name == "reply_to" else str
        if not isinstance(value, wanted) or isinstance(value, bool):
            return f"{name!r} is not {'a number' if wanted is int else 'text'}"
        if name in _TIMES:
            try:
                if datetime.fromisoformat(value).tzinfo is None:
                    return f"{name!r} has no time zone"
            except ValueError:
                return f"{name!r} is not a time: {value[:40]!r}"
    return ""


def _review(review: object) -> str:
    if not isinstance(review, dict) or not isinstance(review.get("checks"), list):
        return "review has no list of checks"
    for check in review["checks"]:
        if not isinstance(check, dict) or not isinstance(check.get("check"), str):
            return "review: a check without a name"
        if check.get("verdict") not in {v.value for v in Verdict}:
            return f"review: unknown verdict {check.get('verdict')!r}"
    return ""
