"""The comment service's settings: intake, moderators, e-mail, jobs, privacy and deploys."""

from __future__ import annotations

from .setting import Setting

SERVICE_SETTINGS: tuple[Setting, ...] = (
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
        "COMMENTS_INDIEAUTH_URL",
        "/indieauth/start",
        'Where the form\'s "Sign in with your blog" button posts (IndieAuth; absolute when the'
        " service has another origin); empty: no button, and the service refuses sign-ins.",
    ),
    Setting(
        "COMMENTS_INDIEAUTH_PROOF_AGE",
        7200,
        "Seconds after signing in with their blog within which a commenter may send the comment.",
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
