"""docs/deploy.md's one-server commands are each run by a test, or say why they cannot be here.

A command a test runs is listed with the text the test runs it by, so the two cannot drift
apart; the few that need the real server (its package mirror, a public domain, your repository)
are listed with the reason. A new command in the walk-through fails this test until it is one
or the other.
"""

from __future__ import annotations

import re

from servers import ROOT

DOC = ROOT / "docs" / "deploy.md"
TESTS = ROOT / "tests"

RUN_BY_TESTS: dict[str, list[tuple[str, str]]] = {
    ".venv/bin/moderate --settings publishconf.py deploy-config --out deploy/rendered --no-tls": [
        ("deploytools.py", '"deploy-config", "--out"'),
        ("integration/test_proxy.py", '"--no-tls"'),
    ],
    ".venv/bin/moderate --settings publishconf.py deploy-config --out deploy/rendered": [
        ("deploytools.py", '"deploy-config", "--out"'),
        ("integration/test_proxy.py", '"--tls-certificate"'),
    ],
    "deploy/rendered/install.sh": [("integration/test_deploy_install.py", '/ "install.sh"')],
    ".venv/bin/moderate --settings publishconf.py publish": [
        ("integration/test_proxy.py", 'moderate(settings, "publish"'),
    ],
    ".venv/bin/moderate --settings publishconf.py set-password robin": [
        ("integration/test_proxy.py", '"set-password", "robin", "--password-stdin"'),
    ],
    "curl -fsS https://blog.example/healthz": [
        ("integration/test_proxy.py", 'wait_for(f"{origin}/healthz", proxy'),
    ],
}
NEEDS_THE_REAL_SERVER = {
    "apt-get install nginx-light python3-venv make git certbot": (
        "root and Debian's mirror on the server; `make install-proxy` installs nginx-light the"
        " same way here (scripts/require-debian-package.sh)"
    ),
    "git clone https://git.example/you/blog.git /srv/blog": "your site's own repository",
    "make install": "the server's /srv/blog/.venv; `make test` runs its superset, install-test",
    'certbot certonly --webroot -w /var/www/letsencrypt -d blog.example --deploy-hook "systemctl'
    ' reload nginx"': "a public domain name and Let's Encrypt",
    "git pull": "your site's own repository",
}


def one_server_commands() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("\n## One server\n", 1)[1].split("\n## ", 1)[0]
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL):
        for line in block.replace("\\\n", " ").splitlines():
            line = line.strip()
            if line and not line.startswith(("#", "cd ")):
                commands.append(re.sub(r"^sudo (-u \w+ )?", "", line))
    return commands


def test_the_walk_through_has_commands() -> None:
    assert len(one_server_commands()) >= 8


def test_every_command_is_run_by_a_test_or_says_why_not() -> None:
    known = RUN_BY_TESTS.keys() | NEEDS_THE_REAL_SERVER.keys()
    assert [c for c in one_server_commands() if c not in known] == []
    assert sorted(known - set(one_server_commands())) == []  # no entry outlives its command


def test_each_listed_test_still_runs_the_command() -> None:
    missing = [
        (command, file, needle)
        for command, places in RUN_BY_TESTS.items()
        for file, needle in places
        if needle not in (TESTS / file).read_text(encoding="utf-8")
    ]
    assert missing == []


def test_a_static_host_section_exists() -> None:
    assert "\n## A static host or CDN\n" in DOC.read_text(encoding="utf-8")
