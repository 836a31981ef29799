"""Settings read once from the environment (``LIBRARY_*``) and passed down explicitly.

No module-level settings object exists: `library.bootstrap.build_runtime` (used by the CLI and
`create_app`) calls `load_settings()` and hands the result down, so tests simply build their own with
`load_settings({...})`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from library.errors import ConfigurationError

DEFAULT_LANGUAGES = ("en", "ru", "kk")
SHARED_MAX_AGE_PURGED = 3600
"""`Settings.shared_max_age` when purge URLs are set and no value is given."""
PURGE_MODES = ("xkey", "ban")
DEFAULT_FALLBACKS = {"kk": ("ru", "en"), "ru": ("en", "kk"), "en": ("ru", "kk")}


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///library.db"
    """SQLAlchemy URL. SQLite (a file, created on first use) by default; ``postgresql://...`` for production."""

    languages: tuple[str, ...] = DEFAULT_LANGUAGES
    """Supported content and interface languages, in display order (LIBRARY_LANGUAGES=en,ru,kk)."""

    default_language: str = "kk"
    """Language used when nothing in the request names one (LIBRARY_DEFAULT_LANGUAGE)."""

    fallbacks: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_FALLBACKS))
    """Per language, the languages tried after it when a text is missing, in order
    (LIBRARY_FALLBACKS="kk:ru,en;ru:en,kk;en:ru,kk")."""

    locales_dir: Path = Path(__file__).resolve().parent.parent / "locales"
    """Folder with ``<lang>/LC_MESSAGES/messages.po`` catalogs (LIBRARY_LOCALES_DIR)."""

    flush_interval: float = 2.0
    """Seconds between flushes of buffered view and demand counters (LIBRARY_FLUSH_INTERVAL)."""

    cache_mb: float = 250.0
    """Megabytes of encoded reader responses each server process keeps; 0 turns the cache off
    (LIBRARY_CACHE_MB)."""

    reader_threads: int | None = None
    """Worker threads that build reader responses the cache does not hold (articles, listings, pages) in
    each server process (LIBRARY_READER_THREADS); 0 builds them on the event loop itself. Unset: 0 on
    SQLite, 2 on PostgreSQL (`builder_threads`). Only one thread runs Python at a time (the GIL), so
    threads only overlap waits on the database, and each hand-off of the GIL costs: a SQLite read waits
    on nothing but the CPU, and building on the loop served 1.5x the uncached reads of two threads; a
    PostgreSQL read waits on a socket, which threads overlap (README, "Fast for the whole library").
    On PostgreSQL an article's read and page do not use them: the read is awaited on the event loop
    (`library.storage.async_reads`), which overlaps the wait without a hand-off. Staff and search
    requests keep anyio's own threads."""

    sqlite_busy_timeout: float = 10.0
    """Seconds a SQLite statement waits for another connection's lock before the database counts as
    unavailable (the request is answered 503, Retry-After) (LIBRARY_SQLITE_BUSY_TIMEOUT)."""

    translators_url: str | None = None
    """Where readers are sent to help translate; shown next to a fallback notice (LIBRARY_TRANSLATORS_URL)."""

    secret_key: str | None = None
    """Key protecting forms against cross-site requests (LIBRARY_SECRET_KEY); when unset, a random
    key is generated once and kept in the database so that every worker shares it."""

    sign_in_limit: int = 5
    """Failed sign-ins allowed per account and per client address within `sign_in_window`; the next
    attempt is refused (HTTP 429 with Retry-After) until the oldest leaves the window (LIBRARY_SIGNIN_LIMIT)."""

    sign_in_window: float = 60.0
    """Seconds over which failed sign-ins are counted (LIBRARY_SIGNIN_WINDOW)."""

    trusted_proxies: tuple[str, ...] = ("127.0.0.1",)
    """Addresses or networks of reverse proxies whose ``X-Forwarded-Proto`` and ``X-Forwarded-For``
    are believed (LIBRARY_TRUSTED_PROXIES=127.0.0.1,10.0.0.0/8; empty: none)."""
    max_text_kb: int = 1024
    """Largest title, summary or body of a variant, in kilobytes of UTF-8 (LIBRARY_MAX_TEXT_KB): every way
    text enters refuses more (`library.content.limits`), and HTTP request bodies are bounded from it
    (`library.web.guard`)."""

    replica_url: str | None = None
    """A PostgreSQL hot standby of the primary for reader routes (LIBRARY_DATABASE_REPLICA_URL); writes,
    staff and a reader's next requests after a write read the primary (`library.storage.replica`)."""

    replica_max_lag: float = 5.0
    """Seconds the replica may be behind the primary before readers are sent to the primary instead
    (LIBRARY_REPLICA_MAX_LAG)."""

    listen_url: str | None = None
    """Where each server process listens for content changes (LISTEN/NOTIFY) on PostgreSQL
    (LIBRARY_LISTEN_URL): by default the primary itself; set it to reach PostgreSQL past a pooler in
    transaction mode (PgBouncer), which never forwards notifications; ``off`` polls only."""

    @property
    def listens(self) -> str | None:
        """The database URL to listen on, or None where there is nothing to listen to (SQLite, ``off``)."""
        if self.is_sqlite or self.listen_url == "off":
            return None
        return self.listen_url or self.database_url

    purge_urls: tuple[str, ...] = ()
    """HTTP caches in front to purge after every content commit (LIBRARY_PURGE_URL=http://127.0.0.1:6081/,
    several separated by commas; empty: none). See `library.edge.purge`."""

    purge_mode: str = "xkey"
    """How they are purged (LIBRARY_PURGE_MODE): ``xkey`` sends ``PURGE`` with the surrogate keys (Varnish
    with the xkey module of varnish-modules), ``ban`` sends ``BAN`` with the same keys (stock Varnish)."""

    shared_max_age: int = 60
    """Seconds a shared cache in front may serve a reader response without asking the app
    (``s-maxage``; LIBRARY_SHARED_MAX_AGE). Purges make edits show at once; this bounds how stale an
    article's view count gets there, and how long a cache the library cannot purge keeps an edit out."""

    machine_translation: str | None = None
    """The machine-translation engine whose output is offered beside the memory's suggestions: the name of
    an entry point of the group ``library.machine_translation`` that an installed package provides
    (LIBRARY_MACHINE_TRANSLATION). Unset by default: no engine is loaded and nothing leaves the machine."""

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def builder_threads(self) -> int:
        """`reader_threads`, or its default for the database engine when unset."""
        if self.reader_threads is not None:
            return self.reader_threads
        return 0 if self.is_sqlite else 2


def _parse_languages(raw: str) -> tuple[str, ...]:
    codes = tuple(code.strip().lower() for code in raw.split(",") if code.strip())
    if not codes:
        raise ConfigurationError("LIBRARY_LANGUAGES must name at least one language, e.g. en,ru,kk")
    return codes


def _parse_fallbacks(raw: str) -> dict[str, tuple[str, ...]]:
    chains: dict[str, tuple[str, ...]] = {}
    for part in raw.split(";"):
        if not part.strip():
            continue
        language, sep, rest = part.partition(":")
        if not sep:
            raise ConfigurationError(
                f"LIBRARY_FALLBACKS: {part.strip()!r} is not of the form lang:lang,lang (e.g. kk:ru,en)"
            )
        chains[language.strip().lower()] = tuple(c.strip().lower() for c in rest.split(",") if c.strip())
    return chains


def _parse_float(name: str, raw: str, *, unit: str = "seconds", zero: bool = False) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a number of {unit}, not {raw!r}") from None
    if value < 0 or (value == 0 and not zero) or value != value or value == float("inf"):
        raise ConfigurationError(f"{name} must be {'zero or ' if zero else ''}positive, not {raw!r}")
    return value


def _parse_networks(name: str, raw: str) -> tuple[str, ...]:
    import ipaddress

    networks = tuple(part.strip() for part in raw.split(",") if part.strip())
    for network in networks:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            raise ConfigurationError(f"{name}: {network!r} is not an IP address or network (e.g. 10.0.0.0/8)") from None
    return networks
def _parse_urls(name: str, raw: str) -> tuple[str, ...]:
    from urllib.parse import urlsplit

    urls = tuple(part.strip() for part in raw.split(",") if part.strip())
    for url in urls:
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 (raises on a bad port)
        except ValueError:
            parts = None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigurationError(f"{name}: {url!r} is not an http:// or https:// URL "
                                     "(e.g. http://127.0.0.1:6081/)")
    return urls


def _parse_whole(name: str, raw: str, *, unit: str, minimum: int | None = None) -> int:
    """A positive whole number, or with ``minimum`` one at least that (the message names it)."""
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number of {unit}, not {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ConfigurationError(f"{name} must be a whole number of at least {minimum}, not {raw!r}")
    if minimum is None and value <= 0:
        raise ConfigurationError(f"{name} must be positive, not {raw!r}")
    return value


def normalise_database_url(url: str) -> str:
    """Accept the URLs people write (``postgres://``, ``postgresql://``) and pick the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Build `Settings` from ``LIBRARY_*`` variables; bad values raise `ConfigurationError` naming the variable."""
    env = os.environ if environ is None else environ
    kwargs: dict[str, object] = {}
    if url := env.get("LIBRARY_DATABASE_URL"):
        kwargs["database_url"] = normalise_database_url(url.strip())
    if raw := env.get("LIBRARY_LANGUAGES"):
        kwargs["languages"] = _parse_languages(raw)
    if raw := env.get("LIBRARY_DEFAULT_LANGUAGE"):
        kwargs["default_language"] = raw.strip().lower()
    if raw := env.get("LIBRARY_FALLBACKS"):
        kwargs["fallbacks"] = {**DEFAULT_FALLBACKS, **_parse_fallbacks(raw)}
    if raw := env.get("LIBRARY_LOCALES_DIR"):
        kwargs["locales_dir"] = Path(raw)
    if raw := env.get("LIBRARY_FLUSH_INTERVAL"):
        kwargs["flush_interval"] = _parse_float("LIBRARY_FLUSH_INTERVAL", raw)
    if raw := env.get("LIBRARY_CACHE_MB"):
        kwargs["cache_mb"] = _parse_float("LIBRARY_CACHE_MB", raw, unit="megabytes", zero=True)
    if raw := env.get("LIBRARY_READER_THREADS"):
        kwargs["reader_threads"] = _parse_whole("LIBRARY_READER_THREADS", raw, unit="threads", minimum=0)
    if raw := env.get("LIBRARY_SQLITE_BUSY_TIMEOUT"):
        kwargs["sqlite_busy_timeout"] = _parse_float("LIBRARY_SQLITE_BUSY_TIMEOUT", raw)
    if raw := env.get("LIBRARY_TRANSLATORS_URL"):
        kwargs["translators_url"] = raw.strip()
    if raw := env.get("LIBRARY_MAX_TEXT_KB"):
        kwargs["max_text_kb"] = _parse_whole("LIBRARY_MAX_TEXT_KB", raw, unit="kilobytes")
    if raw := env.get("LIBRARY_SECRET_KEY"):
        if len(raw) < 32:
            raise ConfigurationError("LIBRARY_SECRET_KEY must be at least 32 characters long")
        kwargs["secret_key"] = raw
    if raw := env.get("LIBRARY_SIGNIN_LIMIT"):
        kwargs["sign_in_limit"] = _parse_whole("LIBRARY_SIGNIN_LIMIT", raw, unit="attempts", minimum=1)
    if raw := env.get("LIBRARY_SIGNIN_WINDOW"):
        kwargs["sign_in_window"] = _parse_float("LIBRARY_SIGNIN_WINDOW", raw)
    if (raw := env.get("LIBRARY_TRUSTED_PROXIES")) is not None:
        kwargs["trusted_proxies"] = _parse_networks("LIBRARY_TRUSTED_PROXIES", raw)
    if raw := env.get("LIBRARY_DATABASE_REPLICA_URL", "").strip():
        kwargs["replica_url"] = normalise_database_url(raw)
    if raw := env.get("LIBRARY_REPLICA_MAX_LAG"):
        kwargs["replica_max_lag"] = _parse_float("LIBRARY_REPLICA_MAX_LAG", raw)
    if raw := env.get("LIBRARY_LISTEN_URL", "").strip():
        kwargs["listen_url"] = "off" if raw.lower() == "off" else normalise_database_url(raw)
    if (raw := env.get("LIBRARY_PURGE_URL")) is not None:
        kwargs["purge_urls"] = _parse_urls("LIBRARY_PURGE_URL", raw)
    if raw := env.get("LIBRARY_PURGE_MODE"):
        if raw.strip().lower() not in PURGE_MODES:
            raise ConfigurationError(f"LIBRARY_PURGE_MODE must be one of {', '.join(PURGE_MODES)}, not {raw!r}")
        kwargs["purge_mode"] = raw.strip().lower()
    if raw := env.get("LIBRARY_SHARED_MAX_AGE"):
        kwargs["shared_max_age"] = _parse_whole("LIBRARY_SHARED_MAX_AGE", raw, unit="seconds")
    elif kwargs.get("purge_urls"):
        # The caches in front are told of every commit: they may keep answers an hour (a minute without
        # purges, when expiry is all that brings an edit through). Measured: 13-21x the app's ceiling
        # through Varnish with an hour, 1.7x with a minute (README, An HTTP cache in front).
        kwargs["shared_max_age"] = SHARED_MAX_AGE_PURGED
    if raw := env.get("LIBRARY_MACHINE_TRANSLATION", "").strip():
        kwargs["machine_translation"] = raw
    settings = Settings(**kwargs)  # type: ignore[arg-type]
    _validate(settings)
    return settings


def _validate(settings: Settings) -> None:
    for name, url in (("LIBRARY_DATABASE_REPLICA_URL", settings.replica_url),
                      ("LIBRARY_LISTEN_URL", None if settings.listen_url == "off" else settings.listen_url)):
        if url is not None and not url.startswith("postgresql+psycopg://"):
            raise ConfigurationError(f"{name} must be a postgresql:// URL, not {url.split(':', 1)[0]!r}")
        if url is not None and settings.is_sqlite:
            raise ConfigurationError(f"{name} needs a PostgreSQL LIBRARY_DATABASE_URL (SQLite has one host)")
    # Imported here so that settings stays importable without Babel for tooling.
    from library.languages.registry import LanguageRegistry

    # raises ConfigurationError naming the bad variable
    LanguageRegistry(settings.languages, settings.default_language, settings.fallbacks)
