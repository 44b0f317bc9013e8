"""Comment addresses and schema.org `Comment` objects for the article's JSON-LD.

The objects are serialised once per set of comments, exactly as the template's `|tojson`
would (the environment's JSON policies, then `<`, `>`, `&` and `'` escaped), so the commenter's
text cannot end the `<script>` element it sits in and no page serialises them again. The page
needs only that text; `article.jsonld_comments` parses it back into objects when a template
first reads them (`JsonLd`), and `|tojson` still serialises it, through the environment's JSON
`default` (`serialisable`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any, overload

from jinja2 import Environment
from jinja2.utils import htmlsafe_json_dumps

from .thread import Node


def page_url(origin: str, url: str) -> str:
    """An absolute page address, as the theme's `absolute` macro writes it."""
    if url == "index.html":
        url = ""
    elif url.endswith("/index.html"):
        url = url[: -len("index.html")]
    return f"{origin.rstrip('/')}/{url}"


def anchor(node: Node) -> str:
    return f"comment-{node.id}"


def jsonld_comments(nodes: list[Node], article_url: str) -> list[dict[str, Any]]:
    """One `Comment` per published comment, in date order; replies name their parent."""
    items: list[dict[str, Any]] = []
    for node in nodes:
        url = f"{article_url}#{anchor(node)}"
        author: dict[str, str] = {"@type": "Person", "name": node.author}
        if node.url:
            author["url"] = node.url
        item: dict[str, Any] = {
            "@type": "Comment",
            "@id": url,
            "url": url,
            "author": author,
            "dateCreated": node.date.isoformat(),
            "text": node.text,
        }
        if node.parent is not None:
            item["parentItem"] = {"@id": f"{article_url}#{anchor(node.parent)}"}
        items.append(item)
    return items


class JsonLd(Sequence[dict[str, Any]]):
    """The `Comment` objects of one article, parsed from their JSON when first read."""

    __slots__ = ("_items", "text")

    def __init__(self, text: str) -> None:
        self.text = text  # as `tojson` wrote it
        self._items: list[dict[str, Any]] | None = None

    @property
    def items(self) -> list[dict[str, Any]]:
        if self._items is None:
            self._items = json.loads(self.text)
        return self._items

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        return self.items[index]

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.items)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and self.items == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"JsonLd({self.items!r})"


class _Default:
    """The JSON `default` that serialises `JsonLd` as its list, and leaves the rest to the
    environment's own `default`, if it had one."""

    def __init__(self, before: Callable[[Any], Any] | None) -> None:
        self.before = before

    def __call__(self, value: object) -> Any:
        if isinstance(value, JsonLd):
            return value.items
        if self.before is not None:
            return self.before(value)
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def serialisable(environment: Environment) -> None:
    """Let the environment's `|tojson` serialise `JsonLd` values."""
    kwargs = environment.policies["json.dumps_kwargs"]
    if not isinstance(kwargs.get("default"), _Default):
        environment.policies["json.dumps_kwargs"] = {
            **kwargs,
            "default": _Default(kwargs.get("default")),
        }


def tojson(value: object, environment: Environment) -> str:
    """`value|tojson` as a template of `environment` would write it."""
    policies = environment.policies
    return str(
        htmlsafe_json_dumps(
            value, dumps=policies["json.dumps_function"], **policies["json.dumps_kwargs"]
        )
    )


def json_policy(environment: Environment) -> str:
    """What `tojson` depends on besides the value, for cache keys."""
    policies = environment.policies
    kwargs = dict(policies["json.dumps_kwargs"])
    default = kwargs.get("default")
    if isinstance(default, _Default):
        kwargs["default"] = default.before
    described = {k: _name(v) if callable(v) else v for k, v in kwargs.items()}
    return repr((_name(policies["json.dumps_function"]), sorted(described.items())))


def _name(function: object) -> str:
    if function is None:
        return "None"
    return f"{getattr(function, '__module__', '')}.{getattr(function, '__qualname__', function)}"
