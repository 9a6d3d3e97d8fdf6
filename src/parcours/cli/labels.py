"""What staff read instead of stored values: stages, events, actions, kinds, short refs.

Every word comes from the catalogue (`parcours/locale/`); a value the catalogue has no
words for is shown as stored, so an older or newer history still prints.
"""

from __future__ import annotations

from collections.abc import Iterable

from parcours.cli.i18n import Text, catalogue


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


def event_label(kind: str, text: Text) -> str:
    """What happened, in the reader's language (an unknown kind is shown as recorded)."""
    from parcours.domain.events import EVENT_KINDS

    return text(f"event.{kind}") if kind in EVENT_KINDS else kind


def word(prefix: str, value: str, text: Text) -> str:
    """A stored value (a partner kind, a status...) in the reader's language, from the
    catalogue's `prefix.value`; a value the catalogue has no words for is shown as is."""
    try:
        return text(f"{prefix}.{value}")
    except KeyError:
        return value


def action_label(trigger: str, text: Text) -> str:
    """What a trigger does, as a short imperative ("sign the contract")."""
    return word("action", trigger, text)


def action_labels(triggers: Iterable[str], text: Text) -> str:
    """Actions for a sentence ("Allowed now: ..."), or the word for none."""
    return ", ".join(action_label(t, text) for t in triggers) or text("none")


def listed(items: Iterable[str], text: Text, empty_key: str = "none") -> str:
    """Items on one line, or the catalogue's word for none."""
    return ", ".join(items) or text(empty_key)


def ticked(active: bool) -> str:
    """Whether something is on, as a mark (a partner's `active`)."""
    return "✓" if active else "—"
