"""Serve the static site with the standard library's threaded HTTP server."""

from __future__ import annotations

import errno
import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from frameforecast.errors import UserError


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the signature is http.server's
        pass


def make_server(directory: Path, bind: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    if not (Path(directory) / "index.html").exists():
        raise UserError(f"{directory}/index.html does not exist; build the site first: frameforecast site")
    handler = functools.partial(QuietHandler, directory=str(directory))
    try:
        server = ThreadingHTTPServer((bind, port), handler)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UserError(f"port {port} on {bind} is already in use; pass --port N or stop the other server") from exc
        raise UserError(f"cannot listen on {bind}:{port} ({exc.strerror}); try another --bind/--port") from exc
    server.daemon_threads = True
    server.request_queue_size = 256
    return server


def serve(directory: Path, bind: str = "127.0.0.1", port: int = 8000) -> None:
    server = make_server(directory, bind, port)
    print(f"serving {directory}/ at http://{bind}:{port}/  (Ctrl+C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
