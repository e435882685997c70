"""Survey pages benchmark (run by hand, not in the test suite).

The parent's survey page (GET) and answer submit (POST) served by gunicorn on loopback, against a
minimal Flask route (GET and POST) served the same way in the same run, each driven by a load
generator of C concurrent keep-alive clients (threads) for D seconds. Each survey client first opens
its own personal link, as a parent would, so every request carries a real parent session and CSRF token,
and loads the page once before the clock starts (so a worker's first-request work, such as compiling
templates, is not timed: the minimal route has none).
Prints requests/s and p95 for each, and last the throughput ratio (survey / minimal). Beside them, the
app's own floor: a route of the app that does nothing, behind the same session, CSRF, login and header
hooks as every page (a parent session open, its form token posted back), and the survey's ratio to it.

    .venv/bin/python bench/survey_pages.py [--clients 50] [--seconds 10] [--workers 2] [--threads 8]
                                           [--worker-class gthread|sync]

`--worker-class sync --workers 4` is the README's production command (sync workers keep no connection
open, so every request of both apps pays for a new one).
"""
from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WSGI = r'''
import os
from flask import Flask, request
from app import create_app
from app.config import TestingConfig

app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=os.environ["BENCH_DB"], INSTANCE_PATH=os.environ["BENCH_DIR"],
                 WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=False, PUBLIC_BASE_URL="http://127.0.0.1")


def floor():
    """The app's own floor: its session, CSRF, login and header hooks around a page that does nothing."""
    from flask_wtf.csrf import generate_csrf

    return '<!doctype html><title>ok</title><input name="csrf_token" value="%s">' % generate_csrf()


floor.checks_own_link = True  # like the survey page: no parent session loaded before the view
app.add_url_rule("/bench/floor", view_func=floor, methods=["GET", "POST"])
mini = Flask("mini")

@mini.route("/", methods=["GET", "POST"])
def hello():
    return "<!doctype html><title>ok</title><p>%s</p>" % len(request.form)
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(folder: Path, clients: int) -> tuple[int, list[str], list[int]]:
    """A setting, `clients` invited parents, an open survey; returns (survey id, tokens, question ids)."""
    os.environ["BENCH_DB"] = f"sqlite:///{folder / 'bench.db'}"
    os.environ["BENCH_DIR"] = str(folder)
    (folder / "bench_wsgi.py").write_text(WSGI)
    sys.path.insert(0, str(folder))
    import bench_wsgi
    from app.clock import utcnow
    from app.extensions import db
    from app.parents.links import issue_link
    from app.surveys.models import OPEN, SurveyInvitation
    from app.surveys.services import from_template
    from tests.conftest import Factory

    app = bench_wsgi.app
    with app.test_request_context():
        db.create_all()
        make = Factory()
        setting = make.setting()
        child = make.child(setting, room=make.room(setting))
        survey = from_template(setting, "settling")
        survey.status = OPEN
        tokens = []
        for _ in range(clients):
            contact = make.contact(setting, children=[child])
            db.session.add(SurveyInvitation(setting_id=setting.id, survey_id=survey.id, contact_id=contact.id,
                                            invited_at=utcnow()))
            tokens.append(issue_link(contact, "survey", survey.id))
        db.session.commit()
        return survey.id, tokens, [q.id for q in survey.questions]


def serve(folder: Path, target: str, workers: int, threads: int, clients: int,
          worker_class: str = "gthread") -> tuple[subprocess.Popen, int]:
    """gunicorn with `worker_class` workers; gthread ones each take at most their share of the clients'
    connections: the clients keep theirs open from the start, and without the cap the first worker to
    accept takes them all while the others sit idle (a real server's many short visits spread over
    every worker)."""
    port = free_port()
    proc = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-w", str(workers), "-k", worker_class, "--threads", str(threads),
         "--worker-connections", str(-(-clients // workers)),
         "-b", f"127.0.0.1:{port}", "--log-level", "warning", target],
        cwd=folder, env={**os.environ, "PYTHONPATH": f"{folder}:{ROOT}"})
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, port
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


class Client:
    """One keep-alive HTTP client with a cookie."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}

    @property
    def cookie(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items() if v)

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        data = None
        if body is not None:
            data = urlencode(body, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, data, headers)
        response = self.conn.getresponse()
        text = response.read().decode()
        for header in response.msg.get_all("Set-Cookie") or []:
            name, _, value = header.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        return response.status, text


def load(port: int, clients: int, seconds: float, setup, get_path: str, post_body) -> dict:
    """Run `clients` threads alternating GET and POST for `seconds`; latencies per method."""
    latencies = {"GET": [], "POST": []}
    errors = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)
    stop = threading.Event()

    def run(n: int) -> None:
        client = Client(port)
        state = setup(client, n)
        mine = {"GET": [], "POST": []}
        barrier.wait()
        while not stop.is_set():
            start = time.perf_counter()
            status, page = client.request("GET", get_path)
            mine["GET"].append(time.perf_counter() - start)
            token = re.search(r'name="csrf_token" value="([^"]+)"', page)
            body = post_body(state, token.group(1) if token else "")
            start = time.perf_counter()
            status2, _ = client.request("POST", get_path, body)
            mine["POST"].append(time.perf_counter() - start)
            if status != 200 or status2 not in (200, 302):
                errors.append((status, status2))
        with lock:
            for k in mine:
                latencies[k].extend(mine[k])

    threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{len(errors)} bad responses, e.g. {errors[:3]}")
    out = {}
    for k, values in latencies.items():
        values.sort()
        out[k] = (len(values) / elapsed, values[int(0.95 * (len(values) - 1))] * 1000 if values else 0.0)
    out["total"] = sum(len(v) for v in latencies.values()) / elapsed
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--worker-class", choices=["gthread", "sync"], default="gthread")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="survey-bench-"))
    survey_id, tokens, qids = prepare(folder, args.clients)
    path = f"/survey/{survey_id}/1"

    def open_link(client: Client, n: int):
        status, _ = client.request("GET", f"/l/{tokens[n]}")
        assert status == 302, status
        status, _ = client.request("GET", path)  # warm-up: templates compiled, pools filled, before timing
        assert status == 200, status
        return n

    def answers(n: int, csrf: str) -> dict:
        return {"csrf_token": csrf, f"q{qids[0]}": str(1 + n % 5), f"q{qids[1]}": "yes",
                f"q{qids[2]}": str(n % 4), f"q{qids[3]}": f"Bench answer {n}", "action": "submit"}

    served = (args.workers, args.threads, args.clients, args.worker_class)
    app_proc, app_port = serve(folder, "bench_wsgi:app", *served)
    mini_proc, mini_port = serve(folder, "bench_wsgi:mini", *served)
    try:
        survey = load(app_port, args.clients, args.seconds, open_link, path, answers)
        app_floor = load(app_port, args.clients, args.seconds, open_link, "/bench/floor",
                         lambda n, csrf: {"csrf_token": csrf, "a": str(n)})
        baseline = load(mini_port, args.clients, args.seconds, lambda c, n: n, "/",
                        lambda n, csrf: {"a": str(n), "b": "yes"})
    finally:
        for proc in (app_proc, mini_proc):
            proc.terminate()
            proc.wait(timeout=10)
    print(f"survey page GET: {survey['GET'][0]:.1f} req/s, p95 {survey['GET'][1]:.1f} ms")
    print(f"survey answer POST: {survey['POST'][0]:.1f} req/s, p95 {survey['POST'][1]:.1f} ms")
    print(f"minimal route GET: {baseline['GET'][0]:.1f} req/s, p95 {baseline['GET'][1]:.1f} ms")
    print(f"minimal route POST: {baseline['POST'][0]:.1f} req/s, p95 {baseline['POST'][1]:.1f} ms")
    print(f"app floor GET: {app_floor['GET'][0]:.1f} req/s, p95 {app_floor['GET'][1]:.1f} ms")
    print(f"app floor POST: {app_floor['POST'][0]:.1f} req/s, p95 {app_floor['POST'][1]:.1f} ms")
    print(f"survey / app floor: {survey['total'] / app_floor['total']:.2f}")
    print(f"ratio: {survey['total'] / baseline['total']:.2f}")


if __name__ == "__main__":
    main()
