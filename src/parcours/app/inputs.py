"""What a referral is typed with, checked before any pathway starts, whatever sends it.

The workflow's start runs no validator, so `PathwayClient.refer` (and `refer_person`, before
it reserves the person) asks the domain's checks (`domain.inputs`) here: names that name
someone, no Unicode direction controls in any text of the referral, a birth date written
`YYYY-MM-DD`. The CLI asks the same before it connects, to say so as a usage mistake.
`refer_person` also asks the bounds of the referral's dates (`check_referral_dates`).
"""

from __future__ import annotations

from datetime import UTC, datetime

from parcours.domain.commands import Refer
from parcours.domain.commands.intake import IntakeTrigger
from parcours.domain.inputs import check_referral as check_names
from parcours.domain.inputs import check_referral_texts
from parcours.domain.permissions import authorise
from parcours.domain.records import RequestMeta
from parcours.domain.referral_dates import check_referral_instants
from parcours.workflows.messages import Participant


def check_referral(participant: Participant, command: Refer, meta: RequestMeta) -> None:
    """Raise `NotPermitted` for a role that may not refer (the start itself runs no
    validator: a referral the workflow would refuse must never reach it), then
    `domain.inputs.ReferralRejected` for the first field typed wrong."""
    authorise(meta.actor.role, IntakeTrigger.REFER)
    check_names(participant.first_name, participant.last_name, meta.reason)
    check_referral_texts(participant, command, participant.birth_date)


def check_referral_dates(participant: Participant, command: Refer) -> None:
    """The domain's bounds of a referral's dates (`domain.instants`): not after now, and
    a person between 14 and 100 years old at the referral; raises the refusal."""
    refused = check_referral_instants(
        command.referred_at, participant.birth_date, datetime.now(UTC)
    )
    if refused is not None:
        raise refused
