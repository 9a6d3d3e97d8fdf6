"""Past-tense names of what happened, one per trigger: the timeline's vocabulary."""

from __future__ import annotations

EVENT_OF_TRIGGER: dict[str, str] = {
    "refer": "referred",
    "complete_intake": "intake_completed",
    "assign_referent": "referent_assigned",
    "record_contact": "contact_recorded",
    "assess_french": "french_assessed",
    "open_barrier": "barrier_opened",
    "work_on_barrier": "barrier_worked_on",
    "resolve_barrier": "barrier_resolved",
    "waive_barrier": "barrier_waived",
    "sign_contract": "contract_signed",
    "start_coaching": "coaching_started",
    "jobdating_hired": "jobdating_hired",
    "jobdating_training": "jobdating_oriented_to_training",
    "jobdating_no_match": "jobdating_no_match",
    "enrol_training": "training_enrolled",
    "complete_training": "training_completed",
    "drop_training": "training_dropped",
    "start_mission": "mission_started",
    "end_mission": "mission_ended",
    "schedule_appointment": "appointment_scheduled",
    "attend_appointment": "appointment_attended",
    "miss_appointment": "appointment_missed",
    "give_consent": "consent_given",
    "withdraw_consent": "consent_withdrawn",
    "suspend": "suspended",
    "resume": "resumed",
    "drop_out": "dropped_out",
    "reenter": "reentered",
    "exit": "exited",
    "acknowledge_alert": "alert_acknowledged",
    "snooze_alert": "alert_snoozed",
    "record_notification_failure": "notification_failed",
    "raise_alert": "alert_raised",
    "reopen_alert": "alert_reopened",
}

EVENT_KINDS = frozenset(EVENT_OF_TRIGGER.values())
