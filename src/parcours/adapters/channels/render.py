"""The plain-text rendering of a notification, in French then English.

Partners read these mails as they are. Every word comes from the catalogues in
`parcours/locale/`: the events' and participant fields' words (`partner_mail.event.<kind>`,
`partner_mail.field.<name>`; a name without words there is shown as it is), and the
mail's frame (`partner_mail.line.*`, a line in each language, and `partner_mail.word.*`,
the words of a line that says both, "Lieu / Place : …").
"""

from __future__ import annotations

from datetime import UTC, datetime

from parcours.adapters.channels.message import OutgoingMessage
from parcours.locale import catalogue


def _labels(key: str, name: str) -> tuple[str, str]:
    """The catalogues' French and English words for `key`, or the name itself in both."""
    fr, en = catalogue("fr").get(key), catalogue("en").get(key)
    return (fr, en) if fr is not None and en is not None else (name, name)


def event_label(kind: str) -> tuple[str, str]:
    return _labels(f"partner_mail.event.{kind}", kind)


def field_label(name: str) -> tuple[str, str]:
    return _labels(f"partner_mail.field.{name}", name)


def _lines(key: str) -> tuple[str, str]:
    """One line of the frame, in French then in English."""
    return catalogue("fr")[f"partner_mail.line.{key}"], catalogue("en")[f"partner_mail.line.{key}"]


def _labelled(word: str, value: str) -> str:
    """`Lieu / Place : value`; a word the same in both languages is said once."""
    fr, en = (
        catalogue("fr")[f"partner_mail.word.{word}"],
        catalogue("en")[f"partner_mail.word.{word}"],
    )
    return f"{fr if fr == en else f'{fr} / {en}'} : {value}"


def _instant(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def subject(message: OutgoingMessage) -> str:
    """A subject line without any personal data."""
    fr, en = event_label(message.event_kind)
    return f"Parcours : {fr} / {en}"


def _correction_lines(message: OutgoingMessage) -> list[str]:
    """What a correction notice corrects: the earlier message, voided or dated anew."""
    lines = [_labelled("corrected", message.corrects)]
    if message.restated_at is None:
        lines.append(" / ".join(_lines("did_not_happen")))
    else:
        lines.append(_labelled("restated", _instant(message.restated_at)))
    return [*lines, ""]


def _shared_lines(message: OutgoingMessage) -> list[str]:
    """The participant's fields the partner may receive, each named in both languages."""
    if not message.fields:
        return []
    lines = list(_lines("shared"))
    for name, value in message.fields.items():
        label_fr, label_en = field_label(name)
        lines.append(f"  {label_fr} / {label_en} : {value}")
    return [*lines, ""]


def text_body(message: OutgoingMessage) -> str:
    fr, en = event_label(message.event_kind)
    event_fr, event_en = _lines("event")
    lines = [
        event_fr.format(event=fr),
        event_en.format(event=en),
        _labelled("date", _instant(message.event_at)),
        *([_labelled("place", message.place)] if message.place else []),
        "",
    ]
    if message.corrects:
        lines += _correction_lines(message)
    lines += _shared_lines(message)
    lines += [_labelled("reference", message.key), "", *_lines("confidential")]
    return "\n".join(lines) + "\n"
