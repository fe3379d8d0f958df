"""gunicorn settings for production (``gunicorn -c gunicorn.conf.py api.wsgi:application``).

The benchmark servers use this same file, so what ``make bench`` measures is what runs.
Every value can be overridden from the environment (``GUNICORN_*``, or ``WEB_CONCURRENCY``).

Why these values:

- **workers = cores** (``WEB_CONCURRENCY``). A request's work is Python (CPU under the GIL)
  plus short waits on PostgreSQL and Redis on the local network. One process per core keeps
  every core busy with Python; more processes only add context switches and memory (each
  worker holds its own connections, revocation set and keyring).
- **threads = 2** (``gthread``). A second thread lets a worker parse the next request while
  the first waits on the database or Redis, and Argon2 (argon2-cffi) releases the GIL while
  hashing, so a sign-in does not stall its worker's other request. More threads than that
  raise p99 latency under CPU load (threads of one process share the GIL) for no throughput.
- **max_requests 20,000 with 2,000 jitter**: recycles workers now and then, bounding memory
  growth from any leak, without all workers restarting at once.
- **timeout 30 s, graceful_timeout 30 s**: the API answers in milliseconds; a worker stuck for
  30 s is killed and replaced. Large imports and fan-outs run in Celery, not in requests.
- **keepalive 5 s**: connections from the load balancer are reused between requests (the
  balancer's idle timeout must be longer than this).
- **preload_app**: the application is imported once before forking (copy-on-write memory,
  and an import error stops the master at once instead of crash-looping the workers).
  Django opens no database connection at import, so nothing is shared across the fork.
- **worker_tmp_dir /dev/shm**: the workers' heartbeat files live in memory, so a slow disk
  never makes the master think a worker hung.
- **bind** ``0.0.0.0:8000`` by default (``GUNICORN_BIND``) behind the load balancer; set
  ``NUM_PROXIES`` in the Django settings to match.
"""

import os
from pathlib import Path


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")  # behind the load balancer
workers = _int("WEB_CONCURRENCY", os.cpu_count() or 2)
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = _int("GUNICORN_THREADS", 2)
max_requests = _int("GUNICORN_MAX_REQUESTS", 20_000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 2_000)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() in {"1", "true", "yes", "on"}
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None  # noqa: S108 - heartbeats
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None  # the proxy logs requests
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
