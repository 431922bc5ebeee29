# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Layer 1: files in the client's HTTP client of central (limits, payloads,
the thread's file lists, downloads), with central mocked by ``responses``."""

import base64

import pytest
import responses

from fusion_helpdesk import central_client
from fusion_helpdesk_central import intake

CENTRAL = "https://central.example.com"
KEY = "fhk-secret-4f0c2e9a7b1d"
TICKETS = CENTRAL + "/fusion_helpdesk_central/api/v1/tickets"
MB = 1024 * 1024


def test_the_clients_limits_are_centrals():
    assert central_client.ATTACHMENT_MAX_COUNT == intake.ATTACHMENT_MAX_COUNT
    assert central_client.ATTACHMENT_MAX_BYTES == intake.ATTACHMENT_MAX_BYTES
    assert central_client.ATTACHMENT_MAX_TOTAL_BYTES == intake.ATTACHMENT_MAX_TOTAL_BYTES
    central_endings = {e for __, endings in intake.ATTACHMENT_TYPES.values() for e in endings}
    assert set(central_client.ATTACHMENT_EXTENSIONS) <= central_endings
    assert central_client.ATTACHMENT_MIMETYPES == set(intake.ATTACHMENT_TYPES)


@pytest.mark.parametrize(
    "files, problem",
    [
        ([], None),
        ([("a.png", 1), ("b.PDF", 10 * MB), ("c.log", 9 * MB)], None),
        ([("a.png", 1)] * 6, ("count", 6)),
        ([("big.png", 10 * MB + 1)], ("size", "big.png")),
        ([("a.png", 8 * MB), ("b.png", 8 * MB), ("c.png", 8 * MB)], ("total", None)),
        ([("page.html", 10)], ("type", "page.html")),
        ([("logo.svg", 10)], ("type", "logo.svg")),
        ([("noext", 10)], ("type", "noext")),
    ],
)
def test_attachment_problem_says_what_central_would_refuse(files, problem):
    assert central_client.attachment_problem(files) == problem


def test_ticket_and_reply_payloads_carry_files_in_base64_only_when_there_are_some():
    files = [{"name": "odoo.log", "mimetype": "text/plain", "raw": b"ERROR\n"}]
    ticket = central_client.build_ticket_payload(
        "S", "D", "Erin", "e@acme.example.com", "r", attachments=files
    )
    assert ticket["attachments"] == [
        {
            "name": "odoo.log",
            "mimetype": "text/plain",
            "data": base64.b64encode(b"ERROR\n").decode(),
        }
    ]
    reply = central_client.build_message_payload("B", "Erin", "e@acme.example.com", "k" * 8, files)
    assert reply["attachments"] == ticket["attachments"]
    assert "attachments" not in central_client.build_ticket_payload(
        "S", "D", "E", "e@a.example.com", "r"
    )
    assert "attachments" not in central_client.build_message_payload("B", "E", "e@a.example.com")
    # Central's intake takes what the client builds.
    assert intake.validate_ticket_payload(ticket)["attachments"][0]["raw"] == b"ERROR\n"


@responses.activate
def test_thread_messages_list_their_files_cleaned():
    responses.get(
        TICKETS + "/42/messages",
        json={
            "messages": [
                {
                    "id": 1,
                    "body": "<p>See</p>",
                    "attachments": [
                        {"id": 7, "name": "scan\u202egnp.exe", "size": 12, "mimetype": "image/png"},
                        {
                            "id": 8,
                            "name": "../../etc/x.log\r\n",
                            "size": -3,
                            "mimetype": "text/html",
                        },
                        {"id": "9", "name": "no id"},
                        "junk",
                    ],
                },
                {"id": 2, "body": "<p>old server</p>"},
            ]
        },
    )
    messages = central_client.fetch_messages(CENTRAL, KEY, 42)["messages"]
    assert messages[0]["attachments"] == [
        {"id": 7, "name": "scangnp.exe", "size": 12, "mimetype": "image/png"},
        {"id": 8, "name": "x.log", "size": 0, "mimetype": "application/octet-stream"},
    ]
    assert messages[1]["attachments"] == []


@responses.activate
def test_fetch_attachment_returns_the_bytes_or_centrals_refusal():
    responses.get(TICKETS + "/42/attachments/7", body=b"\x89PNG", content_type="image/png")
    responses.get(
        TICKETS + "/42/attachments/8",
        json={"error": {"field": None, "message": "No such file on this client key's tickets."}},
        status=404,
    )
    assert central_client.fetch_attachment(CENTRAL, KEY, 42, 7) == b"\x89PNG"
    with pytest.raises(central_client.CentralRefused) as info:
        central_client.fetch_attachment(CENTRAL, KEY, 42, 8)
    assert info.value.status == 404
    assert responses.calls[0].request.headers["Authorization"] == "Bearer " + KEY
    with pytest.raises(central_client.CentralRefused):
        central_client.fetch_attachment(CENTRAL, KEY, 42, 0)
    # A ticket central has not numbered yet has no files to fetch, and central
    # is not asked.
    with pytest.raises(central_client.CentralNotConfigured):
        central_client.fetch_attachment(CENTRAL, KEY, 0, 7)
    assert len(responses.calls) == 2


@responses.activate
def test_fetch_attachment_refuses_a_file_larger_than_any_central_takes():
    too_large = b"x" * (central_client.ATTACHMENT_MAX_BYTES + 1)
    responses.get(TICKETS + "/42/attachments/7", body=too_large, content_type="text/plain")
    with pytest.raises(central_client.CentralBadResponse):
        central_client.fetch_attachment(CENTRAL, KEY, 42, 7)
