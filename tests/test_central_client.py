# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Layer 1: the client side's HTTP client of central, with central mocked by ``responses``."""

import json
import logging

import pytest
import requests
import responses

from fusion_helpdesk import central_client

CENTRAL = "https://central.example.com"
KEY = "fhk-secret-4f0c2e9a7b1d"
TICKETS = CENTRAL + "/fusion_helpdesk_central/api/v1/tickets"
PING = CENTRAL + "/fusion_helpdesk_central/api/v1/ping"
MESSAGES = TICKETS + "/42/messages"


def payload(**overrides):
    values = {
        "subject": "Printer on fire",
        "description": "Smoke from tray 2.",
        "requester_name": "Erin Employee",
        "requester_email": "erin@acme.example.com",
        "client_ref": 7,
        "owner_email": "owner@acme.example.com",
        "owner_name": "Olivia Owner",
    }
    values.update(overrides)
    return central_client.build_ticket_payload(**values)


# --------------------------------------------------------------------------- payload
def test_payload_carries_ticket_requester_and_owner():
    assert payload() == {
        "subject": "Printer on fire",
        "description": "Smoke from tray 2.",
        "requester_name": "Erin Employee",
        "requester_email": "erin@acme.example.com",
        "client_ref": "7",
        "owner_email": "owner@acme.example.com",
        "owner_name": "Olivia Owner",
    }


@pytest.mark.parametrize("unset", [None, "", "   "])
def test_payload_omits_owner_fields_when_unset(unset):
    data = payload(owner_email=unset, owner_name=unset)
    assert "owner_email" not in data
    assert "owner_name" not in data
    assert data["subject"] == "Printer on fire"


def test_payload_sends_each_owner_field_on_its_own():
    assert payload(owner_name=None)["owner_email"] == "owner@acme.example.com"
    assert "owner_name" not in payload(owner_name=None)
    assert payload(owner_email="")["owner_name"] == "Olivia Owner"
    assert "owner_email" not in payload(owner_email="")


def test_payload_trims_subject_and_owner_and_fills_missing_texts():
    data = payload(
        subject="  Printer  ",
        description=None,
        requester_email=False,
        owner_email=" owner@acme.example.com ",
    )
    assert data["subject"] == "Printer"
    assert data["description"] == ""
    assert data["requester_email"] == ""
    assert data["owner_email"] == "owner@acme.example.com"


# --------------------------------------------------------------------------- submit
@responses.activate
def test_submit_posts_json_with_bearer_key_and_returns_the_number():
    responses.post(TICKETS, json={"id": 42, "number": "HT0042"}, status=201)
    result = central_client.submit_ticket(CENTRAL + "//", KEY, payload())
    assert result == {"id": 42, "number": "HT0042"}
    request = responses.calls[0].request
    assert request.url == TICKETS
    assert request.headers["Authorization"] == "Bearer " + KEY
    assert json.loads(request.body)["owner_email"] == "owner@acme.example.com"
    assert json.loads(request.body)["client_ref"] == "7"


@responses.activate
def test_submit_401_is_a_refusal_with_centrals_message():
    responses.post(
        TICKETS, json={"error": {"field": None, "message": "Unknown client key."}}, status=401
    )
    with pytest.raises(central_client.CentralRefused) as caught:
        central_client.submit_ticket(CENTRAL, KEY, payload())
    assert caught.value.status == 401
    assert caught.value.field is None
    assert str(caught.value) == "Unknown client key."


@responses.activate
def test_submit_400_surfaces_field_and_message():
    responses.post(
        TICKETS,
        json={"error": {"field": "requester_email", "message": "Not an email address."}},
        status=400,
    )
    with pytest.raises(central_client.CentralRefused) as caught:
        central_client.submit_ticket(CENTRAL, KEY, payload(requester_email="nope"))
    assert caught.value.status == 400
    assert caught.value.field == "requester_email"
    assert caught.value.message == "Not an email address."


@pytest.mark.parametrize(
    "status, headers, message, expected_message, retry_after",
    [
        (413, {}, "", "too large", None),
        (429, {"Retry-After": "120"}, "", "too many failed attempts", 120),
        (429, {"Retry-After": "Wed, 21 Oct 2026 07:28:00 GMT"}, "", "too many", None),
        (401, {}, "", "does not accept this client key", None),
        (404, {}, "", "does not know this ticket", None),
        (403, {}, "", "refused the request (error 403)", None),
    ],
)
@responses.activate
def test_api_refusals_without_a_message_get_a_readable_one(
    status, headers, message, expected_message, retry_after
):
    responses.post(
        TICKETS,
        json={"error": {"field": None, "message": message}},
        status=status,
        headers=headers,
    )
    with pytest.raises(central_client.CentralRefused) as caught:
        central_client.submit_ticket(CENTRAL, KEY, payload())
    assert caught.value.status == status
    assert expected_message in str(caught.value)
    assert caught.value.retry_after == retry_after


@pytest.mark.parametrize(
    "status, content_type, body",
    [
        # What Odoo answers when its first query fails (database restarting).
        (404, "text/html; charset=utf-8", "<!DOCTYPE html><title>404: Not Found</title>"),
        (403, "text/html; charset=utf-8", "<html><body>Forbidden</body></html>"),
        (401, "text/html", "<html>nope</html>"),
        (413, "text/plain", "Request Entity Too Large"),
        (429, "text/plain", ""),
        # The API's shape, but not as the API sends it.
        (404, "text/html", '{"error": {"field": null, "message": "No such ticket."}}'),
        # JSON, but not the API's error body.
        (404, "application/json", "not json at all"),
        (400, "application/json", '["unexpected"]'),
        (413, "application/json", '{"error": "Body too large."}'),
        (404, "application/json", '{"error": {"field": null}}'),
        (404, "application/json", '{"detail": "Not Found"}'),
    ],
)
@responses.activate
def test_errors_the_api_did_not_give_are_transient_not_refusals(status, content_type, body):
    responses.post(TICKETS, body=body, status=status, content_type=content_type)
    with pytest.raises(central_client.CentralNotApiAnswer) as caught:
        central_client.submit_ticket(CENTRAL, KEY, payload())
    assert not isinstance(caught.value, central_client.CentralRefused)
    assert isinstance(caught.value, central_client.CentralUnreachable)
    assert caught.value.status == status
    assert "error %d" % status in str(caught.value)
    assert "try again later" in str(caught.value)


@responses.activate
def test_an_api_refusal_with_a_charset_and_a_bad_field_is_still_a_refusal():
    responses.post(
        TICKETS,
        body='{"error": {"field": 7, "message": " Not found. "}}',
        status=404,
        content_type="application/json; charset=utf-8",
    )
    with pytest.raises(central_client.CentralRefused) as caught:
        central_client.submit_ticket(CENTRAL, KEY, payload())
    assert caught.value.status == 404
    assert caught.value.field is None
    assert caught.value.message == "Not found."


@pytest.mark.parametrize(
    "error, expected",
    [
        (requests.ConnectTimeout("connect timed out"), "did not answer in time"),
        (requests.ReadTimeout("read timed out"), "did not answer in time"),
        (requests.ConnectionError("Connection refused"), "could not be reached"),
    ],
)
@responses.activate
def test_submit_network_failures_are_unreachable(error, expected):
    responses.post(TICKETS, body=error)
    with pytest.raises(central_client.CentralUnreachable) as caught:
        central_client.submit_ticket(CENTRAL, KEY, payload())
    assert expected in str(caught.value)


def test_submit_uses_short_timeouts(monkeypatch):
    seen = {}

    def fake_request(method, url, **kwargs):
        seen.update(kwargs)
        raise requests.ConnectionError("stop here")

    monkeypatch.setattr(central_client.requests, "request", fake_request)
    with pytest.raises(central_client.CentralUnreachable):
        central_client.submit_ticket(CENTRAL, KEY, payload())
    assert isinstance(seen["timeout"], (int, float)) and seen["timeout"] <= 10
    assert seen["allow_redirects"] is False


@pytest.mark.parametrize("status", [500, 502, 503])
@responses.activate
def test_submit_server_errors_are_unreachable(status):
    responses.post(TICKETS, body="oops", status=status)
    with pytest.raises(central_client.CentralUnreachable) as caught:
        central_client.submit_ticket(CENTRAL, KEY, payload())
    assert "temporarily unavailable (error %d)" % status in str(caught.value)


@responses.activate
def test_submit_redirect_is_not_followed():
    responses.post(TICKETS, status=301, headers={"Location": "https://elsewhere.example.com/"})
    with pytest.raises(central_client.CentralBadResponse) as caught:
        central_client.submit_ticket(CENTRAL, KEY, payload())
    assert "https://elsewhere.example.com/" in str(caught.value)
    assert len(responses.calls) == 1


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        json.dumps({"id": "42", "number": "HT0042"}),
        json.dumps({"id": 42}),
        json.dumps({"id": True, "number": "HT1"}),
        json.dumps([42]),
    ],
)
@responses.activate
def test_submit_bad_answers_are_bad_responses(body):
    responses.post(TICKETS, body=body, status=201, content_type="application/json")
    with pytest.raises(central_client.CentralBadResponse):
        central_client.submit_ticket(CENTRAL, KEY, payload())


@pytest.mark.parametrize(
    "url, key, setting, expected",
    [
        ("", KEY, "central_url", "URL is not configured"),
        (None, KEY, "central_url", "URL is not configured"),
        ("central.example.com", KEY, "central_url", "must start with https://"),
        ("ftp://central.example.com", KEY, "central_url", "must start with https://"),
        ("https://central.example.com/?x=1", KEY, "central_url", "must not contain"),
        (CENTRAL, "", "client_key", "client key is not configured"),
        (CENTRAL, "   ", "client_key", "client key is not configured"),
        (CENTRAL, None, "client_key", "client key is not configured"),
    ],
)
@responses.activate
def test_missing_configuration_sends_nothing(url, key, setting, expected):
    with pytest.raises(central_client.CentralNotConfigured) as caught:
        central_client.submit_ticket(url, key, payload())
    assert caught.value.setting == setting
    assert expected in str(caught.value)
    assert not responses.calls


def test_base_url_is_normalised():
    assert central_client.normalize_base_url("  https://c.example.com/odoo/// ") == (
        "https://c.example.com/odoo"
    )
    assert central_client.api_url("http://c.example.com:8069/", "/ping") == (
        "http://c.example.com:8069/fusion_helpdesk_central/api/v1/ping"
    )


def test_errors_share_one_base_class():
    for error in (
        central_client.CentralNotConfigured,
        central_client.CentralUnreachable,
        central_client.CentralBadResponse,
        central_client.CentralRefused,
    ):
        assert issubclass(error, central_client.CentralError)


# --------------------------------------------------------------------------- thread
THREAD = {
    "ticket": {
        "id": 42,
        "number": "HT0042",
        "name": "Printer on fire",
        "stage": "In Progress",
        "engagement_state": "approved",
    },
    "messages": [
        {
            "id": 1,
            "author": "Eddie Engineer",
            "date": "2026-05-27 09:00:00",
            "body": "<p>We will replace the fuser.</p>",
            "decision": None,
        },
        {
            "id": 2,
            "author": "Olivia Owner",
            "date": "2026-05-27 10:30:00",
            "body": "<p>Approved</p>",
            "decision": {"state": "approved", "comment": "Go ahead."},
        },
    ],
}


@responses.activate
def test_fetch_messages_returns_ticket_and_messages_in_order():
    responses.get(MESSAGES, json=THREAD)
    thread = central_client.fetch_messages(CENTRAL + "/", KEY, 42)
    assert thread["ticket"]["stage"] == "In Progress"
    assert thread["ticket"]["engagement_state"] == "approved"
    assert [m["author"] for m in thread["messages"]] == ["Eddie Engineer", "Olivia Owner"]
    assert thread["messages"][0]["decision"] is None
    assert thread["messages"][1]["decision"] == {"state": "approved", "comment": "Go ahead."}
    assert responses.calls[0].request.headers["Authorization"] == "Bearer " + KEY


@responses.activate
def test_fetch_messages_tolerates_missing_optional_parts():
    responses.get(
        MESSAGES,
        json={
            "ticket": {"engagement_state": "weird"},
            "messages": [{"author": None, "body": 3, "decision": {"state": "rejected"}}],
        },
    )
    thread = central_client.fetch_messages(CENTRAL, KEY, 42)
    assert thread["ticket"] == {
        "id": None,
        "number": "",
        "name": "",
        "stage": "",
        "engagement_state": "none",
        "engagement": None,
        "estimate_hours": 0.0,
        "estimate_amount": 0.0,
        "currency": "",
        "auto_approved": False,
    }
    assert thread["messages"] == [
        {
            "id": None,
            "author": "",
            "date": "",
            "body": "",
            "decision": {"state": "rejected", "comment": ""},
            "attachments": [],
        }
    ]


@responses.activate
def test_fetch_messages_without_ticket_block_still_reads_messages():
    responses.get(MESSAGES, json={"messages": []})
    thread = central_client.fetch_messages(CENTRAL, KEY, 42)
    assert thread["messages"] == []
    assert thread["ticket"]["engagement_state"] == "none"


@pytest.mark.parametrize(
    "body",
    [
        {"messages": "nope"},
        {"ticket": {}},
        {"messages": ["text"]},
        {"messages": [{"decision": {"state": "maybe"}}]},
        {"messages": [{"decision": "approved"}]},
    ],
)
@responses.activate
def test_fetch_messages_bad_shapes_are_bad_responses(body):
    responses.get(MESSAGES, json=body)
    with pytest.raises(central_client.CentralBadResponse):
        central_client.fetch_messages(CENTRAL, KEY, 42)


@responses.activate
def test_fetch_messages_of_another_keys_ticket_is_a_404_refusal():
    responses.get(MESSAGES, json={"error": {"field": None, "message": "Not found."}}, status=404)
    with pytest.raises(central_client.CentralRefused) as caught:
        central_client.fetch_messages(CENTRAL, KEY, 42)
    assert caught.value.status == 404


@pytest.mark.parametrize("central_id", [0, None, -3, "42", False])
@responses.activate
def test_fetch_messages_needs_a_central_id(central_id):
    with pytest.raises(central_client.CentralNotConfigured) as caught:
        central_client.fetch_messages(CENTRAL, KEY, central_id)
    assert caught.value.setting == "central_id"
    assert not responses.calls


# --------------------------------------------------------------------------- ping
@responses.activate
def test_ping_returns_the_client_name_central_knows():
    responses.get(PING, json={"ok": True, "client": "Acme Corp"})
    assert central_client.ping(CENTRAL, KEY) == {"ok": True, "client": "Acme Corp"}
    assert responses.calls[0].request.headers["Authorization"] == "Bearer " + KEY


@responses.activate
def test_ping_with_a_rejected_key_is_a_401_refusal():
    responses.get(PING, json={"error": {"field": None, "message": "Unknown key."}}, status=401)
    with pytest.raises(central_client.CentralRefused) as caught:
        central_client.ping(CENTRAL, KEY)
    assert caught.value.status == 401


@pytest.mark.parametrize("body", [{"ok": False}, {"client": "x"}, ["ok"]])
@responses.activate
def test_ping_unexpected_answer_is_a_bad_response(body):
    responses.get(PING, json=body)
    with pytest.raises(central_client.CentralBadResponse):
        central_client.ping(CENTRAL, KEY)


# --------------------------------------------------------------------------- secrecy
@responses.activate
def test_the_key_never_reaches_logs_or_error_messages(caplog):
    caplog.set_level(logging.DEBUG)
    responses.post(TICKETS, json={"id": 1, "number": "HT1"}, status=201)
    responses.get(PING, json={"error": {"field": None, "message": "Unknown key."}}, status=401)
    responses.get(MESSAGES, body=requests.ConnectionError("refused by %s" % CENTRAL))
    responses.get(TICKETS + "/43/messages", body=requests.ReadTimeout("read timed out"))
    central_client.submit_ticket(CENTRAL, KEY, payload())
    errors = []
    for call in (
        lambda: central_client.ping(CENTRAL, KEY),
        lambda: central_client.fetch_messages(CENTRAL, KEY, 42),
        lambda: central_client.fetch_messages(CENTRAL, KEY, 43),
    ):
        with pytest.raises(central_client.CentralError) as caught:
            call()
        errors.append(caught.value)
    assert caplog.records, "the calls are logged (without the key)"
    assert KEY not in caplog.text
    for error in errors:
        assert KEY not in str(error) and KEY not in repr(error)
        assert KEY not in repr(error.__cause__)


@pytest.mark.parametrize("key", ["abc\u200bdef", "clé-secrète", "two words", "tab\there"])
def test_a_mangled_key_is_a_configuration_error_not_a_crash(key):
    with pytest.raises(central_client.CentralNotConfigured) as caught:
        central_client.ping(CENTRAL, key)
    assert caught.value.setting == "client_key"
    assert key not in str(caught.value)


@pytest.mark.parametrize(
    "url, encrypted",
    [
        ("https://central.example.com", True),
        ("http://central.example.com/", False),
        ("http://127.0.0.1:8069", True),
        ("http://localhost:8069", True),
        ("", False),
        (None, False),
    ],
)
def test_is_encrypted_tells_when_the_key_would_travel_in_clear(url, encrypted):
    assert central_client.is_encrypted(url) is encrypted


# --------------------------------------------------------------------------- client reference
def test_client_refs_are_random_uuid4_strings_central_accepts():
    refs = {central_client.new_client_ref() for _index in range(50)}
    assert len(refs) == 50
    for ref in refs:
        assert len(ref) == 36
        assert central_client.CLIENT_REF_RE.fullmatch(ref)
        assert ref[14] == "4"  # version 4: random, not derived from the database


def test_payload_sends_the_reference_as_given():
    ref = central_client.new_client_ref()
    assert payload(client_ref=ref)["client_ref"] == ref


@responses.activate
def test_submit_409_is_a_conflict_that_names_the_reference():
    responses.post(
        TICKETS,
        json={
            "error": {
                "field": "client_ref",
                "message": "A different ticket was already sent with this reference.",
            }
        },
        status=409,
    )
    with pytest.raises(central_client.CentralConflict) as caught:
        central_client.submit_ticket(CENTRAL, KEY, payload())
    assert isinstance(caught.value, central_client.CentralRefused)
    assert caught.value.status == 409
    assert caught.value.field == "client_ref"
    assert caught.value.message == "A different ticket was already sent with this reference."
    assert caught.value.retry_after is None


@responses.activate
def test_submit_409_without_a_message_still_explains_the_conflict():
    responses.post(TICKETS, json={"error": {"field": None, "message": ""}}, status=409)
    with pytest.raises(central_client.CentralConflict) as caught:
        central_client.submit_ticket(CENTRAL, KEY, payload())
    assert "already has a different ticket with this reference" in str(caught.value)
    assert caught.value.field is None


@responses.activate
def test_submit_409_not_from_the_api_is_no_conflict():
    # A proxy's 409 page says nothing about the ticket: sending it again may work.
    responses.post(TICKETS, body="Conflict", status=409)
    with pytest.raises(central_client.CentralNotApiAnswer):
        central_client.submit_ticket(CENTRAL, KEY, payload())


# --------------------------------------------------------------------------- subject
@pytest.mark.parametrize(
    "subject, expected",
    [
        ("invoice\u202egpj.exe", "invoicegpj.exe"),
        ("\u2066Printer\u2069 on fire\u202c", "Printer on fire"),
        ("\u202a\u202b\u202d  VPN  \u2067\u2068", "VPN"),
        # The wire rules drop the directional marks too (central stores the
        # subject without them); joiners that scripts need are kept.
        ("\u05e9\u05dc\u05d5\u05dd\u200f ok", "\u05e9\u05dc\u05d5\u05dd ok"),
        ("\U0001f469\u200d\U0001f4bb laptop", "\U0001f469\u200d\U0001f4bb laptop"),
        (None, ""),
    ],
)
def test_clean_subject_strips_bidi_controls_and_spaces(subject, expected):
    assert central_client.clean_subject(subject) == expected
    assert payload(subject=subject)["subject"] == expected


def test_every_bidi_control_of_the_spec_is_stripped():
    controls = [chr(code) for code in range(0x202A, 0x202F)] + [
        chr(code) for code in range(0x2066, 0x206A)
    ]
    assert set(controls) == central_client.BIDI_CONTROLS
    assert central_client.clean_subject("a".join(controls)) == "a" * (len(controls) - 1)


@pytest.mark.parametrize(
    "text",
    [
        "",
        None,
        "   \n\t",
        "\u200b\u200c\u200d",
        "\u202e\u2066\u2069",
        "\ufeff\u2060\u00ad",
        "\u3164\u2800 \u115f",
        "\u200e\u200f\u061c",
    ],
)
def test_blank_texts_show_nothing(text):
    assert central_client.is_blank(text)


@pytest.mark.parametrize("text", ["a", "\u200b.", "\u202e\u05d0", "\U0001f525"])
def test_texts_with_a_visible_character_are_not_blank(text):
    assert not central_client.is_blank(text)


# --------------------------------------------------------------------------- owner email
@pytest.mark.parametrize(
    "email", ["owner@acme.example.com", "o.w+ner@acme.co", "x@xn--bcher-kva.example"]
)
def test_valid_owner_emails(email):
    assert central_client.is_valid_email(email)


@pytest.mark.parametrize(
    "email",
    [
        "owner",
        "owner@",
        "@acme.example.com",
        "owner@acme",
        "Olivia <owner@acme.example.com>",
        "owner@acme.example.com, boss@acme.example.com",
        "own er@acme.example.com",
        "owner@acme..example.com",
        "ownér@acme.example.com",
        "x" * 65 + "@acme.example.com",
        "x@" + "a" * 250 + ".com",
        None,
        42,
    ],
)
def test_invalid_owner_emails(email):
    assert not central_client.is_valid_email(email)


# --------------------------------------------------------------------------- thread HTML
def fragment(html):
    from lxml import html as lxml_html

    return lxml_html.fragment_fromstring(central_client.strip_remote_resources(html))


def test_remote_images_become_links_that_load_nothing():
    root = fragment(
        '<p>Before <img src="https://tracker.example/p.gif" alt="pixel"> after</p>'
        '<img src="//tracker.example/q.gif"><img src="http://tracker.example/r.gif">'
    )
    assert not root.xpath("//img")
    links = root.xpath("//a")
    assert [link.get("href") for link in links] == [
        "https://tracker.example/p.gif",
        "https://tracker.example/q.gif",
        "http://tracker.example/r.gif",
    ]
    assert [link.text for link in links] == ["[image: pixel]", "[image]", "[image]"]
    assert all(link.get("rel") == "noopener noreferrer" for link in links)
    assert "Before" in root.text_content() and "after" in root.text_content()


@pytest.mark.parametrize(
    "src", ["/web/session/logout", "web/image/1", "javascript:alert(1)", "", "cid:part1"]
)
def test_other_image_sources_become_plain_text(src):
    root = fragment('<p><img src="%s">tail</p>' % src)
    assert not root.xpath("//img") and not root.xpath("//a")
    assert root.text_content() == "[image]tail"


def test_inline_images_stay_without_their_handlers():
    root = fragment(
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="chart" onerror="x()" '
        'srcset="https://tracker.example/2x.gif 2x" width="10">'
    )
    [img] = root.xpath("//img")
    assert dict(img.attrib) == {
        "src": "data:image/png;base64,iVBORw0KGgo=",
        "alt": "chart",
        "width": "10",
    }


def test_css_backgrounds_srcset_media_and_frames_are_removed():
    html = (
        '<div style="background:url(https://tracker.example/bg.gif)">a</div>'
        '<div style="background-image: U\\52L(https://tracker.example/e.gif)">b</div>'
        '<p style="color: red">kept style</p>'
        '<table background="https://tracker.example/t.gif"><tr><td>c</td></tr></table>'
        '<picture><source srcset="https://tracker.example/s.gif"></picture>'
        '<video poster="https://tracker.example/v.gif" src="https://tracker.example/v.mp4">'
        "</video><audio src='https://tracker.example/a.mp3'></audio>"
        '<iframe src="https://tracker.example/f"></iframe>'
        "<style>p{background:url(https://tracker.example/s.gif)}</style>"
        '<link rel="stylesheet" href="https://tracker.example/c.css">'
        '<svg><image href="https://tracker.example/svg.gif"></image>'
        '<use xlink:href="https://tracker.example/u.svg#a"></use></svg>'
        '<input type="image" src="https://tracker.example/i.gif">'
        '<a href="https://example.com/doc" ping="https://tracker.example/ping">doc</a>'
        "<!-- a comment -->end"
    )
    result = central_client.strip_remote_resources(html)
    assert "tracker.example" not in result
    root = fragment(html)
    assert root.xpath("//p")[0].get("style") == "color: red"
    assert root.xpath("//a")[0].get("href") == "https://example.com/doc"
    assert root.text_content().endswith("end")
    for text in ("a", "b", "c", "kept style", "doc"):
        assert text in root.text_content()


@pytest.mark.parametrize("html", ["", "   ", None])
def test_empty_bodies_stay_empty(html):
    assert central_client.strip_remote_resources(html) == ""


# --------------------------------------------------------------------------- sync feed
UPDATES = CENTRAL + "/fusion_helpdesk_central/api/v1/updates"


def feed_ticket(**overrides):
    ticket = {
        "id": 42,
        "number": "HT00042",
        "name": "Printer on fire",
        "stage": "In Progress",
        "engagement_state": "approved",
        "messages": [
            {
                "id": 7,
                "author": "Olivia Owner",
                "date": "2026-05-27 10:30:00",
                "body": "<p>Go.</p>",
                "decision": {"state": "approved", "comment": "Go."},
            }
        ],
    }
    ticket.update(overrides)
    return ticket


@responses.activate
def test_fetch_updates_sends_the_cursor_and_returns_cleaned_tickets():
    responses.get(UPDATES, json={"cursor": "c1.9", "more": True, "tickets": [feed_ticket()]})
    result = central_client.fetch_updates(CENTRAL, KEY, after="c1.5", limit=50)
    request = responses.calls[0].request
    assert request.url == UPDATES + "?after=c1.5&limit=50"
    assert request.headers["Authorization"] == "Bearer " + KEY
    assert result["cursor"] == "c1.9"
    assert result["more"] is True
    (ticket,) = result["tickets"]
    assert ticket["id"] == 42
    assert ticket["engagement_state"] == "approved"
    assert ticket["messages"][0]["decision"] == {"state": "approved", "comment": "Go."}


@responses.activate
def test_fetch_updates_cleans_the_latest_approval_round():
    engagement = {
        "state": "pending",
        "owner": "Dana\r\nBcc: x@evil.example.com",
        "comment": "",
        "delegated_by": "Olivia <olivia@acme.example.com>",
        "auto_approved": "yes",
        "extra": "dropped",
    }
    odd = {"state": "superseded", "owner": 5, "comment": None, "auto_approved": True}
    responses.get(
        UPDATES,
        json={
            "cursor": "c1.9",
            "tickets": [
                feed_ticket(engagement=engagement),
                feed_ticket(id=43, engagement=odd),
                feed_ticket(id=44, engagement="approved"),
                feed_ticket(id=45),
            ],
        },
    )
    tickets = central_client.fetch_updates(CENTRAL, KEY)["tickets"]
    assert tickets[0]["engagement"] == {
        "state": "pending",
        "owner": "Dana Bcc: x evil.example.com",
        "comment": "",
        "delegated_by": "Olivia olivia acme.example.com",
        "auto_approved": False,
    }
    assert tickets[1]["engagement"] == {
        "state": "none",
        "owner": "",
        "comment": "",
        "delegated_by": "",
        "auto_approved": True,
    }
    assert tickets[2]["engagement"] is None
    assert tickets[3]["engagement"] is None


@responses.activate
def test_fetch_updates_without_cursor_asks_from_the_beginning():
    responses.get(UPDATES, json={"cursor": "c1.0", "tickets": []})
    result = central_client.fetch_updates(CENTRAL, KEY)
    assert responses.calls[0].request.url == UPDATES
    assert result == {"cursor": "c1.0", "more": False, "tickets": [], "resync": False}


@responses.activate
def test_fetch_updates_says_when_central_asks_for_a_full_resync():
    responses.get(UPDATES, json={"cursor": "c1.50", "tickets": [], "resync": True})
    assert central_client.fetch_updates(CENTRAL, KEY, after="c1.3")["resync"] is True
    responses.replace(responses.GET, UPDATES, json={"cursor": "c1.50", "tickets": [], "resync": 1})
    assert central_client.fetch_updates(CENTRAL, KEY, after="c1.3")["resync"] is False


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"tickets": []},
        {"cursor": "", "tickets": []},
        {"cursor": 5, "tickets": []},
        {"cursor": "c1.1", "tickets": {}},
        {"cursor": "c1.1", "tickets": ["x"]},
        {"cursor": "c1.1", "tickets": [feed_ticket(id="42")]},
        {"cursor": "c1.1", "tickets": [feed_ticket(messages=None)]},
        {"cursor": "c1.1", "tickets": [feed_ticket(messages=["x"])]},
    ],
)
@responses.activate
def test_fetch_updates_bad_shapes_are_bad_responses(body):
    responses.get(UPDATES, json=body)
    with pytest.raises(central_client.CentralBadResponse):
        central_client.fetch_updates(CENTRAL, KEY)


@responses.activate
def test_fetch_updates_when_central_is_down_is_unreachable():
    responses.get(UPDATES, body=requests.ConnectionError("refused"))
    with pytest.raises(central_client.CentralUnreachable):
        central_client.fetch_updates(CENTRAL, KEY, after="c1.5")


# --------------------------------------------------------------------------- replies
def test_message_payload_carries_the_idempotency_key_only_when_given():
    assert central_client.build_message_payload("Hi", "Erin", "erin@acme.example.com") == {
        "body": "Hi",
        "author_name": "Erin",
        "author_email": "erin@acme.example.com",
    }
    payload = central_client.build_message_payload(None, None, None, idempotency_key="k" * 32)
    assert payload == {
        "body": "",
        "author_name": "",
        "author_email": "",
        "idempotency_key": "k" * 32,
    }


@responses.activate
def test_post_message_posts_json_and_returns_centrals_message_id():
    responses.post(MESSAGES, json={"id": 99}, status=201)
    body = central_client.build_message_payload("Hi", "Erin", "erin@acme.example.com", "k" * 32)
    assert central_client.post_message(CENTRAL, KEY, 42, body) == {"id": 99}
    request = responses.calls[0].request
    assert request.headers["Authorization"] == "Bearer " + KEY
    assert json.loads(request.body) == body


@pytest.mark.parametrize("body", [{}, {"id": "99"}, [], {"id": True}])
@responses.activate
def test_post_message_bad_answers_are_bad_responses(body):
    responses.post(MESSAGES, json=body, status=201)
    with pytest.raises(central_client.CentralBadResponse):
        central_client.post_message(CENTRAL, KEY, 42, {"body": "Hi"})


@responses.activate
def test_post_message_refusal_names_the_field():
    responses.post(MESSAGES, json={"error": {"field": "body", "message": "Too long."}}, status=400)
    with pytest.raises(central_client.CentralRefused) as caught:
        central_client.post_message(CENTRAL, KEY, 42, {"body": "x"})
    assert caught.value.field == "body"


@pytest.mark.parametrize("central_id", [None, 0, -1, "42", True])
def test_post_message_needs_a_central_id(central_id):
    with pytest.raises(central_client.CentralNotConfigured) as caught:
        central_client.post_message(CENTRAL, KEY, central_id, {"body": "x"})
    assert caught.value.setting == "central_id"


@responses.activate
def test_fetch_messages_reads_changes_requested_and_expired():
    responses.get(
        MESSAGES,
        json={
            "ticket": {"engagement_state": "changes_requested"},
            "messages": [
                {"decision": {"state": "changes_requested", "comment": "After the audit"}}
            ],
        },
    )
    thread = central_client.fetch_messages(CENTRAL, KEY, 42)
    assert thread["ticket"]["engagement_state"] == "changes_requested"
    assert thread["messages"][0]["decision"] == {
        "state": "changes_requested",
        "comment": "After the audit",
    }
    responses.get(MESSAGES, json={"ticket": {"engagement_state": "expired"}, "messages": []})
    assert (
        central_client.fetch_messages(CENTRAL, KEY, 42)["ticket"]["engagement_state"] == "expired"
    )


# --------------------------------------------------------------------------- policy
POLICY = CENTRAL + "/fusion_helpdesk_central/api/v1/policy"


@responses.activate
def test_put_policy_sends_json_and_returns_the_stored_policy():
    stored = {"budget_monthly": 1000.0, "currency": "EUR", "budget_used_month": 300.0}
    responses.put(POLICY, json=stored)
    body = {"budget_monthly": 1000.0, "currency": "EUR"}
    assert central_client.put_policy(CENTRAL, KEY, body) == stored
    request = responses.calls[0].request
    assert request.method == "PUT"
    assert request.headers["Authorization"] == "Bearer " + KEY
    assert json.loads(request.body) == body


@pytest.mark.parametrize("body", [[], {"currency": "EUR"}])
@responses.activate
def test_put_policy_bad_answers_are_bad_responses(body):
    responses.put(POLICY, json=body)
    with pytest.raises(central_client.CentralBadResponse):
        central_client.put_policy(CENTRAL, KEY, {})


@responses.activate
def test_put_policy_refusal_names_the_field():
    error = {"error": {"field": "away_from", "message": "Must be a date written YYYY-MM-DD."}}
    responses.put(POLICY, json=error, status=400)
    with pytest.raises(central_client.CentralRefused) as caught:
        central_client.put_policy(CENTRAL, KEY, {"away_from": "soon"})
    assert (caught.value.status, caught.value.field) == (400, "away_from")


@responses.activate
def test_fetch_updates_carries_the_estimate_of_the_latest_request():
    good = feed_ticket(estimate_hours=2.5, estimate_amount=300, currency="EUR", auto_approved=True)
    responses.get(UPDATES, json={"cursor": "c1.9", "tickets": [good]})
    (ticket,) = central_client.fetch_updates(CENTRAL, KEY)["tickets"]
    assert (ticket["estimate_hours"], ticket["estimate_amount"]) == (2.5, 300.0)
    assert (ticket["currency"], ticket["auto_approved"]) == ("EUR", True)


@pytest.mark.parametrize(
    "hours, amount, currency, auto",
    [(None, "300", "eur", "yes"), (True, -1, 3, 1), (float("nan"), float("inf"), "EURO", None)],
)
@responses.activate
def test_fetch_updates_drops_a_malformed_estimate(hours, amount, currency, auto):
    bad = feed_ticket(
        estimate_hours=hours, estimate_amount=amount, currency=currency, auto_approved=auto
    )
    responses.get(UPDATES, json={"cursor": "c1.9", "tickets": [bad]})
    (ticket,) = central_client.fetch_updates(CENTRAL, KEY)["tickets"]
    assert (ticket["estimate_hours"], ticket["estimate_amount"]) == (0.0, 0.0)
    assert (ticket["currency"], ticket["auto_approved"]) == ("", False)


@responses.activate
def test_get_policy_returns_the_use_of_the_budget():
    stored = {"budget_monthly": 1000.0, "currency": "EUR", "budget_used_month": 300.0}
    responses.get(POLICY, json=stored)
    assert central_client.get_policy(CENTRAL, KEY) == stored


@responses.activate
def test_get_policy_bad_answer_is_a_bad_response():
    responses.get(POLICY, json={"ok": True})
    with pytest.raises(central_client.CentralBadResponse):
        central_client.get_policy(CENTRAL, KEY)
