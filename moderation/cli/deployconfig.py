"""`moderate deploy-config`: the nginx site and the systemd unit, filled in from the settings.

The templates live in deploy/ (Jinja2: nginx's own `$variables` pass through untouched). The
paths, the site's host name and the request size limit come from the same settings file the
service runs with, so the proxy and the service cannot disagree; docs/deploy.md and the tests
render with this very command.
"""

from __future__ import annotations

import getpass
import grp
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

import click
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..settings import Settings
from ..web.security import SITE_CSP
from ..wiring import database_url
from .common import SettingsProblem, load_settings

TEMPLATES = Path(__file__).resolve().parents[2] / "deploy"
OUTPUTS = {
    "nginx-site.conf": "nginx/site.conf.j2",
    "moderate.service": "systemd/moderate.service.j2",
    "install.sh": "install.sh.j2",
}
EXECUTABLE = {"install.sh"}
STANDALONE = {"nginx.conf": "nginx/standalone.conf.j2"}


def project_paths(settings: Settings, settings_file: Path) -> dict[str, Path]:
    """Where the service reads and writes; relative settings start at the settings' folder,
    the unit's WorkingDirectory."""
    project = settings_file.resolve().parent

    def absolute(value: str) -> Path:
        path = Path(value)
        return path if path.is_absolute() else project / path

    content = absolute(settings["PATH"])
    paths = {
        "project": project,
        "output": absolute(settings["OUTPUT_PATH"]),
        "comments": content / settings["COMMENTS_PATH"],
        "cache": absolute(settings.get("CACHE_PATH", "cache")),
        "var": project / "var",  # var/secret.key when COMMENTS_SECRET is unset
    }
    url = database_url(settings)
    if url.startswith("sqlite:///"):
        paths["database"] = Path(url.removeprefix("sqlite:///")).parent
    return paths


def writable_paths(paths: dict[str, Path]) -> list[str]:
    """The service's ReadWritePaths: nothing else on the disk is writable for it."""
    names = ("var", "database", "comments", "output", "cache")
    return sorted({str(paths[name]) for name in names if name in paths})


def render(templates: Path, out: Path, values: dict[str, object], standalone: bool) -> list[Path]:
    environment = Environment(
        loader=FileSystemLoader(templates),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # configuration files, not HTML
    )
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, template in {**OUTPUTS, **(STANDALONE if standalone else {})}.items():
        target = out / name
        target.write_text(environment.get_template(template).render(values), encoding="utf-8")
        target.chmod(0o755 if name in EXECUTABLE else 0o644)
        written.append(target)
    if standalone:
        for folder in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (out / "temp" / folder).mkdir(parents=True, exist_ok=True)
    return written


def nginx_size(limit: int) -> str:
    """Twice the service's limit, in nginx's units (whole kilobytes, at least 1k)."""
    return f"{max(1, -(-2 * limit // 1024))}k"


@click.command("deploy-config")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write nginx-site.conf, moderate.service and install.sh into.",
)
@click.option("--server-name", default="", help="The site's host name; default: SITEURL's host.")
@click.option("--service-port", default=8001, show_default=True, help="The service's port.")
@click.option("--http-port", default=80, show_default=True, help="nginx's plain HTTP port.")
@click.option("--https-port", default=443, show_default=True, help="nginx's HTTPS port.")
@click.option("--listen-address", default="", help="nginx listens on this address only.")
@click.option("--tls/--no-tls", default=True, show_default=True, help="Serve HTTPS.")
@click.option("--tls-certificate", default="", help="Default: certbot's fullchain.pem.")
@click.option("--tls-key", default="", help="Default: certbot's privkey.pem.")
@click.option(
    "--acme-root",
    default="/var/www/letsencrypt",
    show_default=True,
    help="Folder nginx serves certbot's challenges from.",
)
@click.option(
    "--client-timeout",
    default=10,
    show_default=True,
    help="Seconds nginx waits for a header, each part of a body, or a reader taking an answer.",
)
@click.option(
    "--keepalive-timeout", default=15, show_default=True, help="Seconds an idle connection stays."
)
@click.option("--user", "user", default="moderate", show_default=True, help="Runs the service.")
@click.option(
    "--environment-file",
    default="/etc/moderate/environment",
    show_default=True,
    help="The service's secrets (root only); install.sh creates it once.",
)
@click.option(
    "--standalone", is_flag=True, help="Also a complete nginx.conf that writes only in --out."
)
@click.option(
    "--templates",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=TEMPLATES,
    show_default=True,
    help="The templates to fill (a copy of deploy/ you changed).",
)
@click.pass_context
def deploy_config(context: click.Context, out: Path, **options) -> None:
    """Write the nginx site and the systemd unit for this settings file (docs/deploy.md)."""
    settings = load_settings(context)
    settings_file = Path(context.obj).resolve()
    paths = project_paths(settings, settings_file)
    server_name = options["server_name"] or urlsplit(settings.site_origin).hostname or ""
    if not server_name:
        raise SettingsProblem("no SITEURL in the settings: give --server-name")
    certbot = Path("/etc/letsencrypt/live") / server_name
    out = out.resolve()
    values = {
        **options,
        "server_name": server_name,
        "site_name": settings.get("SITENAME", server_name),
        "site_root": paths["output"],
        "project": paths["project"],
        "settings_file": settings_file,
        "writable": writable_paths(paths),
        "moderate": Path(sys.executable).with_name("moderate"),
        "group": options["user"],
        "tls_certificate": options["tls_certificate"] or certbot / "fullchain.pem",
        "tls_key": options["tls_key"] or certbot / "privkey.pem",
        "https_port_suffix": "" if options["https_port"] == 443 else f":{options['https_port']}",
        "listen_address": f"{options['listen_address']}:" if options["listen_address"] else "",
        "service_max_bytes": settings["COMMENTS_MAX_REQUEST_BYTES"],
        "client_max_body_size": nginx_size(settings["COMMENTS_MAX_REQUEST_BYTES"]),
        "site_csp": SITE_CSP,
        "out": out,
        "run_user": getpass.getuser(),
        "run_group": grp.getgrgid(os.getgid()).gr_name,
        "mime_types": "/etc/nginx/mime.types",
    }
    for path in render(options["templates"], out, values, options["standalone"]):
        click.echo(f"wrote {path}")
