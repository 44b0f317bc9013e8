"""Approved comments reach a static host through git: committed, pushed, never lost.

A bare repository on disk is the remote (GitHub, Netlify's repository), a clone is the site's
repository where the service runs, and another clone is the author's laptop or a second
machine. Everything is real git; the job runner is driven with `tick()` and a test clock.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from clock import Clock
from servers import Project, make_project

from moderation import commentfile
from moderation.jobs.model import JobState
from moderation.model import PASSED, Action, CheckResult, Review, Status, Submission
from moderation.service import CommentService
from moderation.settings import Settings
from moderation.wiring import build_service

SLUG = "coffee-meal-beer-rule"
PASSING = Review((CheckResult("name", PASSED),))
IDENTITY = {
    "GIT_AUTHOR_NAME": "Author",
    "GIT_AUTHOR_EMAIL": "author@blog.example",
    "GIT_COMMITTER_NAME": "Author",
    "GIT_COMMITTER_EMAIL": "author@blog.example",
}


def git(cwd: Path, *args: str) -> str:
    """Run git as the author would at a terminal; fail the test with its output."""
    result = subprocess.run(
        ["git", *args], cwd=cwd, env={**os.environ, **IDENTITY, "LC_ALL": "C"},
        capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, f"git {' '.join(args)}:\n{result.stdout}{result.stderr}"
    return result.stdout


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    """The host's repository: a bare one on disk."""
    path = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(path))
    return path


@pytest.fixture
def site_repo(tmp_path: Path, remote: Path) -> Project:
    """The blog as a git working copy whose `origin` is the bare remote, pushed once."""
    project = make_project(tmp_path / "blog")
    (project.root / ".gitignore").write_text("var/\noutput/\ncache/\n__pycache__/\n")
    git(project.root, "init", "--quiet", "--initial-branch=main")
    git(project.root, "add", "--all")
    git(project.root, "commit", "--quiet", "-m", "The blog")
    git(project.root, "remote", "add", "origin", str(remote))
    git(project.root, "push", "--quiet", "--set-upstream", "origin", "main")
    return project


@pytest.fixture
def open_service(site_repo: Project, clock: Clock) -> Iterator:
    """Open the comment service on the site's repository; each call is a (re)start."""
    opened: list[CommentService] = []

    def open_one(**environ: str) -> CommentService:
        settings = Settings.load(
            site_repo.settings_file, environ={"COMMENTS_GIT_PUSH": "1", **environ}
        )
        service = build_service(settings, site_repo.settings_file, rebuild=False, clock=clock)
        opened.append(service)
        return service

    yield open_one
    for service in opened:
        stop(service)


def stop(service: CommentService) -> None:
    service.close()
    service.store.close()


def approve(service: CommentService, body: str, name: str = "Ada Lovelace") -> int:
    submission = Submission(article=SLUG, name=name, blog_url="https://ada.example/", body=body)
    comment = service.store.add(submission, PASSING)
    return service.decide(comment.id, Action.APPROVE, "moderator").id


def push_jobs(service: CommentService) -> list:
    return service.store.jobs(kinds=["git-push"])


def remote_files(remote: Path, *paths: str) -> set[str]:
    listed = git(remote, "ls-tree", "-r", "--name-only", "main", "--", *paths)
    return set(listed.split())


def remote_file(remote: Path, path: str) -> str:
    return git(remote, "show", f"main:{path}")


def comment_path(comment_id: int) -> str:
    return f"content/comments/{SLUG}/{comment_id}.md"


def test_an_approval_is_committed_and_pushed_alone(open_service, site_repo, remote) -> None:
    """Only the comment file goes in the commit: the author's unfinished work stays theirs."""
    draft = site_repo.content / "posts" / "draft.md"
    draft.write_text("Title: Not yet\n\nHalf a thought.\n")
    edited = next((site_repo.content / "posts").glob("*.md"))
    edited.write_text(edited.read_text() + "\nAn unfinished edit.\n")
    git(site_repo.root, "add", str(draft))  # staged, but not for the service to commit
    service = open_service()
    comment_id = approve(service, "Coffee first: it worked for me.")
    assert service.jobs.tick() == 1
    assert push_jobs(service) == []
    assert git(remote, "log", "-1", "--format=%s%n%an <%ae>", "main").splitlines() == [
        f"Publish comment {comment_id} on {SLUG}",
        "Comments <comments@localhost>",
    ]
    changed = git(remote, "diff-tree", "--no-commit-id", "--name-only", "-r", "main")
    assert changed.split() == [comment_path(comment_id)]
    assert "Coffee first" in remote_file(remote, comment_path(comment_id))
    status = git(site_repo.root, "status", "--porcelain").splitlines()
    assert sorted(status) == sorted(
        [f"A  {draft.relative_to(site_repo.root)}", f" M {edited.relative_to(site_repo.root)}"]
    )


def test_approvals_in_a_row_share_one_push_and_unpublishing_is_pushed(open_service, remote) -> None:
    service = open_service()
    first = approve(service, "One conversation led to my job.")
    second = approve(service, "Beer worked better than coffee.", name="Grace Hopper")
    assert len(push_jobs(service)) == 1
    service.jobs.tick()
    assert git(remote, "log", "-1", "--format=%B", "main").strip().splitlines() == [
        "Publish 2 comments",
        "",
        f"- Publish comment {first} on {SLUG}",
        f"- Publish comment {second} on {SLUG}",
    ]
    service.decide(first, Action.UNPUBLISH, "moderator", "asked by its author")
    service.jobs.tick()
    assert git(remote, "log", "-1", "--format=%s", "main").strip() == (
        f"Unpublish comment {first} on {SLUG}"
    )
    assert remote_files(remote, f"content/comments/{SLUG}") == {comment_path(second)}


def test_a_push_that_ran_before_the_file_was_written_is_followed_by_another(
    open_service, remote
) -> None:
    """The job commits with the decision; another worker may run it before the file exists."""
    service = open_service()
    submission = Submission(SLUG, "Ada Lovelace", "https://ada.example/", "Written late.")
    added = service.store.add(submission, PASSING)
    decided = service.store.decide(
        added.id, Action.APPROVE, "moderator", follow_up=lambda _: service.site_jobs
    )
    assert service.jobs.tick() == 1  # the push ran between the commit and the write
    assert comment_path(decided.id) not in remote_files(remote, "content")
    service.publisher.publish(decided)
    assert service.jobs.tick() == 1
    assert comment_path(decided.id) in remote_files(remote, "content")


def test_a_refused_push_waits_and_lands_after_the_remote_is_fixed_across_a_restart(
    open_service, remote, clock: Clock
) -> None:
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'pushes are closed for maintenance' >&2\nexit 1\n")
    hook.chmod(0o755)
    service = open_service()
    first = approve(service, "Follow first, connect later.")
    service.jobs.tick()
    [waiting] = push_jobs(service)
    assert (waiting.state, waiting.attempts) == (JobState.PENDING, 1)
    assert "pre-receive hook declined" in waiting.last_error
    assert waiting.due_at == clock.now + timedelta(seconds=30)
    assert service.store.get(first).status is Status.APPROVED
    stop(service)  # the service restarts while the push waits

    service = open_service()
    second = approve(service, "Meals are underrated.", name="Grace Hopper")
    assert len(push_jobs(service)) == 1  # the waiting push takes the new comment along
    hook.unlink()  # the remote is fixed
    clock.now += timedelta(seconds=29)
    assert service.jobs.tick() == 0  # back-off
    clock.now += timedelta(seconds=1)
    assert service.jobs.tick() == 1
    assert push_jobs(service) == []
    assert remote_files(remote, f"content/comments/{SLUG}") == {
        comment_path(first),
        comment_path(second),
    }


@pytest.fixture
def laptop(tmp_path: Path, remote: Path, site_repo: Project) -> Path:
    """The author's other clone of the site."""
    path = tmp_path / "laptop"
    git(tmp_path, "clone", "--quiet", str(remote), str(path))
    return path


def test_a_remote_that_moved_on_is_rebased_onto(open_service, site_repo, remote, laptop) -> None:
    """The author pushed a post from their laptop meanwhile: both land, in order."""
    post = laptop / "content" / "posts" / "new-post.md"
    post.write_text("Title: Written on the train\nDate: 2025-01-02\n\nA new post.\n")
    git(laptop, "add", "--all")
    git(laptop, "commit", "--quiet", "-m", "A new post")
    git(laptop, "push", "--quiet")
    service = open_service()
    comment_id = approve(service, "Trains are good for writing.")
    service.jobs.tick()
    assert push_jobs(service) == []
    assert git(remote, "log", "--format=%s", "-2", "main").splitlines() == [
        f"Publish comment {comment_id} on {SLUG}",
        "A new post",
    ]
    assert (site_repo.content / "posts" / "new-post.md").exists()  # the service has it too


def test_uncommitted_work_is_never_stashed_to_take_in_the_remote(
    open_service, site_repo, remote, laptop, clock: Clock
) -> None:
    git(laptop, "commit", "--quiet", "--allow-empty", "-m", "Elsewhere")
    git(laptop, "push", "--quiet")
    edited = next((site_repo.content / "posts").glob("*.md"))
    edited.write_text(edited.read_text() + "\nNot finished.\n")
    service = open_service()
    comment_id = approve(service, "Wait for the author.")
    service.jobs.tick()
    [waiting] = push_jobs(service)
    assert "uncommitted changes" in waiting.last_error
    assert str(edited.relative_to(site_repo.root)) in waiting.last_error
    assert edited.read_text().endswith("Not finished.\n")
    git(site_repo.root, "commit", "--quiet", "-am", "Finished the edit")
    clock.now += timedelta(seconds=30)
    service.jobs.tick()
    assert comment_path(comment_id) in remote_files(remote, "content/comments")
    assert git(remote, "log", "-1", "--format=%s", "main").strip() == "Finished the edit"


def test_an_unfinished_rebase_of_the_author_is_left_alone(
    open_service, site_repo, remote, laptop
) -> None:
    post = next((laptop / "content" / "posts").glob("*.md"))
    relative = post.relative_to(laptop)
    post.write_text(post.read_text() + "\nThe laptop's ending.\n")
    git(laptop, "commit", "--quiet", "-am", "Laptop edit")
    git(laptop, "push", "--quiet")
    mine = site_repo.root / relative
    mine.write_text(mine.read_text() + "\nThe server's ending.\n")
    git(site_repo.root, "commit", "--quiet", "-am", "Server edit")
    git(site_repo.root, "fetch", "--quiet")
    stopped = subprocess.run(
        ["git", "rebase", "origin/main"], cwd=site_repo.root, capture_output=True, check=False,
        env={**os.environ, **IDENTITY},
    )  # fmt: skip
    assert stopped.returncode != 0  # a conflict: the author is in the middle of a rebase
    service = open_service()
    approve(service, "Patience.")
    service.jobs.tick()
    [waiting] = push_jobs(service)
    assert "a rebase is in progress" in waiting.last_error
    assert (site_repo.root / ".git" / "rebase-merge").is_dir()
    assert git(remote, "log", "-1", "--format=%s", "main").strip() == "Laptop edit"


def test_a_conflict_outside_the_comments_is_undone_and_named(
    open_service, site_repo, remote, laptop
) -> None:
    post = next((laptop / "content" / "posts").glob("*.md"))
    relative = str(post.relative_to(laptop))
    post.write_text(post.read_text() + "\nThe laptop's ending.\n")
    git(laptop, "commit", "--quiet", "-am", "Laptop edit")
    git(laptop, "push", "--quiet")
    mine = site_repo.root / relative
    mine.write_text(mine.read_text() + "\nThe server's ending.\n")
    git(site_repo.root, "commit", "--quiet", "-am", "Server edit")
    service = open_service()
    comment_id = approve(service, "Caught in the middle.")
    service.jobs.tick()
    [waiting] = push_jobs(service)
    assert f"conflict with this repository's in {relative}" in waiting.last_error
    assert not (site_repo.root / ".git" / "rebase-merge").exists()
    assert git(site_repo.root, "log", "--format=%s", "-2").splitlines() == [
        f"Publish comment {comment_id} on {SLUG}",
        "Server edit",
    ]
    assert mine.read_text().endswith("The server's ending.\n")
    assert git(site_repo.root, "status", "--porcelain", "--untracked-files=no") == ""
    assert git(remote, "log", "-1", "--format=%s", "main").strip() == "Laptop edit"


def test_one_push_at_a_time_per_repository(open_service, site_repo, remote) -> None:
    """A second worker whose lease ran out must not push beside the first."""
    service = open_service()
    approve(service, "One at a time.")
    with open(site_repo.root / ".git" / "comments-push.lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        service.jobs.tick()
    [waiting] = push_jobs(service)
    assert "another process is pushing" in waiting.last_error
    assert git(remote, "log", "-1", "--format=%s", "main").strip() == "The blog"


def test_two_machines_publishing_the_same_id_keep_both_comments(
    open_service, site_repo, remote, laptop
) -> None:
    """The other machine's #N stays #N; ours gets a fresh id, is written again and pushed."""
    service = open_service()
    taken = approve(service, "Published here first, pushed later.")
    theirs = commentfile.PublishedComment(
        id=taken,
        article=SLUG,
        author="Grace Hopper",
        url="https://grace.example/",
        date=datetime(2025, 3, 1, 9, 0, tzinfo=UTC),
        body="Published on the other machine.",
        approved_by="other-moderator",
        approved_at=datetime(2025, 3, 1, 10, 0, tzinfo=UTC),
        uid="0123456789abcdef0123456789abcdef",
    )
    commentfile.write(laptop / "content" / "comments", theirs)
    git(laptop, "add", "--all")
    git(laptop, "commit", "--quiet", "-m", f"Publish comment {taken} on {SLUG}")
    git(laptop, "push", "--quiet")

    service.jobs.tick()
    assert push_jobs(service) == []
    files = remote_files(remote, f"content/comments/{SLUG}")
    assert comment_path(taken) in files and len(files) == 2
    assert "Published on the other machine." in remote_file(remote, comment_path(taken))
    [ours] = files - {comment_path(taken)}
    assert "Published here first, pushed later." in remote_file(remote, ours)
    moved = int(Path(ours).stem)
    assert service.store.get(moved).body == "Published here first, pushed later."
    assert service.store.get(taken).name == "Grace Hopper"
    assert git(site_repo.root, "status", "--porcelain", "content") == ""


@pytest.mark.parametrize(
    ("environ", "problem"),
    [
        ({"COMMENTS_GIT_REPOSITORY": "/"}, "is not a git working copy"),
        ({"COMMENTS_GIT_REPOSITORY": "no/such/folder"}, "could not start"),
        ({"COMMENTS_GIT_AUTHOR": "nobody"}, "write it as 'Name <address>'"),
    ],
    ids=["not-a-repository", "missing-folder", "bad-author"],
)
def test_git_settings_that_cannot_work_stop_the_start(open_service, environ, problem) -> None:
    from moderation.errors import SettingsError

    with pytest.raises(SettingsError, match=problem):
        open_service(**environ)
