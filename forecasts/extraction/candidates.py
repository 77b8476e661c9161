"""From attributed sentences to candidate predictions an editor can confirm or drop."""

import datetime as dt
import re
from dataclasses import asdict, dataclass

from forecasts import verbal
from forecasts.extraction.attribution import Utterance
from forecasts.extraction.claims import (
    claim_clauses,
    future_cue,
    is_contingency,
    probability_of,
    proposition,
)
from forecasts.extraction.deadlines import suggest_deadline

MAX_TITLE_CHARS = 200
_MODALS = (
    r"will\s+not|will\s+never|won['’]t|will|shall|would\s+not|would|may\s+not|may|might|could|"
    r"(?:is|are|am)\s+(?:not\s+)?(?:going|set|poised|bound|expected|likely|unlikely|about)\s+to"
)
_ADVERBS = r"(?:(?:also|still|probably|likely|certainly|definitely|surely|soon|eventually|"
_ADVERBS += r"inevitably|undoubtedly|almost\s+certainly|very\s+likely|not|never)\s+)*"
_MODAL_CLAUSE_RE = re.compile(
    rf"^(?P<subj>.+?)\s+{_ADVERBS}(?:{_MODALS})\s+{_ADVERBS}(?P<pred>.+)$", re.I
)
_INABILITY_CLAUSE_RE = re.compile(
    r"^(?P<subj>.+?)\s+(?:is|are)\s+(?:still\s+)?(?:unable|not\s+able)\s+to\s+(?P<pred>.+)$", re.I
)
_EXPECT_CLAUSE_RE = re.compile(
    r"^(?:I|[Ww]e)\s+(?:fully\s+|now\s+|still\s+)?(?:expect|predict|forecast|anticipate)\s+"
    r"(?:that\s+)?(?P<subj>.+?)\s+(?:to|will)\s+(?P<pred>.+)$"
)
_EXPECT_BACK_RE = re.compile(
    r"^(?:I|[Ww]e)\s+expect\s+(?P<subj>\S+)\s+(?P<pred>(?:back|home|in|at|on|out)\b.+)$"
)
_POSSIBILITY_RE = re.compile(
    r"^(?P<subj>.+?)\s+is\s+(?:a\s+|an\s+)?(?:real|serious|realistic|distinct|slim|remote)?\s*"
    r"(?:possibility|chance)\b\s*(?P<pred>.*)$"
)
_NOMINATIVE = {"them": "they", "him": "he", "her": "she", "us": "we", "me": "I"}
_INFINITIVE_RE = re.compile(r"^(?:(?P<subj>.+?)\s+)?to\s+(?P<pred>.+)$")
_COMMON_STARTS = frozenset(
    """the this that these those it its a an our their his her such there some many most all
    he she they you each every any no both either neither another other
    prices inflation rates growth demand""".split()  # noqa: SIM905 (a word list reads better as text)
)


@dataclass(frozen=True)
class Candidate:
    """One proposed prediction. `probability` is P(the question resolves YES); None when the
    words map to no number. Dates are ISO strings so a candidate is plain JSON."""

    speaker: str
    claim: str
    quote: str
    phrase: str
    probability: float | None
    basis: str
    table_version: str
    suggested_deadline: str
    deadline_basis: str
    question_title: str
    resolution_criteria: str
    sentence_index: int

    def as_dict(self) -> dict:
        return asdict(self)


def _subject(subject: str, speaker: str, article: str) -> str:
    subject = _NOMINATIVE.get(subject, subject)
    if subject in {"I", "we", "We"}:
        return speaker if subject == "I" or " " not in speaker else subject.lower()
    first = subject.split()[0]
    lowered = first.lower()
    if lowered in _COMMON_STARTS or re.search(rf"\b{re.escape(lowered)}\b", article):
        return lowered + subject[len(first) :]
    return subject


def question_title(clause: str, verb: str, speaker: str, article: str = "") -> str:
    """A YES/NO question in the claim's words: "Moscow will continue to X" → "Will Moscow
    continue to X?". Negation is left out: the probability carries it ("won't" → 0.05)."""
    clause = proposition(clause)
    for pattern, frame in (
        (_INABILITY_CLAUSE_RE, "Will {subj} be able to {pred}"),
        (_EXPECT_CLAUSE_RE, "Will {subj} {pred}"),
        (_EXPECT_BACK_RE, "Will {subj} be {pred}"),
        (_POSSIBILITY_RE, "Will there be {subj} {pred}"),
        (_MODAL_CLAUSE_RE, "Will {subj} {pred}"),
    ):
        if match := pattern.match(clause):
            # A leading phrase ("Without it, wind power …") moves to the end of the question.
            lead, _, subject = match["subj"].rpartition(", ")
            pred = f"{match['pred']}, {lead[:1].lower()}{lead[1:]}" if lead else match["pred"]
            title = frame.format(subj=_subject(subject, speaker, article), pred=pred)
            break
    else:
        forecast_verb = verb in {"expects", "expected", "predicts"}
        match = _INFINITIVE_RE.match(clause) if forecast_verb else None
        if match:
            subj = _subject(match["subj"], speaker, article) if match["subj"] else speaker
            title = f"Will {subj} {match['pred']}"
        else:
            title = f"Will it come true that {clause[:1].lower()}{clause[1:]}"
    if len(title) > MAX_TITLE_CHARS:
        title = title[:MAX_TITLE_CHARS].rsplit(" ", 1)[0] + " …"
    return title.rstrip(" .,;:") + "?"


def _dated(title: str, deadline: dt.date, named: bool) -> str:
    """A question resolves by a date: say it in the title unless the claim already does."""
    return title if named else f"{title[:-1]} by {deadline.day} {deadline:%B %Y}?"


def resolution_criteria(title: str, claim: str, speaker: str, deadline: dt.date) -> str:
    when = f"{deadline.day} {deadline:%B %Y}"
    return (
        f"YES if, by {when}, reliable public reporting (an official record or two independent "
        f"outlets) shows that the answer to “{title}” is yes. NO if by {when} it shows "
        f"otherwise or shows nothing of the kind. ANNULLED if the question cannot be checked "
        f"as worded. The claim as made by {speaker or 'the speaker'}: “{claim}”."
    )


def _probability(clause: str, verb: str, cue: str) -> verbal.ParsedProbability:
    parsed = probability_of(clause, verb)
    if parsed is None:  # a forecast verb or a date but no table phrase: left to the editor
        return verbal.ParsedProbability(None, verbal.UNKNOWN, cue, verbal.TABLE_VERSION)
    return parsed


def _quote(utterance: Utterance) -> str:
    """The speaker's own words when quoted (without the marks), else the whole sentence."""
    if utterance.quoted:
        return utterance.text.strip().strip("‘’“”\"' ,").strip()
    return utterance.sentence.text.strip()


def build_candidates(
    utterance: Utterance, *, published: dt.date, horizon_days: int, article: str = ""
) -> list[Candidate]:
    """Candidates for the forecasts in one utterance; none for facts, the narrator (no
    speaker) and contingency language."""
    if not utterance.speaker or is_contingency(utterance.text):
        return []
    candidates = []
    for clause in claim_clauses(utterance.text):
        cue = future_cue(clause, verb=utterance.verb, reported=utterance.reported)
        if cue:
            candidates.append(_candidate(utterance, clause, cue, published, horizon_days, article))
    return candidates


def _candidate(
    utterance: Utterance,
    clause: str,
    cue: str,
    published: dt.date,
    horizon_days: int,
    article: str,
) -> Candidate:
    parsed = _probability(clause, utterance.verb, cue)
    deadline, why = suggest_deadline(clause, published, horizon_days)
    title = _dated(
        question_title(clause, utterance.verb, utterance.speaker, article),
        deadline,
        why.startswith("named"),
    )
    return Candidate(
        speaker=utterance.speaker,
        claim=clause,
        quote=_quote(utterance),
        phrase=parsed.phrase,
        probability=parsed.probability,
        basis=parsed.basis,
        table_version=parsed.table_version,
        suggested_deadline=deadline.isoformat(),
        deadline_basis=why,
        question_title=title,
        resolution_criteria=resolution_criteria(title, clause, utterance.speaker, deadline),
        sentence_index=utterance.sentence.index,
    )
