"""What every `moderate` command shares: settings, the service, output helpers."""

from __future__ import annotations

import sqlite3
from enum import StrEnum
from pathlib import Path

import click

from ..errors import CommentNotFound, ModerationError, SettingsError
from ..model import Comment
from ..settings import Settings

EXIT_INVALID_INPUT = 1
EXIT_USAGE = 2
EXIT_STALE = 3  # a decision named a version of the comment that is no longer the current one


class SettingsProblem(click.ClickException):
    exit_code = EXIT_USAGE


def load_settings(context: click.Context) -> Settings:
    try:
        return Settings.load(context.obj)
    except ModerationError as error:
        raise SettingsProblem(str(error)) from error


def open_service(context: click.Context, *, rebuild: bool = True, live: bool = False):
    """The service, or exit 2 when the settings name a database that cannot be used; its store
    is closed when the command ends."""
    from ..wiring import build_service, database_url

    settings = load_settings(context)
    file = Path(context.obj).resolve()
    try:
        service = build_service(settings, file, rebuild=rebuild, live=live)
    except SettingsError as error:
        raise SettingsProblem(str(error)) from error
    except sqlite3.Error as error:
        url = database_url(settings)
        raise SettingsProblem(f"COMMENTS_DATABASE_URL {url!r}: cannot open it: {error}") from error
    except OSError as error:  # a folder for the database or the secret key cannot be made
        raise SettingsProblem(
            f"cannot set up the service (COMMENTS_DATABASE_URL?): {error}"
        ) from error
    except ModerationError as error:
        raise click.ClickException(str(error)) from error
    # The database is released when the command ends, however it ends.
    context.call_on_close(service.store.close)
    return settings, service


def comment_json(comment: Comment) -> dict[str, object]:
    return {
        "id": comment.id,
        "article": comment.article,
        "name": comment.name,
        "url": comment.blog_url,
        "email": comment.email,
        "status": comment.status.value,
        "version": comment.version,
        "reply_to": comment.reply_to,
        "created_at": comment.created_at.isoformat(),
        "decided_by": comment.decided_by,
        "decision_reason": comment.decision_reason,
        "feed": comment.feed,
        "body": comment.body,
        **comment.review.as_dict(),
    }


def get_comment(service, comment_id: int) -> Comment:
    try:
        return service.store.get(comment_id)
    except CommentNotFound as error:
        raise click.ClickException(str(error)) from error


STYLES = {
    "pass": "green",
    "pending": "cyan",
    "approved": "green",
    "hold": "yellow",
    "held": "yellow",
    "spam": "red",
    "rejected": "magenta",
}


def styled(value: StrEnum) -> str:
    return f"[{STYLES.get(value.value, 'white')}]{value.value}[/]"
