"""A WebSocket peer for tests, on the standard `websockets` library (Debian's python3-websockets).

Usage: python3 ws_peer.py URL [CA_FILE]

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


async def main(url, ca):
    context = None
    if url.startswith("wss:"):
        context = ssl.create_default_context(cafile=ca)
    async with websockets.connect(url, ssl=context, ping_interval=None, max_size=None) as ws:
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
    asyncio.run(main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None))
