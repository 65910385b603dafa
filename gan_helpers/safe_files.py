"""Files a run writes whole or not at all, and one training process per run folder.

Every file is written beside its final name and renamed into place (a rename within a folder is
atomic), so a kill, a full disk or a Colab disconnect mid-write leaves the previous file whole.
A run holds an operating-system lock on its folder while it trains; the lock dies with the
process, so even `kill -9` leaves none behind.
"""

import contextlib
import json
import os
from pathlib import Path

LOCK_FILE = ".lock"  # In a run folder while a process trains it; holds that process's id.
PARTIAL_MARK = ".partial"  # A file being written: .NAME.partial.SUFFIX, renamed to NAME.SUFFIX when whole.


def partial_path(path):
    """Where `path` is written before it is renamed into place (same folder, same suffix for the writers)."""
    path = Path(path)
    return path.with_name(f".{path.stem}{PARTIAL_MARK}{path.suffix}")


@contextlib.contextmanager
def replace_atomically(path):
    """Yield a temporary path to write; when the block ends without error, rename it to `path`."""
    path = Path(path)
    temporary = partial_path(path)
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()


def write_text(path, text):
    """Write `text` to `path` whole or not at all; return the path."""
    with replace_atomically(path) as temporary:
        with open(temporary, "w") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
    return Path(path)


def write_json(path, value):
    """Write `value` as indented JSON, whole or not at all; return the path."""
    return write_text(path, json.dumps(value, indent=2) + "\n")


def save_array(path, array):
    """np.save `array` to `path` (a .npy file), whole or not at all; return the path."""
    import numpy as np

    with replace_atomically(path) as temporary:
        np.save(temporary, array)
    return Path(path)


_held = {}  # Folder -> [open lock file, how many holders in this process].


def _lock(file):
    """Take an exclusive lock on an open file without waiting; raise OSError when another process holds it."""
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        file.seek(0)
        msvcrt.locking(file.fileno(), msvcrt.LK_NBLCK, 1)
        return
    fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


def _holder(lock_path):
    """The process id written in a lock file, or '?' when it cannot be read."""
    try:
        return lock_path.read_text().strip() or "?"
    except OSError:
        return "?"


@contextlib.contextmanager
def run_lock(run_dir):
    """Hold the lock on `run_dir` for the block; ValueError naming the process that trains it already.

    Taking it again in the same process (the command line, then train_run inside it) is allowed.
    """
    run_dir = Path(run_dir).resolve()
    if run_dir in _held:
        _held[run_dir][1] += 1
    else:
        lock_path = run_dir / LOCK_FILE
        file = open(lock_path, "a+")
        try:
            _lock(file)
        except OSError:
            file.close()
            raise ValueError(
                f"{run_dir} is being trained by another process (pid {_holder(lock_path)}): "
                "wait for it to finish or stop it, or choose another --out"
            ) from None
        file.seek(0)
        file.truncate()
        file.write(str(os.getpid()))
        file.flush()
        _held[run_dir] = [file, 1]
    try:
        yield run_dir
    finally:
        _held[run_dir][1] -= 1
        if _held[run_dir][1] == 0:
            file, _ = _held.pop(run_dir)
            file.close()  # Closing releases the lock; the empty-by-then file may stay.
