"""A sign-in, as a comment's review keeps it: one `ownership.indieauth` line."""

from __future__ import annotations

from dataclasses import replace

from ..model import CheckResult, Review, Submission
from ..policy.ownership import signed_in, signed_in_blog
from .profile import same_site


def sign_in_result(name: str, blog: str) -> CheckResult:
    return CheckResult("ownership", signed_in(name, blog))


def keep_sign_in(before: Review, after: Review, corrected: Submission) -> Review:
    """A corrected comment keeps its sign-in while it still names the blog signed in with:
    only the commenter holds the status page's link, so the proof still holds."""
    blog = signed_in_blog(before)
    if not blog or not same_site(blog, corrected.blog_url):
        return after
    return replace(after, results=(*after.results, sign_in_result(corrected.name, blog)))
