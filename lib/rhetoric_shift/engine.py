"""Where the build's batches run: in local worker processes (the default) or on a Dask cluster.

An engine maps a module-level function over tasks (batches of whole documents) and yields the
results in task order, whatever order the workers finish in, so the table does not depend on the
engine or the number of workers. A large object every task needs (the fitted models) is passed
once as ``shared`` and reaches each worker once, not once per task. Tasks are submitted a few
at a time ahead of the results, so a streamed corpus is never held in memory whole.

- ``LocalEngine(n_workers)``: worker processes on this machine; with one worker, or a single task,
  the work runs in this process (no start-up cost for a small build).
- ``DaskEngine(address)``: a Dask distributed scheduler at ``address``, or ``"local:N"`` for a
  LocalCluster of N single-threaded worker processes started here. Dask is imported only here.

``Prefetch`` takes the results of an engine's map from a thread of this process, so the workers
go on with the tasks while this process does work of its own (the build fits its models while
the workers analyse the batches).
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import os
import pickle
import queue
import signal
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger(__name__)

_SHARED: tuple | None = None  # (key, object): the current map's ``shared`` object inside a local worker process


class Engine(Protocol):
    """Runs ``fn(task, shared)`` for each task and yields the results in task order."""

    n_workers: int

    def map(self, fn: Callable[[Any, Any], Any], tasks: Iterable[Any], shared: Any = None) -> Iterator[Any]: ...

    def close(self) -> None: ...


def default_workers() -> int:
    """The processors this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def make_engine(dask: str | None = None, n_workers: int | None = None) -> Engine:
    """``LocalEngine`` by default; a ``DaskEngine`` when ``dask`` names a scheduler or ``local:N``.

    Raises ValueError for a malformed ``local:N``.
    """
    if dask:
        return DaskEngine(dask)
    return LocalEngine(n_workers or default_workers())


def _peek(tasks: Iterable[Any]) -> tuple[list[Any], Iterator[Any]]:
    """The first two tasks, and an iterator over all of them."""
    iterator = iter(tasks)
    head = list(itertools.islice(iterator, 2))
    return head, itertools.chain(head, iterator)


class LocalEngine:
    """Worker processes on this machine (``multiprocessing``; fork where the platform has it).

    The pool starts at the first map with several tasks and serves every later map, so workers
    are forked while this process is still small (before the table is built) and start once. A
    ``shared`` object is pickled once to a temporary file; each worker loads it once per map.
    """

    def __init__(self, n_workers: int | None = None, *, ahead: int = 2) -> None:
        self.n_workers = n_workers or default_workers()
        self.ahead = ahead  # tasks in flight per worker
        self._pool = None
        self._maps = itertools.count()

    def map(self, fn: Callable[[Any, Any], Any], tasks: Iterable[Any], shared: Any = None) -> Iterator[Any]:
        # Not a generator itself: the pool starts here, in the calling thread, even when the
        # results are then taken by another one (a process forked from a side thread can inherit
        # locks that the main thread holds, and hang).
        head, tasks = _peek(tasks)
        if self.n_workers == 1 or len(head) < 2:
            return (fn(task, shared) for task in tasks)
        return self._map(self._start(), fn, tasks, shared)

    def _map(self, pool, fn: Callable[[Any, Any], Any], tasks: Iterable[Any], shared: Any) -> Iterator[Any]:
        with tempfile.TemporaryDirectory(prefix="rhetoric-shift-") as folder:
            shared_file = Path(folder) / "shared.pickle"
            shared_file.write_bytes(pickle.dumps(shared, protocol=pickle.HIGHEST_PROTOCOL))
            key = (os.getpid(), next(self._maps), str(shared_file))
            pending: deque = deque()
            try:
                for task in tasks:
                    pending.append(pool.apply_async(_call_with_shared, (fn, task, key)))
                    if len(pending) >= self.n_workers * self.ahead:
                        yield pending.popleft().get()
                while pending:
                    yield pending.popleft().get()
            except BaseException:
                self.close()  # also on an interrupt: no worker outlives the build
                raise

    def __enter__(self) -> "LocalEngine":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _start(self):
        if self._pool is None:
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else None)
            self._pool = context.Pool(self.n_workers, initializer=_init_worker)
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None


def _init_worker() -> None:
    # Ctrl-C reaches the whole process group: the parent alone stops the build and says so once.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _call_with_shared(fn: Callable[[Any, Any], Any], task: Any, key: tuple) -> Any:
    global _SHARED
    if _SHARED is None or _SHARED[0] != key:
        _SHARED = (key, pickle.loads(Path(key[2]).read_bytes()))
    return fn(task, _SHARED[1])


class DaskEngine:
    """Tasks on a Dask distributed cluster: ``address`` of a scheduler, or ``local:N`` to start one here.

    A LocalCluster starts in a thread of this process, so its workers come up while the build
    reads its input; the first map waits for them.
    """

    def __init__(self, address: str, *, ahead: int = 2) -> None:
        from dask.distributed import Client  # imported only when asked for

        self.cluster = None
        self.ahead = ahead
        self._client = None
        self._starting: threading.Thread | None = None
        self._start_error: BaseException | None = None
        if address.startswith("local:"):
            n = address.split(":", 1)[1]
            if not n.isdigit() or int(n) < 1:
                raise ValueError(f"--dask local:N needs a number of workers N >= 1, got {address!r}")
            self.n_workers = int(n)
            _export_library_path()
            self._starting = threading.Thread(target=self._start_local, args=(self.n_workers,), name="rhetoric-shift-cluster", daemon=True)
            self._starting.start()
        else:
            self._client = Client(address, timeout="20s")
            self.n_workers = max(1, len(self._client.scheduler_info().get("workers", {})))

    def _start_local(self, n_workers: int) -> None:
        import dask
        from dask.distributed import Client, LocalCluster

        try:
            config = dict(LOCAL_CLUSTER_CONFIG)
            if "forkserver" not in multiprocessing.get_all_start_methods():  # Windows: Dask's default, spawn
                del config["distributed.worker.multiprocessing-method"]
            with dask.config.set(config):
                _preload_workers()
                self.cluster = LocalCluster(
                    n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=logging.ERROR
                )
            self._client = Client(self.cluster)
        except BaseException as exc:  # raised where the cluster is first needed
            self._start_error = exc

    def _wait_for_start(self) -> None:
        if self._starting is not None:
            self._starting.join()
            self._starting = None

    @property
    def client(self):
        """The ``dask.distributed.Client``, once the cluster is up; raises what stopped a LocalCluster from starting."""
        self._wait_for_start()
        if self._start_error is not None:
            raise self._start_error
        return self._client

    def map(self, fn: Callable[[Any, Any], Any], tasks: Iterable[Any], shared: Any = None) -> Iterator[Any]:
        import dask

        client = self.client
        # hash=False: a key of this map's own. Scattered by content hash, the registry that every map
        # shares would get one key across maps, and the release of an earlier map's copy could race
        # with this map's broadcast of it ("lost dependencies").
        shared_future = client.scatter(shared, broadcast=True, hash=False) if shared is not None else None
        pending: deque = deque()
        try:
            for task in tasks:
                with dask.config.set(QUIET_LARGE_TASKS):
                    pending.append(client.submit(fn, task, shared_future, pure=False))
                if len(pending) >= self.n_workers * self.ahead:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            if pending:
                client.cancel(list(pending))

    def close(self) -> None:
        self._wait_for_start()
        if self._client is not None:
            self._client.close()
        if self.cluster is not None:
            self.cluster.close()


# A LocalCluster's workers are this machine's processes, run for one build: they start from a
# forkserver that has imported the library once (spawned workers would each import it, seconds of
# CPU apiece), and they skip the statistical profiler and work stealing, which cost CPU and buy
# nothing for a few coarse tasks per worker. Their environment is Dask's less MALLOC_TRIM_THRESHOLD_:
# with it set, glibc stops adapting its mmap threshold, every large array is a fresh mmap, and the
# same tasks ran 1.5-2 times slower than in the local engine's workers.
LOCAL_CLUSTER_CONFIG = {
    "distributed.worker.multiprocessing-method": "forkserver",
    "distributed.worker.profile.enabled": False,
    "distributed.scheduler.work-stealing": False,
    "distributed.nanny.pre-spawn-environ": {"OMP_NUM_THREADS": 1, "MKL_NUM_THREADS": 1, "OPENBLAS_NUM_THREADS": 1},
}
# A task carries its data (a batch of documents, or the term codes of a run of periods, up to tens
# of MB): that is the design, so Dask's advice to load data through Dask is not printed for each.
# Scattering each task's data first was measured four times slower.
QUIET_LARGE_TASKS = {"distributed.admin.large-graph-warning-threshold": "1GB"}
_WORKER_MODULES = ["distributed", "rhetoric_shift.build"]  # and what it imports: the analysis, the duplicate search


def _preload_workers() -> None:
    """Have the forkserver that starts LocalCluster workers import the modules every task needs."""
    from distributed.utils import get_mp_context

    context = get_mp_context()
    if context.get_start_method() == "forkserver":
        context.set_forkserver_preload(_WORKER_MODULES)


def _export_library_path() -> None:
    """Let LocalCluster's worker processes import this copy of the library, whatever is installed."""
    library = str(Path(__file__).resolve().parent.parent)
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if library not in paths:
        os.environ["PYTHONPATH"] = os.pathsep.join([library, *paths])


class Prefetch:
    """The items of ``iterator``, taken from it by a thread of this process while this process does other work.

    Iterate it for the items in their order; an error raised by ``iterator`` is raised there, in
    its place. ``close()`` (also on leaving a ``with`` block) stops taking items, waits for the
    thread (which finishes the item it is taking) and closes ``iterator`` if it can be closed:
    an engine's map then cancels its tasks. With an engine's map, the workers go on with the
    tasks while this process works on something else; the items wait in memory until taken.
    """

    _END = object()

    def __init__(self, iterator: Iterator[Any]) -> None:
        self._iterator = iterator
        self._items: queue.SimpleQueue = queue.SimpleQueue()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rhetoric-shift-prefetch", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            for item in self._iterator:
                self._items.put((item, None))
                if self._stopping.is_set():
                    return
            self._items.put((self._END, None))
        except BaseException as exc:  # raised where the items are taken
            self._items.put((self._END, exc))

    def __iter__(self) -> Iterator[Any]:
        while True:
            item, error = self._items.get()
            if error is not None:
                raise error
            if item is self._END:
                return
            yield item

    def close(self) -> None:
        self._stopping.set()
        self._thread.join()
        close = getattr(self._iterator, "close", None)
        if close is not None:
            close()

    def __enter__(self) -> "Prefetch":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
