"""gunicorn settings of an application server: `gunicorn -c deploy/gunicorn.conf.py config.wsgi:application`.

Environment (all optional): GUNICORN_BIND (default 127.0.0.1:8000; nginx in front), GUNICORN_WORKERS
(default 2 x cores + 1), GUNICORN_TIMEOUT (seconds, default 60), GUNICORN_ACCESS_LOG ("-" for
standard output, empty for none). Django's own settings come from the environment file
(deploy/hamafza.env.example).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (with jitter), which bounds slow memory growth.
max_requests = 2000
max_requests_jitter = 200
# The proxy in front (nginx on the same machine) may set X-Forwarded-For / -Proto.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Load the application in the master once; workers fork from it (faster start, shared memory).
preload_app = True


def post_worker_init(worker):
    """Each worker opens the matching index as it starts (memory-mapped: well under a second at
    100,000 organizations), so no visitor's first search waits for it (docs/decisions/0020), and
    starts building the open calls' index in a background thread (docs/decisions/0026)."""
    from hamafza.matching.call_index import warm_at_boot
    from hamafza.matching.services import index_open_at_boot

    if index_open_at_boot():
        warm_at_boot()  # "calls for you": the open calls' index, built in a background thread (ADR 0026)
