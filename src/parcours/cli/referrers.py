"""`parcours refer` warns when the referrer is not in the partner directory, and `mission
start` when its agency is not.

The look-up (`app.referrers`) comes once the pathway or the mission exists, never fails
the action and waits half a second at most; a read model that cannot answer is only noted
in the CLI's log file.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from parcours.cli.runtime import Session
    from parcours.domain.vocabulary import PartnerKind


def warn_if_unlisted(session: Session, referrer: str) -> None:
    """Say on stderr that the referrer will not be told, and how a coordinator adds it."""
    from parcours.domain.vocabulary import PartnerKind

    kind, said = PartnerKind.REFERRER, "refer.referrer_unlisted"
    _warn_if_not_listed(session, referrer, kind, said, "referrer")


def warn_if_agency_unlisted(session: Session, agency: str) -> None:
    """Say on stderr that a mission's agency is no temp agency of the directory (a typo,
    "A21" for "A2I", would count apart in the report's missions by agency); the mission is
    recorded as typed all the same, for an agency the programme does not work with."""
    from parcours.domain.vocabulary import PartnerKind

    kind, said = PartnerKind.TEMP_AGENCY, "mission.agency_unlisted"
    _warn_if_not_listed(session, agency, kind, said, "agency")


def _warn_if_not_listed(
    session: Session, name: str, kind: PartnerKind, said: str, field: str
) -> None:
    """The sentence `said` (naming the partner as `{field}`) on stderr when the directory
    does not hold `name` as an active partner of `kind`; nothing when it does, and a line
    in the log when it could not say."""
    from parcours.app.referrers import partner_listed

    answer = partner_listed(session.settings.readmodel_url, name.strip(), kind)
    if answer.listed is False:
        print(session.text(said, **{field: name.strip()}), file=sys.stderr)
    elif answer.listed is None:
        _note(session, kind, answer.cause)


def _note(session: Session, kind: PartnerKind, cause: str) -> None:
    from parcours.adapters.logs import configure_file_logging, get_logger

    configure_file_logging(session.settings.data_dir / "logs" / "parcours-cli.log")
    get_logger("parcours.partners").info(
        "partner not checked against the directory", kind=kind.value, cause=cause
    )
