"""The review digest email and the signed links it carries.

A review link names a question and the user it was sent to, signed and time-stamped; it opens
the item but logs nobody in. An unsubscribe link names a user, signed without expiry: an
unsubscribe link must keep working as long as the mail that carries it can be read.
"""

import datetime as dt
import hashlib
from collections import defaultdict
from typing import NamedTuple
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.encoding import force_bytes

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


class DigestRow(NamedTuple):
    """One claimed reminder as the digest shows it. `question` is a mapping with pk, title,
    deadline and due_at: templates look keys up in a dict first, so a dict is the fast case."""

    pk: int
    stage: str
    question: dict


STAGE_LABELS = dict(Stage.choices)


class _ReusedKeySigner(signing.TimestampSigner):
    """TimestampSigner whose HMAC key is derived once, not once per signature.

    Django's signature is base64(HMAC(sha256(salt + "signer" + secret), value)); salted_hmac
    derives that key on every call. Here the keyed HMAC is made once and copied per value: the
    same bytes, so read_review_token reads these tokens like any other.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._mac = salted_hmac(self.salt + "signer", b"", self.key, algorithm=self.algorithm)

    def signature(self, value, key=None) -> str:
        if key is not None and key != self.key:
            return super().signature(value, key)
        mac = self._mac.copy()
        mac.update(force_bytes(value))
        return signing.b64_encode(mac.digest()).decode()


class _ReviewLinks:
    """Review links for one recipient, as review_link makes them, without resolving the URL
    and building a signer once per link: a digest can list thousands of questions."""

    PLACEHOLDER = "TOKEN"

    def __init__(self, user_id: int) -> None:
        self.user_id = user_id
        self.signer = _ReusedKeySigner(salt=REVIEW_LINK_SALT)
        path = reverse("review:open", args=[self.PLACEHOLDER])
        self.prefix, self.suffix = absolute(path).rsplit(self.PLACEHOLDER, 1)

    def __call__(self, question_id: int) -> str:
        token = self.signer.sign_object({"q": question_id, "u": self.user_id})
        return f"{self.prefix}{token}{self.suffix}"


def _item(row: DigestRow, links: _ReviewLinks, now: dt.datetime) -> dict:
    question = row.question
    due_at = question["due_at"]
    return {
        "question": question,
        "stage": STAGE_LABELS[row.stage],
        "days_overdue": (now - due_at).days if due_at else None,
        "link": links(question["pk"])
        if SECTIONS[row.stage] != "heads_up"
        else absolute(f"/questions/{question['pk']}/"),
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


def _message_id(recipient_id: int, rows: list[DigestRow]) -> str:
    # Derived from the rows it reports, so a digest resent after a crash keeps its identity.
    digest = hashlib.sha256(",".join(str(r.pk) for r in rows).encode()).hexdigest()[:24]
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<review-digest.{recipient_id}.{digest}@{host}>"


def build_digest(
    *, recipient: AbstractBaseUser, rows: list[DigestRow], now: dt.datetime
) -> EmailMultiAlternatives:
    """One email listing every item in `rows`, in text and HTML, each with its own link."""
    sections: dict[str, list] = defaultdict(list)
    links = _ReviewLinks(recipient.pk)
    for row in rows:
        sections[SECTIONS[row.stage]].append(_item(row, links, now))
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
