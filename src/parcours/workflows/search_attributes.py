"""The custom search attributes pathways are listed by: no personal data, ever.

Imported by workflows, so it depends on temporalio only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from temporalio.common import SearchAttributeKey, SearchAttributePair, TypedSearchAttributes

if TYPE_CHECKING:
    from parcours.domain.vocabulary import Stage

PROGRAMME = SearchAttributeKey.for_keyword("ParcoursProgramme")
STAGE = SearchAttributeKey.for_keyword("ParcoursStage")
REFERENT = SearchAttributeKey.for_keyword("ParcoursReferent")
NEXT_ALERT_AT = SearchAttributeKey.for_datetime("ParcoursNextAlertAt")

ALL = (PROGRAMME, STAGE, REFERENT, NEXT_ALERT_AT)


def search_attributes_at_start(
    programme: str, stage: Stage, referent: str
) -> TypedSearchAttributes:
    """The attributes a pathway is started with, so it lists before its first task runs.
    Here rather than beside the workflow, so a client that starts one does not import it."""
    return TypedSearchAttributes(
        [
            SearchAttributePair(PROGRAMME, programme),
            SearchAttributePair(STAGE, stage.value),
            SearchAttributePair(REFERENT, referent),
        ]
    )
