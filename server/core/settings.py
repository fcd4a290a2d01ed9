"""Settings: everything the app needs to know, read from the environment in one place."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BASE_URL = "http://127.0.0.1:8000"  # a developer's machine: wrong in every public link
DEFAULT_CONTACT_EMAIL = "contact@example.org"  # a placeholder; SECURITY.md sends vulnerability reports to it


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Placeholder:
    """A setting left at a default that suits only a developer's machine."""

    variable: str
    consequence: str  # what readers get if it stays
    remedy: str  # what to set it to


@dataclass(frozen=True)
class Settings:
    content_dir: Path
    templates_dir: Path
    locales_dir: Path
    source_language: str = "en"  # BCP 47; the language the content is written in
    base_url: str = DEFAULT_BASE_URL  # absolute URLs (canonical, sitemap) use this, never Host
    behind_https: bool = False  # Secure cookie and Strict-Transport-Security
    pseudo_locales: bool = False  # en-XA and ar-XB for developers
    reload: bool = False  # look for changed files on every request, not every reload_interval
    reload_interval: float = 2.0  # where the OS cannot report changed files: seconds between looks; 0: no reloads
    html_max_age: int = 300  # seconds a shared cache may keep a page
    contact_email: str = DEFAULT_CONTACT_EMAIL  # shown in the footer; set SITE_CONTACT_EMAIL
    review_mode: bool = False  # side-by-side review views; unreviewed translations shown; never for readers
    debug: bool = False
    cache_dir: Path | None = None  # parsed pages kept between starts; None: parse every page at every start
    store_bytes: int = 16 * 1024 * 1024  # responses kept rendered and compressed, per worker; least recently used go
    catalog_cache: int = 500  # parsed page catalogs kept per worker; others are read again when needed

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """Settings from SITE_* variables; paths default to the repository's own folders."""
        root = Path(environ.get("SITE_ROOT", REPOSITORY_ROOT))
        settings = cls(
            content_dir=Path(environ.get("SITE_CONTENT_DIR", root / "content")),
            templates_dir=Path(environ.get("SITE_TEMPLATES_DIR", root / "templates")),
            locales_dir=Path(environ.get("SITE_LOCALES_DIR", root / "locales")),
            source_language=environ.get("SITE_SOURCE_LANGUAGE", "en"),
            base_url=environ.get("SITE_BASE_URL", DEFAULT_BASE_URL).rstrip("/"),
            behind_https=_flag(environ.get("SITE_BEHIND_HTTPS")),
            pseudo_locales=_flag(environ.get("SITE_PSEUDO_LOCALES")),
            reload=_flag(environ.get("SITE_RELOAD")),
            reload_interval=float(environ.get("SITE_RELOAD_INTERVAL", "2")),
            html_max_age=int(environ.get("SITE_HTML_MAX_AGE", "300")),
            contact_email=environ.get("SITE_CONTACT_EMAIL", DEFAULT_CONTACT_EMAIL),
            review_mode=_flag(environ.get("SITE_REVIEW_MODE")),
            debug=_flag(environ.get("SITE_DEBUG")),
            cache_dir=Path(environ["SITE_CACHE_DIR"]) if environ.get("SITE_CACHE_DIR") else root / ".cache",
            store_bytes=int(environ.get("SITE_STORE_BYTES", str(16 * 1024 * 1024))),
            catalog_cache=int(environ.get("SITE_CATALOG_CACHE", "500")),
        )
        settings.validate()
        return settings

    def validate(self) -> None:
        """Raise ValueError naming the first value that cannot work."""
        if not self.base_url.startswith(("http://", "https://")):
            raise ValueError(f"SITE_BASE_URL must start with http:// or https://, not {self.base_url!r}")
        if self.reload_interval < 0 or self.html_max_age < 0:
            raise ValueError("SITE_RELOAD_INTERVAL and SITE_HTML_MAX_AGE must not be negative")
        if self.store_bytes < 0 or self.catalog_cache < 1:
            raise ValueError("SITE_STORE_BYTES must not be negative and SITE_CATALOG_CACHE must be at least 1")
        for name in ("content_dir", "locales_dir", "templates_dir"):
            folder: Path = getattr(self, name)
            if not folder.is_dir():
                kind = name.removesuffix("_dir")
                raise ValueError(
                    f"The {kind} folder {folder} does not exist: set SITE_ROOT to the folder that holds "
                    f"content/, locales/ and templates/ (or use --{kind})."
                )

    def placeholders(self) -> list[Placeholder]:
        """The settings a public deployment must change but has not."""
        found = []
        if self.base_url == DEFAULT_BASE_URL:
            found.append(
                Placeholder(
                    "SITE_BASE_URL",
                    f"canonical links, hreflang and the sitemap point to {DEFAULT_BASE_URL}",
                    "the site's public origin (e.g. https://health.example)",
                )
            )
        if self.contact_email == DEFAULT_CONTACT_EMAIL:
            found.append(
                Placeholder(
                    "SITE_CONTACT_EMAIL",
                    f"the footer and SECURITY.md send readers and vulnerability reports to {DEFAULT_CONTACT_EMAIL}",
                    "an address someone reads",
                )
            )
        return found
