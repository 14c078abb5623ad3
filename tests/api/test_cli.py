"""The grants command line: messages, exit codes, one-line errors, and a quiet demo."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

from api.cli import main
from tests.factories import EXAMPLE_CALL, application_row, write_applications


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def fresh_sqlite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty database file that `grants init` has not created yet."""
    from grants import db
    from grants.settings import get_settings

    path = tmp_path / "fresh.db"
    monkeypatch.setenv("GRANTS_DATABASE_URL", f"sqlite:///{path}")
    get_settings.cache_clear()
    yield path
    db._engine_for.cache_clear()
    get_settings.cache_clear()


def test_cli_init_then_call_create_reports_each_step(fresh_sqlite: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "init") == (0, f"Schema created (revision 0005): sqlite:///{fresh_sqlite}\n", "")
    assert _run(capsys, "init") == (0, f"Schema already up to date (revision 0005): sqlite:///{fresh_sqlite}\n", "")
    assert _run(capsys, "call", "create", str(EXAMPLE_CALL)) == (0, "Call csf-2026 created.\n", "")
    assert _run(capsys, "--lang", "fr", "call", "create", str(EXAMPLE_CALL)) == (0, "Appel csf-2026 inchangé.\n", "")


def test_cli_command_before_init_says_what_to_do(fresh_sqlite: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "status", "CSF-2026-00001") == (
        1,
        "",
        "error: the database is not set up or is out of date; run `grants init` first\n",
    )


def test_cli_call_file_missing_field_is_one_line_naming_it(
    sqlite_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = EXAMPLE_CALL.read_text(encoding="utf-8").replace("envelope = 3_300_000\n", "")
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")

    assert _run(capsys, "call", "create", str(bad)) == (1, "", "error: bad.toml: streams[2].envelope: Field required\n")
    assert _run(capsys, "--lang", "fr", "call", "create", str(bad)) == (
        1,
        "",
        "erreur : bad.toml : streams[2].envelope : champ obligatoire manquant\n",
    )


def test_cli_intake_with_rejected_rows_exits_1_and_names_the_report(
    sqlite_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(capsys, "call", "create", str(EXAMPLE_CALL))[0] == 0
    source = write_applications(tmp_path / "apps.csv", [application_row(1), application_row(2, stream="xyz")])

    code, out, err = _run(capsys, "intake", "csf-2026", str(source), "--out", str(tmp_path / "out"))

    lines = out.splitlines()
    assert (code, err) == (1, "")
    assert lines[0] == "apps.csv: 2 row(s); 1 application(s) received, 0 already received, 1 rejected."
    assert lines[1].startswith(f"Report of rejected rows: {tmp_path / 'out'}/apps-")
    assert lines[1].endswith("-errors.csv")
    assert lines[2].startswith("Applicants' access tokens (to send, then destroy): ")


def test_cli_unreadable_intake_file_is_one_line(
    sqlite_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(capsys, "call", "create", str(EXAMPLE_CALL))[0] == 0
    source = tmp_path / "apps.csv"
    source.write_bytes(b"external_id,submitted_at\n\xff\xfe\xfa broken\n")

    assert _run(capsys, "intake", "csf-2026", str(source)) == (
        1,
        "",
        "error: apps.csv: not UTF-8 text; save the file as CSV UTF-8\n",
    )


def test_cli_screen_override_and_status(
    sqlite_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(capsys, "call", "create", str(EXAMPLE_CALL))[0] == 0
    source = write_applications(tmp_path / "apps.csv", [application_row(1, organization_type="municipality")])
    assert _run(capsys, "intake", "csf-2026", str(source), "--out", str(tmp_path / "out"))[0] == 0

    assert _run(capsys, "screen", "csf-2026") == (
        0,
        "1 application(s) screened: 0 eligible, 0 ineligible, 1 for the fund office to review.\n",
        "",
    )
    assert _run(
        capsys, "screen", "override", "CSF-2026-00001", "--result", "eligible", "--reason", "Shelter run by the city"
    ) == (0, "CSF-2026-00001: eligible.\n", "")
    code, out, _ = _run(capsys, "status", "CSF-2026-00001", "--lang", "fr")
    assert code == 0
    assert out.splitlines()[5:8] == [
        "Étape : admissible",
        "  Votre demande satisfait aux critères d'admissibilité. Elle sera confiée à des évaluatrices et "
        "évaluateurs indépendants.",
        "Motifs :",
    ]
    assert out.splitlines()[8] == "  - Décision du bureau du fonds : Shelter run by the city"
    assert _run(capsys, "audit", "verify") == (0, "Audit log intact: 4 event(s) checked.\n", "")


def test_cli_demo_runs_quietly_in_a_fresh_home(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "GRANTS_"))}
    env["GRANTS_HOME"] = str(tmp_path / "home")
    command = [sys.executable, "-c", "from api.cli import run; run()", "demo", "--applications", "60"]

    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)

    assert (done.returncode, done.stderr) == (0, "")
    assert "Applications by stream and stage" in done.stdout
    assert done.stdout.splitlines()[1] == (
        "applications.csv: 60 row(s); 58 application(s) received, 0 already received, 2 rejected."
    )


def test_cli_reviewers_conflicts_assign_and_views(
    sqlite_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.factories import REVIEWER_COLUMNS, reviewer_row, write_rows

    assert _run(capsys, "call", "create", str(EXAMPLE_CALL))[0] == 0
    apps = write_applications(tmp_path / "apps.csv", [application_row(1), application_row(2)])
    assert _run(capsys, "intake", "csf-2026", str(apps), "--out", str(tmp_path / "out"))[0] == 0
    assert _run(capsys, "screen", "csf-2026")[0] == 0
    pool = [reviewer_row(n, max_load=2) for n in range(1, 5)] + [reviewer_row(9, languages="es")]
    reviewers = write_rows(tmp_path / "reviewers.csv", pool, REVIEWER_COLUMNS)
    declared = write_rows(
        tmp_path / "declared.csv",
        [{"reviewer_email": "reviewer4@example.org", "external_id": "PORTAL-000001", "reason": "Board member"}],
        ("reviewer_email", "external_id", "reason"),
    )

    code, out, _ = _run(capsys, "reviewers", "import", "csf-2026", str(reviewers), "--out", str(tmp_path / "out"))
    assert (code, out.splitlines()[0]) == (
        1,
        "reviewers.csv: 5 row(s); 4 reviewer(s) added, 0 updated, 0 unchanged, 1 row(s) rejected.",
    )
    assert _run(capsys, "conflicts", "import", "csf-2026", str(declared)) == (
        0,
        "declared.csv: 1 row(s); 1 conflict(s) added, 0 already known, 0 row(s) rejected.\n",
        "",
    )
    code, out, err = _run(capsys, "assign", "csf-2026")
    assert (code, err) == (0, "")
    assert out.startswith("6 assignment(s) for 2 application(s); 2 application(s) enter review.")
    export = tmp_path / "assignments.csv"
    assert _run(capsys, "assign", "csf-2026", "--export", str(export)) == (
        0,
        f"Assignments exported: {export}\n",
        "",
    )
    rows = export.read_text(encoding="utf-8-sig").splitlines()
    assert rows[0] == "reference,language,stream,reviewer,reviewer_email,affinity,status"
    assert len(rows) == 7
    assert not any("reviewer4@example.org" in r and r.startswith("CSF-2026-00001") for r in rows)
    code, out, _ = _run(capsys, "conflicts", "list", "csf-2026")
    assert code == 0
    assert "Conflicts of interest: 1" in out
    assert "Board member" in out


def test_cli_tokens_are_printed_once_and_revocable(sqlite_engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "managers", "add", "Mina  Manager", "--days", "30")
    token = out.splitlines()[1]
    again = _run(capsys, "managers", "add", "Mina Manager")
    revoked = _run(capsys, "tokens", "revoke", "manager", "Mina Manager")

    assert (code, err, len(out.splitlines()), len(token)) == (0, "", 2, 32)
    assert out.splitlines()[0].startswith("Manager Mina Manager: token valid until ")
    assert again == (1, "", "error: a manager named 'Mina Manager' exists already; use `grants managers token` for "
                     "a new token\n")  # fmt: skip
    assert revoked == (0, "1 token(s) revoked for Mina Manager.\n", "")


def test_cli_scale_out_commands_need_a_prefect_server(
    sqlite_engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    deploy = _run(capsys, "--lang", "fr", "deploy")
    serve = _run(capsys, "serve", "--workers", "2")

    assert deploy == (1, "", "erreur : aucun serveur Prefect n'est configuré : définissez PREFECT_API_URL (voir "
                      "« Running at scale » dans le README)\n")  # fmt: skip
    assert serve == (1, "", "error: several API processes need a Prefect server (PREFECT_API_URL): each would start "
                     "its own backend\n")  # fmt: skip
