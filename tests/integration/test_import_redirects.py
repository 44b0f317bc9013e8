"""Old addresses keep working: `moderate redirects` writes an nginx map (served by a real
nginx here) and static redirect pages, from the articles' `Old-Url` metadata."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from deploytools import require_nginx
from servers import free_socket
from sitecheck import parse
from test_import import claim

from moderation.cli import main
from moderation.settings import Settings

OLD = "https://old.example"


@pytest.fixture
def written(project, tmp_path: Path) -> tuple[Path, Path, Settings]:
    claim(project, "lonely-job-search", old_url=f"{OLD}/2013/07/lonely.html {OLD}/?p=123")
    claim(project, "a-short-note", old_url=f"{OLD}/short-note/ {OLD}/../../escape.html")
    mapping, pages = tmp_path / "redirects.map", tmp_path / "pages"
    arguments = ["--settings", str(project.settings_file), "redirects"]
    result = CliRunner().invoke(main, [*arguments, "--nginx", str(mapping), "--pages", str(pages)])
    assert result.exit_code == 0, result.output
    return mapping, pages, Settings.load(project.settings_file)


def test_redirect_pages_point_to_the_new_address(written) -> None:
    _, pages, settings = written
    page = parse(pages / "2013" / "07" / "lonely.html")
    new = settings.permalink("lonely-job-search")
    assert page.find_all("link", rel="canonical")[0].get("href") == new
    assert page.find_all("meta", **{"http-equiv": "refresh"})[0].get("content") == f"0; url={new}"
    assert parse(pages / "short-note" / "index.html").find_all("link", rel="canonical")
    # No file can answer a query string (the map does), nothing is written above the folder.
    assert sorted(p.relative_to(pages).as_posix() for p in pages.rglob("*.html")) == [
        "2013/07/lonely.html",
        "escape.html",
        "short-note/index.html",
    ]


@pytest.mark.slow
def test_nginx_redirects_every_old_address(written, tmp_path: Path) -> None:
    mapping, _, settings = written
    nginx = require_nginx()
    with free_socket() as sock:
        port = sock.getsockname()[1]
    out = tmp_path / "nginx"
    (out / "temp").mkdir(parents=True)
    temps = "".join(
        f"    {kind}_temp_path {out}/temp/{kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (out / "nginx.conf").write_text(
        f"pid {out}/nginx.pid;\nerror_log stderr;\nevents {{}}\nhttp {{\n    access_log off;\n"
        f"{temps}    include {mapping};\n    server {{\n        listen 127.0.0.1:{port};\n"
        "        location / {\n"
        "            if ($old_blog_redirect) { return 301 $old_blog_redirect; }\n"
        "            return 404;\n        }\n    }\n}\n",
        encoding="utf-8",
    )
    proxy = subprocess.Popen(
        [nginx, "-p", str(out), "-c", str(out / "nginx.conf"), "-g", "daemon off;"],
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                httpx.get(f"{base}/", timeout=1)
                break
            except httpx.TransportError:
                assert proxy.poll() is None, proxy.stderr.read() if proxy.stderr else ""
                time.sleep(0.05)
        for old, slug in [
            ("/2013/07/lonely.html", "lonely-job-search"),
            ("/?p=123", "lonely-job-search"),
            ("/short-note/", "a-short-note"),
        ]:
            answer = httpx.get(base + old, timeout=5)
            assert (answer.status_code, answer.headers["location"]) == (
                301,
                settings.permalink(slug),
            ), old
        assert httpx.get(f"{base}/2013/07/other.html", timeout=5).status_code == 404
    finally:
        proxy.terminate()
        try:
            proxy.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proxy.kill()
            proxy.wait()
        if proxy.stderr:
            proxy.stderr.close()
