"""Serve the static site with the standard library's threaded HTTP server."""

from __future__ import annotations

import errno
import functools
import socket
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from frameforecast import interrupt
from frameforecast.errors import UserError


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves regular files under the site folder only: never through a symlink, never a hidden name (a build in
    progress), never a folder listing."""

    def log_message(self, format, *args):  # noqa: A002 - the signature is http.server's
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir() and not path.is_symlink():
            path = path / "index.html"
        if not self._servable(path):
            self.send_error(404, "File not found")
            return None
        return super().send_head()

    def list_directory(self, path):
        self.send_error(404, "File not found")
        return None

    def _servable(self, path: Path) -> bool:
        root = Path(self.directory)
        try:
            parts = path.relative_to(root).parts
        except ValueError:
            return False
        if any(part.startswith(".") for part in parts):
            return False
        current = root
        for part in parts:
            current = current / part
            if current.is_symlink():
                return False
        return current.is_file()


class SiteServer(ThreadingHTTPServer):
    request_queue_size = 256  # the listen backlog: a burst of connections waits instead of being refused


def make_server(directory: Path, bind: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    if not (Path(directory) / "index.html").exists():
        raise UserError(f"{directory}/index.html does not exist; build the site first: frameforecast site")
    handler = functools.partial(QuietHandler, directory=str(Path(directory).resolve()))
    try:
        server = SiteServer((bind, port), handler)
    except OSError as exc:
        raise _port_error(exc, bind, port) from exc
    server.daemon_threads = True
    return server


class LiveServer:
    """The site served from a thread while the suite runs in the main one (`frameforecast run --serve`)."""

    def __init__(self, directory: Path, bind: str = "127.0.0.1", port: int = 8000):
        self.directory, self.bind, self.port = Path(directory), bind, port
        self.server: ThreadingHTTPServer | None = None
        self._ready = check_port(bind, port)  # a busy port is one line before anything runs
        interrupt.install()  # a server runs until stopped: Ctrl+C works however it was started

    def start(self) -> None:
        self._ready.close()
        self.server = make_server(self.directory, self.bind, self.port)
        threading.Thread(target=self.server.serve_forever, daemon=True, name="site-server").start()
        print(f"live site at http://{self.bind}:{self.server.server_address[1]}/ (Ctrl+C stops)", flush=True)

    def wait(self) -> None:
        """Keep serving the finished site until Ctrl+C (KeyboardInterrupt)."""
        print(f"serving {self.directory}/ at http://{self.bind}:{self.server.server_address[1]}/  (Ctrl+C to stop)")
        threading.Event().wait()

    def stop(self) -> None:
        self._ready.close()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def check_port(bind: str, port: int) -> socket.socket:
    """Hold the port (closed again by the caller) to find out now whether it is free."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((bind, port))
    except OSError as exc:
        sock.close()
        raise _port_error(exc, bind, port) from exc
    return sock


def _port_error(exc: OSError, bind: str, port: int) -> UserError:
    if exc.errno == errno.EADDRINUSE:
        return UserError(f"port {port} on {bind} is already in use; pass --port N or stop the other server")
    return UserError(f"cannot listen on {bind}:{port} ({exc.strerror}); try another --bind/--port")


def serve(directory: Path, bind: str = "127.0.0.1", port: int = 8000) -> None:
    server = make_server(directory, bind, port)
    interrupt.install()  # a server runs until stopped: Ctrl+C works however it was started
    print(f"serving {directory}/ at http://{bind}:{port}/  (Ctrl+C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
