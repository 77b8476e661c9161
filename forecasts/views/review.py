"""The review queue: what waits on me, and the verdict form. Also the links digests carry.

Views parse and render only; verdicts go through services.reviews.submit_verdict, the same
call the API makes, so the page and the API answer with the same rules and messages. A verdict
is permanent (superseded, never edited), so the page records it only once the reviewer has
seen it summed up and confirmed it; the API records at once, as its contract says.
"""

import datetime as dt
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from forecasts.models import Prediction, Question, Review, ReviewAssignment
from forecasts.services.reviews import digests, reminders
from forecasts.services.reviews.verdicts import (
    VerdictConflict,
    involved_user_ids,
    involvement,
    is_reviewer,
    submit_verdict,
    take_question,
)
from forecasts.views.pagination import page_links
from forecasts.views.verdict_input import verdict_input_errors

FIELDS = ("outcome", "evidence_url", "note", "reason")
QUEUE_PAGE_SIZE = 20  # each item carries its predictions and a verdict form
ESCALATED_PAGE_SIZE = 50
UNCLAIMED_PAGE_SIZE = 20


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> TemplateResponse:
    return TemplateResponse(request, f"forecasts/review/{template}", context, status=status)


def reviewers_only(view):  # noqa: ANN001, ANN201 - a decorator
    """Log in first (the admin login page), then only reviewers and admins get through."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_reviewer(request.user):
            return _render(request, "forbidden.html", {}, status=403)
        return view(request, *args, **kwargs)

    return wrapped


def _with_details(questions: QuerySet) -> QuerySet:
    predictions = Prediction.objects.current().select_related("expert", "source")
    return questions.prefetch_related(
        Prefetch("predictions", queryset=predictions.order_by("expert__name", "-made_on")),
        Prefetch("reviews", queryset=Review.objects.select_related("reviewer")),
    )


def _my_queue(user) -> QuerySet:  # noqa: ANN001
    waiting = ReviewAssignment.objects.filter(
        reviewer=user,
        state=ReviewAssignment.State.PENDING,
        question__status=Question.Status.DUE,
        round=F("question__review_round"),
    ).values("question_id")
    return _with_details(Question.objects.filter(pk__in=waiting)).order_by(
        F("due_at").asc(nulls_last=True), "deadline", "pk"
    )


def _unclaimed() -> QuerySet:
    """Due questions that fewer reviewers hold than their verdicts need: anyone eligible may
    take one (services.reviews.take_question). The sweep never assigns anyone involved in a
    question, and involvement cancels an assignment, so holders are eligible reviewers."""
    held = Q(
        assignments__state__in=[ReviewAssignment.State.PENDING, ReviewAssignment.State.DONE],
        assignments__round=F("review_round"),
    )
    return (
        Question.objects.filter(status=Question.Status.DUE)
        .annotate(held=Count("assignments", filter=held))
        .filter(held__lt=settings.REVIEWS_REQUIRED)
        .order_by(F("due_at").asc(nulls_last=True), "pk")
    )


def _admin_queue() -> QuerySet:
    """Disputed questions, and due ones overdue past the escalation delay or unassigned."""
    cutoff = timezone.now() - dt.timedelta(days=settings.ESCALATION_AFTER_DAYS)
    pending = Q(
        assignments__state=ReviewAssignment.State.PENDING, assignments__round=F("review_round")
    )
    due = Question.objects.annotate(pending_count=Count("assignments", filter=pending))
    escalated = due.filter(
        Q(status=Question.Status.DISPUTED)
        | Q(status=Question.Status.DUE) & (Q(due_at__lte=cutoff) | Q(pending_count=0))
    )
    return _with_details(escalated).order_by(F("due_at").asc(nulls_last=True), "pk")


@reviewers_only
@require_http_methods(["GET"])
def queue(request: HttpRequest) -> HttpResponse:
    """Everything waiting on me, oldest due first, a page at a time (a digest can point at
    thousands); admins also see escalations, paged on their own."""
    questions = Paginator(_my_queue(request.user), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    unclaimed = Paginator(_unclaimed(), UNCLAIMED_PAGE_SIZE).get_page(
        request.GET.get("unclaimed_page")
    )
    involved = involved_user_ids([q.pk for q in unclaimed])
    context = {
        "questions": questions,
        "pages": page_links(request, "page", questions),
        "is_admin": request.user.is_superuser,
        "unclaimed": unclaimed,
        "unclaimed_pages": page_links(request, "unclaimed_page", unclaimed),
        "takeable": {q.pk for q in unclaimed if request.user.pk not in involved[q.pk]},
    }
    if request.user.is_superuser:
        escalated = Paginator(_admin_queue(), ESCALATED_PAGE_SIZE).get_page(
            request.GET.get("escalated_page")
        )
        context |= {
            "escalated": escalated,
            "escalated_pages": page_links(request, "escalated_page", escalated),
        }
    return _render(request, "queue.html", context)


@reviewers_only
@require_http_methods(["GET", "POST"])
def question_review(request: HttpRequest, pk: int) -> HttpResponse:
    """One question with its predictions and verdicts; POST gives a verdict."""
    question = _with_details(Question.objects.filter(pk=pk)).first()
    if question is None:
        raise Http404("No such question.")
    if request.method == "GET":
        return _item_page(request, question)
    values = {name: request.POST.get(name, "") for name in FIELDS}
    if "change" in request.POST:
        return _item_page(request, question, values)
    if request.POST.get("confirm") != "yes":
        return _confirm_page(request, question, values)
    if request.POST.get("verdicts_seen") != str(len(question.reviews.all())):
        # A verdict came in between the summary and the confirmation (or this is the
        # confirmation sent twice): sum up the question as it stands and ask again.
        return _confirm_page(request, question, values, changed=True)
    try:
        submit_verdict(question=question, reviewer=request.user, **values)
    except PermissionDenied as exc:
        return _item_page(request, question, values, {"__all__": [str(exc)]}, 403)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return _item_page(request, question, values, errors, 400)
    except VerdictConflict as exc:
        return _item_page(request, question, values, {"__all__": [str(exc)]}, 409)
    question.refresh_from_db()
    messages.success(request, _outcome_message(question))
    return redirect("review:queue")


@reviewers_only
@require_http_methods(["POST"])
def take(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a due question nobody eligible holds: it becomes yours to judge."""
    question = Question.objects.filter(pk=pk).first()
    if question is None:
        raise Http404("No such question.")
    try:
        _assignment, created = take_question(question=question, reviewer=request.user)
    except PermissionDenied as exc:
        return _item_page(request, _detailed(pk), errors={"__all__": [str(exc)]}, status=403)
    except VerdictConflict as exc:
        return _item_page(request, _detailed(pk), errors={"__all__": [str(exc)]}, status=409)
    held = "now" if created else "already"
    messages.success(request, f"“{question.title}” is yours to review {held}.")
    return redirect("review:question", pk=pk)


def _confirm_page(
    request: HttpRequest, question: Question, values: dict[str, str], *, changed: bool = False
) -> TemplateResponse:
    """The verdict summed up, to be confirmed before it is recorded; nothing is written.

    A verdict from someone involved in the question, or one without an outcome or the evidence
    it needs, comes back on the form at once; the service checks it all again on confirming,
    with the question's state.
    """
    not_independent = involvement(question, request.user)
    if not_independent:
        return _item_page(request, question, values, {"__all__": [not_independent]}, 403)
    errors = verdict_input_errors(values)
    if errors:
        return _item_page(request, question, values, errors, 400)
    outcome = values["outcome"].strip().lower()
    evidence_url = values["evidence_url"].strip()
    context = {
        "question": question,
        "values": values,
        "outcome": Question.Outcome(outcome),
        "evidence_url": evidence_url,
        "verdicts_seen": len(question.reviews.all()),
        "re_resolving": request.user.is_superuser and question.is_settled,
        "is_admin": request.user.is_superuser,
        "changed": changed,
    }
    return _render(request, "confirm.html", context, status=409 if changed else 200)


def _detailed(pk: int) -> Question:
    return _with_details(Question.objects.filter(pk=pk)).get()


def _outcome_message(question: Question) -> str:
    if question.is_settled:
        return f"Thank you. “{question.title}” is now {question.get_status_display().lower()}."
    if question.status == Question.Status.DISPUTED:
        return f"Thank you. Reviewers disagree on “{question.title}”; the admins are told."
    return f"Thank you. Your verdict on “{question.title}” is recorded; more are needed."


def _item_page(
    request: HttpRequest,
    question: Question,
    values: dict[str, str] | None = None,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> TemplateResponse:
    user = request.user
    assigned = question.assignments.filter(
        reviewer=user, round=question.review_round, state=ReviewAssignment.State.PENDING
    ).exists()
    not_independent = involvement(question, user)
    due = question.status == Question.Status.DUE
    takeable = (
        due and not assigned and not user.is_superuser and not not_independent
    ) and _unclaimed().filter(pk=question.pk).exists()
    context = {
        "question": question,
        "values": values or {},
        "errors": errors or {},
        "assigned": assigned,
        "not_independent": not_independent,
        "takeable": takeable,
        "can_give_verdict": not not_independent
        and (
            (due and (assigned or user.is_superuser))
            or (user.is_superuser and question.status != Question.Status.OPEN)
        ),
        "re_resolving": user.is_superuser and question.is_settled,
        "is_admin": user.is_superuser,
    }
    return _render(request, "question.html", context, status=status)


@require_http_methods(["GET"])
def open_link(request: HttpRequest, token: str) -> HttpResponse:
    """A digest's one-click link: opens the item for the person it was sent to.

    It logs nobody in: a forwarded email must not hand over the account.
    """
    try:
        question_id, user_id = digests.read_review_token(token)
    except signing.BadSignature:
        return _render(request, "bad_link.html", {}, status=400)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.user.pk != user_id:
        return _render(request, "forbidden.html", {"wrong_account": True}, status=403)
    return redirect(reverse("review:question", args=[question_id]))


@csrf_exempt  # the signed token is the credential; RFC 8058 one-click POSTs carry no cookie
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm (link scanners fetch links); POST opts out of non-essential email."""
    try:
        user_id = digests.read_unsubscribe_token(token)
    except (signing.BadSignature, ValueError):
        return _render(request, "bad_link.html", {}, status=400)
    if request.method == "POST":
        if not reminders.set_email_preferences(user_id=user_id, email_opt_out=True):
            return _render(request, "bad_link.html", {}, status=400)
        return _render(request, "unsubscribed.html", {})
    return _render(request, "unsubscribe.html", {"token": token})


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """Heads-ups on or off, and the opt-out of all non-essential email."""
    if request.method == "POST":
        reminders.set_email_preferences(
            user_id=request.user.pk,
            email_opt_out=request.POST.get("email_opt_out") == "on",
            heads_up=request.POST.get("heads_up") == "on",
        )
        messages.success(request, "Your email preferences are saved.")
        return redirect("review:preferences")
    profile = reminders.email_preferences(user_id=request.user.pk)
    return _render(request, "preferences.html", {"profile": profile})
