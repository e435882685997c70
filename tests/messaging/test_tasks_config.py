"""The queue and scheduler are built from config, in their own processes."""
from huey.storage import MemoryStorage, PriorityRedisStorage, SqliteStorage

from app.scheduler import build_scheduler
from app.tasks import make_storage


def test_queue_storage_follows_queue_url(tmp_path):
    default = make_storage(None, str(tmp_path))
    assert isinstance(default, SqliteStorage) and default.filename == str(tmp_path / "queue.db")
    assert isinstance(make_storage("memory://", str(tmp_path)), MemoryStorage)
    assert isinstance(make_storage("redis://127.0.0.1:6379/3", str(tmp_path)), PriorityRedisStorage)


def test_unknown_queue_url_is_refused(tmp_path):
    import pytest

    with pytest.raises(ValueError):
        make_storage("ftp://nowhere", str(tmp_path))


def test_scheduler_runs_the_sweep_and_due_messages(app):
    scheduler = build_scheduler(app)
    assert {"sweep", "send_due"} <= {job.id for job in scheduler.get_jobs()}  # features add their own
    assert not scheduler.running  # built, not started: only `flask scheduler` starts it
