"""Tell Danish from Norwegian Bokmål text, for warnings and tests.

The two languages share most of their words, so a text is told by the words that differ:
function words and spellings each writes its own way (af/av, efter/etter, mellem/mellom,
-tion/-sjon, -hed/-het, -erne/-ene, arbejde/arbeid). Names are left out (capitalised
words inside a sentence: "Smart Innovation Norway" would count as Danish), as are
e-mail addresses and link targets. On the sample site every paragraph with enough of
these words is judged rightly (tests/test_page_languages.py measures it on each run).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

# Function words written one way in each language (lower case).
DANISH = frozenset("""
af efter mellem blev bliver havde nogle nogen noget meget igennem gennem ud op sig mig
dig nu hvad fik gør endnu selskabet virksomhed virksomheder virksomheden virksomhederne
hende jer vores mere blandt især tilbage bruge bruger bruges søge tage sige give
""".split())
NORWEGIAN = frozenset("""
av etter mellom ble blir hadde noen noe mye gjennom ut opp seg meg deg nå hva fikk
gjør ennå bare selskapet bedrift bedrifter bedriften bedriftene vår våre henne dere mer
blant tilbake bruke bruker brukes søke ta si gi å
""".split())
# Spellings that differ (what the two languages write differently, not what they mean).
DANISH_SHAPES = (
    lambda w: w.startswith(("udv", "uds", "udf", "udd", "uden", "udb", "udg", "udn")),
    lambda w: "tion" in w,  # innovation, organisation (Norwegian: -sjon)
    lambda w: w.endswith(("ence", "encen", "encer")),  # konference (konferanse)
    lambda w: w.endswith(("heden", "heder")) or (w.endswith("hed") and len(w) > 5),
    lambda w: w.endswith("erne") and len(w) > 5,  # klyngerne (klyngene)
    lambda w: "skab" in w,  # selskab (selskap)
    lambda w: w.startswith(("indsp", "indsa", "indfø", "indgå", "inden", "indeh", "indbl",
                            "indle")),  # indspil (innspill)
    lambda w: w.startswith("af") and len(w) > 4,  # afdeling (avdeling)
    lambda w: w.startswith("erhverv"),  # erhvervsliv (næringsliv)
    lambda w: w.endswith("eret") and len(w) > 5,  # baseret (basert)
    lambda w: "ej" in w or "øj" in w,  # arbejde, højt (arbeid, høyt)
)
NORWEGIAN_SHAPES = (
    lambda w: w.startswith(("utv", "uts", "utf", "utd", "uten", "utb", "utg", "utn")),
    lambda w: "sjon" in w,
    lambda w: w.endswith(("anse", "ansen", "anser")),
    lambda w: w.endswith(("heten", "heter")) or (w.endswith("het") and len(w) > 5),
    lambda w: w.endswith("ene") and len(w) > 5,
    lambda w: "skap" in w,
    lambda w: w.startswith(("innsp", "innsa", "innfø", "inngå", "innen", "inneh", "innbl",
                            "innle")),
    lambda w: w.startswith("av") and len(w) > 4 and w != "avis",
    lambda w: w.startswith("nærings"),
    lambda w: len(w) > 6 and w.endswith("ert") and w[-4] in "slnt",
    lambda w: w.startswith(("gj", "kj", "skj")) or "øy" in w or "ei" in w,
)
MIN_MARKERS = 2
# Addresses and link targets are not text: "erhvervnorddanmark.dk" on a Norwegian page.
NOT_TEXT = re.compile(r"\S+@\S+|https?://\S+|www\.\S+|\]\([^)]*\)")
# The same without e-mail addresses, for a text without "@" (most are): the address's
# pattern may start with any character, so the regex tries it at every position, which
# costs seven times the rest; without an "@" it cannot match, so the result is the same.
NOT_TEXT_BUT_ADDRESSES = re.compile(r"https?://\S+|www\.\S+|\]\([^)]*\)")


@lru_cache(maxsize=1 << 16)
def word_language(word: str) -> str | None:
    """A word's language when its spelling tells ('da', 'no'), else None. Cached: a
    language's vocabulary is small beside the words of an archive."""
    if word in DANISH:
        return "da"
    if word in NORWEGIAN:
        return "no"
    if len(word) < 4:
        return None
    if any(shape(word) for shape in DANISH_SHAPES):
        return "da"
    if any(shape(word) for shape in NORWEGIAN_SHAPES):
        return "no"
    return None


# A word is a run of letters, [^\W\d_]+: a Unicode test of each character, which costs
# far more than a range. A word of Latin-1 letters only (Danish and Norwegian are
# written in them) is matched by ranges first; when a letter outside them follows, the
# possessive ++ and the lookahead leave the whole word, from its start, to the Unicode
# test, so the words are those of [^\W\d_]+ (tests/test_language.py holds the two
# equal). Every character of LATIN is a letter.
LATIN = "a-zA-Z\xc0-\xd6\xd8-\xf6\xf8-\xff"
WORD = rf"[{LATIN}]++(?![^\W\d_])|[^\W\d_]+"
# A sentence's end (or a line's), or a word: one pass over the text.
TOKEN = re.compile(rf"[.!?:](?=\s)|\n|{WORD}")


def text_only(text: str) -> str:
    """The text without its addresses and link targets (each becomes a space)."""
    return (NOT_TEXT if "@" in text else NOT_TEXT_BUT_ADDRESSES).sub(" ", text)


def words(text: str) -> list[str]:
    """The lower-case words of a text: a sentence's first word is lowered, any other
    capitalised word is a name ("Smart Innovation Norway") and left out.

    Runs on the opening of every article a build loads. The time is the regexes'
    (hence text_only and WORD); the loop's share is small, and splitting into
    sentences first to lower each one's first word was measured slower."""
    found: list[str] = []
    first = True
    for token in TOKEN.findall(text_only(text)):
        if token in ".!?:\n":
            first = True
            continue
        word = token.lower() if first else token
        first = False
        if word.islower():
            found.append(word)
    return found


def judge(text: str, least: int = MIN_MARKERS, ratio: int = 3) -> str | None:
    """'da', 'no', or None when the text has fewer than `least` telling words, or
    neither language has `ratio` times the other's."""
    languages = Counter(map(word_language, words(text)))
    da, no = languages["da"], languages["no"]
    if da + no < least:
        return None
    if da >= ratio * max(no, 1):
        return "da"
    if no >= ratio * max(da, 1):
        return "no"
    return None


# How sure a whole article must be before sitegen says it is in the wrong folder: tuned
# to no false warning on the sample site and the benchmark corpus (whose texts mix the
# two languages' words at random), while a Danish release in content/no/ is caught.
ARTICLE_LEAST, ARTICLE_RATIO = 8, 4
SAMPLE = 2500  # characters of an article judged
FAMILY = {"da": "da", "no": "no", "nb": "no"}  # folder code -> the language it holds
NAMES = {"da": "Danish", "no": "Norwegian"}


def other_language(text: str, folder: str) -> str | None:
    """The language the text is clearly written in, when it is not its folder's; None
    when it is, when it cannot be told, or for languages other than these two."""
    family = FAMILY.get(folder)
    if family is None:
        return None
    # The opening is enough to tell, and keeps a cold build of a large archive from
    # reading every word of every article a second time.
    found = judge(text[:SAMPLE], ARTICLE_LEAST, ARTICLE_RATIO)
    return found if found is not None and found != family else None
