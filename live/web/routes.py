"""The whole URL surface of the app, in one table."""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from live.views.templating import STATIC_DIR
from live.web import (
    api,
    api_setup,
    pages,
    pages_control,
    pages_program,
    pages_questions,
    pages_report,
    pages_retention,
    pages_setup,
    pages_setup_file,
    sockets,
)


def routes() -> list[BaseRoute]:
    return [
        # pages (German by default, ?lang=en for English)
        Route("/", pages.index, methods=["GET"]),
        Route("/events", pages.create_event, methods=["POST"]),
        Route("/join", pages.join, methods=["GET"]),
        Route("/healthz", api.healthz, methods=["GET"]),
        Route("/e/{code}", pages.participant, methods=["GET"]),
        Route("/e/{code}/screen", pages.screen, methods=["GET"]),
        Route("/e/{code}/moderate", pages.moderate, methods=["GET"]),
        Route("/e/{code}/overlay", pages.overlay, methods=["GET"]),
        Route("/e/{code}/rooms/{room_id}/mood", pages.set_mood, methods=["POST"]),
        # htmx actions of the pages (forms; each also works without JavaScript)
        Route("/e/{code}/polls/{poll_id}/vote", pages.vote, methods=["POST"]),
        Route("/e/{code}/moderate/rooms", pages.mod_add_room, methods=["POST"]),
        Route("/e/{code}/moderate/rooms/{room_id}/polls", pages.mod_create_poll, methods=["POST"]),
        Route("/e/{code}/moderate/rooms/{room_id}/screen", pages.mod_screen, methods=["POST"]),
        Route(
            "/e/{code}/moderate/polls/{poll_id}/{action}", pages.mod_poll_action, methods=["POST"]
        ),
        # Q&A on the pages
        Route("/e/{code}/rooms/{room_id}/questions", pages_questions.ask, methods=["POST"]),
        Route("/e/{code}/questions/{question_id}/upvote", pages_questions.upvote, methods=["POST"]),
        Route(
            "/e/{code}/questions/{question_id}/delete", pages_questions.delete_own, methods=["POST"]
        ),
        Route("/e/{code}/moderate/settings", pages_questions.mod_settings, methods=["POST"]),
        Route(
            "/e/{code}/moderate/rooms/{room_id}/questions/approve-all",
            pages_questions.mod_approve_all,
            methods=["POST"],
        ),
        Route(
            "/e/{code}/moderate/questions/{question_id}/edit",
            pages_questions.mod_edit,
            methods=["GET", "POST"],
        ),
        Route(
            "/e/{code}/moderate/questions/{question_id}/{action}",
            pages_questions.mod_question_action,
            methods=["POST"],
        ),
        # data protection: deleting an event (organiser)
        Route("/e/{code}/delete", pages_retention.delete_event, methods=["GET", "POST"]),
        # the conference report (organiser): printable page, Markdown, CSV, JSON download
        Route("/e/{code}/report", pages_report.report_page, methods=["GET"]),
        Route("/e/{code}/report.md", pages_report.report_markdown, methods=["GET"]),
        Route("/e/{code}/report/polls/{poll_id}.csv", pages_report.poll_csv, methods=["GET"]),
        Route("/e/{code}/report/questions.csv", pages_report.questions_csv, methods=["GET"]),
        Route("/e/{code}/report/export.json", pages_report.export_download, methods=["GET"]),
        # the event setup (organiser) and the program on the participant page
        Route("/e/{code}/setup", pages_setup.setup, methods=["GET"]),
        Route("/e/{code}/setup.json", pages_setup_file.export_json, methods=["GET"]),
        Route("/e/{code}/setup/event", pages_setup.save_event, methods=["POST"]),
        Route("/e/{code}/setup/rooms", pages_setup.add_room, methods=["POST"]),
        Route("/e/{code}/setup/rooms/{room_id}", pages_setup.rename_room, methods=["POST"]),
        Route("/e/{code}/setup/agenda", pages_setup.add_item, methods=["POST"]),
        Route("/e/{code}/setup/agenda/{item_id}", pages_setup.edit_item, methods=["GET", "POST"]),
        Route("/e/{code}/setup/agenda/{item_id}/delete", pages_setup.delete_item, methods=["POST"]),
        Route("/e/{code}/setup/polls/{poll_id}/open", pages_setup.open_poll, methods=["POST"]),
        Route("/e/{code}/setup/import", pages_setup_file.import_setup, methods=["POST"]),
        Route("/e/{code}/program", pages_program.room_program, methods=["GET"]),
        # control room, secret room links, projector control (issue 7)
        Route("/e/{code}/control", pages_control.control, methods=["GET"]),
        Route("/e/{code}/control/rooms", pages_control.control_rooms, methods=["GET"]),
        Route("/e/{code}/screen/now", pages_control.screen_now, methods=["GET"]),
        Route(
            "/e/{code}/moderate/rooms/{room_id}/link",
            pages_control.mod_room_link,
            methods=["POST"],
        ),
        # the pages' push socket (HTML regions for htmx)
        WebSocketRoute("/e/{code}/rooms/{room_id}/live", sockets.page_socket),
        # the public JSON API and socket (../shared/CONTRACT.md, docs/api.md)
        Mount(
            "/api/v1",
            routes=[
                Route("/events", api.create_event, methods=["POST"]),
                Route("/events/{code}", api.get_event, methods=["GET"]),
                Route("/events/{code}", api.delete_event, methods=["DELETE"]),
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
                Route("/events/{code}/rooms/{room_id}/polls", api.create_poll, methods=["POST"]),
                Route("/events/{code}/polls/{poll_id}", api.get_poll, methods=["GET"]),
                Route("/events/{code}/polls/{poll_id}/open", api.open_poll, methods=["POST"]),
                Route("/events/{code}/polls/{poll_id}/close", api.close_poll, methods=["POST"]),
                Route(
                    "/events/{code}/rooms/{room_id}/questions", api.list_questions, methods=["GET"]
                ),
                Route(
                    "/events/{code}/questions/{question_id}", api.patch_question, methods=["PATCH"]
                ),
                Route("/events/{code}/export.json", pages_report.export_api, methods=["GET"]),
                Route("/events/{code}/setup", api_setup.get_setup, methods=["GET"]),
                Route("/events/{code}/setup", api_setup.put_setup, methods=["PUT"]),
                WebSocketRoute("/events/{code}/rooms/{room_id}/ws", sockets.api_socket),
            ],
        ),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]
