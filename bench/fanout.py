"""Fan-out benchmark (run by hand, not in the test suite).

N contacts over 4 languages, email only, into an aiosmtpd sink on loopback (its own process), through
the real queue (SqliteHuey file) and a real worker process (`flask worker`). Prints the app's throughput,
a baseline (a bare smtplib loop pushing the same number of pre-rendered messages to the same sink over
the same number of connections), the worker's peak RSS at N and at SCALE×N, and last the ratio.

    .venv/bin/python bench/fanout.py [--n 10000] [--threads 2] [--rounds 3] [--scale 10]

What is timed, and why it is a like-for-like comparison:
- The app: from `send_now` (the expansion job enqueued) to the sink having received the N-th message,
  so the audience expansion, the queue and every send are inside. The worker is a long-running
  service: before the clock starts it has sent a copy of the newsletter to one contact per language
  (its first-use costs, such as imports and compiled templates, are not paid per send), and every one
  of its threads has just been busy, sending a copy to the first 2,000 contacts (a thread that finds
  the queue empty looks again later and later, up to 2 s apart: a wait that would count how long it
  sat idle, during the baseline run, not its throughput).
- The baseline pushes the app's own messages: the four that copy delivered (one per language, as the
  sink received them), so both push the same bytes and the ratio is the app's overhead, not a
  difference in message size.
- Both clocks stop when the sink receives the last message (the sink notes the time). The app runs
  ROUNDS times (a new newsletter to the same N each time), each run between two baseline runs, and
  the ratio compares their mean times: what else the machine is doing meanwhile (these machines are
  shared) weighs on both sides alike.

BENCH_PROCESSES=1 runs the worker's workers as processes instead of threads.
"""
from __future__ import annotations

import argparse
import base64
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

# One thread does everything (SMTP sessions and our commands, on one asyncio loop): a second thread
# reading the commands would take the GIL from the SMTP sessions each time it is asked for a count.
SINK = r"""
import asyncio, base64, collections, os, sys, time
from aiosmtpd.smtp import SMTP
class Count:
    n, last_at, kept = 0, 0.0, collections.deque(maxlen=4)
    async def handle_DATA(self, server, session, envelope):
        Count.n += 1
        Count.last_at = time.monotonic()
        Count.kept.append(envelope.original_content)
        return "250 OK"
async def main():
    loop, done, pending = asyncio.get_running_loop(), asyncio.Event(), [b""]
    server = await loop.create_server(lambda: SMTP(Count(), hostname="sink"), "127.0.0.1", int(sys.argv[1]))
    def command():
        data = os.read(0, 4096)
        if not data:
            done.set()
        *lines, pending[0] = (pending[0] + data).split(b"\n")
        for line in lines:
            if line.strip() == b"count":
                print(Count.n, Count.last_at, flush=True)
            elif line.strip() == b"last":
                print(" ".join(base64.b64encode(m).decode() for m in Count.kept), flush=True)
    loop.add_reader(0, command)
    print("ready", flush=True)
    await done.wait()
    loop.remove_reader(0)
    server.close()
asyncio.run(main())
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
    """aiosmtpd in a child process, counting what it accepts and noting when the last one came."""

    def __init__(self) -> None:
        self.port = free_port()
        self.proc = subprocess.Popen([sys.executable, "-c", SINK, str(self.port)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == "ready"

    def _ask(self, command: str) -> str:
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline()

    def count(self) -> int:
        return int(self._ask("count").split()[0])

    def last_at(self) -> float:
        """When (time.monotonic, the same clock in every process) the latest message came."""
        return float(self._ask("count").split()[1])

    def kept(self) -> list[bytes]:
        """The latest four messages, as received."""
        return [base64.b64decode(m) for m in self._ask("last").split()]

    def wait_for(self, count: int, worker: subprocess.Popen | None = None, every: float = 0.05) -> None:
        while self.count() < count:
            if worker is not None and worker.poll() is not None:
                raise SystemExit("the worker died")
            time.sleep(every)

    def stop(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


# Contacts the worker sends to just before the clock starts: a few seconds' work, so that each of its
# threads takes a batch (see App.get_busy).
BUSY = 2000


def env_for(tmp: Path, sink: Sink) -> dict:
    return {**os.environ, "HOMELINK_ENV": "development", "HOMELINK_INSTANCE": str(tmp),
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}", "QUEUE_URL": f"sqlite:///{tmp / 'queue.db'}",
            "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(sink.port), "SECRET_KEY": "bench",
            "EMAIL_RATE": "1000000 per second", "SEND_BATCH": "100", "FLASK_APP": "app"}


def newsletter(setting, audience: dict) -> int:
    """The bench's newsletter (the same text in 4 languages) to `audience`, as a draft; returns its id."""
    from app.messaging.services import create_message

    versions = {lang: {"subject": f"Newsletter ({lang})", "body_text": (PARAGRAPH[lang] * 12 + "\n\n") * 4}
                for lang in LANGS}
    return create_message(setting, category="newsletter", channels="email", audience=audience,
                          versions=versions).id


def seed(n: int) -> int:
    """N contacts, each with one child, spread over 4 languages; returns the message id."""
    from sqlalchemy import insert

    from app.extensions import db
    from app.families.models import Child, ChildContact, Contact
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
    message_id = newsletter(setting, {"all": True})
    db.session.commit()
    return message_id


class App:
    """The app side: N contacts seeded, a real worker process, the newsletter sent through them."""

    def __init__(self, n: int, threads: int, tmp: Path, sink: Sink) -> None:
        self.n, self.sink = n, sink
        env = env_for(tmp, sink)
        os.environ.update(env)
        from app import create_app
        from app.config import DevelopmentConfig

        self.app = create_app(DevelopmentConfig, SQLALCHEMY_DATABASE_URI=env["DATABASE_URL"],
                              QUEUE_URL=env["QUEUE_URL"], MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port)
        with self.app.app_context():
            self.message_id = seed(n)
        cmd = [str(Path(sys.executable).with_name("flask")), "worker", "--threads", str(threads)]
        self.worker = subprocess.Popen(cmd + (["--processes"] if os.environ.get("BENCH_PROCESSES") else []),
                                       env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                       text=True)
        while "Worker running" not in self.worker.stdout.readline():
            if self.worker.poll() is not None:
                raise SystemExit("the worker did not start")
        threading.Thread(target=self.worker.stdout.read, daemon=True).start()  # keep its stdout drained

    def _newsletter(self, audience: dict) -> int:
        with self.app.app_context():
            from app.extensions import db
            from app.settings.models import Setting

            message_id = newsletter(db.session.scalar(db.select(Setting)), audience)
            db.session.commit()
        return message_id

    def _send(self, message_id: int) -> None:
        with self.app.app_context():
            from app.messaging.services import send_now

            send_now(message_id)

    def warm_up(self, contacts: int = 4) -> list[bytes]:
        """Send a copy of the newsletter to the first `contacts` (4: one per language); returns the last
        four messages the sink got."""
        copy_id = self._newsletter({"contacts": list(range(1, contacts + 1))})
        before = self.sink.count()
        self._send(copy_id)
        self.sink.wait_for(before + contacts, self.worker)
        return self.sink.kept()

    def get_busy(self) -> None:
        """Have every worker thread take a batch just before the clock starts: a thread that found the
        queue empty looks again later and later, up to 2 s apart, and a thread idle since the last run
        (through a baseline run) would join the send late by up to that much, by chance."""
        self.warm_up(min(self.n, BUSY))

    def send(self) -> float:
        """Seconds from enqueueing the newsletter to the sink receiving its N-th message (the seeded
        newsletter the first time, then a new one to the same N contacts)."""
        message_id, self.message_id = self.message_id or self._newsletter({"all": True}), None
        before = self.sink.count()
        start = time.monotonic()
        self._send(message_id)
        self.sink.wait_for(before + self.n, self.worker)
        return self.sink.last_at() - start

    def peak_rss(self) -> int:
        """The worker's peak RSS so far, in kB."""
        for line in Path(f"/proc/{self.worker.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        raise RuntimeError("no VmHWM")

    def stop(self) -> None:
        self.worker.terminate()
        self.worker.wait(timeout=30)


def baseline(n: int, threads: int, sink: Sink, messages: list[bytes]) -> float:
    """Seconds for a bare smtplib loop to push N of these messages (in turn) over `threads` connections."""
    share = [n // threads + (1 if i < n % threads else 0) for i in range(threads)]

    def pump(count: int) -> None:
        with smtplib.SMTP("127.0.0.1", sink.port) as smtp:
            for i in range(count):
                smtp.sendmail("bench@example.org", [f"parent{i}@example.org"], messages[i % len(messages)])

    start = time.monotonic()
    workers = [threading.Thread(target=pump, args=(k,)) for k in share]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    return sink.last_at() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--threads", type=int, default=2, help="worker threads = SMTP connections")
    parser.add_argument("--rounds", type=int, default=3, help="app runs, each between two baseline runs")
    parser.add_argument("--scale", type=int, default=10, help="second run at SCALE×N for peak RSS")
    args = parser.parse_args()
    sink = Sink()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            app = App(args.n, args.threads, Path(tmp), sink)
            try:
                messages = app.warm_up()
                base = [baseline(args.n, args.threads, sink, messages)]
                runs = []
                for round_ in range(args.rounds):
                    app.get_busy()
                    runs.append(app.send())
                    if round_ == 0:
                        rss_n = app.peak_rss()  # after one send, as at SCALE×N
                    base.append(baseline(args.n, args.threads, sink, messages))
            finally:
                app.stop()
        big_rss = 0
        if args.scale > 1:
            cmd = [sys.executable, __file__, "--n", str(args.n * args.scale), "--threads", str(args.threads),
                   "--scale", "1", "--rss-only"]
            out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
            big_rss = int(out.split("rss_kb:")[1].split()[0])
    finally:
        sink.stop()
    rates = ", ".join(f"{args.n / t:.0f}" for t in base)
    print(f"baseline smtplib: {args.n * len(base) / sum(base):.1f} msgs/s over {args.threads} connections "
          f"(runs: {rates})")
    print(f"app queue+worker: {args.n * len(runs) / sum(runs):.1f} msgs/s "
          f"(runs: {', '.join(f'{args.n / t:.0f}' for t in runs)})")
    print(f"worker peak RSS at N={args.n}: {rss_n / 1024:.1f} MB")
    if big_rss:
        print(f"worker peak RSS at N={args.n * args.scale}: {big_rss / 1024:.1f} MB "
              f"(growth {100 * (big_rss - rss_n) / rss_n:+.1f}%)")
    print(f"ratio: {(sum(base) / len(base)) / (sum(runs) / len(runs)):.2f}")


def rss_only() -> None:
    n = int(sys.argv[sys.argv.index("--n") + 1])
    threads = int(sys.argv[sys.argv.index("--threads") + 1])
    sink = Sink()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            app = App(n, threads, Path(tmp), sink)
            try:
                app.get_busy()
                app.send()
                rss = app.peak_rss()
            finally:
                app.stop()
    finally:
        sink.stop()
    print(f"rss_kb: {rss}")


if __name__ == "__main__":
    rss_only() if "--rss-only" in sys.argv else main()
