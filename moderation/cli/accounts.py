"""`moderate set-password` and `remove-moderator`: who may use the moderator pages."""

from __future__ import annotations

import re
import sys

import click

from .common import (
    EXIT_INVALID_INPUT,
    open_service,
)

_USERNAME = re.compile(r"[\w.@-]{1,64}")


@click.command("set-password")
@click.argument("username")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input (scripts), not a prompt.",
)
@click.pass_context
def set_password(context: click.Context, username: str, password_stdin: bool) -> None:
    """Add a moderator for the /moderate page, or change a password (ends their sessions)."""
    from ..passwords import MIN_LENGTH, hash_password

    if not _USERNAME.fullmatch(username):
        click.echo(f"username {username!r}: use 1-64 letters, digits, . _ - or @", err=True)
        context.exit(EXIT_INVALID_INPUT)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_LENGTH:
        click.echo(f"the password is too short: use at least {MIN_LENGTH} characters", err=True)
        context.exit(EXIT_INVALID_INPUT)
    _, service = open_service(context, rebuild=False)
    if service.store.set_password(username, hash_password(password)):
        click.echo(f"moderator {username} added")
    else:
        click.echo(f"password of {username} changed; their open sessions were ended")


@click.command("remove-moderator")
@click.argument("username")
@click.pass_context
def remove_moderator(context: click.Context, username: str) -> None:
    """Remove a moderator: they can no longer log in, and their sessions end now."""
    _, service = open_service(context, rebuild=False)
    if not service.store.remove_moderator(username):
        click.echo(f"there is no moderator {username!r}", err=True)
        context.exit(EXIT_INVALID_INPUT)
    click.echo(f"moderator {username} removed")
