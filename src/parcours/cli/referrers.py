"""`parcours refer` warns when the referrer is not in the partner directory, and `mission
start` when its agency is not.

The look-up (`app.referrers`) comes once the pathway exists, never fails the referral and
waits half a second at most; a read model that cannot answer is only noted in the CLI's
log file.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from parcours.cli.runtime import Session


def warn_if_unlisted(session: Session, referrer: str) -> None:
    """Say on stderr that the referrer will not be told, and how a coordinator adds it;
    nothing when it is listed, and a line in the log when the directory could not say."""
    from parcours.app.referrers import referrer_listed

    answer = referrer_listed(session.settings.readmodel_url, referrer.strip())
    if answer.listed is False:
        said = session.text("refer.referrer_unlisted", referrer=referrer.strip())
        print(said, file=sys.stderr)
    elif answer.listed is None:
        _note(session, answer.cause)


def warn_if_agency_unlisted(session: Session, agency: str) -> None:
    """Say on stderr that a mission's agency is no temp agency of the directory (a typo,
    "A21" for "A2I", would count apart in the report's missions by agency); the mission is
    recorded as typed all the same, for an agency the programme does not work with."""
    from parcours.app.referrers import partner_listed
    from parcours.domain.vocabulary import PartnerKind

    answer = partner_listed(session.settings.readmodel_url, agency.strip(), PartnerKind.TEMP_AGENCY)
    if answer.listed is False:
        print(session.text("mission.agency_unlisted", agency=agency.strip()), file=sys.stderr)
    elif answer.listed is None:
        _note(session, answer.cause)


def _note(session: Session, cause: str) -> None:
    from parcours.adapters.logs import configure_file_logging, get_logger

    configure_file_logging(session.settings.data_dir / "logs" / "parcours-cli.log")
    get_logger("parcours.referral").info(
        "referrer not checked against the partner directory", cause=cause
    )
