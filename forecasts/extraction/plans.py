"""Is a forward-looking claim the speaker's own plan? ("we will launch in June", "the
ministry will allocate $5m", "he said he would write to the commission").

A promise is not a prediction: the speaker decides it. A clause is a plan when its subject is
the speaker (I, we, he or she in reported speech, the organisation itself, its "government" or
"company") and its verb is an action the subject takes, or when it announces an
administrative action in the passive ("the line will be closed for a week"). Outcomes the
speaker does not decide stay forecasts, whoever the subject: "we will lose the vote", "the
company will see its sales fall".
"""

import functools
import re
from collections.abc import Iterable

from forecasts.extraction.speakers import PLAN_VERBS, TITLE_WORDS

_AUX = (
    r"(?:will|would|shall|won['’]t|wouldn['’]t|is\s+going\s+to|are\s+going\s+to|am\s+going\s+to|plans?\s+to|"
    r"intends?\s+to|is\s+to|are\s+to|wants?\s+to|expects?\s+to|"
    r"(?:is|are|am)\s+(?:prepared|ready|willing)\s+to|(?:is|are|am)\s+(?:planning|preparing)\s+to|"
    r"['’]ll)"
)
_ADVERBS = r"(?:(?:also|still|soon|now|then|only|not|never|likely|probably|definitely)\s+)*"
_CLAUSE_RE = re.compile(
    rf"^(?P<subject>.{{1,120}}?)\s+{_ADVERBS}{_AUX}\s+{_ADVERBS}(?P<be>be\s+)?[“\"‘]?(?:\w+ly\s+)?"
    rf"(?P<verb>[a-z]+)",
    re.IGNORECASE,
)
_MAYBE_ADMINISTERED_RE = re.compile(
    r"^(?P<subject>[^,;]{1,120}?)\s+(?:could|may|might)\s+(?:also\s+|well\s+)?be\s+"
    r"(?P<verb>[a-z]+ed)\b",
    re.IGNORECASE,
)
_CONDITION_RE = re.compile(r"^(?:when|once|until)\b|(?:^|\s)(?:if|unless)\s", re.IGNORECASE)
SELF_SUBJECTS = frozenset({"i", "we", "us"})
_PRONOUNS = frozenset({"i", "we", "he", "she", "they", "it"})
PERSON_SUBJECTS = frozenset({"he", "she"})
ORG_SUBJECTS = frozenset({"it", "they"})
INSTITUTIONS = frozenset(
    """government administration ministry department council parliament cabinet company
    party police authority agency commission committee board court city state firm bank
    organisation organization union league army navy military officials zoo park museum
    school university club team""".split()  # noqa: SIM905 (a word list reads better as text)
)
ANNOUNCING_VERBS = frozenset({"announced", "announces", "announce"})
# What a storm, a market or a disease does: announced, still a forecast ("the bureau announced
# that the cyclone will strengthen").
_PROCESS_VERBS = frozenset(
    """strengthen weaken intensify ease slow spread drop climb surge slump rebound expand
    contract move turn arrive affect bring cause lead result continue persist peak make
    produce threaten""".split()  # noqa: SIM905 (a word list reads better as text)
)
# Verbs of outcomes nobody decides alone: with these, even "we will …" is a forecast.
OUTCOME_VERBS = frozenset(
    """be become win lose face see suffer need fall rise grow shrink remain stay happen
    fail succeed collapse survive die get feel find learn notice experience recover decline
    increase decrease improve worsen deteriorate change have hit reach last occur emerge
    come prevail triumph split""".split()  # noqa: SIM905
)
# Outcomes when nothing follows ("prices will change"), acts when they take an object.
_TRANSITIVE_OUTCOMES = frozenset({"change", "increase", "decrease", "improve"})
# Passive actions an authority announces: "will be closed", "would be carefully monitored".
ADMINISTERED = frozenset(
    """closed opened reopened carried held launched built made introduced implemented
    reviewed investigated sent deployed given allocated spent funded transferred
    publicized publicised published released monitored used provided offered extended
    postponed cancelled canceled suspended resumed restored replaced appointed
    announced allowed permitted confined barred expelled prohibited outsourced privatised
    privatized""".split()  # noqa: SIM905
)
# … and, after "announced that", what a decision makes of something: "the grant would be
# brought forward", "conversions would be eligible for a grant" (without an announcement,
# "the bus network will be cut" may be a forecast of someone else's decision).
ANNOUNCED = ADMINISTERED | frozenset(
    """brought moved lifted raised lowered cut reduced doubled halved paid awarded granted
    banned abolished scrapped delayed merged sold expanded eligible available effective
    mandatory compulsory exempt free""".split()  # noqa: SIM905
)


# A nationality and the names of its country, where they are not the adjective less a letter
# or two ("Pakistani" → "Pakistan", "Indian" → "India").
_COUNTRIES = {
    "british": ("britain", "uk", "united kingdom"),
    "american": ("america", "us", "u.s.", "united states"),
    "us": ("america", "us", "u.s.", "united states", "american"),
    "uk": ("britain", "uk", "united kingdom", "british"),
    "chinese": ("china",),
    "french": ("france",),
    "dutch": ("netherlands", "holland"),
    "german": ("germany",),
    "japanese": ("japan",),
    "spanish": ("spain",),
    "turkish": ("turkey",),
    "filipino": ("philippines",),
    "thai": ("thailand",),
}
_NATIONALITY = (
    r"(?:(?P<adj>US|UK|[A-Z][a-z]+(?:an|ese|ish|i|ch|no|ai))|(?P<owner>[A-Z][a-z]+)['’]s)"
)
# The state's own people and things: "British troops", "Pakistani aircraft", "Pakistan".
STATE_NOUNS = frozenset(
    """troops forces force soldiers military army navy air government aircraft planes jets
    warships embassy diplomats officials police authorities ministry delegation team
    negotiators mission""".split()  # noqa: SIM905
)


_BODY_WORDS = "Bank|Council|Service|Union|Party|Commission|Authority|Board|Agency|Department|Office"
_OFFICES = (
    "Governor|Chairman|Chairwoman|Chair|President|Director|Secretary|Commissioner|Chief|"
    "Executive|Leader|Spokesman|Spokeswoman|Spokesperson|Head|Minister"
)
_STATE_BODIES = (
    r"(?:Government|Administration|Department|Ministry|Foreign\s+Office|Army|Navy|Military)"
)


@functools.lru_cache(maxsize=256)
def speaker_countries(speaker: str, article: str, person: bool = True) -> frozenset[str]:
    """The country an official speaks for, from the office the article gives them: "British
    Defence Secretary Geoff Hoon" → british, britain, uk …; nothing for a person without a
    national office ("Pakistani cricketer …" has none). A state's own body speaks for it:
    "United States Government" → united states, us."""
    if not person:
        match = re.fullmatch(
            rf"(?:The\s+)?(?P<state>(?:[A-Z][a-z]+\s+){{1,2}}){_STATE_BODIES}", speaker
        )
        if match is None:
            return frozenset()
        state = match["state"].split()
        return _country_names(" ".join(state), acronym=len(state) >= 2)
    if not speaker or not article or " " not in speaker:
        return frozenset()
    # "Reserve Bank Governor Ian Macfarlane": the body whose office the speaker holds
    bodies = {
        match["body"].lower()
        for match in re.finditer(
            rf"\b(?P<body>(?:[A-Z][\w&’'-]*\s+){{0,3}}(?:{_BODY_WORDS}))\s+"
            rf"(?:[A-Z][\w-]*\s+){{0,2}}?(?:{_OFFICES})\s+{re.escape(speaker)}\b",
            article,
        )
    }
    # "Immigration Minister Philip Ruddock": a minister's "the Government" is his own (not an
    # opposition's or a shadow minister's)
    minister = re.search(
        rf"\b(?P<office>(?:[A-Z][\w-]*\s+){{0,3}}?)(?:Minister|Treasurer|Premier|"
        rf"Attorney-General),?\s+{re.escape(speaker)}\b",  # "The Immigration Minister, Philip …"
        article,
    )
    if minister and not re.search(r"\b(?:Opposition|Shadow)\b", minister["office"]):
        bodies.add("government")
    office = r"(?:[A-Z][\w-]*\s+){0,3}?"
    for match in re.finditer(
        rf"\b{_NATIONALITY}\s+(?P<office>{office}){re.escape(speaker)}\b", article
    ):
        if not {w.lower() for w in match["office"].split()} & TITLE_WORDS:
            continue
        return _country_names(match["adj"] or match["owner"]) | bodies  # "Pakistan's President"
    return frozenset(bodies)


def _country_names(state: str, acronym: bool = False) -> frozenset[str]:
    """ "Pakistani" → pakistani, pakistan; "United States" → united states, us, america …"""
    adj = state.lower()
    names = {adj, adj.removesuffix("i"), adj.removesuffix("n"), adj.removesuffix("ian")}
    names |= set(_COUNTRIES.get(adj, ()))
    if acronym:
        names |= {"".join(w[0] for w in adj.split())}
    if adj == "united states":
        names |= set(_COUNTRIES["us"])
    return frozenset(n for n in names if len(n) >= 2)


def _own_country(subject: str, countries: Iterable[str]) -> bool:
    """ "up to 1,500 British troops", "Pakistan", "the US mission": the speaker's state acts."""
    words = re.sub(r"^(?:up\s+to|about|around|some|more\s+than|the)\s+", "", subject.lower())
    words = re.sub(r"^(?:for\s+now|now|still|also),?\s+(?:the\s+)?", "", words)
    words = re.sub(r"^[\d,.]+\s+", "", words).split()
    if not words or not countries:
        return False
    countries = set(countries)
    if " ".join(words) in countries:
        return True
    return words[0] in countries and len(words) <= 3 and words[-1] in STATE_NOUNS


_PRESSED = frozenset({"rushed", "pushed", "forced", "pressured", "pressed", "bullied", "dictated"})
_OWNERS = frozenset({"my", "our", "his", "her", "its", "their"})
_AIMS = frozenset({"objective", "aim", "goal", "priority", "intention", "target", "focus"})


def _is_self(
    subject: str,
    speaker: str,
    reported: bool,
    person: bool | None = None,
    expert: bool = False,
    countries: Iterable[str] = (),
) -> bool:
    words = subject.lower().split()
    if not words:
        return False
    if _own_country(subject, countries):
        return True
    first = words[0]
    if words[0] in {"all", "both", "most", "some", "many", "each"}:  # "all our children"
        words = [w for w in words[1:] if w != "of"] or words
        first = words[0]
    if " ".join(words) in SELF_SUBJECTS or first in {"our", "my"}:
        return True
    if subject.lower() in PERSON_SUBJECTS | ORG_SUBJECTS:
        # "she said she would …", "Russia says they will …"; in a quotation "they" are others.
        # A person's "it" and an organisation's "he" are someone or something else.
        if person is not None and (subject.lower() in PERSON_SUBJECTS) != person:
            return False
        return reported
    if expert:
        return False  # an analyst's "the committee will …" forecasts what others decide
    if first in {"his", "her", "its", "their"} and words[-1] in INSTITUTIONS:
        return True
    if speaker and any(w in subject.lower() for w in speaker.lower().split() if len(w) > 3):
        return True
    # "the government", "the city council": a common noun; "the United States" is a name
    raw = subject.split()[: len(words)]
    heads = [
        w.removesuffix("s") for w, r in zip(words[:3], raw[:3], strict=False) if r[:1].islower()
    ]
    return any(h in INSTITUTIONS for h in heads) and first in {"the", "government", "police"}


def is_plan(
    clause: str,
    *,
    speaker: str,
    verb: str = "",
    reported: bool = False,
    person: bool | None = None,
    expert: bool = False,
    countries: Iterable[str] = (),
) -> bool:
    """Whether `clause` announces the speaker's own action rather than forecasting one.
    `countries`: the names of the state the speaker holds office in (speaker_countries)."""
    if verb in PLAN_VERBS:
        return True
    clause = re.sub(r"(\w)['’]ll\b", r"\1 will", clause)  # "we'll" is "we will"
    clause = re.sub(r"(\w)['’]re\s+going\s+to\b", r"\1 are going to", clause)
    maybe = _MAYBE_ADMINISTERED_RE.match(clause)
    if maybe and maybe["verb"].lower() in ADMINISTERED and not expert and person is not False:
        # "some maintenance work could be outsourced", said by the airline's chief: an option
        # the speaker's side holds; not what is done to a person ("Smith could be expelled")
        # nor an analyst's or a forecaster's reading ("schools could be closed")
        subject = maybe["subject"].split(", ")[-1]
        named = re.fullmatch(r"(?:[A-Z][\w’'-]+\s*){1,3}", subject) is not None
        return not named and subject.lower() not in {"he", "she", "they", "it"}
    match = _CLAUSE_RE.match(clause)
    condition = match is not None and _CONDITION_RE.search(match["subject"].split(", ")[-1])
    if (match is None or condition) and ", " in clause:
        # a subject too long to be one, or the verb of a condition: the main clause after the
        # last comma ("if they will not hear us, as ever, we are going to act alone")
        match = _CLAUSE_RE.match(clause.rsplit(", ", 1)[-1]) or match
    if match is None:
        return False
    action = match["verb"].lower()
    rest = clause[match.end() :]
    if action in {"continue", "start", "begin", "keep"} and (
        following := re.match(r"\s+(?:to\s+|by\s+)?(?P<verb>[a-z]+?)(?:ing)?\b", rest)
    ):
        # "they will continue to protest", "he will start by hiring": the action is the
        # verb after it ("prices will continue to rise" stays an outcome)
        action = following["verb"]
    # "New Zealand is to get …": an arrangement made, when the subject is the speaker's own
    arranged = re.match(r"\s*(?:is|are)\s+to\s", match.string[match.end("subject") :]) is not None
    if verb.split()[-1:] and verb.split()[-1] in ANNOUNCING_VERBS:
        # "announced that Ana Ferro will be voicing the pilot", "… would be Harbour Master":
        # an announcement tells of a decision, unless its verb is an outcome nobody decides.
        base = re.sub(r"ing$", "", action)
        if arranged:
            return True  # "announced that the country is to get …": arranged already
        if match["be"] and not action.endswith("ing"):
            return action in ANNOUNCED or match["verb"][:1].isupper()
        return not {action, base} & (OUTCOME_VERBS | _PROCESS_VERBS)
    subject = match["subject"].split(", ")[-1]  # "In working with X, we are going to …"
    # "I don't imagine I will …", "she doubts we will …": a pronoun ending a longer subject is
    # the subject of the clause under the frame.
    if (words := subject.split()) and len(words) > 1 and words[-1].lower() in _PRONOUNS:
        subject = words[-1]
    if (words := subject.lower().split()) and words[0] in _OWNERS and words[-1] in _AIMS:
        return True  # "his first objective will be to reach the second week"
    if match["be"] and not action.endswith("ing"):
        # "the line will be closed": an authority's act; "she will not be released": done to
        # a person by someone else, a forecast of what they will do; "we won't be rushed
        # into it": the speaker's own stance
        if action in _PRESSED and subject.lower() in SELF_SUBJECTS:
            return True
        return action in ADMINISTERED and subject.lower() not in {"he", "she", "they"}
    own = _is_self(subject, speaker, reported, person, expert, countries)
    if action in {"stay", "remain"} and _own_country(subject, countries):
        return True  # "the US mission will stay in Tora Bora": where a state keeps its forces
    if action in _TRANSITIVE_OUTCOMES and re.match(
        r"\s+(?:the|its|their|our|his|her|this)\s", rest
    ):
        return own  # "the Government would not change the policy": it acts on something
    return own and (arranged or action not in OUTCOME_VERBS)
