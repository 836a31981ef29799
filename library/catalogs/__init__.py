"""Interface-string catalogs: extraction, compilation, statistics, checks and the runtime translator.

A leaf package: it reads and writes files under the locales folder and imports polib, Babel and
`library.languages`, never the database or the web framework.
"""

from library.catalogs.checks import Finding, check_catalogs
from library.catalogs.lazy import N_, lazy_gettext, lazy_ngettext, lazy_pgettext, use_translator
from library.catalogs.runtime import Catalogs, FrontendCatalog, Miss, MissCounter, Translator

__all__ = [
    "Catalogs",
    "Finding",
    "FrontendCatalog",
    "Miss",
    "MissCounter",
    "N_",
    "Translator",
    "check_catalogs",
    "lazy_gettext",
    "lazy_ngettext",
    "lazy_pgettext",
    "use_translator",
]
