"""Walk an article in order and say, for each sentence, who says it and in which words.

Sources of attribution, strongest first: the quotation the sentence is in (its attribution
after or before the marks), the sentence's own reporting frame ("He is confident that …",
"…, said X", "According to X, …"), the trailing attribution of its paragraph (a wire lede),
an interview label ("A:", "Marsh:"), and, in an op-ed written in the first person, the author.
A narrator's own sentences ("The summit will open on Monday") have no speaker and are not
proposed: they report schedules and facts, not forecasts.
"""

import re
from dataclasses import dataclass

from forecasts.extraction.sentences import Document, Paragraph, Quote, Sentence
from forecasts.extraction.speakers import (
    REPORTING_VERBS,
    Agent,
    SpeakerState,
    agent_name,
    apposed_person,
    parse_agent,
)


@dataclass(frozen=True)
class Utterance:
    """A sentence with its speaker. `text` is the speaker's words (the quoted part, or the
    reported clause); `verb` the attribution verb; `reported` marks indirect speech."""

    sentence: Sentence
    speaker: str
    text: str
    verb: str = ""
    reported: bool = False
    quoted: bool = False


_VERB = rf"(?:also\s+|further\s+|then\s+)?(?P<verb>{REPORTING_VERBS})\b"
_VERB_RE = re.compile(rf"\s{_VERB}")
_TAIL_VERB_FIRST_RE = re.compile(rf"^\s*[,.]?\s*{_VERB}\s+(?P<who>[^.;!?]+)")
_TAIL_WHO_FIRST_RE = re.compile(rf"^\s*[,.]?\s*(?P<who>[^.;!?“‘\"]{{1,80}}?)\s+{_VERB}")
_HEAD_RE = re.compile(rf"(?P<who>[^.;!?“”‘\"]{{1,80}}?)\s+{_VERB}[^:“‘\"]{{0,40}}[:,]?\s*$")
_SENTENCE_TAIL_RE = re.compile(
    rf",\s+(?:{_VERB}\s+(?P<who>[^;!?]+?)|(?P<who2>[^,;!?]{{1,60}}?)\s+(?:also\s+)?"
    rf"(?P<verb2>{REPORTING_VERBS}))\s*[.!?]?$"
)
_ACCORDING_RE = re.compile(r"^According to (?P<who>[^,]{2,80}),\s+(?P<rest>.+)$")
_LEADING_RE = re.compile(r"^(?:(?:But|And|However|Meanwhile|Still|Now|Yet|So),?\s+)+")
_FIRST_PERSON_RE = re.compile(r"\b(?:I|my|me|I’m|I'm)\b")


def _suffix_agent(text: str, state: SpeakerState) -> Agent | None:
    """The speaker phrase ending `text` ("… to which the Azerbaijani president"), longest
    first within its clause."""
    clause = re.split(r"[,;:]", text)[-1].split()
    for size in range(min(len(clause), 8), 0, -1):
        agent = parse_agent(" ".join(clause[-size:]), state)
        if agent is not None and agent.kind != "first_person":
            return agent
    return None


_TITLE_DOT_RE = re.compile(r"\b(Dr|Mr|Mrs|Ms|Prof|Gen|Sen|Rep|Lt|Col|Capt|Sgt|Gov|St)\.")


def _quote_attribution(paragraph: Paragraph, quote: Quote, state: SpeakerState) -> tuple:
    """(agent, verb) for a quotation: the words after its closing mark, else before it."""
    after = _TITLE_DOT_RE.sub(r"\1", paragraph.text[quote.end :])  # "Dr. Brook said"
    for pattern in (_TAIL_VERB_FIRST_RE, _TAIL_WHO_FIRST_RE):
        match = pattern.match(after)
        if match and (agent := parse_agent(match["who"], state)):
            return agent, match["verb"]
    before = paragraph.text[: quote.start]
    match = _HEAD_RE.search(re.split(r"(?<=[.!?])\s+", before)[-1]) if before.strip() else None
    if match and (agent := _suffix_agent(match["who"], state) or parse_agent(match["who"], state)):
        return agent, match["verb"]
    return None, ""


# The reported part is a quotation only when the quotation runs to the end ("told Bloomberg
# Television, “…”"), not when a quoted phrase sits inside the reported clause.
_OPEN_QUOTE_RE = re.compile(
    r"^(?:[^“‘\"]{0,80}?[,:]\s*|that\s+|)[“‘\"](?P<content>[^”\"]+?)[”’\"]?[.,]?$"
)
_OBJECT_THAT_RE = re.compile(r"^(?:[^\s,.;:“‘\"]+\s+){0,10}?that\s+")
_ACCORDING_TAIL_RE = re.compile(r"^(?P<rest>.+?),?\s+according to (?P<who>[^,;]{2,80}?)[.!?]?$")
_SPEECH_VERBS_WITH_OBJECT = frozenset({"told", "tells", "reported", "said", "says", "warned"})


def _reported_clause(verb: str, rest: str) -> str:
    """What follows a reporting verb, without the frame: "Radio X on 3 March that …",
    "reporters: “…”", "that …"."""
    rest = rest.strip()
    match = _OPEN_QUOTE_RE.match(rest)
    if match and len(rest[: match.start("content")].split()) <= 8:
        return match["content"].strip()
    if verb in _SPEECH_VERBS_WITH_OBJECT or verb.endswith("saying"):
        rest = _OBJECT_THAT_RE.sub("", rest, count=1)
    return re.sub(r"^(?:that|,|:)\s+", "", rest)


def _agent_before(prefix: str, state: SpeakerState) -> Agent | None:
    """The speaker phrase just before a reporting verb: the whole prefix ("Ali Abdu,
    Eritrea's information minister"), else what follows its last comma or "and"
    ("Following the storm, the bureau")."""
    if prefix.rstrip().endswith(","):
        # "…, said X": the speaker follows the verb (a tail frame), unless the prefix is a
        # description and a name in apposition ("The bank's economist, Ada Brook, said").
        parts = [p.strip() for p in prefix.split(",") if p.strip()]
        return apposed_person(parts, state) if len(parts) == 2 else None
    tries = [prefix, re.split(r",\s+", prefix)[-1]]
    if match := re.search(r"\s+and\s+(?=the\s|[A-Z])(?!.*\sand\s)", prefix):
        tries.append(prefix[match.end() :])
    for text in dict.fromkeys(t.strip() for t in tries if t.strip()):
        agent = parse_agent(text, state)
        if agent is not None and agent.kind != "first_person":
            return agent
    return None


_PARTICIPLE_RE = re.compile(r",\s+(?:noting|warning|saying|adding|predicting|claiming)\s+")


def _subject_agent(prefix: str, state: SpeakerState) -> Agent | None:
    """The subject opening a sentence: its first words, before its verb."""
    words = prefix.split(",")[0].split()
    for size in range(min(len(words) - 1, 6), 0, -1):
        agent = parse_agent(" ".join(words[:size]), state)
        if agent is not None and agent.kind not in {"first_person"}:
            return agent
    return None


def _head_frame(text: str, state: SpeakerState) -> tuple[Agent | None, str, str]:
    """ "X is confident that …": (agent, verb, reported clause). The subject is the phrase just
    before the verb, so "Baku will …, said X" is not read as spoken by Baku."""
    if match := _ACCORDING_RE.match(text):
        return parse_agent(match["who"], state), "said", match["rest"]
    match = _ACCORDING_TAIL_RE.match(text)
    if match and (agent := parse_agent(match["who"], state)):
        return agent, "said", match["rest"]
    body = _LEADING_RE.sub("", text)
    if match := _PARTICIPLE_RE.search(body):  # "Police closed the road, warning that …"
        agent = _subject_agent(body[: match.start()], state)
        if agent is not None:
            return agent, "said", _reported_clause("said", body[match.end() :])
    for match in _VERB_RE.finditer(body):
        prefix = body[: match.start()]
        if re.search(r"[“‘\"]", prefix) or len(prefix.split()) > 16:
            break  # the verb belongs to a quotation or a clause deep in the sentence
        agent = _agent_before(prefix, state)
        if agent is not None:
            return agent, match["verb"], _reported_clause(match["verb"], body[match.end() :])
    return None, "", ""


def _tail_frame(text: str, state: SpeakerState) -> tuple[Agent | None, str, str]:
    """ "…, said political expert X." or "…, X said.": (agent, verb, the clause before)."""
    match = _SENTENCE_TAIL_RE.search(text)
    if not match:
        return None, "", ""
    agent = parse_agent(match["who"] or match["who2"], state)
    return agent, match["verb"] or match["verb2"], text[: match.start()]


def _quoted_part(paragraph: Paragraph, sentence: Sentence, quote: Quote) -> str:
    end = min(sentence.end, quote.end)
    return paragraph.text[max(sentence.start, quote.start) : end]


class _Walker:
    def __init__(self, document: Document) -> None:
        self.document = document
        self.state = SpeakerState(author=document.byline)
        self.last_quote_speaker = ""
        self.opinion = bool(document.byline) and self._first_person_outside_quotes()
        if document.byline:
            self.state.register_person(document.byline)

    def _first_person_outside_quotes(self) -> bool:
        count = 0
        for paragraph in self.document.paragraphs:
            for sentence in paragraph.sentences:
                if sentence.quote is None and _FIRST_PERSON_RE.search(sentence.text):
                    count += 1
        return count >= 2

    def paragraph(self, paragraph: Paragraph) -> list[Utterance]:
        self.state.note_mentions(paragraph.text)
        # Filled when a quotation's first sentence is reached, so that a "she" after it is
        # read with what the sentences before it taught.
        quote_speakers: dict[int, tuple[str, str]] = {}
        label = paragraph.label
        if label in {"Q", "Question"}:
            return []  # the interviewer asks; questions are not claims
        label_speaker = self._label_speaker(label)
        utterances = [
            self._sentence(paragraph, s, quote_speakers, label_speaker) for s in paragraph.sentences
        ]
        return self._inherit_tail(paragraph, utterances)

    def _label_speaker(self, label: str) -> str:
        if label in {"A", "Answer"}:
            return self.state.expert or self.state.last_speaker
        if label:
            agent = parse_agent(label, self.state)
            return agent_name(agent, self.state) if agent and agent.kind == "person" else ""
        return ""

    def _quote_speaker(self, paragraph: Paragraph, quote: Quote) -> tuple[str, str]:
        agent, verb = _quote_attribution(paragraph, quote, self.state)
        name = agent_name(agent, self.state) if agent else ""
        # A quotation with no attribution continues the previous speaker's quotation.
        name = name or self.last_quote_speaker
        self.last_quote_speaker = name or self.last_quote_speaker
        return name, verb

    def _sentence(
        self, paragraph: Paragraph, sentence: Sentence, quote_speakers: dict, label_speaker: str
    ) -> Utterance:
        if sentence.quote is not None:
            quote = paragraph.quotes[sentence.quote]
            if sentence.quote not in quote_speakers:
                quote_speakers[sentence.quote] = self._quote_speaker(paragraph, quote)
            speaker, verb = quote_speakers[sentence.quote]
            text = _quoted_part(paragraph, sentence, quote)
            return Utterance(sentence, speaker or label_speaker, text, verb, quoted=True)
        agent, verb, clause = _head_frame(sentence.text, self.state)
        if agent is None:
            self.state.note_subject(sentence.text)
            agent, verb, clause = _tail_frame(sentence.text, self.state)
        if agent is not None:
            return Utterance(sentence, agent_name(agent, self.state), clause, verb, reported=True)
        speaker = label_speaker or (self.state.author if self.opinion else "")
        return Utterance(sentence, speaker, sentence.text)

    def _inherit_tail(self, paragraph: Paragraph, utterances: list[Utterance]) -> list[Utterance]:
        """A wire lede attributes the whole paragraph at its end: "A. B. C, said X." """
        last = utterances[-1] if utterances else None
        if last is None or not last.reported or last.sentence.quote is not None:
            return utterances
        if not _SENTENCE_TAIL_RE.search(last.sentence.text):
            return utterances
        return [
            Utterance(u.sentence, last.speaker, u.text, last.verb, reported=True)
            if not u.speaker and u.sentence.quote is None
            else u
            for u in utterances
        ]


def attribute(document: Document) -> list[Utterance]:
    """Every sentence of the article with its speaker ("" for the narrator), in order."""
    walker = _Walker(document)
    return [u for p in document.paragraphs for u in walker.paragraph(p)]
