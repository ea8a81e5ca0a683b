"""The words of each consent, versioned: a consent record keeps the version agreed to."""

from __future__ import annotations

from dataclasses import dataclass

from booking.domain.statuses import ConsentKind


@dataclass(frozen=True)
class ConsentWording:
    """What the client agrees to, in the words shown to them."""

    kind: ConsentKind
    version: int
    title: str
    text: str


CONSENTS: dict[ConsentKind, ConsentWording] = {
    ConsentKind.TREATMENT: ConsentWording(
        ConsentKind.TREATMENT,
        1,
        "Agreeing to massage",
        "I agree to gentle massage. I know I can stop or change anything at any time, and that "
        "symptoms can sometimes flare afterwards. I will tell the therapist if anything feels "
        "wrong, before, during or after.",
    ),
    ConsentKind.HEALTH_DATA: ConsentWording(
        ConsentKind.HEALTH_DATA,
        1,
        "Looking after your health answers",
        "I agree that the practice keeps my health answers to plan safe, comfortable sessions. "
        "Only my therapist reads them; reception sees practical things like access and best "
        "times. They are kept for 7 years after my last session, as the law on health records "
        "asks, and I can withdraw this agreement at any time.",
    ),
    ConsentKind.GP_CONTACT: ConsentWording(
        ConsentKind.GP_CONTACT,
        1,
        "Contacting your GP",
        "The therapist may contact my GP practice about my care, if needed.",
    ),
    ConsentKind.REMINDERS: ConsentWording(
        ConsentKind.REMINDERS,
        1,
        "Reminders",
        "I would like reminders about my sessions in the ways I chose.",
    ),
}
REQUIRED_CONSENTS = (ConsentKind.TREATMENT, ConsentKind.HEALTH_DATA)
