"""From attributed sentences to candidate predictions an editor can confirm or drop."""

import datetime as dt
import re
from dataclasses import asdict, dataclass, replace

from forecasts import verbal
from forecasts.extraction.attribution import Utterance
from forecasts.extraction.claims import (
    CONTRACTED_WILL_RE,
    ON_COURSE_RE,
    claim_clauses_with_verbs,
    future_cue,
    is_concession,
    is_contingency,
    probability_of,
    proposition,
)
from forecasts.extraction.deadlines import PASSED_DATE, suggest_deadline
from forecasts.extraction.plans import is_plan, speaker_countries
from forecasts.extraction.questions import (
    base_form,
    question_title,
    subject_of,
    title_problems,
)
from forecasts.extraction.references import finish_title, name_definites
from forecasts.extraction.speakers import DISMISSING_VERBS


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
    kind: str = "forecast"  # or "plan": the speaker's own announced action, not a forecast
    needs_editing: bool = False
    editing_reasons: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        data = asdict(self)
        data["editing_reasons"] = list(self.editing_reasons)
        return data


def _dated(title: str, deadline: dt.date, named: bool) -> str:
    """A question resolves by a date: say it in the title unless the claim already does. A
    vague "soon" goes when the date comes ("available soon by 1 March 2027")."""
    if named:
        return title
    title = _VAGUE_SOON_RE.sub("", title[:-1]).rstrip(" ,")
    return f"{title} by {deadline.day} {deadline:%B %Y}?"


# "soon", "very shortly", "at some point very soon", "imminently"; not "as soon as".
_VAGUE_SOON_RE = re.compile(
    r",?\s+(?:(?:at\s+some\s+point\s+)?(?<!\bas\s)(?:very\s+|quite\s+)?(?:soon|shortly)|"
    r"imminently|in\s+the\s+near\s+future)\b(?!\s+(?:as|after|afterwards|before|enough)\b)",
    re.IGNORECASE,
)
# A time limit of its own that no date gives: "by the end of the tournament", "before the
# end of his term". The title keeps it, and the editor sets the deadline to it.
_UNDATED_LIMIT_RE = re.compile(
    r"\b(?:by|before|until)\s+the\s+end\s+of\s+(?:the|this|his|her|its|their|next)\s+"
    r"(?!(?:year|month|week|decade|century|day|evening|night|quarter)\b)[a-z]+(?:\s+[a-z]+)?",
    re.IGNORECASE,
)


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
    if verb in DISMISSING_VERBS and parsed.probability is not None:
        # "dismissed claims that the dam would fail": the speaker gives the event 1 − p.
        flipped = round(1 - parsed.probability, 6)
        return verbal.ParsedProbability(
            flipped, parsed.basis, f"{verb} {parsed.phrase}", parsed.table_version, parsed.markers
        )
    return parsed


_MATTER_OF_TIME_RE = re.compile(
    r"^(?:it\s+is|it['’]s)\s+[\"“‘']?(?:just\s+|only\s+)?a\s+matter\s+of\s+\w+[\"”’']?\s+"
    r"(?:before|until)\s+"
    r"(?P<event>\S.*)$",
    re.IGNORECASE,
)
# What follows a verb rather than a noun: "the regime collapses within weeks", "… capture him".
_AFTER_VERB = frozenset(
    """the a an his her its their our him them it us to in on at by for with from up down out
    off over into again soon within before after""".split()  # noqa: SIM905
)


def _event_with_will(event: str) -> str:
    """The event after "a matter of time before", with "will": "bin Laden is found" → "bin
    Laden will be found", "the news spreads" → "the news will spread", "interest rates rise" →
    "interest rates will rise"; unchanged when its verb cannot be told."""
    if pronoun := re.match(r"(?:we|they|i|you)\s+(?=[a-z])", event, re.IGNORECASE):
        return f"{pronoun.group()}will {event[pronoun.end() :]}"  # "before we achieve"
    words = event.split()
    for i, word in enumerate(words[1:7], start=1):
        following = words[i + 1] if i + 1 < len(words) else ""
        if word in {"is", "are"}:
            return " ".join([*words[:i], "will", "be", *words[i + 1 :]])
        if re.fullmatch(r"[a-z]{2,}s", word) and (
            not following or following.lower() in _AFTER_VERB or following.endswith("ly")
        ):
            return " ".join([*words[:i], "will", base_form(word), *words[i + 1 :]])
    for i, word in enumerate(words[1:7], start=1):
        # a plural subject and its verb: "the talks collapse", "the US forces capture him"
        if re.fullmatch(r"[a-z]{2,}s", word) and i + 1 < len(words) and words[i + 1][:1].islower():
            return " ".join([*words[: i + 1], "will", *words[i + 1 :]])
    return event


def _as_will(clause: str, cue: str) -> str:
    """The claim with its "will" spelled out for the question: "we'll" → "we will", "is on
    track to" → "will", and the "should" of expectation ("the ferry should be back by June")."""
    clause = CONTRACTED_WILL_RE.sub(r"\1 will", clause)
    clause = ON_COURSE_RE.sub("will", clause)  # "is on track to win" → "will win"
    clause = re.sub(r"\blooks?\s+set\s+to\b", "will", clause)  # "look set to fall"
    if match := _MATTER_OF_TIME_RE.match(clause):
        # "it is just a matter of time before bin Laden is found" → "bin Laden will be found"
        return _event_with_will(match["event"])
    return re.sub(r"\bshould\b", "will", clause, count=1) if cue == "should" else clause


def _with_verb(clause: str, utterance: Utterance, parsed: verbal.ParsedProbability) -> str:
    """The clause with the reporting verb before it when the verb carries the probability
    ("doubts that …", "expects …", "dismissed claims that …"): without it the quote would
    state the event as said, the opposite of "doubts". The sentence's own words from the
    verb on, when the clause follows the verb there."""
    verb = utterance.verb
    if not verb or not set(verb.lower().split()) & set(parsed.phrase.lower().split()):
        return clause
    text = utterance.sentence.text
    found = re.search(rf"\b{re.escape(verb)}\b", text)
    if found is None:
        return clause if verb.lower() in clause.lower() else f"{verb} {clause}"
    start = text.find(clause[:40], found.start())
    if found.start() < start <= found.end() + 40:
        return text[found.start() : start] + clause
    return clause


def _quote(clause: str) -> str:
    """The claim's own words, as said or reported: not the whole paragraph."""
    text = clause.strip().strip("‘’“”\"' ,").strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def build_candidates(
    utterance: Utterance,
    *,
    published: dt.date,
    horizon_days: int,
    article: str = "",
    antecedents: dict[str, str] | None = None,
) -> list[Candidate]:
    """Candidates for the forecasts in one utterance; none for facts, the narrator (no
    speaker) and contingency language. `antecedents` holds, per speaker, what their last claim
    was about, for a later "it" (updated here)."""
    if not utterance.speaker or is_contingency(utterance.text):
        return []
    if utterance.text.rstrip(" ”’\"')").endswith("?"):
        return []  # a question asks; it does not forecast
    antecedents = {} if antecedents is None else antecedents
    candidates = []
    for clause, second_verb in claim_clauses_with_verbs(utterance.text):
        # "announced the plan and said that it would …": "said" governs the second claim
        said = replace(utterance, verb=second_verb) if second_verb else utterance
        cue = future_cue(clause, verb=said.verb, reported=said.reported)
        if cue and not is_concession(clause, utterance.text):
            antecedent = antecedents.get(utterance.speaker, "")
            candidates.append(
                _candidate(said, clause, cue, published, horizon_days, article, antecedent)
            )
        if subject := subject_of(clause, article):
            # named as the title names it: a later "it" is "Australian Airlines", not "the
            # airline"
            antecedents[utterance.speaker] = name_definites(subject, _before(article, utterance))
    return candidates


def _before(article: str, utterance: Utterance) -> str:
    """What the article said until the utterance's sentence."""
    position = article.find(utterance.sentence.text) if article else -1
    return article[:position] if position > 0 else ""


def _kind(utterance: Utterance, clause: str, article: str = "") -> str:
    plan = is_plan(
        # "I think we will open …": the plan is in the proposition; "it is a matter of time
        # before we achieve …" is "we will achieve …"
        proposition(_as_will(clause, "")),
        speaker=utterance.speaker,
        verb=utterance.verb,
        reported=utterance.reported,
        person=utterance.person,
        expert=utterance.expert,
        countries=speaker_countries(utterance.speaker, article, person=utterance.person),
    )
    return "plan" if plan else "forecast"


def _candidate(
    utterance: Utterance,
    clause: str,
    cue: str,
    published: dt.date,
    horizon_days: int,
    article: str,
    antecedent: str,
) -> Candidate:
    parsed = _probability(clause, utterance.verb, cue)
    deadline, why = suggest_deadline(clause, published, horizon_days)
    before = _before(article, utterance)
    # The title names what the article named ("the storm" → "Typhoon Lupit"); the claim keeps
    # the speaker's words.
    named = _as_will(name_definites(clause, before), cue)
    title = question_title(named, utterance.verb, utterance.speaker, article)
    title = finish_title(
        title,
        before=before,
        published=published,
        antecedent=antecedent,
        speaker=utterance.speaker,
        reported=utterance.reported,
        person=utterance.person,
    )
    passed = PASSED_DATE in why  # the claim names a date, before the article's own
    named = why.startswith("named") or passed
    undated = None if named else _UNDATED_LIMIT_RE.search(clause)
    title = _dated(title, deadline, named or undated is not None)
    problems = title_problems(title)
    if passed:
        problems.append("the date it names is not after the article's date: check both")
    if undated:
        problems.append(
            f"its own time limit (“{undated.group()}”) has no date: set the deadline to it"
        )
    return Candidate(
        speaker=utterance.speaker,
        claim=clause,
        quote=_quote(_with_verb(clause, utterance, parsed)),
        phrase=parsed.phrase,
        probability=parsed.probability,
        basis=parsed.basis,
        table_version=parsed.table_version,
        suggested_deadline=deadline.isoformat(),
        deadline_basis=why,
        question_title=title,
        resolution_criteria=resolution_criteria(title, clause, utterance.speaker, deadline),
        sentence_index=utterance.sentence.index,
        kind=_kind(utterance, clause, article),
        needs_editing=bool(problems),
        editing_reasons=tuple(problems),
    )
