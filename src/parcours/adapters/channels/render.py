"""The plain-text rendering of a notification, in French then English.

Partners read these mails as they are: the words for events and participant fields come
from the catalogues (`partner_mail.event.<kind>`, `partner_mail.field.<name>` in
`parcours/locale/`); a name without words there is shown as it is.
"""

from __future__ import annotations

from datetime import UTC

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


def subject(message: OutgoingMessage) -> str:
    """A subject line without any personal data."""
    fr, en = event_label(message.event_kind)
    return f"Parcours : {fr} / {en}"


def _correction_lines(message: OutgoingMessage) -> list[str]:
    """What a correction notice corrects: the earlier message, voided or dated anew."""
    lines = [f"Message corrigé / Corrected message : {message.corrects}"]
    if message.restated_at is None:
        lines.append("Cet événement n'a pas eu lieu. / This event did not happen.")
    else:
        restated = message.restated_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        lines.append(f"Date rectifiée / Restated date : {restated}")
    return [*lines, ""]


def text_body(message: OutgoingMessage) -> str:
    fr, en = event_label(message.event_kind)
    when = message.event_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"Événement : {fr}",
        f"Event: {en}",
        f"Date : {when}",
        *([f"Lieu / Place : {message.place}"] if message.place else []),
        "",
    ]
    if message.corrects:
        lines += _correction_lines(message)
    if message.fields:
        lines += [
            "Informations transmises avec le consentement de la personne :",
            "Information shared with the person's consent:",
        ]
        for name, value in message.fields.items():
            label_fr, label_en = field_label(name)
            lines.append(f"  {label_fr} / {label_en} : {value}")
        lines.append("")
    lines += [
        f"Référence / Reference : {message.key}",
        "",
        "Message confidentiel : ne pas le transférer.",
        "Confidential: please do not forward this message.",
    ]
    return "\n".join(lines) + "\n"
