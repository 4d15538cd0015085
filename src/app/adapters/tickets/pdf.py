"""PDF tickets (fpdf2) with a QR code of the signed secret (segno), rendered off the event loop."""

from __future__ import annotations

import asyncio
import unicodedata
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from pathlib import Path

import segno
from fpdf import FPDF

from app.core.ticketing.tickets import TicketDocument

# A Unicode font when the system has one (Debian: fonts-dejavu-core); else the latin-1 core font.
UNICODE_FONTS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
)


def _latin1(text: str) -> str:
    """What the core fonts can print: latin-1 kept, other letters without their accents, else '?'."""
    out = []
    for char in text:
        if ord(char) < 256:
            out.append(char)
            continue
        base = unicodedata.normalize("NFKD", char)[0]
        out.append(base if ord(base) < 256 else "?")
    return "".join(out)


def _as_is(text: str) -> str:
    return text


class FpdfTicketRenderer:
    """One A4 page: the event, the holder, and a QR code that a scanner reads back as the secret."""

    media_type = "application/pdf"

    def __init__(self, *, workers: int = 2, fonts: Sequence[Path] = UNICODE_FONTS) -> None:
        """``workers`` bounds the threads rendering at once; the first of ``fonts`` found is used."""
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="ticket-pdf")
        self._font = next((path for path in fonts if path.is_file()), None)

    async def render(self, ticket: TicketDocument) -> bytes:
        return await asyncio.get_running_loop().run_in_executor(self._pool, self.render_sync, ticket)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def render_sync(self, ticket: TicketDocument) -> bytes:
        pdf = FPDF(format="A4")
        pdf.set_title(f"Ticket {ticket.reservation_id}")
        pdf.add_page()
        family, text = "helvetica", _latin1
        if self._font is not None:
            pdf.add_font("ticket", fname=str(self._font))
            family, text = "ticket", _as_is
        pdf.set_font(family, size=22)
        pdf.multi_cell(0, 11, text(ticket.event_title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, size=13)
        pdf.ln(2)
        for line in (
            f"When: {ticket.starts_at:%Y-%m-%d %H:%M} UTC",
            f"Where: {ticket.location or '-'}",
            f"Holder: {ticket.holder_name} <{ticket.holder_email}>",
            f"Reservation: #{ticket.reservation_id}",
        ):
            pdf.multi_cell(0, 8, text(line), new_x="LMARGIN", new_y="NEXT")
        qr = segno.make(ticket.secret, error="m")
        image = BytesIO()
        qr.save(image, kind="png", scale=10, border=4)
        image.seek(0)
        pdf.image(image, x=(pdf.w - 100) / 2, y=pdf.get_y() + 8, w=100)
        pdf.set_y(pdf.get_y() + 116)
        pdf.set_font(family, size=9)
        pdf.multi_cell(0, 5, "Show this code at the entrance. It is valid once.", align="C")
        return bytes(pdf.output())
