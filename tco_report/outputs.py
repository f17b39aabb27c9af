"""Write outputs all-or-nothing: each file goes to a temporary name in the target folder, and the set is renamed
into place only when every output of the run succeeded; a failed run never leaves a half-written or mixed set.

Before anything is renamed every target is checked (a folder, a FIFO or another non-regular file where an output
belongs is refused, naming it). The earlier outputs are kept aside (hard links, or renamed where links are not
possible) while the new ones move in, and put back if a later rename fails, so the folder holds either the whole
new set or the whole earlier one. Temporary files are removed on every way out, an exception or Ctrl-C included;
SIGINT and SIGTERM are held back while the set is swapped, so a signal cannot stop it halfway.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType

from .errors import InputError
from .files import kind

# The outputs of a run, by file name (the command line and api.write_outputs write these).
WORKBOOK = "tco_report.xlsx"
HTML = "tco_report.html"
PDF = "tco_report.pdf"
SUMMARY = "summary.json"
OUTPUTS = (WORKBOOK, HTML, PDF, SUMMARY)

_HELD = {signal.SIGINT, signal.SIGTERM}


class Staging:
    """Context manager handing out temporary paths; commits them all on success, removes them on failure.

    ``names``, when given, are the outputs the run will write: they are checked on entry, before any work."""

    def __init__(self, out_dir: str | os.PathLike[str], names: Iterable[str] = ()):
        self.out_dir = Path(out_dir)
        self.names = tuple(names)
        self._staged: list[tuple[Path, Path]] = []
        self._created: list[Path] = []  # folders this run made (removed again if it fails)

    def __enter__(self) -> Staging:
        self._created = prepare_folder(self.out_dir)
        for name in self.names:
            check_target(self.out_dir / name)
        return self

    def path(self, name: str) -> Path:
        """A temporary path in the output folder for the file that will become ``name``."""
        check_target(self.out_dir / name)
        with _signals_held():  # a signal between making the file and recording it would leave it behind
            try:
                fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=self.out_dir)
            except OSError as e:
                raise InputError(self.out_dir, "--out", f"cannot write into this folder: {e.strerror or e}") from None
            os.close(fd)
            self._staged.append((Path(tmp), self.out_dir / name))
        return Path(tmp)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if exc_type is None:
                with _signals_held():
                    if _stop_pending():  # Ctrl-C or SIGTERM already asked for: keep the earlier outputs
                        self._discard()
                    else:
                        commit(self._staged)
        except BaseException:
            self._discard()
            raise
        if exc_type is not None:
            self._discard()
        self._staged.clear()

    def _discard(self) -> None:
        for tmp, _ in self._staged:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
        self._staged.clear()
        for folder in reversed(self._created):  # only folders this run made, and only when left empty
            with contextlib.suppress(OSError):
                folder.rmdir()


def prepare_folder(out: Path) -> list[Path]:
    """Make the output folder (and its missing parents); an InputError naming ``--out`` when it is a file, sits
    under a file, or cannot be made or written. Returns the folders made, outermost first."""
    missing = []
    p = out
    while not os.path.lexists(p) and p != p.parent:
        missing.append(p)
        p = p.parent
    if p.exists() and not p.is_dir():
        what = "is" if p == out else f"is inside {p}, which is"
        raise InputError(out, "--out", f"{what} {_what(p)}; expected a folder for the outputs")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(out, "--out", f"cannot be created: {e.strerror or e}") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise InputError(out, "--out", "cannot be written (no permission to create files in this folder)")
    return list(reversed(missing))


def check_out(out: Path, names: Iterable[str]) -> None:
    """The checks of Staging, made before any work and without creating anything: ``--out`` is a folder or can be
    made one, and no output's place holds a folder or another non-regular file."""
    p = out
    while not os.path.lexists(p) and p != p.parent:
        p = p.parent
    if p.exists() and not p.is_dir():
        what = "is" if p == out else f"is inside {p}, which is"
        raise InputError(out, "--out", f"{what} {_what(p)}; expected a folder for the outputs")
    if not os.access(p, os.W_OK | os.X_OK):
        raise InputError(out, "--out", f"cannot be written ({'it' if p == out else p} allows no new files)")
    if p == out:
        for name in names:
            check_target(out / name)


def check_target(final: Path) -> None:
    """An output may replace a regular file (or a link to one), never a folder, a FIFO, a device or a socket."""
    try:
        st = os.stat(final)
    except FileNotFoundError:  # nothing there yet (or a dangling link, which an output may replace)
        return
    except OSError as e:
        raise InputError(
            final, None, f"an output would be written here, but it cannot be checked: {e.strerror}"
        ) from None
    if not stat.S_ISREG(st.st_mode):
        raise InputError(
            final,
            None,
            f"is {kind(st.st_mode)} where an output file belongs; move it away or choose another --out folder "
            "(nothing was written)",
        )


def commit(staged: list[tuple[Path, Path]]) -> None:
    """Rename every staged file into place, or none: check all targets first, keep each earlier output aside, and
    on any failure put the earlier outputs back and remove what was moved in."""
    for _, final in staged:
        check_target(final)
    done: list[tuple[Path, Path | None]] = []  # (final, the earlier file kept aside, or None when there was none)
    try:
        for tmp, final in staged:
            backup = _keep_aside(final)
            done.append((final, backup))
            os.chmod(tmp, 0o644)
            os.replace(tmp, final)
    except BaseException as e:
        _roll_back(done)
        if isinstance(e, OSError):
            where = staged[len(done) - 1][1] if done else staged[0][1]
            raise InputError(
                where,
                None,
                f"the output could not be put in place ({e.strerror or e}); the earlier outputs were restored",
            ) from None
        raise
    for _, backup in done:
        if backup is not None:
            with contextlib.suppress(OSError):
                backup.unlink()


def _keep_aside(final: Path) -> Path | None:
    """A second name for the earlier output at ``final`` (None when there is none): a hard link, so the file stays
    where it is until the new one replaces it; a rename where the file system cannot link."""
    if not os.path.lexists(final):
        return None
    fd, name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".previous", dir=final.parent)
    os.close(fd)
    backup = Path(name)
    backup.unlink()
    try:
        os.link(final, backup, follow_symlinks=False)
    except OSError:
        os.replace(final, backup)
    return backup


def _roll_back(done: list[tuple[Path, Path | None]]) -> None:
    for final, backup in reversed(done):
        with contextlib.suppress(OSError):
            if backup is None:
                final.unlink(missing_ok=True)
            elif os.path.lexists(final) and os.path.samefile(backup, final):
                backup.unlink()  # the new file never replaced it (rename onto the same file would do nothing)
            else:
                os.replace(backup, final)


def _what(p: Path) -> str:
    try:
        return "a file" if p.is_file() else kind(os.stat(p).st_mode)
    except OSError:
        return "not a folder"


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM wait while the outputs are swapped (delivered right after), so the set is never half
    replaced. Only the main thread can hold signals; elsewhere the swap simply runs."""
    try:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    except (AttributeError, OSError, ValueError):
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _stop_pending() -> bool:
    """Whether SIGINT or SIGTERM arrived while held (the run is to stop; nothing is to be replaced)."""
    try:
        return bool(signal.sigpending() & _HELD)
    except (AttributeError, OSError):
        return False
