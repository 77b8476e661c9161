"""Walk an article in order and say, for each sentence, who says it and in which words.

Sources of attribution, strongest first: the quotation the sentence is in (its attribution
after or before the marks), the sentence's own reporting frame ("He is confident that …",
"…, said X", "According to X, …"), the trailing attribution of its paragraph (a wire lede),
an interview label ("A:", "Marsh:"), and, in an op-ed written in the first person, the author.
A narrator's own sentences ("The summit will open on Monday") have no speaker and are not
proposed: they report schedules and facts, not forecasts.
"""

import re
from dataclasses import dataclass, replace

from forecasts.extraction.sentences import Document, Paragraph, Quote, Sentence
from forecasts.extraction.speakers import (
    EXPERT_WORDS,
    ORG_WORDS,
    REPORTING_VERBS,
    TITLE_WORDS,
    Agent,
    SpeakerState,
    agent_name,
    apposed_person,
    described_agent,
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
    person: bool = False  # the speaker is a person, not an organisation
    expert: bool = False  # … introduced as an analyst, a scientist: speaks for no institution
    frame: str = ""  # "tail" when the speaker came from a closing "…, said X."


# Adverbs between the speaker and the verb: "the Prime Minister once again said".
# … and an auxiliary before them: "He has told a meeting that …", "leaders now believe".
_VERB = (
    r"(?:(?:has|have|had)\s+)?"
    r"(?:(?:also|further|then|once\s+again|again|repeatedly|previously|recently|publicly|"
    rf"separately|likewise|reportedly|now|still|already|earlier)\s+)?(?P<verb>{REPORTING_VERBS})\b"
)
_VERB_RE = re.compile(rf"\s{_VERB}")
# A full stop inside a name ("U.S. State Department") does not end the speaker phrase.
_TAIL_VERB_FIRST_RE = re.compile(
    rf"^\s*[,.]?\s*{_VERB}\s+(?P<who>(?:[^.;!?]|\.(?=\S)|(?<=\b[A-Z])\.)+)"
)
_TAIL_WHO_FIRST_RE = re.compile(rf"^\s*[,.]?\s*(?P<who>[^.;!?“‘\"]{{1,80}}?)\s+{_VERB}")
_HEAD_RE = re.compile(rf"(?P<who>[^.;!?“”‘\"]{{1,80}}?)\s+{_VERB}[^:“‘\"]{{0,40}}[:,]?\s*$")
# What may follow the verb of a closing attribution: "…, the bureau said in its advisory.",
# "…, Ferro told reporters on Monday."
_AFTER_TAIL_VERB = (
    r"(?:\s+(?:reporters|journalists|the\s+press|(?:the\s+)?[A-Z][\w.’'&-]*(?:\s+[A-Z][\w.’'&-]*){0,3})"
    r")?(?:\s+(?:on|in|at|during|after|before|via|through|yesterday|today|tonight|last|this|"
    r"earlier|later)\b[^,;!?“”\"]{0,60})?"
)
_SENTENCE_TAIL_RE = re.compile(
    rf",\s+(?:{_VERB}\s+(?P<who>[^;!?]+?)|(?P<who2>[^,;!?]{{1,60}}?)\s+(?:also\s+)?"
    rf"(?P<verb2>{REPORTING_VERBS}){_AFTER_TAIL_VERB})\s*[.!?]?$"
)
_ACCORDING_RE = re.compile(
    r"^According to (?:(?P<who>[^,]{2,80}),\s+|(?P<named>(?:the\s+)?(?:[A-Z][\w.’'&-]*\s+"
    r"(?:(?:of|for|on|in)\s+(?:the\s+)?)?){1,6}?)(?=[a-z]))(?P<rest>.+)$"
)
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
    # A quotation closed by a full stop ends its sentence: what follows is a new one
    # (`"… by noon." The bureau said …`), not this quotation's attribution.
    closed = quote.content.rstrip("”’\"' ").endswith(".") and after.strip()[:1].isupper()
    for pattern in () if closed else (_TAIL_VERB_FIRST_RE, _TAIL_WHO_FIRST_RE):
        match = pattern.match(after)
        if match and (agent := parse_agent(match["who"], state)):
            return agent, match["verb"]
    before = paragraph.text[: quote.start]
    match = _HEAD_RE.search(re.split(r"(?<=[.!?])\s+", before)[-1]) if before.strip() else None
    who = match["who"] if match else ""
    if match and (
        agent := _agent_before(who, state) or _suffix_agent(who, state) or parse_agent(who, state)
    ):
        return agent, match["verb"]
    if agent := _saying_agent(re.split(r"(?<=[.!?])\s+", before)[-1], state):
        return agent, "said"
    # "…, although, according to the agency, “there may be …”"
    match = _ACCORDING_BEFORE_QUOTE_RE.search(re.split(r"(?<=[.!?])\s+", before)[-1])
    if match and (agent := parse_agent(match["who"], state)):
        return agent, "said"
    return None, ""


# "There was no damage, although, according to the agency, “the sea may rise.”"
_ACCORDING_MID_RE = re.compile(
    r"^.+?,\s+according\s+to\s+(?P<who>[^,;“”\"]{2,80}?),\s+(?P<rest>[“\"].+)$"
)
_ACCORDING_BEFORE_QUOTE_RE = re.compile(
    r"\baccording\s+to\s+(?P<who>[^,;“”\"]{2,80}?),?\s*$", re.IGNORECASE
)


_SAYING_RE = re.compile(
    r"^(?P<who>[^“”\"]{2,200}?),?\s+(?:(?:when|by|while|before|after)\s+)?"
    r"(?:saying|stating|adding|declaring|writing|warning|noting|predicting|meaning)\s*[:,]?\s*$"
)
_FRONTED_RE = re.compile(
    r"^(?:although|though|while|after|when|as|despite|following|since|because|in|on|at)\b"
    r"[^,]{0,100},\s+",
    re.IGNORECASE,
)


def _saying_agent(before: str, state: SpeakerState) -> Agent | None:
    """ "Ada Brook, the port's pilot, closed the meeting by saying, “…”": the subject of the
    sentence that a participle of speaking introduces the quotation with."""
    match = _SAYING_RE.search(before) if before.strip() else None
    if match is None:
        return None
    who = _FRONTED_RE.sub("", match["who"].strip())  # "Although nobody asked, Ada Brook …"
    parts = [p.strip() for p in who.split(",") if p.strip()]
    return apposed_person(parts, state) or (
        _subject_agent(who, state) if not re.match(r"^(?:a|an|the)\s+[a-z]", who) else None
    )


# The reported part is a quotation only when the quotation runs to the end ("told Bloomberg
# Television, “…”"), not when a quoted phrase sits inside the reported clause.
_OPEN_QUOTE_RE = re.compile(
    r"^(?:[^“‘\"]{0,80}?[,:]\s*|that\s+|)[“‘\"](?P<content>[^”\"]+?)[”’\"]?[.,]?$"
)
# The words before a quotation end in a modal: the quotation continues their clause.
_LEAD_CLAUSE_RE = re.compile(r"\b(?:will|would|may|might|could|can|should|must)\s*[,:]?$")
# … after "said", only when and where come before "that" ("said on Tuesday that", "said in a
# statement that"), never a noun ("said today the deal that was signed will …")
_CIRCUMSTANCE_THAT_RE = re.compile(
    r"^(?:(?:(?:on|in|at|during|to|via|through|from|after|before|when|while)\s+"
    r"(?:[^\s,.;:“‘\"]+\s+){0,5}?)|(?:yesterday|today|tonight|earlier|later|again|also|"
    r"previously|recently|repeatedly|once|publicly|privately|separately)\s+|"
    r"(?:last|this)\s+\w+\s+)+that\s+",
    re.IGNORECASE,
)
_OBJECT_THAT_RE = re.compile(r"^(?:[^\s,.;:“‘\"]+\s+){0,10}?that\s+")
# What follows "said" is the speaker's own frame, not whom they told: "said there is a 30
# percent chance that …", "said it is likely that …" (the frame carries the probability).
_OWN_FRAME_RE = re.compile(r"^(?:there\s+(?:is|was|are|were)|it\s+(?:is|was))\s", re.IGNORECASE)
_ACCORDING_TAIL_RE = re.compile(r"^(?P<rest>.+?),?\s+according to (?P<who>[^,;]{2,80}?)[.!?]?$")
_SPEECH_VERBS_WITH_OBJECT = frozenset({"told", "tells", "reported", "said", "says", "warned"})


def _reported_clause(verb: str, rest: str) -> str:
    """What follows a reporting verb, without the frame: "Radio X on 3 March that …",
    "reporters: “…”", "that …"."""
    rest = rest.strip()
    match = _OPEN_QUOTE_RE.match(rest)
    if match and len(rest[: match.start("content")].split()) <= 8:
        lead = rest[: match.start("content")].rstrip(' “‘"')
        if _LEAD_CLAUSE_RE.search(lead):
            # "said the new rule will, “help the families …”": the quotation finishes a clause
            # whose subject and modal come before it
            lead = re.sub(r"^that\s+", "", lead.rstrip(" ,:"))
            return f"{lead} {match['content'].strip()}"
        return match["content"].strip()
    last = verb.split()[-1]  # "has warned" is "warned" here
    if last in _SPEECH_VERBS_WITH_OBJECT or verb.endswith("saying"):
        before = rest
        # "told Radio X on 3 March that", "said in a statement that"; but "said the bridge that
        # opens in June will …" has no frame to skip
        skip = _CIRCUMSTANCE_THAT_RE if last in {"said", "says"} else _OBJECT_THAT_RE
        if not _OWN_FRAME_RE.match(_LEADING_WHEN_RE.sub("", rest)):
            rest = skip.sub("", rest, count=1)
        if rest == before and last in {"told", "tells", "tell"}:
            rest = _LISTENER_RE.sub("", rest, count=1)  # "told reporters the quay will …"
        if rest == before and last in {"warned", "warns", "warn"}:
            rest = re.sub(
                r"^(?:[^\s,]+\s+){1,4}?(?=of\s)", "", rest, count=1
            )  # "warned residents of"
    rest = _LEADING_WHEN_RE.sub("", rest)  # "predicted on Tuesday the quay would …"
    return re.sub(r"^(?:that,?|,|:)\s+", "", rest)


_DAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
)
_LEADING_WHEN_RE = re.compile(
    rf"^(?:on\s+(?:{_DAY}|\d{{1,2}}\s+{_MONTH}|{_MONTH}\s+\d{{1,2}})(?:,?\s+\d{{4}})?|yesterday|"
    r"today|last\s+(?:week|month|night|year)|this\s+(?:week|morning|month)|earlier\s+this\s+\w+|"
    # "predicted in February of this year that …"
    rf"in\s+{_MONTH}(?:\s+of\s+this\s+year|\s+of\s+last\s+year|,?\s+\d{{4}})?)"
    r",?\s+(?:that\s+)?(?=[a-zA-Z])"
)


# Whom something was told, when no "that" follows: reporters, a named outlet.
_LISTENER_RE = re.compile(
    r"^(?:reporters|journalists|the\s+press|the\s+media|(?:a\s+)?(?:news|press)\s+conference|"
    # "told Channel Nine, vandalism is not going to …"
    r"(?:the\s+)?(?:[A-Z][\w.’'&-]*\s+){0,3}[A-Z][\w.’'&-]*(?:,\s+|\s+)(?=[a-z]))\s*"
    r"(?:on\s+\w+\s+)?"
)


def _agent_before(prefix: str, state: SpeakerState) -> Agent | None:
    """The speaker phrase just before a reporting verb: the whole prefix ("Ali Abdu,
    Eritrea's information minister"), else what follows its last comma or "and"
    ("Following the storm, the bureau")."""
    # "Ada Brook, who ran the port," and "Ada Brook, a pilot who ran the port,": the
    # relative clause describes; it is not part of the name.
    prefix = re.sub(r",\s+(?:who|which|whose)\b[^,]*,\s*$", " ", prefix)
    prefix = re.sub(r"\s+(?:who|which|whose)\b[^,]*(,\s*)$", r"\1", prefix)
    if re.search(r"[,(]", prefix) and (match := _OWNED_NAME_RE.search(prefix)):
        # "The Construction, Forestry, Mining and Energy Union's (CFMEU) John Sutton says": the
        # person after the possessive, however many commas the owner's name holds
        agent = parse_agent(match["name"], state)
        if agent is not None and agent.kind == "person":
            owner = " ".join(prefix[: match.start("name")].lower().split()[-6:])
            return replace(agent, descriptor=owner)
    # A description and a name in apposition ("The bank's economist, Ada Brook, said") or a
    # name and its description ("… and pilot Ada Brook, the port's pilot, said").
    parts = [p.strip() for p in prefix.split(",") if p.strip()]
    if len(parts) >= 2:
        pair = [_nearest_phrase(parts[-2]), parts[-1]]
        if agent := apposed_person(pair, state) or described_agent(pair, state):
            return agent
    if len(parts) >= 2 and _ASIDE_RE.match(parts[-1]):
        # "Donald Rumsfeld, on a visit to the troops at the air base, said": the subject
        # before a where-and-when aside
        agent = parse_agent(_nearest_phrase(parts[-2]), state)
        if agent is not None and agent.kind in {"person", "org"}:
            return agent
    if prefix.rstrip().endswith(","):
        return None  # "…, said X": the speaker follows the verb (a tail frame)
    if match := re.search(r"(?:^|\s)(?P<pronoun>he|she|they|it)\s*$", prefix, re.IGNORECASE):
        # "NASA administrator Ada Brook caused a stir when she suggested that …": the
        # sentence's own subject, before the last speaker
        lead = _FRONTED_RE.sub("", prefix[: match.start()].strip())
        if match["pronoun"].lower() in {"he", "she"} and re.search(
            r"\b(?:when|as|after|before|because|and|but)$", lead
        ):
            subject = _subject_agent(lead, state)
            if subject is not None and subject.kind == "person":
                return subject
        return parse_agent(match["pronoun"], state)  # "Of the plan he stated that …"
    if re.search(r"\b(?:and|but)\s*$", prefix) and len(prefix.split()) > 2:
        # "He pointed to the past, but stated that …": the verb shares the sentence's subject.
        # … after a fronted phrase: "Following her nomination, Briscoe spoke … and said"
        subject = _FRONTED_RE.sub("", re.sub(r",?\s*\b(?:and|but)\s*$", "", prefix))
        return _subject_agent(subject, state)
    # The phrase nearest the verb first: "…, but the bureau warned" is the bureau's.
    last = re.split(r",\s+|;\s+", prefix)[-1]
    last = re.sub(r"^(?:but|and|while|although|though|as|yet|so)\s+", "", last.strip())
    tries = [last]
    if match := re.search(r"\s+and\s+(?=the\s|[A-Z])(?!.*\sand\s)", prefix):
        tries.append(prefix[match.end() :])
    if not _CLAUSE_IN_PREFIX_RE.search(prefix):
        tries.append(prefix)
    for text in dict.fromkeys(t.strip() for t in tries if t.strip()):
        if _PREPOSITION_START_RE.match(text):
            continue  # "In the northern states of …": a place, not a subject
        agent = parse_agent(text, state)
        if agent is not None and agent.kind != "first_person":
            return agent
    # "Political scientist at the City University Willy Lam told …": a long description
    # ending in a full name.
    if match := _TRAILING_NAME_RE.search(prefix):
        run = match.group().split()
        # a longer run ends in the name: "… of Hong Kong Willy Lam" is Willy Lam
        after_of = re.search(r"\b(?:of|in|at|from)\s*$", prefix[: match.start()])
        agent = parse_agent(
            " ".join(run if len(run) <= 2 or (len(run) == 3 and not after_of) else run[-2:]), state
        )
        if agent is not None and agent.kind == "person":
            # its description ("political scientist at …") says who the person is
            description = " ".join(prefix[: match.start()].lower().split()[:8])
            return replace(agent, descriptor=f"{agent.descriptor} {description}".strip())
    return None


_ASIDE_RE = re.compile(
    r"^(?:on|in|at|during|after|before|while|speaking|visiting|writing|appearing|addressing|"
    r"interviewed|asked)\s+(?:a|an|the|his|her|their|its|to|on|at|in|with|from)\b"
)
_OWNED_NAME_RE = re.compile(
    r"[A-Za-z]['’]s?\s+(?:\([A-Z][\w&.-]+\)\s+)?(?P<name>[A-Z][a-z][\w’'-]*\s+[A-Z][\w’'-]+),?\s*$"
)


def _nearest_phrase(text: str) -> str:
    """The phrase after the last conjunction: "The port cut fees and pilot Ada Brook"."""
    return re.split(r"\s+(?:and|but|while|as|after|when)\s+", text)[-1]


_CLAUSE_IN_PREFIX_RE = re.compile(
    r"\b(?:has|have|had|is|are|was|were|will|would|could|did|does)\s+[a-z]", re.IGNORECASE
)
_PREPOSITION_START_RE = re.compile(
    r"^(?:in|on|at|for|from|of|with|by|under|across|throughout|after|before|during|since|"
    r"following|despite|among|amid|to|into|over)\b",
    re.IGNORECASE,
)
_TRAILING_NAME_RE = re.compile(r"(?<![\w’'.-])(?:[A-Z][\w’'.-]+\s+){0,5}[A-Z][\w’'-]+\s*$")


_CAP_WORD_RE = re.compile(r"^[A-Z(]")
_PARTICIPLE_RE = re.compile(
    r",\s+(?:noting|warning|saying|adding|predicting|claiming)\s+"
    # "The agency issued a report on Monday explaining how …": what the report says
    r"|\b(?:issued|released|published)\s+(?:a|an|its|the)\s+(?:[\w-]+\s+){0,2}(?:report|statement|"
    r"forecast|study|outlook|assessment|analysis|advisory)\b[^,.;“\"]{0,40}?,?\s+(?:saying|stating|"
    r"warning|predicting|explaining|suggesting|showing|forecasting|projecting)\s+(?:how\s+)?"
)
_ADDING_RE = re.compile(r",\s+(?:adding|noting|warning|predicting|saying)\s+(?=that\s|the\s|it\s)")
_CONTRAST_RE = re.compile(r",\s+(?:although|though|while|whereas|but)\s+(?P<rest>[^,]{3}.+)$")
# "a report by the Vell Times that …": the report's author says what follows.
_REPORT_BY_RE = re.compile(
    r"\b(?:a|the|an)\s+(?:[\w-]+\s+)?(?:report|statement|claim|warning|forecast|prediction)\s+"
    r"(?:by|from|in)\s+(?P<who>(?:the\s+)*(?:[A-Z][\w.’'&-]*\s+){0,4}[A-Z][\w.’'&-]*"
    # "a warning from Counsel Assisting the Commissioner, Lionel Roberts QC, that …"
    r"(?:(?:\s+the)?(?:\s+[A-Z][\w.’'&-]*){1,4},\s+(?:[A-Z][\w.’'&-]*\s+){1,3}[A-Z][\w.’'&-]*)?),?\s+"
    r"that\s+(?P<rest>.+)$"
)


# "firefighters", "scientists", "Australians"; not the verbs "considers", "offers", "remembers"
_PLURAL_NOUN_RE = re.compile(
    r"^(?!(?:consid|rememb|off|answ|ent|ord|suff|deliv|cov|discov|gath|prefer|ref|wond|"
    r"regist|shelt|matt|count|hind|low|pow|trigg|both|alt|rend|deliv|gov|ush|ant)ers$)"
    r"[a-z]+(?:ers|ists|ians|men)$"
)
_VERBS_AFTER_SUBJECT = frozenset(
    """spoke told said wrote met went came gave took made is was has had will would can could
    may might also""".split()  # noqa: SIM905
)


def _subject_agent(prefix: str, state: SpeakerState) -> Agent | None:
    """The subject opening a sentence: its first words, before its verb."""
    if agent := apposed_person([p.strip() for p in prefix.split(",") if p.strip()], state):
        return agent  # "At noon, Ada Brook, a student, posted …"
    words = prefix.split(",")[0].split()
    run = 0
    while run < len(words) and _CAP_WORD_RE.match(words[run]):
        run += 1
    if (
        0 < run < len(words)
        and words[run][:1].islower()
        # a verb after the name ("Briscoe spoke"), not a description ("GOP operative Roger")
        and (
            # … not a plural noun after a place: "New South Wales firefighters"
            re.fullmatch(r"[a-z]{2,}(?:ed|s)", words[run]) is not None
            and _PLURAL_NOUN_RE.search(words[run]) is None
            or words[run] in _VERBS_AFTER_SUBJECT
        )
        and words[run] not in TITLE_WORDS | EXPERT_WORDS | ORG_WORDS  # "NASA administrator …"
        and words[0] not in {"The", "A", "An"}
    ):
        # "Briscoe spoke with the Post": the name that opens the sentence, not the one after
        # its verb
        agent = parse_agent(" ".join(words[:run]), state)
        if agent is not None and agent.kind in {"person", "org"}:
            return agent
    for size in range(min(len(words), 6), 0, -1):
        if size < len(words) and _CAP_WORD_RE.match(words[size]):
            continue  # a name is a whole capitalised run ("Central European Summer Time")
        if size < len(words) and _PLURAL_NOUN_RE.search(words[size]):
            continue  # "New South Wales firefighters": the name describes the people after it
        agent = parse_agent(" ".join(words[:size]), state)
        if agent is not None and agent.kind not in {"first_person"}:
            return agent
    return None


PAST_VERB_RE = re.compile(r"(?:ed|said|told|wrote|thought|forecast|foresaw)$")
_QUOTED_RE = re.compile(r"“[^”]*”|\"[^\"]*\"")
_PASSIVE_RE = re.compile(r"\b(?:is|are|was|were|be|been|being)\s*$", re.IGNORECASE)
_BE_FORMS = ("is ", "are ", "was ", "were ")
_UNNAMED_SUBJECT_RE = re.compile(
    r"(?:^|,\s+|\b(?:but|and|while|although|as)\s+)(?:the\s+|some\s+|many\s+|other\s+)?"
    r"(?:[a-z]+\s+)?(?:officials|experts|analysts|authorities|sources|critics|observers|"
    r"economists|scientists|researchers|forecasters|meteorologists|residents|witnesses|"
    r"people|others|some|many)\s*$",
    re.IGNORECASE,
)


_REPORT_NOUNS = r"(?:report|article|story|study|survey|analysis|paper|statement|broadcast)"
# "According to a Tidewater report in the Gazette, …": the report's named source speaks.
_ACCORDING_REPORT_RE = re.compile(
    rf"^According to (?:a|an|the)\s+(?P<who>[A-Z][\w.&’'-]*(?:\s+[A-Z][\w.&’'-]*){{0,3}})\s+"
    rf"{_REPORT_NOUNS}(?:\s+(?:in|on|by|from|published\s+in)\s+(?:the\s+)?"
    r"[A-Z][\w.&’'-]*(?:\s+[A-Z][\w.&’'-]*){0,3})?,?\s+(?P<rest>\S.+)$"
)
# "A study published on Monday in the Gazette by economist Ada Brook of the City University
# claims …": its author speaks, however long the description between.
_REPORT_AUTHOR_RE = re.compile(
    rf"^(?:A|An|The)\s+(?:[\w-]+\s+)?{_REPORT_NOUNS}\b[^.;“\"]{{0,80}}?\bby\s+"
    r"(?P<who>(?:[a-z]+\s+)?(?:[A-Z][\w.’'-]*\s+){0,3}[A-Z][\w’'-]+)"
    r"(?:\s+(?:of|at|from)\s+[^.;“\"]{0,60}?)?\s+(?P<verb>claims|says|warns|finds|predicts|"
    r"suggests|estimates|concludes|argues|forecasts|projects|expects)\s+(?:that\s+)?(?P<rest>\S.+)$"
)


# Between a subject and its reporting verb: a parenthetical connective ("Ada Brook, however,
# claims …") or an adverb ("Ada Brook originally said …").
_ASIDE_BEFORE_VERB_RE = re.compile(
    r"(?:,\s+(?:however|meanwhile|though|too|in\s+turn|for\s+(?:his|her|its|their)\s+part|"
    r"by\s+contrast|in\s+contrast|on\s+the\s+other\s+hand),|"
    r"(?<=[A-Za-z])\s+(?:[a-z]{3,}(?:ally|edly|ently|antly|ously|ively|ately|ibly|ably|ingly|fully)|"
    r"publicly|openly|firmly|strongly|flatly|bluntly|recently|previously|quickly|briefly|"
    r"directly|clearly|similarly|explicitly))\s*$"
)


def _head_frame(text: str, state: SpeakerState) -> tuple[Agent | None, str, str]:
    """ "X is confident that …": (agent, verb, reported clause). The subject is the phrase just
    before the verb, so "Baku will …, said X" is not read as spoken by Baku."""
    for pattern in (_ACCORDING_REPORT_RE, _REPORT_AUTHOR_RE):
        if (match := pattern.match(text)) and (agent := parse_agent(match["who"], state)):
            verb = match["verb"] if "verb" in match.groupdict() else "said"
            return agent, verb, match["rest"]
    if match := _ACCORDING_RE.match(text):
        # "According to X, …", or without the comma "According to the Coastal Bureau the …"
        rest = match["rest"]
        first, comma, after = rest.partition(", ")
        if comma and match["who"] and described_agent([match["who"], first], state):
            rest = after  # "According to Ada Brook, the port's pilot, the quay will …"
        return parse_agent(match["who"] or match["named"], state), "said", rest
    match = _ACCORDING_TAIL_RE.match(text)
    if match and (agent := parse_agent(match["who"], state)):
        return agent, "said", match["rest"]
    match = _ACCORDING_MID_RE.match(text)
    if match and (agent := parse_agent(match["who"], state)):
        return agent, "said", match["rest"].strip("“”\"' ")
    body = _LEADING_RE.sub("", text)
    if match := _REPORT_BY_RE.search(body):
        agent = parse_agent(re.sub(r"^(?:the\s+)+", "the ", match["who"]), state)
        if agent is not None:
            return agent, "said", match["rest"]
    participle = _PARTICIPLE_RE.search(body)
    if participle and not _VERB_RE.search(body[: participle.start()]):
        # "Police closed the road, warning that …": the participle is the only frame; in
        # "A paper praised him and analyst Ada Brook agreed, saying …" the last clause's
        # subject says it
        before = body[: participle.start()]
        last = re.split(r"\s+and\s+(?=(?:[a-z]+\s+){0,3}[A-Z]|the\s)", before)[-1]
        agent = (_subject_agent(last, state) if last != before else None) or _subject_agent(
            before, state
        )
        if agent is not None:
            return agent, "said", _reported_clause("said", body[participle.end() :])
    for match in _VERB_RE.finditer(body):
        prefix = _QUOTED_RE.sub(",", body[: match.start()])  # a closed quotation is no frame
        prefix = _ASIDE_BEFORE_VERB_RE.sub(
            "", prefix
        )  # "Brook, however, claims", "Brook once said"
        parts = [p.strip() for p in prefix.split(",") if p.strip()]
        aside = len(parts) >= 2 and _ASIDE_RE.match(parts[-1]) is not None
        if re.search(r"[“‘\"]", prefix) or len(prefix.split()) > (26 if aside else 16):
            break  # the verb belongs to a quotation or a clause deep in the sentence
        if _PASSIVE_RE.search(prefix) and not match["verb"].startswith(_BE_FORMS):
            continue  # "Dorian was forecast to …": nobody is named as the speaker
        if re.search(r"\b(?:which|who)\s*$", prefix):
            continue  # "Debka.com, which reports on intelligence, says …": the relative's verb
        head, _, _ = prefix.rpartition(",")
        tail = _SENTENCE_TAIL_RE.search(body)
        if (
            tail
            and tail.start() == len(head)
            and _CLAUSE_IN_PREFIX_RE.search(head)
            and not re.search(r",\s+(?:who|which|whose)\b[^,]*$", head)
        ):
            break  # "The storm will …, the bureau said in its advisory.": a closing frame
        agent = _agent_before(prefix, state)
        if agent is not None:
            return agent, match["verb"], _reported_clause(match["verb"], body[match.end() :])
        if _UNNAMED_SUBJECT_RE.search(prefix):
            break  # "…, but officials fear that …": unnamed, so nobody we could track
    return None, "", ""


def _tail_frame(text: str, state: SpeakerState) -> tuple[Agent | None, str, str]:
    """ "…, said political expert X." or "…, X said.": (agent, verb, the clause before)."""
    match = _SENTENCE_TAIL_RE.search(text)
    if not match:
        return None, "", ""
    who = re.sub(r",\s+(?:who|which|whose)\b.*$", "", match["who"] or match["who2"])
    agent = parse_agent(who, state)
    return agent, match["verb"] or match["verb2"], text[: match.start()]


def _quoted_part(paragraph: Paragraph, sentence: Sentence, quote: Quote) -> str:
    end = min(sentence.end, quote.end)
    return paragraph.text[max(sentence.start, quote.start) : end]


class _Walker:
    def __init__(self, document: Document) -> None:
        self.document = document
        self.state = SpeakerState(
            author=document.byline,
            document="\n".join([document.headline] + [p.text for p in document.paragraphs]),
        )
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
        utterances = self._inherit_tail(paragraph, utterances)
        return [part for u in utterances for part in self._second_frame(u)]

    def _second_frame(self, utterance: Utterance) -> list[Utterance]:
        """ "The poll gave the party 202 seats, although a survey by X suggested it may win
        256": a contrast that brings its own speaker is that speaker's utterance."""
        if utterance.quoted:
            return [utterance]
        text = utterance.text if utterance.speaker else utterance.sentence.text
        more = _ADDING_RE.search(text) if utterance.speaker else None
        if more:  # "said that A, adding that B": B is the same speaker's second claim
            clause = _reported_clause("said", text[more.end() :])
            verb = utterance.verb or "said"
            second = Utterance(utterance.sentence, utterance.speaker, clause, verb, reported=True)
            return [replace(utterance, text=text[: more.start()]), second]
        match = _CONTRAST_RE.search(text)
        if not match:
            return [utterance]
        agent, verb, clause = _head_frame(match["rest"], self.state)
        if agent is None or not (name := agent_name(agent, self.state)):
            return [utterance]
        first = replace(utterance, text=text[: match.start()])
        second = Utterance(utterance.sentence, name, clause, verb, reported=True)
        return [first, second] if utterance.speaker else [second]

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
            # `"The track is uncertain" as to the storm, "but it may turn," added the bureau`:
            # every quotation the sentence holds is the speaker's, named after any of them.
            held = [
                (k, q)
                for k, q in enumerate(paragraph.quotes)
                if q is quote or sentence.start <= q.start < sentence.end
            ]
            for k, q in held[1:]:
                if not speaker:
                    quote_speakers[k] = quote_speakers.get(k) or self._quote_speaker(paragraph, q)
                    speaker, verb = quote_speakers[k]
            parts = [_quoted_part(paragraph, sentence, q) for _, q in held]
            text = (
                "; ".join(p.strip().strip("“”\"‘’' ,") for p in parts)
                if len(parts) > 1
                else parts[0]
            )
            return Utterance(sentence, speaker or label_speaker, text, verb, quoted=True)
        if closing := self._closing_quote(paragraph, sentence):
            return closing
        agent, verb, clause = _head_frame(sentence.text, self.state)
        if agent is None:
            self.state.note_subject(sentence.text)
        frame = ""
        if agent is None:
            frame = "tail"
            agent, verb, clause = _tail_frame(sentence.text, self.state)
        if agent is not None:
            name = agent_name(agent, self.state)
            return Utterance(sentence, name, clause, verb, reported=True, frame=frame)
        speaker = label_speaker or (self.state.author if self.opinion else "")
        return Utterance(sentence, speaker, sentence.text)

    def _closing_quote(self, paragraph: Paragraph, sentence: Sentence) -> Utterance | None:
        """ "Police found a note, “and that may explain it,” said Sgt Vale.": a quotation
        inside a narrator's sentence, closed by the attribution that ends the sentence, is its
        speaker's; the narrator's words before it are not."""
        inside = [q for q in paragraph.quotes if sentence.start < q.start and q.end <= sentence.end]
        if not inside:
            return None
        quote = inside[-1]
        after = _TITLE_DOT_RE.sub(r"\1", paragraph.text[quote.end : sentence.end])
        before = paragraph.text[sentence.start : quote.start]
        agent = _saying_agent(before, self.state) if not after.strip(' .,;!?”’"') else None
        if agent and (name := agent_name(agent, self.state)):
            # "Ada Brook closed the meeting by saying, “…”": the sentence's subject
            self.last_quote_speaker = name
            return Utterance(sentence, name, quote.content, "said", quoted=True)
        if len(after.split()) > 8:
            return None
        for pattern in (_TAIL_VERB_FIRST_RE, _TAIL_WHO_FIRST_RE):
            match = pattern.match(after)
            agent = parse_agent(match["who"].strip(), self.state) if match else None
            if match and agent and (name := agent_name(agent, self.state)):
                self.last_quote_speaker = name
                return Utterance(sentence, name, quote.content, match["verb"], quoted=True)
        return None

    def _inherit_tail(self, paragraph: Paragraph, utterances: list[Utterance]) -> list[Utterance]:
        """A wire lede attributes the whole paragraph at its end: "A. B. C, said X." """
        last = utterances[-1] if utterances else None
        if last is None or last.frame != "tail" or last.sentence.quote is not None:
            return utterances
        # The verb governs its own clause only: "A. B, analysts expect." makes "A" reported
        # speech, not a forecast because of "expect".
        verb = "said" if PAST_VERB_RE.search(last.verb) else "says"
        return [
            Utterance(u.sentence, last.speaker, u.text, verb, reported=True)
            if not u.speaker and u.sentence.quote is None
            else u
            for u in utterances
        ]


def attribute(document: Document) -> list[Utterance]:
    """Every sentence of the article with its speaker ("" for the narrator), in order."""
    walker = _Walker(document)
    utterances = [u for p in document.paragraphs for u in walker.paragraph(p)]
    people, experts = walker.state.people, walker.state.experts
    return [
        replace(u, person=u.speaker in people, expert=u.speaker in experts) if u.speaker else u
        for u in utterances
    ]
