"""The `moderate` command: what moderators (and scripts) run in a terminal.

Exit codes a shell script can rely on: 0 success, 1 some input was invalid (the rest was still
processed), 2 usage or settings error.
"""

from __future__ import annotations

import getpass
import json
import os
import re
import sys
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import TextIO

import click
from rich.console import Console
from rich.markdown import Markdown
from rich.panel import Panel
from rich.progress import Progress
from rich.table import Table

from .errors import CommentNotFound, IllegalTransition, ModerationError
from .model import Action, Comment, Status, Submission
from .settings import Settings

EXIT_INVALID_INPUT = 1
EXIT_USAGE = 2
_USERNAME = re.compile(r"[\w.@-]{1,64}")
_SUBMISSION_FIELDS = {
    "name": "name",
    "url": "blog_url",
    "email": "email",
    "body": "body",
    "article": "article",
    "ip": "ip",
    "user_agent": "user_agent",
}


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--settings",
    "settings_path",
    default="pelicanconf.py",
    show_default=True,
    envvar="MODERATE_SETTINGS",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The Pelican settings file holding the COMMENTS_* settings.",
)
@click.pass_context
def main(context: click.Context, settings_path: Path) -> None:
    """Moderate the blog's comments: check, review, decide, publish."""
    context.obj = settings_path


class SettingsProblem(click.ClickException):
    exit_code = EXIT_USAGE


def load_settings(context: click.Context) -> Settings:
    try:
        return Settings.load(context.obj)
    except ModerationError as error:
        raise SettingsProblem(str(error)) from error


@main.command()
@click.option("--offline", is_flag=True, help="Leave out Akismet and the live blog-link check.")
@click.pass_context
def check(context: click.Context, offline: bool) -> None:
    """Run the policy on comments read as JSON lines from standard input.

    Each line is an object with `name`, `url`, `email`, `body` and optionally `article`,
    `ip`, `user_agent`. Prints one JSON line per comment: the overall verdict and every
    check's verdict, code and reason.
    """
    from .policy import Policy
    from .service import akismet_from_settings

    settings = load_settings(context)
    if offline:
        settings = Settings(
            {**settings, "COMMENTS_AKISMET_KEY": "", "COMMENTS_VERIFY_LINKS": False}
        )
    policy = Policy.from_settings(settings, akismet_check=akismet_from_settings(settings))
    invalid = check_lines(policy, sys.stdin, sys.stdout)
    if invalid:
        click.echo(f"{invalid} line(s) were not valid comments", err=True)
        context.exit(EXIT_INVALID_INPUT)


def check_lines(policy, lines: TextIO, out: TextIO) -> int:
    """Review each JSON line; return how many lines were not valid comments."""
    invalid = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            submission = submission_from_json(line)
        except ValueError as error:
            invalid += 1
            out.write(json.dumps({"line": number, "error": str(error)}) + "\n")
            continue
        out.write(json.dumps({"line": number, **policy.run(submission).as_dict()}) + "\n")
    return invalid


def submission_from_json(line: str) -> Submission:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON: {error.msg} at column {error.colno}") from None
    if not isinstance(data, dict):
        raise ValueError("each line must be a JSON object")
    wrong = [key for key in _SUBMISSION_FIELDS if not isinstance(data.get(key, ""), str)]
    if wrong:
        raise ValueError(f"fields must be strings: {', '.join(wrong)}")
    return Submission(**{field: data.get(key, "") for key, field in _SUBMISSION_FIELDS.items()})


def open_service(context: click.Context, *, rebuild: bool = True):
    from .service import build_service

    settings = load_settings(context)
    try:
        return settings, build_service(settings, Path(context.obj).resolve(), rebuild=rebuild)
    except ModerationError as error:
        raise click.ClickException(str(error)) from error


def comment_json(comment: Comment) -> dict[str, object]:
    return {
        "id": comment.id,
        "article": comment.article,
        "name": comment.name,
        "url": comment.blog_url,
        "email": comment.email,
        "status": comment.status.value,
        "reply_to": comment.reply_to,
        "created_at": comment.created_at.isoformat(),
        "decided_by": comment.decided_by,
        "decision_reason": comment.decision_reason,
        "feed": comment.feed,
        "body": comment.body,
        **comment.review.as_dict(),
    }


@main.command()
@click.option("--status", type=click.Choice([s.value for s in Status]), help="Only this status.")
@click.option("--article", help="Only comments on this article (its slug).")
@click.option("--limit", default=50, show_default=True, help="How many, newest first.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_context
def queue(
    context: click.Context, status: str | None, article: str | None, limit: int, as_json: bool
) -> None:
    """List comments, newest first."""
    _, service = open_service(context, rebuild=False)
    comments = service.store.queue(Status(status) if status else None, article, limit=limit)
    if as_json:
        for comment in comments:
            click.echo(json.dumps(comment_json(comment)))
        return
    table = Table("id", "status", "article", "name", "blog", "why", box=None)
    for c in comments:
        why = ", ".join(r.outcome.code for r in c.review.failures) or "—"
        table.add_row(str(c.id), _styled(c.status), c.article, c.name, c.blog_url, why)
    Console().print(table if comments else "No comments match.")


@main.command()
@click.argument("comment_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the comment as JSON.")
@click.pass_context
def show(context: click.Context, comment_id: int, as_json: bool) -> None:
    """Show one comment: text, rendered preview and every check's outcome."""
    from .sanitize import render

    _, service = open_service(context, rebuild=False)
    comment = _get(service, comment_id)
    if as_json:
        click.echo(json.dumps({**comment_json(comment), "html": render(comment.body)}))
        return
    console = Console()
    console.print(
        f"[bold]#{comment.id}[/] on [bold]{comment.article}[/] · {_styled(comment.status)}"
    )
    console.print(f"{comment.name} · {comment.blog_url} · {comment.email or 'no e-mail'}")
    console.print(f"sent {comment.created_at:%Y-%m-%d %H:%M} UTC", style="dim")
    console.print(Panel(Markdown(comment.body), title="comment"))
    checks = Table("check", "verdict", "code", "detail", box=None)
    for result in comment.review.results:
        outcome = result.outcome
        checks.add_row(result.check, _styled(outcome.verdict), outcome.code, outcome.detail)
    console.print(checks)
    if comment.decided_by:
        console.print(f"decided by {comment.decided_by}: {comment.decision_reason or '—'}")


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
        click.echo(f"#{comment.id}: {comment.status}")
    if not service.publisher.wait_idle():
        click.echo("the site rebuild did not finish in time", err=True)
        failed += 1
    elif service.publisher.last_error:
        click.echo(f"the site rebuild failed: {service.publisher.last_error}", err=True)
        failed += 1
    service.notifier.wait_idle()
    if failed:
        context.exit(EXIT_INVALID_INPUT)


@main.command()
@click.argument("ids", type=int, nargs=-1, required=True)
@click.pass_context
def approve(context: click.Context, ids: tuple[int, ...]) -> None:
    """Approve comments: publish them and rebuild the site once."""
    _decide(context, ids, Action.APPROVE, "")


@main.command()
@click.argument("ids", type=int, nargs=-1, required=True)
@click.option("--reason", required=True, help="Why: the commenter reads this.")
@click.pass_context
def reject(context: click.Context, ids: tuple[int, ...], reason: str) -> None:
    """Reject comments with a reason the commenter is told."""
    _decide(context, ids, Action.REJECT, reason)


@main.command()
@click.argument("ids", type=int, nargs=-1, required=True)
@click.pass_context
def spam(context: click.Context, ids: tuple[int, ...]) -> None:
    """Mark comments as spam (and tell Akismet when it is configured)."""
    _decide(context, ids, Action.SPAM, "")


@main.command()
@click.argument("ids", type=int, nargs=-1, required=True)
@click.pass_context
def ham(context: click.Context, ids: tuple[int, ...]) -> None:
    """Mark spam as not spam: back to pending (and tell Akismet when it is configured)."""
    _decide(context, ids, Action.HAM, "")


@main.command()
@click.argument("ids", type=int, nargs=-1, required=True)
@click.option("--reason", default="", help="Why, for the commenter and the audit log.")
@click.pass_context
def unpublish(context: click.Context, ids: tuple[int, ...], reason: str) -> None:
    """Take approved comments off the site again."""
    _decide(context, ids, Action.UNPUBLISH, reason)


@main.command()
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


@main.command()
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
        table.add_row(_styled(Status(status)), str(count))
    Console().print(table)


@main.command("purge-spam")
@click.option(
    "--older-than", "days", type=int, default=None, help="Days; default COMMENTS_SPAM_DAYS."
)
@click.pass_context
def purge_spam(context: click.Context, days: int | None) -> None:
    """Delete spam older than the retention period."""
    settings, service = open_service(context, rebuild=False)
    days = settings["COMMENTS_SPAM_DAYS"] if days is None else days
    click.echo(f"{service.store.purge_spam(timedelta(days=days))} spam comment(s) deleted")


@main.command("erase-client-data")
@click.option(
    "--older-than", "days", type=int, default=None, help="Days; default COMMENTS_CLIENT_DATA_DAYS."
)
@click.pass_context
def erase_client_data(context: click.Context, days: int | None) -> None:
    """Erase IP addresses and user agents older than the retention period (run it daily)."""
    settings, service = open_service(context, rebuild=False)
    days = settings["COMMENTS_CLIENT_DATA_DAYS"] if days is None else days
    click.echo(f"{service.store.erase_client_data(timedelta(days=days))} comment(s) cleaned")


@main.command("export-email")
@click.argument("email")
@click.pass_context
def export_email(context: click.Context, email: str) -> None:
    """Print, as JSON, everything stored about one e-mail address."""
    _, service = open_service(context, rebuild=False)
    click.echo(json.dumps(service.store.export_email(email), indent=2, default=str))


@main.command("erase-email")
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


@main.command()
@click.pass_context
def publish(context: click.Context) -> None:
    """Rebuild the site now (after editing comment files or settings by hand)."""
    _, service = open_service(context)
    service.publisher.schedule()
    if not service.publisher.wait_idle() or service.publisher.last_error:
        raise click.ClickException(f"rebuild failed: {service.publisher.last_error or 'timeout'}")
    click.echo("site rebuilt")


@main.command("set-password")
@click.argument("username")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input (scripts), not a prompt.",
)
@click.pass_context
def set_password(context: click.Context, username: str, password_stdin: bool) -> None:
    """Add a moderator for the /moderate page, or change a password (ends their sessions)."""
    from .passwords import MIN_LENGTH, hash_password

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


@main.command("remove-moderator")
@click.argument("username")
@click.pass_context
def remove_moderator(context: click.Context, username: str) -> None:
    """Remove a moderator: they can no longer log in, and their sessions end now."""
    _, service = open_service(context, rebuild=False)
    if not service.store.remove_moderator(username):
        click.echo(f"there is no moderator {username!r}", err=True)
        context.exit(EXIT_INVALID_INPUT)
    click.echo(f"moderator {username} removed")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8001, show_default=True, help="Port to listen on.")
@click.option(
    "--site",
    "site_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also serve this built site (e.g. output) on the same port.",
)
@click.option("--production", is_flag=True, help="Production headers (HSTS, Secure cookies).")
@click.pass_context
def serve(
    context: click.Context, host: str, port: int, site_dir: Path | None, production: bool
) -> None:
    """Run the comment service (and optionally the site) with uvicorn."""
    import uvicorn

    from .web.app import create_app

    settings, service = open_service(context)
    app = create_app(service, settings, site_dir=site_dir, production=production)
    click.echo(f"Comment service on http://{host}:{port}/api/comments")
    if site_dir is not None:
        click.echo(f"Blog on http://{host}:{port}/")
    uvicorn.run(
        app, host=host, port=port, log_level="info", proxy_headers=False, server_header=False
    )


def _get(service, comment_id: int) -> Comment:
    try:
        return service.store.get(comment_id)
    except CommentNotFound as error:
        raise click.ClickException(str(error)) from error


_STYLES = {
    "pass": "green",
    "pending": "cyan",
    "approved": "green",
    "hold": "yellow",
    "held": "yellow",
    "spam": "red",
    "rejected": "magenta",
}


def _styled(value: StrEnum) -> str:
    return f"[{_STYLES.get(value.value, 'white')}]{value.value}[/]"


if __name__ == "__main__":  # pragma: no cover
    main(prog_name="moderate")
