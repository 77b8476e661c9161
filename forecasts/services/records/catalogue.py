"""Experts, sources and topics: who predicted, where, about what.

Experts are matched by slug, sources by URL (else title and outlet), topics by name,
case-insensitively; a second editor adding the same one at once gets the first one's row. A
source's URL is matched by its key (source_urls: scheme and host case, default port, fragment
and tracking parameters aside), and a new source stores its URL in that form.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.text import slugify

from forecasts.models import Expert, Source, Topic
from forecasts.naming import clean_aliases, name_key, name_keys, source_url_key
from forecasts.services.records import plausibility


def slug_base(model: type, text: str, *, max_length: int = 200) -> str:
    """The slug a name starts from: "Ana-Li" → "ana-li", "Рубен Меграбян" → "ruben-megrabyan"
    (transliterated as search keys are); a name in a script we do not transliterate gets the
    model's name ("expert"), where Django's slugify left nothing ("item") or only its digits."""
    base = slugify(text if text.isascii() else name_key(text))[:max_length].strip("-")
    if not any(c.isalpha() for c in base):
        base = "-".join(filter(None, [model._meta.model_name, base]))[:max_length]  # type: ignore[attr-defined]
    return base


def unique_slug(model: type, text: str, *, max_length: int = 200) -> str:
    """A slug for `text` not used yet by `model`: "ruben-megrabyan", then "-2", "-3", ..."""
    base = slug_base(model, text, max_length=max_length)
    taken = set(
        model.objects.filter(slug__startswith=base).values_list("slug", flat=True)  # type: ignore[attr-defined]
    )
    if base not in taken:
        return base
    suffix = 2
    while f"{base}-{suffix}" in taken:
        suffix += 1
    return f"{base}-{suffix}"


def create_expert(
    *,
    name: str,
    affiliation: str = "",
    bio: str = "",
    links: Iterable[str] = (),
    aliases: Iterable[str] = (),
) -> Expert:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "An expert needs a name."})
    plausibility.check_expert_name(name)
    aliases = clean_aliases(aliases, name=name)
    # Two editors adding the same name at once: the unique slug decides, the loser retries.
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Expert.objects.create(
                    name=name,
                    slug=unique_slug(Expert, name),
                    affiliation=affiliation,
                    bio=bio,
                    links=list(links),
                    aliases=aliases,
                    search_names=name_keys(name, aliases),
                )
        except IntegrityError:
            continue
    raise ValidationError({"name": "Could not find a free slug for this name; try again."})


def get_or_create_expert(*, name: str, **details: Any) -> tuple[Expert, bool]:
    """The expert of this name (ignoring case and spacing) as it is, else a new one made by
    create_expert with `details`; and whether it was created. The name is the natural key of
    a create over the API, so a retried create never makes `vera-ostrova-2`; a namesake is
    added with create_expert (the admin)."""
    normalized = " ".join(name.split())
    existing = Expert.objects.filter(name__iexact=normalized).order_by("pk").first()
    if normalized and existing:
        return existing, False
    return create_expert(name=name, **details), True


TOPIC_NAME_LENGTH = Topic._meta.get_field("name").max_length


def get_or_create_topic(*, name: str) -> Topic:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"topic": "A topic needs a name."})
    if len(name) > TOPIC_NAME_LENGTH:
        raise ValidationError(
            {"topic": f"A topic's name has at most {TOPIC_NAME_LENGTH} characters: "
             f"\u201c{name[:40]}\u2026\u201d has {len(name)}."}
        )  # fmt: skip
    plausibility.check_topic_name(name)
    existing = Topic.objects.filter(name__iexact=name).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return Topic.objects.create(name=name, slug=unique_slug(Topic, name, max_length=120))
    except IntegrityError:
        return Topic.objects.get(name__iexact=name)


def get_or_create_topics(*, names: Iterable[str]) -> list[Topic]:
    """Topics by slug, else by name (case aside; made when new), in the order given: how the
    API's `topics` and the admin's typed topic names are read."""
    names = list(names)
    by_slug = Topic.objects.in_bulk([n for n in names if n], field_name="slug")
    return [by_slug.get(n) or get_or_create_topic(name=n) for n in names]


def find_source_by_url(url: str) -> Source | None:
    """The source this URL names: by its key (the oldest, should two older spellings share
    it), or a source recorded under exactly this URL or its key (a row without a key yet, as
    an older backup restores it)."""
    key = source_url_key(url)
    if not key:
        return None
    found = Source.objects.filter(Q(url_key=key) | Q(url__in={key, url.strip()}))
    return found.exclude(url="").order_by("pk").first()


def get_or_create_source(
    *,
    title: str,
    url: str = "",
    kind: str = Source.Kind.ARTICLE,
    outlet: str = "",
    via: str = "",
    published_on: dt.date | None = None,
    text: str = "",
) -> Source:
    """Sources are matched by URL when they have one (find_source_by_url), else by title and
    outlet. A new source stores the URL's key form."""
    url = source_url_key(url)
    if url:
        existing = find_source_by_url(url)
    else:
        existing = Source.objects.filter(url="", title=title, outlet=outlet).first()
    if existing:
        return existing
    if not title and not url:
        raise ValidationError({"source": "A source needs a title or a URL."})
    plausibility.check_source_title(title or url)
    source = Source(
        kind=kind,
        title=title or url,
        outlet=outlet,
        via=via,
        url=url,
        url_key=url,
        published_on=published_on,
        text=text,
    )
    source.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            source.save()
    except IntegrityError:  # another editor added it a moment ago
        return Source.objects.get(url=url)
    return source
