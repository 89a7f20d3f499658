"""On-disk cache of road matrices: one ``.npz`` file per network content and node list."""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

logger = logging.getLogger(__name__)

# Bump when the way matrices are computed changes, so old cache files are not reused.
_VERSION = b"road_matrix/1"

Arrays = tuple[NDArray[np.int64], NDArray[np.int64]]


def cache_path(fingerprint: str, nodes: NDArray[np.int64], cache_dir: Path) -> Path:
    """Return the cache file of a matrix between ``nodes`` of the network ``fingerprint``."""
    digest = hashlib.sha256(_VERSION)
    digest.update(fingerprint.encode("ascii"))
    digest.update(np.ascontiguousarray(nodes, dtype=np.int64).tobytes())
    return Path(cache_dir) / f"matrix-{digest.hexdigest()[:32]}.npz"


def read_cached(path: Path, nodes: NDArray[np.int64]) -> Arrays | None:
    """Return cached ``(durations_s, distances_m)``, or ``None`` if absent or unusable."""
    if not path.is_file():
        return None
    try:
        # Opened here, not by np.load, which leaks its handle when the zip is damaged.
        with path.open("rb") as file, np.load(file, allow_pickle=False) as stored:
            if not np.array_equal(stored["nodes"], nodes):
                return None
            durations, distances = stored["durations_s"], stored["distances_m"]
    except (OSError, EOFError, KeyError, ValueError, zipfile.BadZipFile) as error:
        logger.warning("Ignoring the unreadable matrix cache %s (%s)", path, error)
        return None
    logger.info("Travel matrix (%d points) read from the cache %s", len(nodes), path)
    return durations, distances


def write_cached(path: Path, nodes: NDArray[np.int64], arrays: Arrays) -> None:
    """Store ``(durations_s, distances_m)`` between ``nodes`` at ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written aside then renamed, so a reader never sees half a file.
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".npz.part")
    with os.fdopen(handle, "wb") as file:
        np.savez_compressed(file, nodes=nodes, durations_s=arrays[0], distances_m=arrays[1])
    Path(temporary).replace(path)
    logger.info("Travel matrix (%d points) cached in %s", len(nodes), path)
