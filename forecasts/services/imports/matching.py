"""A CSV import's experts, sources and predictions: looked up in bulk, created when missing.

Experts are matched by name (the oldest of a name wins), sources by URL (its key, as the
services match it) or else by title. A
row is "unchanged" when the same prediction (expert, question, made_on, probability, quote) is
already recorded; rows are a multiset, so the n-th copy of a row in the file matches the n-th
such prediction, and superseded versions count as present too.
"""

from collections import Counter

from django.db import IntegrityError, transaction
from django.db.models import Q

from forecasts.models import Expert, Prediction, Source
from forecasts.naming import name_key, name_keys
from forecasts.services.imports.state import ImportRun, PredictionKey
from forecasts.services.imports.writing import (
    PREDICTION_COLUMNS,
    SOURCE_COLUMNS,
    PredictionRecord,
    insert_rows,
)
from forecasts.services.records.catalogue import slug_base
from forecasts.services.transfer.csv_io import LedgerRow


def allocate_slugs(model: type, texts: list[str], *, max_length: int = 200) -> list[str]:
    """Unique slugs for many new rows at once, like services.unique_slug ("-2", "-3" ...),
    with two queries for the whole batch instead of one per row."""
    bases = [slug_base(model, text, max_length=max_length) for text in texts]
    manager = model.objects  # type: ignore[attr-defined]
    taken = set(manager.filter(slug__in=set(bases)).values_list("slug", flat=True))
    repeated = Counter(bases)
    for base in {b for b in bases if b in taken or repeated[b] > 1}:
        taken.update(manager.filter(slug__startswith=f"{base}-").values_list("slug", flat=True))
    slugs = []
    for base in bases:
        slug, suffix = base, 2
        while slug in taken:
            slug, suffix = f"{base}-{suffix}", suffix + 1
        taken.add(slug)
        slugs.append(slug)
    return slugs


def resolve_experts(run: ImportRun, rows: list[LedgerRow]) -> None:
    """Each row's expert: by exact name (the oldest of a name wins; a merged expert's name
    leads to the one it was merged into), else by the name's search key (case, accents,
    hyphens and the Cyrillic script aside) among the names and aliases of experts on record
    before the run, when one of them has it: "ALMA QUIST" beside "Alma Quist", or an alias
    "Ruben Mehrabyan", used to open a second page for one person. Else a new expert, by the
    exact name: two new names of a file are two experts, as two experts that differ only in
    case are (an export of them re-imports as it was), whatever batch each falls in."""
    names = {r.expert for r in rows} - run.experts.keys()
    if not names:
        return
    found = Expert.objects.filter(name__in=names).order_by("-id")
    for name, pk, merged_into in found.values_list("name", "id", "merged_into_id"):
        run.experts[name] = merged_into or pk  # the oldest expert of a name wins (written last)
    unmatched = [name for name in dict.fromkeys(r.expert for r in rows) if name not in run.experts]
    # A platform's user ids (PredictionBook's "matt" and "Matt") are exact: not written names.
    exact = {r.expert for r in rows if r.recorded_via}
    if unmatched and not exact.issuperset(unmatched):
        keys = run.expert_keys()
        for name in unmatched:
            if name not in exact and (pk := keys.get(name_key(name))):
                run.experts[name] = pk
    new = [name for name in unmatched if name not in run.experts]
    if not new:
        return
    for attempt in range(3):
        experts = [
            Expert(name=name, slug=slug, search_names=name_keys(name))
            for name, slug in zip(new, allocate_slugs(Expert, new), strict=True)
        ]
        try:
            with transaction.atomic():
                Expert.objects.bulk_create(experts)
            break
        except IntegrityError:
            if attempt == 2:  # someone keeps taking the same slugs; give up loudly
                raise
    run.experts.update((e.name, e.pk) for e in experts)
    run.new_experts.update(e.pk for e in experts)
    run.report.experts_created += len(experts)


def resolve_sources(run: ImportRun, rows: list[LedgerRow]) -> None:
    run.batch_sources = set()
    wanted = {k for r in rows if (k := r.source_key)} - run.sources.keys()
    if not wanted:
        return
    urls = {v for kind, v in wanted if kind == "url"}
    titles = {v for kind, v in wanted if kind == "title"}
    if urls:
        # By key, or by the URL itself for a source without a key yet (services.
        # find_source_by_url); the oldest of a key wins (written last).
        found = (
            Source.objects.filter(Q(url_key__in=urls) | Q(url__in=urls))
            .exclude(url="")
            .order_by("-id")
            .values_list("url_key", "url", "id")
        )
        for url_key, url, pk in found:
            run.sources[("url", url_key if url_key in urls else url)] = pk
    if titles:
        by_title = Source.objects.filter(url="", outlet="", title__in=titles).order_by("-id")
        run.sources.update((("title", t), pk) for t, pk in by_title.values_list("title", "id"))
    new: dict[tuple[str, str], tuple] = {}
    for row in rows:
        key = row.source_key
        if key and key not in run.sources and key not in new:
            title = (row.source_title or row.source_url)[:500]
            url = key[1] if key[0] == "url" else ""  # stored in its key form, as services do
            new[key] = (Source.Kind.ARTICLE, title, "", "", url, url, None, "", run.now)
    ids = insert_rows(Source, SOURCE_COLUMNS, list(new.values()))
    run.sources.update(zip(new, ids, strict=True))
    run.batch_sources = set(ids)


# --- predictions ---------------------------------------------------------------------------


def prediction_key(run: ImportRun, row: LedgerRow) -> PredictionKey:
    return (
        run.experts[row.expert],
        run.question_id(row.question_key),  # type: ignore[return-value]
        row.made_on,
        row.parsed.probability,
        row.quote,
    )


def _recorded(run: ImportRun, rows: list[LedgerRow]) -> dict[PredictionKey, list[int]]:
    """Predictions recorded before this run that rows of this batch may match, by key,
    not matched by an earlier row: a row is "unchanged" while its key has one left.

    Only questions that existed before the run can have such predictions. Superseded
    versions count too (re-importing after a correction brings nothing back)."""
    existing = [r for r in rows if run.questions[r.question_key].existed]
    if not existing:
        return {}
    found = (
        Prediction.objects.filter(
            question_id__in={run.question_id(r.question_key) for r in existing},
            expert_id__in={run.experts[r.expert] for r in existing},
        )
        .order_by("-id")  # popped from the end: the oldest is matched first
        .values_list("id", "expert_id", "question_id", "made_on", "probability", "quote")
    )
    recorded: dict[PredictionKey, list[int]] = {}
    for pk, *key in found:
        if pk not in run.matched and pk not in run.created:
            recorded.setdefault(tuple(key), []).append(pk)  # type: ignore[arg-type]
    return recorded


def insert_predictions(run: ImportRun, rows: list[LedgerRow]) -> list[PredictionRecord]:
    """Insert the rows not recorded yet; returns them, for the ledger.

    Rows are a multiset: the n-th row of a key matches the n-th prediction of that key
    recorded before the run; rows beyond those are new."""
    recorded = _recorded(run, rows)
    new = []
    for row in rows:
        left = recorded.get(prediction_key(run, row)) if recorded else None
        if left:
            run.matched.add(left.pop())
            run.report.unchanged += 1
            continue
        new.append(_prediction(run, row))
    ids = insert_rows(Prediction, PREDICTION_COLUMNS, new)
    run.created.add(ids)
    run.report.created += len(new)
    return [PredictionRecord(pk, *values) for pk, values in zip(ids, new, strict=True)]


def _prediction(run: ImportRun, row: LedgerRow) -> tuple:
    """PREDICTION_COLUMNS of a new prediction, with the model's defaults."""
    parsed = row.parsed
    key = row.source_key
    return (
        run.experts[row.expert],
        run.question_id(row.question_key),
        parsed.probability,
        parsed.basis,
        row.phrase,
        parsed.table_version if parsed.basis != "stated" else "",
        row.made_on,
        run.sources[key] if key else None,
        row.quote,
        run.user.pk,
        run.now,
        1,
        None,
        None,
        "",
        row.recorded_at or run.now,  # a platform's own time, else the ledger's
        row.recorded_via,
        False,
    )
