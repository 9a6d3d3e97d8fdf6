"""Every `workflow.patched()` id of the pathway workflow, and what each one changed.

A patch id is written into the histories that take its new branch; histories recorded
before it replay the old branch. Ids never change and are never reused. Each is kept
replayed both ways by a committed history under `tests/histories/`.
"""

from __future__ import annotations

READ_MODEL_PATCH = "read-model-and-partner-notifications"
"""Histories recorded before it have no projection or notification activities."""

FAILURE_ALERTS_PATCH = "deliver-notification-failure-alerts"
"""Before it, the coordinator's alert for a notification that failed for good was kept in
the pathway but never handed to the alert channel."""

DUE_BEFORE_SLEEP_PATCH = "raise-what-fell-due-while-publishing"
"""Before it, an update accepted while activities ran could make an alert due at once and
the workflow still slept until the next future alert, leaving that one unraised."""

HANDLERS_AFTER_LAST_PUBLISH_PATCH = "finish-handlers-started-during-last-publish"
"""Before it, a run that completed or continued as new published one last time after its
handlers had finished, then ended: an update (a notification retry) that started during
that publish was abandoned. Taken only when such a handler is running."""

RETRY_FAILURES_WAKE_PATCH = "publish-failures-recorded-by-a-retry"
"""Before it, a notification failure recorded by a retry update did not wake the run
loop: it was neither projected nor alerted until the next timer. Taken only when a
retry records a failure."""

EFFECTIVE_INSTANTS_PATCH = "events-dated-when-they-happened"
"""Before it, every event, the stage's "since" and the dates effects record (a barrier
opened or closed, an appointment's outcome) were at the instant the update was handled,
whatever `--on` said. Since, they take the instant it happened (`domain.instants`) and
each event also keeps when it was recorded (`PathwayEvent.recorded_at`). Decided once
per run, when the run starts, so a run keeps one way of dating throughout; the audit's
fold reads which runs took it from their markers."""

REFUSED_START_FAILS_PATCH = "refused-referral-fails-the-pathway"
"""Before it, a referral the domain refused at the workflow's start (a role that may not
refer, sent by a client that did not check first) raised in the first workflow task,
which then failed again on every attempt: a pathway that could never run. Since, the
workflow fails at once with the refusal as its failure. Taken only on such a start."""

AFTER_EXIT_PATCH = "keep-exited-pathway-until-retention-ends"
"""Before it, the run completed as soon as the pathway exited, so nothing more could be
recorded (a consent withdrawal, an alert acknowledgement). Since, an exited pathway keeps
running, accepting what its programme lists from `exited`, until its retention period
ends (`timers.retention_after_exit_days`); then it closes for good (`pathway_closed`,
its open alerts closed with it) and the run completes. Taken once a pathway has exited."""

ALERTS_FOLLOW_PATHWAY_PATCH = "alerts-follow-the-pathway"
"""Before it, an alert stayed open after its condition stopped holding, and an alert
already due when staff entered a past pathway was raised at once, before the entries that
met it. Taken when a run starts (a new pathway, or a run continued as new): the state
adopts the rules that follow the pathway (`PathwayState.alert_rules`), which the audit
fold reads from this patch's marker."""

CONSENT_NOTICE_PATCH = "consent-notice-not-before-the-consent"
"""Before it, a consent given for less than `timers.consent_expiry_notice_days` was warned
of with a due date before it was given (expiry minus the notice). Since, the state follows
`domain.consent_notice.NOTICE_WITHIN_CONSENT` (`PathwayState.alert_rules` 3): such a
notice is due when the consent was given, and an exited pathway's consents raise no alert
(a consent cannot be given again after the exit). Decided once per run, when the run starts, by a
pathway that follows the alert rules of `ALERTS_FOLLOW_PATHWAY_PATCH`; the audit fold
reads it from this patch's marker. Its two sides (the notice from the consent, nothing
after the exit) were written in one session and landed together, on 5 December 2026: no
history holds the marker under the first alone, so they share the id."""

DECOUPLED_PUBLISH_PATCH = "publish-in-one-step-partners-in-the-background"
"""Before it, each batch of new events was handed to activities one after another:
alerts, then the read-model projection, then every partner message in one
`send_notifications` (2 minutes, no heartbeat), whose end the pathway waited for before
it updated its search attributes or slept until its next alert, so a partner that was
down held the read model, the listing and every later alert back. Since, the workflow
task that recorded the events schedules the alerts and the projection side by side, sets
the search attributes, and starts each partner message as an activity of its own that
runs in the background (heartbeats, retried until it goes); a
message still failing after the programme's `timers.undelivered_notification_minutes` is
recorded as failed (the coordinator's alert, once) and kept trying. Decided once per run,
when the run starts; messages still under way travel with a run continued as new."""

REGISTRY_RETIRES_PATCH = "referral-registry-retires"
"""Of the old per-programme `ReferralRegistry`, not of the pathway: before it, the registry
ran for ever. Since, once its entries have been copied into per-person reservations
(`app.reservations.retire_registry`), its `retire` update ends it, so that referrals stop
asking it. Taken only by a registry that is retired."""

JOBDATING_DATED_PATCH = "jobdating-entered-after-the-fact"
"""Of the `JobDating` event, not of the pathway: before it, `invite` and `record` were
judged at the workflow's clock only, and an event planned after its day completed at once
(it took outcomes until 90 days after its day). Since, an invitation or a recording may be
dated (`--on`, the request's effective instant, never after now): the invitation must be
dated before the day and is kept as sent then, the outcomes from the day; an event planned
after its day keeps taking outcomes 90 days from its entry (`entered_at`). Decided once,
when the event starts."""

ERASURE_ENDS_RUN_PATCH = "erasure-ends-the-run"
"""Of the `erase_person` update (new with it, so every history holding an erasure took it):
the erasure closes the pathway for good and the run completes at once, whatever its stage,
so nothing more is recorded about a person whose identity is gone."""

SIGNED_REFERRAL_PATCH = "referral-signed-by-its-actor"
"""Before it, a pathway started from whatever referral a client sent: the role in it was
whoever the sender said. Since, a new pathway first asks the worker whether the referral
carries a valid staff signature (`workflows.actors`, a local activity whose answer the
history keeps) and fails with the refusal when it does not, before it publishes anything.
Updates are checked by the worker before their validators (`app.actor_check`), which
never run on replay, so they need no patch. Taken by every pathway started since."""

HANDED_WITH_SIGNATURE_PATCH = "jobdating-hands-on-the-recording-signature"
"""Of the job-dating workflow: before it, each outcome handed to a pathway carried only the
request id derived for it, the actor and the reason. Since, it also carries the
recording's key id and signature (`domain.signing`), so that the pathway's event names
the credential the staff member recorded it with (the worker seals the hand-off,
`adapters.temporal.seal`). Taken by every recording handled since."""

CHANGES_DURING_PUBLISH_PATCH = "changes-during-publish-seen"
"""Before it, the run loop forgot a change recorded by an update that landed during its
turn (while it published): it slept until its next alert, possibly years away, so an exit
entered after the fact whose retention period was already over was not closed for good,
and the alerts it made due were not raised. Since, the loop turns again at once. Taken
only when an update lands during a turn."""

RETENTION_BY_CONTACT_PATCH = "anonymise-after-last-contact"
"""Before it, an exited pathway closed for good `timers.retention_after_exit_days` after its
exit and the person stayed identified for ever. Since, the record is kept until
`timers.anonymise_after_last_contact_months` after the last contact with the person
(`domain.anonymisation`, `PathwayState.retention_rule` 2), whatever the stage: the
coordinator is warned `timers.retention_warning_days` before (`retention_due`), may extend
it (`extend_retention` update), and at the due date the pathway records `person_erased`
itself, closes for good, has the activity `anonymise_person` destroy what `parcours erase`
destroys, and the run ends. An exited pathway stays open until then. Decided once per run,
when the run starts; a pathway that adopted it keeps it in its state."""

RETENTION_WARNING_FOLLOWS_PATCH = "retention-warning-follows-the-due-date"
"""Before it, the coordinator's `retention_due` warning stayed open once a coordinator's
extension (or, on an exited pathway, a new contact) moved the due date: the pathway held
two warnings, the old date's and the new one's. Since, the state follows
`domain.anonymisation.WARNING_FOLLOWS` (`PathwayState.retention_rule` 3): the move resolves
the old date's warning (`alert_resolved` by parcours) and a new one is raised before the
new date. Decided once per run, when the run starts, by a pathway that follows the
retention by the last contact; the audit fold reads it from this patch's marker."""

SIGNED_JOBDATING_PATCH = "jobdating-planned-by-its-actor"
"""Of the `JobDating` event, not of the pathway: before it, an event started from whatever
plan a client sent, under whatever actor and role it named. Since, a new event first asks
the worker whether its plan carries a valid staff signature (`workflows.actors`, the local
activity `check_jobdating_actor`, whose answer the history keeps) and whether that role may
run job-datings (`domain.jobdating.check_role`); it fails with the refusal when not, before
it sends anything, and its updates wait for that answer. Taken by every event started
since."""

JOBDATING_LATE_INVITATION_PATCH = "jobdating-invitation-after-the-day-unsent"
"""Of the `JobDating` event, not of the pathway: before it, an invitation recorded after the
event's day (entered after the fact, `--on` the day it went out) was sent all the same, so
agencies were invited, and told of candidates, for a day gone by. Since, it is recorded
only (`invited_at`, `invited_unsent`) and nothing is sent
(`domain.jobdating.invitation_unsent`). Taken by an invitation recorded after the day."""
