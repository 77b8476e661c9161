"""A CSV import's questions: rows checked against the question they name, new ones created.

A question is named by its title (case and spacing aside) and deadline, the rule the API and
the admin refuse twins by: a row spelling the title of a question on record (or of an earlier
row) in another case lands on that question, recorded with its first spelling. A row's
resolution criteria must match an existing question's, a new question needs criteria, and an
outcome must agree with earlier rows and with how the question stands (not settled otherwise,
not disputed). A question whose outcome the file already gave is created settled.
"""

from django.db.models.functions import Lower

from forecasts.models import Question, QuestionRevision
from forecasts.naming import question_title_key
from forecasts.services.imports.state import (
    SETTLED_STATES,
    ImportRun,
    QuestionState,
    Verdict,
)
from forecasts.services.imports.writing import (
    QUESTION_COLUMNS,
    REVISION_COLUMNS,
    RevisionRecord,
    insert_rows,
)
from forecasts.services.records.catalogue import get_or_create_topic
from forecasts.services.transfer.csv_io import LedgerRow, RowProblem


def load_questions(run: ImportRun, rows: list[LedgerRow]) -> None:
    """The questions on record that these rows name and the run has not looked up yet, keyed
    like the rows (question_title_key, deadline); the oldest of a key wins. One query by the
    (LOWER(title), deadline) index, and one more by the exact title for titles beyond ASCII:
    SQLite's LOWER() folds ASCII letters only, and a title on record must always be found by
    its own spelling (a re-run would otherwise make a twin)."""
    wanted = [r for r in rows if r.question_key not in run.questions]
    if not wanted:
        return
    keys = {r.question_key for r in wanted}
    deadlines = {d for _, d in keys}
    found = [
        Question.objects.alias(title_key=Lower("title")).filter(
            title_key__in={t for t, _ in keys}, deadline__in=deadlines
        )
    ]
    if beyond_ascii := {r.title for r in wanted if not r.title.isascii()}:
        found.append(Question.objects.filter(title__in=beyond_ascii, deadline__in=deadlines))
    columns = ("id", "title", "deadline", "status", "outcome", "resolution_criteria")
    for q in sorted(q for query in found for q in query.values_list(*columns, "review_round")):
        key = (question_title_key(q[1]), q[2])
        if key in keys and key not in run.questions:
            run.questions[key] = QuestionState(
                q[0], q[3], q[4], q[5], review_round=q[6], existed=True, title=q[1]
            )


def check_question(run: ImportRun, row: LedgerRow, values) -> bool:
    """Row errors that depend on the question's state in the database or earlier rows."""
    try:
        _plan_question(run, row)
    except RowProblem as exc:
        run.error(row.number, str(exc), values)
        return False
    return True


def _plan_question(run: ImportRun, row: LedgerRow) -> None:
    key, state = row.question_key, run.questions.get(row.question_key)
    if (
        state
        and row.criteria
        and row.criteria != state.criteria
        and " ".join(row.criteria.split()) != " ".join(state.criteria.split())
    ):
        raise RowProblem(
            "resolution_criteria differ from those of the existing question "
            f"{row.title!r} ({row.deadline}); edit the question instead"
        )
    if state is None and not row.criteria:
        raise RowProblem(
            f"missing resolution_criteria: question {row.title!r} ({row.deadline}) is new"
        )
    if row.outcome:
        _check_outcome(run, row, state)
    if state is None:
        run.questions[key] = QuestionState(
            None,
            Question.Status.OPEN,
            "",
            row.criteria,
            row.topics,
            row.consensus,
            existed=False,
            title=row.title,
        )


def _check_outcome(run: ImportRun, row: LedgerRow, state: QuestionState | None) -> None:
    earlier = run.verdicts.get(row.question_key)
    if earlier and earlier.outcome != row.outcome:
        raise RowProblem(
            f"outcome {row.outcome} conflicts with {earlier.outcome} on row {earlier.number}"
        )
    if earlier:
        return
    if state and state.status in SETTLED_STATES and state.outcome != row.outcome:
        raise RowProblem(
            f"question {row.title!r} is already settled as {state.outcome}, the file says "
            f"{row.outcome}; re-resolve it in the admin, with a reason"
        )
    if state and state.status == Question.Status.DISPUTED:
        raise RowProblem(f"question {row.title!r} is disputed; settle it in the review queue")
    run.verdicts[row.question_key] = Verdict(
        row.outcome, row.number, row.resolved_on, row.evidence_url or row.source_url
    )


def create_questions(run: ImportRun, rows: list[LedgerRow]) -> list[int]:
    """Create the questions these rows need that do not exist yet; their new ids."""
    new_keys = [k for k in dict.fromkeys(r.question_key for r in rows) if not run.question_id(k)]
    if not new_keys:
        return []
    values = []
    for key in new_keys:
        state = run.questions[key]
        title, deadline = state.title, key[1]
        status, outcome, resolved_at = Question.Status.OPEN, "", None
        if key in run.verdicts:
            # A question whose outcome the file already gave is born settled: no UPDATE.
            status, outcome, resolved_at = run.apply_verdict(key)
        values.append(
            (
                title,
                state.criteria,
                deadline,
                status,
                outcome,
                resolved_at,
                None,
                1,
                1,
                state.consensus,
                "",
                1,
                run.user.pk,
                run.now,
                resolved_at,  # first_resolved_at
            )  # fmt: skip
        )
    ids = insert_rows(Question, QUESTION_COLUMNS, values)
    links: dict[tuple[int, int], None] = {}
    revisions = []
    for key, pk, value in zip(new_keys, ids, values, strict=True):
        state = run.questions[key]
        state.id = pk
        topic_ids = sorted({_topic_id(run, name) for name in state.topics})
        links.update(((pk, topic_id), None) for topic_id in topic_ids)
        title, criteria, deadline = value[:3]
        consensus, consensus_source = value[9], value[10]
        revisions.append(
            (
                pk,
                1,
                title,
                criteria,
                deadline,
                topic_ids,
                consensus,
                consensus_source,
                "Created.",
                run.user.pk,
                run.now,
            )  # fmt: skip
        )
        state.topics, state.consensus = (), None  # only needed to create it
        if value[5] is not None:
            run.born_settled.append((pk, key, value[5]))
    revision_ids = insert_rows(QuestionRevision, REVISION_COLUMNS, revisions)
    run.new_revisions += [
        RevisionRecord(rid, *row) for rid, row in zip(revision_ids, revisions, strict=True)
    ]
    insert_rows(Question.topics.through, ("question_id", "topic_id"), list(links))
    run.report.questions_created += len(values)
    return ids


def _topic_id(run: ImportRun, name: str) -> int:
    # Topics are few; the service's case-insensitive match is what editors get in the admin.
    if name.lower() not in run.topics:
        run.topics[name.lower()] = get_or_create_topic(name=name).pk
    return run.topics[name.lower()]
