"""What staff read instead of stored values: stages, events, actions, kinds, short refs.

Every word comes from the catalogue (`parcours/locale/`); a value the catalogue has no
words for is shown as stored, so an older or newer history still prints.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from parcours.cli.i18n import Text
from parcours.locale import catalogue


def short(pathway_id: str) -> str:
    """The short reference shown to people: the first eight characters after `pathway-`."""
    return pathway_id.removeprefix("pathway-")[:8]


def field_label(name: str, text: Text) -> str:
    """A field of a record as people call it (`refer.field.NAME`), else its own name."""
    key = f"refer.field.{name}"
    return text(key) if key in catalogue("en") else name.replace("_", " ")


def stage_label(stage: str, text: Text) -> str:
    """A stage in the reader's language (an unknown stage is shown as recorded)."""
    return word("stage", stage, text)


def event_label(kind: str, text: Text, details: Mapping[str, str] | None = None) -> str:
    """What happened, in the reader's language (an unknown kind is shown as recorded);
    with the event's details, an alert's event names the alert and, when the pathway
    resolved it, the event that closed it, a referral names the same person's earlier
    pathway it follows, and an exit says its reason and whether it was positive."""
    from parcours.domain.events import EVENT_KINDS, MESSAGE_KINDS

    label = text(f"event.{kind}") if kind in EVENT_KINDS | MESSAGE_KINDS else kind
    earlier = (details or {}).get("earlier_pathway_id")
    if earlier:
        return text("timeline.referred_after", label=label, ref=short(earlier))
    if kind == "exited" and details and "reason" in details:
        return _exit_label(label, details, text)
    if details is None or "alert_id" not in details or not kind.startswith("alert_"):
        return label
    label = alert_label(label, details["alert_id"], text)
    if "closed_by" in details:
        label = text("timeline.alert_closed_by", label=label, seq=details["closed_by"])
    return label


def _exit_label(label: str, details: Mapping[str, str], text: Text) -> str:
    """An exit's reason and verdict; once a correction judged it again (`positive_now`),
    the verdict that stands, then the one recorded."""
    reason = word("exit_reason", details["reason"], text)
    recorded = _verdict(details.get("positive") == "True", text)
    if "positive_now" not in details:
        return text("timeline.exited_as", label=label, reason=reason, verdict=recorded)
    now = _verdict(details["positive_now"] == "True", text)
    return text("timeline.exited_rejudged", label=label, reason=reason, now=now, was=recorded)


def _verdict(positive: bool, text: Text) -> str:
    return text("show.positive" if positive else "show.not_positive")


def alert_label(event: str, alert_id: str, text: Text) -> str:
    """`event: rule (subject)`; an escalation's subject is the rule of the alert it
    escalates, a failed notification has none."""
    from parcours.domain.alerts import rule_and_subject
    from parcours.domain.vocabulary import PartnerKind

    parts = rule_and_subject(alert_id)
    if parts is None:
        return text("timeline.alert_bare", event=event, rule=alert_id)
    rule, subject = parts
    escalated = rule_and_subject(subject)
    if escalated is not None:
        subject = text(f"rule.{escalated[0].value}")
    else:  # a partner kind, a step (intake, contact…), or a record's id, kept as is
        kind = "partner_kind" if subject in set(PartnerKind) else "alert_subject"
        subject = word(kind, subject, text)
    if not subject:
        return text("timeline.alert_bare", event=event, rule=text(f"rule.{rule.value}"))
    return text("timeline.alert", event=event, rule=text(f"rule.{rule.value}"), subject=subject)


def as_typed(value: str, text: Text) -> str:
    """A text staff typed (a name, a reason), as recorded; the one that stands for it once
    its person was erased, and the reason the service gives when it anonymises a person,
    in the reader's words."""
    from parcours.domain.erasure import service_reason
    from parcours.domain.vocabulary import ERASED_TEXT

    if value == ERASED_TEXT:
        return text("typed.erased")
    said = service_reason(value)
    return value if said is None else text(f"typed.{said[0]}", day=said[1])


def percent(share: float, lang: str) -> str:
    """A share as the reader writes it: "60%" in English, "60 %" in French (a no-break
    space before the sign)."""
    return f"{share * 100:.0f}" + ("\u00a0%" if lang == "fr" else "%")


def decimal(number: float, lang: str) -> str:
    """A number as the reader writes it: "17.5" in English, "17,5" in French; "48", not
    "48.0"."""
    shown = f"{number:g}"
    return shown.replace(".", ",") if lang == "fr" else shown


def word(prefix: str, value: str, text: Text) -> str:
    """A stored value (a partner kind, a status...) in the reader's language, from the
    catalogue's `prefix.value`; a value the catalogue has no words for is shown as is."""
    try:
        return text(f"{prefix}.{value}")
    except KeyError:
        return value


def role_label(role: str, text: Text) -> str:
    """A role in the reader's words ("coordinateur"), which `--role` takes too."""
    return word("role", role, text)


def role_labels(roles: Iterable[str], text: Text) -> str:
    """The people of several roles, for a sentence: "les auditeurs et les coordinateurs",
    "auditors and coordinators" (`roles.ROLE`), sorted by their key."""
    named = [text(f"roles.{role}") for role in sorted(roles)]
    if len(named) < 2:
        return "".join(named)
    return text("roles.listed", first=", ".join(named[:-1]), last=named[-1])


def actor_label(actor_id: str, role: str, text: Text) -> str:
    """Who acted, as every table and sentence shows it: "coord-21b9 (coordinateur)"."""
    return f"{actor_id} ({role_label(role, text)})"


def action_label(trigger: str, text: Text) -> str:
    """What a trigger does, as a short imperative ("sign the contract")."""
    return word("action", trigger, text)


def action_labels(triggers: Iterable[str], text: Text) -> str:
    """Actions for a sentence ("Allowed now: ..."), or the word for none."""
    return ", ".join(action_label(t, text) for t in triggers) or text("none")


def listed(items: Iterable[str], text: Text, empty_key: str = "none") -> str:
    """Items on one line, or the catalogue's word for none."""
    return ", ".join(items) or text(empty_key)


def semicolons(items: Iterable[str], lang: str) -> str:
    """Items that hold commas of their own, one after the other: French puts a space
    before the semicolon."""
    return (" ; " if lang == "fr" else "; ").join(items)


def ticked(active: bool) -> str:
    """Whether something is on, as a mark (a partner's `active`)."""
    return "✓" if active else "—"


def closure_note(closure: str | None, text: Text) -> str:
    """What closed a pathway for good, in brackets after its date ("" when not said)."""
    return f" ({text(f'show.closure.{closure}')})" if closure else ""
