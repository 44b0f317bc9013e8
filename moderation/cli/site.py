"""`moderate publish` and `serve`: the built site and the running service."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from .common import open_service
from .ports import ensure_port_free


@click.command()
@click.pass_context
def publish(context: click.Context) -> None:
    """Rebuild the site now (after editing comment files or settings by hand)."""
    _, service = open_service(context)
    service.publisher.schedule()
    if not service.publisher.wait_idle() or service.publisher.last_error:
        raise click.ClickException(f"rebuild failed: {service.publisher.last_error or 'timeout'}")
    click.echo("site rebuilt")


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

    from ..web.app import create_app
    from ..web.timeouts import protocol_with_timeout

    ensure_port_free(host, port)  # before the database, the builder or a build

    # The service's own log (publishing, failed builds) beside uvicorn's; other libraries'
    # INFO lines (httpx logs every request) stay out.
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s:  %(name)s: %(message)s")
    logging.getLogger("moderation").setLevel(logging.INFO)
    settings, service = open_service(context, live=True)
    for notice in service.notices:  # what start-up found in content/comments (also logged)
        click.echo(f"Warning: {notice}")
    app = create_app(service, settings, site_dir=site_dir, production=production)
    click.echo(f"Comment service on http://{host}:{port}/api/comments")
    click.echo(f"Moderator pages on http://{host}:{port}/moderate")
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
