"""Request body limits: 413 with a message before a large upload is read, not after."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["BodyLimit", "megabytes"]


def megabytes(size: int) -> str:
    """``200 MB`` for 200_000_000 bytes (the unit ``--max-upload`` is given in)."""
    return f"{size / 1_000_000:g} MB"


class BodyLimit:
    """ASGI middleware that refuses request bodies over a limit chosen by path.

    A request that announces a larger ``Content-Length`` gets 413 at once; a body
    sent without one (chunked) is counted as it arrives and stopped with 413 when
    it passes the limit, so the server never stores more than the limit.

    Parameters
    ----------
    app : ASGI application
    limit_for : callable
        ``limit_for(path) -> (bytes, what)``: the largest body for a path and how
        the message names it (``"an upload"``).
    """

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], tuple[int, str]]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit, what = self.limit_for(scope["path"])
        message = f"{what} is limited to {megabytes(limit)}"
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            detail = f"{message}; this one is {megabytes(int(length))}"
            await JSONResponse({"detail": detail}, status_code=413)(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            event = await receive()
            if event["type"] == "http.request":
                received += len(event.get("body", b""))
                if received > limit:
                    # An HTTPException passes through FastAPI's body parsing unchanged (any other
                    # exception there becomes "400 error parsing the body").
                    raise HTTPException(status_code=413, detail=message)
            return event

        await self.app(scope, counted, send)
