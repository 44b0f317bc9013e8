"""`moderate outbox`: the e-mail and deploy jobs waiting or given up, and "try again"."""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..jobs.model import JobState, QueuedJob
from .common import open_service

WAITING = (JobState.PENDING, JobState.FAILED)


@click.command()
@click.option("--all", "everything", is_flag=True, help="Also the finished jobs still kept.")
@click.option("--limit", default=200, show_default=True, help="How many, newest first.")
@click.option("--retry", "retry_ids", type=int, multiple=True, help="Make this job due now.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_context
def outbox(
    context: click.Context,
    everything: bool,
    limit: int,
    retry_ids: tuple[int, ...],
    as_json: bool,
) -> None:
    """List the outbox: messages and deploys waiting, failed (or, with --all, done)."""
    settings, service = open_service(context, rebuild=False)
    for job_id in retry_ids:
        if not service.store.send_job_again(job_id):
            raise click.ClickException(f"job {job_id} is done or does not exist")
        click.echo(f"job #{job_id} is due now; the running service will try it")
    states = tuple(JobState) if everything else WAITING
    jobs = service.store.jobs(states, limit=limit)
    if as_json:
        for job in jobs:
            click.echo(json.dumps(job_json(job)))
        return
    if not settings["COMMENTS_SMTP_HOST"]:
        click.echo("E-mail is off (COMMENTS_SMTP_HOST is empty): messages wait here.", err=True)
    table = Table("id", "kind", "state", "tries", "next try", "what", "last error", box=None)
    for job in jobs:
        next_try = "—" if job.state is not JobState.PENDING else f"{job.due_at:%Y-%m-%d %H:%M}"
        table.add_row(
            str(job.id),
            job.kind,
            job.state.value,
            str(job.attempts),
            next_try,
            escape(job.summary),  # user text: never rich markup
            escape(job.last_error) or "—",
        )
    Console().print(table if jobs else "The outbox is empty.")


def job_json(job: QueuedJob) -> dict[str, object]:
    return {
        "id": job.id,
        "kind": job.kind,
        "state": job.state.value,
        "attempts": job.attempts,
        "created_at": job.created_at.isoformat(),
        "due_at": job.due_at.isoformat(),
        "last_error": job.last_error,
        "summary": job.summary,
        "payload": job.payload,
    }
