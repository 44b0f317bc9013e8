"""The deploy command runs on the build that holds the approval; a failure is retried, not lost.

The command is a real program (a Python script standing in for `rsync` or `aws s3 sync`)
that copies the build folder to a "host" folder, and fails the first time it is asked to
when told to. The builds are real `pelican` runs (the CLI's `SiteBuilder`); the job runner
is driven with `tick()` and a test clock.
"""

from __future__ import annotations

import json
import re
import shlex
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from clock import Clock
from deploytools import moderate as run_moderate
from servers import ROOT, Project, make_project

from moderation.deploy.command import BuildNotReady, DeployCommand, command_line
from moderation.jobs.model import JobState
from moderation.model import PASSED, Action, CheckResult, Review, Submission
from moderation.publish import Publisher
from moderation.service import CommentService
from moderation.settings import SETTINGS, Settings
from moderation.wiring import build_service

SLUG = "coffee-meal-beer-rule"
PASSING = Review((CheckResult("name", PASSED),))
UPLOAD = """\
import shutil, sys
from pathlib import Path

output, host, fail_once = map(Path, sys.argv[1:4])
with open(host.parent / "deploys.log", "a") as log:
    log.write("deploy\\n")
if fail_once.exists():
    fail_once.unlink()
    sys.exit("upload failed: the bucket is unreachable")
shutil.copytree(output, host, dirs_exist_ok=True)
print("uploaded", sum(1 for _ in output.rglob("*")), "files")
"""


class Host:
    """Where the deploy command copies the site, and how often it ran."""

    def __init__(self, root: Path) -> None:
        self.folder = root / "host" / "www"
        self.folder.parent.mkdir(parents=True)
        self.script = root / "upload.py"
        self.script.write_text(UPLOAD)
        self.fail_once = root / "fail-once"

    @property
    def command(self) -> str:
        return shlex.join(
            [sys.executable, str(self.script), "{output}", str(self.folder), str(self.fail_once)]
        )

    @property
    def runs(self) -> int:
        log = self.folder.parent / "deploys.log"
        return len(log.read_text().splitlines()) if log.exists() else 0

    def page(self, slug: str = SLUG) -> str:
        return (self.folder / "posts" / slug / "index.html").read_text(encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return make_project(tmp_path / "blog")


@pytest.fixture
def host(tmp_path: Path) -> Host:
    return Host(tmp_path)


@pytest.fixture
def open_service(project: Project, host: Host, clock: Clock) -> Iterator:
    """Open the service with the deploy command set; each call is a (re)start."""
    opened: list[CommentService] = []

    def open_one() -> CommentService:
        settings = Settings.load(
            project.settings_file, environ={"COMMENTS_DEPLOY_COMMAND": host.command}
        )
        service = build_service(settings, project.settings_file, clock=clock)
        opened.append(service)
        return service

    yield open_one
    for service in opened:
        stop(service)


def stop(service: CommentService) -> None:
    service.close()
    service.store.close()


def approve(service: CommentService, body: str) -> int:
    submission = Submission(SLUG, "Ada Lovelace", "https://ada.example/", body)
    comment = service.store.add(submission, PASSING)
    return service.decide(comment.id, Action.APPROVE, "moderator").id


def deploy_jobs(service: CommentService) -> list:
    return service.store.jobs(kinds=["deploy"])


def moderate(project: Project, host: Host, *args: str) -> str:
    """The `moderate` command as docs/deploy.md gives it, with this test's settings."""
    environ = {"COMMENTS_DEPLOY_COMMAND": host.command, "COLUMNS": "200"}
    return run_moderate(project.settings_file, *args, **environ).stdout


@pytest.mark.slow
def test_the_deploy_waits_for_the_build_with_the_approval_and_runs_once(
    open_service, host: Host
) -> None:
    service = open_service()
    approve(service, "Shipped with its page.")
    assert service.jobs.tick() == 1  # claimed at once: it waits for the rebuild, then runs
    assert "Shipped with its page." in host.page()
    assert deploy_jobs(service) == []
    assert host.runs == 1  # the rebuild did not ask for a second deploy


@pytest.mark.slow
def test_a_failed_deploy_is_retried_after_a_restart_and_ships_the_approval(
    open_service, project: Project, host: Host, clock: Clock
) -> None:
    host.fail_once.touch()
    service = open_service()
    approve(service, "Deployed on the second try.")
    service.jobs.tick()
    [waiting] = deploy_jobs(service)
    assert (waiting.state, waiting.attempts) == (JobState.PENDING, 1)
    assert "exited 1: upload failed: the bucket is unreachable" in waiting.last_error
    assert waiting.due_at == clock.now + timedelta(seconds=30)
    assert "Deployed on the second try." in project.article_page(SLUG).read_text()
    assert not host.folder.exists()
    assert "deploy" in moderate(project, host, "outbox")  # what the moderator reads
    listing = moderate(project, host, "outbox", "--json").splitlines()
    [listed] = [json.loads(line) for line in listing if line.startswith("{")]
    assert (listed["id"], listed["kind"], listed["state"]) == (waiting.id, "deploy", "pending")
    assert "the bucket is unreachable" in listed["last_error"]
    stop(service)  # the service restarts while the deploy waits

    service = open_service()
    clock.now += timedelta(seconds=30)
    assert service.jobs.tick() == 1
    assert deploy_jobs(service) == []
    assert "Deployed on the second try." in host.page()
    assert host.runs == 2


@pytest.mark.slow
def test_a_build_done_after_the_job_ran_elsewhere_is_deployed_too(open_service, host: Host) -> None:
    """Another worker ran the decision's deploy before this one's rebuild: it runs again."""
    service = open_service()
    service.publisher.schedule()  # the site as it was
    assert service.publisher.wait_idle()
    added = service.store.add(Submission(SLUG, "Ada Lovelace", "https://ada.example/", "Late."),
                              PASSING)  # fmt: skip
    decided = service.store.decide(
        added.id, Action.APPROVE, "moderator", follow_up=lambda _: service.site_jobs
    )
    assert service.jobs.tick() == 1  # deployed the build from before the approval
    assert "Late." not in host.page()
    service.publisher.publish(decided)
    assert service.publisher.wait_idle()
    assert service.jobs.tick() == 1
    assert "Late." in host.page()


@pytest.mark.slow
def test_a_decision_whose_build_never_ran_is_deployed_after_the_restart(
    open_service, host: Host
) -> None:
    """The service stopped between the approval and its rebuild: the next start catches up."""
    service = open_service()
    service.publisher.schedule()
    assert service.publisher.wait_idle()
    service.jobs.tick()  # the site as it was is deployed
    added = service.store.add(Submission(SLUG, "Ada Lovelace", "https://ada.example/", "Caught."),
                              PASSING)  # fmt: skip
    decided = service.store.decide(
        added.id, Action.APPROVE, "moderator", follow_up=lambda _: service.site_jobs
    )
    service.publisher.write(decided)  # the file, but the process stops before the rebuild
    stop(service)

    service = open_service()
    assert service.jobs.tick() == 1
    assert "Caught." in host.page()
    assert deploy_jobs(service) == []


class FailingBuild:
    """A builder whose build fails, as `pelican` does on a broken template."""

    def start(self) -> None: ...
    def close(self) -> None: ...

    def __call__(self) -> None:
        raise RuntimeError("pelican exited 1: TemplateSyntaxError in article.html")


def test_a_failed_build_is_not_deployed(tmp_path: Path, host: Host) -> None:
    publisher = Publisher(tmp_path / "comments", FailingBuild(), delay=0)
    deploy = DeployCommand(
        shlex.split(host.command), tmp_path, tmp_path / "output", publisher, lambda: None
    )
    publisher.schedule()
    with pytest.raises(BuildNotReady, match="TemplateSyntaxError"):
        deploy(None)
    assert host.runs == 0
    publisher.close()


@pytest.mark.slow
def test_a_moderator_can_try_a_waiting_deploy_again_now(
    open_service, project: Project, host: Host, clock: Clock
) -> None:
    host.fail_once.touch()
    service = open_service()
    service.publisher.schedule()
    assert service.publisher.wait_idle()  # its own deploy failed: a job waits
    service.jobs.tick()
    [waiting] = deploy_jobs(service)
    retried = moderate(project, host, "outbox", "--retry", str(waiting.id))
    assert f"job #{waiting.id} is due now" in retried
    # The command ran on the real clock: catch the service's up with it, however slow the
    # machine was, and check that the back-off alone would not make the job due yet.
    clock.now = max(clock.now, datetime.now(UTC)) + timedelta(seconds=1)
    assert clock.now < waiting.due_at
    assert service.jobs.tick() == 1
    assert deploy_jobs(service) == [] and host.runs == 2


def static_host_section() -> str:
    text = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    return text.split("\n## A static host or CDN\n", 1)[1].split("\n## ", 1)[0]


def test_the_documented_deploy_commands_name_the_build_folder() -> None:
    examples = re.findall(
        r'^COMMENTS_DEPLOY_COMMAND = "([^"]+)"$', static_host_section(), flags=re.MULTILINE
    )
    assert len(examples) >= 2
    for example in examples:
        argv = command_line(example, Path("/srv/blog/output"))
        assert argv[0] in {"aws", "rsync"}, example
        assert any(argument.startswith("/srv/blog/output") for argument in argv), example


def test_the_static_host_commands_are_the_ones_these_tests_run() -> None:
    """Each shell command of the section, and the arguments `moderate(...)` above passes."""
    blocks = re.findall(r"```sh\n(.*?)```", static_host_section(), flags=re.DOTALL)
    commands = [line.strip() for block in blocks for line in block.splitlines() if line.strip()]
    assert commands == [
        "moderate --settings publishconf.py outbox",
        "moderate --settings publishconf.py outbox --retry 7",
    ]
    source = Path(__file__).read_text(encoding="utf-8")
    assert 'moderate(project, host, "outbox")' in source
    assert 'moderate(project, host, "outbox", "--retry", str(waiting.id))' in source


def test_the_static_host_section_names_real_settings() -> None:
    named = set(re.findall(r"\bCOMMENTS_[A-Z_]+\b", static_host_section()))
    assert {"COMMENTS_GIT_PUSH", "COMMENTS_DEPLOY_COMMAND"} <= named
    assert named - {setting.name for setting in SETTINGS} == set()
