"""Late-collection alert latency (run by hand, not in the test suite).

Time from the "Not collected" POST to the Twilio mock receiving the text, through the real queue
(SqliteHuey file) and a real worker process (`flask worker`): first with the queue idle, then while
a newsletter to N families is being sent (email, into an aiosmtpd sink in its own process). The
Twilio mock is Prism serving Twilio's own spec, behind a small recording proxy that notes when each
request arrives. Prints p50/p99 for both, and last the p99 ratio (loaded ÷ idle).

    .venv/bin/python bench/alert_latency.py [--n 10000] [--alerts 20] [--threads 2]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from fanout import Sink, env_for, free_port, seed  # noqa: E402

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2


class Recorder:
    """A proxy in front of Prism that notes when each text for a number arrives."""

    def __init__(self, upstream: str) -> None:
        self.upstream, self.arrivals, self.lock = upstream, {}, threading.Lock()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _forward(self, body: bytes | None) -> None:
                request = urllib.request.Request(recorder.upstream + self.path, data=body, method=self.command,
                                                 headers={k: v for k, v in self.headers.items()
                                                          if k.lower() not in ("host", "content-length")})
                try:
                    with urllib.request.urlopen(request, timeout=30) as response:
                        status, data, headers = response.status, response.read(), response.headers
                except urllib.error.HTTPError as error:
                    status, data, headers = error.code, error.read(), error.headers
                self.send_response(status)
                self.send_header("Content-Type", headers.get("Content-Type", "application/json"))
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                arrived = time.perf_counter()
                to = urllib.parse.parse_qs(body.decode()).get("To", [""])[0]
                with recorder.lock:
                    recorder.arrivals.setdefault(to, arrived)
                self._forward(body)

            def do_GET(self) -> None:
                self._forward(None)

        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, number: str, timeout: float = 60) -> float:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:  # polling a peer, not waiting for a schedule
            with self.lock:
                if number in self.arrivals:
                    return self.arrivals[number]
            time.sleep(0.002)
        raise SystemExit(f"no text for {number} within {timeout}s")


def add_children(count: int, offset: int) -> list[tuple[int, str]]:
    """Children each with one parent who prefers texts; returns (child id, mobile)."""
    from app.extensions import db
    from app.families.models import Child, ChildContact, Contact
    from app.settings.models import Setting

    setting = db.session.query(Setting).filter_by(slug="bench").one()
    out = []
    for i in range(count):
        mobile = f"+4477009{offset + i:05d}"
        child = Child(setting_id=setting.id, first_name=f"Alert{offset + i}", last_name="B")
        contact = Contact(setting_id=setting.id, first_name="Mum", last_name="B", mobile=mobile, channels="sms")
        db.session.add_all([child, contact])
        db.session.flush()
        db.session.add(ChildContact(child_id=child.id, contact_id=contact.id))
        out.append((child.id, mobile))
    db.session.commit()
    return out


def measure(client, recorder: Recorder, children: list[tuple[int, str]]) -> list[float]:
    """Seconds from each POST to its text reaching the mock."""
    times = []
    for child_id, mobile in children:
        start = time.perf_counter()
        response = client.post(f"/alerts/raise/{child_id}")
        assert response.status_code == 302, response.status_code
        times.append(recorder.wait_for(mobile) - start)
    return times


def p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="newsletter recipients")
    parser.add_argument("--alerts", type=int, default=20, help="alerts measured in each phase")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    from tests.support.prism import PRISM, Prism, twilio_spec

    spec = twilio_spec()
    if not PRISM.exists() or spec is None:
        raise SystemExit("Prism or the Twilio spec is missing (scripts/install-peers.sh)")
    prism, sink = Prism(), Sink()
    prism.start(spec)
    recorder = Recorder(prism.url)
    worker = None
    try:
        with tempfile.TemporaryDirectory() as tmp:
            env = {**env_for(Path(tmp), sink), "TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": "bench",
                   "TWILIO_FROM_NUMBER": "+447700900999", "TWILIO_API_BASE": f"http://127.0.0.1:{recorder.port}",
                   "SMS_RATE": "1000 per second"}
            os.environ.update(env)
            from app import create_app
            from app.config import DevelopmentConfig

            app = create_app(DevelopmentConfig, SQLALCHEMY_DATABASE_URI=env["DATABASE_URL"],
                             QUEUE_URL=env["QUEUE_URL"], MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port,
                             TWILIO_ACCOUNT_SID=ACCOUNT_SID, TWILIO_AUTH_TOKEN="bench",
                             TWILIO_FROM_NUMBER="+447700900999", TWILIO_API_BASE=env["TWILIO_API_BASE"],
                             WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
            with app.app_context():
                newsletter_id = seed(args.n)
                warm_up = add_children(1, 2 * args.alerts)
                idle_children = add_children(args.alerts, 0)
                loaded_children = add_children(args.alerts, args.alerts)
                from app.auth.models import User
                from app.extensions import db
                from app.settings.models import Setting

                setting = db.session.query(Setting).filter_by(slug="bench").one()
                user = User(setting_id=setting.id, email="bench@example.org", name="Bench", role="manager")
                user.set_password("bench-password-123")
                db.session.add(user)
                db.session.commit()
            cmd = [str(ROOT / ".venv" / "bin" / "flask"), "worker", "--threads", str(args.threads)]
            worker = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            client = app.test_client()
            client.post("/login", data={"email": "bench@example.org", "password": "bench-password-123"})
            measure(client, recorder, warm_up)  # the worker has started and loaded the app
            idle = measure(client, recorder, idle_children)
            with app.app_context():
                from app.messaging.services import send_now

                send_now(newsletter_id)
            before = sink.count()
            while sink.count() - before < args.threads * 10:  # the newsletter is flowing
                time.sleep(0.05)
            loaded = measure(client, recorder, loaded_children)
            still_sending = sink.count() - before < args.n
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
        recorder.server.shutdown()
        prism.stop()
        sink.stop()
    print(f"idle:   p50 {p(idle, .5) * 1000:.0f} ms, p99 {p(idle, .99) * 1000:.0f} ms ({len(idle)} alerts)")
    print(f"loaded: p50 {p(loaded, .5) * 1000:.0f} ms, p99 {p(loaded, .99) * 1000:.0f} ms "
          f"({len(loaded)} alerts, newsletter to {args.n} {'still sending' if still_sending else 'finished'})")
    print(f"ratio: {p(loaded, .99) / p(idle, .99):.2f}")


if __name__ == "__main__":
    main()
