"""`moderate approve`, `reject`, `spam`, `ham`, `unpublish` and `recheck`.

Each decision prints the version of the comment it applied to; `--version N` (as `show`
printed it) decides only if the comment is still that version, so a correction sent after
the moderator read it is never approved unread (exit code 3 when it changed).
"""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Callable

import click
from rich.progress import Progress

from ..errors import CommentNotFound, IllegalTransition, StaleDecision, Unpublishable
from ..model import Action, Status
from .common import (
    EXIT_INVALID_INPUT,
    EXIT_STALE,
    open_service,
)


def _decide(
    context: click.Context,
    ids: tuple[int, ...],
    action: Action,
    reason: str,
    version: int | None,
    as_json: bool,
) -> None:
    """Apply one action to several comments; one rebuild for all the approvals."""
    if version is not None and len(ids) != 1:
        raise click.UsageError("--version is the version of one comment: give exactly one ID")
    _, service = open_service(context)
    actor = os.environ.get("MODERATE_USER") or getpass.getuser()
    failed = stale = 0
    for comment_id in ids:
        try:
            comment = service.decide(comment_id, action, actor, reason, expected_version=version)
        except StaleDecision as error:
            stale += 1
            click.echo(f"#{comment_id}: {error}", err=True)
            continue
        except (CommentNotFound, IllegalTransition, Unpublishable) as error:
            failed += 1
            click.echo(f"#{comment_id}: {error}", err=True)
            continue
        if as_json:
            decided = {"id": comment.id, "status": comment.status.value, "version": comment.version}
            click.echo(json.dumps(decided))
        else:
            click.echo(f"#{comment_id}: {comment.status} (version {comment.version})")
            if comment.id != comment_id:  # a published file held another comment under it
                click.echo(f"#{comment_id} is published as #{comment.id}: #{comment_id} was taken")
    if not service.publisher.wait_idle():
        click.echo("the site rebuild did not finish in time", err=True)
        failed += 1
    elif service.publisher.last_error:
        click.echo(f"the site rebuild failed: {service.publisher.last_error}", err=True)
        failed += 1
    if service.jobs is not None:  # the decisions' e-mail; what fails waits in the outbox
        service.jobs.run_due_jobs()
    if stale:
        context.exit(EXIT_STALE)
    if failed:
        context.exit(EXIT_INVALID_INPUT)


def _decision_options(command: Callable[..., None]) -> Callable[..., None]:
    """What every decision command takes besides its own options."""
    command = click.option(
        "--json", "as_json", is_flag=True, help="One JSON object per decided comment."
    )(command)
    command = click.option(
        "--version",
        type=click.IntRange(min=1),
        help="Decide only if the comment is still this version (`show` prints it);"
        " otherwise change nothing and exit 3. Needs exactly one ID.",
    )(command)
    return click.argument("ids", type=int, nargs=-1, required=True)(command)


@click.command()
@_decision_options
@click.pass_context
def approve(
    context: click.Context, ids: tuple[int, ...], version: int | None, as_json: bool
) -> None:
    """Approve comments: publish them and rebuild the site once."""
    _decide(context, ids, Action.APPROVE, "", version, as_json)


@click.command()
@_decision_options
@click.option("--reason", required=True, help="Why: the commenter reads this.")
@click.pass_context
def reject(
    context: click.Context, ids: tuple[int, ...], reason: str, version: int | None, as_json: bool
) -> None:
    """Reject comments with a reason the commenter is told."""
    _decide(context, ids, Action.REJECT, reason, version, as_json)


@click.command()
@_decision_options
@click.pass_context
def spam(context: click.Context, ids: tuple[int, ...], version: int | None, as_json: bool) -> None:
    """Mark comments as spam (and tell Akismet when it is configured)."""
    _decide(context, ids, Action.SPAM, "", version, as_json)


@click.command()
@_decision_options
@click.pass_context
def ham(context: click.Context, ids: tuple[int, ...], version: int | None, as_json: bool) -> None:
    """Mark spam as not spam: back to pending (and tell Akismet when it is configured)."""
    _decide(context, ids, Action.HAM, "", version, as_json)


@click.command()
@_decision_options
@click.option("--reason", default="", help="Why, for the commenter and the audit log.")
@click.pass_context
def unpublish(
    context: click.Context, ids: tuple[int, ...], reason: str, version: int | None, as_json: bool
) -> None:
    """Take approved comments off the site again."""
    _decide(context, ids, Action.UNPUBLISH, reason, version, as_json)


@click.command()
@_decision_options
@click.option("--reason", default="", help="Why, for the audit log.")
@click.pass_context
def reopen(
    context: click.Context, ids: tuple[int, ...], reason: str, version: int | None, as_json: bool
) -> None:
    """Undo rejections: back to pending (Akismet is told nothing)."""
    _decide(context, ids, Action.REOPEN, reason, version, as_json)


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
