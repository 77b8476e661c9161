"""Experts, sources and topics: the reference rows predictions point to."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminURLFieldWidget
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.forms.fields import InvalidJSONInput
from django.http import HttpRequest

from forecasts import services
from forecasts.admin.base import (
    CurrentPredictionCountMixin,
    DisplayInline,
    ServiceModelAdmin,
    ServiceModelForm,
)
from forecasts.admin.extraction import SourceExtractionMixin
from forecasts.admin.merges import AliasesField, merge_selected_experts
from forecasts.admin.search import ExpertSearchMixin
from forecasts.admin.source_log import SourceLogMixin
from forecasts.models import DetailsRevision, Expert, Source, Topic
from forecasts.naming import source_url_key
from forecasts.services.records import plausibility


class LinksJSONField(forms.JSONField):
    """JSON nested too deeply for Python's parser is a form error, not a 500."""

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except RecursionError:
            raise forms.ValidationError("This JSON is nested too deeply to read.") from None

    def bound_data(self, data: Any, initial: Any) -> Any:
        try:
            return super().bound_data(data, initial)
        except RecursionError:
            return InvalidJSONInput(data)


class ExpertLinksMixin(forms.ModelForm):
    def clean_links(self) -> list[str]:
        links = self.cleaned_data["links"] or []
        if not isinstance(links, list) or not all(isinstance(link, str) for link in links):
            raise forms.ValidationError('Give a list of URLs, e.g. ["https://example.org/a"].')
        # The expert page makes each link an <a href>: a javascript: URL would run there.
        for link in links:
            try:
                URLValidator(schemes=["http", "https"])(link)
            except forms.ValidationError:
                message = f"{link!r} is not a web address (http or https)."
                raise forms.ValidationError(message) from None
        return links


class ExpertCreateForm(ExpertLinksMixin, ServiceModelForm):
    class Meta:
        model = Expert
        fields = ["name", "aliases", "affiliation", "bio", "links"]
        field_classes = {"links": LinksJSONField, "aliases": AliasesField}

    def submit(self, cleaned_data: dict[str, Any]) -> Expert:
        return services.create_expert(
            name=cleaned_data["name"],
            aliases=cleaned_data["aliases"],
            affiliation=cleaned_data["affiliation"],
            bio=cleaned_data["bio"],
            links=cleaned_data["links"],
        )


def reason_field() -> forms.CharField:
    return forms.CharField(
        label="Reason for the change",
        required=False,
        max_length=500,
        help_text="Kept with the change in this row's history, e.g. “Moved to the Harbour "
        "Institute”.",
    )


def _plausible(check: Callable[[str], None], value: str) -> str:
    """Run a plausibility check on a form's field: for pages that save without a service
    call (edits call one only after the form is valid, adds of sources and topics none)."""
    try:
        check(value)
    except ValidationError as exc:
        raise forms.ValidationError(" ".join(exc.messages)) from None
    return value


class ExpertChangeForm(ExpertLinksMixin, forms.ModelForm):
    reason = reason_field()

    def clean_name(self) -> str:
        return _plausible(plausibility.check_expert_name, self.cleaned_data["name"])

    class Meta:
        model = Expert
        fields = ["name", "aliases", "affiliation", "bio", "links"]
        field_classes = {"links": LinksJSONField, "aliases": AliasesField}


class DetailsRevisionInline(DisplayInline):
    model = DetailsRevision
    verbose_name_plural = "history of these details"
    fields = ["version", "details", "reason", "changed_by", "changed_at"]
    readonly_fields = fields
    ordering = ["-version"]


class VersionedDetailsAdmin(admin.ModelAdmin):
    """Change pages save through services.edit_expert / edit_source (a numbered revision with
    the user and the form's reason) and list the history; adding is unchanged."""

    def get_inlines(self, request: HttpRequest, obj: Expert | Source | None = None) -> list:
        return [] if obj is None else [DetailsRevisionInline]

    def save_model(
        self, request: HttpRequest, obj: Expert | Source, form: forms.ModelForm, change: bool
    ) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        edit = services.edit_expert if isinstance(obj, Expert) else services.edit_source
        changes = {name: getattr(obj, name) for name in form.changed_data if name != "reason"}
        edited = edit(obj, changed_by=request.user, reason=form.cleaned_data["reason"], **changes)
        obj.__dict__.update(edited.__dict__)


@admin.register(Expert)
class ExpertAdmin(
    ExpertSearchMixin, CurrentPredictionCountMixin, VersionedDetailsAdmin, ServiceModelAdmin
):
    add_form = ExpertCreateForm
    change_form = ExpertChangeForm
    list_display = ["name", "affiliation", "slug", "prediction_count", "merged_into"]
    search_fields = ["name", "aliases", "affiliation"]  # see ExpertSearchMixin
    ordering = ["name", "id"]
    prediction_owner = "expert"
    actions = [merge_selected_experts]

    def has_merge_permission(self, request: HttpRequest) -> bool:
        """Merging rewrites whose record a forecast is part of: admins only."""
        return request.user.is_superuser

    def get_fields(self, request: HttpRequest, obj: Expert | None = None) -> list[str]:
        fields = ["name", "aliases", "affiliation", "bio", "links"]
        # The slug is made from the name once (with a suffix if taken) and is then a public URL.
        return fields if obj is None else ["name", "slug", *fields[1:], "merged_into", "reason"]

    def get_readonly_fields(self, request: HttpRequest, obj: Expert | None = None) -> tuple:
        return () if obj is None else ("slug", "merged_into")

    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str) -> Any:
        # The autocomplete of prediction forms offers no expert that was merged away.
        if request.path.endswith("/autocomplete/"):
            queryset = queryset.filter(merged_into__isnull=True)
        return super().get_search_results(request, queryset, search_term)


class SourceForm(forms.ModelForm):
    url = forms.URLField(
        label="URL",
        max_length=1000,
        required=False,
        assume_scheme="https",
        widget=AdminURLFieldWidget,
    )

    class Meta:
        model = Source
        fields = ["kind", "title", "outlet", "via", "url", "published_on", "text"]

    def clean_title(self) -> str:
        return _plausible(plausibility.check_source_title, self.cleaned_data["title"])

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        if url == self.instance.url:  # as recorded: left as it is
            return url
        url = source_url_key(url)  # matched, and stored, by its key (services.find_source_by_url)
        same = services.find_source_by_url(url)
        if url and same and same.pk != self.instance.pk:
            raise forms.ValidationError(f"This URL is already the source “{same}”.")
        self.instance.url_key = url  # for an added source; a change saves through edit_source
        return url


class SourceChangeForm(SourceForm):
    reason = reason_field()


@admin.register(Source)
class SourceAdmin(SourceLogMixin, SourceExtractionMixin, VersionedDetailsAdmin):
    form = SourceForm
    list_display = ["title", "outlet", "kind", "published_on", "url"]
    list_filter = ["kind", "outlet"]
    search_fields = ["title", "outlet", "url"]
    date_hierarchy = "published_on"

    def get_form(
        self, request: HttpRequest, obj: Source | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        if obj is not None:
            kwargs["form"] = SourceChangeForm
        return super().get_form(request, obj, change=change, **kwargs)


class TopicForm(forms.ModelForm):
    class Meta:
        model = Topic
        fields = ["name", "slug"]

    def clean_name(self) -> str:
        return _plausible(plausibility.check_topic_name, self.cleaned_data["name"])


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    form = TopicForm
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
