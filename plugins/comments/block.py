"""The comment block of an article page, rendered once per set of comments instead of per page.

Rendering ten comments through `_comments.html` costs more than everything else the plugin
does, so the plugin renders the template itself, with the build's Jinja environment and
context, and `article.html` inserts the result (`article.comments_html`); the result is cached
with the comments. `_comments.html` stays the one source of the markup and of its escaping.

That is exact only while the block depends on nothing but the comments and the build's
settings. The template is rendered with an `article` that has nothing but `comments` and
`comment_count`, and with the values a page would set for itself (SITEURL under relative
URLs, the output file, anything the build context lacks) replaced by stand-ins that raise
when used; a template that reads them is left to render with each page, as without the
plugin, and the build says so once.
"""

from __future__ import annotations

import hashlib
import json
import locale
import logging
from importlib import metadata
from typing import Any, NoReturn

from jinja2 import Environment, Template, TemplateNotFound, meta
from markupsafe import Markup

from .thread import Node, Thread

logger = logging.getLogger(__name__)

TEMPLATE = "_comments.html"
# What Pelican's writer sets for each page over the build's context.
PER_PAGE = frozenset({"SITEURL", "localsiteurl", "output_file", "category", "blog"})


class PageSpecific(Exception):
    """The block read something that is not the same on every page."""


class CommentsOnly:
    """The article as the block may see it: its comments, nothing that differs by page."""

    __slots__ = ("comment_count", "comments")

    def __init__(self, comments: Thread | list[Node], count: int) -> None:
        self.comments = comments
        self.comment_count = count

    def __getattr__(self, name: str) -> NoReturn:
        if name.startswith("__"):
            raise AttributeError(name)
        raise PageSpecific(f"article.{name}")


class PerPage:
    """Stands for a value a page sets for itself: any use of it stops the pre-rendering."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def _used(self, *args: object) -> NoReturn:
        raise PageSpecific(self.name)

    __getattr__ = __getitem__ = __call__ = __iter__ = __len__ = __contains__ = _used
    __str__ = __html__ = __format__ = __bool__ = __int__ = __float__ = __index__ = _used
    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = __add__ = __radd__ = __mod__ = _used
    __hash__ = object.__hash__


Analysis = tuple[dict[str, str], frozenset[str]]  # the templates' sources, the names they read


class BlockRenderer:
    """Renders `_comments.html` for one article's comments; `key` is None when it cannot.

    `analysis` says which templates the block uses and which names they read; working it out
    costs a compilation, so a cached one (`known`) is used while the sources are the same.
    """

    def __init__(
        self, environment: Environment, context: dict[str, Any], known: Analysis | None = None
    ) -> None:
        self.environment = environment
        self.context = dict(context)
        self.template: Template | None = None
        self.key: str | None = None
        self.analysis: Analysis | None = None
        self.warned = False
        try:
            self.analysis = known if _unchanged(environment, known) else _analyse(environment)
        except TemplateNotFound:  # a theme without the block: nothing to pre-render
            return
        if self.analysis is None:
            return
        sources, names = self.analysis
        constant = (self.context.keys() | environment.globals.keys()) - PER_PAGE - {"article"}
        self.context.update({name: PerPage(name) for name in (names - constant) | PER_PAGE})
        values = {name: self.context[name] for name in sorted(names & constant)}
        setup = f"{metadata.version('jinja2')}\n{locale.setlocale(locale.LC_TIME)}"
        digest = hashlib.sha256(setup.encode())
        digest.update(json.dumps(sources, sort_keys=True).encode())
        digest.update(repr(values).encode())
        self.key = digest.hexdigest()

    def render(self, comments: Thread | list[Node], count: int) -> Markup | None:
        """The block's HTML, or None when it reads what a page sets for itself."""
        if self.key is None:
            return None
        if self.template is None:
            self.template = self.environment.get_template(TEMPLATE)
        self.context["article"] = CommentsOnly(comments, count)
        try:
            return Markup(self.template.render(self.context))
        except PageSpecific as error:
            if not self.warned:
                logger.warning(
                    "comments: %s reads %s, which differs from page to page, so it is"
                    " rendered with each page instead of once per set of comments",
                    TEMPLATE,
                    error,
                )
                self.warned = True
            return None


def _unchanged(environment: Environment, known: Analysis | None) -> bool:
    """Whether every template `known` was worked out from still has the same source."""
    loader = environment.loader
    if known is None or loader is None:
        return False
    try:
        return all(loader.get_source(environment, n)[0] == s for n, s in known[0].items())
    except TemplateNotFound:
        return False


def _analyse(environment: Environment) -> Analysis | None:
    """The block's template and every template it uses, by name, and the names they read.

    None when a template is chosen at run time: the cache could not know what to watch.
    """
    sources: dict[str, str] = {}
    names: set[str] = set()
    pending = [TEMPLATE]
    loader = environment.loader
    assert loader is not None  # Pelican always gives its environment a loader
    while pending:
        name = pending.pop()
        if name in sources:
            continue
        sources[name] = loader.get_source(environment, name)[0]
        tree = environment.parse(sources[name], name)
        names |= meta.find_undeclared_variables(tree)
        for used in meta.find_referenced_templates(tree):
            if used is None:
                return None
            pending.append(used)
    return sources, frozenset(names)
