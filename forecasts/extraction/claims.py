"""Is a clause a forecast? Forward-looking cues, and the clause a question is made of.

A claim needs a cue that points to the future: a modal ("will", "may", "is going to"), a
forecast verb ("expects", "predicts"), a future date ("next year", "by 2027"), or a present
inability ("Russia is unable to …", read as "will not be able to"). Past events, present facts,
wishes ("hopes"), generic maxims ("no country will …") and contingency language ("we must be
prepared for …") are not proposed.
"""

import re

from forecasts import verbal
from forecasts.extraction.speakers import NON_FORECAST_VERBS

STRONG_FORECAST_VERBS = frozenset(
    """predicted predicts forecast forecasts expects expected anticipates anticipated
    projected projects foresees foresaw envisages envisioned predict expect anticipate""".split()  # noqa: SIM905
) | {
    "is expecting",
    "are expecting",
    "was expecting",
    "were expecting",
    "is forecasting",
    "are forecasting",
    "is predicting",
    "are predicting",
}
WARNING_VERBS = frozenset({"warned", "warns", "warn", "cautioned", "cautions"})
# "is on track to", "was on its way to win": a course toward an outcome, read as "will".
_ON_COURSE = r"on\s+(?:track|course|(?:its|their|his|her|our|the)\s+way)"
ON_COURSE_RE = re.compile(rf"\b(?:is|are|was|were|['’]s|['’]re)\s+{_ON_COURSE}\s+to\b")
# "is going / set / likely / planning to …": the words between a form of "be" and "to" that
# make it look forward (questions.py asks the same clauses as "Will …?").
BE_TO_WORDS = "going|set|poised|bound|expected|likely|unlikely|about|planning|preparing"
# The adverbs and negations between a subject and its forecast verb: "we do expect", "we
# don't expect", "analysts still predict".
EXPECT_ADVERBS = (
    r"(?:do\s+|fully\s+|now\s+|still\s+|also\s+|(?:do|does)\s+not\s+|(?:don|doesn)['’]t\s+)*"
)
FORECAST_VERBS_RE = r"(?:expect|predict|forecast|anticipate)"
_MODAL_RE = re.compile(
    r"\b(?P<modal>will|won['’]t|['’]ll|(?:is|are|am|['’]s|['’]re)\s+(?:not\s+)?(?:\w+ly\s+)?"
    r"(?:" + BE_TO_WORDS + "|" + _ON_COURSE + r")\s+to|"
    r"(?:was|were)\s+(?:not\s+)?"
    r"(?:\w+ly\s+)?(?:going|set|likely|unlikely|expected|" + _ON_COURSE + r")\s+to|may|might|"
    r"could|would)\b(?!-)",  # not "would-be journalists"
    re.IGNORECASE,
)
# "would like", "would rather", "would say": a wish or the speaker's own hedge.
_SOFT_WOULD_RE = re.compile(
    r"would\s+(?:not\s+)?(?:like|love|prefer|rather|say|argue|suggest|think|imagine|guess|"
    r"hope|want|wish|be\s+(?:nice|good|great|wonderful|happy|glad|delighted|willing|"
    r"interested|surprised|wrong|fair|better|best|a\s+mistake)|you|welcome|need\s+to|"
    r"have\s+to|appreciate|comment|recommend|advise)\b",
    re.IGNORECASE,
)
# "would be a surrender", "would be devastating": a judgement of a hypothetical, not a
# forecast; "would be dispatched", "would be able to" still forecast.
_WOULD_BE_JUDGEMENT_RE = re.compile(
    r"would\s+(?:not\s+)?(?:\w+ly\s+)?be\b(?!\s+(?:able|unable|[a-z]+(?:ed|en|wn))\b)",
    re.IGNORECASE,
)
_ANY_THAT_WOULD_RE = re.compile(
    r"\b(?:no|any|every)\s+\w+\s+(?:that\s+|which\s+)?\w+\s+would$", re.IGNORECASE
)
# "could have been", "would have done": past speculation or counterfactual, not a forecast;
# "will have" (future perfect) is one.
_PAST_MODAL = (
    r"(?:may|might|could|would|should|must)(?:['’]ve\s+\w|\s+(?:not\s+|never\s+)?(?:\w+ly\s+)?"
    r"have\s+(?:been|had|done|gone|seen|made|come|become|run|put|let|set|hit|cut|"
    r"[a-z]+(?:ed|en|wn|ne|t|d))\b)"
)
_PAST_MODAL_RE = re.compile(rf"^{_PAST_MODAL}", re.IGNORECASE)
# … anywhere in a clause: "a strong possibility he could have been killed"
_PERFECT_MODAL_RE = re.compile(rf"\b{_PAST_MODAL}", re.IGNORECASE)
# "he would not comment", "could not be reached": refusals and unavailability.
_REFUSAL_RE = re.compile(
    r"\b(?:would|will|could|did)\s+not\s+(?:comment|confirm|say|disclose|elaborate|speculate|"
    r"reveal|discuss|be\s+reached)|\b(?:declined|refused)\s+to\s+(?:comment|say|confirm)",
    re.IGNORECASE,
)
# "the fact that … could explain why", "this may mean that": a reading of present evidence.
_EPISTEMIC_RE = re.compile(
    r"\b(?:could|may|might)\s+(?:well\s+|also\s+)?(?:explain|mean|suggest|indicate|reflect)\b",
    re.IGNORECASE,
)
# A fronted subordinate clause holds no claim of its own: "Although the sea may rise, …",
# "Taking into account that jobs may not …, it becomes clear that …".
_FRONTED_SUBORDINATE_RE = re.compile(
    r"^(?:although|though|while|whereas|because|since|given\s+that|taking\s+into\s+account|"
    r"considering|despite|even\s+though)\b[^,]{3,200},\s+(?P<main>(?!and\b|but\b).+)$",
    re.IGNORECASE,
)
# A wish is not a forecast, whoever holds it: "she hoped the ferry would run".
_WISH_RE = re.compile(
    r"^(?:[\w’'-]+\s+){1,3}?(?:hope|hopes|hoped|wish|wishes|wished|want|wants|wanted|"
    r"would\s+like|would\s+love|pray|prays|prayed)\b",
    re.IGNORECASE,
)
_HOPEFULLY_RE = re.compile(r"\bhopefully\b", re.IGNORECASE)
# Advice: "investors may want to wait", "you might want to", "would do well to".
_ADVICE_RE = re.compile(
    r"\b(?:may|might|could)\s+(?:also\s+)?(?:want|wish)\s+to\b|\bwould\s+do\s+well\s+to\b|"
    r"\bwould\s+be\s+(?:wise|well\s+advised)\s+to\b",
    re.IGNORECASE,
)
# A timeless generalisation: "will always …", "… those who build on the plain".
_GENERIC_STATEMENT_RE = re.compile(
    # … but "hundreds of people who have booked" are particular people
    r"\bwill\s+always\b|\b(?:those|anyone|whoever)\s+who\b|(?<!of\s)(?<!the\s)(?<!\d\s)"
    r"\bpeople\s+who\b"
    # the modal inside "anything that's going to …", "nothing that will …": no claim of its own
    r"|\b(?:anything|nothing|something|everything|anyone|no\s+one)\s+(?:that|which|who)"
    r"(?:['’]s|\s+(?:is|will|would|could|might|may))\b",
    re.IGNORECASE,
)
# A judgement of what is known now, not of what will happen: "the report may be incomplete",
# "the figures could be wrong", "this estimate may be overstated".
_EPISTEMIC_PREDICATE_RE = re.compile(
    r"\b(?:may|might|could)\s+(?:not\s+)?(?:well\s+|also\s+)?be\s+(?:\w+ly\s+)?"
    r"(?:true|false|wrong|right|correct|incorrect|accurate|inaccurate|incomplete|misleading|"
    r"overstated|understated|exaggerated|overestimated|underestimated|representative|"
    r"responsible|related|linked|connected|involved|to\s+blame|the\s+case|a\s+factor|"
    r"the\s+cause|a\s+sign|unrelated|genuine|fake|real)\b",
    re.IGNORECASE,
)
# "would" or "could" of a past habit or a past scene: "she would often walk", "in those
# years the ferry would leave at dawn", "could hardly breathe when the water came in".
_PAST_HABIT_RE = re.compile(
    r"\b(?:would|could)\s+(?:often|usually|always|sometimes|regularly|routinely|hardly|barely|"
    r"frequently|occasionally)\b|\b(?:would|could|might)\b[^,;]{0,300}?\b(?:when|while|as|after|"
    r"before|until|once)\s+(?:\w+\s+){0,4}?(?:was|were|had|did|came|went|saw|began|[a-z]+ed)\b",
    re.IGNORECASE,
)
# A procedure told in the past: "after breaking in, the group would install a program".
_PAST_PROCEDURE_RE = re.compile(
    r"^(?:after|when|once|before|upon)\s+[a-z]+ing\b[^,]*,\s+[^,]*\bwould\b", re.IGNORECASE
)
_PAST_TIME_RE = re.compile(
    r"\b(?:as\s+a\s+(?:child|boy|girl|student)|in\s+those\s+(?:days|years|times)|back\s+then|"
    r"at\s+the\s+time|in\s+the\s+past|used\s+to|(?:years|decades|months)\s+ago)\b",
    re.IGNORECASE,
)
# "growth could be higher if everyone were given a chance", "it would hold if it had been
# built": a modal with an "if" in the past tense is a hypothetical, not a forecast.
_COUNTERFACTUAL_RE = re.compile(
    r"\b(?:could|would|might)\b[^;]{0,300}?\b(?:if|unless)\s+(?:[\w’'-]+\s+){1,6}?"
    r"(?:were|was|had|did|could|knew|wanted)\b"
    r"|\b(?:if|unless)\s+(?:[\w’'-]+\s+){1,6}?(?:were|had)\b[^;]{0,300}?\b(?:could|would|might)\b"
    # the inverted condition: "had she known", "were it to fail"
    r"|\b(?:could|would|might)\b[^;]{0,300}?\b(?:had|were)\s+(?:I|you|he|she|it|we|they|the\s+\w+)\s+"
    r"(?:[a-z]+(?:ed|en|wn|ne|t)|known|to)\b",
    re.IGNORECASE,
)
# "Americans are waiting for equipment that will help them": a modal describing a noun.
_RELATIVE_MODAL_RE = re.compile(
    r"(?<![,;])\s(?:that|which|who)\s+(?:\w+ly\s+)?(?:will|would|could|may|might)\b", re.I
)
_OTHERS_VIEW_RE = re.compile(
    r"^(?:they|officials|authorities|people|critics|some|many|others)\s+(?:are|were)\s+"
    r"(?:\w+ly\s+)?(?:worried|afraid|concerned|scared|fearful|anxious)\s+that\b"
    r"|\bto\s+(?:ensure|make\s+sure|guarantee)\s+(?:that\s+)?[^,;]*\b(?:would|will)\b"
    r"|\bthere(?:['’]s|\s+is|\s+are)\s+(?:no|any)\s+(?:one\s+|single\s+)?[\w-]+(?:\s+[\w-]+)?"
    r"\s+that\s+(?:will|would|could)\b"
    r"|\b(?:said|says|told\s+\w+|shouted|yelled):\s*['‘\"“]"
    # "all he has is the hope the economy will pick up": a hope, held by anyone
    r"|\bthe\s+(?:\w+\s+)?hope\s+(?:that\s+)?(?:[\w’'-]+\s+){1,5}?(?:will|would)\b"
    # "to avoid any risk that their brands will be damaged": a risk avoided, not foreseen
    r"|\bto\s+(?:avoid|prevent|reduce|minimi[sz]e|limit)\s+[^,;]{0,60}?\b(?:risk|chance|"
    r"possibility|danger|prospect)\b[^,;]{0,60}?\bthat\b",
    re.IGNORECASE,
)
# "it could be a once-in-a-lifetime event": a judgement of the present, not a forecast.
_PRESENT_JUDGEMENT_RE = re.compile(
    r"^(?:it|this|that|these|those)\s+(?:could|may|might|would)\s+(?:well\s+|also\s+|\w+ly\s+)?"
    r"be\s+(?:a|an|the|one|very|quite|so|too|more|less|that|[a-z]+er\b)",
    re.IGNORECASE,
)
# "the sequel may be the best of the series": a superlative judged now, not a forecast; but
# "could be the strongest storm to hit the coast since 1990" measures what is coming.
_SUPERLATIVE_JUDGEMENT_RE = re.compile(
    r"\b(?:may|might|could)\s+(?:well\s+|also\s+)?be\s+(?:the|its|their|his|her|one\s+of\s+the)\s+"
    r"(?:best|worst|greatest|finest|most\s+\w+|least\s+\w+|[a-z]{3,}est)\b"
    r"(?![^,;]*\b(?:to\s+(?!date\b)[a-z]+|since|on\s+record|ever|in\s+(?:years|decades|history|"
    r"a\s+generation|living\s+memory)|this\s+(?:year|century|season))\b)",
    re.IGNORECASE,
)
# "the will of the people", "political will", "the will to fight": the noun, not the modal.
_NOUN_WILL_RE = re.compile(
    r"\b(?:the|a|free|political|good|his|her|their|its|own|popular)\s+will\b|\bwill\s+(?:of|to)\b",
    re.IGNORECASE,
)
_MONTH_MAY_RE = re.compile(
    r"(?:\d\s+|\b(?:in|on|by|until|since|of|early|late|mid|last|next|"
    r"this)\s+)May\b|\bMay\s+\d"
)
_FIRST_PERSON_FORECAST_RE = re.compile(
    # a plural subject ("analysts expect"), not an auxiliary ("what was forecast")
    r"\b(?:I|[Ww]e|[Tt]hey|[Hh]e|[Ss]he|[Ii]t|(?!(?:was|has|is|does|this|its|us|as|his)\b)"
    r"[a-z]+(?<!ss)s)\s+" + EXPECT_ADVERBS + FORECAST_VERBS_RE + r"(?:s|ed)?\b"
)
_INABILITY_RE = re.compile(
    r"\b(?P<be>is|are)\s+(?:still\s+)?(?:unable|not able)\s+to\s+(?!comment|confirm|say|"
    r"disclose|speak|reveal|provide|give|share)",
    re.IGNORECASE,
)
FUTURE_TIME_RE = re.compile(
    r"\b(?:next\s+(?:year|month|week|spring|summer|autumn|fall|winter|decade)|"
    r"in\s+the\s+(?:coming|next)\s+(?:\w+\s+)?(?:days|weeks|months|years|decade)|"
    r"(?:by|before)\s+(?:the\s+end\s+of\s+)?(?:\w+\s+)?20\d\d|"
    r"within\s+(?:the\s+next\s+)?(?:\w+\s+)?(?:days|weeks|months|years)|"
    r"(?:early|late|later)\s+(?:in\s+)?the\s+new\s+year)\b",
    re.IGNORECASE,
)
# Table words that make a present-tense clause a forecast ("a snap election is a real
# possibility"), unless a past auxiliary makes it a report ("the likely cause was …").
_HEDGE_RE = re.compile(
    # "as safe as possible", "where possible": a manner, not a chance
    # … "everything possible to resolve it": an effort, not a chance
    r"\b(?:(?:un)?likely\s+to|(?<!\bas\s)(?<!\bif\s)(?<!\bwhere\s)(?<!\bwhen\s)"
    r"(?<!\beverything\s)(?<!\bwherever\s)(?<!\bwhenever\s)possib(?:le|ility)|"
    r"chance\s+(?:of|that)|doubtful|improbable|"
    r"fifty-fifty|toss-up|rule\s+out|potential\s+(?:to|for|of)|imminent(?:ly)?|"
    r"on\s+the\s+(?:verge|brink)\s+of|"
    r"(?:is|are)\s+expected|expected\s+(?:to|in|on|by|within)|"
    # "prices look set to fall"
    r"looks?\s+set\s+to|"
    # "it is just a matter of time before bin Laden is found": the event is certain to come
    r"(?:a|only\s+a|just\s+a)\s+matter\s+of\s+(?:time|days|weeks|months|hours)[\"”’']?\s+"
    r"(?:before|until))\b",
    re.IGNORECASE,
)
# "should" of expectation, not of obligation: a thing (not I, we, you) that should be ready or
# happen by a near time ("a new version should be available soon", "the river should fall by
# Friday"). Advice has a person or the reader as its subject ("we should act soon"), and a
# passive of duty ("should be punished", "should be allowed") is a call whatever the time.
_NEAR_TIME = (
    r"(?:soon|shortly|imminently|before\s+long|by\s+(?:then|tomorrow|tonight|the\s+end|"
    r"early|late|mid|next|(?:the\s+)?\d|January|February|March|April|May|June|July|August|"
    r"September|October|November|December|\w+day)|within\s+(?:the\s+next\s+|a\s+|\w+\s+)?"
    r"(?:hours?|days?|weeks?|months?|years?)|next\s+(?:week|month|year|season|spring|summer|"
    r"autumn|fall|winter|\w+day)|later\s+(?:today|tonight|this\s+\w+)|tomorrow|tonight|"
    r"in\s+the\s+(?:coming|next)\s+(?:\w+\s+)?(?:hours|days|weeks|months|years))\b"
)
# What things do, not what people are told to do: "the river should fall by Friday" expects,
# "the minister should resign by Friday" calls.
_EXPECTED_VERBS = (
    r"(?:arrive|reach|return|recover|reopen|resume|open|start|begin|end|finish|clear|pass|land|"
    r"peak|ease|improve|fall|rise|drop|climb|grow|shrink|weaken|strengthen|continue|last|remain|"
    r"stay|take|come|happen|occur|follow|increase|decrease|decline|recede|subside|settle|"
    r"stabili[sz]e|arrive|have|get|see|bring|move|turn|hit)"
)
_SHOULD_EXPECT_RE = re.compile(
    r"^(?!(?:i|we|you|one|everyone|everybody|people|they|governments?|leaders?)\s)[^,;]{1,80}?"
    r"\bshould\s+(?!not\b|never\b|have\s+\w+(?:ed|en|wn|ne)\b)(?:(?:\w+ly|still|also)\s+)?"
    r"(?!be\s+(?:\w+ly\s+)?(?:allowed|permitted|required|forced|punished|banned|prosecuted|"
    r"jailed|sacked|fired|removed|stopped|prevented|held|made|given|told|asked|encouraged|"
    r"ashamed|careful|aware)\b)(?:be|" + _EXPECTED_VERBS + r")\b[^;]*?\b" + _NEAR_TIME,
    re.IGNORECASE,
)
# "it is still unclear whether the bridge will open", "it remains to be seen what …": the
# speaker says the future is not known, which forecasts nothing.
_UNKNOWN_RE = re.compile(
    r"^(?:(?:it|this)\s+(?:is|was|remains|remained)\s+(?:yet\s+|still\s+|not\s+yet\s+|also\s+|"
    r"as\s+yet\s+)?(?:unknown|unclear|uncertain|undecided|not\s+(?:yet\s+)?(?:known|clear|certain|"
    r"decided)|to\s+be\s+seen)|no\s+one\s+knows|nobody\s+knows|(?:it\s+is\s+)?hard\s+to\s+(?:say|tell|"
    r"know|predict))\s+(?:yet\s+)?(?:what|whether|if|how|when|who|which|where|why)\b",
    re.IGNORECASE,
)
# "We'll see", "we will see what happens", "only time will tell": waiting, not forecasting.
_WAIT_AND_SEE_RE = re.compile(
    r"^(?:(?:I|we)(?:['’]ll|\s+will)\s+(?:just\s+|have\s+to\s+)*(?:wait\s+and\s+)?see"
    r"(?:\s+(?:what|how|whether|if|about|where|when|who)\b.*)?|(?:only\s+)?time\s+will\s+tell\b.*)$",
    re.IGNORECASE,
)
# "it is rumoured that he will …", "it is said that …": a passive report names no source.
_HEARSAY_RE = re.compile(
    r"^it\s+(?:is|was|has\s+been|had\s+been)\s+(?:widely\s+|also\s+|now\s+)?(?:rumou?red|said|"
    r"reported|alleged|believed|thought|understood|speculated|claimed|suggested)\s+that\b",
    re.IGNORECASE,
)
# "we could tell something was going on", "she could see the water had risen": perception
# or knowing at the time of a past scene, not a forecast.
_PERCEPTION_RE = re.compile(
    r"\bcould\s+(?:\w+ly\s+)?(?:(?:tell|hear|sense|smell|notice|understand)\b|"
    r"(?:see|feel)\s+(?=that|what|how|why|whether))(?:\s+that)?(?:\s+[\w’'-]+){0,6}?\s+"
    r"(?:was|were|had|did)\b",
    re.IGNORECASE,
)
# "residents should be allowed to return so rebuilding may begin": a call, not a forecast.
_CALL_RE = re.compile(
    r"^[^,;]*?\b(?:should|must|ought\s+to|needs?\s+to|has\s+to|have\s+to)\b", re.IGNORECASE
)
_PAST_RE = re.compile(r"\b(?:was|were|had|did)\b", re.IGNORECASE)
_GENERIC_SUBJECT_RE = re.compile(
    r"^(?:no|any|every|nobody|no\s+one|anyone|everyone|everybody|whoever|those\s+who|"
    r"if\s+you|you|(?:as\s+an\s+\w+,\s+)?(?:one|people|some|others|critics)\s+(?:might|may|could|would)"
    r"\s+(?:say|call|argue|think|believe|claim|wonder|ask|object|complain)|"
    r"(?:experience|history)\s+(?:has\s+)?(?:shows?|shown|teaches|taught))\b",
    re.IGNORECASE,
)
# Discourse openers carry no content: "And", "Naturally,", "In my view,", "Plainly,".
_OPENERS_RE = re.compile(
    r"^(?:(?:and|but|so|yet|now|still|naturally|of\s+course|clearly|obviously|however|"
    r"moreover|in\s+(?:my|our|his|her|their)\s+(?:view|opinion)|in\s+short|meanwhile|"
    r"therefore|thus)\b,?\s*|\w+ly,\s+)+",
    re.IGNORECASE,
)
# Frames around the proposition: "it is clear that", "what matters most is that", "I doubt".
# They are dropped from the question but kept for the probability ("I doubt" → 0.25).
_FRAME_RE = re.compile(
    r"^(?:it\s+is\s+(?:\w+\s+)?\w+\s+that|[^,]{1,40}?\s+is\s+that|"
    # "it is likely Vellish troops will …": the same frame without its "that"
    r"it\s+is\s+(?:very\s+|highly\s+|quite\s+)?(?:likely|unlikely|possible|probable|certain)"
    r"(?=\s+(?:the|a|an|(?-i:[A-Z])\w*)\b)|"
    r"(?:I|we|they|he|she|it)\s+(?:do\s+|does\s+|also\s+|still\s+)?(?:think|thinks|thought|"
    r"believe|believes|believed|doubt|doubts|doubted|suspect|suspects|suspected|fear|fears|"
    r"feared)(?:\s+that)?|"
    r"(?:I|we|he|she|they)(?:\s+(?:am|are|is|was|were)|['’]re|['’]m)\s+(?:\w+\s+)?"
    r"(?:worried|concerned|afraid)(?:\s+that)?|"
    # "she is almost certain", "we are confident that", "he was sure"
    r"(?:I|we|he|she|they|it)\s+(?:is|am|are|was|were)\s+(?:\w+\s+){0,2}?(?:certain|confident|"
    r"sure|convinced|optimistic|pessimistic|doubtful|hopeful)(?:\s+that)?|"
    # "there is maybe a 30% chance that", "there is a real possibility that"
    r"there\s+(?:is|was)\s+(?:\S+\s+){0,4}?(?:chance|possibility|probability|likelihood|risk)"
    r"(?:\s+that)?|"
    # a second reporting verb of the same speaker: "… and said (that)", "predicted that"
    r"(?:also\s+)?(?:said|says|predicted|predicts|warned|warns|added|stated|told\s+\w+)"
    r"(?:\s+that)?)\s+",
    re.IGNORECASE,
)
_CUT_RE = re.compile(
    r"\s*(?:,\s+(?:he|she|they|it|[A-Z][\w’'-]+)\s+(?:also\s+)?(?:said|says|told|tells|added|"
    r"adds|noted|wrote|warned|predicted)\b|,\s*[‘“\"']|,\s+(?:just\s+as|although|though|while|whereas|which|since)\b|"
    r"\s+[—–]\s).*$",
    re.IGNORECASE | re.DOTALL,
)


# A relative clause set off between the subject and its verb describes the subject: "the deal,
# which is yet to be approved, will leave …" asks about the deal leaving, not about "the deal".
_INSERTED_RELATIVE_RE = re.compile(
    r",\s+(?:which|who)\s+[^,;]{3,120},\s+(?=(?:\w+ly\s+)?(?:will|would|may|might|could|can|"
    r"is|are|has|have|won['’]t)\b)",
    re.IGNORECASE,
)


def _strip_quotes(text: str) -> str:
    return text.strip().strip("‘’“”\"' ").strip()


def claim_clause(text: str) -> str:
    """The proposition of a sentence: no discourse openers ("And", "Naturally,"), no "it is
    clear that", no trailing asides or reasons, no closing punctuation."""
    clause = _OPENERS_RE.sub("", _strip_quotes(text))
    clause = _INSERTED_RELATIVE_RE.sub(" ", clause)  # "the deal, which is …, will leave …"
    clause = _CUT_RE.sub("", clause)
    return _strip_quotes(clause.rstrip(" .!?;:,")).rstrip(" .!?;:,")


_CONDITION_RE = re.compile(
    r"^(?P<cond>(?:if|unless|once|(?:as|when|while|until|before|after|given\s+that)"
    r"(?=(?:\s+\S+){3}))\s+[^,]{1,120}),"
    r"\s+(?P<rest>.+)$",
    re.I,
)


# … and without its comma: "unless the left wing gives ground the party could split"
_BARE_CONDITION_RE = re.compile(
    r"^(?P<cond>(?:if|unless)\s+[^,;]{3,100}?)\s+(?P<rest>(?:the|a|an|it|they|we|(?-i:[A-Z][\w’'-]*))\s+"
    r"(?:(?!(?:the|a|an)\s)[\w’'-]+\s+){0,4}?(?:will|would|could|may|might|won['’]t)\b.*)$",
    re.I,
)


def proposition(clause: str) -> str:
    """The clause without its frames: what the question asks about. A leading condition
    ("If that happens, I believe …") moves to the end, where a question carries it."""
    conditions = (_CONDITION_RE.match(clause), _BARE_CONDITION_RE.match(clause))
    # the condition holds no modal: "if obesity rises it could reverse the trend, at a cost"
    # is a bare condition before the comma, not a condition ending at it
    match = next(
        (
            m
            for m in conditions
            if m and not re.search(r"\b(?:will|would|could|may|might)\b", m["cond"], re.I)
        ),
        None,
    )
    if match:
        cond = match["cond"]
        if re.match(r"until\b", cond, re.I) and re.search(
            r"\b(?:will|would)\s+not\b|\bwon['’]t\b", match["rest"]
        ):
            # "until X, she will not be released": the question is whether she is released
            # before X (the negation carries the probability)
            cond = "before" + cond[len("until") :]
        clause = f"{proposition(match['rest'])}, {cond[:1].lower()}{cond[1:]}"
    for _ in range(3):  # frames stack: "I think it is very likely that …"
        clause = _OPENERS_RE.sub("", _FRAME_RE.sub("", clause))
    return _forecast_conjunct(_inner_complement(clause))


# "the raids violated the border and could worsen tensions", "the dispute was growing tense and
# any small act could snowball into conflict": a statement of fact, then the forecast.
_FACT_AND_MODAL_RE = re.compile(
    # the subject's last word is a noun, not a determiner ("the proposed tax was rejected": the
    # verb is "was", not "proposed")
    r"^(?P<subj>(?:[\w’'-]+\s+){0,5}?(?!(?:the|a|an|his|her|its|their|this|that|these|those)\s)"
    r"[\w’'-]+\s+)(?:was|were|is|are|has|have|had|[a-z]{3,}ed)\b[^,;]*?"
    r"\s+and\s+(?:(?P<modal>would|will|could|may|might)\s+(?P<rest>.+)|"
    r"(?P<clause>(?:any|the|a|an|more|further)\s+(?:[\w’'-]+\s+){0,5}?"
    r"(?:would|will|could|may|might)\s.+))$"
)


def _forecast_conjunct(clause: str) -> str:
    match = _FACT_AND_MODAL_RE.match(clause)
    if match is None or _MODAL_RE.search(clause[: match.start("modal") if match["rest"] else 0]):
        return clause
    if match["subj"].strip().lower() in {"there", "it", "this", "that"} or re.search(
        r"\b(?:that|which|who)\s", clause[: match.start("modal") if match["rest"] else 0]
    ):
        return clause  # "there are pockets of fighters that have … and could reform"
    if match["clause"]:
        first = clause[: match.start("clause")]
        return clause if _MODAL_RE.search(first) else match["clause"]
    return f"{match['subj']}{match['modal']} {match['rest']}"


# A frame inside the clause, between its start and the forecast's own subject: "a study of
# the data shows an ageing population will …", "it appears from the forecast that it could
# be …", "the view there was a risk the company's debts would not be paid".
_INNER_FRAME_RE = re.compile(
    r"\b(?:appears?|seems?|shows?|showed|suggests?|suggested|indicates?|indicated|means|finds|"
    r"found|expects?|believes?|thinks?|confident|sure|view|risk|danger|fears?|sign|signal|"
    r"indication)\s+(?:that\s+)?"
    r"|\bthat\s+",
    re.IGNORECASE,
)
_INNER_MODAL_RE = re.compile(
    r"(?:\s(?:will|would|could|may|might|won['’]t|(?:is|are)\s+(?:likely|going|expected)\s+to)|"
    r"['’](?:ll|re\s+going\s+to))\s",
    re.IGNORECASE,
)


_PREPOSITION_RE = re.compile(
    r"^(?:in|on|at|from|about|of|for|with|by|to|into|over|under|near|across|after|before)$",
    re.IGNORECASE,
)


def _inner_complement(clause: str) -> str:
    modal = _INNER_MODAL_RE.search(clause)
    if modal is None:
        return clause
    frames = list(_INNER_FRAME_RE.finditer(clause, 0, modal.start()))
    if not frames:
        return clause
    if _HEDGE_RE.search(clause[: frames[-1].start()]):
        return clause  # "China is more likely to …, suggesting that …": the forecast came first
    subject = clause[frames[-1].end() : modal.start()]
    words = subject.split()
    if words and _PREPOSITION_RE.match(words[0]):
        return clause  # "the body found in the river will …": "found" is no frame here
    if not 1 <= len(words) <= 8 or _FINITE_RE.search(subject) or "," in subject:
        return clause  # no subject, or a clause of its own between the frame and the modal
    if (
        frames[-1].group().lower().startswith("that")
        and not _FINITE_RE.search(clause[: frames[-1].start()])
        and not re.search(
            r"\b(?:appears?|seems?|shows?|means|clear|likely)\b", clause[: frames[-1].start()], re.I
        )
    ):
        return clause  # "the bridge that …": a relative "that", not a frame's
    return clause[frames[-1].end() :]


def _modal(clause: str) -> str:
    for match in _MODAL_RE.finditer(clause):
        word = match["modal"]
        if word.lower() == "will" and _NOUN_WILL_RE.search(clause[max(0, match.start() - 12) :]):
            continue
        if word == "May" and _MONTH_MAY_RE.search(clause[max(0, match.start() - 12) :]):
            continue
        return word
    return ""


_COORDINATION_RE = re.compile(
    r"(?:,\s+(?:and|but|otherwise)|;)\s+|\s+and\s+that\s+|"
    # "… it would not matter - as people would continue to fight": a dash between clauses
    r"\s+[-–—]\s+(?:as\s+|and\s+|but\s+)?(?=(?!which\b|that\b|who\b)(?:the\s+|a\s+)?"
    r"[\w’'-]+(?:\s+[\w’'-]+){0,3}?\s+"
    r"(?:will|would|may|might|could)\b)|,?\s+because\s+(?!of\b)|\s+and\s+(?=(?:also\s+)?(?:said|predicted|warned|added)\s)|\s+and\s+(?=(?:it|they|this|that|we|I|he|she)\s+"
    r"(?:will|would|may|might|could)\b)"
)
# "the army was ready and the order could come within days": a new subject and modal, split
# only when the words before "and" make a clause of their own (not "the recall and the
# information will …", one subject of two nouns).
_AND_SUBJECT_RE = re.compile(
    # "… or the reef would be incurable": the alternative is a claim of its own
    r"\s+(?:and|or)\s+(?=(?:the|a|an|its|their|his|her|more|further)\s+"
    r"(?:[\w’'-]+\s+){0,5}?(?:will|would|may|might|could)\b"
    # "… and we don't expect damage to be widespread": a forecast verb opens its own claim
    r"|(?:I|we|they)\s+" + EXPECT_ADVERBS + FORECAST_VERBS_RE + r"\b)"
    # … after a comma too: "that will be a hard area, we do expect that the park will burn"
    r"|,\s+(?=(?:I|we|they)\s+" + EXPECT_ADVERBS + FORECAST_VERBS_RE + r"\s+that\b)"
)
_FINITE_RE = re.compile(
    r"\b(?:is|are|was|were|has|have|had|will|would|could|may|might|can|does|did|[a-z]{3,}ed"
    r"|(?:is|are|was|were|has|have|had|does|did|do)n['’]t)\b"
)


def _list_item(part: str) -> bool:
    """The last item of a list: a name and a few words, no verb ("Zhejiang this weekend"; not
    "Treasury disagrees")."""
    words = part.split()
    return (
        0 < len(words) <= 5
        and words[0][:1].isupper()
        and not _FINITE_RE.search(part)
        and not _MODAL_RE.search(part)
        and not any(
            re.fullmatch(r"[a-z]+s", w) and w not in {"this", "his", "its", "us", "plus"}
            for w in words[1:]
        )
    )


def _rejoin(pattern: re.Pattern, text: str) -> list[str]:
    parts = []
    coordinated: list[str] = []
    start, separator = 0, ""
    for match in [*_COORDINATION_RE.finditer(text), None]:
        part = text[start : match.start() if match else len(text)]
        if coordinated and re.fullmatch(r",\s+and\s+", separator) and _list_item(part):
            # "more rain in Sichuan, Guizhou, and Zhejiang this weekend": a list, not a clause
            coordinated[-1] = f"{coordinated[-1]}{separator}{part}"
        else:
            coordinated.append(part)
        if match:
            start, separator = match.end(), match.group()
    for part in coordinated:
        pieces = pattern.split(part)
        kept = [pieces[0]]
        for piece in pieces[1:]:
            if _FINITE_RE.search(re.split(r"\bthat\s+", kept[-1])[-1]):
                kept.append(piece)
            else:
                kept[-1] = f"{kept[-1]} and {piece}"
        parts += kept
    return parts


# "… and said there is a 30% chance that …": the same speaker's second reporting verb.
_SECOND_VERB_RE = re.compile(
    r"^(?:(?:he|she|it|they)\s+)?(?:also\s+)?(?P<verb>said|says|predicted|predicts|warned|warns|"
    r"added|stated|noted|argued|told|cautioned|insisted|claimed|suggested|"
    r"expressed\s+(?:concern|fears?|confidence))(?:(?<=told)\s+[^,]{1,40}?)?(?:\s+that)?\s+(?=\S)",
    re.IGNORECASE,
)


_WHICH_MODAL_RE = re.compile(
    r"^(?P<main>.+?),\s+which\s+(?P<modal>will|would|could|may|might|is\s+likely\s+to|"
    r"is\s+expected\s+to)\s+(?P<rest>[^,;]+)"
)
_MAIN_SUBJECT_RE = re.compile(
    r"^(?P<subj>.{1,80}?)\s+(?:will|would|may|might|could|is|are|was|were|has|have|had)\b"
)


# "… ready for the talks, which we do expect will start soon": a relative clause under a
# forecast verb forecasts of the noun just before it.
_WHICH_EXPECTED_RE = re.compile(
    r",\s+which\s+(?:I|we|they|he|she|[A-Z][\w’'-]+|(?:the\s+)?[a-z]+s)\s+"
    r"(?:do\s+|does\s+|fully\s+|now\s+)?"
    r"(?:expects?|anticipates?|predicts?|believes?|thinks?|forecasts?)\s+"
    r"(?P<modal>will|would|could|may|might)\s+(?P<rest>[^,;]+)"
)
_NOUN_BEFORE_RE = re.compile(
    r"\b(?:the|a|an|its|their|his|her|our|these|those|this|that)\s+(?:[\w’'-]+\s+){0,3}[\w’'-]+$"
)


def _which_clauses(part: str) -> list[str]:
    """ "Heavy snow is possible, which could lead to travel problems": the relative clause
    forecasts of the main clause's subject, a claim of its own."""
    expected = _WHICH_EXPECTED_RE.search(part)
    noun = _NOUN_BEFORE_RE.search(part[: expected.start()]) if expected else None
    if expected and noun:
        return [part, f"{noun.group()} {expected['modal']} {expected['rest']}"]
    match = _WHICH_MODAL_RE.match(part)
    subject = _MAIN_SUBJECT_RE.match(match["main"]) if match else None
    if not match or not subject or subject["subj"].lower() in {"it", "this", "that", "there"}:
        return [part]
    return [part, f"{subject['subj']} {match['modal']} {match['rest']}"]


def claim_clauses(text: str) -> list[str]:
    """The propositions of a sentence: coordinated main clauses ("fares will rise, and the bus
    network will be cut") are separate claims, each its own question."""
    return [clause for clause, _ in claim_clauses_with_verbs(text)]


def claim_clauses_with_verbs(text: str) -> list[tuple[str, str]]:
    """claim_clauses, each with the second reporting verb that introduced it ("announced the
    plan and said that it would …" → "said"), or "" when the utterance's own verb governs it."""
    raw = [w for p in _rejoin(_AND_SUBJECT_RE, _strip_quotes(text)) for w in _which_clauses(p)]
    clauses: list[str] = []
    verbs: list[str] = []
    not_only = False
    for part in (claim_clause(p) for p in raw):
        if not part:
            continue
        second = _SECOND_VERB_RE.match(part)
        part = part[second.end() :] if second else part
        if not_only and clauses and _MODAL_START_RE.match(part):
            # "It will not only worsen, but will become a war": one claim, the stronger one
            clauses[-1] = _with_shared_subject(part, clauses[-1])
            not_only = False
            continue
        not_only = bool(re.search(r"\bnot\s+only\b", part))
        part = re.sub(r"\bnot\s+only\s+", "", part)
        clauses.append(_with_shared_subject(part, clauses[-1]) if clauses else part)
        verbs.append(second["verb"].lower() if second else "")
    return list(zip(clauses, verbs, strict=True))


_MODAL_START_RE = re.compile(r"^(?:will|would|may|might|could|won['’]t)\s", re.IGNORECASE)
_SUBJECT_VERB_RE = re.compile(
    r"^(?P<subj>.{1,60}?)\s+(?P<verb>will|would|may|might|could|had|has|have|is|are|was|were|"
    r"did|does)\b"
)
_SUBJECT_MODAL_RE = re.compile(r"^(?P<subj>.{1,60}?)\s+(?P<modal>will|would|may|might|could)\s")
# Words that open a clause of their own, not a verb phrase sharing the subject before it.
_NOT_BARE_VERBS = frozenset(
    """the a an this that these those it its they their he she his her we our i you there
    some many most all no not one two three four five six seven eight nine ten in on at for
    from with by as to of if when while so then also even only more less such each every
    other another both either neither much few several what which who where how why
    than""".split()  # noqa: SIM905 (a word list reads better as text)
)


_FINITE_VERBS = frozenset(
    """is are was were has have had made said told went came took gave got saw found left put
    became began ran won lost held kept sent met led paid brought bought thought felt does did
    says""".split()  # noqa: SIM905 (a word list reads better as text)
)


def _with_shared_subject(part: str, previous: str) -> str:
    """A coordinated verb phrase takes the subject (and modal) of the clause before it: "It
    will worsen, but will become a war", "the storm could hit the island, and bring floods"."""
    if _MODAL_START_RE.match(part):
        if match := _SUBJECT_VERB_RE.match(previous):
            return f"{match['subj']} {part}"
        return part
    first = part.split()[0] if part.split() else ""
    bare = (
        first.isalpha()
        and first.islower()
        and first not in _NOT_BARE_VERBS
        and not re.search(r"(?:[^s]s|ed|ly)$", first)
    )
    words = part.split()[:8]
    bare = bare and not any(
        w in _FINITE_VERBS or re.fullmatch(r"[a-z]+ed", w) or w[:1].isupper() for w in words[1:]
    )  # "and interim minister Ali Kas made an appeal": a clause with its own subject
    if bare and not _MODAL_RE.search(part) and (match := _SUBJECT_MODAL_RE.match(previous)):
        return f"{match['subj']} {match['modal']} {part}"
    return part


PAST_REPORTING_VERBS_RE = re.compile(r"(?:ed|said|told|wrote|thought|forecast|foresaw)$")


def _forward_modal(clause: str, verb: str, reported: bool) -> str:
    """The first modal that looks forward: "may have disrupted and may destroy" → the second."""
    for match in _MODAL_RE.finditer(clause):
        if cue := _forward_modal_at(clause, match, verb, reported):
            return cue
    return ""


def _forward_modal_at(clause: str, match: re.Match, verb: str, reported: bool) -> str:
    modal = match["modal"]
    start = match.start()
    if modal.lower() == "will" and _NOUN_WILL_RE.search(clause[max(0, start - 12) :]):
        return ""
    if modal == "Will" and start > 0:
        return ""  # a capital "Will" inside a clause is a name ("actors such as Will Brook")
    if modal == "May" and _MONTH_MAY_RE.search(clause[max(0, start - 12) :]):
        return ""
    after = clause[start:]
    if re.fullmatch(rf"{re.escape(modal)}\W*", after) or _PAST_MODAL_RE.match(after):
        return ""  # an elliptical answer ("Some will.") or a past speculation
    lowered = modal.lower()
    if lowered.startswith(("was ", "were ")):
        # "were likely to" looks forward only as a backshifted "are likely to" after "said".
        return modal if reported and PAST_REPORTING_VERBS_RE.search(verb) else ""
    if lowered == "would":
        # A backshifted "will" after a past reporting verb ("said it would"); elsewhere a
        # conditional forecast ("such a launch would pose a threat"), unless it is a wish,
        # a hedge of the speaker's own words or an idiom.
        if reported and PAST_REPORTING_VERBS_RE.search(verb):
            return modal
        if not verb or _SOFT_WOULD_RE.match(after) or _WOULD_BE_JUDGEMENT_RE.match(after):
            return ""
        if _ANY_THAT_WOULD_RE.search(clause[: start + len(modal)]):
            return ""  # "there is no tactic it would refuse": a character, not an event
        # "they used techniques that would allow …": a past narrative's "would"
        past = _PAST_RE.search(clause[:start]) or re.search(
            r"\b(?!need|speed|feed|seed|exceed|proceed|succeed)[a-z]{2,}ed\s+(?!by\b)",
            clause[:start],
        )
        return "" if past else modal
    # The past tense that makes "could" past ability is in the modal's own clause: "it had
    # shown it could", not "the army was ready, and the order could come within days".
    own_clause = re.split(r",|;|\s+and\s+|\s+but\s+", clause[:start])[-1]
    if lowered == "could" and (
        re.match(r"could\s+not\b|couldn", after, re.IGNORECASE) or _PAST_RE.search(own_clause)
    ):
        return ""  # "I could not figure out where I was", "it had shown it could": past ability
    return modal


def future_cue(clause: str, *, verb: str = "", reported: bool = False) -> str:
    """The words that make `clause` a forecast, or "" when it is not one.

    `verb` is the attribution verb ("expects", "said"); `reported` means indirect speech, where
    "would" after a past reporting verb is a backshifted "will" rather than a conditional.
    """
    if clause.endswith("?") or not clause:
        return ""
    if match := _FRONTED_SUBORDINATE_RE.match(clause):
        # "Although prices may rise, the plan is sound": the main clause decides.
        return future_cue(match["main"], verb=verb, reported=reported)
    if verb in NON_FORECAST_VERBS or _REFUSAL_RE.search(clause):
        return ""
    if _CALL_RE.match(clause):
        expectation = _SHOULD_EXPECT_RE.match(clause)
        return "should" if expectation and not _PAST_RE.search(clause) else ""
    if _WISH_RE.match(clause) or _ADVICE_RE.search(clause) or _HOPEFULLY_RE.search(clause):
        # "she hoped the ferry would run", "investors may want to wait", "hopefully it will
        # never happen again"
        return ""
    if _OTHERS_VIEW_RE.search(clause):
        # "they are worried that …", "to ensure X would …", "there's no silver bullet that
        # will …", "the officer said: 'you'll …'": someone else's fear, a demand, a maxim, a
        # quotation inside the quotation
        return ""
    if _GENERIC_SUBJECT_RE.match(clause) or _PRESENT_JUDGEMENT_RE.match(clause):
        return ""
    if _SUPERLATIVE_JUDGEMENT_RE.search(clause) and not FUTURE_TIME_RE.search(clause):
        return ""  # "the sequel may be the best of the series"
    if _UNKNOWN_RE.match(clause) or _WAIT_AND_SEE_RE.match(clause):
        return ""  # "it is still unclear whether …", "we'll see what happens"
    if _HEARSAY_RE.match(clause) or _PERCEPTION_RE.search(clause):
        return ""  # "it is rumoured that …", "we could tell it was …"
    if _GENERIC_STATEMENT_RE.search(clause):
        return ""  # "floods will always come to those who build on the plain"
    if _EPISTEMIC_RE.search(clause) or _EPISTEMIC_PREDICATE_RE.search(clause):
        return ""
    if (
        _PAST_HABIT_RE.search(clause)
        or _PAST_PROCEDURE_RE.match(clause)
        or (_PAST_TIME_RE.search(clause) and not re.search(r"\b(?:will|won['’]t)\b", clause))
    ):
        return ""  # "she would often walk to the harbour", "in those years the ferry would …"
    backshifted = reported and PAST_REPORTING_VERBS_RE.search(verb)
    if not backshifted and _COUNTERFACTUAL_RE.search(clause):
        return ""  # after "warned that", "if Congress did not act" is a backshifted present
    if modal := _forward_modal(clause, verb, reported):
        relative = _RELATIVE_MODAL_RE.search(clause)
        if (
            relative
            and _FINITE_RE.search(clause[: relative.start()])
            and not re.search(rf"\b{re.escape(modal)}\b", clause[: relative.start()], re.IGNORECASE)
        ):
            # "Americans are waiting for equipment that will help them": the modal
            # describes a noun of a statement about now
            return ""
        return modal
    if match := _INABILITY_RE.search(clause):
        return match.group().strip()
    if match := _FIRST_PERSON_FORECAST_RE.search(clause):
        return match.group()
    if verb in STRONG_FORECAST_VERBS:
        return verb
    if verb and verb.split()[-1] in WARNING_VERBS and re.match(r"^of\s+\S", clause):
        return f"{verb} of"  # "warned of flash floods": a warning names a future event
    if (match := FUTURE_TIME_RE.search(clause)) and not _PAST_RE.search(clause):
        return match.group()
    if (
        (match := _HEDGE_RE.search(clause))
        and not _PAST_RE.search(clause)
        # "a strong possibility he could have been killed": a chance about the past
        and not _PERFECT_MODAL_RE.search(clause)
        # "the blood flow raised the possibility of …": a chance someone saw, in the past
        and not re.search(r"\b[a-z]{3,}ed\s+(?:the\s+|a\s+)?(?:\w+\s+)?$", clause[: match.start()])
    ):
        return match.group()
    return ""


CONTRACTED_WILL_RE = re.compile(r"(\w)['’]ll\b")


# "The vote may be free, but it is not fair": "may be" conceded before "but" is granted now.
_CONCEDED_RE = re.compile(
    r"\b(?:may|might)\s+(?:well\s+)?(?:not\s+)?be\s+(?:\S+\s+){0,2}\S+$", re.IGNORECASE
)


def is_concession(clause: str, text: str) -> bool:
    """Whether `clause` concedes a point with a short "may be …" that `text` follows with
    "but" ("The vote may be free, but …")."""
    return bool(
        _CONCEDED_RE.search(clause)
        and not FUTURE_TIME_RE.search(clause)
        and re.search(re.escape(clause) + r"[”’\"']?,\s+but\b", text)
    )


def marker_text(clause: str, verb: str) -> str:
    """The text whose verbal markers give the probability: the clause with its attribution
    verb in the table's form ("believed" → "believes"), an inability read as "will not be able
    to", and a backshifted "would" read as "will"."""
    verb = {
        "believed": "believes",
        "thought": "thinks",
        "expected": "expects",
        "was confident": "is confident",
        "is convinced": "is confident",
        "was convinced": "is confident",
        "feels confident": "is confident",
        "feel confident": "is confident",
        "felt confident": "is confident",
        "remains confident": "is confident",
        "remained confident": "is confident",
        "were confident": "are confident",
        "is sure": "is certain",
        "doubted": "doubts",
    }.get(verb, verb)
    text = _INABILITY_RE.sub("will not be able to ", clause)
    text = CONTRACTED_WILL_RE.sub(r"\1 will", text)  # "we'll" is "we will"
    text = re.sub(r"\bwould\b", "will", text)
    verb = "" if verb in {"says", "said", "told", "tells", "say"} else verb
    return f"{verb} {text}".strip()


def probability_of(clause: str, verb: str) -> verbal.ParsedProbability | None:
    return verbal.find_markers(marker_text(clause, verb))


def is_contingency(text: str) -> bool:
    return verbal.is_contingency(text)
