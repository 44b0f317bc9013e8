"""The service put together from the settings: store, policy, publisher, jobs, e-mail.

`build_service` is what the web app, the CLI, the scripts and the tests call; the helpers
beside it anchor the settings' relative paths (database, secret key) at the project folder.
What the assembled service does lives in `service.py`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

from .articles import ArticleIndex
from .commentfile import CommentFileError
from .deploy.setup import decision_jobs
from .emaillinks import EmailLinks
from .formtoken import FormTokens
from .ipstorage import IpStorage
from .jobs.setup import runner_from_settings
from .notify import Notifier
from .policy import Policy
from .policy.akismet_check import AkismetCheck, make_client
from .policy.trust import Trust
from .publish import LiveBuilder, Publisher, SiteBuilder
from .publishrules import PublishRules
from .service import CommentService
from .settings import Settings
from .store import open_store
from .subscriptions import ReplyNotices
from .webmention.verify import WebmentionVerifier

logger = logging.getLogger(__name__)


def project_root(settings: Settings) -> Path:
    """The folder of the settings file: relative paths in settings start there."""
    return Path(settings["PATH"]).parent


def database_url(settings: Settings) -> str:
    """COMMENTS_DATABASE_URL with a relative SQLite path anchored at the project folder."""
    url = settings["COMMENTS_DATABASE_URL"]
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
        return prefix + str(project_root(settings) / url[len(prefix) :])
    return url


def secret_key(settings: Settings) -> str:
    """COMMENTS_SECRET, or a random key kept in var/ so local runs need no set-up."""
    if settings["COMMENTS_SECRET"]:
        return settings["COMMENTS_SECRET"]
    path = project_root(settings) / "var" / "secret.key"
    if not path.exists():
        # Written whole under another name, then linked into place: of several workers
        # starting at once, one key wins and nobody reads a half-written file.
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, draft = tempfile.mkstemp(dir=path.parent, prefix=".secret-")
        try:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_urlsafe(32))
            with contextlib.suppress(FileExistsError):
                os.link(draft, path)
        finally:
            os.unlink(draft)
    return path.read_text().strip()


def build_service(
    settings: Settings,
    settings_file: Path,
    *,
    rebuild: bool = True,
    live: bool = False,
    clock: Callable[[], datetime] | None = None,
) -> CommentService:
    """Everything the service needs, wired from the settings; the CLI and the web app share it.

    `rebuild`: approvals rebuild the site; `live`: through a long-running builder that
    re-renders only what a comment changes (the web service), not a whole `pelican` run.
    `clock`: the store's and the job runner's time (tests move it; default: now, UTC).
    """
    link_age = settings["COMMENTS_EMAIL_LINK_MAX_AGE"]
    links = EmailLinks(secret_key(settings), link_age) if link_age > 0 else None
    notifier = Notifier(settings, links)
    ip_storage = IpStorage.from_setting(settings["COMMENTS_STORE_IP"])
    store = open_store(database_url(settings), clock=clock, ip_storage=ip_storage)
    akismet = akismet_from_settings(settings)
    form_max_age = settings["COMMENTS_FORM_MAX_AGE"]
    policy = Policy.from_settings(
        settings,
        tokens=FormTokens(secret_key(settings), form_max_age),
        # Used form tokens are remembered in the database: every worker must see them.
        first_use=partial(store.use_form_nonce, keep=timedelta(seconds=form_max_age)),
        seen_before=store.seen_before,
        akismet_check=akismet,
    )
    content = Path(settings["PATH"])
    output = Path(settings["OUTPUT_PATH"])
    builder_class = LiveBuilder if live else SiteBuilder
    builder = builder_class(settings_file, content, output) if rebuild else None
    service = CommentService(
        store=store,
        policy=policy,
        articles=ArticleIndex.from_settings(settings),
        publisher=Publisher(
            content / settings["COMMENTS_PATH"], builder, settings["COMMENTS_PUBLISH_DELAY"], store
        ),
        notifier=notifier,
        rules=PublishRules(settings),
        akismet=akismet,
    )
    service.webmentions = WebmentionVerifier.from_settings(settings, service)
    if settings["COMMENTS_REPLY_NOTIFICATIONS"]:
        service.replies = ReplyNotices(settings, secret_key(settings))
    try:
        trusted = settings["COMMENTS_TRUSTED_COMMENTERS"]
        service.trust = Trust.from_setting(trusted, store.approved_before)
        service.jobs = runner_from_settings(settings, service, clock)
    except BaseException:
        store.close()  # a setting cannot work (no git repository, no such rule): say so, cleanly
        raise
    service.site_jobs = decision_jobs(settings)
    service.notices = reconcile_with_files(service, database_url(settings))
    return service


def reconcile_with_files(service: CommentService, database: str) -> list[str]:
    """Before anything is decided: the store learns the published comment files, and files
    missing for approved comments are written (docs/comment-files.md). Returns the notices."""
    publisher = service.publisher
    report = service.store.reconcile(publisher.comments_dir)
    notices = report.notices(database.removeprefix("sqlite:///"))
    for comment in report.to_write:
        try:
            written = publisher.write(comment)
        except (CommentFileError, OSError) as error:  # say so; the service still starts
            notices.append(f"approved comment #{comment.id} has no file: {error}")
            continue
        notices.append(f"wrote the file of approved comment #{written.id}")
    for line in notices:
        logger.warning("comments: %s", line)
    return notices


def akismet_from_settings(settings: Settings) -> AkismetCheck | None:
    if not settings["COMMENTS_AKISMET_KEY"]:
        return None
    client = make_client(
        settings["COMMENTS_AKISMET_KEY"], settings.site_origin, settings["COMMENTS_AKISMET_TIMEOUT"]
    )
    return AkismetCheck(client, settings.permalink)
