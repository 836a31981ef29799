"""`check_catalogs` finds what msgfmt lets through, names the file and line, and passes the shipped catalogs."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from library.catalogs.checks import Finding, check_catalogs
from library.catalogs.compile import compile_catalogs
from library.errors import Invalid
from library.quality.interface import check_interface_catalogs
from tests.catalogs.helpers import LANGUAGES, LOCALES, copy_locales, edit_entry, po_file

VIEW = "{count} view"


@pytest.fixture
def locales(tmp_path: Path) -> Path:
    return copy_locales(tmp_path)


def findings(locales: Path, code: str, **options) -> list[Finding]:
    compile_catalogs(locales, LANGUAGES)  # keep stale-mo out of the way unless a test wants it
    return [f for f in check_interface_catalogs(locales, LANGUAGES, **options) if f.code == code]


def test_shipped_catalogs_have_no_findings() -> None:
    assert check_interface_catalogs(LOCALES, LANGUAGES) == []


def test_the_catalogs_judge_no_language_themselves_the_caller_passes_the_judgement(locales: Path) -> None:
    """`library.catalogs` is a leaf: without a judge it checks structure only (the detector is quality's)."""
    edit_entry(locales, "en", "Views", msgstr="Хорошая погода, не так ли?")
    compile_catalogs(locales, LANGUAGES)
    assert check_catalogs(locales, LANGUAGES) == []
    judged = check_catalogs(locales, LANGUAGES, judge=lambda language, entry, text: [("planted", text)]
                            if entry.msgid == "Views" and language == "en" else [])
    assert [(f.code, f.message) for f in judged] == [("planted", "Хорошая погода, не так ли?")]
    assert [f.code for f in check_interface_catalogs(locales, LANGUAGES)] == ["wrong-script"]


def test_russian_text_in_the_english_catalog_is_named_with_file_and_line(locales: Path) -> None:
    line = edit_entry(locales, "en", "Views", msgstr="Хорошая погода, не так ли?")
    (finding,) = findings(locales, "wrong-script")
    assert (Path(finding.file), finding.line, finding.msgid) == (po_file(locales, "en"), line, "Views")
    assert finding.severity == "error"
    assert str(finding).startswith(f"{po_file(locales, 'en')}:{line}: Views: Cyrillic text in an English")
    # polib's line is the first line of the entry's block; its msgid follows within it.
    block = po_file(locales, "en").read_text(encoding="utf-8").splitlines()[line - 1 : line + 3]
    assert 'msgid "Views"' in block


@pytest.mark.parametrize(
    ("language", "msgid", "changes", "expected"),
    [
        (
            "ru",
            "No article has the slug {slug}.",
            {"msgstr": "Статья {slag} не найдена."},
            "the translation has {slag}",
        ),
        ("kk", "Nothing is served at {path}.", {"msgstr": "Ештеңе жоқ."}, "the translation has none"),
        (
            "ru",
            VIEW,
            {"msgstr_plural": {0: "{count} просмотр", 1: "просмотра", 2: "{count} просмотров"}},
            "msgstr[1]: placeholders differ",
        ),
        # Russian form 0 also serves 21, 31...: dropping {count} there is a bug.
        ("ru", VIEW, {"msgstr_plural": {0: "просмотр", 1: "{count} просмотра", 2: "{count} просмотров"}}, "msgstr[0]"),
    ],
)
def test_placeholder_mismatch(locales: Path, language: str, msgid: str, changes: dict, expected: str) -> None:
    edit_entry(locales, language, msgid, **changes)
    (finding,) = findings(locales, "placeholders")
    assert finding.msgid == msgid and expected in finding.message


def test_a_kazakh_form_used_only_for_one_may_drop_the_count(locales: Path) -> None:
    edit_entry(locales, "kk", VIEW, msgstr_plural={0: "бір қаралым", 1: "{count} қаралым"})
    assert findings(locales, "placeholders") == []


def test_wrong_number_of_plural_forms(locales: Path) -> None:
    edit_entry(locales, "ru", VIEW, msgstr_plural={0: "{count} просмотр", 1: "{count} просмотров"})
    (finding,) = findings(locales, "plural-count")
    assert "has 2 plural forms, the header declares nplurals=3" in finding.message


def test_russian_header_with_two_forms_is_an_error_though_msgfmt_accepts_it(locales: Path) -> None:
    path = po_file(locales, "ru")
    po = polib.pofile(str(path))
    po.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
    for entry in po:
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgstr_plural[0], 1: entry.msgstr_plural[2]}
    po.save()
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.fail("GNU msgfmt not found: install gettext (apt-get install gettext)", pytrace=False)
    assert subprocess.run([msgfmt, "-c", "-o", os.devnull, str(path)], capture_output=True).returncode == 0
    (finding,) = findings(locales, "plural-header")
    assert "nplurals=2, but CLDR gives 'ru' 3 forms" in finding.message


@pytest.mark.parametrize(
    ("language", "msgid", "msgstr", "code"),
    [
        ("kk", "Events", "События", "identical-to-ru"),
        ("kk", "Library", "Library", "identical-to-source"),
        ("ru", "Library", "Library", "identical-to-source"),
        ("ru", "Goals", "Celi", "wrong-script"),
        ("kk", "Goals", "Maqsattar", "wrong-script"),
        ("ru", "Goals", "Мақсаттар", "wrong-language"),
        ("ru", "SDG statistics", "Cтатистика ЦУР", "mixed-script"),  # Latin C
        # from the language detector: Russian sentences in the Kazakh catalog, Kazakh ones in the Russian
        ("kk", "Wait please...", "Хорошая погода, не так ли?", "wrong-language"),
        ("kk", "Something went wrong", "Что-то пошло не так", "wrong-language"),
        ("ru", "The operation completed successfully.", "Операция сәтті аяқталды.", "wrong-language"),
        ("en", "Subscribe", "Подписаться", "wrong-script"),
    ],
)
def test_wrong_script_or_language(locales: Path, language: str, msgid: str, msgstr: str, code: str) -> None:
    edit_entry(locales, language, msgid, msgstr=msgstr)
    (finding,) = findings(locales, code)
    assert (finding.msgid, finding.severity) == (msgid, "error")
    assert Path(finding.file) == po_file(locales, language)


@pytest.mark.parametrize(
    ("msgid", "msgstr"),
    [
        # issue 18, as Django's kk catalogs write them
        ("URL is missing a leading slash.", "URLдың басында бөлшек белгісі жоқ"),
        ("Flatpage with url %(url)s already exists for site %(site)s",
         "%(url)s url'ымен жайбет %(site)s сайтта бұрыннан бар"),
        ("Example: 'flatpages/contact_page.html'. If this isn't provided, the system will use "
         "'flatpages/default.html'.",
         "Мысал: 'flatpages/contact_page.html'. Ештенке берілмесе, 'flatpages/default.html' қолданылады."),
        ("Enter a valid URL.", "Тура URL-ді енгізіңіз."),
        ("Open the table in Microsoft Excel", "Кестені Microsoft Excel бағдарламасында ашыңыз"),
        ("Install the app on your iPhone", "Қосымшаны iPhone-ға орнатыңыз"),
    ],
)
def test_kazakh_with_names_code_and_endings_is_no_finding(locales: Path, msgid: str, msgstr: str) -> None:
    po = polib.pofile(str(po_file(locales, "kk")))
    po.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
    po.save()
    found = [f for f in check_interface_catalogs(locales, ("en", "ru", "kk"), check_compiled=False) if f.msgid == msgid]
    assert found == []


@pytest.mark.parametrize("comment", ["tcomment", "comment"])
def test_the_allow_identical_marker_suppresses_a_reviewed_finding(locales: Path, comment: str) -> None:
    edit_entry(locales, "kk", "Events", msgstr="События", **{comment: "library: allow-identical"})
    assert findings(locales, "identical-to-ru") == []


def test_the_language_ok_marker_suppresses_a_reviewed_language_finding(locales: Path) -> None:
    edit_entry(locales, "kk", "Wait please...", msgstr="Хорошая погода, не так ли?")
    (finding,) = findings(locales, "wrong-language")
    assert "Russian text in a Kazakh translation" in finding.message
    assert "the statistical model says Russian" in finding.message
    edit_entry(locales, "kk", "Wait please...", tcomment="library: language-ok (a quotation, kept on purpose)")
    assert findings(locales, "wrong-language") == []


@pytest.mark.parametrize(
    ("language", "msgid", "msgstr"),
    [
        ("kk", "Library", "Статистика"),  # one word, the same in Russian and Kazakh: unsure, not a finding
        ("ru", "Library", "Google"),  # an allow-listed name
        ("kk", "SDG statistics", "SDG"),  # an acronym
        ("ru", "Subscribe to the newsletter", "Подписаться на рассылку SDG"),
    ],
)
def test_weak_or_neutral_evidence_is_no_finding(locales: Path, language: str, msgid: str, msgstr: str) -> None:
    edit_entry(locales, language, msgid, msgstr=msgstr)
    compile_catalogs(locales, LANGUAGES)
    assert check_interface_catalogs(locales, LANGUAGES) == []


def test_kazakh_plural_forms_may_be_identical_to_each_other(locales: Path) -> None:
    assert all(f.code != "identical-to-ru" for f in check_interface_catalogs(LOCALES, LANGUAGES))
    assert polib.pofile(str(po_file(LOCALES, "kk"))).find(VIEW).msgstr_plural == {
        0: "{count} қаралым",
        1: "{count} қаралым",
    }


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"msgstr": ""}, "untranslated"),
        ({"flags": ["fuzzy"]}, "fuzzy"),
    ],
)
def test_gaps_are_errors_in_required_languages_and_warnings_elsewhere(locales: Path, changes: dict, code: str) -> None:
    edit_entry(locales, "kk", "Goals", **changes)
    (error,) = findings(locales, code)
    assert (error.msgid, error.severity) == ("Goals", "error")
    (warning,) = findings(locales, code, required=("en", "ru"))
    assert warning.severity == "warning"


def test_a_plural_with_only_the_first_form_is_incomplete(locales: Path) -> None:
    edit_entry(locales, "ru", VIEW, msgstr_plural={0: "{count} просмотр", 1: "", 2: ""})
    (finding,) = findings(locales, "plural-incomplete")
    assert finding.msgid == VIEW


def test_a_stale_mo_is_reported(locales: Path) -> None:
    edit_entry(locales, "kk", "Goals", msgstr="Мақсаттар!")
    stale = [f for f in check_interface_catalogs(locales, LANGUAGES) if f.code == "stale-mo"]
    assert [Path(f.file).parent.parent.name for f in stale] == ["kk"]
    assert check_interface_catalogs(locales, LANGUAGES, check_compiled=False) == []


def test_a_message_missing_from_a_catalog_points_at_the_template(locales: Path) -> None:
    po = polib.pofile(str(po_file(locales, "kk")))
    po.remove(po.find("Goals"))
    po.save()
    (finding,) = findings(locales, "not-merged")
    assert finding.file.endswith("messages.pot") and finding.msgid == "Goals"


def test_a_malformed_catalog_is_invalid_input(locales: Path) -> None:
    po_file(locales, "ru").write_text('msgid "a"\nmsgstr "б"\nnot a keyword\n', encoding="utf-8")
    with pytest.raises(Invalid, match="ru/LC_MESSAGES/messages.po"):
        check_interface_catalogs(locales, LANGUAGES)


def test_a_plural_entry_is_reported_once_per_problem(locales: Path) -> None:
    edit_entry(locales, "ru", VIEW, msgstr_plural={0: "{count} view", 1: "{count} viewa", 2: "{count} viewov"})
    assert [f.code for f in findings(locales, "wrong-script")] == ["wrong-script"]
