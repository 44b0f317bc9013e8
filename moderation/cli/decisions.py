"""`moderate approve`, `reject`, `spam`, `ham`, `unpublish` and `recheck`."""

from __future__ import annotations

import getpass
import os

import click
from rich.progress import Progress

from ..errors import CommentNotFound, IllegalTransition
from ..model import Action, Status
from .common import (
    EXIT_INVALID_INPUT,
    open_service,
)


def _decide(context: click.Context, ids: tuple[int, ...], action: Action, reason: str) -> None:
    """Apply one action to several comments; one rebuild for all the approvals."""
    _, service = open_service(context)
    actor = os.environ.get("MODERATE_USER") or getpass.getuser()
    failed = 0
    for comment_id in ids:
        try:
            comment = service.decide(comment_id, action, actor, reason)
        except (CommentNotFound, IllegalTransition) as error:
            failed += 1
            click.echo(f"#{comment_id}: {error}", err=True)
            continue
        click.echo(f"#{comment_id}: {comment.status}")
        if comment.id != comment_id:  # a published file held another comment under it
            click.echo(f"#{comment_id} is published as #{comment.id}: #{comment_id} was taken")
    if not service.publisher.wait_idle():
        click.echo("the site rebuild did not finish in time", err=True)
        failed += 1
    elif service.publisher.last_error:
        click.echo(f"the site rebuild failed: {service.publisher.last_error}", err=True)
        failed += 1
    service.notifier.wait_idle()
    if failed:
        context.exit(EXIT_INVALID_INPUT)


@click.command()
@click.argument("ids", type=int, nargs=-1, required=True)
@click.pass_context
def approve(context: click.Context, ids: tuple[int, ...]) -> None:
    """Approve comments: publish them and rebuild the site once."""
    _decide(context, ids, Action.APPROVE, "")


@click.command()
@click.argument("ids", type=int, nargs=-1, required=True)
@click.option("--reason", required=True, help="Why: the commenter reads this.")
@click.pass_context
def reject(context: click.Context, ids: tuple[int, ...], reason: str) -> None:
    """Reject comments with a reason the commenter is told."""
    _decide(context, ids, Action.REJECT, reason)


@click.command()
@click.argument("ids", type=int, nargs=-1, required=True)
@click.pass_context
def spam(context: click.Context, ids: tuple[int, ...]) -> None:
    """Mark comments as spam (and tell Akismet when it is configured)."""
    _decide(context, ids, Action.SPAM, "")


@click.command()
@click.argument("ids", type=int, nargs=-1, required=True)
@click.pass_context
def ham(context: click.Context, ids: tuple[int, ...]) -> None:
    """Mark spam as not spam: back to pending (and tell Akismet when it is configured)."""
    _decide(context, ids, Action.HAM, "")


@click.command()
@click.argument("ids", type=int, nargs=-1, required=True)
@click.option("--reason", default="", help="Why, for the commenter and the audit log.")
@click.pass_context
def unpublish(context: click.Context, ids: tuple[int, ...], reason: str) -> None:
    """Take approved comments off the site again."""
    _decide(context, ids, Action.UNPUBLISH, reason)


@click.command()
@click.pass_context
def recheck(context: click.Context) -> None:
    """Run the policy again on every held comment."""
    _, service = open_service(context, rebuild=False)
    held = service.store.queue(Status.HELD, limit=1_000_000)
    changed = 0
    with Progress(transient=True) as progress:
        for comment in progress.track(held, description="Re-checking held comments"):
            if service.recheck(comment.id).status is not Status.HELD:
                changed += 1
    click.echo(f"{len(held)} held comment(s) re-checked; {changed} no longer held")
