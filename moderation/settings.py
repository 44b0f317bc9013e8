"""Every COMMENTS_* setting in one table: name, default, help.

The author sets them in pelicanconf.py, next to the site's other settings; the environment
overrides any of them (a deployment changes limits without editing the site), and secrets
such as the Akismet key come only from the environment. docs/settings.md is generated from
this table, and a test keeps the two in step.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import SettingsError


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    secret: bool = False  # read only from the environment, never from pelicanconf.py


SETTINGS: tuple[Setting, ...] = (
    # Policy: real name
    Setting(
        "COMMENTS_REQUIRE_FULL_NAME",
        False,
        "Hold one-word names (e.g. 'Björk'). Off: a single word can be a real name.",
    ),
    Setting("COMMENTS_NAME_MAX_LENGTH", 60, "Names longer than this many characters are held."),
    Setting(
        "COMMENTS_GENERIC_NAMES",
        [],
        "Extra names to hold as generic, besides the built-in list ('Anonymous', 'admin', …).",
    ),
    # Policy: blog link
    Setting(
        "COMMENTS_OWN_DOMAINS",
        [],
        "This blog's own domains; the host of SITEURL/CANONICAL_SITEURL is added automatically.",
    ),
    Setting(
        "COMMENTS_BLOCKED_LINK_DOMAINS",
        [],
        "Extra domains that are not anyone's own blog (held like social profiles).",
    ),
    Setting("COMMENTS_REQUIRE_HTTPS", False, "Hold blog links that use plain http."),
    Setting(
        "COMMENTS_VERIFY_LINKS",
        False,
        "Fetch the commenter's blog to check it is a reachable HTML page and look for its feed.",
    ),
    Setting(
        "COMMENTS_LINK_TIMEOUT", 3.0, "Seconds allowed for each request of the live link check."
    ),
    Setting(
        "COMMENTS_NETWORK_PROBE_HOSTS",
        ["example.com", "iana.org"],
        "Well-known host names looked up when a commenter's blog cannot be reached: if none"
        " resolves, the server's own network is down and the commenter is not blamed.",
    ),
    # Policy: spam
    Setting(
        "COMMENTS_MAX_LINKS",
        2,
        "Hold a comment with this many links or more (links in code do not count); 0: off.",
    ),
    Setting(
        "COMMENTS_DISALLOWED_WORDS",
        [],
        "Words that mark a comment as spam when in its name, link, e-mail, body, IP or agent.",
    ),
    Setting(
        "COMMENTS_MODERATION_WORDS",
        [],
        "Words or phrases that hold a comment for a moderator, wherever they appear.",
    ),
    Setting(
        "COMMENTS_MIN_SECONDS",
        3,
        "A comment sent sooner than this after the form was opened is held as too fast.",
    ),
    Setting(
        "COMMENTS_FORM_MAX_AGE",
        86400,
        "Seconds a form token stays valid; an older form must be reloaded.",
    ),
    Setting(
        "COMMENTS_SPAM_TEXT_THRESHOLD",
        None,
        "Spam model score that marks a comment as spam; empty: the trained threshold.",
    ),
    Setting("COMMENTS_AKISMET_KEY", "", "Akismet API key; empty disables Akismet.", secret=True),
    Setting(
        "COMMENTS_AKISMET_TIMEOUT",
        2.0,
        "Seconds to wait for Akismet; on timeout the comment is held, never published unchecked.",
    ),
    # Policy: civility
    Setting(
        "COMMENTS_CIVILITY_BACKEND",
        "linear",
        "'linear' (the bundled model and rules) or 'package.module:Class' for another backend.",
    ),
    Setting(
        "COMMENTS_CIVILITY_THRESHOLD",
        None,
        "Score above which a comment is held as uncivil; empty uses the trained threshold.",
    ),
    # Publishing (the comments plugin)
    Setting(
        "COMMENTS_PATH",
        "comments",
        "Folder under the content folder holding published comment files.",
    ),
    Setting(
        "COMMENTS_THREAD_DEPTH",
        4,
        "Replies nest this deep; deeper replies line up at the last level.",
    ),
    Setting(
        "COMMENTS_FEED_ATOM",
        "feeds/comments.atom.xml",
        "The site's feed of recent comments; empty: none.",
    ),
    Setting(
        "COMMENTS_ARTICLE_FEED_ATOM",
        "feeds/comments/{slug}.atom.xml",
        "Each article's comment feed; empty: none.",
    ),
    # Service
    Setting(
        "COMMENTS_DATABASE_URL",
        "sqlite:///var/comments.sqlite3",
        "Where the queue lives; a relative SQLite path is taken from the project folder.",
    ),
    Setting(
        "COMMENTS_SERVICE_URL",
        "",
        "The comment service's public address, for links in e-mails; empty: the site origin.",
    ),
    Setting("COMMENTS_MAX_REQUEST_BYTES", 65536, "Larger submissions are refused with 413."),
    Setting(
        "COMMENTS_REQUEST_TIMEOUT",
        15.0,
        "Seconds a request may take to arrive whole (headers and body); then 408 and closed.",
    ),
    Setting(
        "COMMENTS_RATE_LIMIT",
        5,
        "Comments one client may send per window; more get 429 with Retry-After. 0: off.",
    ),
    Setting("COMMENTS_RATE_WINDOW", 60, "The rate limit's window, in seconds."),
    Setting(
        "COMMENTS_TRUSTED_PROXIES",
        [],
        "Proxy addresses (or networks) whose X-Forwarded-For is believed.",
    ),
    Setting(
        "COMMENTS_SESSION_HOURS",
        12,
        "Hours a moderator stays logged in to /moderate before logging in again.",
    ),
    Setting(
        "COMMENTS_LOGIN_ATTEMPTS",
        5,
        "Failed logins allowed for one username from one client address in the window; then"
        " 429 for that pair. Past this many failures from anywhere, that username's logins slow.",
    ),
    Setting(
        "COMMENTS_LOGIN_ADDRESS_ATTEMPTS",
        20,
        "Failed logins allowed from one client address in the window, whatever the username;"
        " then 429 for that address.",
    ),
    Setting("COMMENTS_LOGIN_WINDOW", 900, "The failed-login limits' window, in seconds."),
    Setting(
        "COMMENTS_LOGIN_MAX_DELAY",
        5.0,
        "Longest slowdown, in seconds, of a login for a username with many recent failures"
        " (doubling from 0.25 s); the right password still gets in.",
    ),
    Setting(
        "COMMENTS_ALLOWED_ORIGINS",
        [],
        "Origins allowed to post from a browser (CORS), besides the site's own.",
    ),
    Setting(
        "COMMENTS_CLIENT_DATA_DAYS", 30, "Days an IP address and user agent are kept, then erased."
    ),
    Setting(
        "COMMENTS_STORE_IP",
        "truncated",
        "How commenters' IP addresses are stored: 'truncated' (IPv4 /24, IPv6 /48), 'whole' or"
        " 'none'. The rate limit sees the whole address, in memory only.",
    ),
    Setting(
        "COMMENTS_SPAM_DAYS",
        30,
        "Days spam is kept for review, then the service deletes it.",
    ),
    Setting(
        "COMMENTS_HOUSEKEEPING_HOURS",
        24,
        "Hours between the service's retention rounds (client data, old spam, finished jobs);"
        " 0: off (run `moderate erase-client-data` and `purge-spam` from cron instead).",
    ),
    Setting(
        "COMMENTS_DONE_JOBS_DAYS",
        7,
        "Days a sent e-mail or finished deploy stays in the outbox (it holds addresses and"
        " texts), then it is deleted.",
    ),
    Setting(
        "COMMENTS_RECHECK_MINUTES",
        60,
        "Minutes between re-checks of comments held because a check could not be made (Akismet"
        " did not answer, or the server's network was down during the link check); 0: off.",
    ),
    Setting(
        "COMMENTS_PUBLISH_DELAY",
        0.2,
        "Seconds to wait after an approval for more, so a burst shares one rebuild.",
    ),
    Setting(
        "COMMENTS_TRUSTED_COMMENTERS",
        [],
        "Approve at once a comment that passes every check when its commenter is trusted:"
        " 'approved-before' (an earlier approved comment with the same name, blog and"
        " e-mail), 'verified-blog' (their blog names them as its author). Empty: off.",
    ),
    Setting(
        "COMMENTS_REPLY_NOTIFICATIONS",
        True,
        "Offer commenters who give an e-mail address a box to hear of replies to their comment"
        " (confirmed by e-mail first; every message has a one-click unsubscribe).",
    ),
    Setting(
        "COMMENTS_REPLY_CONFIRMATIONS_PER_DAY",
        3,
        "At most this many reply-notification confirmation requests to one address a day.",
    ),
    Setting(
        "COMMENTS_REPLY_NOTIFICATIONS_PER_HOUR",
        10,
        "At most this many reply notifications to one address an hour; more are not sent.",
    ),
    Setting(
        "COMMENTS_AUTHOR_NAME",
        "",
        "The name the author's replies from the moderator page are published under; empty: AUTHOR.",
    ),
    Setting(
        "COMMENTS_AUTHOR_URL",
        "",
        "The blog link of the author's replies; empty: SITEURL (CANONICAL_SITEURL).",
    ),
    Setting(
        "COMMENTS_MODERATOR_EMAILS", [], "Addresses told about each new pending or held comment."
    ),
    Setting(
        "COMMENTS_EMAIL_LINK_MAX_AGE",
        259200,
        "Seconds the Approve/Reject link in a moderator's e-mail works (once); 0: no links.",
    ),
    Setting("COMMENTS_SMTP_HOST", "", "SMTP server for notifications; empty: no e-mail is sent."),
    Setting("COMMENTS_SMTP_PORT", 25, "SMTP port."),
    Setting("COMMENTS_SMTP_USER", "", "SMTP user name, if the server wants one."),
    Setting("COMMENTS_SMTP_PASSWORD", "", "SMTP password.", secret=True),
    Setting("COMMENTS_SMTP_STARTTLS", False, "Upgrade the SMTP connection with STARTTLS."),
    Setting("COMMENTS_SMTP_FROM", "comments@localhost", "Sender address of notifications."),
    # Static host or CDN (docs/deploy.md)
    Setting(
        "COMMENTS_GIT_PUSH",
        False,
        "After each publish, commit the changed comment files to the site's git repository"
        " and push them (the host's own build publishes them).",
    ),
    Setting(
        "COMMENTS_GIT_REPOSITORY",
        "",
        "The site's git working copy; empty: the project folder (that of the settings file).",
    ),
    Setting("COMMENTS_GIT_REMOTE", "origin", "The remote the comment commits are pushed to."),
    Setting(
        "COMMENTS_GIT_BRANCH", "", "The remote branch to push to; empty: the checked-out branch."
    ),
    Setting(
        "COMMENTS_GIT_AUTHOR",
        "Comments <comments@localhost>",
        "Author and committer of the comment commits, as 'Name <address>'.",
    ),
    Setting(
        "COMMENTS_DEPLOY_COMMAND",
        "",
        "Run after each update of the service's build, from the project folder, split like a"
        " shell line but without a shell; {output} stands for the build folder. Empty: none.",
    ),
    Setting(
        "COMMENTS_DEPLOY_TIMEOUT",
        600.0,
        "Seconds the deploy command, or each git command of a push, may run; then it is"
        " stopped and tried again later.",
    ),
    Setting(
        "COMMENTS_IMPORT_PINGBACKS",
        "mention",
        "`moderate import`: pingbacks and trackbacks from the old blog become link 'mention's"
        " (published if approved there, listed apart from the comments), or are 'skip'ped"
        " (counted).",
    ),
    Setting(
        "COMMENTS_API_URL",
        "/api/comments",
        "Where the comment form posts (absolute in production).",
    ),
    Setting(
        "COMMENTS_WEBMENTION_URL",
        "/webmention",
        "The Webmention endpoint every article advertises (absolute in production); empty:"
        " none advertised, and the service refuses Webmentions.",
    ),
    Setting(
        "COMMENTS_WEBMENTION_TIMEOUT",
        5.0,
        "Seconds allowed for each request when the service fetches a Webmention's source.",
    ),
    Setting(
        "COMMENTS_SECRET",
        "",
        "Key that signs form tokens and status links; set it in production.",
        secret=True,
    ),
)
_BY_NAME = {s.name: s for s in SETTINGS}


class Settings(Mapping[str, Any]):
    """Resolved settings: defaults, then pelicanconf.py values, then the environment."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values = dict(values)

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    @classmethod
    def resolve(cls, site: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> Settings:
        """Merge the site's values and the environment over the defaults, coercing types."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {k: v for k, v in site.items() if k.isupper()}
        for setting in SETTINGS:
            if setting.secret and setting.name in site:
                raise SettingsError(
                    f"{setting.name} is a secret: set it in the environment, not in pelicanconf.py"
                )
            value = site.get(setting.name, setting.default)
            if setting.name in environ:
                value = _coerce(setting, environ[setting.name])
            values[setting.name] = value
        return cls(values)

    @classmethod
    def load(cls, path: str | Path = "pelicanconf.py", environ: Mapping[str, str] | None = None):
        """Read a Pelican settings file as Pelican does: its defaults, paths made absolute."""
        from pelican.settings import read_settings

        path = Path(path)
        if not path.is_file():
            raise SettingsError(f"settings file not found: {path}")
        return cls.resolve(read_settings(str(path)), environ)

    @property
    def site_origin(self) -> str:
        return str(self.get("CANONICAL_SITEURL") or self.get("SITEURL") or "").rstrip("/")

    def permalink(self, article_slug: str) -> str:
        """The public address of an article, as Pelican's ARTICLE_URL writes it."""
        pattern = str(self.get("ARTICLE_URL", "{slug}.html"))
        try:
            path = pattern.format(slug=article_slug)
        except (KeyError, IndexError):
            path = ""  # the pattern needs more than the slug (a date): the site root will do
        return f"{self.site_origin}/{path}"


def _coerce(setting: Setting, raw: str) -> Any:
    default = setting.default
    try:
        if isinstance(default, bool):
            if raw.strip().lower() not in {"1", "0", "true", "false", "yes", "no", "on", "off"}:
                raise ValueError(raw)
            return raw.strip().lower() in {"1", "true", "yes", "on"}
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float) or (default is None and "THRESHOLD" in setting.name):
            return float(raw) if raw.strip() else None
        if isinstance(default, list):
            return [item.strip() for item in raw.split(",") if item.strip()]
    except ValueError:
        raise SettingsError(
            f"{setting.name}={raw!r} is not a valid {type(default).__name__}"
        ) from None
    return raw


def settings_table() -> str:
    """The Markdown table of docs/settings.md."""
    rows = ["| Setting | Default | What it does |", "|---|---|---|"]
    for s in SETTINGS:
        default = "environment only" if s.secret else f"`{s.default!r}`"
        rows.append(f"| `{s.name}` | {default} | {s.help} |")
    return "\n".join(rows) + "\n"
