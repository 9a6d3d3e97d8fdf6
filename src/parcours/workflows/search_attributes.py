"""The custom search attributes pathways are listed by: no personal data, ever.

Imported by workflows, so it depends on temporalio only.
"""

from __future__ import annotations

from temporalio.common import SearchAttributeKey

PROGRAMME = SearchAttributeKey.for_keyword("ParcoursProgramme")
STAGE = SearchAttributeKey.for_keyword("ParcoursStage")
REFERENT = SearchAttributeKey.for_keyword("ParcoursReferent")
NEXT_ALERT_AT = SearchAttributeKey.for_datetime("ParcoursNextAlertAt")

ALL = (PROGRAMME, STAGE, REFERENT, NEXT_ALERT_AT)
