"""Human-readable finding messages: one template per finding code, filled with the finding's facts.

Templates are marked with ``N_`` so they land in the interface catalogs; a finding is stored with its
code and facts, and whoever shows it renders it in the reader's language with `render` and that
language's translator. Stored messages (``quality_finding.message``) are the English rendering, for
logs, the CLI and anyone without a catalog. Language codes among the facts (``expected``, ``found``,
``source``) are shown as CLDR language names in the language of the message.
"""

from __future__ import annotations

from collections.abc import Mapping

from library.catalogs.lazy import N_
from library.errors import ENGLISH, MessageLanguage
from library.languages.registry import language_name

TEMPLATES: dict[str, str] = {
    # Translators: {where} is "The title", "The summary" or "Paragraph 3"; {found} and {expected} are
    # language names as CLDR writes them in your language; {excerpt} is the first words of the text.
    "wrong-language": N_("{where} is in {found}, not in {expected}: “{excerpt}”"),
    "wrong-language-unknown": N_("{where} is not in {expected}: “{excerpt}”"),
    "mixed-script": N_("{where} mixes Latin and Cyrillic letters inside words: {words}"),
    "identical-to-source": N_("The text is identical to its source in {source}: it was not translated."),
    "year-missing": N_("Years of the source are missing from the translation: {years}"),
    "url-missing": N_("Links of the source are missing from the translation: {urls}"),
    "email-missing": N_("E-mail addresses of the source are missing from the translation: {emails}"),
    "number-missing": N_("Numbers of the source are missing from the translation: {numbers}"),
    "markup-changed": N_("The markup differs from the source (tag: source → translation): {tags}"),
    "term-missing": N_("The source uses the term “{source_form}”, but the translation lacks “{expected}”."),
    "term-forbidden": N_("“{found}” is a forbidden translation of the term “{expected}”."),
    # Translators: {ratio}, {low} and {high} are decimal numbers such as 0.65.
    "length-ratio": N_("The translation is {ratio} times as long as its source (usual: {low} to {high})."),
}

#: Facts that hold a language code, shown as the language's name, per finding code.
LANGUAGE_FACTS = {"wrong-language": ("expected", "found"), "identical-to-source": ("source",)}

WHERE: dict[str, str] = {
    # Translators: the part of an article a finding is about; it starts the message ("The title is in ...").
    "title": N_("The title"),
    "summary": N_("The summary"),
    "paragraph": N_("Paragraph {number}"),
}


def _listed(values: object) -> str:
    if isinstance(values, list | tuple):
        return ", ".join(str(value) for value in values)
    if isinstance(values, Mapping):
        return ", ".join(f"{name} {pair[0]} → {pair[1]}" for name, pair in values.items())
    return str(values)


def template_key(code: str, facts: Mapping[str, object]) -> str:
    """The template a finding is rendered with (a wrong language found or not found)."""
    if code == "wrong-language" and not facts.get("found"):
        return "wrong-language-unknown"
    return code


def render(code: str, facts: Mapping[str, object], language: MessageLanguage = ENGLISH) -> str:
    """The message of a finding in ``language`` (English by default).

    Language names are formatted in the language's locale and pass through its ``script`` (kk-Latn
    transliterates the Kazakh names); quoted excerpts of the text stay as they are."""
    values: dict[str, object] = {key: _listed(value) for key, value in facts.items()}
    for key in LANGUAGE_FACTS.get(code, ()):
        if code_value := facts.get(key):
            values[key] = language.script(language_name(str(code_value), language.locale))
    if "where" in facts:
        values["where"] = language.gettext(WHERE[str(facts["where"])]).format(number=facts.get("number"))
    if "ratio" in facts:
        values.update({key: f"{float(facts[key]):.2f}" for key in ("ratio", "low", "high")})
    return language.gettext(TEMPLATES[template_key(code, facts)]).format(**values)
