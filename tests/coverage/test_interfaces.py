"""`library coverage` and the coverage API: one shape, CSV that parses, a CI gate naming languages."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from library.cli import main
from library.cli.exits import ExitCode
from library.content.models import Status
from library.coverage.models import CoverageSnapshot
from library.coverage.render import CSV_COLUMNS
from library.storage import session_scope
from library.workflow import accounts
from tests.factories import make_article, make_section, make_user, translate


@pytest.fixture
def library(engine):
    """Section alpha: 4 Russian articles, 3 published in Kazakh, 1 in English (1 more in review);
    section beta: 1 Russian article, nothing else. kk 60 %, en 20 %, ru 100 %."""
    with session_scope(engine) as session:
        alpha, beta = make_section(session, "alpha"), make_section(session, "beta")
        articles = [make_article(session, slug=f"a-{n}", section=alpha) for n in range(4)]
        make_article(session, slug="b-0", section=beta)
        for article in articles[:3]:
            translate(session, article, "kk")
        translate(session, articles[0], "en")
        translate(session, articles[1], "en", status=Status.IN_REVIEW)
    return engine


@pytest.fixture
def tokens(engine) -> dict[str, dict[str, str]]:
    """Authorization headers of an editor, an admin and a translator."""
    headers = {}
    with session_scope(engine) as session:
        for username, role in (("olga", "editor"), ("root", "admin"), ("aigerim", "translator")):
            user = make_user(session, username, role)
            headers[role] = {"Authorization": f"Bearer {accounts.issue_token(session, user).secret}"}
    return headers


@pytest.fixture
def api(client, tokens):
    """GET as an editor."""
    return lambda path, **kwargs: client.get(path, headers=tokens["editor"], **kwargs)


@pytest.fixture
def run(settings):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, ["coverage", *args], env={"LIBRARY_DATABASE_URL": settings.database_url},
                             catch_exceptions=False)

    return invoke


def test_the_table_is_aligned_with_percentages(library, run):
    result = run()
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["section", "lang", "articles"]
    kk = next(line for line in lines if line.startswith("alpha") and " kk " in line)
    assert "3 (75.0%)" in kk
    assert any(line.startswith("total") and " kk " in line and "3 (60.0%)" in line for line in lines)
    rows = [line for line in lines if line and not line.startswith(("-", "interface"))]
    start = lines[1].index(" -") + 1  # where the rule under the header says the second column starts
    assert {row[start:start + 4].strip() for row in rows} == {"lang", "en", "ru", "kk"}
    assert len({len(row) for row in rows}) == 1  # numbers are right-aligned to one width


def test_json_is_the_api_shape(library, run, api):
    cli = json.loads(run("--format", "json", "--lang", "kk,en").stdout)
    body = api("/api/v1/coverage", params={"lang": ["kk", "en"]}).json()
    cli.pop("generated_at"), body.pop("generated_at")
    assert cli == body
    kk = cli["totals"]["languages"][1]
    assert (kk["language"], kk["articles"], kk["published"], kk["missing"], kk["percent"]["published"]) == (
        "kk", 5, 3, 2, 60.0)


def test_csv_parses_with_the_csv_module(library, run):
    text = run("--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [r["scope"] for r in rows] == ["cell"] * 6 + ["language"] * 3 + ["section"] * 2 + ["all"]
    kk_alpha = next(r for r in rows if (r["scope"], r["language"], r["section"]) == ("cell", "kk", "alpha"))
    assert (kk_alpha["articles"], kk_alpha["published"], kk_alpha["missing"], kk_alpha["published_percent"]) == (
        "4", "3", "1", "75.0")
    en = next(r for r in rows if (r["scope"], r["language"]) == ("language", "en"))
    assert (en["published"], en["in_review"], en["missing"]) == ("1", "1", "3")


def test_fail_under_exits_non_zero_naming_each_language_below_its_threshold(library, run):
    result = run("--fail-under", "kk=90,en=60,ru=100")
    assert result.exit_code == ExitCode.BELOW_THRESHOLD
    assert result.stderr.splitlines() == [
        "coverage of en is 20.0%, below the threshold of 60%",
        "coverage of kk is 60.0%, below the threshold of 90%",
    ]
    assert "alpha" in result.stdout  # the report is still printed
    assert run("--fail-under", "kk=60,en=20").exit_code == 0
    assert run("--fail-under", "kk=60.1", "--format", "json").exit_code == ExitCode.BELOW_THRESHOLD


@pytest.mark.parametrize(("args", "message", "code"), [
    (("--fail-under", "kk=ninety"), "error: --fail-under: 'kk=ninety' is not language=percent", ExitCode.BAD_INPUT),
    (("--fail-under", "de=50"), "error: Unknown language de", ExitCode.BAD_INPUT),
    (("--lang", "kk", "--fail-under", "en=50"), "error: --fail-under names en, which --lang leaves out",
     ExitCode.BAD_INPUT),
    (("--lang", "de"), "error: Unknown language de", ExitCode.BAD_INPUT),
    (("--section", "nowhere"), "error: No section has the slug 'nowhere'.", ExitCode.NOT_FOUND),
])
def test_mistakes_are_one_line_errors(library, run, args, message, code):
    result = run(*args)
    assert result.exit_code == code
    assert result.output.startswith(message) and result.output.count("\n") == 1


def test_snapshot_records_one_row_per_language_and_section_per_day(library, run, engine):
    for _ in range(2):
        result = run("snapshot")
        assert result.exit_code == 0, result.output
        assert "recorded 6 snapshots (3 languages x 2 sections)" in result.stdout
    with session_scope(engine, write=False) as session:
        assert session.scalar(select(func.count()).select_from(CoverageSnapshot)) == 6
    assert "recorded 2 snapshots" in run("snapshot", "--lang", "kk").stdout


@pytest.mark.parametrize("path", ["/api/v1/coverage", "/api/v1/coverage.csv", "/api/v1/coverage/history"])
def test_the_api_is_for_editors(library, client, tokens, path):
    assert client.get(path).status_code == 401
    refused = client.get(path, headers=tokens["translator"])
    assert refused.status_code == 403 and refused.headers["content-type"].startswith("application/problem+json")
    assert client.get(path, headers=tokens["editor"]).status_code == 200
    assert client.get(path, headers=tokens["admin"]).status_code == 200


def test_api_filters_and_problems(library, api):
    body = api("/api/v1/coverage?lang=kk&section=alpha").json()
    assert [(c["language"], c["section"], c["published"]) for c in body["cells"]] == [("kk", "alpha", 3)]
    both = api("/api/v1/coverage?lang=kk,en&section=beta&section=alpha").json()
    assert [(c["language"], c["section"]) for c in both["cells"]] == [
        ("en", "alpha"), ("kk", "alpha"), ("en", "beta"), ("kk", "beta")]
    bad = api("/api/v1/coverage?lang=de")
    assert bad.status_code == 400 and bad.headers["content-type"].startswith("application/problem+json")
    assert bad.json()["supported"] == ["en", "ru", "kk"]
    missing = api("/api/v1/coverage.csv?section=nowhere")
    assert missing.status_code == 404 and missing.json()["slug"] == "nowhere"


def test_api_csv_download(library, api):
    response = api("/api/v1/coverage.csv", params={"lang": "kk"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["scope"], r["language"], r["section"]) for r in rows] == [
        ("cell", "kk", "alpha"), ("cell", "kk", "beta"), ("language", "kk", ""), ("section", "", "alpha"),
        ("section", "", "beta"), ("all", "", "")]


def test_api_history(library, api, run):
    assert api("/api/v1/coverage/history?lang=kk").json() == {"series": [{"language": "kk", "points": []}]}
    run("snapshot")
    series = api("/api/v1/coverage/history", params={"lang": "kk", "since": "2000-01-01"}).json()["series"]
    [point] = series[0]["points"]
    assert (point["articles"], point["published"], point["percent"]["published"]) == (5, 3, 60.0)
    assert api("/api/v1/coverage/history?since=yesterday").status_code == 400
