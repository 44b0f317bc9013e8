"""`moderate backup` and `restore`: the queue database as something to look after."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import ModerationError
from .common import SettingsProblem, load_settings

_FILE = click.Path(dir_okay=False, path_type=Path)


def _database(context: click.Context) -> Path:
    from ..wiring import database_url

    url = database_url(load_settings(context))
    if not url.startswith("sqlite:///"):
        raise SettingsProblem(f"COMMENTS_DATABASE_URL {url!r}: backups need a SQLite database")
    return Path(url.removeprefix("sqlite:///"))


@click.command()
@click.argument("file", type=_FILE)
@click.pass_context
def backup(context: click.Context, file: Path) -> None:
    """Copy the comment database to FILE, a new file; safe while the service runs."""
    from ..store.backups import backup as copy

    database = _database(context)
    try:
        copy(database, file)
    except ModerationError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"backed up {database} to {file}")


@click.command()
@click.argument("file", type=_FILE)
@click.pass_context
def restore(context: click.Context, file: Path) -> None:
    """Replace the comment database with backup FILE (stop the service first).

    The database it replaces is kept beside it; the restored one then learns the comments
    published since the backup from content/comments, so their ids are never reused, and
    marks unpublished the comments it has as approved that no longer have a file.
    """
    from ..store import SQLiteStore
    from ..store.backups import restore as replace

    database = _database(context)
    try:
        kept = replace(file, database)
    except ModerationError as error:
        raise click.ClickException(str(error)) from error
    if kept is not None:
        click.echo(f"kept the replaced database as {kept}")
    click.echo(f"restored {database} from {file}")
    settings = load_settings(context)
    store = SQLiteStore(database)
    try:
        report = store.reconcile(Path(settings["PATH"]) / settings["COMMENTS_PATH"], restored=True)
    finally:
        store.close()
    for line in report.notices(database):
        click.echo(line)
    if report.to_write:
        click.echo(f"{len(report.to_write)} comment file(s) are written when the service starts")
