from dataclasses import replace

import pytest

from live.domain.cloud import (
    MARGIN,
    MAX_WORDS,
    PHONE,
    TOP_CLASS,
    WALL,
    Box,
    Cloud,
    layout,
    size_class,
    text_em,
)

Words = list[tuple[str, int]]

LONG = ["Gesundheitsorientierungsprogramm", "Jugendberufsagenturen"]

# Sixty German words (count_words' limit), counts falling from 30 to 1 as in a real poll.
_SIXTY = (
    "Netzwerk Austausch Digitalisierung Motivation Kooperation Bürokratie Fortbildung "
    "Vernetzung Zusammenarbeit Ideen Inspiration Praxis Kollegen Gespräche Erfahrung "
    "Jugendberufsagenturen Gesundheitsorientierungsprogramm Struktur Klarheit Mut Energie "
    "Wissen Impulse Teamgeist Offenheit Vertrauen Zeit Effizienz Innovation Kommunikation "
    "Transparenz Beteiligung Verwaltung Zukunft Qualität Freude Leitbild Feedback "
    "Weiterbildung Kundenorientierung E-Akte Onlinezugangsgesetz Datenschutz KI Chancen "
    "Herausforderung Veränderung Führung Wertschätzung Anerkennung Flexibilität Homeoffice "
    "Vielfalt Integration Sprache Beratung Vermittlung Qualifizierung Förderung Netzwerke"
)
SIXTY_WORDS = _SIXTY.split()
SIXTY_COUNTS = [30, 25, 22, 18, 15, 12, 11, 10, 9, 8, 7, 7, 6, 6, 5, 5, 5, 4, 4, 4]
SIXTY_COUNTS += [3] * 5 + [2] * 7 + [1] * 28
# In count_words' order: count descending, then the word case-insensitively.
SIXTY: Words = sorted(
    zip(SIXTY_WORDS, SIXTY_COUNTS, strict=True), key=lambda row: (-row[1], row[0].casefold())
)

SMALL_BOX = Box(600, 400, 30.0)

CASES: dict[str, Words] = {
    "one word": [("Netzwerk", 3)],
    "a few": [("Netzwerk", 3), ("Austausch", 2), ("Mut", 1)],
    "all said once": [(w, 1) for w in SIXTY_WORDS[:30]],
    "sixty": SIXTY,
    "long German words lead": [(LONG[0], 9), (LONG[1], 8), ("Netzwerk", 3), ("KI", 1)],
    "long German words trail": [("Netzwerk", 12), ("Mut", 6), (LONG[0], 2), (LONG[1], 1)],
    "capitals and wide letters": [("WWWWWWWWWW", 4), ("mmmmmmmmmm", 4), ("iiiiiiiiii", 4)],
    "other scripts": [("数字化", 5), ("Цифровизация", 4), ("Ελλάδα", 3), ("Ærø", 1)],
    "too long for any box": [("Netzwerk", 2), ("a" * 200, 1)],
    "big counts": [("Netzwerk", 12345), ("Austausch", 999), ("Mut", 1)],
}
BOXES = {
    "wall": WALL,
    "phone": PHONE,
    "small": SMALL_BOX,
    "small fit": replace(SMALL_BOX, fit_height=True),
}


def assert_valid(cloud: Cloud, words: Words) -> None:
    box = cloud.box
    margin = MARGIN * box.height
    placed = cloud.words
    assert len(placed) + cloud.left_out == len(words)
    assert len(placed) <= MAX_WORDS
    # In the input's order (most frequent first), each word as given.
    order = {w: i for i, (w, _) in enumerate(words)}
    assert [order[p.word] for p in placed] == sorted(order[p.word] for p in placed)
    assert all((p.word, p.count) in words for p in placed)
    for p in placed:
        r = p.rect
        assert margin <= r.left < r.right <= box.width - margin, p
        assert margin <= r.top < r.bottom <= box.height - margin, p
        assert p.font_size >= box.min_font and p.count_size >= box.min_font, p
        # The text (word, gap, count) is estimated to fit its rect, centred in it.
        text = text_em(p.word) * p.font_size + p.count_gap + text_em(str(p.count)) * p.count_size
        assert text <= r.right - r.left, p
        assert p.x == pytest.approx((r.left + r.right) / 2, abs=0.05)
        assert r.top < p.baseline - 0.9 * p.font_size and p.baseline + 0.2 * p.font_size < r.bottom
    # The view: a centred window of the box's shape that holds every word.
    view = cloud.view
    assert view.left >= 0 and view.right <= box.width
    assert view.top >= 0 and view.bottom <= box.height
    if box.fit_height and placed:
        assert view.width * box.height >= view.height * box.width - 1e-6
        # Cut to the words: the farthest word from the centre touches the view's margin.
        reach = max(
            max(box.height // 2 - p.rect.top, p.rect.bottom - box.height // 2) for p in placed
        )
        assert view.height <= 2 * reach + 2 * margin + 1e-6
    else:
        assert view.width * box.height == pytest.approx(view.height * box.width)
    assert (view.left + view.right) / 2 == box.width // 2
    assert (view.top + view.bottom) / 2 == box.height // 2
    for p in placed:
        assert view.left <= p.rect.left and p.rect.right <= view.right, (view, p)
        assert view.top <= p.rect.top and p.rect.bottom <= view.bottom, (view, p)
    for i, a in enumerate(placed):
        for b in placed[i + 1 :]:
            assert not a.rect.overlaps(b.rect), (a, b)
    # A higher count never gets a smaller size class.
    by_count = sorted(placed, key=lambda p: p.count)
    assert [p.size_class for p in by_count] == sorted(p.size_class for p in by_count)


@pytest.mark.parametrize("box_name", list(BOXES))
@pytest.mark.parametrize("case", list(CASES))
def test_layout_is_valid(case: str, box_name: str) -> None:
    words = CASES[case]
    assert_valid(layout(words, BOXES[box_name]), words)


@pytest.mark.parametrize("box", [WALL, PHONE, SMALL_BOX])
def test_empty(box: Box) -> None:
    cloud = layout([], box)
    assert (cloud.words, cloud.left_out) == ((), 0)


def test_one_word_sits_in_the_middle() -> None:
    cloud = layout([("Netzwerk", 3)])
    (word,) = cloud.words
    assert cloud.left_out == 0
    assert word.x == WALL.width // 2
    assert (word.rect.top + word.rect.bottom) / 2 == WALL.height // 2
    assert word.size_class == 3  # a young cloud: the class grows with the count


@pytest.mark.parametrize("box", [WALL, PHONE])
def test_a_young_cloud_is_drawn_larger(box: Box) -> None:
    # One word: the view zooms in on it (and a phone's view is only as high as the word).
    view = layout([("Netzwerk", 1)], box).view
    assert view.width == box.width * 0.5
    if box.fit_height:
        assert view.height < 0.1 * box.height
    else:
        assert view.height == box.height * 0.5
    assert layout([], box).view.width == box.width * 0.5
    # A full cloud needs the whole box (the phone's a little less high: no word at the edge).
    view = layout(SIXTY, box).view
    assert (view.left, view.right) == (0, box.width)
    assert view.height >= 0.9 * box.height
    # As answers come in (each word once) the window steps out.
    words: Words = []
    widths = []
    for word in SIXTY_WORDS[:30]:
        words.append((word, 1))
        widths.append(layout(words, box).view.width)
    assert widths == sorted(widths) and len(set(widths)) > 1


def test_sixty_words_show_the_most_frequent_and_count_the_rest() -> None:
    for box in (WALL, PHONE):
        cloud = layout(SIXTY, box)
        shown = {p.word for p in cloud.words}
        assert cloud.left_out >= len(SIXTY) - MAX_WORDS
        assert len(shown) >= 15
        # Every word of the big classes is on: the ratio shrinks before a top word drops out.
        assert {w for w, c in SIXTY if size_class(c, 30) >= 2} <= shown
        # The most frequent word is the largest.
        assert cloud.words[0].word == "Netzwerk"
        assert cloud.words[0].font_size == max(p.font_size for p in cloud.words)


@pytest.mark.parametrize("box", [WALL, PHONE])
@pytest.mark.parametrize("n", [5, 10, 15])
def test_a_small_cloud_shows_every_word(box: Box, n: int) -> None:
    # The big words leave room for the rest: the ratio shrinks before anything is left out.
    cloud = layout(SIXTY[:n], box)
    assert cloud.left_out == 0
    assert cloud.words[0].font_size == max(p.font_size for p in cloud.words)
    assert cloud.words[0].font_size >= 2 * box.min_font  # the ranking still shows


@pytest.mark.parametrize("box", [WALL, PHONE])
@pytest.mark.parametrize("word", LONG)
def test_long_german_words_fit_on_one_line(box: Box, word: str) -> None:
    for count in (1, 5, 30):  # alone, as the top word, and among others
        cloud = layout([(word, count)], box)
        assert [p.word for p in cloud.words] == [word]
        cloud = layout([("Netzwerk", 30), (word, count), ("Mut", 2)], box)
        assert word in {p.word for p in cloud.words}


def test_a_word_wider_than_the_box_is_left_out_not_clipped() -> None:
    cloud = layout([("Netzwerk", 2), ("Bürokratieentlastungsgesetzgebungsvorhaben" * 3, 1)])
    assert [p.word for p in cloud.words] == ["Netzwerk"]
    assert cloud.left_out == 1


def test_limit() -> None:
    cloud = layout(SIXTY, WALL, limit=5)
    assert len(cloud.words) == 5 and cloud.left_out == 55
    cloud = layout(SIXTY, WALL, limit=0)
    assert (cloud.words, cloud.left_out) == ((), 60)


def test_deterministic() -> None:
    for words in CASES.values():
        for box in BOXES.values():
            assert layout(list(words), box) == layout(list(words), box)


def positions(cloud: Cloud) -> dict[str, tuple[float, float, float]]:
    return {p.word: (p.x, p.baseline, p.font_size) for p in cloud.words}


def classes(words: Words) -> dict[str, int]:
    top = max(c for _, c in words)
    return {w: size_class(c, top) for w, c in words}


def vote(words: Words, word: str) -> Words:
    after = [(w, c + 1 if w == word else c) for w, c in words]
    return sorted(after, key=lambda row: (-row[1], row[0].casefold()))


@pytest.mark.parametrize("box", [WALL, PHONE])
@pytest.mark.parametrize(
    ("words", "voted"),
    [
        (SIXTY, "Mut"),  # 4 → 5 with top 30: still class 1
        ([("Netzwerk", 31), ("Austausch", 14), ("Mut", 7), ("KI", 1)], "Netzwerk"),  # the top
        (SIXTY, "Kollegen"),  # 6 → 7: still class 1, and now ahead of its old neighbours
        ([("Netzwerk", 14), ("Austausch", 10), ("Mut", 3), ("KI", 1)], "Austausch"),
    ],
)
def test_one_more_vote_keeping_the_size_classes_moves_nothing(
    box: Box, words: Words, voted: str
) -> None:
    after = vote(words, voted)
    assert classes(after) == classes(words)  # the premise
    before_cloud, after_cloud = layout(words, box), layout(after, box)
    assert positions(after_cloud) == positions(before_cloud)
    counts = {p.word: p.count for p in after_cloud.words}
    assert voted not in counts or counts[voted] == dict(words)[voted] + 1


@pytest.mark.parametrize("box", [WALL, PHONE])
@pytest.mark.parametrize(
    "words",
    [
        SIXTY[:30],  # top 30: a new word said once is in class 0
        [("Netzwerk", 4), ("Austausch", 3), ("Digitalisierung", 2), ("Mut", 1)],  # young: class 1
        [(LONG[0], 6), ("Netzwerk", 5), (LONG[1], 4), ("Ideen", 2), ("Zeit", 1)],
    ],
)
@pytest.mark.parametrize(
    "new",
    [
        "Zusammenhalt",
        "Zuversicht",
        "Landesjugendhilfeausschuss",
        "Ö",
        "Donaudampfschifffahrtskapitän",
    ],
)
def test_a_new_rare_word_does_not_move_the_bigger_ones(box: Box, words: Words, new: str) -> None:
    assert new not in dict(words)
    after = sorted([*words, (new, 1)], key=lambda row: (-row[1], row[0].casefold()))
    smallest = min(classes(after).values())
    assert classes(after)[new] == smallest  # the premise
    before_cloud = positions(layout(words, box))
    after_cloud = positions(layout(after, box))
    bigger = {w for w, cls in classes(words).items() if cls > smallest} & before_cloud.keys()
    assert bigger
    for word in bigger:
        assert after_cloud.get(word) == before_cloud[word], word


def test_a_size_class_change_may_move_words_but_stays_valid() -> None:
    words = [("Netzwerk", 4), ("Austausch", 3), ("Mut", 1)]
    after = vote(words, "Mut")
    assert classes(after) != classes(words)
    assert_valid(layout(after), after)


@pytest.mark.parametrize(
    ("count", "top", "expected"),
    [
        (1, 1, 1),  # everything said once: a modest size, not the top class
        (2, 2, 2),
        (1, 2, 1),
        (3, 3, 3),
        (5, 5, TOP_CLASS),
        (9, 9, TOP_CLASS),
        (8, 9, 4),
        (1, 10, 1),  # 5 × 1/10 rounds half up
        (1, 11, 0),
        (1, 30, 0),
        (15, 30, 3),
        (29, 30, TOP_CLASS),
        (0, 5, 0),
        (3, 0, 0),
    ],
)
def test_size_class(count: int, top: int, expected: int) -> None:
    assert size_class(count, top) == expected


def test_size_class_never_falls_as_the_count_rises() -> None:
    for top in range(1, 60):
        steps = [size_class(c, top) for c in range(1, top + 1)]
        assert steps == sorted(steps) and steps[-1] == min(top, TOP_CLASS)


@pytest.mark.parametrize(
    ("wide", "narrow"),
    [
        ("M", "n"),
        ("W", "w"),
        ("m", "n"),
        ("w", "v"),
        ("O", "o"),
        ("n", "i"),
        ("Ä", "ä"),
        ("é", "l"),  # accented letters are measured as their base letter
        ("数", "n"),  # unknown scripts: a full em and more
    ],
)
def test_text_width_estimate(wide: str, narrow: str) -> None:
    assert text_em(wide) > text_em(narrow) > 0
    assert text_em(wide * 3) == pytest.approx(3 * text_em(wide))


def test_box_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        Box(0, 900, 40.0)
    with pytest.raises(ValueError, match="positive"):
        replace(WALL, min_font=0)
