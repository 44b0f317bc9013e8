"""The "git-push" job: commit the changed comment files to the site's repository and push.

Staticman's model: the host (GitHub Pages, Netlify, …) builds the site from the repository,
so a pushed comment file is a published comment. Only files under the comments folder are
ever staged or committed (`git commit --only`), never the author's other work. A push the
remote refuses because it moved on (someone pushed a post) is handled by fetching and
rebasing onto it, then pushing again. When both sides published a file at the same path (two
machines gave out the same comment id), the remote's file stays and `after_pull` (the store's
reconcile) moves this machine's comment to a fresh id and writes it again: neither is lost.
Any other conflict aborts the rebase, which leaves everything as it was, and the job fails
with the reason, to be tried again later.
"""

from __future__ import annotations

import fcntl
import logging
from collections import Counter
from collections.abc import Callable
from email.utils import parseaddr
from pathlib import Path, PurePosixPath

from ..errors import SettingsError
from ..jobs.model import QueuedJob
from .process import CommandFailed, Finished, failure, run, tail

logger = logging.getLogger(__name__)

KIND = "git-push"
LOCK = "comments-push.lock"  # in the repository's git folder
_BEHIND = ("fetch first", "non-fast-forward")  # `git push --porcelain`: the remote moved on
_PUSHES = 3  # each refused push is followed by a rebase; a remote this busy is tried later
_VERBS = {"A": "publish", "D": "unpublish"}  # anything else (M, T) rewrote a published file


class PushRefused(Exception):
    """The remote's new commits cannot be taken in by this job; the message says why."""


class GitPush:
    def __init__(
        self,
        repository: Path,
        comments_dir: Path,
        *,
        remote: str = "origin",
        branch: str = "",
        author: str = "Comments <comments@localhost>",
        timeout: float = 600.0,
        after_pull: Callable[[], None] | None = None,
    ) -> None:
        """:param after_pull: run after the remote's commits came in (the store's reconcile).

        Raises `SettingsError` when `repository` is not a git working copy holding
        `comments_dir`: better at start-up than at the first approval.
        """
        self.timeout = timeout
        name, address = parseaddr(author)
        if not name or "@" not in address:
            raise SettingsError(f"COMMENTS_GIT_AUTHOR {author!r}: write it as 'Name <address>'")
        self.identity = {
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": address,
            "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": address,
        }
        self.remote = remote
        self.branch = branch
        self.after_pull = after_pull
        self.repository = repository
        try:
            found = self._git("rev-parse", "--show-toplevel", check=False)
        except CommandFailed as error:  # no such folder, no git
            raise SettingsError(f"COMMENTS_GIT_PUSH: {error}") from None
        if not found.ok:
            raise SettingsError(
                f"COMMENTS_GIT_PUSH: {repository} is not a git working copy"
                f" (set COMMENTS_GIT_REPOSITORY): {failure(found)}"
            )
        self.repository = Path(found.stdout.strip())
        try:
            relative = comments_dir.resolve().relative_to(self.repository.resolve())
        except ValueError:
            raise SettingsError(
                f"COMMENTS_GIT_PUSH: the comments folder {comments_dir} is outside the"
                f" repository {self.repository}"
            ) from None
        self.folder = relative.as_posix()
        # One push at a time per repository, whichever worker process claimed the job.
        self.lock = self.repository / self._git("rev-parse", "--git-path", LOCK).stdout.strip()
        # Comment files only: not the publisher's temporary files beside them.
        self.pathspec = f":(glob){_escape_glob(self.folder)}/*/*.md"

    def __call__(self, job: QueuedJob) -> None:
        with open(self.lock, "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:  # a job whose lease ran out while it still ran
                raise PushRefused("another process is pushing this repository's comments") from None
            if self._rebasing():  # the author's, or ours cut short by a crash: not ours
                raise PushRefused(
                    f"a rebase is in progress in {self.repository}: finish it (git rebase"
                    " --continue) or undo it (git rebase --abort); the comments wait"
                )
            self.commit()
            self.push()

    def commit(self) -> bool:
        """Commit every changed comment file, and nothing else; False when there was none."""
        changed = self._git("status", "--porcelain", "--untracked-files=all", "--", self.pathspec)
        if not changed.stdout.strip():
            return False  # (`git add` refuses a pathspec that matches no file)
        self._git("add", "--all", "--", self.pathspec)
        listed = self._git(
            "diff", "--cached", "--name-status", "--no-renames", "-z", "--", self.pathspec
        )
        fields = listed.stdout.split("\0")  # status, path, status, path, …, ""
        changes = list(zip(fields[0:-1:2], fields[1::2], strict=True))
        if not changes:
            return False
        message = self.message(changes)
        self._git("commit", "--no-verify", "--quiet", "-m", message, "--only", "--", self.pathspec)
        logger.info("git-push: committed in %s: %s", self.repository, message.splitlines()[0])
        return True

    def message(self, changes: list[tuple[str, str]]) -> str:
        """Names the comments: "Publish comment 42 on coffee-rule", or a count and a list."""
        lines: list[str] = []
        verbs: Counter[str] = Counter()
        for status, path in changes:
            verb = _VERBS.get(status[:1], "update")
            verbs[verb] += 1
            parts = PurePosixPath(path).relative_to(self.folder).parts
            if len(parts) == 2:
                lines.append(f"{verb.capitalize()} comment {parts[1][:-3]} on {parts[0]}")
            else:
                lines.append(f"{verb.capitalize()} {path}")
        if len(lines) == 1:
            return lines[0]
        counted = ", ".join(
            f"{verb} {count} comment{'s' if count > 1 else ''}" for verb, count in verbs.items()
        )
        return counted[:1].upper() + counted[1:] + "\n\n" + "\n".join(f"- {x}" for x in lines)

    def push(self) -> None:
        """Push HEAD to the remote branch, taking in the remote's new commits when refused."""
        branch = self._branch()
        for _ in range(_PUSHES):
            pushed = self._git(
                "push", "--porcelain", self.remote, f"HEAD:refs/heads/{branch}", check=False
            )
            if pushed.ok:
                logger.info("git-push: pushed to %s %s", self.remote, branch)
                return
            refused = [line for line in pushed.stdout.splitlines() if line.startswith("!")]
            if not any(reason in line for line in refused for reason in _BEHIND):
                if not refused:  # not an answer from the remote: unreachable, no access, …
                    raise CommandFailed(failure(pushed))
                reasons = "; ".join(line.split("\t")[-1] for line in refused)
                raise PushRefused(
                    f"{self.remote} refused the push to {branch}: {reasons}\n{tail(pushed.stderr)}"
                )
            self.take_in(branch)
        raise PushRefused(f"{self.remote} {branch} moved on during each of {_PUSHES} pushes")

    def take_in(self, branch: str) -> None:
        """Rebase the unpushed commits onto the remote branch, as `git pull --rebase` would."""
        self._git("fetch", "--no-tags", self.remote, f"refs/heads/{branch}")
        self._refuse_uncommitted_work()
        kept: list[str] = []
        try:
            step = self._git("rebase", "FETCH_HEAD", check=False)
            while self._rebasing():
                unmerged = self._unmerged()
                others = [path for path in unmerged if not self._is_comment(path)]
                if others:
                    raise PushRefused(
                        f"the new commits of {self.remote} {branch} conflict with this"
                        f" repository's in {', '.join(others)}; the rebase was undone and"
                        f" nothing is lost: merge them by hand in {self.repository}"
                    )
                if not unmerged:  # stopped for another reason: not ours to guess
                    raise PushRefused(
                        f"the rebase onto {self.remote} {branch} stopped and was undone:"
                        f" {failure(step)}"
                    )
                for path in unmerged:
                    self._keep_remote(path)
                kept += unmerged
                step = self._git("rebase", "--continue", check=False)
        except BaseException:
            if self._rebasing():
                self._git("rebase", "--abort", check=False)
            raise
        if not step.ok:  # refused before it began: nothing changed
            raise PushRefused(f"could not rebase onto {self.remote} {branch}: {failure(step)}")
        if kept:
            logger.warning(
                "git-push: %s published other comments at %s: theirs are kept, ours get new ids",
                self.remote, ", ".join(kept),
            )  # fmt: skip
        if self.after_pull is not None:
            self.after_pull()
        self.commit()

    def _keep_remote(self, path: str) -> None:
        """The remote's side of a conflicting comment file (the store gives ours a new id)."""
        stages = self._git("ls-files", "--unmerged", "-z", "--", f":(literal){path}").stdout
        if any(entry.split("\t")[0].endswith(" 2") for entry in stages.split("\0") if entry):
            self._git("checkout", "--ours", "--", f":(literal){path}")  # in a rebase: theirs
            self._git("add", "--", f":(literal){path}")
        else:  # the remote removed it
            self._git("rm", "--quiet", "--force", "--", f":(literal){path}")

    def _refuse_uncommitted_work(self) -> None:
        """A rebase needs a clean working copy: never stash or touch the author's changes."""
        changed = self._git("diff", "HEAD", "--name-only", "-z").stdout
        paths = [path for path in changed.split("\0") if path]
        if paths:
            shown = ", ".join(paths[:5]) + (", …" if len(paths) > 5 else "")
            raise PushRefused(
                f"{self.remote} has new commits, and they cannot be taken in while"
                f" {self.repository} has uncommitted changes ({shown}): commit or stash them;"
                " the comments are committed and wait to be pushed"
            )

    def _branch(self) -> str:
        if self.branch:
            return self.branch
        found = self._git("symbolic-ref", "--quiet", "--short", "HEAD", check=False)
        if not found.ok:
            raise PushRefused(
                f"{self.repository} has no branch checked out: check one out or set"
                " COMMENTS_GIT_BRANCH"
            )
        return found.stdout.strip()

    def _rebasing(self) -> bool:
        for name in ("rebase-merge", "rebase-apply"):
            found = self._git("rev-parse", "--git-path", name).stdout.strip()
            if (self.repository / found).exists():
                return True
        return False

    def _unmerged(self) -> list[str]:
        listed = self._git("diff", "--name-only", "--diff-filter=U", "-z").stdout
        return [path for path in listed.split("\0") if path]

    def _is_comment(self, path: str) -> bool:
        parts = PurePosixPath(path).parts
        return len(parts) >= 3 and "/".join(parts[:-2]) == self.folder and path.endswith(".md")

    def _git(self, *args: str, check: bool = True) -> Finished:
        return run(
            ["git", *args],
            self.repository,
            self.timeout,
            # Never wait for a password or an editor; messages in English, for `_BEHIND`.
            environ={
                **self.identity,
                "GIT_TERMINAL_PROMPT": "0",
                "GIT_EDITOR": "true",
                "LC_ALL": "C",
            },
            check=check,
            label=KIND,
        )


def _escape_glob(path: str) -> str:
    return "".join(f"\\{c}" if c in "*?[]\\" else c for c in path)
