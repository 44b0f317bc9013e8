"""The `moderate` command: what moderators (and scripts) run in a terminal.

Exit codes a shell script can rely on: 0 success, 1 some input was invalid (the rest was still
processed), 2 usage or settings error, 3 a decision named a version of the comment that is no
longer the current one (nothing decided).
"""

from __future__ import annotations

from pathlib import Path

import click

from . import (
    accounts,
    backup,
    checking,
    decisions,
    deployconfig,
    importing,
    outbox,
    ports,
    privacy,
    review,
    site,
)


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


for command in (
    checking.check,
    review.queue,
    review.show,
    review.stats,
    decisions.approve,
    decisions.reject,
    decisions.spam,
    decisions.ham,
    decisions.unpublish,
    decisions.reopen,
    decisions.recheck,
    privacy.purge_spam,
    privacy.erase_client_data,
    privacy.export_email,
    privacy.erase_email,
    outbox.outbox,
    site.publish,
    site.serve,
    ports.check_port,
    deployconfig.deploy_config,
    accounts.set_password,
    accounts.remove_moderator,
    backup.backup,
    backup.restore,
    importing.import_comments,
    importing.export_comments,
    importing.imported,
    importing.redirects,
):
    main.add_command(command)
