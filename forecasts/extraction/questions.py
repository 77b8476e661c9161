"""From a claim to a yes/no question an outsider can check, and the checks it must pass.

The title asks about the proposition alone: no reporting frame ("told Radio X that"), no
speaker, no hedge ("she is almost certain", "there is a 30% chance that"); a negated claim asks
about the positive event (the probability is inverted by the verbal table). A title that still
fails a check is proposed all the same, marked "needs editing" with its reasons, and cannot be
confirmed unedited.
"""

import functools
import re

from forecasts.extraction.claims import (
    BE_TO_WORDS,
    EXPECT_ADVERBS,
    FORECAST_VERBS_RE,
    proposition,
)

MAX_TITLE_CHARS = 200
MAX_TITLE_WORDS = 32
_MODALS = (
    r"will\s+not|will\s+never|won['’]t|will|shall|would\s+not|would|(?-i:may)\s+not|(?-i:may)|might|could|"
    r"(?:is|are|am|['’]s|['’]re|was|were)\s+(?:not\s+)?(?:" + BE_TO_WORDS + r")\s+to"
)
_ADVERBS = r"(?:(?:also|still|probably|likely|certainly|definitely|surely|soon|eventually|"
_ADVERBS += r"inevitably|undoubtedly|almost\s+certainly|(?:very|most|quite)\s+(?:likely|probably)|"
_ADVERBS += r"possibly|perhaps|only|not|never|unfortunately|"
_ADVERBS += r"fortunately|sadly|hopefully|now)\s+)*"
_MODAL_CLAUSE_RE = re.compile(
    rf"^(?P<subj>.+?)\s+{_ADVERBS}(?:{_MODALS})\s+{_ADVERBS}(?P<pred>.+)$", re.I
)
_INABILITY_CLAUSE_RE = re.compile(
    r"^(?P<subj>.+?)\s+(?:is|are)\s+(?:still\s+)?(?:unable|not\s+able)\s+to\s+(?P<pred>.+)$", re.I
)
_EXPECT_CLAUSE_RE = re.compile(
    r"^(?:I|[Ww]e|[Tt]hey|[Hh]e|[Ss]he|[Ii]t)\s+"
    + EXPECT_ADVERBS
    + FORECAST_VERBS_RE
    + r"(?:s|ed)?\s+(?:that\s+)?(?P<subj>.+?)\s+(?:to|will|would)\s+(?P<pred>.+)$"
)
# "the airline expected to return to profit": the subject expects to act itself.
_SELF_EXPECT_RE = re.compile(
    r"^(?P<subj>(?:the|a|an|[A-Z])(?![\w’'\s-]*\b(?:is|are|was|were|be|been|not)\s+expected)"
    r"[\w’'\s-]{0,60}?)\s+(?:expects|expected|expect)\s+to\s+"
    r"(?P<pred>.+)$"
)
_EXPECT_BACK_RE = re.compile(
    r"^(?:I|[Ww]e)\s+expect\s+(?P<subj>\S+)\s+(?P<pred>(?:back|home|in|at|on|out)\b.+)$"
)
_POSSIBILITY_RE = re.compile(
    r"^(?P<subj>.+?)\s+(?:is|are)\s+(?:a\s+|an\s+)?(?:real|serious|realistic|distinct|slim|"
    r"remote)?\s*(?:possibility|chance|possible)\b\s*(?P<pred>.*)$"
)
# "this storm has the potential to become dangerous": will it become dangerous?
_POTENTIAL_RE = re.compile(
    r"^(?P<subj>.+?)\s+(?:has|have)\s+the\s+potential\s+to\s+(?P<pred>.+)$", re.IGNORECASE
)
# "heavy snow is expected Sunday night": will there be heavy snow on Sunday night?
_EXPECTED_NOUN_RE = re.compile(
    r"^(?P<subj>.+?)\s+(?:is|are)\s+(?:also\s+)?expected\s+(?P<pred>(?!to\b)\S.*)$",
    re.IGNORECASE,
)
# "legal experts expect a quick resolution": will there be a quick resolution?
_THEY_EXPECT_NOUN_RE = re.compile(
    r"^(?:[\w’'-]+\s+){1,3}?(?:expect|expects|predict|predicts|foresee|foresees)\s+"
    r"(?P<subj>(?:a|an|more|further|heavy|higher|lower)\s.+?)(?P<pred>)$"
)
# "the regulator approves the tariff": a present-tense claim after a hedge frame.
_PRESENT_RE = re.compile(
    r"^(?P<subj>(?:the|a|an|[A-Z][\w’'-]*)(?:\s+[\w’'-]+){0,5}?)\s+"
    r"(?P<verb>(?!is\b|was\b|has\b|this\b|its\b)[a-z]+(?:es|s)(?<!ss)(?<!us)(?<!is))\s+"
    r"(?P<pred>.+)$"
)
_NOMINATIVE = {"them": "they", "him": "he", "her": "she", "us": "we", "me": "I"}
_INFINITIVE_RE = re.compile(r"^(?:(?P<subj>.+?)\s+)?to\s+(?P<pred>.+)$")
_COMMON_STARTS = frozenset(
    """the this that these those it its a an our their his her such there some many most all
    he she they you each every any no both either neither another other
    prices inflation rates growth demand""".split()  # noqa: SIM905 (a word list reads better as text)
)
FORECAST_VERBS = frozenset(
    """expects expected expect predicts predicted predict foresees foresaw forecast forecasts
    anticipates anticipated warned warns envisioned envisages projects projected estimates
    estimated""".split()  # noqa: SIM905
) | {"is forecasting", "are forecasting", "is predicting", "are predicting", "anticipates"}
_IRREGULAR = {"has": "have", "does": "do", "goes": "go", "is": "be"}


def base_form(verb: str) -> str:
    """ "approves" → "approve", "carries" → "carry", "passes" → "pass" (third person only)."""
    if verb in _IRREGULAR:
        return _IRREGULAR[verb]
    if verb.endswith("ies"):
        return verb[:-3] + "y"
    if re.search(r"(?:ss|sh|ch|x|zz|o)es$", verb):
        return verb[:-2]
    return verb[:-1]


_WORD_RE = re.compile(r"\w+")
_MID_SENTENCE_WORD_RE = re.compile(r"(?<=[a-z,])\s+(\w+)")


@functools.lru_cache(maxsize=4)
def _article_words(article: str) -> tuple[frozenset[str], frozenset[str]]:
    """The article's words as written, and those that follow a lower-case letter or a comma
    (mid-sentence): read once per article, not once per candidate (a 200,000-character article
    of a few thousand claims spent minutes searching itself)."""
    return frozenset(_WORD_RE.findall(article)), frozenset(_MID_SENTENCE_WORD_RE.findall(article))


def _in_article(word: str, article: str, *, mid_sentence: bool = False) -> bool:
    """Whether `word` stands alone in the article (anywhere, or after a lower-case word)."""
    if not _WORD_RE.fullmatch(word):  # "Trans-Valley", "O'Neill": a search of their own
        pattern = rf"[a-z,]\s+{re.escape(word)}\b" if mid_sentence else rf"\b{re.escape(word)}\b"
        return re.search(pattern, article) is not None
    return word in _article_words(article)[mid_sentence]


def _subject(subject: str, speaker: str, article: str) -> str:
    subject = _NOMINATIVE.get(subject, subject)
    if subject in {"I", "we", "We"}:
        return speaker if subject == "I" or " " not in speaker else subject.lower()
    first = subject.split()[0]
    lowered = first.lower()
    if lowered in _COMMON_STARTS or _in_article(lowered, article):
        return lowered + subject[len(first) :]
    words = subject.split()
    proper = (
        first.isupper()
        or (len(words) > 1 and words[1][:1].isupper())
        or _in_article(first, article, mid_sentence=True)  # capitalised mid-sentence
    )
    if first[:1].isupper() and first[1:].islower() and article and not proper:
        return lowered + subject[len(first) :]  # "Unemployment could reach …" opened a sentence
    return subject


# A phrase before the subject that can move to the end: "Without it, …", "In 2027, …".
_LEAD_PHRASE_RE = re.compile(
    r"^(?:without|with|in|on|at|by|after|before|during|within|unless|if|once|when|for|from|even|as|"
    r"under|over|despite|eventually|ultimately|soon|then|otherwise|[a-z]+ly\b|[a-z]+ing\b)",
    re.IGNORECASE,
)


def _frame_title(clause: str, speaker: str, article: str, *, present: bool = True) -> str:
    for pattern, frame in (
        (_INABILITY_CLAUSE_RE, "Will {subj} be able to {pred}"),
        (_EXPECT_CLAUSE_RE, "Will {subj} {pred}"),
        (_SELF_EXPECT_RE, "Will {subj} {pred}"),
        (_EXPECT_BACK_RE, "Will {subj} be {pred}"),
        (_POSSIBILITY_RE, "Will there be {subj} {pred}"),
        (_POTENTIAL_RE, "Will {subj} {pred}"),
        (_EXPECTED_NOUN_RE, "Will there be {subj} {pred}"),
        (_THEY_EXPECT_NOUN_RE, "Will there be {subj}{pred}"),
        (_MODAL_CLAUSE_RE, "Will {subj} {pred}"),
    ):
        if match := pattern.match(clause):
            # A leading phrase ("Without it, wind power …") moves to the end of the question.
            lead, _, subject = (
                ("", "", match["subj"])
                if pattern is _POSSIBILITY_RE
                else match["subj"].rpartition(", ")
            )
            if lead and not _LEAD_PHRASE_RE.match(lead):
                lead, subject = "", match["subj"]  # "snow, sleet or rain": one subject
            # "the pylons are unstable and could collapse": the subject is "the pylons".
            subject = re.sub(r"\s+(?:is|are|was|were)\s+\w+(?:\s+\w+)?\s+and$", "", subject)
            pred = f"{match['pred']}, {lead[:1].lower()}{lead[1:]}" if lead else match["pred"]
            return frame.format(subj=_subject(subject, speaker, article), pred=pred)
    if present and (match := _PRESENT_RE.match(clause)):
        subj = _subject(match["subj"], speaker, article)
        return f"Will {subj} {base_form(match['verb'])} {match['pred']}"
    return ""


_LEADING_TIME_RE = re.compile(
    r"^(?P<lead>(?:by|in|before|until|within)\s+(?:the\s+end\s+of\s+)?(?:\w+\s+)?\d{4}),?\s+"
    r"(?P<rest>.+)$",
    re.IGNORECASE,
)


# What a forecast verb takes as its object when it is a noun phrase, not a clause: "a loss
# of 30 million jobs", "growth of 2.1% next year" (no verb of its own).
_NOUN_PHRASE_RE = re.compile(
    r"^(?!.*\b(?:will|would|is|are|was|were|to|has|have|had)\b)(?:a|an|more|further|[a-z]+)\s+"
    r"(?:[\w%$€£’'.,-]+\s+){0,12}?[\w%$€£’'.-]+$"
)


# "we're", "I'm": a contraction hides the modal ("we're likely to") from the patterns above.
_CONTRACTION_RE = re.compile(r"\b(?:(we|you|they)['’]re|(I)['’]m)\b", re.IGNORECASE)
# "The station flooded, so I think we are going to have cuts": narrative, then an opinion
# frame; the question is what the frame governs (it must hold a modal of its own).
_LATE_FRAME_RE = re.compile(
    r"^.+?,\s+(?:so|and|but)\s+(?:I|[Ww]e)\s+(?:(?:do|really|also|still|just)\s+)*"
    r"(?:think|know|believe|feel|suppose|guess|reckon|am\s+sure|am\s+confident|are\s+sure|"
    r"are\s+confident)\s+(?:that\s+)?(?P<rest>.+\b(?:will|would|going\s+to|likely\s+to|could|"
    r"may|might)\b.+)$"
)
# "I know this is going to work": a first-person frame that proposition() leaves.
_KNOW_FRAME_RE = re.compile(r"^(?:I|[Ww]e)\s+(?:just\s+|really\s+)?know\s+(?:that\s+)?(?=\S)")
# "…, so I hope they fence it", "…, but we are watching it": an aside after the forecast.
_ASIDE_RE = re.compile(r",\s+(?:(?:so|but|and)\s+(?:I|we|you)\b|nor\s).*$")
# "there is the prospect of a deal being reached" (or what a hedge frame leaves of it, "of a
# deal being reached"): will a deal be reached?
_PROSPECT_RE = re.compile(
    r"^(?:there\s+(?:is|are)\s+(?:the\s+|a\s+|an\s+|some\s+|every\s+)?(?:real\s+|good\s+)?"
    r"[“\"]?(?:prospect|chance|possibility|likelihood|risk)\s+)?of\s+(?P<subj>.+?)[”\"]?\s+being\s+"
    r"(?P<pred>.+)$",
    re.IGNORECASE,
)
# "trigger what she called “a slow exodus”": the term stays, the frame around it goes.
_CALLED_RE = re.compile(
    r"\bwhat\s+(?:he|she|they|it|[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)?)\s+"
    r"(?:called|calls|described\s+as|describes\s+as|termed|terms)\s+"
)
# "we will see more storms", "we could have a new harbour master": does it happen? Not after
# a participle ("we will have finished" is the speaker's own doing), nor of a thing already
# named ("we'll have the blaze out": the speaker's doing again).
_WE_SEE_RE = re.compile(
    r"^(?:we|you)\s+(?:(?:will|would|could|may|might)\s+|(?:are|is)\s+(?:also\s+)?"
    r"(?:going|likely|set|about)\s+to\s+)(?:also\s+|probably\s+|still\s+)*(?:see|have)\s+"
    r"(?P<obj>(?![a-z]+(?:ed|en)\b|(?:the|this|that|these|those|it|them|him|her|our|their|my|"
    r"your|his|its|one|everything|something)\b)\S.*)$",
    re.IGNORECASE,
)


def _without_frames(clause: str) -> str:
    """The clause without the frames and asides proposition() does not know (above)."""
    clause = _CONTRACTION_RE.sub(lambda m: f"{m[1]} are" if m[1] else f"{m[2]} am", clause)
    if match := _LATE_FRAME_RE.match(clause):
        clause = proposition(match["rest"])
    clause = _KNOW_FRAME_RE.sub("", clause)
    clause = _CALLED_RE.sub("", clause)
    return _ASIDE_RE.sub("", clause)


def _balanced_quotes(title: str) -> str:
    """A title is our question, not a quotation: a quotation mark left open by the claim's
    end ("cause “mass migration") goes, balanced ones stay."""
    if title.count("“") != title.count("”") or title.count('"') % 2:
        return re.sub(r"[“”\"]", "", title)
    return title


def question_title(clause: str, verb: str, speaker: str, article: str = "") -> str:
    """A YES/NO question in the claim's words: "Moscow will continue to X" → "Will Moscow
    continue to X?". Negation is left out: the probability carries it ("won't" → 0.05)."""
    title = _question_title(clause, verb, speaker, article)
    # "Will likely Australian forces be needed …": a hedge the frame left behind
    title = re.sub(r"^Will (?:likely|probably|possibly|perhaps|maybe|certainly)\s+", "Will ", title)
    return _balanced_quotes(title)


def _question_title(clause: str, verb: str, speaker: str, article: str) -> str:
    clause = _without_frames(proposition(clause))
    if match := _WE_SEE_RE.match(clause):
        return f"Will there be {match['obj']}".rstrip(" .,;:") + "?"
    if match := _PROSPECT_RE.match(clause):
        subject = _subject(match["subj"], speaker, article)
        return f"Will {subject} be {match['pred']}".rstrip(" .,;:") + "?"
    # "may have disrupted and may possibly destroy": the question is about the second.
    clause = re.sub(r"\b(?:may|might|could)\s+have\s+\w+\s+and\s+", "", clause)
    clause = re.sub(r"\b(it|that|there|he|she)['’]s\b", r"\1 is", clause, flags=re.IGNORECASE)
    lead = ""
    if match := _LEADING_TIME_RE.match(clause):  # "By 2030 the town will …"
        clause, lead = match["rest"], " " + match["lead"][:1].lower() + match["lead"][1:]
    if re.match(r"^of\s", clause) and verb.split()[-1:] and verb.split()[-1] in FORECAST_VERBS:
        # "warned of potential flash floods": will there be flash floods?
        clause = re.sub(r"^of\s+(?:(?:potential|possible|likely|further)\s+)?", "", clause)
        return f"Will there be {clause}".rstrip(" .,;:") + "?"
    forecast_verb = verb in FORECAST_VERBS
    title = _frame_title(clause, speaker, article, present=False)
    if not title and forecast_verb and _NOUN_PHRASE_RE.match(clause):
        title = f"Will there be {clause}"  # foresees "a loss of 30 million jobs"
    title = title or _frame_title(clause, speaker, article)
    title = title + lead if title else title
    if not title:
        match = _INFINITIVE_RE.match(clause) if forecast_verb else None
        if match:
            subj = _subject(match["subj"], speaker, article) if match["subj"] else speaker
            title = f"Will {subj} {match['pred']}"
        else:
            title = f"Will it come true that {clause[:1].lower()}{clause[1:]}"
    if len(title) > MAX_TITLE_CHARS:
        title = title[:MAX_TITLE_CHARS].rsplit(" ", 1)[0] + " …"
    return title.rstrip(" .,;:") + "?"


_CHECKS = (
    (re.compile(r"^Will it come true that\b"), "not a plain yes/no question about the event"),
    (
        re.compile(
            r"\b(?:said|says|say|told|tells|stated|according\s+to|predicted|predicts|warned|"
            r"warns|claimed|claims|believes|expects|thinks|reported)\b",
            re.IGNORECASE,
        ),
        "it still holds a reporting frame",
    ),
    (re.compile(r"\b(?:I|[Ww]e|[Oo]ur|us|[Mm]y|me|you|your)\b"), "it speaks in the first person"),
    (
        # Not an empty "it": "Will it be impossible to prove …", "Will it snow …".
        re.compile(
            r"^Will (?:this|that|these|those|it|they|he|she|him|her|them)\b"
            r"(?<!it)(?<!It)|^Will it\b(?! (?:be (?:\w+ )?(?:possible|impossible|difficult|hard|"
            r"easy|necessary|too late) (?:for|to)\b|rain|snow|freeze|hail))"
        ),
        "its subject needs the article to be understood",
    ),
    (re.compile(r"\b(?:he|she|him|his|her)\b"), "a pronoun refers back into the article"),
    (
        # Anywhere in the title, not only as its subject: "their homes", "blown away by it",
        # "if that happens". An object "it" is rarely the empty one of "it will rain".
        re.compile(
            r"\b(?:they|them|their|theirs)\b"
            r"|\b(?:by|of|to|on|with|about|for|against|from) (?:it|that)\b"
            r"(?! (?:is|was|will|would|has|had)\b)"
            r"|\b(?:if|when|unless|once|before|after) (?:that|it)\b"
            r"(?! (?:\w+ )?(?:rains|snows|freezes))",
            re.IGNORECASE,
        ),
        "a pronoun refers back into the article",
    ),
    (
        # A demonstrative points at something the article said: "this series", "these
        # measures", wherever it stands ("Will this …" is caught above as the subject).
        re.compile(r"(?<!^Will )\b(?:this|these)\s+(?!is\b|are\b|was\b|were\b)[a-z]"),
        "“this” or “these” points back into the article",
    ),
    (
        # The nouns news copy uses for what it has just described, standing alone as the
        # subject: "the situation", "the same bear", "the latest arrests", "the rate".
        re.compile(
            r"^Will (?:the|this|that) (?:same|latest|former|above|aforementioned)\b|"
            r"^Will the (?:situation|incident|move|plan|deal|decision|event|matter|issue|"
            r"problem|proposal|measures?|changes?|operation|offensive|attack|storm|fire|rate|"
            r"talks|agreement|order|case|project|process|policy|crisis|scheme|company|"
            r"government|bill|law|programs?|programmes?|times|ballot|vote|results?|figures|"
            r"system|report|survey|strike|dispute|war|conflict|campaign|team|side|club|party|"
            r"union|council|board|committee|court|region|area|economy|market|country|city|"
            r"town|state)\b(?! of\b| in\b| on\b| at\b| for\b| between\b|['’]s\b)"
        ),
        "its subject needs the article to be understood",
    ),
    (
        # What a sentence broken at the wrong place leaves: "Will in February of …", "Will
        # without …", "Will expressed concern that …", "Will China is more likely …".
        re.compile(
            r"^Will (?:in|of|on|at|to|from|with|without|for|by|into|about|and|but|or)\b|"
            r"^Will (?:expressed|said|added|noted|announced|suggested|argued|insisted|will|"
            r"would|could|may|might)\b|"
            r"^Will (?!it come true)(?:(?!(?:that|which|who|if|when|as|where|because|since|"
            r"than|while|what|how)\b)[\w'’.-]+ ){1,4}(?:is|are|was|were)\b|"
            # a verb left in the present after "Will": "Will Chrome continues to surge, IE …"
            r"^Will (?:[A-Z][\w.-]*\s+){1,3}(?:continues|remains|becomes|seems|appears|keeps|"
            r"goes|comes|gets|makes|takes|has|does)\b"
        ),
        "it is not a grammatical question",
    ),
    (re.compile(r"…"), "it was cut short"),
    (
        # "Will Australia. The arrest have …": two sentences run together
        re.compile(r"(?<!\b[A-Z])(?<!\bMr)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\bMrs)[a-z0-9]\.\s+[A-Z]"),
        "it runs across two sentences",
    ),
    (
        # "Will there be all power generation at the plant has been halted …"
        re.compile(
            r"^Will there be\b[^,?]*?\b(?:has|have|had|is|are|was|were)\s+(?:been\s+)?[a-z]+ed\b"
        ),
        "it is not a grammatical question",
    ),
)


def title_problems(title: str) -> list[str]:
    """Why a reviewer who never read the article could not resolve this question; [] if none."""
    problems = [reason for pattern, reason in _CHECKS if pattern.search(title)]
    if len(title.split()) > MAX_TITLE_WORDS:
        problems.append("it is too long to read as one question")
    if title.count("“") != title.count("”") or title.count('"') % 2:
        problems.append("a quotation is left open")
    return list(dict.fromkeys(problems))


_PRONOUN_SUBJECTS = frozenset(
    """it they this that these those he she we i you there who which what""".split()  # noqa: SIM905
)


_COPULA_CLAUSE_RE = re.compile(r"^(?P<subj>.+?)\s+(?:is|are|was|were|has|have|had)\s")


def subject_of(clause: str, article: str = "") -> str:
    """The noun phrase a claim is about ("the situation" in "the situation will worsen"), for
    a later "it" of the same speaker; "" for pronouns and long or clausal subjects."""
    clause = proposition(clause)
    match = _MODAL_CLAUSE_RE.match(clause) or _COPULA_CLAUSE_RE.match(clause)
    if not match:
        return ""
    subject = match["subj"].rpartition(", ")[2].strip()
    words = subject.split()
    if not words or len(words) > 8 or words[0].lower() in _PRONOUN_SUBJECTS:
        return ""
    if re.search(r"\b(?:is|are|was|were|has|have|had|that|which|who|if|when)\b", subject):
        return ""
    if words[0].lower() in {"while", "although", "though", "as", "because", "since", "unless"}:
        return ""  # "while conditions may be kinder": a subordinate clause, not a subject
    return _subject(subject, "", article)
