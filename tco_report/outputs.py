"""Write outputs all-or-nothing: each file goes to a temporary name in the target folder, and the set is renamed
into place only when every output of the run succeeded; a failed run never leaves a half-written or mixed set.

Before anything is renamed every target is checked (a folder, a FIFO or another non-regular file where an output
belongs is refused, naming it). The earlier outputs are kept aside (hard links, or renamed where links are not
possible) while the new ones move in, and put back if a later rename fails, so the folder holds either the whole
new set or the whole earlier one. Temporary files are removed on every way out, an exception or Ctrl-C included;
SIGINT and SIGTERM are put off while the set is swapped, so a signal cannot stop it halfway.

Python runs a signal's handler in the main thread at its next bytecode, whichever thread the kernel handed the signal
to, and a real run has other threads (numpy's, the PDF engine's) that do not block it: a signal mask on the main
thread holds nothing. So a temporary path is recorded before its file exists, and the swap replaces the handlers
for its duration instead of masking the signals.
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import signal
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

from .errors import InputError
from .files import kind

# The outputs of a run, by file name (the command line and api.write_outputs write these).
WORKBOOK = "tco_report.xlsx"
HTML = "tco_report.html"
PDF = "tco_report.pdf"
SUMMARY = "summary.json"
OUTPUTS = (WORKBOOK, HTML, PDF, SUMMARY)

_HELD = {signal.SIGINT, signal.SIGTERM}
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


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
        sweep_leftovers(self.out_dir, self.names)
        return self

    def path(self, name: str) -> Path:
        """A temporary path in the output folder for the file that will become ``name``."""
        final = self.out_dir / name
        check_target(final)
        for _ in range(100):
            entry = (self.out_dir / f".{name}.{os.getpid()}-{secrets.token_hex(8)}.tmp", final)
            self._staged.append(entry)  # recorded before the file exists: a stop at any later point removes it
            try:
                os.close(os.open(entry[0], _CREATE, 0o600))
            except FileExistsError:
                self._staged.remove(entry)  # not ours
                continue
            except OSError as e:
                self._staged.remove(entry)
                raise InputError(self.out_dir, "--out", f"cannot write into this folder: {e.strerror or e}") from None
            return entry[0]
        raise InputError(self.out_dir, "--out", "cannot write into this folder: no temporary name is free")

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if exc_type is None:
                with _stops_put_off() as stopped:
                    # Ctrl-C or SIGTERM asked for before or during the swap: the earlier outputs stay (or go back)
                    if stopped() or not commit(self._staged, stopped):
                        self._discard()
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


def sweep_leftovers(out: Path, names: Iterable[str]) -> list[Path]:
    """Remove the temporary and kept-aside files an earlier run left when it was killed (SIGKILL cannot be caught):
    those of our outputs whose name carries the id of a process that no longer runs. Another run writing into the
    same folder at the same time keeps its own."""
    removed = []
    for name in names:
        for kind_ in ("tmp", "previous"):
            for p in out.glob(f".{glob.escape(name)}.*-*.{kind_}"):
                pid = p.name[len(name) + 2 :].split("-", 1)[0]
                if pid.isdigit() and not _alive(int(pid)) and p.is_file() and not p.is_symlink():
                    with contextlib.suppress(OSError):
                        p.unlink()
                        removed.append(p)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    except (OverflowError, ValueError):  # no such process id at all
        return False
    return True


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


def commit(staged: list[tuple[Path, Path]], stopped: Callable[[], bool] = lambda: False) -> bool:
    """Rename every staged file into place, or none: check all targets first, keep each earlier output aside, and
    on any failure put the earlier outputs back and remove what was moved in. ``stopped`` asked once all are in:
    when true they are put back too (the run is stopping), and False is returned."""
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
    if stopped():
        _roll_back(done)
        return False
    for _, backup in done:
        if backup is not None:
            with contextlib.suppress(OSError):
                backup.unlink()
    return True


def _keep_aside(final: Path) -> Path | None:
    """A second name for the earlier output at ``final`` (None when there is none): a hard link, so the file stays
    where it is until the new one replaces it; a rename where the file system cannot link."""
    if not os.path.lexists(final):
        return None
    fd, name = tempfile.mkstemp(prefix=f".{final.name}.{os.getpid()}-", suffix=".previous", dir=final.parent)
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
def _stops_put_off() -> Iterator[Callable[[], bool]]:
    """SIGINT and SIGTERM only noted while the outputs are swapped, so the set is never half replaced; each one
    noted is delivered to the earlier handler right after. Yields whether a stop was asked for (noted, or pending
    under a mask). Handlers run only in the main thread, so a swap on another thread needs none of this."""
    noted: list[int] = []
    earlier: dict[int, Any] = {}

    def note(signum: int, frame: object) -> None:
        noted.append(signum)

    try:
        try:
            for s in _HELD:
                earlier[s] = signal.getsignal(s)  # first, so that a stop between the two still restores it
                signal.signal(s, note)
        except ValueError:  # not the main thread
            pass
        yield lambda: bool(noted) or _stop_pending()
    finally:
        for signum, handler in earlier.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
        for signum in dict.fromkeys(noted):  # a stop outranks whatever else ended the swap
            signal.raise_signal(signum)


def _stop_pending() -> bool:
    """Whether SIGINT or SIGTERM waits under a signal mask (an embedding application's): the run is to stop."""
    try:
        return bool(signal.sigpending() & _HELD)
    except (AttributeError, OSError):
        return False
