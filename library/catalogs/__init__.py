"""Interface-string catalogs: extraction, compilation, statistics, checks and the runtime translator.

A leaf package: it reads and writes files under the locales folder and imports polib, Babel and
`library.languages`, never the database or the web framework.
"""
