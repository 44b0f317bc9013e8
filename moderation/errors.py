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
