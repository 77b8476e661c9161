"""Forward-looking sentences the assistant proposed nothing from: for the editor to check.

On news nobody tuned the rules to, the candidates hold about half of an article's forecasts
(docs/extraction.md). The rest are mostly in sentences that speak of the future in a shape the
rules cannot read, or that they took for the speaker's own plan. Listing those sentences,
about two an article, turns a miss the editor never sees into one line to read: with them, nine
forecasts in ten are either proposed or listed. A listed sentence proposes nothing: the editor
writes its question, or passes.
"""

import re
from dataclasses import dataclass

from forecasts.extraction.attribution import Utterance
from forecasts.extraction.candidates import Candidate

# Words that look ahead: modals and the future, expectation and its vocabulary, and the
# near-future of plans and threats. Broad on purpose: a sentence listed in vain costs a glance.
FORWARD_RE = re.compile(
    r"\b(?:(?-i:will|may)|won[’']t|would|could|might|should|shall|going\s+to|gonna|\w+[’']ll|"
    r"expect\w*|likely|unlikely|forecast\w*|predict\w*|warn(?:s|ed|ing|ings)?|fear\w*|risk\w*|"
    r"chances?|probabl\w*|possib\w*|set\s+to|poised|on\s+track|outlook|next(?!\s+to\b)|soon|"
    r"future|hope\w*|anticipat\w*|project(?:s|ed|ing|ion|ions)|estimat\w*|threat\w*|"
    r"danger\w*)\b",
    re.IGNORECASE,
)
# Lower case only: "Will" and "May" open sentences too, but they are also names and a month.
_CAPITAL_MODAL_RE = re.compile(r"^(?:Will|May)\s+(?:the|it|there|we|you|they|he|she|I)\b")

PLAN = "read as the speaker's own plan"
NOT_READ = "looks ahead, but not in a form the assistant reads as a forecast"
NO_SPEAKER = "looks ahead, but the assistant found no named speaker"
# A stable code for each reason, for API clients to branch on (the reason is prose).
CODES = {PLAN: "plan", NOT_READ: "not_read", NO_SPEAKER: "no_speaker"}


@dataclass(frozen=True)
class Unproposed:
    """A sentence to check: where it is, its words, who the assistant thinks says it ("" for
    nobody it could name) and why nothing was proposed from it."""

    sentence_index: int
    sentence: str
    speaker: str
    reason: str
    # the claim read as the speaker's plan, when that is the reason: the editor who finds it a
    # forecast starts from its question (not in the API's `to_check`: it is among `plans`)
    plan: Candidate | None = None

    def as_dict(self) -> dict:
        return {
            "sentence_index": self.sentence_index,
            "sentence": self.sentence,
            "speaker": self.speaker,
            "reason": self.reason,
            "code": CODES[self.reason],
        }


def looks_ahead(sentence: str) -> bool:
    return bool(FORWARD_RE.search(sentence) or _CAPITAL_MODAL_RE.search(sentence))


def sentences_to_check(
    utterances: list[Utterance], claims: list[Candidate], repeated: frozenset[int] = frozenset()
) -> list[Unproposed]:
    """Each sentence that looks ahead and holds no forecast candidate, once, in order.
    `repeated`: sentences whose forecast repeats a candidate's (proposed once, not missed)."""
    forecasts = {c.sentence_index for c in claims if c.kind == "forecast"} | repeated
    plans: dict[int, Candidate] = {}
    for claim in claims:
        if claim.kind == "plan":
            plans.setdefault(claim.sentence_index, claim)
    speakers: dict[int, str] = {}  # the first speaker named in each sentence
    sentences = {}
    for utterance in utterances:
        index = utterance.sentence.index
        sentences.setdefault(index, utterance.sentence)
        speakers[index] = speakers.get(index) or utterance.speaker
    listed = []
    for index, sentence in sentences.items():
        if index in forecasts:
            continue
        if index in plans:
            plan = plans[index]
            listed.append(Unproposed(index, sentence.text, plan.speaker, PLAN, plan))
        elif looks_ahead(sentence.text):
            reason = NOT_READ if speakers[index] else NO_SPEAKER
            listed.append(Unproposed(index, sentence.text, speakers[index], reason))
    return listed
