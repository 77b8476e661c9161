"""The review digest email and the signed links it carries.

A review link names a question and the user it was sent to, signed and time-stamped; it opens
the item but logs nobody in. An unsubscribe link names a user, signed without expiry: an
unsubscribe link must keep working as long as the mail that carries it can be read.
"""

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable
from typing import NamedTuple
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

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
    """One claimed reminder the digest reports."""

    pk: int
    stage: str
    question_id: int


# question ids → {question id: {"pk", "title", "deadline", "due_at"}}, for the items shown.
QuestionDetails = Callable[[list[int]], dict[int, dict]]


STAGE_LABELS = {value: str(label) for value, label in Stage.choices}


class _ReviewLinks:
    """Review links for one recipient, byte for byte what review_link makes, built in bulk.

    A digest can list thousands of questions. Django's TimestampSigner.sign_object would, per
    link, derive the HMAC key again (salted_hmac), serialize with json.dumps, read the clock
    and resolve the URL. The token is base64(JSON) ":" timestamp ":" base64(HMAC-SHA256(key,
    base64(JSON) ":" timestamp)); here the key, the timestamp (one per digest) and the URL
    around the token are made once and each link costs one HMAC. read_review_token reads these
    tokens like any other (tests/services/reviews/test_sweep_scale.py checks both ways).
    """

    PLACEHOLDER = "TOKEN"

    def __init__(self, user_id: int, signed_at: dt.datetime | None = None) -> None:
        self.user_id = user_id
        signer = signing.TimestampSigner(salt=REVIEW_LINK_SALT)
        self.sep = signer.sep
        # Signed at the pass's time when given, so a digest sent again (its first send was not
        # recorded) is byte for byte the first; the clock, read mid-pass, could tick between.
        self.timestamp = (
            signing.b62_encode(int(signed_at.timestamp())) if signed_at else signer.timestamp()
        )
        self._mac = salted_hmac(signer.salt + "signer", b"", signer.key, algorithm=signer.algorithm)
        path = reverse("review:open", args=[self.PLACEHOLDER])
        self.prefix, self.suffix = absolute(path).rsplit(self.PLACEHOLDER, 1)

    def token(self, question_id: int) -> str:
        # What JSONSerializer writes for {"q": …, "u": …}: compact separators, keys in order.
        data = f'{{"q":{int(question_id)},"u":{int(self.user_id)}}}'.encode()
        value = f"{signing.b64_encode(data).decode()}{self.sep}{self.timestamp}"
        mac = self._mac.copy()
        mac.update(value.encode())
        return f"{value}{self.sep}{signing.b64_encode(mac.digest()).decode()}"

    def __call__(self, question_id: int) -> str:
        return f"{self.prefix}{self.token(question_id)}{self.suffix}"


class _Item(NamedTuple):
    title: str
    deadline: str
    stage: str
    overdue: str  # "" or "3 days since it fell due"
    link: str


def _item(row: DigestRow, question: dict, links: _ReviewLinks, now: dt.datetime) -> _Item:
    due_at = question["due_at"]
    days = (now - due_at).days if due_at else 0
    overdue = f"{days} day{'s' if days != 1 else ''} since it fell due" if days else ""
    link = (
        links(question["pk"])
        if SECTIONS[row.stage] != "heads_up"
        else absolute(f"/questions/{question['pk']}/")
    )
    deadline = question["deadline"]
    return _Item(
        title=question["title"],
        deadline=deadline.isoformat() if deadline else "",
        stage=STAGE_LABELS[row.stage],
        overdue=overdue,
        link=link,
    )


# The item lists are written here, not in the templates: a digest can list thousands of
# items and the template engine costs ~50 µs of CPU per item, these f-strings ~2 µs. The
# templates keep the frame (greeting, headings, footer). HTML escapes every field.
def _more(section: str, more: int) -> str:
    """The line closing a section cut at DIGEST_MAX_ITEMS."""
    where = "" if section == "heads_up" else ", oldest first, in your review queue"
    return f"... and {more:,} more{where}."


def _text_items(section: str, items: list[_Item], more: int = 0) -> str:
    lines = []
    for i in items:
        lines.append(f"\n- {i.title}\n")
        if section == "waiting":
            note = f" ({i.overdue})" if i.overdue else ""
            lines.append(f"  Deadline {i.deadline}; {i.stage.lower()}{note}.\n")
            lines.append(f"  Review it: {i.link}\n")
        elif section == "escalated":
            note = f", {i.overdue}" if i.overdue else ""
            lines.append(f"  {i.stage}{note}.\n  Open it: {i.link}\n")
        else:
            lines.append(f"  Deadline {i.deadline}: {i.link}\n")
    if more:
        lines.append(f"\n{_more(section, more)}\n")
    return "".join(lines)


def _html_items(section: str, items: list[_Item], more: int = 0) -> SafeString:
    out = []
    for i in items:
        link = f'<a href="{escape(i.link)}">{escape(i.title)}</a>'
        if section == "waiting":
            note = f" ({i.overdue})" if i.overdue else ""
            detail = f"Deadline {i.deadline}; {escape(i.stage.lower())}{note}."
            out.append(f"<li>{link}<br>\n{detail}</li>\n")
        elif section == "escalated":
            note = f", {i.overdue}" if i.overdue else ""
            out.append(f"<li>{link}<br>\n{escape(i.stage)}{note}.</li>\n")
        else:
            out.append(f"<li>{link}, deadline {i.deadline}</li>\n")
    if more:
        out.append(f"<li>{escape(_more(section, more))}</li>\n")
    return mark_safe("".join(out))  # noqa: S308 - every field above went through escape()


def _subject(counts: dict[str, int]) -> str:
    parts = []
    if n := counts["waiting"]:
        parts.append(f"{n} question{'s' if n > 1 else ''} waiting for your verdict")
    if n := counts["escalated"]:
        parts.append(f"{n} escalated review{'s' if n > 1 else ''}")
    if n := counts["heads_up"]:
        parts.append(f"{n} deadline{'s' if n > 1 else ''} coming up")
    return "Forecast Ledger: " + ", ".join(parts)


def _message_id(recipient_id: int, rows: list[DigestRow]) -> str:
    # Derived from the rows it reports, so a digest resent after a crash keeps its identity.
    digest = hashlib.sha256(",".join(str(r.pk) for r in rows).encode()).hexdigest()[:24]
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<review-digest.{recipient_id}.{digest}@{host}>"


def build_digest(
    *,
    recipient: AbstractBaseUser,
    rows: list[DigestRow],
    now: dt.datetime,
    questions: QuestionDetails,
) -> EmailMultiAlternatives:
    """One email reporting every item in `rows`, in text and HTML: per section, the first
    DIGEST_MAX_ITEMS (`rows` come most urgent first) each with its own link, then how many
    more wait in the review queue. `questions` loads the details of the items shown only."""
    names = ("waiting", "escalated", "heads_up")
    counts = dict.fromkeys(names, 0)
    shown: list[DigestRow] = []
    for row in rows:
        section = SECTIONS[row.stage]
        counts[section] += 1
        if counts[section] <= settings.DIGEST_MAX_ITEMS:
            shown.append(row)
    details = questions(sorted({row.question_id for row in shown}))
    links = _ReviewLinks(recipient.pk, signed_at=now)
    sections: dict[str, list[_Item]] = defaultdict(list)
    for row in shown:
        sections[SECTIONS[row.stage]].append(_item(row, details[row.question_id], links, now))
    queue_url = absolute(reverse("review:queue"))
    unsubscribe = unsubscribe_link(user_id=recipient.pk)
    more = {name: max(0, counts[name] - settings.DIGEST_MAX_ITEMS) for name in names}
    context = {
        "recipient": recipient,
        **counts,
        **{f"{name}_text": _text_items(name, sections[name], more[name]) for name in names},
        **{f"{name}_html": _html_items(name, sections[name], more[name]) for name in names},
        "queue_url": queue_url,
        "preferences_url": absolute(reverse("review:preferences")),
        "unsubscribe_url": unsubscribe,
    }
    message = EmailMultiAlternatives(
        subject=_subject(counts),
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
