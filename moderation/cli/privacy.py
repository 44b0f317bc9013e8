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
@click.pass_context
def erase_email(context: click.Context, email: str, yes: bool) -> None:
    """Erase everything stored about one e-mail address, and unpublish its comments."""
    if not yes:
        click.confirm(f"Erase every comment and record of {email}?", abort=True)
    _, service = open_service(context)
    erased = service.store.erase_email(email)
    for comment in erased:
        if comment.status is Status.APPROVED:
            service.publisher.unpublish(comment)
    service.publisher.wait_idle()
    click.echo(f"{len(erased)} comment(s) erased")
