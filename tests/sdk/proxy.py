"""A 127.0.0.1 HTTP/1.1 proxy in front of the test server that misbehaves once, on purpose:
`drop` forwards the first request whose path contains `match` and then cuts the client's
connection instead of returning the answer (the server did the work; the client saw a dropped
connection); `refuse` answers that request itself with the given status (the server never sees it).
"""

from __future__ import annotations

import asyncio
import threading
from urllib.parse import urlsplit

from tests.conftest import free_port


class FlakyProxy:
    def __init__(self, upstream: str, match: str, drop: bool = False, refuse: int | None = None) -> None:
        target = urlsplit(upstream)
        self.host, self.upstream_port = target.hostname, target.port
        self.match, self.drop, self.refuse = match.encode(), drop, refuse
        self.port = free_port()
        self.tripped = 0
        self.forwarded: list[bytes] = []
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> FlakyProxy:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("proxy did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=10)

    def _run(self) -> None:
        self._loop.run_until_complete(self._main())
        self._loop.close()

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self._ready.set()
        await self._stop.wait()
        server.close()
        connections = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in connections:
            task.cancel()
        await asyncio.gather(*connections, return_exceptions=True)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(self.host, self.upstream_port)
        try:
            while True:
                request = await _read_message(reader)
                if request is None:
                    return
                first_line = request.split(b"\r\n", 1)[0]
                trip = self.tripped == 0 and self.match in first_line and (self.drop or self.refuse)
                if trip and self.refuse:
                    self.tripped += 1
                    body = (
                        b'{"type":"about:blank","title":"Refused by proxy","status":%d,"detail":"try again"}'
                        % (self.refuse)
                    )
                    writer.write(
                        b"HTTP/1.1 %d Refused\r\ncontent-type: application/problem+json\r\n"
                        b"content-length: %d\r\n\r\n%s" % (self.refuse, len(body), body)
                    )
                    await writer.drain()
                    continue
                self.forwarded.append(first_line)
                up_writer.write(request)
                await up_writer.drain()
                response = await _read_message(up_reader)
                if response is None:
                    return
                if trip:
                    self.tripped += 1
                    return  # the server answered; the client never hears it
                writer.write(response)
                await writer.drain()
        finally:
            writer.close()
            up_writer.close()


async def _read_message(reader: asyncio.StreamReader) -> bytes | None:
    """One HTTP/1.1 message framed by Content-Length (all this server and client use)."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        return None
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return head + (await reader.readexactly(length) if length else b"")
