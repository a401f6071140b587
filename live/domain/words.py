"""Word counts for the word cloud of text polls, and the distinct answers behind them."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence

_GERMAN = """
    der die das des dem den ein eine einer eines einem einen kein keine keiner keines keinem keinen
    ich du er sie es wir ihr mich dich sich uns euch mir dir ihm ihnen ihn
    mein meine meiner meines meinem meinen dein deine deiner deines deinem deinen
    sein seine seiner seines seinem seinen ihre ihrer ihres ihrem ihren
    unser unsere unserer unseres unserem unseren euer eure eurer eures eurem euren
    man jemand niemand etwas nichts alle alles allem allen aller andere anderen anderer anderes
    dieser diese dieses diesem diesen jener jene jenes jenem jenen welcher welche welches welchem
    welchen solche solcher solches solchem solchen derselbe dieselbe dasselbe selbst selber
    wer wen wem wessen was wo wie warum weshalb wann woher wohin womit wobei wozu worauf
    an am auf aus bei beim bis durch für gegen hinter in im ins mit nach neben ohne seit über um
    unter vom von vor während wegen zu zum zur zwischen außer innerhalb außerhalb trotz statt
    entlang gegenüber laut pro per ab via
    und oder aber denn sondern doch dass daß ob weil wenn als falls obwohl damit sodass
    sowie sowohl weder noch entweder bevor nachdem während indem ehe seitdem solange
    sein bin bist ist sind seid war warst waren wart gewesen wäre wären
    haben habe hast hat habt hatte hattest hatten hattet gehabt hätte hätten
    werden werde wirst wird werdet wurde wurdest wurden wurdet geworden würde würden würdest
    können kann kannst könnt konnte konnten könnte könnten müssen muss muß musst müsst musste
    mussten müsste müssten sollen soll sollst sollt sollte sollten wollen will willst wollt
    wollte wollten dürfen darf darfst dürft durfte durften dürfte mögen mag magst möchte
    möchten mochte
    nicht nur auch noch schon sehr so ja nein nun mal eben halt eigentlich etwa einfach gar
    ganz immer wieder wohl vielleicht bereits dann da dort hier jetzt heute dabei dafür dagegen
    daher darum deshalb deswegen dazu damals davon davor darauf darin daran darüber darunter
    dadurch hierzu hierbei sonst zwar jedoch allerdings trotzdem also etwa fast kaum mehr
    mehrere viel viele vielen vieles wenig wenige weniger meist meistens oft manchmal
    jede jeder jedes jedem jeden einige einigen einiger manche mancher manches manchen beide
    beiden bzw usw ggf zb dh ca bspw etc gibt geht gehen sehr wirklich genau eher bitte
"""

# Short on purpose: answers in German events are German, but English filler slips in.
_ENGLISH = """
    the a an and or but of to in on at for with by from is are was were be been it this that
    these those i you he she we they my your our their not no yes so as if
"""

STOP_WORDS: frozenset[str] = frozenset(_GERMAN.split()) | frozenset(_ENGLISH.split())

# Compared case-folded, so "Daß", "dass" and "DASS" all match one entry.
_FOLDED_STOP_WORDS = frozenset(word.casefold() for word in STOP_WORDS)

# A word is a run of letters/digits, joined by single in-word hyphens ("E-Mail", "Job-Center").
# [^\W_] is \w without the underscore: any Unicode letter or digit, umlauts and ß included.
# U+2010/U+2011 are the typographic and non-breaking hyphens some keyboards and phones insert.
_WORD = re.compile(r"[^\W_]+(?:[-\u2010\u2011][^\W_]+)*")


def _countable(word: str, folded: str) -> bool:
    # Length of the typed word: "ß" folds to "ss" but is still a single character.
    if len(word) < 2 or folded in _FOLDED_STOP_WORDS:
        return False
    # "2024" or "1-2" say nothing in a word cloud; "5G" and "B2B" do.
    return any(ch.isalpha() for ch in folded)


def single_word(text: str) -> str | None:
    """``text`` if it is exactly one word as count_words counts words (surrounding spaces
    aside), else None: a moderator can only hide what the cloud could show."""
    match = _WORD.fullmatch(text.strip())
    return match.group() if match else None


def count_words(
    texts: Iterable[str], *, limit: int = 60, hidden: Collection[str] = ()
) -> tuple[tuple[str, int], ...]:
    """Most frequent words over ``texts`` as ``(display word, count)``, at most ``limit`` rows.

    Every occurrence counts, also repeats inside one answer ("Bürokratie, Bürokratie!" gives 2):
    the cloud shows what was said, and answers are short (200 characters) anyway.
    Words are counted case-folded ("Straße" = "STRASSE"); stop words, single characters and
    tokens without a letter are dropped. The display form is the spelling used most often (tie:
    the one seen first). Order: count descending, then display word case-insensitively, then
    display word, so equal input always gives an equal result. Words whose case-folded form is
    in ``hidden`` (moderators took them out) are not counted at all.
    """
    if limit <= 0:
        return ()
    counts: dict[str, int] = {}
    # folded word -> {spelling: count}; dicts keep insertion order, which settles spelling ties.
    spellings: dict[str, dict[str, int]] = {}
    for text in texts:
        for match in _WORD.finditer(text):
            word = match.group()
            folded = word.casefold()
            if not _countable(word, folded) or folded in hidden:
                continue
            counts[folded] = counts.get(folded, 0) + 1
            seen = spellings.setdefault(folded, {})
            seen[word] = seen.get(word, 0) + 1
    rows: list[tuple[str, int]] = []
    for folded, count in counts.items():
        seen = spellings[folded]
        # max() returns the first of equal maxima, i.e. the spelling seen first.
        display = max(seen, key=seen.__getitem__)
        rows.append((display, count))
    rows.sort(key=lambda row: (-row[1], row[0].casefold(), row[0]))
    return tuple(rows[:limit])


def distinct_answers(texts: Sequence[str], *, limit: int = 50) -> tuple[tuple[str, int], ...]:
    """The distinct answers among ``texts`` (oldest first) as ``(answer, count)``, at most
    ``limit`` rows: answers equal when case-folded are one, shown in the spelling given most
    often (tie: the first). Order: most frequent first, then the one given last first, so a
    moderator sees a fresh answer near the top of its group."""
    if limit <= 0:
        return ()
    counts: dict[str, int] = {}
    last: dict[str, int] = {}
    spellings: dict[str, dict[str, int]] = {}
    for index, text in enumerate(texts):
        folded = text.casefold()
        counts[folded] = counts.get(folded, 0) + 1
        last[folded] = index
        seen = spellings.setdefault(folded, {})
        seen[text] = seen.get(text, 0) + 1
    order = sorted(counts, key=lambda folded: (-counts[folded], -last[folded]))
    rows = []
    for folded in order[:limit]:
        seen = spellings[folded]
        rows.append((max(seen, key=seen.__getitem__), counts[folded]))
    return tuple(rows)
