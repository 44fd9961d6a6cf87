#!/usr/bin/env python3
"""The timestamp echo server of the classic socket tutorials (tsTservSS.py), thread per connection: the Python peer
of the echo benchmark. Every read of up to 1024 bytes comes back as '[<ctime>] <data>', as from the gateways' echo
service. Usage: py_echo_server.py [PORT] (default 21568; binds 127.0.0.1)."""
import socketserver
import sys
import time

BUFSIZ = 1024


class TimestampEcho(socketserver.BaseRequestHandler):
    def handle(self):
        while True:
            data = self.request.recv(BUFSIZ)
            if not data:
                break
            self.request.sendall(b'[%s] %s' % (time.ctime().encode(), data))


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    request_queue_size = 1024


if __name__ == '__main__':
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 21568
    with Server(('127.0.0.1', port), TimestampEcho) as server:
        print('python threaded echo server listening on 127.0.0.1:%d' % port, flush=True)
        server.serve_forever()
