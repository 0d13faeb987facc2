"""``classify serve``: check everything that can fail, then run the application under uvicorn."""

from __future__ import annotations

import ipaddress
import socket
import sys
from pathlib import Path

from classify.errors import ClassifyError

__all__ = ["serve", "listen", "is_loopback", "default_seeds"]


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this computer only (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` (port 0: any free port).

    Raises
    ------
    ClassifyError
        If the address is taken or cannot be used, naming it.
    """
    try:
        family, kind, protocol, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        # The protocol must be IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on such sockets, and
        # without it every answer on a kept-alive connection waited 40 ms for a delayed ACK.
        sock = socket.socket(family, kind, protocol)
    except (OSError, socket.gaierror) as exc:
        raise ClassifyError(f"cannot listen on {host}:{port} ({exc.strerror or exc})") from None
    try:
        if sys.platform != "win32":  # on Windows the option lets two servers share a port
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        hint = "; give another --port" if exc.errno in (98, 48, 10048) else ""
        raise ClassifyError(f"cannot listen on {host}:{port} ({exc.strerror or exc}){hint}") from None
    sock.set_inheritable(True)
    return sock


def _announce(
    sock: socket.socket, host: str, model_path: Path, workdir: Path, retention_hours: float, retrained: bool = False
) -> None:
    bound_host, bound_port = sock.getsockname()[:2]
    shown = "127.0.0.1" if bound_host in ("0.0.0.0", "::") else bound_host
    shown = f"[{shown}]" if ":" in shown else shown
    print(f"classify: serving http://{shown}:{bound_port}/ (API documentation at /docs); Ctrl-C to stop", flush=True)
    chosen = " (retrained, chosen on the page; --model to serve another)" if retrained else ""
    print(f"classify: model {model_path.name}{chosen}; jobs kept in {workdir} for {retention_hours:g} h", flush=True)
    if not is_loopback(host):
        print(
            f"classify: warning: listening on {host}: anyone who can reach this computer on port {bound_port} "
            "can use the page and the API, which have no password",
            file=sys.stderr,
            flush=True,
        )


def default_seeds() -> Path | None:
    """The project's ``seeds/`` corpus beside the package (a source checkout), if there is one."""
    candidate = Path(__file__).resolve().parent.parent.parent / "seeds"
    return candidate if (candidate / "labels.jsonl").is_file() else None


def _seeds(seeds: str | Path | None) -> Path | None:
    if seeds is None:
        return default_seeds()
    path = Path(seeds)
    if not (path.is_file() or (path / "labels.jsonl").is_file()):
        raise ClassifyError(f"{path}: --seeds takes a corpus (a folder with labels.jsonl, or a JSONL file)")
    return path.resolve()


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    model: str | None = None,
    workdir: str | Path | None = None,
    max_upload_mb: float = 200.0,
    retention_hours: float = 24.0,
    max_jobs: int = 2,
    seeds: str | Path | None = None,
) -> int:
    """Load the model, take the work folder and the port, print the address, serve until Ctrl-C.

    Every problem found before serving (a missing model, a work folder another
    server holds, a port in use) is one :class:`ClassifyError` line. Without ``model``, a
    retrained model the user chose to serve from this work folder is served again.
    """
    import uvicorn

    import classify
    from classify.model.models_path import resolve_model_path
    from classify.serve.app import create_app
    from classify.serve.jobs import JobManager, default_workdir
    from classify.serve.models import remembered_model

    model_path = Path(resolve_model_path(model)).resolve()
    workdir = Path(workdir) if workdir else default_workdir()
    seeds_path = _seeds(seeds)
    served = remembered_model(workdir) if model is None else None
    loaded = None
    if served is not None:
        try:
            loaded = classify.load(served)
        except ClassifyError as exc:
            print(f"classify: warning: {exc}; serving {model_path.name} instead", file=sys.stderr)
            served = None
    if loaded is None:
        loaded = classify.load(model_path)
    max_upload = int(max_upload_mb * 1_000_000)
    jobs = JobManager(
        workdir,
        served or model_path,
        max_running=max_jobs,
        retention_seconds=retention_hours * 3600.0,
        max_unpacked_bytes=max(10 * max_upload, 1_000_000_000),
    )
    jobs.start()
    sock = None
    try:
        sock = listen(host, port)
        app = create_app(
            model=loaded,
            model_path=model_path,
            workdir=workdir,
            max_upload=max_upload,
            retention_hours=retention_hours,
            jobs=jobs,
            seeds=seeds_path,
            served_path=served,
        )
        _announce(sock, host, served or model_path, workdir, retention_hours, retrained=served is not None)
        config = uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=3)
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:  # Ctrl-C before uvicorn took over the signal, or re-raised by it
        pass
    finally:
        jobs.stop()
        if sock is not None:
            sock.close()
    print("classify: server stopped; unfinished jobs resume when it starts again with the same --workdir")
    return 0
