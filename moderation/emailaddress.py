"""One commenter's e-mail address: exactly one plain `name@domain`, nothing a mailer could widen.

A header parser reads far more than an address: display names, `<…>`, comments, groups,
lists separated by commas, RFC 2047 encoded words (`=?utf-8?q?a=40evil.example?=`) that
decode into further addresses. The intake stores what the commenter typed and the notifier
later writes to it, so anything but one bare addr-spec could send the decision e-mail to
someone else. `single_address` accepts a deliberately small language (an ASCII dot-atom, `@`,
a host name) and then asks the standard library's two parsers to agree that it is exactly
that one address.
"""

from __future__ import annotations

import re
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.utils import getaddresses, parseaddr

from .errors import ModerationError
from .netguard import ascii_host, is_ip_literal

# RFC 5322 atext, joined by single dots: no quoting, comments, spaces or brackets.
_DOT_ATOM = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_LIST_SEPARATORS = frozenset(",;")
_NAME_SYNTAX = frozenset('<>()[]":\\')
MAX_LOCAL = 64
MAX_ADDRESS = 254


class InvalidEmailAddress(ModerationError, ValueError):
    """The text is not exactly one plain e-mail address; the message says what to change."""


def single_address(raw: str) -> str:
    """The one address in `raw`, its domain in lower-case ASCII, or InvalidEmailAddress."""
    text = raw.strip()
    if not text:
        raise InvalidEmailAddress("is empty")
    if "=?" in text:
        raise InvalidEmailAddress("contains an encoded word (=?…?=); type the address itself")
    if any(c in _LIST_SEPARATORS for c in text):
        raise InvalidEmailAddress("holds more than one address; give one address only")
    if any(c.isspace() or not c.isprintable() for c in text):
        raise InvalidEmailAddress("contains spaces or control characters")
    if any(c in _NAME_SYNTAX for c in text):
        raise InvalidEmailAddress("give the address alone, without a name, quotes or <>")
    local, at, domain = text.rpartition("@")
    if not at or not local or "@" in local:
        raise InvalidEmailAddress("must have exactly one @, as in ada@example.org")
    if not local.isascii():
        raise InvalidEmailAddress("write the part before the @ in plain ASCII letters")
    if len(local) > MAX_LOCAL or not _DOT_ATOM.fullmatch(local):
        raise InvalidEmailAddress(f"{local[:80]!r} is not a valid part before the @")
    address = f"{local}@{_mail_domain(domain)}"
    if len(address) > MAX_ADDRESS:
        raise InvalidEmailAddress(f"is longer than {MAX_ADDRESS} characters")
    _same_for_the_standard_library(address)
    return address


def _mail_domain(domain: str) -> str:
    """A public host name in its ASCII (IDNA) form, so every mail server can deliver to it."""
    try:
        host = ascii_host(domain)
    except ValueError:
        raise InvalidEmailAddress(f"{domain[:80]!r} is not a domain name") from None
    labels = host.split(".")
    if len(labels) < 2 or is_ip_literal(host) or not all(map(_HOST_LABEL.fullmatch, labels)):
        raise InvalidEmailAddress(f"{domain[:80]!r} is not a domain name")
    return host


def _same_for_the_standard_library(address: str) -> None:
    """Refuse what `email` would read differently: the mailer has the last word, not us."""
    try:
        parsed = Address(addr_spec=address)
    except (ValueError, HeaderParseError, IndexError) as error:
        raise InvalidEmailAddress(f"is not a plain address ({error})") from None
    if (
        parsed.addr_spec != address
        or parseaddr(address) != ("", address)
        or getaddresses([address]) != [("", address)]
    ):
        raise InvalidEmailAddress("is not read as exactly one address; give one plain address")
