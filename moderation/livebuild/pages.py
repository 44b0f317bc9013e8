"""Some pages of a paginated list, written as Pelican's `Writer.write_file` writes them.

Replaying a paginated call whole costs every page's set-up (three `Paginator.page`s, a copy
of the context, relative paths, a folder check) even when only one page is rendered: on a
10,000-post blog, 2,000 index pages and 6,000 tag pages for the 7 pages a comment changes.
This is the body of Pelican 4.12's `write_file` for the pages asked for, and nothing else;
`tests/integration/test_livebuild.py` compares every replay with a clean Pelican build.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Iterable
from typing import Any

from pelican.paginator import Page, Paginator
from pelican.plugins import signals
from pelican.utils import get_relative_path, path_to_url, sanitised_join
from pelican.writers import Writer

_WRITE_FILE = inspect.signature(Writer.write_file)


def page_number(localcontext: dict[str, Any]) -> int | None:
    """The number of the paginated page being rendered (None: not a paginated page)."""
    for key in ("articles_page", "dates_page"):
        page = localcontext.get(key)
        if isinstance(page, Page):
            return page.number
    return next((v.number for v in localcontext.values() if isinstance(v, Page)), None)


def write_pages(
    writer: Writer,
    template: Any,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    numbers: Iterable[int],
) -> bool:
    """Write pages `numbers` (from 1) of the `write_file(*args, **kwargs)` call, with
    `template`; False, writing nothing, when that call is not paginated."""
    bound = _WRITE_FILE.bind(writer, *args, **kwargs)
    bound.apply_defaults()
    call = bound.arguments
    extra: dict[str, Any] = call["kwargs"]
    paginated = call["paginated"]
    if paginated is None:
        paginated = {key: value for key, value in extra.items() if key in {"articles", "dates"}}
    settings = writer.settings
    if not paginated or call["template_name"] not in settings["PAGINATED_TEMPLATES"]:
        return False
    per_page = (
        settings["PAGINATED_TEMPLATES"][call["template_name"]] or settings["DEFAULT_PAGINATION"]
    )
    paginators = {
        key: Paginator(call["name"], call["url"], value, settings, per_page)
        for key, value in paginated.items()
    }
    for number in sorted(numbers):
        page_kwargs = extra.copy()
        for key, paginator in paginators.items():
            page = paginator.page(number)
            page_kwargs.update(
                {
                    f"{key}_paginator": paginator,
                    f"{key}_page": page,
                    f"{key}_previous_page": paginator.page(number - 1) if number > 1 else None,
                    f"{key}_next_page": (
                        paginator.page(number + 1) if number < paginator.num_pages else None
                    ),
                }
            )
        _write(writer, template, call, page.save_as, page_kwargs)
    return True


def _write(
    writer: Writer, template: Any, call: dict[str, Any], name: str, kwargs: dict[str, Any]
) -> None:
    """Pelican's `_get_localcontext` and `_write_file`, for one page."""
    context = call["context"]
    localcontext = context.copy()
    localcontext["localsiteurl"] = localcontext.get("localsiteurl", None)
    if call["relative_urls"]:
        relative_url = path_to_url(get_relative_path(name))
        localcontext["SITEURL"] = relative_url
        localcontext["localsiteurl"] = relative_url
    localcontext["output_file"] = name
    localcontext.update(kwargs)
    if localcontext["localsiteurl"]:
        context["localsiteurl"] = localcontext["localsiteurl"]
    output = template.render(localcontext)
    path = sanitised_join(writer.output_path, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with writer._open_w(path, "utf-8", override=call["override_output"]) as handle:
        handle.write(output)
    signals.content_written.send(path, context=localcontext)
