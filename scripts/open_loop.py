"""An open-loop HTTP client: requests are sent at a fixed rate whether or not the earlier
ones were answered, and each latency is counted from the moment its request was due, so a
slow server shows in the tail instead of slowing the client down (wrk's closed loop waits
for each answer before the next request, which hides that). Keep-alive connections, plain
asyncio streams, HTTP/1.1 with Content-Length (what aiohttp answers)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)  # ms, from the moment due
    errors: int = 0
    late: int = 0  # requests that could not even be sent on time (all connections busy)
    seconds: float = 0.0


async def run(host: str, port: int, requests: list[bytes], rate: float, seconds: float,
              connections: int) -> Result:
    """Send `rate` requests a second for `seconds` over at most `connections` connections,
    cycling through `requests` (whole HTTP requests as bytes)."""
    result = Result()
    due: asyncio.Queue[tuple[float, bytes] | None] = asyncio.Queue()

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while (job := await due.get()) is not None:
                when, request = job
                if time.perf_counter() - when > 0.001:
                    result.late += 1
                writer.write(request)
                try:
                    status = await _response(reader)
                except (ConnectionError, asyncio.IncompleteReadError, ValueError):
                    result.errors += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, port)
                    continue
                result.latencies.append((time.perf_counter() - when) * 1000)
                if status >= 400:
                    result.errors += 1
        finally:
            writer.close()

    workers = [asyncio.create_task(worker()) for _ in range(connections)]
    start = time.perf_counter()
    total = int(rate * seconds)
    for i in range(total):
        when = start + i / rate
        delay = when - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        due.put_nowait((when, requests[i % len(requests)]))
    for _ in workers:
        due.put_nowait(None)
    await asyncio.gather(*workers)
    result.seconds = time.perf_counter() - start
    return result


async def _response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = next((int(v) for k, _, v in (line.partition(":") for line in lines[1:])
                   if k.strip().lower() == "content-length"), None)
    if length is None:
        raise ValueError("svar utan Content-Length")
    await reader.readexactly(length)
    return status


def post(path: str, host: str, body: bytes, headers: dict[str, str]) -> bytes:
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}", f"Content-Length: {len(body)}",
             *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body
