"""The blog's look on the commenter's pages: its header, navigation, stylesheet and favicon.

A reader who sends a comment lands on the service's status page; it should look like the blog
they came from. The service serves the theme's own static folder and the site's favicon under
/comments-assets/ (same origin, so the service's strict Content-Security-Policy holds), and
builds the navigation from the same settings the theme uses: MENUITEMS, then the pages when
DISPLAY_PAGES_ON_MENU is on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from ..articles import ArticleIndex
from ..settings import Settings

THEME_ASSETS = "/comments-assets/theme"
FAVICON = "/comments-assets/favicon"


@dataclass(frozen=True)
class MenuItem:
    title: str
    href: str


class SiteChrome:
    """What the status pages borrow from the blog, read from the settings."""

    def __init__(self, settings: Settings) -> None:
        self.origin = settings.site_origin
        self.menu_items = [tuple(item) for item in settings.get("MENUITEMS", ())]
        self.pages = (
            ArticleIndex(Path(settings["PATH"]), settings.get("PAGE_PATHS", ["pages"]))
            if settings.get("DISPLAY_PAGES_ON_MENU")
            else None
        )
        self.page_url = str(settings.get("PAGE_URL", "pages/{slug}.html"))
        theme = Path(str(settings.get("THEME", ""))) / "static"
        self.theme_static = theme if theme.is_dir() else None
        self.favicon = _favicon(settings)

    def menu(self) -> list[MenuItem]:
        """The theme's navigation, with links made absolute (the status page is elsewhere)."""
        items = [MenuItem(str(title), self._href(str(link))) for title, link in self.menu_items]
        if self.pages is not None:
            for page in sorted(self.pages.articles().values(), key=lambda p: p.source.name):
                items.append(MenuItem(page.title, self._href(self.page_url.format(slug=page.slug))))
        return items

    def _href(self, link: str) -> str:
        if link.startswith(("http:", "https:", "/")):
            return link
        return f"{self.origin}/{link}"

    def routes(self) -> list[BaseRoute]:
        routes: list[BaseRoute] = []
        if self.theme_static is not None:
            routes.append(Mount(THEME_ASSETS, StaticFiles(directory=self.theme_static)))
        if self.favicon is not None:
            routes.append(Route(FAVICON, self._serve_favicon, methods=["GET"]))
        return routes

    async def _serve_favicon(self, request) -> Response:
        assert self.favicon is not None
        return FileResponse(self.favicon, headers={"Cache-Control": "max-age=86400"})

    def add_globals(self, environment: Environment) -> None:
        environment.globals["site_menu"] = self.menu
        environment.globals["theme_css"] = (
            f"{THEME_ASSETS}/css/style.css" if self.theme_static is not None else ""
        )
        environment.globals["favicon_url"] = FAVICON if self.favicon is not None else ""


def _favicon(settings: Settings) -> Path | None:
    """The source file the build publishes as /favicon.svg (or .ico), if any."""
    content = Path(settings["PATH"])
    for source, metadata in dict(settings.get("EXTRA_PATH_METADATA", {})).items():
        if str(metadata.get("path", "")) in ("favicon.svg", "favicon.ico"):
            path = content / source
            if path.is_file():
                return path
    return None
