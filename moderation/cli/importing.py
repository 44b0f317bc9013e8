"""`moderate import wordpress|blogger|disqus|json FILE`: bring an old blog's comments home;
`moderate export --format json`: the queue as one document, which `import json` restores.

Checks the whole file first (nothing is stored from a file with a bad entry unless
`--skip-bad`), then stores, publishes what the old blog had published and queues the rest;
`--dry-run` shows the same summary without storing anything. docs/import.md walks through it.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from ..articles import ArticleIndex
from ..errors import ModerationError
from ..importers import jsonfile
from ..importers.articlemap import ArticleMap
from ..importers.posts import PostsSummary, import_posts
from ..importers.redirects import nginx_map, write_pages
from ..importers.redirects import redirects as old_addresses
from ..importers.run import READERS, Importer, ImportOptions, ImportSummary
from ..model import Status
from .common import EXIT_INVALID_INPUT, SettingsProblem, load_settings, open_service

PINGBACK_CHOICES = ("mention", "skip")
POST_SOURCES = ("wordpress", "blogger")


@click.command(name="import")
@click.argument("source", type=click.Choice(sorted([*READERS, "json"])))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Read and check everything; store nothing.")
@click.option(
    "--skip-bad", is_flag=True, help="Import the readable entries of a file with bad ones."
)
@click.option(
    "--comments-only",
    is_flag=True,
    help="Import only comments, for posts already here (WordPress and Blogger exports bring"
    " their posts too, through Pelican's importer and pandoc, unless this is given).",
)
@click.pass_context
def import_comments(
    context: click.Context,
    source: str,
    file: Path,
    dry_run: bool,
    skip_bad: bool,
    comments_only: bool,
) -> None:
    """Import an old blog's comments (a WordPress WXR, a Blogger or a Disqus export), or
    restore a `moderate export --format json` file."""
    settings, service = open_service(context, rebuild=not dry_run)
    pingbacks = settings["COMMENTS_IMPORT_PINGBACKS"]
    if pingbacks not in PINGBACK_CHOICES:
        raise SettingsProblem(
            f"COMMENTS_IMPORT_PINGBACKS {pingbacks!r}: choose one of {', '.join(PINGBACK_CHOICES)}"
        )
    posts = None
    if source in POST_SOURCES and not comments_only:
        try:
            posts = import_posts(source, file, Path(settings["PATH"]) / "posts", dry_run=dry_run)
        except ModerationError as error:
            click.echo(str(error), err=True)
            context.exit(EXIT_INVALID_INPUT)
    # Read afresh: the posts just written are where the comments go (in a dry run, where
    # they would go).
    articles = ArticleMap(ArticleIndex.from_settings(settings))
    for slug, origin in (posts.origins if posts is not None and dry_run else {}).items():
        articles.add(slug, origin.url, origin.post_id)
    importer = Importer(
        store=service.store,
        policy=service.policy,
        articles=articles,
        rules=service.rules,
        publisher=service.publisher,
        today=date.today(),
    )
    options = ImportOptions(dry_run=dry_run, skip_bad=skip_bad, pingbacks=pingbacks)
    try:
        with Progress(transient=True, console=Console(stderr=True)) as bar:
            task = bar.add_task(f"Importing {file.name}", total=None)
            if source == "json":
                summary = importer.restore(file, options)
            else:
                summary = importer.run(
                    source,
                    file,
                    options,
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                )
    except ModerationError as error:
        click.echo(str(error), err=True)
        context.exit(EXIT_INVALID_INPUT)
    _print(summary, posts, dry_run)
    if not dry_run and not service.publisher.wait_idle(timeout=600):
        click.echo("the site rebuild did not finish in time", err=True)
        context.exit(EXIT_INVALID_INPUT)
    if not dry_run and service.publisher.last_error:
        click.echo(f"the site rebuild failed: {service.publisher.last_error}", err=True)
        context.exit(EXIT_INVALID_INPUT)


def _print(summary: ImportSummary, posts: PostsSummary | None, dry_run: bool) -> None:
    console = Console()
    would = "would be " if dry_run else ""
    if posts is not None:
        table = Table("posts", "how many", box=None, title=f"{summary.source}: {summary.file}")
        table.add_row(f"{would}written", str(len(posts.written)))
        table.add_row("already there", str(posts.already))
        for reason, count in sorted(posts.skipped.items()):
            table.add_row(f"skipped: {reason}", str(count))
        console.print(table)
    table = Table("comments", "how many", box=None, title=f"{summary.source}: {summary.file}")
    table.add_row("in the file", str(summary.comments))
    table.add_row(f"{would}imported", str(summary.imported))
    table.add_row(f"  {would}published", str(summary.published))
    for status, count in sorted(summary.queued.items()):
        table.add_row(f"  {would}queued as {status}", str(count))
    table.add_row("already there", str(summary.already))
    for reason, count in sorted(summary.skipped.items()):
        if count:
            table.add_row(f"skipped: {reason}", str(count))
    console.print(table)
    if summary.unpublishable:
        console.print(
            f"{summary.unpublishable} comment(s) approved on the old blog break a rule no"
            " approval overrules (a name, a blog link): they are held for a moderator, code"
            " import.unpublishable"
        )
    for line in summary.not_here[:20]:
        console.print(f"[yellow]no article here for[/] {line}")
    if summary.skipped["its post is not here"] > 20:
        more = summary.skipped["its post is not here"] - 20
        console.print(f"… and {more} more without an article here")
    for bad in summary.bad[:20]:
        console.print(f"[red]skipped[/] {bad.place}: {bad.problem}")


@click.command(name="export")
@click.option(
    "--format", "form", type=click.Choice(["json"]), default="json", show_default=True,
    help="The export format.",
)  # fmt: skip
@click.option(
    "--personal-data",
    is_flag=True,
    help="Include e-mail addresses, IP addresses, user agents and referrers.",
)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file."
)
@click.pass_context
def export_comments(
    context: click.Context, form: str, personal_data: bool, output: Path | None
) -> None:
    """Write every comment the queue holds (revisions, statuses, audit, check outcomes)."""
    _, service = open_service(context, rebuild=False)
    comments = service.store.export_comments(personal=personal_data)
    if output is None:
        jsonfile.write(sys.stdout, comments, personal=personal_data)
        return
    # A whole file or none: written beside the target, then renamed over it.
    partial = output.with_name(f".{output.name}.part")
    try:
        with partial.open("w", encoding="utf-8") as handle:
            count = jsonfile.write(handle, comments, personal=personal_data)
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    click.echo(f"{output}: {count} comment(s)", err=True)


@click.command()
@click.option("--source", type=click.Choice(sorted(READERS)), help="Only from this source.")
@click.option(
    "--status",
    type=click.Choice([s.value for s in Status]),
    default=Status.APPROVED.value,
    show_default=True,
    help="Only comments with this status.",
)
@click.option("--failing", is_flag=True, help="Only those failing one of today's checks.")
@click.option("--ids", "ids_only", is_flag=True, help="Print only the ids, one line, for scripts.")
@click.pass_context
def imported(
    context: click.Context, source: str | None, status: str, failing: bool, ids_only: bool
) -> None:
    """List imported comments and the checks of today's policy they fail.

    `moderate unpublish $(moderate imported --failing --ids)` takes down, in one go, the old
    comments published by an import that today's policy would not have let through.
    """
    _, service = open_service(context, rebuild=False)
    comments = service.store.imported_comments(source, Status(status))
    if failing:
        comments = [c for c in comments if c.review.failures]
    if ids_only:
        click.echo(" ".join(str(c.id) for c in comments))
        return
    table = Table("id", "article", "name", "sent", "fails", box=None)
    for c in comments:
        fails = ", ".join(r.outcome.code or r.check for r in c.review.failures) or "—"
        table.add_row(str(c.id), c.article, c.name, f"{c.created_at:%Y-%m-%d}", fails)
    Console().print(table if comments else "No imported comments match.")


@click.command()
@click.option(
    "--nginx", type=click.Path(dir_okay=False, path_type=Path), help="Write an nginx map here."
)
@click.option(
    "--pages",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write static redirect pages into this folder (e.g. the built site's).",
)
@click.pass_context
def redirects(context: click.Context, nginx: Path | None, pages: Path | None) -> None:
    """Redirect every article's old addresses (its `Old-Url` metadata) to its page here."""
    if nginx is None and pages is None:
        raise click.UsageError("say what to write: --nginx FILE, --pages FOLDER, or both")
    settings = load_settings(context)
    pattern = str(settings.get("ARTICLE_URL", "{slug}.html"))
    try:
        pattern.format(slug="")
    except (KeyError, IndexError) as error:
        raise SettingsProblem(
            f"ARTICLE_URL {pattern!r}: redirects need an address made from the slug alone"
            f" (not {error})"
        ) from None
    found = old_addresses(ArticleIndex.from_settings(settings), settings.permalink)
    if nginx is not None:
        nginx.write_text(nginx_map(found), encoding="utf-8")
        click.echo(f"{nginx}: {len(found)} old address(es)")
    if pages is not None:
        written = write_pages(found, pages)
        click.echo(f"{pages}: {len(written)} redirect page(s)")
