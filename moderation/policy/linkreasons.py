"""What the commenter is told when the blog-link check holds a comment, one reason per code.

Shared by the shape rules (`link`) and the live visit (`linkverify`), whose `link.*` codes come
partly from `NetGuard`'s `FetchError`. It imports neither, so the imports run one way only:
`link` → `linkverify` → `linkreasons`.
"""

from __future__ import annotations

from ..model import Outcome, Verdict

_EXAMPLE = "for example https://yourblog.example/"
REASONS = {
    "link.missing": "Add the address of your own blog: the comment policy publishes only"
    " comments that link to the commenter's blog.",
    "link.malformed": f"Check your blog's address: write it in full, {_EXAMPLE}.",
    "link.scheme": f"Use your blog's web address, starting with https:// or http://, {_EXAMPLE}.",
    "link.credentials": "Remove the user name and password from the address and link to your"
    " blog's public page.",
    "link.ip-address": "Use your blog's domain name rather than a numeric IP address.",
    "link.localhost": "Add your blog's public address: this one only works on your own computer"
    " or network.",
    "link.private-address": "Add your blog's public address: {url} leads to a private network"
    " that readers cannot reach.",
    "link.port": "Remove the port number from the address and give the public address readers"
    f" use, {_EXAMPLE}.",
    "link.shortener": "Add your blog's full address: shortened links such as {host} hide where"
    " they lead.",
    "link.social-profile": "Add the address of your own blog; {label} profile is not a blog.",
    "link.job-board": "Add the address of your own blog; a job listing on {label} is not a blog.",
    "link.blocked-domain": "Add the address of your own blog; {host} is not accepted as a blog.",
    "link.own-site": "Add the address of your own blog; this link points to this blog itself.",
    "link.unreachable": "We could not open {url}: check the address and try again.",
    "link.not-html": "The address {url} is not a web page; add the address of your blog's home"
    " page.",
    "link.too-many-redirects": "The address {url} redirects too many times; add the address your"
    " blog finally opens at.",
    "link.check-failed": "We could not check {url}, so a moderator will look at it first.",
    "link.check-unavailable": "Your comment is saved. We could not check your blog's address"
    " just now because of a problem on our side, so a moderator will look at it first.",
}


def hold(code: str, detail: str = "", *, reason: str = "", **facts: str) -> Outcome:
    """A HOLD outcome for `code`: its reason, filled in with `facts`, unless `reason` is given."""
    return Outcome(Verdict.HOLD, code, reason or REASONS[code].format(**facts), detail)
