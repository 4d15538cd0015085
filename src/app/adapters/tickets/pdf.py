"""PDF tickets (fpdf2) with a QR code of the signed secret (segno), rendered off the event loop."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from pathlib import Path

import segno
from fpdf import FPDF

from app.core.ticketing.tickets import TicketDocument

# DejaVu Sans, shipped with the package (fonts/LICENSE): Latin with its extensions (Polish, Czech,
# Turkish, Vietnamese...), Greek, Cyrillic and common punctuation, the same in every install.
TICKET_FONT = Path(__file__).with_name("fonts") / "DejaVuSans.ttf"


class FpdfTicketRenderer:
    """One A4 page: the event, the holder, and a QR code that a scanner reads back as the secret."""

    media_type = "application/pdf"

    def __init__(self, *, workers: int = 2, font: Path = TICKET_FONT) -> None:
        """``workers`` bounds the threads rendering at once; ``font`` is a TrueType file with the
        letters of every title and name printed."""
        if not font.is_file():
            raise FileNotFoundError(f"The ticket font {font} is missing")
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="ticket-pdf")
        self._font = font

    async def render(self, ticket: TicketDocument) -> bytes:
        return await asyncio.get_running_loop().run_in_executor(self._pool, self.render_sync, ticket)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def render_sync(self, ticket: TicketDocument) -> bytes:
        pdf = FPDF(format="A4")
        pdf.set_title(f"Ticket {ticket.reservation_id}")
        pdf.add_page()
        family = "ticket"
        pdf.add_font(family, fname=str(self._font))
        pdf.set_font(family, size=22)
        pdf.multi_cell(0, 11, ticket.event_title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, size=13)
        pdf.ln(2)
        for line in (
            f"When: {ticket.starts_at:%Y-%m-%d %H:%M} UTC",
            f"Where: {ticket.location or '-'}",
            f"Holder: {ticket.holder_name} <{ticket.holder_email}>",
            f"Reservation: #{ticket.reservation_id}",
        ):
            pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
        qr = segno.make(ticket.secret, error="m")
        image = BytesIO()
        qr.save(image, kind="png", scale=10, border=4)
        image.seek(0)
        pdf.image(image, x=(pdf.w - 100) / 2, y=pdf.get_y() + 8, w=100)
        pdf.set_y(pdf.get_y() + 116)
        pdf.set_font(family, size=9)
        pdf.multi_cell(0, 5, "Show this code at the entrance. It is valid once.", align="C")
        return bytes(pdf.output())
