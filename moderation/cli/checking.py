"""`moderate check`: the policy over JSON lines, for moderators and evaluation scripts."""

from __future__ import annotations

import json
import sys
from typing import TextIO

import click

from ..model import Submission
from ..settings import Settings
from .common import (
    EXIT_INVALID_INPUT,
    load_settings,
)

_SUBMISSION_FIELDS = {
    "name": "name",
    "url": "blog_url",
    "email": "email",
    "body": "body",
    "article": "article",
    "ip": "ip",
    "user_agent": "user_agent",
}


@click.command()
@click.option("--offline", is_flag=True, help="Leave out Akismet and the live blog-link check.")
@click.pass_context
def check(context: click.Context, offline: bool) -> None:
    """Run the policy on comments read as JSON lines from standard input.

    Each line is an object with `name`, `url`, `email`, `body` and optionally `article`,
    `ip`, `user_agent`. Prints one JSON line per comment: the overall verdict and every
    check's verdict, code and reason.
    """
    from ..policy import Policy
    from ..wiring import akismet_from_settings

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
