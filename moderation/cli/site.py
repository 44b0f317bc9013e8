"""`moderate publish` and `serve`: the built site and the running service."""

from __future__ import annotations

import logging
from pathlib import Path

import click
from click.core import ParameterSource

from .common import load_settings, open_service
from .ports import ensure_port_free

PRODUCTION_SETTINGS = "publishconf.py"


@click.command()
@click.pass_context
def publish(context: click.Context) -> None:
    """Build the site into the settings' OUTPUT_PATH now (`make publish`: with publishconf.py).

    Refused when that folder holds a build made with another settings file."""
    from ..publish import SiteBuilder

    settings = load_settings(context)
    output = Path(settings["OUTPUT_PATH"])
    try:
        SiteBuilder(Path(context.obj), Path(settings["PATH"]), output, ask_running=False)()
    except RuntimeError as error:
        raise click.ClickException(f"build failed: {error}") from error
    click.echo(f"site built into {output} with {context.obj}")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8001, show_default=True, help="Port to listen on.")
@click.option(
    "--site",
    "site_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also serve this built site (e.g. output) on the same port.",
)
@click.option(
    "--production",
    is_flag=True,
    help="Behind a TLS proxy: HSTS, Secure cookies, X-Forwarded-For from loopback believed.",
)
@click.pass_context
def serve(
    context: click.Context, host: str, port: int, site_dir: Path | None, production: bool
) -> None:
    """Run the comment service (and optionally the site) with uvicorn."""
    import uvicorn

    from ..web.app import LOOPBACK, create_app
    from ..web.timeouts import protocol_with_timeout

    ensure_port_free(host, port)  # before the database, the builder or a build

    # The service's own log (publishing, failed builds) beside uvicorn's; other libraries'
    # INFO lines (httpx logs every request) stay out.
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s:  %(name)s: %(message)s")
    logging.getLogger("moderation").setLevel(logging.INFO)
    if production:
        _default_to_production_settings(context)
    settings, service = open_service(context, live=True)
    for notice in service.notices:  # what start-up found in content/comments (also logged)
        click.echo(f"Warning: {notice}")
    click.echo(f"Approvals rebuild {settings['OUTPUT_PATH']} with {context.obj}")
    app = create_app(service, settings, site_dir=site_dir, production=production)
    click.echo(f"Comment service on http://{host}:{port}/api/comments")
    click.echo(f"Moderator pages on http://{host}:{port}/moderate")
    if production:
        trusted = ", ".join(settings["COMMENTS_TRUSTED_PROXIES"] or LOOPBACK)
        click.echo(f"Production: HSTS, Secure cookies, X-Forwarded-For believed from {trusted}")
    if not settings["COMMENTS_SMTP_HOST"]:
        click.echo(
            "E-mail is off (COMMENTS_SMTP_HOST is empty): messages wait in the outbox,"
            f" http://{host}:{port}/moderate/outbox"
        )
    if site_dir is not None:
        click.echo(f"Blog on http://{host}:{port}/")
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="info",
        proxy_headers=False,  # ClientAddress decides whom to believe (COMMENTS_TRUSTED_PROXIES)
        server_header=False,
        http=protocol_with_timeout(settings["COMMENTS_REQUEST_TIMEOUT"]),
        timeout_keep_alive=5,
    )


def _default_to_production_settings(context: click.Context) -> None:
    """`serve --production` without --settings (or MODERATE_SETTINGS) builds with publishconf.py:
    a production service must never turn the published build into a dev build."""
    assert context.parent is not None
    if context.parent.get_parameter_source("settings_path") is ParameterSource.DEFAULT:
        context.obj = Path(PRODUCTION_SETTINGS)
