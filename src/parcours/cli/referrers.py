"""`parcours refer` warns when the referrer is not in the partner directory.

The look-up (`app.referrers`) never fails nor holds up the referral: it runs beside it,
and a read model that cannot answer in time is only noted in the CLI's log file.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from parcours.app.referrers import ReferrerLookup
    from parcours.cli.runtime import Session


def look_up_referrer(session: Session, referrer: str) -> ReferrerLookup:
    """Start looking `referrer` up in the partner directory, beside the referral."""
    from parcours.adapters.logs import configure_file_logging
    from parcours.app.referrers import ReferrerLookup

    configure_file_logging(session.settings.data_dir / "logs" / "parcours-cli.log")
    return ReferrerLookup(session.settings.readmodel_url, referrer.strip()).start()


def warn_if_unlisted(session: Session, lookup: ReferrerLookup) -> None:
    """Once the pathway exists: say on stderr that the referrer will not be told, and how
    a coordinator adds it; nothing when it is listed or the directory could not say."""
    if lookup.listed() is False:
        said = session.text("refer.referrer_unlisted", referrer=lookup.referrer)
        print(said, file=sys.stderr)
