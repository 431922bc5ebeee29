# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Layer 1: the files central takes with a ticket or a reply, and those it refuses."""

import base64
import io
import zlib

import pytest

from fusion_helpdesk_central import intake, sync

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
GIF = b"GIF89a" + b"\x00" * 32
WEBP = b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 16
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"
LOG = b"2026-12-04 10:00:01 ERROR printer: \x1b[31mtray 2 jammed\x1b[0m\n\tretrying\n"


def file(name, raw, mimetype):
    return {"name": name, "mimetype": mimetype, "data": base64.b64encode(raw).decode()}


def refusal(files):
    with pytest.raises(intake.IntakeError) as info:
        intake.validate_attachments(files)
    assert info.value.field == "attachments"
    return info.value


@pytest.mark.parametrize(
    "name, raw, declared, stored",
    [
        ("screen.png", PNG, "image/png", "image/png"),
        ("photo.JPG", JPEG, "image/jpeg", "image/jpeg"),
        ("photo.jpeg", JPEG, "image/jpg", "image/jpeg"),
        ("anim.gif", GIF, "image/gif", "image/gif"),
        ("pic.webp", WEBP, "image/webp", "image/webp"),
        ("invoice.pdf", PDF, "application/pdf", "application/pdf"),
        ("odoo.log", LOG, "text/plain", "text/plain"),
        ("odoo.log", LOG, "application/octet-stream", "text/plain"),
        ("export.csv", b"a;b\n1;2\n", "text/csv", "text/plain"),
        ("syslog.txt", b"<134>Dec  4 10:00:01 host cups: paper out\n", "text/plain", "text/plain"),
    ],
)
def test_images_pdf_and_text_logs_are_taken_with_their_sniffed_type(name, raw, declared, stored):
    [taken] = intake.validate_attachments([file(name, raw, declared)])
    assert taken == {"name": name, "mimetype": stored, "raw": raw}


def test_no_attachments_is_no_file():
    assert intake.validate_attachments(None) == []
    assert intake.validate_attachments([]) == []


@pytest.mark.parametrize(
    "name, raw, declared",
    [
        ("page.html", b"<!DOCTYPE html><script>alert(1)</script>", "text/html"),
        # Declared as text, but a browser would render it as a page.
        ("notes.txt", b"  <html><body onload=alert(1)>", "text/plain"),
        ("notes.txt", b"\xef\xbb\xbf<SCRIPT>alert(1)</SCRIPT>", "text/plain"),
        ("notes.log", b"<!-- x --><a href=javascript:alert(1)>", "text/plain"),
        (
            "drawing.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "image/svg+xml",
        ),
        ("drawing.txt", b'<?xml version="1.0"?><svg/>', "text/plain"),
        ("image.png", b'<svg onload="alert(1)"/>', "image/png"),
        # A real PNG declared as text, a PDF named .png, a log named .html.
        ("screen.txt", PNG, "text/plain"),
        ("invoice.png", PDF, "image/png"),
        ("odoo.html", LOG, "text/plain"),
        ("odoo.log", LOG, "text/html"),
        ("tool.exe", b"MZ\x90\x00\x03\x00\x00\x00", "application/octet-stream"),
        ("archive.zip", b"PK\x03\x04\x14\x00", "application/zip"),
        ("binary.log", b"text\x00with NUL", "text/plain"),
        ("latin1.txt", b"caf\xe9", "text/plain"),
    ],
)
def test_unknown_or_active_types_are_refused_with_415(name, raw, declared):
    error = refusal([file(name, raw, declared)])
    assert isinstance(error, intake.UnsupportedMediaType)
    assert error.status == 415
    assert "only images" in error.message


def test_a_file_over_the_size_limit_is_refused_with_413_before_decoding():
    big = PNG + b"\x00" * intake.ATTACHMENT_MAX_BYTES
    error = refusal([file("huge.png", big, "image/png")])
    assert isinstance(error, intake.PayloadTooLarge)
    assert error.status == 413
    assert "huge.png is larger than 10 MB" in error.message


def test_a_file_one_byte_over_the_limit_is_refused_with_413():
    raw = PNG + b"\x00" * (intake.ATTACHMENT_MAX_BYTES + 1 - len(PNG))
    error = refusal([file("over.png", raw, "image/png")])
    assert isinstance(error, intake.PayloadTooLarge)


def test_an_encoded_content_too_long_for_any_file_is_refused_unread():
    """Not even decoded: its length alone says it is too large (413, not 400)."""
    data = "!" * (4 * intake.ATTACHMENT_MAX_BYTES // 3 + 8)
    error = refusal([{"name": "huge.png", "mimetype": "image/png", "data": data}])
    assert isinstance(error, intake.PayloadTooLarge)


def test_a_file_at_the_size_limit_is_taken():
    raw = PNG + b"\x00" * (intake.ATTACHMENT_MAX_BYTES - len(PNG))
    [taken] = intake.validate_attachments([file("max.png", raw, "image/png")])
    assert len(taken["raw"]) == intake.ATTACHMENT_MAX_BYTES


def test_too_many_files_or_too_much_in_all_is_refused_with_413():
    one = file("a.png", PNG, "image/png")
    intake.validate_attachments([one] * intake.ATTACHMENT_MAX_COUNT)
    error = refusal([one] * (intake.ATTACHMENT_MAX_COUNT + 1))
    assert error.status == 413
    assert "at most 5 files" in error.message
    nine = PNG + b"\x00" * (9 * 1024 * 1024)
    error = refusal([file("%d.png" % i, nine, "image/png") for i in range(3)])
    assert error.status == 413
    assert "larger than 20 MB in all" in error.message


@pytest.mark.parametrize(
    "files",
    [
        "a.png",
        {"name": "a.png"},
        ["a.png"],
        [{"name": "a.png", "mimetype": "image/png", "data": "not base64!"}],
        [{"name": "a.png", "mimetype": "image/png", "data": 12}],
        [{"name": "", "mimetype": "image/png", "data": "iVBORw0KGgo="}],
        [{"name": "\u200b\u202e", "mimetype": "image/png", "data": "iVBORw0KGgo="}],
        [{"name": "a.png", "mimetype": "image/png", "data": ""}],
        [{"name": "x" * 200 + ".png", "mimetype": "image/png", "data": "iVBORw0KGgo="}],
    ],
)
def test_malformed_attachments_are_refused_with_400(files):
    assert refusal(files).status == 400


def test_a_file_name_keeps_its_last_component_without_bidi_or_controls():
    [taken] = intake.validate_attachments(
        [file("C:\\Users\\erin/../scan\u202egnp.\r\n.png", PNG, "image/png")]
    )
    assert taken["name"] == "scangnp. .png"


def test_markup_is_recognised_whatever_the_case_and_leading_space():
    assert intake.looks_like_markup(b"\n\t <HtMl>")
    assert intake.looks_like_markup(b"<svg/>")
    assert intake.looks_like_markup(b"<p>")
    assert not intake.looks_like_markup(b"<pre-amble")
    assert not intake.looks_like_markup(b"<134>Dec 4 host")
    assert not intake.looks_like_markup(b"2026 <html> in a log line")


def test_the_body_limit_makes_room_for_the_files_in_base64():
    assert intake.MAX_BODY_BYTES_WITH_ATTACHMENTS > 4 * intake.ATTACHMENT_MAX_TOTAL_BYTES / 3
    intake.check_body_size(intake.MAX_BODY_BYTES + 1, intake.MAX_BODY_BYTES_WITH_ATTACHMENTS)
    with pytest.raises(intake.PayloadTooLarge):
        intake.check_body_size(intake.MAX_BODY_BYTES + 1)


def test_ticket_and_reply_payloads_carry_their_files():
    body = {
        "subject": "Printer",
        "description": "Jammed.",
        "requester_name": "Jane",
        "requester_email": "jane@acme.example.com",
        "attachments": [file("odoo.log", LOG, "text/plain")],
    }
    assert intake.validate_ticket_payload(body)["attachments"][0]["raw"] == LOG
    reply = {
        "body": "See the log.",
        "author_name": "Jane",
        "author_email": "jane@acme.example.com",
        "attachments": [file("page.html", b"<html>", "text/html")],
    }
    with pytest.raises(intake.UnsupportedMediaType):
        sync.validate_reply_payload(reply)


def _png(width, height):
    # A real PNG of one colour: a few hundred bytes, whatever its size in pixels.
    from PIL import Image  # noqa: PLC0415

    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, "PNG")
    return buffer.getvalue()


def test_an_image_bomb_is_refused_with_413_before_anything_decodes_it():
    # Attacker run 4, F3: a 307 KB PNG of 9000 x 9000 pixels made central
    # decode 81 Mpx (about 750 MB) to resize it.
    bomb = _png(9000, 9000)
    assert len(bomb) < intake.ATTACHMENT_MAX_BYTES
    error = refusal([file("bomb.png", bomb, "image/png")])
    assert error.status == 413
    assert "megapixels" in error.message
    # A 6000 x 4000 photo is taken.
    [taken] = intake.validate_attachments([file("photo.png", _png(6000, 4000), "image/png")])
    assert taken["mimetype"] == "image/png"


def test_an_image_whose_header_cannot_be_read_is_not_decoded_nor_counted():
    assert intake.image_pixels(PNG) is None
    assert intake.image_pixels(_png(640, 480)) == 640 * 480


def test_a_header_claiming_billions_of_pixels_is_refused():
    # 100,000 x 100,000 in the IHDR chunk (its CRC recomputed): PIL refuses to
    # open it at all, and so does the check, before any decoding.
    header = bytearray(_png(1, 1))
    header[16:24] = (100_000).to_bytes(4, "big") * 2
    header[29:33] = zlib.crc32(bytes(header[12:29])).to_bytes(4, "big")
    assert intake.image_pixels(bytes(header)) > intake.ATTACHMENT_MAX_PIXELS
    assert refusal([file("huge.png", bytes(header), "image/png")]).status == 413


def test_a_mimetype_that_is_not_text_is_refused_with_400():
    # Attacker run 4, F6: a number as mimetype was a 500 page.
    for declared in (12, ["image/png"], {"a": 1}):
        error = refusal([{"name": "a.png", "mimetype": declared, "data": "iVBORw0KGgo="}])
        assert error.status == 400


def test_a_jpeg_of_countless_scans_is_refused_a_progressive_photo_taken():
    # Attacker run 5: a 125 KB progressive JPEG repeating its last scan 2,000
    # times took 21 s to decode (10 MB: about 50 minutes).
    from PIL import Image  # noqa: PLC0415

    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), "teal").save(buffer, "JPEG", progressive=True)
    photo = buffer.getvalue()
    [taken] = intake.validate_attachments([file("photo.jpg", photo, "image/jpeg")])
    assert taken["mimetype"] == "image/jpeg"
    scans = photo.count(intake.JPEG_START_OF_SCAN)
    assert 1 < scans <= intake.ATTACHMENT_MAX_JPEG_SCANS
    bomb = photo[:-2] + (b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00" * 100) + b"\xff\xd9"
    error = refusal([file("bomb.jpg", bomb, "image/jpeg")])
    assert error.status == 415
    assert "scans" in error.message
