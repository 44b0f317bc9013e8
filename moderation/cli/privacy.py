"""Retention and personal data: `purge-spam`, `erase-client-data`, `export-email`, `erase-email`."""

from __future__ import annotations

import json
from datetime import timedelta

import click

from ..model import Status
from .common import open_service


@click.command("purge-spam")
@click.option(
    "--older-than", "days", type=int, default=None, help="Days; default COMMENTS_SPAM_DAYS."
)
@click.pass_context
def purge_spam(context: click.Context, days: int | None) -> None:
    """Delete spam older than the retention period."""
    settings, service = open_service(context, rebuild=False)
    days = settings["COMMENTS_SPAM_DAYS"] if days is None else days
    click.echo(f"{service.store.purge_spam(timedelta(days=days))} spam comment(s) deleted")


@click.command("erase-client-data")
@click.option(
    "--older-than", "days", type=int, default=None, help="Days; default COMMENTS_CLIENT_DATA_DAYS."
)
@click.pass_context
def erase_client_data(context: click.Context, days: int | None) -> None:
    """Erase IP addresses and user agents older than the retention period (run it daily)."""
    settings, service = open_service(context, rebuild=False)
    days = settings["COMMENTS_CLIENT_DATA_DAYS"] if days is None else days
    click.echo(f"{service.store.erase_client_data(timedelta(days=days))} comment(s) cleaned")


@click.command("export-email")
@click.argument("email")
@click.pass_context
def export_email(context: click.Context, email: str) -> None:
    """Print, as JSON, everything stored about one e-mail address."""
    _, service = open_service(context, rebuild=False)
    click.echo(json.dumps(service.store.export_email(email), indent=2, default=str))


@click.command("erase-email")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option(
    "--keep-published",
    is_flag=True,
    help="Leave published comments online, anonymised (e-mail and client data erased).",
)
@click.pass_context
def erase_email(context: click.Context, email: str, yes: bool, keep_published: bool) -> None:
    """Erase everything stored about one e-mail address, and unpublish its comments.

    Unpublished comments lose their name, blog and text in the database too, and the
    outbox's messages to the address go. Git history still holds published text: see
    docs/service.md, "Privacy"."""
    if not yes:
        click.confirm(f"Erase every comment and record of {email}?", abort=True)
    _, service = open_service(context)
    erased = service.store.erase_email(email, unpublish=not keep_published)
    if not keep_published:
        for comment in erased:
            if comment.status is Status.APPROVED:
                service.publisher.unpublish(comment)
    service.publisher.wait_idle()
    click.echo(f"{len(erased)} comment(s) erased")
