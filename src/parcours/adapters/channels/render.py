"""The plain-text rendering of a notification, in French then English.

Partners read these mails as they are: labels come from the event vocabulary and the
participant fields the programme allows; unknown names are shown as they are.
"""

from __future__ import annotations

from datetime import UTC

from parcours.adapters.channels.message import OutgoingMessage

EVENT_LABELS: dict[str, tuple[str, str]] = {
    "referred": ("Orientation reçue", "Referral received"),
    "intake_completed": ("Accueil réalisé", "Intake completed"),
    "referent_assigned": ("Référent désigné", "Case worker assigned"),
    "contact_recorded": ("Contact enregistré", "Contact recorded"),
    "french_assessed": ("Niveau de français évalué", "French level assessed"),
    "barrier_opened": ("Frein à l'emploi identifié", "Barrier identified"),
    "barrier_worked_on": ("Frein en cours de levée", "Barrier being worked on"),
    "barrier_resolved": ("Frein levé", "Barrier resolved"),
    "barrier_waived": ("Frein écarté", "Barrier waived"),
    "contract_signed": ("Contrat d'engagement signé", "Engagement contract signed"),
    "coaching_started": ("Coaching commencé", "Coaching started"),
    "jobdating_hired": ("Embauche au job-dating", "Hired at the job-dating"),
    "jobdating_oriented_to_training": (
        "Orientation vers la formation au job-dating",
        "Oriented to training at the job-dating",
    ),
    "jobdating_no_match": ("Job-dating sans suite", "Job-dating without match"),
    "training_enrolled": ("Inscription en formation", "Enrolled in training"),
    "training_completed": ("Formation terminée", "Training completed"),
    "training_dropped": ("Formation abandonnée", "Training dropped"),
    "mission_started": ("Mission commencée", "Mission started"),
    "mission_ended": ("Mission terminée", "Mission ended"),
    "appointment_scheduled": ("Rendez-vous fixé", "Appointment scheduled"),
    "appointment_attended": ("Rendez-vous honoré", "Appointment attended"),
    "appointment_missed": ("Rendez-vous manqué", "Appointment missed"),
    "consent_given": ("Consentement donné", "Consent given"),
    "consent_withdrawn": ("Consentement retiré", "Consent withdrawn"),
    "suspended": ("Parcours suspendu", "Pathway suspended"),
    "resumed": ("Parcours repris", "Pathway resumed"),
    "dropped_out": ("Décrochage", "Dropped out"),
    "reentered": ("Retour dans le parcours", "Re-entered the pathway"),
    "exited": ("Sortie du parcours", "Exited the pathway"),
    "alert_raised": ("Alerte", "Alert"),
    "event_voided": ("Correction : événement annulé", "Correction: event voided"),
    "event_restated": ("Correction : date rectifiée", "Correction: date restated"),
}

FIELD_LABELS: dict[str, tuple[str, str]] = {
    "first_name": ("Prénom", "First name"),
    "last_name": ("Nom", "Last name"),
    "birth_date": ("Date de naissance", "Birth date"),
    "phone": ("Téléphone", "Phone"),
    "email": ("Courriel", "Email"),
    "address": ("Adresse", "Address"),
    "availability": ("Disponibilités", "Availability"),
    "skills": ("Compétences", "Skills"),
    "languages": ("Langues", "Languages"),
}


def event_label(kind: str) -> tuple[str, str]:
    return EVENT_LABELS.get(kind, (kind, kind))


def subject(message: OutgoingMessage) -> str:
    """A subject line without any personal data."""
    fr, en = event_label(message.event_kind)
    return f"Parcours : {fr} / {en}"


def _correction_lines(message: OutgoingMessage) -> list[str]:
    """What a correction notice corrects: the earlier message, voided or dated anew."""
    lines = [f"Message corrigé / Corrected message : {message.corrects}"]
    if message.restated_at is None:
        lines.append("Cet événement n'a pas eu lieu. / This event did not happen.")
    else:
        restated = message.restated_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        lines.append(f"Date rectifiée / Restated date : {restated}")
    return [*lines, ""]


def text_body(message: OutgoingMessage) -> str:
    fr, en = event_label(message.event_kind)
    when = message.event_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"Événement : {fr}",
        f"Event: {en}",
        f"Date : {when}",
        "",
    ]
    if message.corrects:
        lines += _correction_lines(message)
    if message.fields:
        lines += [
            "Informations transmises avec le consentement de la personne :",
            "Information shared with the person's consent:",
        ]
        for name, value in message.fields.items():
            label_fr, label_en = FIELD_LABELS.get(name, (name, name))
            lines.append(f"  {label_fr} / {label_en} : {value}")
        lines.append("")
    lines += [
        f"Référence / Reference : {message.key}",
        "",
        "Message confidentiel : ne pas le transférer.",
        "Confidential: please do not forward this message.",
    ]
    return "\n".join(lines) + "\n"
