#!/usr/bin/env python3
"""An SMTP listener for the benchmarks: accepts every message and writes one
line per message received (its recipients) to LOG. Nothing is delivered.

    smtp_sink.py PORT LOG
"""

import asyncio
import sys


async def session(reader, writer, log):
    async def say(line):
        writer.write(line.encode() + b"\r\n")
        await writer.drain()

    await say("220 bench-sink ESMTP")
    recipients = []
    while True:
        line = await reader.readline()
        if not line:
            break
        verb = line[:4].upper()
        if verb in (b"EHLO", b"HELO"):
            await say("250 bench-sink")
        elif verb == b"MAIL":
            recipients = []
            await say("250 OK")
        elif verb == b"RCPT":
            recipients.append(line[8:].strip().decode(errors="replace").strip("<>"))
            await say("250 OK")
        elif verb == b"DATA":
            await say("354 End data with <CR><LF>.<CR><LF>")
            # The whole message in one read: line by line, the listener
            # itself was what the delivery figure measured.
            try:
                await reader.readuntil(b"\r\n.\r\n")
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                break
            log.write(" ".join(recipients) + "\n")
            log.flush()
            await say("250 OK queued")
        elif verb == b"QUIT":
            await say("221 Bye")
            break
        else:
            await say("250 OK")
    writer.close()


async def main() -> None:
    port, path = int(sys.argv[1]), sys.argv[2]
    with open(path, "a", buffering=1) as log:
        server = await asyncio.start_server(lambda r, w: session(r, w, log), "127.0.0.1", port, limit=1 << 20)
        async with server:
            await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
