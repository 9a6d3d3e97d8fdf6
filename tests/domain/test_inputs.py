"""What typed text may hold: the invisible controls found, and a reason holding one
refused by the validators (`Pathway.check`) whatever the command, never on replay."""

from __future__ import annotations

from dataclasses import asdict, replace

import pytest

from parcours.domain import commands as c
from parcours.domain.controls import (
    BIDI_CONTROLS,
    LINE_ENDS,
    TERMINAL_CONTROLS,
    invisible_controls,
)
from parcours.domain.errors import MoveRefused
from parcours.domain.inputs import (
    TEXT_LIMIT,
    ReferralRejected,
    check_referral,
    check_referral_texts,
    is_blank,
    long_field,
    reason_too_long,
)
from parcours.domain.pathway import Pathway
from parcours.domain.vocabulary import BarrierKind, Role
from tests.domain.helpers import ATP, new_pathway
from tests.support import T0, meta, referral

CONTROLS = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]


def test_the_controls_are_the_embeddings_overrides_and_isolates() -> None:
    assert set(CONTROLS) == BIDI_CONTROLS
    assert len(BIDI_CONTROLS) == 9


@pytest.mark.parametrize("control", CONTROLS, ids=[f"U+{ord(ch):04X}" for ch in CONTROLS])
def test_each_control_is_found_and_named(control: str) -> None:
    assert invisible_controls(f"Zeph{control}yrine") == f"U+{ord(control):04X}"


def test_each_control_found_once_in_order_and_marks_and_accents_pass() -> None:
    assert invisible_controls("a\u2066b\u202ec\u2066d\u2069") == "U+2066, U+202E, U+2069"
    # The right-to-left *marks* (U+200E, U+200F) and Arabic or accented letters are text.
    assert invisible_controls("Zéphyrine \u200f\u200e سلمى Ørsted") == ""


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("ok\x1b[2J\x1b[Hrewritten", "U+001B"),  # clears another reader's screen
        ("bell\x07 and back\x08space", "U+0007, U+0008"),
        ("C1\x9b31m", "U+009B"),  # the one-byte CSI
        ("delete\x7f", "U+007F"),
    ],
    ids=["ESC", "BEL BS", "CSI", "DEL"],
)
def test_terminal_controls_are_found_too(typed: str, found: str) -> None:
    assert invisible_controls(typed) == found


def test_tabs_and_line_ends_are_text() -> None:
    """Line ends as spreadsheets and word processors write them: a soft return is a VT."""
    assert invisible_controls("1 rue Haute\r\n95000 Cergy\tbât. B\x0bétage 2\x0c\x85") == ""
    assert TERMINAL_CONTROLS.isdisjoint(LINE_ENDS)
    assert len(TERMINAL_CONTROLS) == 32 + 1 + 32 - len(LINE_ENDS)


def test_a_blank_name_is_only_spaces() -> None:
    assert is_blank("")
    assert is_blank(" \t\n")
    assert not is_blank(" Zephyrine ")


@pytest.mark.parametrize(
    "command",
    [c.Suspend(T0), c.RecordContact(T0), c.OpenBarrier(BarrierKind.HOUSING)],
    ids=lambda command: command.trigger.value,
)
def test_a_reason_holding_a_control_is_refused_by_the_validators(command: c.Command) -> None:
    pathway = new_pathway(ATP)
    before = asdict(pathway.state)
    with pytest.raises(MoveRefused) as refused:
        pathway.check(command, meta(reason="health \u202eyaw ot\u202c"))
    assert refused.value.rule == "reason_bidi_control"
    assert refused.value.message == (
        "the reason holds invisible control characters (U+202E, U+202C); send it again without them"
    )
    assert refused.value.values == {"found": "U+202E, U+202C"}
    assert refused.value.allowed == ()  # a typing slip: no other action mends it
    assert pathway.allowed_triggers(Role.STAFF)  # though the pathway allows some
    assert asdict(pathway.state) == before


def test_any_text_of_a_staff_command_holding_a_control_is_refused() -> None:
    """Before: only the reason was checked; an agency, an employer, a training title or
    body took the invisible controls into the record."""
    pathway = new_pathway(ATP)
    enrol = c.EnrolTraining("Employé \u202elibre-service", "Muse", T0, T0)
    with pytest.raises(MoveRefused) as refused:
        pathway.check(enrol, meta())
    assert refused.value.rule == "text_bidi_control"
    assert refused.value.values == {"field": "title", "found": "U+202E"}
    assert refused.value.message == (
        "the title holds invisible control characters (U+202E); send it again without them"
    )


def test_what_parcours_records_itself_is_not_refused_for_its_text() -> None:
    """A partner's error text is not typed, and the workflow asks `may` about the failure
    it records in its own code: a refusal there would change how histories replay."""
    from parcours.domain.inputs import check_request
    from parcours.domain.pathway import SYSTEM
    from parcours.domain.records import RequestMeta
    from parcours.domain.routing import failure_to_record
    from parcours.domain.vocabulary import PartnerKind

    meta_, failure = failure_to_record("k:referrer:CCAS", PartnerKind.REFERRER, "550 \u202e", T0)
    assert meta_.actor == SYSTEM
    new_pathway(ATP).check(failure, meta_)  # may be recorded, as before
    assert check_request(ATP, failure, meta_) is None
    typed = check_request(ATP, failure, RequestMeta("r-1", meta().actor))
    assert typed is not None
    assert typed.rule == "text_bidi_control"


def test_text_fields_reads_strings_lists_and_mappings() -> None:
    from dataclasses import dataclass, field

    from parcours.domain.inputs import control_field, text_fields

    @dataclass
    class Typed:
        name: str = "a"
        skills: list[str] = field(default_factory=lambda: ["b", "c\u2067"])
        details: dict[str, str] = field(default_factory=lambda: {"x": "d"})
        count: int = 3

    assert list(text_fields(Typed())) == [
        ("name", "a"),
        ("skills", "b"),
        ("skills", "c\u2067"),
        ("details", "d"),
    ]
    assert control_field(Typed()) == ("skills", "U+2067")
    assert control_field(Typed(skills=[])) is None
    assert list(text_fields("not a record")) == []


def test_text_longer_than_its_limit_is_refused_and_the_limit_itself_passes() -> None:
    """A paste gone wrong (a whole e-mail thread as a training's title) would be kept by
    every history, backup and read model: refused, naming the field and the limit."""
    pathway = new_pathway(ATP)
    fits = c.EnrolTraining("x" * TEXT_LIMIT, "Muse", T0, T0)
    assert long_field(fits) == ""
    with pytest.raises(MoveRefused) as stage:
        pathway.check(fits, meta())
    assert stage.value.code == "move_not_in_stage"  # its text passes; a referral's stage not
    too_long = c.EnrolTraining("x" * (TEXT_LIMIT + 1), "Muse", T0, T0)
    with pytest.raises(MoveRefused) as refused:
        pathway.check(too_long, meta())
    assert refused.value.code == "text_too_long"
    assert refused.value.values == {"field": "title", "limit": "2000"}


def test_a_reason_is_measured_before_it_is_sealed() -> None:
    assert reason_too_long("r" * TEXT_LIMIT) is None
    refused = reason_too_long("r" * (TEXT_LIMIT + 1))
    assert refused is not None
    assert refused.code == "reason_too_long"
    assert refused.values == {"limit": "2000"}


def test_a_referral_with_an_overlong_text_names_its_field() -> None:
    with pytest.raises(ReferralRejected) as caught:
        check_referral("Zephyrine", "Quillfeather", "r" * (TEXT_LIMIT + 1))
    assert (caught.value.field, caught.value.fault, caught.value.found) == (
        "reason",
        "long",
        "2000",
    )


@pytest.mark.parametrize(
    "named", ["Alice Martin 1990-04-02", "pathway-12345", "pathway-0123456789ABCDEF", " "]
)
def test_a_returning_referral_names_an_earlier_pathway_by_its_id_only(named: str) -> None:
    """The link outlives an erasure: a client that put a text there (a name, a note) is
    refused before anything is sent, naming the field."""
    referral = c.Refer("CCAS", T0, "2026-01", "staff-1", earlier_pathway_id=named)
    with pytest.raises(ReferralRejected) as refused:
        check_referral_texts(None, referral, "")
    assert (refused.value.field, refused.value.fault) == ("earlier_pathway_id", "pathway_id")
    for fine in ("", "pathway-0123456789abcdef"):
        check_referral_texts(None, c.Refer("CCAS", T0, "2026-01", "s", earlier_pathway_id=fine), "")


def test_the_pathway_itself_refuses_an_earlier_pathway_that_is_no_id() -> None:
    """What another client sends without `check_referral_texts`: the referral's own rule
    refuses it (the workflow's start fails with it), and a real id is kept."""
    named = replace(referral(T0), earlier_pathway_id="Alice Martin, born 1990")
    with pytest.raises(MoveRefused) as refused:
        Pathway.refer(ATP, "pw-test", named, meta(), T0)
    assert refused.value.rule == "referral_earlier"
    kept = replace(referral(T0), earlier_pathway_id="pathway-0123456789abcdef")
    state = Pathway.refer(ATP, "pw-test", kept, meta(), T0).state
    assert state.earlier_pathway_id == "pathway-0123456789abcdef"
    assert state.timeline[0].details["earlier_pathway_id"] == "pathway-0123456789abcdef"
