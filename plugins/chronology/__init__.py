"""Pelican plugin: each article's older and newer neighbour, and the years the blog spans.

Worked out once per build instead of in the templates: done per page, both walk every
article on every page, and build time grows with the square of the number of posts.
"""

from __future__ import annotations

from pelican import signals
from pelican.generators import ArticlesGenerator


def link_neighbours(generator: ArticlesGenerator) -> None:
    """Older = published just before, newer = just after, whatever ARTICLE_ORDER_BY says."""
    by_date = sorted(generator.articles, key=lambda article: article.date)
    for index, article in enumerate(by_date):
        article.older_article = by_date[index - 1] if index > 0 else None
        article.newer_article = by_date[index + 1] if index + 1 < len(by_date) else None
    years = [article.date.year for article in by_date]
    generator.context["SITE_YEARS"] = (years[0], years[-1]) if years else None


def register() -> None:
    signals.article_generator_finalized.connect(link_neighbours)
