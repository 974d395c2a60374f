"""Files that hold secrets (databases, keys, mail with reset links): readable by their owner
alone from the moment they exist."""

from __future__ import annotations

import os
from pathlib import Path


def private(path: Path, *, folder: bool = False) -> bool:
    """Make `path` (a file, or a folder) readable by its owner alone: created so when
    missing (an empty file: SQLite takes it as a new database, and its -wal and -shm files
    copy its mode), tightened when it exists with more. True when an existing one was
    tightened, for the caller to warn: until then anyone on the host could read it."""
    mode = 0o700 if folder else 0o600
    if folder:
        if not path.exists():
            path.mkdir(mode=mode, parents=True, exist_ok=True)
            return False
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode))
            return False
        except FileExistsError:
            pass
    if os.name != "nt" and path.stat().st_mode & 0o077:  # Windows: no such modes
        path.chmod(mode)
        return True
    return False


def open_private(path: str | Path, flags: str = "ab"):
    """`open(path, flags)`, a new file being created 0600 (not 0644 by the umask) so that no
    one else can open it even for the moment before a chmod."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | (os.O_APPEND if "a" in flags else 0), 0o600)
    return os.fdopen(fd, flags)
