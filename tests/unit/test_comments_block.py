"""The comment block rendered once per set of comments: exact, or not done at all."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from comments.block import TEMPLATE, BlockRenderer
from comments.structured import JsonLd, serialisable, tojson
from comments.thread import Node, Thread
from jinja2 import DictLoader, Environment

LIST = "{% for c in article.comments %}<p>{{ c.author|e }} {{ c.date|d }}</p>{% endfor %}"
CONTEXT = {"DEFAULT_DATE_FORMAT": "%Y", "SITEURL": "https://blog.example", "SITENAME": "Blog"}


def environment(block: str, **others: str) -> Environment:
    env = Environment(loader=DictLoader({TEMPLATE: block, **others}))
    env.filters["d"] = lambda date: date.strftime(CONTEXT["DEFAULT_DATE_FORMAT"])
    return env


def comments() -> list[Node]:
    date = datetime(2025, 3, 1, tzinfo=UTC)
    return [Node(1, "Ada <Lovelace>", "https://ada.example/", date, "<p>Hi</p>")]


def test_the_block_renders_the_comments_with_the_template_and_the_build_context() -> None:
    renderer = BlockRenderer(environment(LIST + "{{ SITENAME }}"), CONTEXT)
    assert renderer.render(comments(), 1) == "<p>Ada &lt;Lovelace&gt; 2025</p>Blog"


@pytest.mark.parametrize(
    ("block", "read"),
    [
        (LIST + '<a href="{{ SITEURL }}/">home</a>', "SITEURL"),
        ("{{ article.title }}" + LIST, "article.title"),
        ("{{ category|default('x') }}", "category"),
        ('{% import "m.html" as m with context %}{{ m.home() }}', "SITEURL"),
    ],
    ids=["siteurl", "article-title", "page-variable", "siteurl-in-a-macro"],
)
def test_a_block_that_reads_what_a_page_sets_for_itself_is_not_rendered_once(
    block: str, read: str, caplog, monkeypatch
) -> None:
    # Pelican's loggers drop a message already logged in this process: count each one here.
    monkeypatch.setattr(logging.getLogger("comments.block"), "filters", [])
    macros = '{% macro home() %}<a href="{{ SITEURL }}/">home</a>{% endmacro %}'
    renderer = BlockRenderer(environment(block, **{"m.html": macros}), CONTEXT)
    with caplog.at_level(logging.WARNING):
        assert renderer.render(comments(), 1) is None
        assert renderer.render([], 0) is None
    assert [r.getMessage() for r in caplog.records] == [
        f"comments: {TEMPLATE} reads {read}, which differs from page to page, so it is"
        " rendered with each page instead of once per set of comments"
    ]


def test_a_theme_without_the_block_template_gets_no_block() -> None:
    renderer = BlockRenderer(Environment(loader=DictLoader({})), CONTEXT)
    assert renderer.key is None and renderer.render(comments(), 1) is None


def test_the_key_changes_with_the_templates_and_the_values_they_read() -> None:
    macros = {"m.html": "{% macro x() %}{{ DEFAULT_DATE_FORMAT }}{% endmacro %}"}
    block = '{% import "m.html" as m with context %}' + LIST
    key = BlockRenderer(environment(block, **macros), CONTEXT).key
    assert key == BlockRenderer(environment(block, **macros), CONTEXT).key
    assert key != BlockRenderer(environment(block + " ", **macros), CONTEXT).key
    other = {"m.html": macros["m.html"] + " "}
    assert key != BlockRenderer(environment(block, **other), CONTEXT).key
    later = {**CONTEXT, "DEFAULT_DATE_FORMAT": "%d %B %Y"}
    assert key != BlockRenderer(environment(block, **macros), later).key
    unread = {**CONTEXT, "SITENAME": "Another"}
    assert key == BlockRenderer(environment(block, **macros), unread).key


def test_a_known_analysis_is_used_only_while_the_sources_are_the_same() -> None:
    first = BlockRenderer(environment(LIST), CONTEXT)
    assert first.analysis is not None
    again = BlockRenderer(environment(LIST), CONTEXT, first.analysis)
    assert again.analysis is first.analysis and again.key == first.key
    changed = BlockRenderer(environment(LIST + "{{ SITENAME }}"), CONTEXT, first.analysis)
    assert changed.analysis != first.analysis
    assert changed.render(comments(), 1).endswith("Blog")


def test_the_thread_is_worked_out_once_and_only_when_read() -> None:
    made: list[int] = []

    def make() -> list[Node]:
        made.append(1)
        return comments()

    thread = Thread(1, make)
    assert thread and made == []
    assert [n.id for n in thread] == [1] and len(thread) == 1 and thread[0].id == 1
    assert made == [1]
    assert not Thread(0, list)


def test_json_ld_text_reads_back_as_the_objects_and_tojson_writes_it_unchanged() -> None:
    env = Environment()
    serialisable(env)
    serialisable(env)  # a second build with the same environment
    objects = [{"@type": "Comment", "text": "</script><b>'&'</b>", "n": [1, 2]}]
    text = tojson(objects, env)
    assert "</script>" not in text
    lazy = JsonLd(text)
    assert lazy == objects and list(lazy) == objects and lazy[0]["n"] == [1, 2]
    template = env.from_string("{{ {'comment': x, 'n': 1}|tojson }}")
    assert template.render(x=lazy) == template.render(x=objects)
    with pytest.raises(TypeError, match="not JSON serializable"):
        env.from_string("{{ x|tojson }}").render(x=object())
