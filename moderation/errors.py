"""The one exception hierarchy of the comment system: callers catch `ModerationError`."""

from __future__ import annotations


class ModerationError(Exception):
    """Base of every error the comment system raises on purpose."""


class InvalidSubmission(ModerationError):
    """A submitted field is missing, too long or malformed; `field` names it for the 4xx answer."""

    def __init__(self, field: str, message: str, status: int = 400) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.status = status


class SettingsError(ModerationError):
    """A COMMENTS_* setting has a value the system cannot use."""


class IllegalTransition(ModerationError):
    """A decision the comment's current status does not allow (it was decided already)."""


class CommentNotFound(ModerationError):
    """No comment with that id or token."""


class StaleDecision(ModerationError):
    """A decision on a version of the comment that is no longer the current one.

    The commenter (or a re-check) changed the comment after the moderator read it: deciding
    anyway would apply to words nobody read.
    """

    def __init__(self, comment_id: int, expected: int, current: int) -> None:
        super().__init__(
            f"comment {comment_id} changed since it was read: the decision was on version"
            f" {expected}, the comment is now version {current}; read it again, then decide"
        )
        self.comment_id = comment_id
        self.expected = expected
        self.current = current


class Unpublishable(ModerationError):
    """An approval the build would drop: the name or blog link breaks a hard rule."""
