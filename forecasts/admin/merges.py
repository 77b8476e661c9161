"""The experts list's "Merge experts" action and the aliases field of the expert forms.

Merging asks which expert survives and why, then calls services.records.merges for each
other selected expert (admins only: it moves published forecasts between records).
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse

from forecasts.models import Expert
from forecasts.services.records.merges import merge_experts


class AliasesField(forms.CharField):
    """Aliases typed one per line, stored as a list of strings."""

    widget = forms.Textarea(attrs={"rows": 3, "cols": 40})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.pop("encoder", None)  # passed by JSONField.formfield
        kwargs.pop("decoder", None)
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            "Other spellings of the name, one per line: transliterations (Mehrabyan), other "
            "scripts (Меграбян). Search and the extraction assistant find the expert by them.",
        )
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> str:
        return "\n".join(value) if isinstance(value, list) else (value or "")

    def to_python(self, value: Any) -> list[str]:
        text = super().to_python(value)
        aliases = [" ".join(line.split()) for line in text.splitlines()]
        aliases = [alias for alias in aliases if alias]
        if any(len(alias) > 200 for alias in aliases):
            raise forms.ValidationError("An alias is at most 200 characters.")
        return aliases

    def has_changed(self, initial: Any, data: Any) -> bool:
        return (initial or []) != self.to_python(data)


class ExpertChoiceField(forms.ModelChoiceField):
    """Each expert as the editor tells them apart: name, affiliation, current predictions."""

    def label_from_instance(self, obj: Expert) -> str:
        count = getattr(obj, "current_predictions", None)
        details = [obj.affiliation] if obj.affiliation else []
        if count is not None:
            details.append(f"{count} prediction{pluralize(count)}")
        details.append(f"/experts/{obj.slug}/")
        return f"{obj.name} ({', '.join(details)})"


class MergeForm(forms.Form):
    into = ExpertChoiceField(
        queryset=Expert.objects.none(),
        widget=forms.RadioSelect,
        label="Keep this expert",
        help_text="The others' predictions move to it (as new versions); their pages redirect.",
    )
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="Kept in the ledger with the merge, e.g. “Ana-Li is Ana Li (same outlet, "
        "confirmed by email)”.",
    )

    def __init__(self, *args: Any, experts: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = experts


# Offered to admins only (ModelAdmin.has_merge_permission): editors were offered it and got
# a bare 403 page.
@admin.action(description="Merge the selected experts (one person)", permissions=["merge"])
def merge_selected_experts(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet
) -> HttpResponse | None:
    if not request.user.is_superuser:
        raise PermissionDenied
    current = Count("predictions", filter=Q(predictions__superseded_at__isnull=True))
    experts = (
        queryset.filter(merged_into__isnull=True)
        .annotate(current_predictions=current)
        .order_by("name", "id")
    )
    if experts.count() < 2:
        modeladmin.message_user(request, "Select two or more experts to merge.", messages.WARNING)
        return None
    form = MergeForm(request.POST if "merge" in request.POST else None, experts=experts)
    if form.is_valid():
        into = form.cleaned_data["into"]
        # Listed before merging: a merged expert leaves `experts` (merged_into is set).
        others = list(experts.exclude(pk=into.pk))
        try:
            for expert in others:
                merge_experts(
                    merged=expert,
                    into=into,
                    reason=form.cleaned_data["reason"],
                    merged_by=request.user,
                )
        except ValidationError as exc:
            modeladmin.message_user(request, " ".join(exc.messages), messages.ERROR)
            return None
        names = ", ".join(e.name for e in others)
        modeladmin.message_user(request, f"Merged {names} into {into.name}.", messages.SUCCESS)
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": Expert._meta,
        "title": "Merge experts",
        "form": form,
        "experts": experts,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/forecasts/expert/merge.html", context)
