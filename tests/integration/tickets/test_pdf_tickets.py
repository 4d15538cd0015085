"""Signed ticket secrets and PDF tickets: the QR code on the page reads back as a secret that verifies."""

from __future__ import annotations

from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.adapters.security.hmac_tickets import HmacTicketSigner
from app.adapters.tickets.pdf import TICKET_FONT, FpdfTicketRenderer
from app.core.ticketing.errors import InvalidTicketError
from app.core.ticketing.tickets import TicketDocument
from tests.e2e.ticketing_flow import qr_text_of_pdf

KEY = "test-secret-key-that-is-long-enough-for-hs256"


def _document(secret: str, title: str = "Nocny spływ Łyną \u2013 Kraków") -> TicketDocument:
    return TicketDocument(
        reservation_id=7,
        event_title=title,
        starts_at=datetime(2027, 5, 1, 18, 0, tzinfo=UTC),
        location="Zakopane",
        holder_name="Żaneta Wójcik",
        holder_email="zaneta@example.com",
        secret=secret,
    )


def test_signed_secret_verifies_and_names_the_reservation() -> None:
    signer = HmacTicketSigner(KEY)
    claim = signer.verify(signer.sign(42, "n0nce-abcdef"))
    assert (claim.reservation_id, claim.nonce) == (42, "n0nce-abcdef")


@pytest.mark.parametrize(
    "mangle",
    [
        lambda s: s.replace("T1.42.", "T1.43."),  # another reservation
        lambda s: s.replace("n0nce", "nOnce"),  # another nonce
        lambda s: s[:-1] + ("A" if s[-1] != "A" else "B"),  # another signature
        lambda s: HmacTicketSigner("another-key-that-is-long-enough-000000").sign(42, "n0nce-abcdef"),
        lambda s: "",
        lambda s: "T1..n0nce-abcdef.x",
        lambda s: s + "." * 300,
    ],
)
def test_altered_or_foreign_secrets_are_refused(mangle: object) -> None:
    signer = HmacTicketSigner(KEY)
    with pytest.raises(InvalidTicketError):
        signer.verify(mangle(signer.sign(42, "n0nce-abcdef")))  # type: ignore[operator]


async def _render(document: TicketDocument) -> bytes:
    renderer = FpdfTicketRenderer(workers=1)
    try:
        return await renderer.render(document)
    finally:
        renderer.close()


async def test_pdf_ticket_qr_code_reads_back_as_the_signed_secret() -> None:
    signer = HmacTicketSigner(KEY)
    secret = signer.sign(7, "n0nce-abcdef")
    pdf = await _render(_document(secret))
    assert pdf.startswith(b"%PDF")
    decoded = qr_text_of_pdf(pdf)
    assert decoded == secret
    assert signer.verify(decoded).reservation_id == 7


async def test_cyrillic_and_polish_letters_print_as_themselves() -> None:
    title = "Слёт туристов — Zażółć gęślą jaźń"
    pdf = await _render(_document(HmacTicketSigner(KEY).sign(7, "n0nce-abcdef"), title=title))
    text = PdfReader(BytesIO(pdf)).pages[0].extract_text()
    assert title in text
    assert "Holder: Żaneta Wójcik <zaneta@example.com>" in text
    assert "?" not in text


def test_the_font_ships_inside_the_package_with_its_licence() -> None:
    assert TICKET_FONT.is_file() and TICKET_FONT.is_relative_to(Path(__file__).parents[3] / "src" / "app")
    assert "Bitstream" in (TICKET_FONT.parent / "LICENSE").read_text()


def test_a_missing_font_fails_at_start_not_on_the_first_ticket() -> None:
    with pytest.raises(FileNotFoundError, match="ticket font"):
        FpdfTicketRenderer(font=Path("/nonexistent.ttf"))
