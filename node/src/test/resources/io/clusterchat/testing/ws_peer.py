"""A WebSocket peer for tests, on the standard `websockets` library (Debian's python3-websockets).

Usage: python3 ws_peer.py URL [CA_FILE] [--origin ORIGIN]

With --origin, the handshake carries that Origin header, as a browser's page would; without it, none.

Every line read from stdin is sent as one text message, except these commands:
  !binary TEXT   send TEXT as a binary message
  !ping          send a WebSocket ping
  !long N        send a text message "PING " followed by N times "x"
Every message received is printed as one line (binary ones as "!binary"); when the connection closes, prints
"!closed CODE" and exits. At the end of stdin it keeps reading until the server closes.
"""
import asyncio
import ssl
import sys

import websockets


async def main(url, ca, origin):
    context = None
    if url.startswith("wss:"):
        context = ssl.create_default_context(cafile=ca)
    async with websockets.connect(url, ssl=context, origin=origin, ping_interval=None, max_size=None) as ws:
        print("!open", flush=True)

        async def read():
            try:
                async for message in ws:
                    print(message if isinstance(message, str) else "!binary", flush=True)
            except websockets.ConnectionClosed:
                pass
            print("!closed", ws.close_code, flush=True)

        reader = asyncio.ensure_future(read())
        loop = asyncio.get_running_loop()
        while not reader.done():
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line:
                break
            line = line.rstrip("\n")
            try:
                if line.startswith("!binary "):
                    await ws.send(line[len("!binary "):].encode())
                elif line == "!ping":
                    await ws.ping()
                elif line.startswith("!long "):
                    await ws.send("PING " + "x" * int(line[len("!long "):]))
                else:
                    await ws.send(line)
            except websockets.ConnectionClosed:
                break
        await reader


if __name__ == "__main__":
    args = sys.argv[1:]
    origin = None
    if "--origin" in args:
        at = args.index("--origin")
        origin = args[at + 1]
        del args[at:at + 2]
    asyncio.run(main(args[0], args[1] if len(args) > 1 else None, origin))
