"""A task for `make cluster-test` only (its worker is started with `--include cluster_tasks`):
it records each start and each completion in Redis, so the test can kill the worker in the
middle of a run and see the task run again to completion after the restart."""

import os
import time

import redis
from celery import shared_task


@shared_task(name="cluster_test.slow_mark", acks_late=True)
def slow_mark(token: str, seconds: float) -> str:
    client = redis.Redis.from_url(os.environ["CLUSTER_TEST_REDIS"])
    client.incr(f"cluster-test:{token}:starts")
    time.sleep(seconds)
    client.incr(f"cluster-test:{token}:done")
    return token
