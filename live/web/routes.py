"""The whole URL surface of the app, in one table. ``Private`` marks the organiser's and
moderators' pages and fragments: their answers are never stored (Cache-Control: no-store).
``Framable`` marks the pages other sites may show in a frame when LIVE_FRAME_ANCESTORS lists
them (participant, projector, overlay); every other page refuses to be framed."""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute

from live.web import (
    accessibility,
    api,
    api_blocklist,
    api_brand,
    api_ideas,
    api_setup,
    brand,
    control,
    countdown,
    forums,
    landing,
    links,
    metrics,
    moderator,
    moderator_ideas,
    moderator_qa,
    openapi,
    participant,
    participant_ideas,
    participant_qa,
    privacy,
    report,
    retention,
    screen,
    setup,
    setup_blocklist,
    setup_brand,
    setup_file,
    sockets,
    static,
    surveys,
)
from live.web.security import FramableRoute as Framable
from live.web.security import PrivateRoute as Private


def routes() -> list[BaseRoute]:
    code = "/e/{code}"
    mod = f"{code}/moderate"
    return [
        # the start page (German by default, ?lang=en for English, as every page)
        Route("/", landing.index, methods=["GET"]),
        Private("/events", landing.create_event, methods=["POST"]),  # answers with the links
        Route("/join", landing.join, methods=["GET"]),
        Route("/healthz", api.healthz, methods=["GET"]),
        # what this installation stores, written from the data inventory (German; ?lang=en)
        Route("/datenschutz-hinweise", privacy.privacy_notes, methods=["GET"]),
        # Prometheus, with LIVE_METRICS_TOKEN as Bearer (404 while it is unset)
        Route("/metrics", metrics.serve, methods=["GET"]),
        # the accessibility statement (with its barrier report form) and Leichte Sprache
        Route("/barrierefreiheit", accessibility.accessibility_statement, methods=["GET"]),
        Route("/barrierefreiheit", accessibility.barrier_report, methods=["POST"]),
        Route("/leichte-sprache", accessibility.easy_read, methods=["GET"]),
        # the participant's phone; each action is a form post that also works without JS
        # (the page and its posts, whose answers without JS are pages or redirects: Framable)
        Framable(code, participant.participant, methods=["GET"]),
        Framable(f"{code}/{{number:int}}", participant.room_entry, methods=["GET"]),
        Route(f"{code}/program", participant.room_program, methods=["GET"]),
        Framable(f"{code}/polls/{{poll_id}}/vote", participant.vote, methods=["POST"]),
        # a self-paced survey: one question per screen, each answer an ordinary vote
        Framable(f"{code}/survey/{{survey_id}}", surveys.survey_page, methods=["GET"]),
        Framable(f"{code}/survey/{{survey_id}}", surveys.survey_answer, methods=["POST"]),
        Framable(f"{code}/rooms/{{room_id}}/mood", participant.set_mood, methods=["POST"]),
        Framable(f"{code}/rooms/{{room_id}}/pace", participant.set_pace, methods=["POST"]),
        Framable(f"{code}/rooms/{{room_id}}/questions", participant_qa.ask, methods=["POST"]),
        Framable(
            f"{code}/questions/{{question_id}}/upvote", participant_qa.upvote, methods=["POST"]
        ),
        Framable(
            f"{code}/questions/{{question_id}}/delete", participant_qa.delete_own, methods=["POST"]
        ),
        Framable(f"{code}/rooms/{{room_id}}/ideas", participant_ideas.post, methods=["POST"]),
        Framable(f"{code}/ideas/{{idea_id}}/upvote", participant_ideas.upvote, methods=["POST"]),
        # the projector, the stream overlay (+ its lower third), the neutral slide's program line
        Framable(f"{code}/screen", screen.screen, methods=["GET"]),
        Route(f"{code}/screen/now", screen.screen_now, methods=["GET"]),
        Route(f"{code}/screen/join", screen.screen_join, methods=["GET"]),
        Framable(f"{code}/overlay", screen.overlay, methods=["GET"]),
        Route(f"{code}/overlay/now", screen.overlay_now, methods=["GET"]),
        # the event's brand: its logo and the stylesheet with its colour (linked by every page)
        Route(f"{code}/logo", brand.logo, methods=["GET"]),
        Route(f"{code}/brand.css", brand.stylesheet, methods=["GET"]),
        # the organiser's landing after creating the event (the moderator link), and every link
        # and QR code of the event (a room moderator: of their rooms), to share or print
        Private(f"{code}/start", links.start, methods=["GET"]),
        Private(f"{code}/links", links.links, methods=["GET"]),
        # moderation: the organiser (every room) or a room link's holder (that room)
        Private(mod, moderator.moderate, methods=["GET"]),
        Private(f"{mod}/rooms", moderator.add_room, methods=["POST"]),
        Private(f"{mod}/rooms/{{room_id}}/polls", moderator.create_poll, methods=["POST"]),
        Private(f"{mod}/rooms/{{room_id}}/screen", moderator.set_screen, methods=["POST"]),
        Private(
            f"{mod}/rooms/{{room_id}}/applause-stream",
            moderator.applause_stream,
            methods=["POST"],
        ),
        Private(f"{mod}/rooms/{{room_id}}/countdown", countdown.console, methods=["POST"]),
        Private(f"{mod}/forum-results", forums.console, methods=["POST"]),
        Private(f"{mod}/rooms/{{room_id}}/surveys", surveys.console_create, methods=["POST"]),
        Private(
            f"{mod}/surveys/{{survey_id}}/{{action}}", surveys.console_action, methods=["POST"]
        ),
        Private(f"{mod}/rooms/{{room_id}}/link", links.room_link, methods=["POST"]),
        Private(f"{mod}/rooms/{{room_id}}/next-poll", moderator.next_poll, methods=["POST"]),
        Private(f"{mod}/rooms/{{room_id}}/run-sheet", moderator.run_sheet, methods=["GET"]),
        Private(f"{mod}/polls/{{poll_id}}/{{action}}", moderator.poll_action, methods=["POST"]),
        Private(f"{mod}/settings", moderator_qa.settings, methods=["POST"]),
        Private(
            f"{mod}/rooms/{{room_id}}/questions/approve-all",
            moderator_qa.approve_all,
            methods=["POST"],
        ),
        Private(
            f"{mod}/questions/{{question_id}}/edit", moderator_qa.edit, methods=["GET", "POST"]
        ),
        Private(f"{mod}/questions/{{question_id}}/answer", moderator_qa.answer, methods=["POST"]),
        Private(f"{mod}/questions/{{question_id}}/undo", moderator_qa.undo, methods=["POST"]),
        Private(f"{mod}/questions/{{question_id}}/merge", moderator_qa.merge, methods=["POST"]),
        Private(f"{mod}/questions/{{question_id}}/split", moderator_qa.split, methods=["POST"]),
        Private(f"{mod}/labels", moderator_qa.labels, methods=["POST"]),
        Private(f"{mod}/rooms/{{room_id}}/ideas/open", moderator_ideas.switch, methods=["POST"]),
        Private(
            f"{mod}/rooms/{{room_id}}/ideas/{{idea_id}}",
            moderator_ideas.idea_action,
            methods=["POST"],
        ),
        Private(
            f"{mod}/rooms/{{room_id}}/screen-label", moderator_qa.screen_label, methods=["POST"]
        ),
        Private(
            f"{mod}/questions/{{question_id}}/{{action}}",
            moderator_qa.question_action,
            methods=["POST"],
        ),
        # the organiser: control room, setup, report, deleting the event
        Private(f"{code}/control", control.control, methods=["GET"]),
        Private(f"{code}/control/rooms", control.control_rooms, methods=["GET"]),
        Private(f"{code}/setup", setup.setup, methods=["GET"]),
        Private(f"{code}/setup.json", setup_file.export_json, methods=["GET"]),
        Private(f"{code}/setup/import", setup_file.import_setup, methods=["POST"]),
        Private(f"{code}/setup/event", setup.save_event, methods=["POST"]),
        Private(f"{code}/setup/join-code", setup.save_join_code, methods=["POST"]),
        Private(f"{code}/setup/rooms", setup.add_room, methods=["POST"]),
        Private(f"{code}/setup/rooms/{{room_id}}", setup.rename_room, methods=["POST"]),
        Private(
            f"{code}/setup/rooms/{{room_id}}/parallel-polls", setup.room_polls, methods=["POST"]
        ),
        Private(f"{code}/setup/agenda", setup.add_item, methods=["POST"]),
        Private(f"{code}/setup/agenda/{{item_id}}", setup.edit_item, methods=["GET", "POST"]),
        Private(f"{code}/setup/agenda/{{item_id}}/delete", setup.delete_item, methods=["POST"]),
        Private(f"{code}/setup/polls/{{poll_id}}/open", setup.open_poll, methods=["POST"]),
        Private(f"{code}/setup/rooms/{{room_id}}/surveys", surveys.setup_create, methods=["POST"]),
        Private(f"{code}/setup/brand", setup_brand.save_brand, methods=["POST"]),
        Private(f"{code}/setup/logo/delete", setup_brand.remove_logo, methods=["POST"]),
        Private(f"{code}/setup/blocklist", setup_blocklist.save_default, methods=["POST"]),
        Private(f"{code}/setup/blocklist/entries", setup_blocklist.save_entry, methods=["POST"]),
        Private(f"{code}/report", report.report_page, methods=["GET"]),
        Private(f"{code}/report.md", report.report_markdown, methods=["GET"]),
        Private(f"{code}/report/polls/{{poll_id}}.csv", report.poll_csv, methods=["GET"]),
        Private(f"{code}/report/questions.csv", report.questions_csv, methods=["GET"]),
        Private(f"{code}/report/export.json", report.export_download, methods=["GET"]),
        Private(f"{code}/delete", retention.delete_event, methods=["GET", "POST"]),
        # the pages' push socket (HTML regions for htmx)
        WebSocketRoute(f"{code}/rooms/{{room_id}}/live", sockets.page_socket),
        # the public JSON API and socket (../shared/CONTRACT.md, docs/api.md)
        Mount(
            "/api/v1",
            routes=[
                # the description of everything below (live/web/openapi.py)
                Route("/openapi.json", openapi.serve, methods=["GET"]),
                Route("/events", api.create_event, methods=["POST"]),
                Route("/events/{code}", api.get_event, methods=["GET"]),
                Route("/events/{code}", api.delete_event, methods=["DELETE"]),
                Route("/events/{code}", api_brand.patch_event, methods=["PATCH"]),
                Route("/events/{code}/logo", api_brand.put_logo, methods=["PUT"]),
                Route("/events/{code}/logo", api_brand.delete_logo, methods=["DELETE"]),
                Route("/events/{code}/blocklist", api_blocklist.get_blocklist, methods=["GET"]),
                Route("/events/{code}/blocklist", api_blocklist.patch_blocklist, methods=["PATCH"]),
                Route(
                    "/events/{code}/blocklist/entries",
                    api_blocklist.post_entry,
                    methods=["POST"],
                ),
                Route("/events/{code}/join", api.join, methods=["POST"]),
                Route("/events/{code}/rooms", api.add_room, methods=["POST"]),
                Route(
                    "/events/{code}/rooms/{room_id}/moderator-link",
                    api.create_room_link,
                    methods=["POST"],
                ),
                Route(
                    "/events/{code}/rooms/{room_id}/moderator-link",
                    api.revoke_room_link,
                    methods=["DELETE"],
                ),
                Route("/events/{code}/rooms/{room_id}", api.patch_room, methods=["PATCH"]),
                Route("/events/{code}/rooms/{room_id}/polls", api.create_poll, methods=["POST"]),
                Route(
                    "/events/{code}/rooms/{room_id}/polls/next",
                    api.open_next_poll,
                    methods=["POST"],
                ),
                Route("/events/{code}/rooms/{room_id}/screen", api.set_screen, methods=["PUT"]),
                Route(
                    "/events/{code}/rooms/{room_id}/forum-results",
                    forums.api_configure,
                    methods=["PUT"],
                ),
                Route("/events/{code}/forum-results", forums.api_columns, methods=["GET"]),
                Route(
                    "/events/{code}/rooms/{room_id}/countdown",
                    countdown.api_start,
                    methods=["PUT"],
                ),
                Route(
                    "/events/{code}/rooms/{room_id}/countdown",
                    countdown.api_change,
                    methods=["PATCH"],
                ),
                Route(
                    "/events/{code}/rooms/{room_id}/countdown",
                    countdown.api_stop,
                    methods=["DELETE"],
                ),
                # self-paced surveys (issue 24): their questions are polls, voted as such
                Route(
                    "/events/{code}/rooms/{room_id}/surveys", surveys.api_create, methods=["POST"]
                ),
                Route("/events/{code}/rooms/{room_id}/surveys", surveys.api_list, methods=["GET"]),
                Route("/events/{code}/surveys/{survey_id}", surveys.api_get, methods=["GET"]),
                Route("/events/{code}/surveys/{survey_id}", surveys.api_patch, methods=["PATCH"]),
                Route(
                    "/events/{code}/surveys/{survey_id}/open", surveys.api_open, methods=["POST"]
                ),
                Route(
                    "/events/{code}/surveys/{survey_id}/close", surveys.api_close, methods=["POST"]
                ),
                Route("/events/{code}/polls/{poll_id}", api.get_poll, methods=["GET"]),
                Route("/events/{code}/polls/{poll_id}", api.patch_poll, methods=["PATCH"]),
                Route("/events/{code}/polls/{poll_id}/open", api.open_poll, methods=["POST"]),
                Route("/events/{code}/polls/{poll_id}/close", api.close_poll, methods=["POST"]),
                Route(
                    "/events/{code}/polls/{poll_id}/hidden-words", api.hide_word, methods=["POST"]
                ),
                Route(
                    "/events/{code}/polls/{poll_id}/hidden-answers",
                    api.hide_answer,
                    methods=["POST"],
                ),
                Route(
                    "/events/{code}/rooms/{room_id}/questions", api.list_questions, methods=["GET"]
                ),
                Route(
                    "/events/{code}/questions/{question_id}", api.patch_question, methods=["PATCH"]
                ),
                Route(
                    "/events/{code}/questions/{question_id}/merge",
                    api.merge_question,
                    methods=["POST"],
                ),
                Route(
                    "/events/{code}/questions/{question_id}/split",
                    api.split_question,
                    methods=["POST"],
                ),
                Route(
                    "/events/{code}/rooms/{room_id}/ideas", api_ideas.list_ideas, methods=["GET"]
                ),
                Route("/events/{code}/ideas/{idea_id}", api_ideas.patch_idea, methods=["PATCH"]),
                Route("/events/{code}/export.json", report.export_api, methods=["GET"]),
                Route("/events/{code}/setup", api_setup.get_setup, methods=["GET"]),
                Route("/events/{code}/setup", api_setup.put_setup, methods=["PUT"]),
                WebSocketRoute("/events/{code}/rooms/{room_id}/ws", sockets.api_socket),
            ],
        ),
        # CSS, scripts, vendored htmx: hashed names kept for a year, plain names briefly
        Route("/static/{path:path}", static.serve, methods=["GET"]),
    ]
