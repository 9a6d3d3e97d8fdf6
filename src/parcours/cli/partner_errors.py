"""A partner message's error in the reader's language.

The outbox keeps each failure as the channel said it, in English (it is also the record the
pathway's `notification_failed` event carries). The sentences parcours writes itself are
said again in the reader's words, pattern by pattern; what a partner's server answered
(`SMTP 550: …`) is quoted as it came. A sentence no pattern knows is shown as stored.
"""

from __future__ import annotations

import re

from parcours.cli.i18n import Text
from parcours.cli.labels import word

PATTERNS = tuple(
    (key, re.compile(pattern))
    for key, pattern in (
        ("no_smtp_relay", r"e-mail partners need an SMTP relay"),
        (
            "not_in_directory",
            r"no active (?P<kind>\w+) partner named (?P<quote>['\"])(?P<name>.*)(?P=quote) "
            r"in the partner directory",
        ),
        (
            "webhook_redirect",
            r"webhook answered HTTP (?P<status>\d+) \(redirects are not followed\)",
        ),
        ("webhook_status", r"webhook answered HTTP (?P<status>\d+)"),
        ("webhook_unreachable", r"webhook unreachable: (?P<cause>\w+)"),
        ("smtp_extension", r"SMTP server lacks a required extension"),
        ("smtp_connection", r"SMTP connection failed: (?P<cause>\w+)"),
        ("smtp_answer", r"SMTP (?P<code>\d+): (?P<answer>.*)"),
        ("folder_not_writable", r"outbox folder not writable: (?P<cause>\w+)"),
        ("file_not_written", r"outbox file not written: (?P<cause>\w+)"),
    )
)
"""Each sentence parcours writes, by the catalogue key (`partner_error.KEY`) that says it."""


def said_error(error: str, text: Text) -> str:
    """`error` in the reader's words, where it is one of parcours' own sentences."""
    for key, pattern in PATTERNS:
        found = pattern.fullmatch(error)
        if found is None:
            continue
        values = {name: value for name, value in found.groupdict().items() if name != "quote"}
        if "kind" in values:
            values["kind"] = word("partner_kind", values["kind"], text)
        return text(f"partner_error.{key}", **values)
    return error
