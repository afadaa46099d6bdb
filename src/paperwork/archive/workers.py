"""OCR on other machines: tasks of a Celery queue with a Redis broker (the optional ``workers`` extra).

For a backlog one machine cannot OCR in reasonable time, the OCR of each scan
(``ocr.ocr_file``) becomes a task that ``paperwork worker`` processes on any
machine that sees the workspace's archive folder at the same path (a network
share) and reaches the broker. The default stays in-process: nothing here is
imported unless a broker URL is given (``--workers URL`` or ``[ocr] workers``).

    app = make_app("redis://127.0.0.1:6379/0")        # one per broker URL, no module state
    with RemoteOcr(url) as remote:                     # the archive's side
        pending = remote.submit(source, output, force=False, settings=settings)
        outcome = pending.result()                     # OcrOutcome, or the OcrError raised there

A task is acknowledged only once it is done (``acks_late``) and given back to the
queue when the process running it dies (``reject_on_worker_lost``): a worker
killed in the middle of a scan loses nothing, another takes the scan again. The
task writes the PDF/A copy where it is told (the archive's ``tmp/``), so the
result that comes back is only the text, the page count and the problems.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..errors import InputError, OcrError, OcrUnavailableError
from ..i18n import N_, _

__all__ = ["INSTALL_HINT", "RemoteOcr", "TASK", "make_app", "run_worker"]

TASK = "paperwork.ocr"
INSTALL_HINT = N_("pip install 'paperwork[workers]' (Celery with Redis), and a Redis server for the broker")
# Seconds a result is awaited before the import reports the scan as not done (a scan is
# minutes at most; a queue with no worker would otherwise wait for ever).
RESULT_TIMEOUT_S = 3600.0


def _celery():
    try:
        import celery
    except ImportError as e:
        raise InputError(_("--workers needs Celery: {INSTALL_HINT}").format(INSTALL_HINT=_(INSTALL_HINT))) from e
    return celery


def _check_url(url: str) -> str:
    if not isinstance(url, str) or not url.startswith(("redis://", "rediss://")):
        raise InputError(_("a broker URL is redis://HOST:PORT/DB, not {url!r}").format(url=url), field="--workers")
    return url


def make_app(url: str, *, visibility_timeout: float = 3600.0) -> Any:
    """The Celery application for broker ``url``, with the OCR task registered on it."""
    celery = _celery()
    app = celery.Celery("paperwork", broker=_check_url(url), backend=url, set_as_current=False)
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_acks_late=True,  # acknowledged when done, not when taken
        task_reject_on_worker_lost=True,  # a killed worker process gives its task back
        worker_prefetch_multiplier=1,  # a worker takes one scan at a time: the others stay for its peers
        broker_transport_options={"visibility_timeout": visibility_timeout},
        result_expires=24 * 3600,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
    )
    app.task(name=TASK, bind=True)(_ocr_task)
    return app


def _ocr_task(self: Any, source: str, output: str, force: bool, settings: dict[str, Any]) -> dict[str, Any]:
    """Run on a worker: OCR ``source`` into ``output``; errors travel back as their message."""
    from .ocr import OcrSettings, ocr_file

    try:
        outcome = ocr_file(Path(source), Path(output), force=force, settings=OcrSettings(**settings))
    except OcrUnavailableError as e:
        return {"unavailable": str(e)}
    except OcrError as e:
        return {"error": str(e)}
    return {"outcome": asdict(outcome)}


class Pending:
    """A submitted scan; ``result()`` waits for it."""

    def __init__(self, async_result: Any, source: Path, timeout: float):
        self._result = async_result
        self._source = source
        self._timeout = timeout

    def ready(self) -> bool:
        """Done (or failed) on the worker: ``result()`` will not wait."""
        try:
            return bool(self._result.ready())
        except Exception:  # noqa: BLE001 - the backend unreachable: result() will say so
            return True

    def result(self):
        from .ocr import OcrOutcome

        try:
            answer = self._result.get(timeout=self._timeout, propagate=True)
        except Exception as e:  # noqa: BLE001 - the broker, a timeout, a task that raised
            raise OcrError(_("{source}: OCR on the workers failed: {error_type}: {error}").format(
                source=self._source, error_type=type(e).__name__, error=e
            )) from e
        if "unavailable" in answer:
            raise OcrUnavailableError(answer["unavailable"])
        if "error" in answer:
            raise OcrError(answer["error"])
        data = answer["outcome"]
        return OcrOutcome(text=data["text"], pages=data["pages"], problems=tuple(data["problems"]))


class RemoteOcr:
    """The archive's side of the queue: submit scans, collect their outcomes."""

    def __init__(self, url: str, *, timeout: float = RESULT_TIMEOUT_S):
        self.app = make_app(url)
        self.url = url
        self.timeout = timeout

    def check(self) -> None:
        """Reach the broker once (a few seconds at most): ``OcrError`` naming the URL if it cannot."""
        try:
            with self.app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=2, interval_start=0.2, interval_step=0.5, interval_max=1)
        except Exception as e:  # noqa: BLE001 - kombu/redis connection errors
            raise OcrError(_("cannot reach the OCR queue at {url}: {error_type}: {error}").format(
                url=self.url, error_type=type(e).__name__, error=e
            )) from e

    def submit(self, source: Path, output: Path, *, force: bool, settings: Any) -> Pending:
        fields = {"mode": settings.mode, "page_timeout": settings.page_timeout, "jobs": settings.jobs}
        try:
            async_result = self.app.send_task(TASK, args=(str(Path(source).absolute()), str(Path(output).absolute()),
                                                          force, fields))
        except Exception as e:  # noqa: BLE001 - kombu's connection errors
            raise OcrError(_("cannot reach the OCR queue at {url}: {error_type}: {error}").format(
                url=self.url, error_type=type(e).__name__, error=e
            )) from e
        return Pending(async_result, Path(source), self.timeout)

    def close(self) -> None:
        self.app.close()

    def __enter__(self) -> RemoteOcr:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def run_worker(url: str, *, concurrency: int | None = None, name: str | None = None,
               extra: Sequence[str] = ()) -> None:
    """Serve OCR tasks from ``url`` until stopped (``paperwork worker``); blocks."""
    app = make_app(url)
    argv = ["worker", "--loglevel=WARNING", "--pool=prefork", "--without-gossip", "--without-mingle"]
    if concurrency:
        argv.append(f"--concurrency={concurrency}")
    if name:
        argv.append(f"--hostname={name}")
    app.worker_main([*argv, *extra])
