"""`moderate queue`, `show` and `stats`: what waits, and why."""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.markdown import Markdown
from rich.panel import Panel
from rich.table import Table

from ..model import Status
from .common import (
    comment_json,
    get_comment,
    open_service,
    styled,
)


@click.command()
@click.option(
    "--status",
    type=click.Choice(["all", *(s.value for s in Status)]),
    default="all",
    show_default=True,
    help="Only comments with this status.",
)
@click.option("--article", help="Only comments on this article (its slug).")
@click.option("--limit", default=50, show_default=True, help="How many, newest first.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_context
def queue(
    context: click.Context, status: str, article: str | None, limit: int, as_json: bool
) -> None:
    """List comments, newest first."""
    _, service = open_service(context, rebuild=False)
    wanted = None if status == "all" else Status(status)
    comments = service.store.queue(wanted, article, limit=limit)
    if as_json:
        for comment in comments:
            click.echo(json.dumps(comment_json(comment)))
        return
    table = Table("id", "status", "article", "name", "blog", "why", box=None)
    for c in comments:
        why = ", ".join(r.outcome.code for r in c.review.failures) or "—"
        table.add_row(str(c.id), styled(c.status), c.article, c.name, c.blog_url, why)
    Console().print(table if comments else "No comments match.")


@click.command()
@click.argument("comment_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the comment as JSON.")
@click.pass_context
def show(context: click.Context, comment_id: int, as_json: bool) -> None:
    """Show one comment: text, rendered preview and every check's outcome."""
    from ..sanitize import render

    _, service = open_service(context, rebuild=False)
    comment = get_comment(service, comment_id)
    if as_json:
        click.echo(json.dumps({**comment_json(comment), "html": render(comment.body)}))
        return
    console = Console()
    console.print(
        f"[bold]#{comment.id}[/] on [bold]{comment.article}[/] · {styled(comment.status)}"
        f" · version {comment.version}"
    )
    console.print(f"{comment.name} · {comment.blog_url} · {comment.email or 'no e-mail'}")
    console.print(f"sent {comment.created_at:%Y-%m-%d %H:%M} UTC", style="dim")
    console.print(Panel(Markdown(comment.body), title="comment"))
    checks = Table("check", "verdict", "code", "detail", box=None)
    for result in comment.review.results:
        outcome = result.outcome
        checks.add_row(result.check, styled(outcome.verdict), outcome.code, outcome.detail)
    console.print(checks)
    if comment.decided_by:
        console.print(f"decided by {comment.decided_by}: {comment.decision_reason or '—'}")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@click.pass_context
def stats(context: click.Context, as_json: bool) -> None:
    """Count comments by status."""
    _, service = open_service(context, rebuild=False)
    counts = service.store.stats()
    if as_json:
        click.echo(json.dumps(counts))
        return
    table = Table("status", "comments", box=None)
    for status, count in counts.items():
        table.add_row(styled(Status(status)), str(count))
    Console().print(table)
