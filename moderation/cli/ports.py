"""`moderate check-port`: say that a port is taken before anything slow happens.

A second `make run` used to build the whole site and only then fail inside uvicorn with
"address already in use". `make run` and `make preview` call this first; `moderate serve`
checks too, before it opens the database or starts the live builder.
"""

from __future__ import annotations

import errno
import socket

import click

from .common import EXIT_USAGE


class PortInUse(click.ClickException):
    exit_code = EXIT_USAGE


def port_problem(host: str, port: int) -> str | None:
    """Why the service could not listen on host:port, or None when it can."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As uvicorn does: a port left in TIME_WAIT by a stopped server is free to reuse.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return (
                    f"port {port} on {host} is already in use (another `make run` or "
                    f"`moderate serve`?). Stop that one, or choose another port: "
                    f"`make run PORT={port + 1}` or `moderate serve --port {port + 1}`."
                )
            return f"cannot listen on {host}:{port}: {error.strerror}"
    return None


def ensure_port_free(host: str, port: int) -> None:
    if problem := port_problem(host, port):
        raise PortInUse(problem)


@click.command("check-port")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, required=True, help="Port to check.")
def check_port(host: str, port: int) -> None:
    """Exit 0 if the service could listen on HOST:PORT, else 2 with what to do."""
    ensure_port_free(host, port)
