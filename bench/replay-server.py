#!/usr/bin/env python3
"""Answers the docker CLI on a unix socket with responses recorded from a real daemon, at once.

    replay-server.py SOCKET DIR

DIR holds, per recorded endpoint, NAME.headers (curl -D output) and NAME.body; NAME is the last path segment of the
request ("_ping", "json" for /containers/json). Timing a CLI command against it gives the CLI's own cost: what no
daemon, however fast, can take away.
"""
import http.server
import os
import socketserver
import sys

SKIPPED_HEADERS = {"date", "content-length", "transfer-encoding", "connection"}


def load(directory):
    recorded = {}
    for entry in os.listdir(directory):
        if not entry.endswith(".body"):
            continue
        name = entry[: -len(".body")]
        with open(os.path.join(directory, name + ".headers"), encoding="latin-1") as f:
            lines = [line.rstrip("\r\n") for line in f if line.strip()]
        status = int(lines[0].split()[1])
        headers = [tuple(line.split(": ", 1)) for line in lines[1:] if ": " in line]
        headers = [(k, v) for k, v in headers if k.lower() not in SKIPPED_HEADERS]
        with open(os.path.join(directory, entry), "rb") as f:
            recorded[name] = (status, headers, f.read())
    return recorded


class ReplayHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    recorded = {}

    def answer(self, with_body):
        name = self.path.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        status, headers, body = self.recorded.get(name, (404, [("Content-Type", "application/json")], b'{"message":"not recorded"}\n'))
        self.send_response_only(status)
        for key, value in headers:
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def do_GET(self):
        self.answer(True)

    def do_HEAD(self):
        self.answer(False)

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def get_request(self):
        request, _ = super().get_request()
        return request, ("replay", 0)


def main():
    socket_path, directory = sys.argv[1], sys.argv[2]
    ReplayHandler.recorded = load(directory)
    if os.path.exists(socket_path):
        os.unlink(socket_path)
    with Server(socket_path, ReplayHandler) as server:
        server.serve_forever()


if __name__ == "__main__":
    main()
