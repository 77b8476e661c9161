"""Admin building blocks: forms whose save is a service call, display-only inlines and admins.

Services hold the rules (immutability, versioning, dates). The form calls its service as the
last step of validation, inside a savepoint, so a refusal lands on the form's fields (the
editor sees "made on after the deadline" next to the date) instead of surfacing as a server
error after the form was accepted; a refused write leaves nothing behind, such as a question
created for a prediction that was then refused. The admin runs each POST in a transaction,
so the write and its admin log entry commit together.
"""

import csv
from typing import Any, ClassVar

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from forecasts import selectors
from forecasts.services.records import plausibility
from forecasts.services.records.catalogue import TOPIC_NAME_LENGTH

TOO_LONG = (
    "At most %(limit_value)d characters; this has %(show_value)d. Shorten it: nothing is cut "
    "for you."
)


def refuse_over_long_text(form: forms.BaseForm) -> None:
    """Let the server refuse text over a field's length, instead of the browser cutting it.

    Django puts `maxlength` on text inputs, and a browser silently truncates a pasted
    721-character title to 500: the editor never learns the question lost its end. Without
    the attribute the whole text is posted and the form says what to shorten."""
    for field in form.fields.values():
        if isinstance(field, forms.CharField) and field.max_length is not None:
            field.widget.attrs.pop("maxlength", None)
            field.error_messages["max_length"] = TOO_LONG


NEW_QUESTION_TOPICS_HELP = (
    'Separated by commas ("Oil, gas and mining" in double quotes when a name has one); a new '
    "name is added as a topic. For a new question only: a question already on record keeps "
    "its own topics."
)


class TopicNamesField(forms.CharField):
    """Topic names typed with commas between them, cleaned to a list of names (spacing
    tidied, repeats dropped). They become topics only when the question is recorded
    (services.get_or_create_topics), so a refused row leaves no topic behind."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", NEW_QUESTION_TOPICS_HELP)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        # csv reads the commas, so a name with a comma of its own can be typed in double
        # quotes: "Oil, gas and mining", Energy (curly quotes are taken as straight ones).
        text = super().to_python(value).replace("\u201c", '"').replace("\u201d", '"')
        names: dict[str, str] = {}
        for part in next(csv.reader([" ".join(text.split())], skipinitialspace=True), []):
            if name := " ".join(part.split()):
                names.setdefault(name.casefold(), name)
        return list(names.values())

    def prepare_value(self, value: Any) -> Any:
        if not isinstance(value, list | tuple):
            return value
        return ", ".join(f'"{name}"' if "," in name else name for name in value)

    def validate(self, value: Any) -> None:
        super().validate(value)
        for name in value:
            if len(name) > TOPIC_NAME_LENGTH:
                raise ValidationError(
                    f"A topic's name has at most {TOPIC_NAME_LENGTH} characters: "
                    f"\u201c{name[:40]}\u2026\u201d has {len(name)}. Separate topics with commas."
                )
            if problem := plausibility.name_problem(name, what="A topic's name"):
                raise ValidationError(problem)

    def has_changed(self, initial: Any, data: Any) -> bool:
        # An empty box is no change: a blank row of a formset stays blank.
        return self.to_python(self.prepare_value(initial)) != self.to_python(data)


class ServiceModelForm(forms.ModelForm):
    """A ModelForm that saves by calling a service from `submit()`.

    The instance is never written to by the form: ModelForm's own model validation and
    instance update are skipped, because the service validates, and a service that compares
    old and new values must see the stored ones.
    """

    # A service names a field by its own argument name; the form may call it otherwise.
    service_field_names: ClassVar[dict[str, str]] = {}
    # The editor making the change; set per request by ServiceModelAdmin.get_form.
    user: ClassVar[AbstractBaseUser | None] = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        refuse_over_long_text(self)

    def submit(self, cleaned_data: dict[str, Any]) -> models.Model:
        """Call the service; return the saved object. May raise ValidationError."""
        raise NotImplementedError

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean()
        if self._errors:
            return cleaned_data  # the service only ever sees input that parsed
        try:
            with transaction.atomic():
                self.saved = self.submit(cleaned_data)
        except ValidationError as exc:
            self._add_service_error(exc)
        except PermissionDenied as exc:
            # A rule about who may make this change (a late correction, a late consensus):
            # said on the form, with what was typed kept, not a bare 403 page.
            self.add_error(None, str(exc) or "You may not make this change.")
        return cleaned_data

    def _add_service_error(self, exc: ValidationError) -> None:
        existing = getattr(exc, "existing", None)  # a duplicate prediction or question
        if existing is not None:
            name = existing._meta.model_name
            url = reverse(f"admin:forecasts_{name}_change", args=[existing.pk])
            link = format_html('<a href="{}">Open {} {}</a>.', url, name, existing.pk)
            self.add_error(None, format_html("{} {}", exc.messages[0], link))
            return
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for name, errors in exc.error_dict.items():
            field = self.service_field_names.get(name, name)
            self.add_error(field if field in self.fields else None, errors)

    def _post_clean(self) -> None:
        """Skipped on purpose: see the class docstring."""

    def save(self, commit: bool = True) -> models.Model:
        return self.saved

    def save_m2m(self) -> None:
        """The service saved the relations too."""


class ServiceModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose add (and optionally change) form is a ServiceModelForm."""

    add_form: type[forms.ModelForm] | None = None
    change_form: type[forms.ModelForm] | None = None

    def action_checkbox(self, obj: models.Model) -> str:
        """The row's checkbox, Django's markup written out: rendering a CheckboxInput through
        the form templates took a third of a 100-row list's time (45 ms)."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(_("Select this object for an action - {}"), str(obj)),
        )

    def get_form(
        self, request: HttpRequest, obj: models.Model | None = None, change: bool = False, **kwargs
    ) -> type[forms.ModelForm]:
        chosen = self.change_form if obj is not None else self.add_form
        if chosen is not None:
            kwargs.setdefault("form", chosen)
        form = super().get_form(request, obj, change=change, **kwargs)
        # modelform_factory made a new class for this request, so this stays per request.
        form.user = request.user
        return form

    def save_model(
        self, request: HttpRequest, obj: models.Model, form: forms.ModelForm, change: bool
    ) -> None:
        if not isinstance(form, ServiceModelForm):
            super().save_model(request, obj, form, change)


class DisplayFormSet(BaseInlineFormSet):
    """The formset of an inline that only displays rows.

    It takes no input, so it never makes a page invalid: the parent form's service call has
    already run by the time formsets are checked, and must not be reported as refused.
    """

    def is_valid(self) -> bool:
        return True


class DisplayInline(admin.TabularInline):
    """A read-only table of related rows on a change page."""

    formset = DisplayFormSet
    extra = 0
    max_num = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


class ViewOnlyAdmin(admin.ModelAdmin):
    """Derived or workflow rows that staff may look at but not touch here."""

    # The read-only form still builds its fields: a URL field reads a scheme-less address as
    # https, the default Django 6 takes (and without saying so it warns on every page).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    class Media:
        css = {"all": ["forecasts/admin/ledger.css"]}  # change-list columns that wrap

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


class CurrentPredictionCountMixin:
    """A sortable "predictions" column counting current (not superseded) versions only,
    counted for the rows on the page (selectors.current_prediction_count)."""

    ordering: ClassVar[list[str]]
    prediction_owner: ClassVar[str]  # Prediction's foreign key to this model

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        count = selectors.current_prediction_count(self.prediction_owner)
        return super().get_queryset(request).annotate(current_predictions=count)  # type: ignore[misc]

    @admin.display(description="predictions", ordering="current_predictions")
    def prediction_count(self, obj: models.Model) -> str:
        """The count, linked to the prediction list narrowed to this row's predictions."""
        changelist = reverse("admin:forecasts_prediction_changelist")
        query = f"{self.prediction_owner}__id__exact={obj.pk}&version_state=current"
        return format_html('<a href="{}?{}">{}</a>', changelist, query, obj.current_predictions)  # type: ignore[attr-defined]
