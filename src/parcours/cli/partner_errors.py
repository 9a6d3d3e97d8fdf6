"""A partner message's error in the reader's language.

The outbox keeps each failure as the channel wrote it, in English (it is also the record
the pathway's `notification_failed` event carries), from the channels' sentences
(`adapters.channels.errors.SENTENCES`). Each is read back by a pattern made from the same
sentence and said again from the catalogue's `partner_error.KEY`; a value in it (a status,
an error's name, a partner's name) is kept. An error no sentence matches (written by an
older parcours) is shown as stored.
"""

from __future__ import annotations

import re

from parcours.adapters.channels.errors import SENTENCES
from parcours.cli.i18n import Text
from parcours.cli.labels import word

_VALUE = {"status": r"\d+", "code": r"\d+", "cause": r"\w+", "kind": r"\w+", "name": r".*"}
"""What each value of a sentence may be."""


def _pattern(sentence: str) -> re.Pattern[str]:
    """The sentence with each `{value}` as a named group, the rest to the letter."""
    parts = re.split(r"\{(\w+)\}", sentence)
    said = "".join(
        f"(?P<{part}>{_VALUE[part]})" if index % 2 else re.escape(part)
        for index, part in enumerate(parts)
    )
    return re.compile(said)


PATTERNS = tuple((key, _pattern(sentence)) for key, sentence in SENTENCES.items())


def said_error(error: str, text: Text) -> str:
    """`error` in the reader's words, where it is one of the channels' sentences."""
    for key, pattern in PATTERNS:
        found = pattern.fullmatch(error)
        if found is None:
            continue
        values = found.groupdict()
        if "kind" in values:
            values["kind"] = word("partner_kind", values["kind"], text)
        return text(f"partner_error.{key}", **values)
    return error
