"""The hard rules of publishing, shared by the service's approvals and the plugin's builds."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from comments.rules import Policy

from moderation.commentfile import PublishedComment
from moderation.publishrules import PublishRules
from moderation.settings import Settings

SETTINGS = Settings.resolve({"SITEURL": "https://blog.example"}, environ={})
CASES = [
    ("Ada Lovelace", "https://adalovelace.net/", ""),
    ("admin", "https://adalovelace.net/", ""),  # generic: the moderator's call
    ("", "https://adalovelace.net/", "no author name"),
    ("ada@evil.example", "https://adalovelace.net/", "the author name fails name.email"),
    ("https://spam.example", "https://adalovelace.net/", "the author name fails name.url"),
    ("Ada Lovelace", "", "no blog link"),
    ("Ada Lovelace", "https://bit.ly/abc", "the blog link fails link.shortener"),
    ("Ada Lovelace", "http://127.0.0.1/blog", "the blog link fails link.ip-address"),
    ("Ada Lovelace", "javascript:alert(1)", "the blog link fails link.scheme"),
]
IDS = ["good", "generic", "no-name", "email", "url-name", "no-link", "short", "ip", "scheme"]


@pytest.mark.parametrize(("name", "url", "reason"), CASES, ids=IDS)
def test_hard_rules_name_what_no_approval_overrules(name: str, url: str, reason: str) -> None:
    assert PublishRules(SETTINGS).reason(name, url) == reason


@pytest.mark.parametrize(("name", "url", "reason"), CASES, ids=IDS)
def test_the_plugin_applies_the_same_rules_to_a_comment_file(
    name: str, url: str, reason: str
) -> None:
    moment = datetime(2025, 1, 1, tzinfo=UTC)
    published = PublishedComment(
        1, "a", name, url, moment, "Words.", approved_by="robin", approved_at=moment
    )
    assert Policy(SETTINGS).reason(published) == reason
