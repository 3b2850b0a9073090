"""The production front end (.web/build/client), built once per change of what goes into it.

`reflex run --env prod` compiles and rebuilds the front end at every start (15–40 s on this machine).
The build only depends on the code, the Reflex config and a few settings, so `serve` keeps a
fingerprint of those beside the build and runs `reflex export --frontend-only --no-zip` only when
it differs (or the build is missing). Reflex deletes .web/build before building, so a build that
failed or was interrupted leaves no fingerprint and is done again on the next start.
"""

from __future__ import annotations

import hashlib
import os
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# In Reflex's working folder (.web, or REFLEX_WEB_WORKDIR): what it serves, and our fingerprint
# in the folder it empties before every build.
CLIENT = Path("build/client")
STAMP = Path("build/shopapp-source.sha256")

# The whole package, not only ui/: pages show constants, catalogue texts (i18n/) and state fields
# that live in other modules, and a needless rebuild costs a minute where a stale one shows the
# wrong page. Tests, docs and the data folder never reach the browser.
SOURCES = ("shopapp", "assets", "rxconfig.py", "pyproject.toml", "reflex.lock")
# assets/external holds links Reflex itself makes while compiling.
SKIPPED_PARTS = {"__pycache__", ".mypy_cache", ".ruff_cache", "external"}
SKIPPED_SUFFIXES = {".pyc", ".pyo"}
# Reflex and bun versions change the generated code as much as ours does.
PACKAGES = ("reflex", "reflex-base")
# Reflex reads any config field from REFLEX_<FIELD>, and Vite its own VITE_ variables: all go into the
# fingerprint but those only the running server or the tooling reads.
BUILD_ENV_PREFIXES = ("REFLEX_", "VITE_")
RUNTIME_ONLY_ENV = {"REFLEX_REDIS_URL", "REFLEX_TELEMETRY_ENABLED", "REFLEX_CHECK_LATEST_VERSION", "REFLEX_USE_SYSTEM_BUN",
                    "REFLEX_WEB_WORKDIR", "REFLEX_STATES_WORKDIR", "REFLEX_UPLOADED_FILES_DIR"}


def build_command() -> list[str]:
    return ["reflex", "export", "--frontend-only", "--no-zip", "--env", "prod"]


def fingerprint(settings, root: Path | None = None) -> str:
    """A hash of every file that goes into the front end, and of the settings written into it."""
    root = root or ROOT
    digest = hashlib.sha256()
    for path in _source_files(root):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    for package in PACKAGES:
        digest.update(f"{package}=={_version(package)}\0".encode())
    # The address the browser's websocket and uploads go to is compiled into the build (rxconfig.py).
    digest.update(f"public_url={settings.public_url}\0port={settings.port}\0".encode())
    for name in sorted(os.environ):
        if name.startswith(BUILD_ENV_PREFIXES) and name not in RUNTIME_ONLY_ENV:
            digest.update(f"{name}={os.environ[name]}\0".encode())
    return digest.hexdigest()


def is_current(settings, root: Path | None = None) -> bool:
    """Whether the front end on disk was built from exactly this code and these settings."""
    root = root or ROOT
    try:
        stamp = (_web_dir(root) / STAMP).read_text().strip()
    except OSError:
        return False
    return client_dir(root).is_dir() and stamp == fingerprint(settings, root)


def mark_current(settings, root: Path | None = None) -> None:
    """Called after a successful build: the next start with the same code skips it."""
    stamp = _web_dir(root or ROOT) / STAMP
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(fingerprint(settings, root) + "\n")


def client_dir(root: Path | None = None) -> Path:
    """The built front end the server serves."""
    return _web_dir(root or ROOT) / CLIENT


def _web_dir(root: Path) -> Path:
    return root / os.environ.get("REFLEX_WEB_WORKDIR", ".web")


def _source_files(root: Path) -> list[Path]:
    files = []
    for name in SOURCES:
        top = root / name
        if top.is_file():
            files.append(top)
            continue
        for folder, subfolders, names in os.walk(top):
            subfolders[:] = sorted(d for d in subfolders if d not in SKIPPED_PARTS)
            files.extend(Path(folder) / n for n in names if Path(n).suffix not in SKIPPED_SUFFIXES)
    return sorted(files)


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"
