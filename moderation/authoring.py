"""The author takes part: replies from the moderator page, and corrections of a comment's text.

A reply is the blog author's own words, published at once under the author's name and blog
(COMMENTS_AUTHOR_NAME, COMMENTS_AUTHOR_URL), marked as the author's (`roles`) and never run
through the comment policy: it would be held as `link.own-site`. It enters the queue and is
approved in the moderator's name, so the audit and the comment file say who wrote it.

A correction (a typo, a broken link) keeps the commenter's words in the revisions and the
edit in the audit; a published comment's file is rewritten and the site's deploy steps run.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import IllegalTransition, InvalidSubmission, SettingsError
from .model import Action, Comment, Review, Status, Submission
from .roles import AUTHOR, author_result
from .settings import Settings

MAX_BODY = 10_000  # as the comment form's limit (web/forms.py)


@dataclass(frozen=True)
class Author:
    """Whom the author's replies are published as."""

    name: str
    blog_url: str

    @classmethod
    def from_settings(cls, settings: Settings) -> Author:
        name = settings["COMMENTS_AUTHOR_NAME"] or str(settings.get("AUTHOR") or "")
        url = settings["COMMENTS_AUTHOR_URL"] or settings.site_origin + "/"
        if not name.strip() or url == "/":
            raise SettingsError(
                "the author's replies need COMMENTS_AUTHOR_NAME (or AUTHOR) and"
                " COMMENTS_AUTHOR_URL (or SITEURL)"
            )
        return cls(name.strip(), url)


def reply(service, author: Author, parent_id: int, body: str, moderator: str) -> Comment:
    """Publish the author's reply to a published comment; returns it as published."""
    submission = Submission(
        article=service.store.get(parent_id).article,
        name=author.name,
        blog_url=author.blog_url,
        body=_checked(body),
        reply_to=parent_id,
    )
    service.validate_target(submission)
    if problem := service.rules.reason(author.name, author.blog_url, AUTHOR):
        raise SettingsError(f"the author's replies cannot be published: {problem}")
    queued = service.store.add(submission, Review((author_result(moderator),)))
    return service.decide(
        queued.id, Action.APPROVE, moderator, "the author's reply", expected_version=1
    )


def edit(
    service, comment_id: int, body: str, moderator: str, reason: str, *, expected_version: int
) -> Comment:
    """Correct a comment's text, on the version the moderator read (else `StaleDecision`)."""
    current = service.store.get(comment_id)
    if current.status is Status.SPAM:
        raise IllegalTransition(f"comment {comment_id} is spam: decide on it before editing it")
    edited = service.store.edit_text(
        comment_id, _checked(body), moderator, reason, expected_version=expected_version
    )
    if edited.status is Status.APPROVED:
        edited = service.publisher.publish(edited)  # the file, rewritten; then a rebuild
        service.deploy_changes()
    return edited


def _checked(body: str) -> str:
    text = body.replace("\r\n", "\n").strip("\n")
    if not text.strip():
        raise InvalidSubmission("body", "The text is empty: write it, then send it.")
    if len(text) > MAX_BODY:
        raise InvalidSubmission("body", f"The text is longer than {MAX_BODY:,} characters.")
    return text
