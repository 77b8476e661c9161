"""The admin's "Extract predictions" page for a Source.

The editor gives the article (pasted, uploaded HTML or fetched from the source's URL), sees
the assistant's candidates with checkboxes and editable fields, and confirms a selection.
Confirming creates or matches experts and questions and records the predictions in one
transaction (forecasts.extraction.drafts.confirm_candidates); nothing is recorded otherwise.
"""

import datetime as dt
import functools
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms import formset_factory
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone

from forecasts import services
from forecasts.admin.base import TopicNamesField, refuse_over_long_text
from forecasts.extraction import drafts, service
from forecasts.extraction.candidates import Candidate, resolution_criteria
from forecasts.extraction.errors import ExtractionInputError
from forecasts.extraction.text import MAX_UPLOAD_BYTES
from forecasts.extraction.unproposed import Unproposed
from forecasts.models import Source
from forecasts.selectors.similar import SimilarQuestion, similar_questions


class ArticleInputForm(forms.Form):
    """Where the article comes from: one of the three."""

    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 8, "cols": 100}), required=False)
    html_file = forms.FileField(label="or upload an HTML page", required=False)
    fetch_url = forms.BooleanField(label="or fetch the source's URL", required=False)


class NewArticleForm(forms.Form):
    """An article not yet recorded as a source: its text or its URL, and what it cannot say."""

    text = forms.CharField(
        label="Paste the text",
        widget=forms.Textarea(attrs={"rows": 10, "cols": 100}),
        required=False,
    )
    url = forms.URLField(label="or its URL", max_length=1000, required=False, assume_scheme="https")
    title = forms.CharField(
        max_length=500, required=False, help_text="Blank: the page's title, or the first line."
    )
    outlet = forms.CharField(max_length=200, required=False)
    published_on = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Blank: the page's own date, if it gives one.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        refuse_over_long_text(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if bool(data.get("text", "").strip()) == bool(data.get("url")):
            raise ValidationError("Paste the article's text or give its URL (one of the two).")
        return data


def first_line(text: str, limit: int = 120) -> str:
    """A pasted article's first line as its title, cut at a word within `limit` characters."""
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    if len(line) <= limit:
        return line
    return line[:limit].rsplit(" ", 1)[0] + "…"


class CandidateForm(forms.Form):
    """A candidate as proposed, or a sentence to check, for the editor to confirm."""

    selected = forms.BooleanField(label="Confirm", required=False)
    speaker = forms.CharField(max_length=200, required=False)
    question_title = forms.CharField(
        max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 50})
    )
    resolution_criteria = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4, "cols": 50})
    )
    topics = TopicNamesField(label="Topics of the new question")
    deadline = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    probability = forms.CharField(
        max_length=100, required=False, help_text="0.7, 70% or a phrase of the table"
    )
    quote = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 40}))
    # One of the similar open questions offered beside the candidate (radio buttons in the
    # template); empty: record a new question from the title and criteria.
    attach_to = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        refuse_over_long_text(self)
        # A sentence to check (unproposed.py), not a candidate: the editor writes its question.
        # Set by the view from the row's place after the candidates, never from the request.
        self.from_sentence = False

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        title, deadline = data.get("question_title"), data.get("deadline")
        if self.from_sentence and title and deadline and not data.get("resolution_criteria"):
            # a sentence to check has no proposed terms: the assistant's usual ones for the title
            data["resolution_criteria"] = resolution_criteria(
                title, data.get("quote", ""), data.get("speaker", ""), deadline
            )
        if data.get("selected"):
            needed = ("speaker", "question_title", "resolution_criteria", "deadline")
            if self.from_sentence:  # its criteria come with the title (above)
                needed = ("speaker", "question_title", "deadline")
            if data.get("attach_to"):
                needed = ("speaker",)  # the existing question brings its own terms
            for name in needed:
                if not data.get(name):
                    self.add_error(name, "Needed to confirm this candidate.")
            if not (data.get("probability") or "").strip():
                self.add_error("probability", "Set a probability: the words map to no number.")
        return data

    def confirmed(self, proposed: Candidate | None = None) -> drafts.ConfirmedCandidate:
        """The row as edited; a title the assistant flagged stays refused until rewritten."""
        data = self.cleaned_data
        flagged = proposed is not None and proposed.needs_editing
        criteria = data["resolution_criteria"]
        if proposed is not None:  # the proposed criteria quote the proposed title
            criteria = drafts.criteria_as_edited(
                criteria,
                proposed=proposed.as_dict(),
                title=data["question_title"],
                deadline=data["deadline"],
                speaker=data["speaker"],
            )
        return drafts.ConfirmedCandidate(
            flagged_title=proposed.question_title if flagged else "",
            editing_reasons=proposed.editing_reasons if flagged else (),
            speaker=data["speaker"],
            question_title=data["question_title"],
            resolution_criteria=criteria,
            deadline=data["deadline"],
            probability=data["probability"],
            quote=data["quote"],
            question_id=data.get("attach_to"),
            topics=tuple(data["topics"]),
        )


CandidateFormSet = formset_factory(CandidateForm, extra=0)


def candidate_initial(candidate: Candidate) -> dict[str, Any]:
    # The phrase, not the number, so that the stored basis stays verbal or bare assertion.
    probability = candidate.phrase if candidate.probability is not None else ""
    return {
        "selected": False,  # an editor ticks each one: nothing is published by default
        "speaker": candidate.speaker,
        "question_title": candidate.question_title,
        "resolution_criteria": candidate.resolution_criteria,
        "deadline": dt.date.fromisoformat(candidate.suggested_deadline),
        "probability": probability,
        "quote": candidate.quote,
    }


def sentence_initial(sentence: Unproposed, source: Source) -> dict[str, Any]:
    """A sentence to check as an empty row: its words as the quote, its speaker if one was
    found, the default deadline; the question and the probability are the editor's."""
    if sentence.plan is not None:  # read as a plan: its question, for the editor to judge
        return candidate_initial(sentence.plan)
    published = source.published_on or timezone.localdate()
    return {
        "selected": False,
        "speaker": sentence.speaker,
        "question_title": "",
        "resolution_criteria": "",
        "deadline": published + dt.timedelta(days=settings.EXTRACTION_DEFAULT_HORIZON_DAYS),
        "probability": "",
        "quote": sentence.sentence,
    }


def _review(source: Source) -> tuple[list[Candidate], list[Unproposed]]:
    if not source.text.strip():
        return [], []
    # undated: today, in the key too, so that a reading does not outlive its day
    candidates, sentences = _read(source.text, source.published_on or timezone.localdate())
    return list(candidates), list(sentences)


@functools.lru_cache(maxsize=8)
def _read(text: str, published_on: dt.date) -> tuple[tuple[Candidate, ...], tuple[Unproposed, ...]]:
    """One reading per text and date: a confirming post needs it three times (to tell the
    sentence rows, to match rows with candidates, to show the page again). Extraction is
    deterministic, and what it returns is immutable."""
    candidates, sentences = service.for_review(text, published_on=published_on)
    return tuple(candidates), tuple(sentences)


def _similar_to(form: CandidateForm) -> list[SimilarQuestion]:
    """The open questions like this candidate's (as edited, else as proposed)."""
    data = form.cleaned_data if form.is_bound and hasattr(form, "cleaned_data") else form.initial
    title = data.get("question_title") or ""
    return similar_questions(title, deadline=data.get("deadline"), limit=3) if title else []


class SourceExtractionMixin:
    """Adds /admin/forecasts/source/<id>/extract/ and its button to SourceAdmin."""

    change_form_template = "admin/forecasts/source/change_form.html"

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.extract_view)  # type: ignore[attr-defined]
        extract = path("<int:source_id>/extract/", view, name="forecasts_source_extract")
        new_view = self.admin_site.admin_view(self.extract_new_view)  # type: ignore[attr-defined]
        new = path("extract/", new_view, name="forecasts_source_extract_new")
        return [new, extract, *super().get_urls()]  # type: ignore[misc]

    def extract_new_view(self, request: HttpRequest) -> HttpResponse:
        """Paste an article or give its URL: the source is created from it (matched by URL
        when already recorded) and its candidates shown."""
        if not request.user.has_perm("forecasts.add_prediction"):
            raise PermissionDenied
        form = NewArticleForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            source = self._source_from_article(form)
            if source is not None:
                return HttpResponseRedirect(
                    reverse("admin:forecasts_source_extract", args=[source.pk])
                )
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "opts": Source._meta,
            "title": "Extract predictions from an article",
            "form": form,
        }
        return TemplateResponse(request, "admin/forecasts/extraction/new_article.html", context)

    def _source_from_article(self, form: NewArticleForm) -> Source | None:
        data = form.cleaned_data
        try:
            article, fetched = service.read_input(
                text=data["text"] or None, url=data["url"] or None
            )
            with transaction.atomic():
                source = services.get_or_create_source(
                    title=data["title"] or article.title or first_line(article.text),
                    url=fetched or data["url"],
                    outlet=data["outlet"],
                    published_on=data["published_on"] or article.published_on,
                )
                return drafts.store_source_text(source=source, text=article.text)
        except (ExtractionInputError, ValidationError) as exc:
            form.add_error(None, " ".join(getattr(exc, "messages", [str(exc)])))
            return None

    def extract_view(self, request: HttpRequest, source_id: int) -> HttpResponse:
        source = get_object_or_404(Source, pk=source_id)
        if not request.user.has_perm("forecasts.add_prediction"):
            raise PermissionDenied
        input_form = ArticleInputForm()
        if request.method == "POST" and "read_article" in request.POST:
            input_form = ArticleInputForm(request.POST, request.FILES)
            if input_form.is_valid() and self._read_article(request, source, input_form):
                return HttpResponseRedirect(request.path)
        elif request.method == "POST":
            formset = CandidateFormSet(request.POST, prefix="candidate")
            proposed = len(_review(source)[0])
            for index, form in enumerate(formset.forms):
                form.from_sentence = index >= proposed
            if formset.is_valid() and self._confirm(request, source, formset):
                return HttpResponseRedirect(
                    reverse("admin:forecasts_source_change", args=[source.pk])
                )
            return self._render(request, source, formset, input_form)
        return self._render(request, source, self._formset(source), input_form)

    def _formset(self, source: Source) -> Any:
        if not source.text.strip():
            return None
        candidates, sentences = _review(source)
        initial = [candidate_initial(c) for c in candidates]
        initial += [sentence_initial(s, source) for s in sentences]
        formset = CandidateFormSet(initial=initial, prefix="candidate")
        for form in formset.forms[len(candidates) :]:
            form.from_sentence = True
        return formset

    def _read_article(self, request: HttpRequest, source: Source, form: ArticleInputForm) -> bool:
        data = form.cleaned_data
        upload = data.get("html_file")
        try:
            extraction = service.extract(
                text=data["text"] or None,
                html=upload.read(MAX_UPLOAD_BYTES + 1) if upload else None,
                url=source.url if data["fetch_url"] else None,
                published_on=source.published_on,
            )
        except ExtractionInputError as exc:
            form.add_error(None, str(exc))
            return False
        drafts.store_source_text(source=source, text=extraction.article.text)
        count, checks = len(extraction.candidates), len(extraction.to_check)
        messages.success(
            request,
            f"The article text is kept on the source; {count} candidate{pluralize(count)} and "
            f"{checks} sentence{pluralize(checks)} to check.",
        )
        return True

    def _confirm(self, request: HttpRequest, source: Source, formset: Any) -> bool:
        # Extraction is deterministic: the forms line up with the candidates as proposed, then
        # with the sentences to check (a plan's as it was read, to follow an edited title).
        candidates, sentences = _review(source)
        proposed = candidates + [s.plan for s in sentences]
        rows = [
            f.confirmed(proposed[i] if i < len(proposed) else None)
            for i, f in enumerate(formset.forms)
            if f.cleaned_data.get("selected")
        ]
        if not rows:
            messages.warning(request, "No candidate was ticked; nothing was recorded.")
            return False
        try:
            predictions = drafts.confirm_candidates(source=source, rows=rows, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages) + " Nothing was recorded.")
            return False
        count = len(predictions)
        messages.success(
            request, f"Recorded {count} prediction{pluralize(count)} from this source."
        )
        return True

    def _render(
        self, request: HttpRequest, source: Source, formset: Any, input_form: ArticleInputForm
    ) -> TemplateResponse:
        # Extraction is deterministic, so the candidates, then the sentences to check, line up
        # with the posted forms.
        candidates, sentences = _review(source)
        forms_ = formset.forms if formset else []
        rows = [
            (form, candidates[i] if i < len(candidates) else None, _similar_to(form))
            for i, form in enumerate(forms_[: len(candidates)])
        ]
        checks = [
            (form, sentences[i] if i < len(sentences) else None, _similar_to(form))
            for i, form in enumerate(forms_[len(candidates) :])
        ]
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "opts": Source._meta,
            "original": source,
            "title": f"Extract predictions: {source}",
            "formset": formset,
            "rows": rows,
            "checks": checks,
            "input_form": input_form,
        }
        return TemplateResponse(request, "admin/forecasts/extraction/candidates.html", context)
