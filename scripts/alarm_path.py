"""Which project files run for one alarm: HTTP → app → store → view → relay message.

    python scripts/alarm_path.py DATABASE_URL

Traces every thread while one alarm is posted, its events are projected into tickets_view by
the batch follower, and the relay builds its Kafka message; prints the files by stage."""

import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PACKAGES = ("domain", "dispatch", "projections", "adapters")


STAGE: list[str] = []  # the stage being traced (empty: not tracing)


def install(seen: dict[str, set[str]]) -> None:
    """Profile every thread from now on; files are recorded only while a stage is traced."""

    def tracer(frame, event, arg):  # noqa: ANN001
        if not STAGE:
            return
        path = Path(frame.f_code.co_filename)
        try:
            rel = path.resolve().relative_to(ROOT)
        except ValueError:
            return
        if rel.parts[0] in PACKAGES:
            seen.setdefault(str(rel), set()).add(STAGE[0])

    threading.setprofile(tracer)
    sys.setprofile(tracer)


def traced(stage: str, action) -> None:  # noqa: ANN001
    STAGE.append(stage)
    try:
        action()
    finally:
        STAGE.clear()


class Producer:
    """Accepts every message at once (the relay's message building is what is traced)."""

    def send(self, topic, key, value, headers):  # noqa: ANN001
        return None


def main(database_url: str) -> None:
    from fastapi.testclient import TestClient

    from adapters.bootstrap import bootstrap
    from adapters.http.main import create_app
    from adapters.kafka.relay import Relay
    from adapters.projection_runtime.supervisor import Supervisor, by_name, wait_for
    from adapters.runtime.settings import Settings

    settings = Settings(database_url=database_url, environment="test",
                        kafka_bootstrap="127.0.0.1:9")  # never dialled: the producer is a stub
    seen: dict[str, set[str]] = {}
    install(seen)
    with TestClient(create_app(lambda: bootstrap(settings))) as client:
        services = client.app.state.services
        token, _ = services.tokens.create(role="admin", name="path")
        client.headers["Authorization"] = f"Bearer {token}"
        client.post("/v1/alarms", json={"lift": "44030000000000000001", "source": "96333",
                                        "source_ref": "warm-up"})  # imports and caches first
        alarm = {"lift": "44030000000000000001", "source": "96333", "source_ref": "path-1",
                 "dispatch": "external"}
        response = {}
        traced("http",
               lambda: response.update(client.post("/v1/alarms", json=alarm).json()))
        nid = response["notification_id"]
        view = by_name("tickets_view")
        supervisor = Supervisor([view], services.env, services.database_url)

        def project() -> None:
            stop = threading.Event()
            runner = threading.Thread(target=supervisor.run, args=(stop,))
            runner.start()
            wait_for(services.pool, view, nid, timeout=30)
            stop.set()
            runner.join()

        traced("view", project)
        relay = Relay(services.tickets, services.pool, settings)
        relay._producer = lambda: Producer()  # noqa: SLF001 - no broker: the message is the point
        traced("relay", lambda: relay.send_batch(nid - 1))
    for stage in ("http", "view", "relay"):
        files = sorted(f for f, stages in seen.items() if stage in stages)
        print(f"{stage}: {len(files)}")
        for f in files:
            print(f"  {f}")
    print(f"total distinct: {len(seen)}")


if __name__ == "__main__":
    main(sys.argv[1])
