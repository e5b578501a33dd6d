"""`simgen serve`: the practice page, a local web app over the grader.

    practice.py   Practice: Run / Submit / Cancel through the grader's sandbox, progress recorded
    app.py        the Flask app: the pages, and the JSON API the page's script calls
    templates/    the pages (Jinja2); static/ the script, the style, and the vendored editor

`serve()` runs it on 127.0.0.1 with Werkzeug's threaded server (a Submit waits on the grader while
a Cancel gets through), until Ctrl-C or SIGTERM; then the sandbox's workers are stopped.
"""

from __future__ import annotations

import signal
import socket
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from simgen.errors import UsageError

HOST = "127.0.0.1"


def serve(port: int = 8321, data: str | Path | Sequence[str | Path] | None = None, progress: Path | None = None,
          memory: str = "auto", ready: Callable[[str], None] | None = None) -> None:
    """Serve the practice page until interrupted. `port` 0 picks a free one; `ready(url)` is
    called once the server listens (the CLI prints the address there)."""
    import logging

    from werkzeug.serving import make_server

    from simgen.progress import Progress
    from simgen.serve.app import create_app
    from simgen.serve.practice import Practice

    practice = Practice(data, Progress(progress) if progress else None, memory=memory)
    try:
        listener = _listen(port)  # bound here: Werkzeug would print its own message and exit 1
        server = make_server(HOST, listener.getsockname()[1], create_app(practice), threaded=True,
                             fd=listener.fileno())
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
        stop = threading.Event()

        def on_signal(signum, frame) -> None:  # SIGTERM: the same clean stop as Ctrl-C
            stop.set()
            threading.Thread(target=server.shutdown, daemon=True).start()

        previous = signal.signal(signal.SIGTERM, on_signal)
        try:
            if ready:
                ready(f"http://{HOST}:{listener.getsockname()[1]}/")
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
            server.server_close()
    finally:
        practice.close()
    sys.stdout.flush()


def _listen(port: int) -> socket.socket:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a restart within TIME_WAIT still binds
    try:
        listener.bind((HOST, port))
        listener.listen(128)
    except OSError as error:
        listener.close()
        raise UsageError(f"cannot listen on {HOST}:{port} ({error.strerror or error}); "
                         f"choose another with --port") from None
    listener.set_inheritable(True)
    return listener
