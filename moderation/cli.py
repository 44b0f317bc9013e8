"""The `moderate` command: what moderators (and scripts) run in a terminal.

Exit codes a shell script can rely on: 0 success, 1 some input was invalid (the rest was still
processed), 2 usage or settings error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TextIO

import click

from .errors import ModerationError
from .model import Submission
from .settings import Settings

EXIT_INVALID_INPUT = 1
EXIT_USAGE = 2
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


def load_settings(context: click.Context) -> Settings:
    try:
        return Settings.load(context.obj)
    except ModerationError as error:
        raise click.ClickException(str(error)) from error


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

    settings = load_settings(context)
    if offline:
        settings = Settings(
            {**settings, "COMMENTS_AKISMET_KEY": "", "COMMENTS_VERIFY_LINKS": False}
        )
    policy = Policy.from_settings(settings, akismet_check=_akismet_check(settings))
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


def _akismet_check(settings: Settings):
    if not settings["COMMENTS_AKISMET_KEY"]:
        return None
    from .policy.akismet_check import AkismetCheck, make_client

    client = make_client(
        settings["COMMENTS_AKISMET_KEY"], settings.site_origin, settings["COMMENTS_AKISMET_TIMEOUT"]
    )
    return AkismetCheck(client, settings.permalink)


if __name__ == "__main__":  # pragma: no cover
    main(prog_name="moderate")
