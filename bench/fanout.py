"""Fan-out benchmark (run by hand, not in the test suite).

N contacts over 4 languages, email only, into an aiosmtpd sink on loopback (its own process), through
the real queue (SqliteHuey file) and a real worker process (`flask worker`). Prints the app's throughput,
a baseline (a bare smtplib loop pushing the same number of pre-rendered messages to the same sink over
the same number of connections), the worker's peak RSS at N and at SCALE×N, and last the ratio.

    .venv/bin/python bench/fanout.py [--n 10000] [--threads 2] [--scale 10]

BENCH_PROCESSES=1 runs the worker's workers as processes instead of threads.
"""
from __future__ import annotations

import argparse
import os
import smtplib
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SINK = r"""
import asyncio, sys
from aiosmtpd.controller import Controller
class Count:
    n = 0
    async def handle_DATA(self, server, session, envelope):
        Count.n += 1
        return "250 OK"
c = Controller(Count(), hostname="127.0.0.1", port=int(sys.argv[1]))
c.start()
print("ready", flush=True)
for line in sys.stdin:
    if line.strip() == "count":
        print(Count.n, flush=True)
c.stop()
"""
LANGS = ("en", "pl", "ro", "ur")
PARAGRAPH = {
    "en": "This week the children planted beans, counted snails and read a story about a lost bear. ",
    "pl": "W tym tygodniu dzieci sadziły fasolę, liczyły ślimaki i czytały bajkę o zagubionym misiu. ",
    "ro": "Săptămâna aceasta copiii au plantat fasole, au numărat melci și au citit o poveste. ",
    "ur": "اس ہفتے بچوں نے پھلیاں لگائیں، گھونگے گنے اور ایک کھوئے ہوئے ریچھ کی کہانی پڑھی۔ ",
}


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    """aiosmtpd in a child process, counting what it accepts."""

    def __init__(self) -> None:
        self.port = free_port()
        self.proc = subprocess.Popen([sys.executable, "-c", SINK, str(self.port)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == "ready"

    def count(self) -> int:
        self.proc.stdin.write("count\n")
        self.proc.stdin.flush()
        return int(self.proc.stdout.readline())

    def stop(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


def env_for(tmp: Path, sink: Sink) -> dict:
    return {**os.environ, "HOMELINK_ENV": "development", "HOMELINK_INSTANCE": str(tmp),
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}", "QUEUE_URL": f"sqlite:///{tmp / 'queue.db'}",
            "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(sink.port), "SECRET_KEY": "bench",
            "EMAIL_RATE": "1000000 per second", "SEND_BATCH": "100", "FLASK_APP": "app"}


def seed(n: int) -> int:
    """N contacts, each with one child, spread over 4 languages; returns the message id."""
    from sqlalchemy import insert

    from app.extensions import db
    from app.families.models import Child, ChildContact, Contact
    from app.messaging.services import create_message
    from app.settings.models import Setting

    db.create_all()
    setting = Setting(name="Bench Nursery", slug="bench")
    db.session.add(setting)
    db.session.flush()
    step = 5000
    for start in range(0, n, step):
        ids = range(start + 1, min(n, start + step) + 1)
        db.session.execute(insert(Child), [{"id": i, "setting_id": setting.id, "first_name": f"C{i}",
                                            "last_name": "B"} for i in ids])
        db.session.execute(insert(Contact), [{"id": i, "setting_id": setting.id, "first_name": f"P{i}",
                                              "last_name": "B", "email": f"parent{i}@example.org",
                                              "language": LANGS[i % 4], "channels": "email"} for i in ids])
        db.session.execute(insert(ChildContact), [{"child_id": i, "contact_id": i} for i in ids])
    versions = {lang: {"subject": f"Newsletter ({lang})", "body_text": (PARAGRAPH[lang] * 12 + "\n\n") * 4}
                for lang in LANGS}
    message = create_message(setting, category="newsletter", channels="email", audience={"all": True},
                             versions=versions)
    db.session.commit()
    return message.id


def run_app(n: int, threads: int, tmp: Path, sink: Sink) -> tuple[float, int]:
    """Seconds to send N through queue and worker; the worker's peak RSS in kB."""
    env = env_for(tmp, sink)
    os.environ.update(env)
    from app import create_app
    from app.config import DevelopmentConfig

    app = create_app(DevelopmentConfig, SQLALCHEMY_DATABASE_URI=env["DATABASE_URL"], QUEUE_URL=env["QUEUE_URL"],
                     MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port)
    with app.app_context():
        message_id = seed(n)
    cmd = [str(ROOT / ".venv" / "bin" / "flask"), "worker", "--threads", str(threads)]
    worker = subprocess.Popen(cmd + (["--processes"] if os.environ.get("BENCH_PROCESSES") else []),
                              env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    # Start the clock once the worker is up (a long-running service), as the baseline's clock starts
    # after its interpreter is up; the audience expansion and every send stay inside the timing.
    while "Worker running" not in worker.stdout.readline():
        if worker.poll() is not None:
            raise SystemExit("the worker did not start")
    threading.Thread(target=worker.stdout.read, daemon=True).start()  # keep its stdout drained
    before = sink.count()
    start = time.perf_counter()
    with app.app_context():
        from app.messaging.services import send_now

        send_now(message_id)
    peak = 0
    while sink.count() - before < n:
        time.sleep(0.25)
        peak = max(peak, _rss_peak(worker.pid))
        if worker.poll() is not None:
            raise SystemExit("the worker died")
    elapsed = time.perf_counter() - start
    peak = max(peak, _rss_peak(worker.pid))
    worker.terminate()
    worker.wait(timeout=30)
    return elapsed, peak


def _rss_peak(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def baseline(n: int, threads: int, sink: Sink) -> float:
    """Seconds for a bare smtplib loop to push N pre-rendered messages over `threads` connections."""
    import email.policy
    from email.message import EmailMessage

    rendered = []
    for lang in LANGS:
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = "Bench <bench@example.org>", "x@example.org", lang
        msg.set_content((PARAGRAPH[lang] * 12 + "\n\n") * 4, cte="quoted-printable")
        msg.add_alternative("<p>" + (PARAGRAPH[lang] * 48) + "</p>", subtype="html", cte="quoted-printable")
        rendered.append(msg.as_bytes(policy=email.policy.SMTP))  # CRLF, as on the wire
    share = [n // threads + (1 if i < n % threads else 0) for i in range(threads)]

    def pump(count: int) -> None:
        with smtplib.SMTP("127.0.0.1", sink.port) as smtp:
            for i in range(count):
                smtp.sendmail("bench@example.org", [f"parent{i}@example.org"], rendered[i % 4])

    start = time.perf_counter()
    workers = [threading.Thread(target=pump, args=(k,)) for k in share]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--threads", type=int, default=2, help="worker threads = SMTP connections")
    parser.add_argument("--scale", type=int, default=10, help="second run at SCALE×N for peak RSS")
    args = parser.parse_args()
    sink = Sink()
    try:
        base = baseline(args.n, args.threads, sink)
        with tempfile.TemporaryDirectory() as tmp:
            app_seconds, rss_n = run_app(args.n, args.threads, Path(tmp), sink)
        big_rss = 0
        if args.scale > 1:
            with tempfile.TemporaryDirectory() as tmp:
                cmd = [sys.executable, __file__, "--n", str(args.n * args.scale), "--threads", str(args.threads),
                       "--scale", "1", "--rss-only"]
                out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
                big_rss = int(out.split("rss_kb:")[1].split()[0])
    finally:
        sink.stop()
    print(f"baseline smtplib: {args.n / base:.1f} msgs/s over {args.threads} connections")
    print(f"app queue+worker: {args.n / app_seconds:.1f} msgs/s")
    print(f"worker peak RSS at N={args.n}: {rss_n / 1024:.1f} MB")
    if big_rss:
        print(f"worker peak RSS at N={args.n * args.scale}: {big_rss / 1024:.1f} MB "
              f"(growth {100 * (big_rss - rss_n) / rss_n:+.1f}%)")
    print(f"ratio: {base / app_seconds:.2f}")


def rss_only() -> None:
    n = int(sys.argv[sys.argv.index("--n") + 1])
    threads = int(sys.argv[sys.argv.index("--threads") + 1])
    sink = Sink()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            _, rss = run_app(n, threads, Path(tmp), sink)
    finally:
        sink.stop()
    print(f"rss_kb: {rss}")


if __name__ == "__main__":
    rss_only() if "--rss-only" in sys.argv else main()
