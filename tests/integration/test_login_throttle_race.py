"""The failed-login limit per client address holds when guesses at many usernames arrive at
once (a password spray in parallel), not only one after another."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from psycopg_pool import ConnectionPool

from adapters.postgres.login_throttle import LoginThrottle

PARALLEL = 16


def test_parallel_guesses_from_one_address_stop_at_its_limit(services, database_url):
    with ConnectionPool(database_url, min_size=PARALLEL, max_size=PARALLEL, open=True) as pool:
        throttle = LoginThrottle(pool, per_user=5, per_client=3, window=timedelta(minutes=15))
        start = threading.Barrier(PARALLEL)

        def guess(n: int) -> bool:
            start.wait()
            return not isinstance(throttle.begin(f"sprayed{n}", "198.51.100.7"), int)

        with ThreadPoolExecutor(PARALLEL) as pool_of_threads:
            let_through = sum(pool_of_threads.map(guess, range(PARALLEL)))
    assert let_through == 3
