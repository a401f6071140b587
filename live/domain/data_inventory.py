"""What the app keeps: every SQLite column and every Redis key (and named hash field) of the
store and the board, mapped to a category a person can understand. The page
``/datenschutz-hinweise`` and docs/compliance/ are written from it.

tests/store/test_data_inventory.py keeps it true: it fails when a fresh SQLite database has a
column that is not listed here (or this lists one that no longer exists), and when a Redis store
filled with an event of every kind of content holds a key or a named hash field not listed here
(or a key pattern listed here is never written).

Adding a column: one line in SQLITE_COLUMNS (``"rooms.new_setting": ROOMS,``). The Redis hashes
that mirror a table (REDIS_HASH_TABLES) take their field names from the same lines, so a field of
the same name in Redis needs nothing more.

Pure data: texts are German msgids (``_n``), translated where they are shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from live.domain.text import _n

# How long a category's data lives:
# - "event": until the event is deleted (automatically LIVE_RETENTION_DAYS after its last day,
#   or earlier by its organiser); everything of the event goes in one step.
# - "request_ids": as "event"; on Redis additionally gone REQUEST_TTL after the participant's
#   last write with a request id (live/store/redis_scripts.py).
# - "seconds": counted for a few seconds only (live/board/base.py), never written to the store.
# - "database": as long as the database itself; nothing about a person.
Lifetime = Literal["event", "request_ids", "seconds", "database"]

# Redis: a request id is remembered this long after the participant's last write with one
# (live/store/redis_scripts.py REQUEST_TTL; the inventory is pure, so a test compares the two).
REQUEST_TTL_DAYS = 7
# live/board/base.py (GRADE_TTL, PRESENCE_TTL) and live/board/redis.py (_KEY_TTL_SECONDS).
GRADE_SECONDS = 3
PRESENCE_SECONDS = 8
BOARD_KEY_HOURS = 1


@dataclass(frozen=True, slots=True)
class Category:
    key: str
    title: str  # German msgid
    kept: str  # what exactly is kept (German msgid)
    people: str  # what of it relates to a person (German msgid)
    lifetime: Lifetime


EVENT = Category(
    "event",
    _n("Veranstaltung und ihre Einstellungen"),
    _n(
        "Code und Titel der Veranstaltung, Zeitpunkt der Anlage, Start- und Enddatum, die "
        "Einstellungen der Fragerunde (Freigabe nötig, Namen erlaubt), Akzentfarbe und Version "
        "des Logos, die Sperrliste der Veranstaltung (eigene und abgeschaltete Wörter)."
    ),
    _n("Keine Angaben zu Personen, außer ein Titel nennt selbst jemanden."),
    "event",
)
ACCESS = Category(
    "access",
    _n("Zugangsschlüssel der Moderation"),
    _n(
        "Der Schlüssel der Veranstalterin oder des Veranstalters und die Links der "
        "Raum-Moderation, nur als SHA-256-Hash. Der Schlüssel selbst wird einmal angezeigt und "
        "nie gespeichert."
    ),
    _n("Kein Name, keine E-Mail-Adresse: wer einen Link hat, darf moderieren."),
    "event",
)
JOIN_SECRET = Category(
    "join_secret",
    _n("Geheimnis des Beitritts-Codes"),
    _n(
        "Wenn die Veranstaltung den Code vom Beamer verlangt: eine Zufallszahl, aus der die "
        "wechselnden Codes berechnet werden."
    ),
    _n("Kein Personenbezug."),
    "event",
)
LOGO = Category(
    "logo",
    _n("Logo"),
    _n("Das hochgeladene Logo der Veranstaltung (PNG oder bereinigtes SVG) und sein Dateityp."),
    _n("Kein Personenbezug, außer das Bild zeigt selbst jemanden."),
    "event",
)
ROOMS = Category(
    "rooms",
    _n("Räume"),
    _n(
        "Name und Reihenfolge jedes Raums, was sein Beamer gerade zeigt (Abstimmung, "
        "hervorgehobene Frage, Anzeigeart), ob mehrere Abstimmungen zugleich laufen dürfen, ein "
        "laufender Countdown (Bezeichnung und Endzeitpunkt), ob und womit der Raum in den "
        "„Ergebnissen aus den Foren“ erscheint, und ein Zähler der Änderungen."
    ),
    _n("Kein Personenbezug."),
    "event",
)
AGENDA = Category(
    "agenda",
    _n("Programm"),
    _n(
        "Titel, Raum, Beginn und Ende jedes Programmpunkts und, wenn eingetragen, die Vortragenden."
    ),
    _n("Die Namen der Vortragenden, soweit die Veranstalterin oder der Veranstalter sie einträgt."),
    "event",
)
POLLS = Category(
    "polls",
    _n("Abstimmungen"),
    _n(
        "Frage, Art, Antwortmöglichkeiten, Zustand und Zeitpunkte (angelegt, geöffnet, "
        "geschlossen), die Einstellungen zur Anzeige der Ergebnisse und die Wörter und "
        "Antworten, die die Moderation aus der Wortwolke genommen hat."
    ),
    _n("Kein Personenbezug."),
    "event",
)
BALLOTS = Category(
    "ballots",
    _n("Stimmen"),
    _n(
        "Je Abstimmung und Teilnehmenden die letzte Stimme (gewählte Optionen, Skalenwert oder "
        "Freitext-Antworten) mit Zeitpunkt, dazu die Zählerstände."
    ),
    _n(
        "Einer zufälligen Kennung zugeordnet, nicht einem Namen. Freitext-Antworten enthalten, "
        "was jemand schreibt."
    ),
    "event",
)
REQUEST_IDS = Category(
    "request_ids",
    _n("Kennungen gesendeter Anfragen"),
    _n(
        "Für jede Stimme, Frage, Unterstützung und Stimmung die Kennung, die das Gerät mitschickt, "
        "und worauf sie sich bezog: so zählt eine wiederholte Sendung nicht doppelt."
    ),
    _n("Einer zufälligen Kennung zugeordnet, nicht einem Namen."),
    "request_ids",
)
QUESTIONS = Category(
    "questions",
    _n("Fragen"),
    _n(
        "Text jeder Frage, Raum, Zustand (wartet, freigegeben, beantwortet, ausgeblendet, "
        "archiviert), Zeitpunkt, die schriftliche Antwort der Moderation und ein Name, wenn "
        "die fragende Person selbst einen eingibt."
    ),
    _n(
        "Der Name nur, wenn jemand ihn freiwillig eingibt (und die Veranstaltung Namen "
        "erlaubt); sonst ist die Frage nur einer zufälligen Kennung zugeordnet."
    ),
    "event",
)
UPVOTES = Category(
    "upvotes",
    _n("Unterstützungen von Fragen"),
    _n("Welche zufällige Kennung welche Frage unterstützt."),
    _n("Einer zufälligen Kennung zugeordnet, nicht einem Namen."),
    "event",
)
IDEAS = Category(
    "ideas",
    _n("Ideen und ihre Unterstützungen"),
    _n(
        "Text jeder Idee der Ideensammlung eines Raums, Zustand (wartet, freigegeben, "
        "ausgeblendet), Zeitpunkt, ob die Moderation sie markiert hat, und welche zufällige "
        "Kennung welche Idee unterstützt."
    ),
    _n(
        "Einer zufälligen Kennung zugeordnet, nicht einem Namen; der Text enthält, was jemand "
        "schreibt."
    ),
    "event",
)
MOODS = Category(
    "moods",
    _n("Stimmungswerte"),
    _n("Je Raum und Teilnehmenden der aktuelle Wert (1 bis 5) und jede Änderung mit Zeitpunkt."),
    _n("Einer zufälligen Kennung zugeordnet, nicht einem Namen."),
    "event",
)
PACE = Category(
    "pace",
    _n("Rückmeldungen zu Tempo und Technik"),
    _n(
        "Je Raum und Teilnehmenden die letzte Rückmeldung („zu schnell“, „zu langsam“, "
        "„Ton/Bild gestört“ oder zurückgenommen) und jede Rückmeldung mit Zeitpunkt."
    ),
    _n("Einer zufälligen Kennung zugeordnet, nicht einem Namen."),
    "event",
)
APPLAUSE = Category(
    "applause",
    _n("Applausverlauf"),
    _n("Je Raum und Sekunde die Lautstärke des gemeinsamen Applauses (eine Zahl von 0 bis 1)."),
    _n("Kein Personenbezug: nur der Wert des ganzen Raums."),
    "event",
)
PARTICIPANTS = Category(
    "participants",
    _n("Teilnehmende"),
    _n(
        "Je Gerät, das teilnimmt: eine zufällige Kennung, der SHA-256-Hash seines zufälligen "
        "Schlüssels (der Schlüssel selbst liegt nur im Cookie des Geräts) und der Zeitpunkt des "
        "Beitritts."
    ),
    _n("Kein Name, keine E-Mail-Adresse, keine IP-Adresse, keine Gerätedaten."),
    "event",
)
LIVE_APPLAUSE = Category(
    "live_applause",
    _n("Laufender Applaus"),
    _n("Wer gerade wie stark klatscht (Stufe 0 bis 5), mit dem Zeitpunkt der letzten Meldung."),
    _n("Einer zufälligen Kennung zugeordnet, nicht einem Namen."),
    "seconds",
)
PRESENCE = Category(
    "presence",
    _n("Anwesenheit"),
    _n("Welche Kennungen gerade mit einem Raum verbunden sind (für die Zahl der Anwesenden)."),
    _n("Einer zufälligen Kennung zugeordnet, nicht einem Namen."),
    "seconds",
)
TECHNICAL = Category(
    "technical",
    _n("Technische Verweise"),
    _n(
        "Verzeichnisse, die Einträge einer Veranstaltung miteinander verbinden (welcher Raum, "
        "welche Abstimmung, welche Frage zu welcher Veranstaltung gehört), damit beim Löschen "
        "nichts übrig bleibt."
    ),
    _n("Enthalten nur Codes und zufällige Kennungen."),
    "event",
)
DATABASE = Category(
    "database",
    _n("Angaben zur Datenbank"),
    _n(
        "Die Versionsnummer des Datenbankschemas und eine Zufallskennung der Datenbank (so "
        "erkennt der Server eine geleerte oder ausgetauschte Datenbank)."
    ),
    _n("Kein Personenbezug."),
    "database",
)

CATEGORIES: tuple[Category, ...] = (
    EVENT,
    ACCESS,
    JOIN_SECRET,
    LOGO,
    ROOMS,
    AGENDA,
    POLLS,
    BALLOTS,
    REQUEST_IDS,
    QUESTIONS,
    UPVOTES,
    IDEAS,
    MOODS,
    PACE,
    APPLAUSE,
    PARTICIPANTS,
    LIVE_APPLAUSE,
    PRESENCE,
    TECHNICAL,
    DATABASE,
)

# Every column of the SQLite store (live/store/sqlite_schema.py), "table.column" -> category.
SQLITE_COLUMNS: dict[str, Category] = {
    "schema_version.id": DATABASE,
    "schema_version.version": DATABASE,
    "events.code": EVENT,
    "events.title": EVENT,
    "events.created_at": EVENT,
    "events.moderator_token_hash": ACCESS,
    "events.questions_need_approval": EVENT,
    "events.names_allowed": EVENT,
    "events.starts_on": EVENT,
    "events.ends_on": EVENT,
    "events.brand_color": EVENT,
    "events.logo_version": EVENT,
    "events.join_code_secret": JOIN_SECRET,
    "events.blocklist_default": EVENT,
    "event_blocklist.event_code": EVENT,
    "event_blocklist.kind": EVENT,
    "event_blocklist.entry": EVENT,
    "event_blocklist.shown": EVENT,
    "events.question_labels": EVENT,
    "event_logos.event_code": LOGO,
    "event_logos.media_type": LOGO,
    "event_logos.data": LOGO,
    "rooms.id": ROOMS,
    "rooms.event_code": ROOMS,
    "rooms.name": ROOMS,
    "rooms.position": ROOMS,
    "rooms.screen_poll_id": ROOMS,
    "rooms.version": ROOMS,
    "rooms.highlighted_question_id": ROOMS,
    "rooms.moderator_token_hash": ACCESS,
    "rooms.screen_mode": ROOMS,
    "rooms.parallel_polls": ROOMS,
    "rooms.applause_via_stream": ROOMS,
    "rooms.screen_label": ROOMS,
    "rooms.countdown_label": ROOMS,
    "rooms.countdown_ends_at": ROOMS,
    "rooms.countdown_left_ms": ROOMS,
    "rooms.ideas_open": ROOMS,
    "rooms.forum_shown": ROOMS,
    "rooms.forum_poll_id": ROOMS,
    "agenda_items.id": AGENDA,
    "agenda_items.event_code": AGENDA,
    "agenda_items.room_id": AGENDA,
    "agenda_items.title": AGENDA,
    "agenda_items.speaker": AGENDA,
    "agenda_items.starts_at": AGENDA,
    "agenda_items.ends_at": AGENDA,
    "participants.event_code": PARTICIPANTS,
    "participants.participant_id": PARTICIPANTS,
    "participants.token_hash": PARTICIPANTS,
    "participants.created_at": PARTICIPANTS,
    "polls.id": POLLS,
    "polls.event_code": POLLS,
    "polls.room_id": POLLS,
    "polls.question": POLLS,
    "polls.kind": POLLS,
    "polls.options": POLLS,
    "polls.scale_min": POLLS,
    "polls.scale_max": POLLS,
    "polls.state": POLLS,
    "polls.visibility": POLLS,
    "polls.created_at": POLLS,
    "polls.opened_at": POLLS,
    "polls.closed_at": POLLS,
    "polls.agenda_item_id": POLLS,
    "polls.screen_results": POLLS,
    "polls.max_answers": POLLS,
    "polls.joined_before_only": POLLS,
    "polls.max_ranked": POLLS,
    "polls.budget": POLLS,
    "polls.scale_min_label": POLLS,
    "polls.scale_max_label": POLLS,
    "polls.survey_id": POLLS,
    # Self-paced surveys (issue 24): the questions are polls; the survey itself is their order.
    "surveys.id": POLLS,
    "surveys.event_code": POLLS,
    "surveys.room_id": POLLS,
    "surveys.title": POLLS,
    "surveys.state": POLLS,
    "surveys.poll_ids": POLLS,
    "surveys.created_at": POLLS,
    "surveys.opened_at": POLLS,
    "surveys.closed_at": POLLS,
    "poll_hidden.poll_id": POLLS,
    "poll_hidden.kind": POLLS,
    "poll_hidden.entry": POLLS,
    "poll_hidden.shown": POLLS,
    "votes.poll_id": BALLOTS,
    "votes.participant_id": BALLOTS,
    "votes.ballot": BALLOTS,
    "votes.updated_at": BALLOTS,
    "vote_requests.participant_id": REQUEST_IDS,
    "vote_requests.request_id": REQUEST_IDS,
    "vote_requests.subject_id": REQUEST_IDS,
    "vote_requests.created_at": REQUEST_IDS,
    "questions.id": QUESTIONS,
    "questions.event_code": QUESTIONS,
    "questions.room_id": QUESTIONS,
    "questions.participant_id": QUESTIONS,
    "questions.text": QUESTIONS,
    "questions.name": QUESTIONS,
    "questions.state": QUESTIONS,
    "questions.answer": QUESTIONS,
    "questions.created_at": QUESTIONS,
    "questions.merged_into": QUESTIONS,
    "questions.co_authors": QUESTIONS,
    "questions.label": QUESTIONS,
    "upvotes.question_id": UPVOTES,
    "upvotes.participant_id": UPVOTES,
    "ideas.id": IDEAS,
    "ideas.event_code": IDEAS,
    "ideas.room_id": IDEAS,
    "ideas.participant_id": IDEAS,
    "ideas.text": IDEAS,
    "ideas.state": IDEAS,
    "ideas.created_at": IDEAS,
    "ideas.marked": IDEAS,
    "idea_upvotes.idea_id": IDEAS,
    "idea_upvotes.participant_id": IDEAS,
    "moods.room_id": MOODS,
    "moods.participant_id": MOODS,
    "moods.value": MOODS,
    "moods.updated_at": MOODS,
    "mood_log.room_id": MOODS,
    "mood_log.at": MOODS,
    "mood_log.participant_id": MOODS,
    "mood_log.value": MOODS,
    "pace.room_id": PACE,
    "pace.participant_id": PACE,
    "pace.value": PACE,
    "pace.at": PACE,
    "pace_log.room_id": PACE,
    "pace_log.at": PACE,
    "pace_log.participant_id": PACE,
    "pace_log.value": PACE,
    "applause_seconds.room_id": APPLAUSE,
    "applause_seconds.second": APPLAUSE,
    "applause_seconds.level": APPLAUSE,
}

# Every key of the Redis store (live/store/redis.py describes the layout) and of the board
# (live/board/redis.py), with the default prefixes "live:" and "live:board:". ``{code}``: an
# event's code (the Cluster hash tag), ``{room}``: a room id (the board's hash tag), ``<...>``:
# an id. A hash listed in REDIS_HASH_TABLES has named fields; every other key holds ids,
# values or moments of the category.
REDIS_KEYS: dict[str, Category] = {
    "live:{code}:event": EVENT,  # fields: REDIS_HASH_TABLES
    "live:{code}:logo": LOGO,
    "live:{code}:blocklist": EVENT,
    "live:{code}:rooms": ROOMS,
    "live:{code}:room:<room>": ROOMS,
    "live:{code}:agenda": AGENDA,
    "live:{code}:item:<item>": AGENDA,
    "live:{code}:itempolls:<item>": AGENDA,
    "live:{code}:polls:<room>": POLLS,
    "live:{code}:poll:<poll>": POLLS,
    "live:{code}:hidden:<poll>": POLLS,
    "live:{code}:surveys": POLLS,  # survey id -> the survey as JSON
    "live:{code}:ballots:<poll>": BALLOTS,
    "live:{code}:counts:<poll>": BALLOTS,
    "live:{code}:texts:<poll>": BALLOTS,
    "live:{code}:req:<participant>": REQUEST_IDS,
    "live:voter:<participant>": REQUEST_IDS,
    "live:{code}:questions:<room>": QUESTIONS,
    "live:{code}:question:<question>": QUESTIONS,
    "live:{code}:asked:<participant>": QUESTIONS,
    "live:{code}:upvotes:<question>": UPVOTES,
    "live:{code}:ideas:<room>": IDEAS,
    "live:{code}:idea:<idea>": IDEAS,
    "live:{code}:ideaup:<idea>": IDEAS,
    "live:{code}:marked:<room>": IDEAS,
    "live:{code}:moods:<room>": MOODS,
    "live:{code}:moodlog:<room>": MOODS,
    "live:{code}:pace:<room>": PACE,
    "live:{code}:pacelog:<room>": PACE,
    "live:{code}:applause:<room>": APPLAUSE,
    "live:{code}:participants": PARTICIPANTS,
    "live:{code}:tokens": PARTICIPANTS,
    "live:{code}:joined": PARTICIPANTS,
    "live:{code}:joins": PARTICIPANTS,
    "live:{code}:voters": TECHNICAL,
    "live:{code}:claims": TECHNICAL,
    "live:room:<room>": TECHNICAL,
    "live:poll:<poll>": TECHNICAL,
    "live:question:<question>": TECHNICAL,
    "live:idea:<idea>": TECHNICAL,
    "live:agenda:<item>": TECHNICAL,
    "live:events": TECHNICAL,
    "live:events:indexed": DATABASE,
    "live:dataset": DATABASE,
    "live:board:{room}:grades": LIVE_APPLAUSE,
    "live:board:{room}:present": PRESENCE,
}

# Redis hashes whose fields are named like the columns of a SQLite table (the same record in
# the other backend): each field must be "table.field" in SQLITE_COLUMNS, whose category it has.
REDIS_HASH_TABLES: dict[str, str] = {
    "live:{code}:event": "events",
    "live:{code}:logo": "event_logos",
    "live:{code}:room:<room>": "rooms",
    "live:{code}:item:<item>": "agenda_items",
    "live:{code}:poll:<poll>": "polls",
    "live:{code}:question:<question>": "questions",
    "live:{code}:idea:<idea>": "ideas",
}

STORE_PREFIX = "live:"
BOARD_PREFIX = "live:board:"
# A placeholder's expression: a hash tag holds no brace, an id no colon.
_PLACES = {"{": r"\{[^{}]+\}", "<": "[^:]+"}


def key_pattern(
    pattern: str, store_prefix: str = STORE_PREFIX, board_prefix: str = BOARD_PREFIX
) -> re.Pattern[str]:
    """The regular expression of a REDIS_KEYS pattern, for keys written under the given prefixes
    (the tests use prefixes of their own). Ids contain no colon; hash tags no brace."""
    if pattern.startswith(BOARD_PREFIX):
        prefix, rest = board_prefix, pattern[len(BOARD_PREFIX) :]
    else:
        prefix, rest = store_prefix, pattern[len(STORE_PREFIX) :]
    parts = re.split(r"(\{[a-z]+\}|<[a-z]+>)", rest)
    body = "".join(_PLACES.get(part[:1], re.escape(part)) for part in parts)
    return re.compile(re.escape(prefix) + body)


def category(key: str) -> Category:
    """The category with this key (KeyError for an unknown one)."""
    for found in CATEGORIES:
        if found.key == key:
            return found
    raise KeyError(key)


def sqlite_columns(of: Category) -> list[str]:
    """The SQLite columns of a category, in the inventory's order."""
    return [column for column, owner in SQLITE_COLUMNS.items() if owner is of]


def redis_keys(of: Category) -> list[str]:
    """The Redis keys of a category (patterns), and the named hash fields it owns in hashes
    whose key belongs to another category (``live:{code}:event`` → moderator_token_hash)."""
    found = [pattern for pattern, owner in REDIS_KEYS.items() if owner is of]
    for pattern, table in REDIS_HASH_TABLES.items():
        if REDIS_KEYS[pattern] is of:
            continue
        fields = [
            column.partition(".")[2]
            for column, owner in SQLITE_COLUMNS.items()
            if owner is of and column.startswith(f"{table}.")
        ]
        found += [f"{pattern} ({field})" for field in fields]
    return found
