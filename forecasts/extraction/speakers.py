"""Who says what: attribution phrases, names, and pronouns resolved to people.

No parser: attribution in news copy follows a few fixed shapes ("…,’ Megrabyan said.",
"said political expert Ruben Megrabyan", "He is confident that …", "According to X, …").
"He"/"she" resolve to the last person who spoke (the subject of a reporting verb), not the last
name mentioned, because a speaker often names someone in passing ("Megrabyan recalled a
statement by President Aliyev. He also recalled …" — "he" is still Megrabyan). "The expert",
"the speaker" resolve to the last person introduced as an expert, so a politician quoted
inside the expert's account does not take over his claims.
"""

import re
from dataclasses import dataclass, field, replace

REPORTING_VERBS = (
    "said|says|noted|notes|stressed|stresses|added|adds|continued|continues|explained|explains|"
    "argued|argues|warned|warns|told|tells|insisted|insists|claimed|claims|wrote|writes|"
    "remarked|observed|observes|emphasised|emphasized|emphasises|emphasizes|concluded|recalled|"
    "recalls|suggested|suggests|commented|stated|states|announced|announces|declared|replied|"
    "answered|asserted|asserts|maintained|maintains|acknowledged|admitted|cautioned|cautions|"
    "pointed out|predicted|predicts|forecast|forecasts|expects|expected|believes|believed|"
    "thinks|thought|reckons|reckoned|estimated|estimates|projected|projects|anticipates|"
    "anticipated|is confident|was confident|is convinced|was convinced|is certain|is sure|"
    "feels confident|feel confident|felt confident|remains confident|remained confident|"
    "are confident|were confident|"
    "is optimistic|is pessimistic|doubts|fears|feared|hopes|hoped|wants|urged|urges|"
    "called on|calls on|vowed|promised|promises|pledged|pledges|plans|intends|"
    # Organisations report and forecast too; plural subjects take the bare verb.
    "goes on to (?:say|state|warn|predict)|went on to (?:say|state|warn|predict)|"
    "proclaimed|proclaims|"
    "is reporting|are reporting|was reporting|reported|reports|foresees|foresaw|envisages|"
    "is forecasting|are forecasting|is predicting|are predicting|"
    "envisioned|is expecting|are expecting|was expecting|were expecting|indicated|indicates|"
    "revealed|reveals|says|say|warn|expect|predict|believe|fear|claim|estimate|forecasts|"
    "anticipate|dismissed claims|dismissed suggestions|denied|denies|rejected claims|"
    "cited sources saying|cites sources saying|quoted sources saying|told|"
    "was quoted as saying|were quoted as saying|is quoted as saying|has said|have said|"
    '(?:is|was|were) quoted by [^,;“”"]{1,60}? as saying|'
    "has warned|have warned|has predicted|have predicted|has claimed|has stated|has announced|"
    "had said|had warned|had predicted|expressed confidence|expressed fears|expressed concern"
)
# Wishes and calls to action are not forecasts: their sentences are never proposed.
NON_FORECAST_VERBS = frozenset(
    {"hopes", "hoped", "wants", "urged", "urges", "called on", "calls on", "denied", "denies"}
)
# The speaker rejects the claim that follows: the forecast is its negation.
DISMISSING_VERBS = frozenset({"dismissed claims", "dismissed suggestions", "rejected claims"})
# Announcing one's own action: what follows is a plan, not a forecast.
PLAN_VERBS = frozenset({"vowed", "promised", "promises", "pledged", "pledges", "plans", "intends"})
TITLE_WORDS = frozenset(
    """president minister prime foreign economy finance defence defense interior deputy chief
    executive ceo cfo chairman chairwoman chair director governor mayor senator general
    secretary spokesman spokeswoman spokesperson dr mr mrs ms prof professor ambassador
    king queen chancellor commissioner founder head manager officer inspector superintendent
    commander lieutenant lt sergeant captain admiral spokesperson representative envoy
    attorney justice judge lord sir senior vice assistant additional associate acting
    managing principal administrator treasurer premier leader mp frontbencher backbencher
    coroner counsel controller magistrate councillor whip
    qc affairs""".split()  # noqa: SIM905 (a word list reads better as text)
)
EXPERT_WORDS = frozenset(
    """expert analyst economist professor researcher scientist strategist commentator scholar
    forecaster fellow speaker historian columnist author consultant hydrologist climatologist
    sociologist demographer meteorologist seismologist epidemiologist virologist pollster
    engineer lawyer""".split()  # noqa: SIM905 (a word list reads better as text)
)
ORG_WORDS = frozenset(
    """company firm bank group ministry agency government council institute university party
    corporation authority commission office union fund association inc ltd corp plc airlines
    airline tv channel news times post board committee department grid energy capital
    partners holdings systems motors power media labs technologies bureau service
    organization organisation administration police embassy center centre network
    magazine newspaper journal agency parliament ministry court navy army survey poll
    report study statement advisory nation tribe coalition alliance federation foundation
    movement document""".split()  # noqa: SIM905 (a word list reads better as text)
)
PRONOUNS = frozenset({"he", "she"})
_CONNECTORS = frozenset({"of", "for", "de", "in"})
_POST_NOMINALS = frozenset({"qc", "kc", "sc", "mp", "jr", "sr"})
# Titles that end an office's name and are nobody's surname ("Immigration Minister"); "King",
# "Bishop", "Judge" and "Lord" are surnames too (Mervyn King, Julie Bishop).
_OFFICE_NOUNS = frozenset(
    """minister secretary treasurer premier president governor spokesman spokeswoman
    spokesperson commissioner director chairman chairwoman mp leader coroner counsel
    controller ambassador envoy mayor senator chancellor attorney administrator
    superintendent inspector""".split()  # noqa: SIM905
)
FIRST_PERSON = frozenset({"i", "we"})
_CAP_TOKEN = re.compile(r"^[A-Z][\w’'.-]*$")
_NAME_IN_TEXT_RE = re.compile(
    r"\b(?P<title>(?i:(?:[a-z]+\s+)?(?:" + "|".join(sorted(TITLE_WORDS | EXPERT_WORDS)) + r")))"
    # "The Prime Minister of Australia, John Howard": the office's place between them
    r"(?:\s+of\s+(?:the\s+)?[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+){0,2},)?"
    # … and the rest of the capitalised run, titles and all ("Deputy Defence Secretary Paul
    # Wolfowitz", "Secretary of State Colin Powell"): note_mentions keeps the name after them
    r",?\s+(?P<name>(?!(?i:" + "|".join(sorted(TITLE_WORDS | EXPERT_WORDS)) + r")\b)"
    r"[A-Z][\w’'-]+(?:\s+(?:(?:of|for)\s+)?[A-Z][\w’'-]+){1,6})\b"
)
_ORG_IN_TEXT_RE = re.compile(
    r"\b(?:(?!The\b)[A-Z][\w&’'.-]+\s+){1,5}(?:"
    + "|".join(w.capitalize() for w in sorted(ORG_WORDS) if len(w) > 3)
    + r")\b(?:\s+(?:of|for)\s+(?:the\s+)?[A-Z][\w&’'.-]+(?:\s+[A-Z][\w&’'.-]+)*)?"
)
_APPOSED_NAME_RE = re.compile(
    r"\b(?P<name>[A-Z][\w’'-]+(?:\s+[A-Z][\w’'.-]*){1,3}),\s+(?:(?:a|an|the)\s+)?(?:[\w-]+\s+){0,3}?"
    r"(?P<title>" + "|".join(sorted(TITLE_WORDS | EXPERT_WORDS)) + r")\b"
)
_SUBJECT_RE = re.compile(
    r"^(?:(?:The|Her|His|Their|Its|Our)\s+[a-z][\w\s]{0,29}?,?\s+"
    # "Political consultant Dan Judy of …": a description of a word or two before the name
    r"|(?P<described>[A-Z][a-z]+(?:\s+[a-z]+){1,2}\s+))?"
    r"(?P<name>[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+){0,2})(?:,|\s+[a-z])"
)
_HONORIFIC_DOT_RE = re.compile(r"\b(Dr|Mr|Mrs|Ms|Prof)\.")
# Capitalised at a sentence start but never part of a name.
_NOT_NAMES = frozenset(
    """as in on at for but and when after before if while since during with according despite
    although the a an this that it we i he she they there here our its instead however
    meanwhile also today yesterday tomorrow tropical cyclone hurricane typhoon storm
    monday tuesday wednesday thursday friday saturday sunday january february march april
    june july august september october november december officials experts analysts
    authorities sources critics observers economists scientists researchers witnesses
    residents forecasters meteorologists some many several two three four five six seven
    eight nine ten summer standard daylight utc gmt est cest neither either both further
    furthermore moreover additionally finally similarly likewise thus hence therefore
    nevertheless nonetheless elsewhere earlier later separately following preliminary initial
    unconfirmed latest""".split()  # noqa: SIM905
)


@dataclass(frozen=True)
class Agent:
    """A phrase that names a speaker: a name, a pronoun, or a role ("the expert")."""

    text: str
    kind: str  # "person", "org", "pronoun", "org_pronoun" (it, they), "first_person", "role"
    name: str = ""  # the name for persons and organisations; the role word for roles
    descriptor: str = ""  # lower-case words before a name ("political expert"); a role's phrase


MAX_NAMES_LOOKED_UP = 300


@dataclass
class SpeakerState:
    """What the reader knows so far, in document order."""

    persons: dict[str, str] = field(default_factory=dict)  # surname → full name
    roles: dict[str, str] = field(default_factory=dict)  # role word → last full name
    last_speaker: str = ""
    expert: str = ""
    last_org: str = ""
    author: str = ""
    last_person: str = ""  # the last person named, speaking or not: "he" when nobody spoke
    document: str = ""  # the whole text, to find the full name behind a lone surname
    people: set[str] = field(default_factory=set)  # every name known to be a person's
    experts: set[str] = field(default_factory=set)  # people introduced as analysts, scientists
    full_names: dict[str, str] = field(default_factory=dict)  # lone name → full, once each

    def full_name(self, surname: str) -> str:
        """The full name the document gives a lone name, looked up once per name: a scan of
        the whole document for every sentence made a long text of short sentences quadratic."""
        if surname not in self.full_names:
            # an article names far fewer people; past that many, a text is not an article
            scan = len(self.full_names) < MAX_NAMES_LOOKED_UP
            self.full_names[surname] = _full_name_in(self.document, surname) if scan else ""
        return self.full_names[surname]

    def register_person(self, name: str, descriptor: str = "") -> str:
        full = self.persons.get(name, name) if " " not in name else name
        if " " in full:
            self.persons[full.split()[-1]] = full
        self.last_person = full
        self.people.add(full)
        for word in descriptor.lower().split():
            self.roles[word] = full
            if word in EXPERT_WORDS:
                self.expert = full
                self.experts.add(full)
        return full

    def resolve(self, agent: Agent) -> str:
        """The full name behind an agent, or "" when it cannot be told."""
        if agent.kind == "person":
            return self.persons.get(agent.name, agent.name)
        if agent.kind == "org":
            return agent.name
        if agent.kind == "pronoun":
            return self.last_speaker or self.expert or self.last_person
        if agent.kind == "org_pronoun":
            return self.last_org
        if agent.kind == "role":
            if agent.name in EXPERT_WORDS:
                return self.expert or self.last_speaker
            if agent.name in ORG_WORDS:
                known = self.last_org if agent.name in self.last_org.lower() else ""
                phrase = re.sub(r"^(?:the|this|our|its)\s+", "", agent.text, flags=re.IGNORECASE)
                return known or self.last_org_like(phrase)
            return self.roles.get(agent.name, "")
        return ""

    def last_org_like(self, phrase: str) -> str:
        """ "the report" is the last organisation's; "the government weather service", when
        no organisation was named, is itself the speaker."""
        if phrase.split()[-1].lower() in {"report", "statement", "advisory", "document"}:
            return self.last_org
        if phrase.split()[-1].lower() in {"poll", "survey", "study"}:
            return ""  # an unnamed poll speaks for nobody we could track
        return phrase if len(phrase.split()) >= 2 else self.last_org

    def spoke(self, agent: Agent, name: str) -> None:
        if not name:
            return
        if agent.kind in {"org", "org_pronoun"} or (
            agent.kind == "role" and agent.name in ORG_WORDS
        ):
            self.last_org = name
        else:
            self.last_speaker = name
            self.expert = self.expert or name

    def note_subject(self, text: str) -> None:
        """A person who is the subject of a sentence ("The mayor, Selin Aydemir, disagrees")
        is whom a following "she" most likely means."""
        text = _HONORIFIC_DOT_RE.sub(r"\1", text)  # "Dr. Ada Brook, director of …, is"
        match = _SUBJECT_RE.match(text)
        following = text[match.end("name") :].split()[:1] if match else []
        if following and following[0].lower() in ORG_WORDS:
            return  # "The United States government would …": a modifier, not a person
        agent = parse_agent(match["name"], self) if match else None
        if match and match["described"] and agent is not None and agent.kind == "person":
            described = match["described"].lower().split()
            if not set(described) & (TITLE_WORDS | EXPERT_WORDS):
                return  # "Yesterday morning Ada Brook …" describes no one
            agent = replace(agent, descriptor=" ".join(described))
        if agent is not None and agent.kind == "person":
            self.last_speaker = self.register_person(agent.name, agent.descriptor)

    def note_mentions(self, text: str) -> None:
        """Remember people introduced with a title ("President Ilham Aliyev") for later
        references by surname or role; a mention does not make them the speaker."""
        for match in _NAME_IN_TEXT_RE.finditer(text):
            words = match["name"].split()
            offices = [
                i
                for i, w in enumerate(words[:-1])
                if w.lower() in TITLE_WORDS | EXPERT_WORDS | _CONNECTORS
            ]
            cut = offices[-1] + 1 if offices else 0
            if cut and words[cut - 1].lower() in _CONNECTORS and len(words) - cut > 2:
                cut += 1  # "Secretary of State Jendayi Frazer": the office's place goes too
            name, title = words[cut:], " ".join([match["title"], *words[:cut]])
            if 2 <= len(name) <= 3 and all(_CAP_TOKEN.match(t) for t in name):
                self.register_person(" ".join(name), title)
        # "The International Labor Organization (ILO) issued a report": what "the report"
        # and "the organisation" later mean, until another organisation is named.
        for match in _APPOSED_NAME_RE.finditer(text):  # "Ada Brook, a professor of …"
            self.register_person(match["name"], match["title"])
        orgs = [m.group() for m in _ORG_IN_TEXT_RE.finditer(text)]
        if orgs and not self.last_org:
            self.last_org = orgs[0]


_PARENTHESIS_RE = re.compile(r"\s*\([^)]*\)")
_ORG_POSSESSIVE_RE = re.compile(
    r"^(?:(?:a|an|the)\s+(?:\w+\s+){0,2}(?:report|statement|survey|poll|study|forecast|advisory|"
    r"analysis|spokesman|spokeswoman|spokesperson)|(?:[Rr]eports|[Ss]tatements))\s+(?:by|from|of|on)"
    r"\s+(?:the\s+)?(?P<org>.+)$"
    r"|^(?P<owner>.+?)['’]s\s+(?:\w+\s+)?(?:report|statement|survey|website|forecast|advisory)$",
    re.IGNORECASE,
)
PLURAL_PRONOUNS = frozenset({"they", "it"})
# "Nugoroho today", "Obama in a statement this morning": when and where, not who.
_TRAILING_CONTEXT_RE = re.compile(
    r"(?<=\w)\s+(?:today|yesterday|tonight|on\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|"
    r"Saturday|Sunday)|on\s+(?:\d{1,2}\s+)?(?:January|February|March|April|May|June|July|"
    r"August|September|October|November|December)\b|"
    r"in\s+(?:a|an|his|her|its|their|the)\s+(?!\w+\s+of\b)|during|earlier|"
    r"later|last|this\s+(?:morning|week|afternoon|evening)|when|while|after|before)\b.*$",
)
# Words that make a phrase a clause rather than a description of a speaker.
_CLAUSE_WORDS = frozenset(
    """to will would has have had is are was were that which who when if as could
    may""".split()  # noqa: SIM905 (a word list reads better as text)
)


def apposed_person(parts: list[str], state: SpeakerState) -> Agent | None:
    """ "Reserve Bank Governor, Dr. Ada Brook" or "chief medical officer with the agency,
    Doctor Ada Brook": the titled person after a description, not the description."""
    if len(parts) < 2 or not parts[0].split():
        return None
    first = _named_agent(parts[0].split(), state) if len(parts[0].split()) <= 8 else None
    if first is not None and first.kind == "person":
        return None
    for part in parts[1:3]:
        words = part.split()
        agent = _named_agent(words, state) if 0 < len(words) <= 5 else None
        if agent is not None and agent.kind == "person" and len(agent.name.split()) >= 2:
            return agent
    return None


def described_agent(parts: list[str], state: SpeakerState) -> Agent | None:
    """ "Ada Brook, the bank's economist" or "The Harbour Authority, a state agency": the name
    before its description (a phrase with a title or organisation word and no verb)."""
    name, description = parts[0].split(), parts[-1].lower().split()
    if not name or not description or len(description) > 10:
        return None
    if description[0] in {"and", "but", "or", "while", "as", "who", "which", "whose"}:
        return None
    if description[0] in {"citing", "quoting", "speaking", "writing"}:
        agent = parse_agent(parts[0], state)  # "The Vell Times, citing sources, reported"
        return agent if agent is not None and agent.kind in {"person", "org"} else None
    if _CLAUSE_WORDS & set(description) or not (
        {re.sub(r"['’]s$", "", w) for w in description} & (TITLE_WORDS | EXPERT_WORDS | ORG_WORDS)
        or description[0] in {"a", "an", "the"}
    ):
        return None
    agent = parse_agent(parts[0], state)
    return agent if agent is not None and agent.kind in {"person", "org"} else None


def parse_agent(phrase: str, state: SpeakerState) -> Agent | None:
    """Read a speaker phrase: "political expert Ruben Megrabyan", "Jane Roe, chief executive
    of Northwind", "the speaker", "he", "the ILO's report". None when it names nobody."""
    parts = [p.strip() for p in _PARENTHESIS_RE.sub("", phrase).strip(" ,.;:—–-").split(",")]
    if appositive := apposed_person(parts, state):
        return appositive
    text = _TRAILING_CONTEXT_RE.sub("", parts[0])
    if match := _ORG_POSSESSIVE_RE.match(text):
        owner = re.sub(r"['’]s\s+\w+$", "", (match["org"] or match["owner"]).strip())
        return _named_agent(owner.split(), state, org=True) if owner.split() else None
    # "Economist Tomas Reyl of Kestrel Capital": the person, not the firm.
    head = re.split(r"\s+(?:of|at|from)\s+", text)[0]
    # … but "the Vell Institute of Economics" is one name: its head is an organisation word.
    own_name = head.split()[-1:] and head.split()[-1].lower() in ORG_WORDS and " of " in text
    if sum(bool(_CAP_TOKEN.match(w)) for w in head.split()) >= 2 and not own_name:
        text = head
    words = text.split()
    if not words or len(words) > 8:
        return None
    lower = text.lower()
    if group := _named_group(words, state):
        return group
    if lower in PRONOUNS:
        return Agent(text, "pronoun")
    if lower in PLURAL_PRONOUNS:
        return Agent(text, "org_pronoun")
    if lower in FIRST_PERSON:
        return Agent(text, "first_person")
    if words[0].lower() in {"the", "this", "our", "its"}:
        rest = words[1:]
        if (
            rest
            and all(_CAP_TOKEN.match(w) for w in rest)
            and not _all_titles(rest)
            and rest[-1].lower() not in TITLE_WORDS  # "The Immigration Minister": an office
        ):
            if any(re.search(r"(?:['’]s|s['’])$", w) for w in rest[:-2]):
                return _named_agent(rest, state)  # "the Red Cross' Ada Brook": a person
            if len(rest) == 1 and not rest[0].isupper():  # "The Times", not "Times"
                return Agent(text, "org", f"{words[0].capitalize()} {rest[0]}")
            return _named_agent(rest, state, org=True)
        if rest and rest[-1].lower() in TITLE_WORDS | EXPERT_WORDS | ORG_WORDS:
            return Agent(text, "role", rest[-1].lower(), " ".join(rest).lower())
    return _named_agent(words, state)


# People who speak for the organisation named before them: "Google executives said".
GROUP_WORDS = frozenset(
    """executives officials spokesmen spokespeople representatives researchers scientists
    experts analysts economists engineers staff sources""".split()  # noqa: SIM905
)
# "Chinese officials", "European researchers": a nationality, not an organisation.
_NATIONALITY_RE = re.compile(r"(?:ese|ian|ean|ish|ch|ic|i)$")


def _named_group(words: list[str], state: SpeakerState) -> Agent | None:
    """ "Google executives", "CSIS experts": the organisation, when a name comes first."""
    names = words[1:-1] if words[0].lower() == "the" else words[:-1]
    if (
        len(words) < 2
        or words[-1].lower() not in GROUP_WORDS
        or not names
        or not all(_CAP_TOKEN.match(w) for w in names)
        or (len(names) == 1 and _NATIONALITY_RE.search(names[0]))
        or any(n.lower() in _NOT_NAMES for n in names)
    ):
        return None
    return _named_agent(names, state, org=True)


def _all_titles(names: list[str]) -> bool:
    return all(n.lower().strip(".") in TITLE_WORDS | EXPERT_WORDS for n in names)


def _named_agent(words: list[str], state: SpeakerState, org: bool = False) -> Agent | None:
    start = len(words)
    while start > 0 and (
        _CAP_TOKEN.match(words[start - 1])
        # "Voice of America", "Bureau of Meteorology": one name across "of"
        or (
            # … and, for an organisation, "Center for Strategic and International Studies"
            words[start - 1] in ({"of", "for", "de", "and", "&"} if org else {"of", "for", "de"})
            and start >= 2
            and _CAP_TOKEN.match(words[start - 2])
            and start < len(words)
        )
        # "the U.S. Embassy in New Delhi": an office and its place are one name
        or (
            words[start - 1] == "in"
            and start >= 2
            and words[start - 2].lower() in ORG_WORDS | {"embassy", "consulate", "office"}
            and start < len(words)
        )
    ):
        start -= 1
    if start == len(words):
        return None
    descriptor = [w.lower() for w in words[:start]]
    names = words[start:]
    if len(names) > 1 and names[0] == "The":  # "The Vell Embassy in Port Anna"
        descriptor, names = [*descriptor, "the"], names[1:]
    joins = _CONNECTORS | {"and"} if org else _CONNECTORS
    if any(n.lower() in _NOT_NAMES - joins for n in names) or _all_titles(names):
        return None  # "Instead", "Tropical Cyclone Larry", "Additional Director"
    if org:
        return Agent(" ".join(words), "org", " ".join(names).removesuffix("’s").removesuffix("'s"))
    # "Northwind's Ada Brook", "the Red Cross' Ada Brook": the person after a possessive.
    owned = [i for i, n in enumerate(names[:-2]) if re.search(r"(?:['’]s|s['’])$", n)]
    if owned and not org:
        person = names[owned[-1] + 1 :]
        if all(_CAP_TOKEN.match(n) for n in person) and not any(
            n.lower().strip(".") in _NOT_NAMES | TITLE_WORDS | ORG_WORDS for n in person
        ):
            context = " ".join([*descriptor, *(n.lower() for n in names[: owned[-1] + 1])])
            return Agent(" ".join(words), "person", " ".join(person), context)
    # "Vell University Ana Ferro", "Kestrel Capital analyst Ana Ferro": a person after the
    # organisation that describes them.
    org_at = [i for i, n in enumerate(names) if n.lower() in ORG_WORDS]
    if org_at and org_at[-1] <= len(names) - 3:
        person = names[org_at[-1] + 1 :]
        context = " ".join([*descriptor, *(n.lower() for n in names[: org_at[-1] + 1])])
        if all(_CAP_TOKEN.match(n) for n in person) and not any(
            n.lower().strip(".") in _NOT_NAMES | TITLE_WORDS for n in person
        ):
            return Agent(" ".join(words), "person", " ".join(person), context)
    # Titles inside the capitalised run ("Azerbaijani President Ilham Aliyev") are descriptors.
    while len(names) > 1 and any(
        n.lower().strip(".") in TITLE_WORDS | EXPERT_WORDS for n in names[:-1]
    ):
        descriptor.append(names.pop(0).lower())
    if _all_titles(names):
        return None
    if len(names) > 2 and names[0].lower() in _CONNECTORS:
        # "Secretary of State Colin Powell": the office runs on after "of"; the name is last
        descriptor, names = [*descriptor, *(n.lower() for n in names[:-2])], names[-2:]
    if len(names) >= 3 and names[-1].lower().strip(".") in _POST_NOMINALS:
        names = names[:-1]  # "Lionel Roberts QC" is Lionel Roberts
    if (
        names[-1].lower().strip(".") in _OFFICE_NOUNS
        and not org
        and " ".join(names) not in state.persons
    ):
        # "Immigration Minister", "Opposition Leader": an office, not a person's name
        office = [*descriptor, *(n.lower() for n in names)]
        return Agent(" ".join(words), "role", names[-1].lower().strip("."), " ".join(office))
    if any(w in ORG_WORDS for w in descriptor[-1:]) or any(
        n.lower() in ORG_WORDS | {"embassy", "consulate"} for n in names
    ):
        return Agent(" ".join(words), "org", " ".join(names))
    if (
        len(descriptor) >= 2
        and descriptor[-1] == "to"
        and descriptor[-2] in TITLE_WORDS | {"adviser", "advisor"}
        and len(names) >= 3
    ):
        # "former Taliban ambassador to Pakistan Abdul Salam Zaeef": the post's place first
        descriptor, names = [*descriptor[:-1], "to", names[0].lower()], names[1:]
        descriptor = [w for w in descriptor if w != "to"]
    if len(descriptor) > 4 or names[0] in {"The", "A", "An"} or _CLAUSE_WORDS & set(descriptor):
        return None
    if descriptor[-1:] and descriptor[-1] in {"in", "at", "near", "across"}:
        return None  # "Meteorologists in Beijing": a place, not who speaks
    name = " ".join(names).removesuffix("’s").removesuffix("'s")
    # "Counsel Assisting the Inquiry": a title, but not this word's; the title comes right
    # before a name it belongs to
    titled = any(w.strip(".") in TITLE_WORDS | EXPERT_WORDS for w in descriptor) and (
        descriptor[-1] not in {"the", "a", "an", "of", "for", "to", "at", "in", "on"}
    )
    if len(names) >= 2 or name in state.persons:
        return Agent(" ".join(words), "person", name, " ".join(descriptor))
    if full := state.full_name(name):  # "Obama" after "Barack Obama", "Mr Lind"
        return Agent(" ".join(words), "person", full, " ".join(descriptor))
    if titled:
        return Agent(" ".join(words), "person", name, " ".join(descriptor))
    return Agent(" ".join(words), "org", " ".join(names))  # "Moody's" keeps its "'s"


def _full_name_in(document: str, surname: str) -> str:
    """ "Barack Obama" when the article names "Barack Obama" and later says "Obama": a
    capitalised word (not a title, an organisation word or a sentence opener) just before it."""
    if not document or not surname[:1].isupper() or len(surname) < 3:
        return ""
    for match in re.finditer(
        rf"(?<![\w’'.-])(?P<first>[A-Z][a-z’'-]+(?:-[A-Z][a-z’']+)?)(?: [A-Z]\.)? "
        rf"{re.escape(surname)}\b"
        r"(?!\s+[A-Z])",
        document,
    ):
        first = match["first"].lower()
        if first not in TITLE_WORDS | EXPERT_WORDS | ORG_WORDS | _NOT_NAMES | {surname.lower()}:
            return match.group()
    return ""


def agent_name(agent: Agent | None, state: SpeakerState) -> str:
    """Resolve an agent and remember what it teaches (a new person, the current speaker)."""
    if agent is None:
        return ""
    if agent.kind == "person":
        name = state.register_person(agent.name, agent.descriptor)
    else:
        name = state.resolve(agent)
    state.spoke(agent, name)
    return name
