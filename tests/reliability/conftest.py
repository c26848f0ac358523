import socket
import subprocess
import time

import pytest

from tests.demarches.conftest import cantine  # noqa: F401


class ThrowawayRedis:
    """A redis-server on a free loopback port, that a test may stop and start again."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [*("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"), "--save", ""],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_server(settings):
    """The production cache layout on a throwaway Redis: a fault-tolerant default cache and
    the app's counters on their own alias."""
    try:
        server = ThrowawayRedis()
        server.start()
    except (FileNotFoundError, RuntimeError):
        pytest.skip("redis-server is not installed")
    options = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    settings.CACHES = {
        "default": {
            "BACKEND": "wagtail_passfamille.security.cache.FaultTolerantRedisCache",
            "LOCATION": server.url,
            "OPTIONS": options,
        },
        "passfamille": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url,
            "KEY_PREFIX": "pf",
            "OPTIONS": options,
        },
    }
    settings.WAGTAIL_PASSFAMILLE_CACHE = "passfamille"
    yield server
    server.stop()
