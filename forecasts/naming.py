"""Names as a search key: one spelling for "Ana Li", "ana-li", "Aná Li" and "Ана Ли". Also the
keys questions and sources are matched by (question_title_key, source_url_key).

No Django. A key is the name case-folded, without diacritics, with Cyrillic transliterated
(a plain letter-by-letter table, close to what English-language newsrooms print) and every
run of punctuation, hyphens or spaces made one space. Spellings that transliteration does
not reach ("Megrabyan" and "Mehrabyan") are aliases, kept on the expert.
"""

import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

_LATIN = (
    "a", "b", "v", "g", "d", "e", "yo", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r",
    "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya", "i", "yi",
    "ye", "g", "u",
)  # fmt: skip
_CYRILLIC = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґў", _LATIN, strict=True))
_SEPARATORS = re.compile(r"[\W_]+")
# Between the keys of one expert: a search term never matches across two names.
KEY_SEPARATOR = " | "


def name_key(name: str) -> str:
    """The search key of one name: "Ana-Li" → "ana li", "Меграбян" → "megrabyan"."""
    if name.isascii():  # nothing to decompose or transliterate (an import's quotes: 5x faster)
        return _SEPARATORS.sub(" ", name.lower()).strip()
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = "".join(_CYRILLIC.get(c, c) for c in text)
    return _SEPARATORS.sub(" ", text).strip()


def question_title_key(title: str) -> str:
    """The key two titles of one question share: case and spacing aside ("Will the port
    reopen by 2027?" and "will the port  reopen by 2027?"), as services.find_same_question
    compares them (a question is its title key and its deadline)."""
    return " ".join(title.split()).lower()


def name_keys(name: str, aliases: Iterable[str] = ()) -> str:
    """Every key of an expert, in one string searched with a plain substring match."""
    keys = dict.fromkeys(k for k in (name_key(n) for n in (name, *aliases)) if k)
    return KEY_SEPARATOR.join(keys)


def clean_aliases(aliases: Iterable[str], *, name: str = "") -> list[str]:
    """Aliases as stored: whitespace collapsed; blanks, the name itself and repeats (ignoring
    case) dropped; order kept. "Ana-Li" stays beside "Ana Li": it is how a paper printed it."""
    seen = {" ".join(name.split()).casefold()} if name else set()
    kept = []
    for alias in aliases:
        alias = " ".join(str(alias).split())
        if alias and alias.casefold() not in seen:
            seen.add(alias.casefold())
            kept.append(alias)
    return kept


# --- A source's URL as its natural key ------------------------------------------------------
# One spelling for the links that name one page: "https://Example.org:443/a?utm_source=x#top"
# is "https://example.org/a". The scheme and host are lowercased, a default port, the fragment
# and tracking parameters (utm_*, fbclid, gclid) dropped, an empty path made "/". The path and
# the other parameters stay as written (a path may be case-sensitive; a parameter may name
# another page).
DEFAULT_PORTS = {"http": "80", "https": "443"}
TRACKING_PARAMETERS = ("fbclid", "gclid")  # and every utm_* one


def _is_tracking(parameter: str) -> bool:
    name = parameter.partition("=")[0].lower()
    return name.startswith("utm_") or name in TRACKING_PARAMETERS


def _netloc(scheme: str, netloc: str) -> str:
    userinfo, at, hostport = netloc.rpartition("@")
    host, port = hostport, ""
    if not hostport.endswith("]") and ":" in hostport:  # "[::1]" has colons but no port
        host, _, port = hostport.rpartition(":")
    if port == DEFAULT_PORTS.get(scheme):
        port = ""
    return f"{userinfo}{at}{host.lower()}{':' if port else ''}{port}"


def source_url_key(url: str) -> str:
    """The URL as sources are matched and new ones stored; "" for no URL."""
    url = url.strip()
    if not url:
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[::1" and the like: left as written, for validation to refuse
        return url
    scheme = parts.scheme.lower()
    # The query as written, less its tracking parameters: re-encoding the rest could change it.
    query = "&".join(p for p in parts.query.split("&") if p and not _is_tracking(p))
    path = parts.path or ("/" if parts.netloc else "")
    return urlunsplit((scheme, _netloc(scheme, parts.netloc), path, query, ""))
