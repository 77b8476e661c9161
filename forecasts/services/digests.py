"""The review digest email and the signed links it carries.

A review link names a question and the user it was sent to, signed and time-stamped; it opens
the item but logs nobody in. An unsubscribe link names a user, signed without expiry: an
unsubscribe link must keep working as long as the mail that carries it can be read.
"""

import datetime as dt
import hashlib
from collections import defaultdict
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from forecasts.models import ReminderRecord

REVIEW_LINK_SALT = "forecasts.review-link"
UNSUBSCRIBE_SALT = "forecasts.unsubscribe"
REVIEW_LINK_MAX_AGE = dt.timedelta(days=90)
Stage = ReminderRecord.Stage
SECTIONS = {
    Stage.DUE: "waiting",
    Stage.DAY3: "waiting",
    Stage.DAY7: "waiting",
    Stage.ESCALATION: "escalated",
    Stage.DISPUTE: "escalated",
    Stage.HEADS_UP: "heads_up",
}


def review_token(*, question_id: int, user_id: int) -> str:
    return signing.TimestampSigner(salt=REVIEW_LINK_SALT).sign_object(
        {"q": question_id, "u": user_id}
    )


def read_review_token(token: str) -> tuple[int, int]:
    """(question id, user id); raises signing.BadSignature (or SignatureExpired)."""
    data = signing.TimestampSigner(salt=REVIEW_LINK_SALT).unsign_object(
        token, max_age=REVIEW_LINK_MAX_AGE
    )
    return int(data["q"]), int(data["u"])


def unsubscribe_token(*, user_id: int) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(user_id))


def read_unsubscribe_token(token: str) -> int:
    """The user id; raises signing.BadSignature when the token was altered."""
    return int(signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token))


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def review_link(*, question_id: int, user_id: int) -> str:
    token = review_token(question_id=question_id, user_id=user_id)
    return absolute(reverse("review:open", args=[token]))


def unsubscribe_link(*, user_id: int) -> str:
    return absolute(reverse("review:unsubscribe", args=[unsubscribe_token(user_id=user_id)]))


def _item(row: ReminderRecord, user_id: int, now: dt.datetime) -> dict:
    question = row.question
    overdue = (now - question.due_at).days if question.due_at else None
    return {
        "question": question,
        "stage": row.get_stage_display(),
        "days_overdue": overdue,
        "link": review_link(question_id=question.pk, user_id=user_id)
        if SECTIONS[row.stage] != "heads_up"
        else absolute(f"/questions/{question.pk}/"),
    }


def _subject(sections: dict[str, list]) -> str:
    parts = []
    if n := len(sections["waiting"]):
        parts.append(f"{n} question{'s' if n > 1 else ''} waiting for your verdict")
    if n := len(sections["escalated"]):
        parts.append(f"{n} escalated review{'s' if n > 1 else ''}")
    if n := len(sections["heads_up"]):
        parts.append(f"{n} deadline{'s' if n > 1 else ''} coming up")
    return "Forecast Ledger: " + ", ".join(parts)


def _message_id(recipient_id: int, rows: list[ReminderRecord]) -> str:
    # Derived from the rows it reports, so a digest resent after a crash keeps its identity.
    digest = hashlib.sha256(",".join(str(r.pk) for r in rows).encode()).hexdigest()[:24]
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<review-digest.{recipient_id}.{digest}@{host}>"


def build_digest(
    *, recipient: AbstractBaseUser, rows: list[ReminderRecord], now: dt.datetime
) -> EmailMultiAlternatives:
    """One email listing every item in `rows`, in text and HTML, each with its own link."""
    sections: dict[str, list] = defaultdict(list)
    for row in rows:
        sections[SECTIONS[row.stage]].append(_item(row, recipient.pk, now))
    unsubscribe = unsubscribe_link(user_id=recipient.pk)
    context = {
        "recipient": recipient,
        "waiting": sections["waiting"],
        "escalated": sections["escalated"],
        "heads_up": sections["heads_up"],
        "queue_url": absolute(reverse("review:queue")),
        "preferences_url": absolute(reverse("review:preferences")),
        "unsubscribe_url": unsubscribe,
    }
    message = EmailMultiAlternatives(
        subject=_subject(sections),
        body=render_to_string("forecasts/email/review_digest.txt", context),
        to=[recipient.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Message-ID": _message_id(recipient.pk, rows),
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(
        render_to_string("forecasts/email/review_digest.html", context), "text/html"
    )
    return message
