"""The ``grants`` command line (Typer). Commands parse input, call a service or run a flow."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.console import Console
from rich.table import Table
from typer.core import TyperGroup

from api.messages import msg
from api.views import (
    assignment_line,
    import_line,
    intake_line,
    print_ranking,
    print_round_report,
    print_score,
    print_status,
    review_summary_line,
    screening_line,
)
from grants.errors import DomainError, Lang
from grants.settings import get_settings

_SETTINGS_LANG: Lang = get_settings().lang


def h(en: str, fr: str) -> str:
    """Help text in the command line's language (GRANTS_LANG)."""
    return fr if _SETTINGS_LANG == "fr" else en


class _State:
    lang: Lang = _SETTINGS_LANG


state = _State()
out = Console(highlight=False, soft_wrap=True)
if not out.is_terminal:
    out.width = 150  # files and pipes get whole tables rather than 80 folded columns
err = Console(stderr=True, highlight=False, soft_wrap=True)


class DefaultGroup(TyperGroup):
    """A group whose first argument, when it names no subcommand, goes to ``run``."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    name="grants",
    help=h(
        "Community Support Fund engine: call setup, intake, eligibility screening and the later stages.",
        "Moteur du Fonds de soutien communautaire : appel, réception, admissibilité et étapes suivantes.",
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
call_app = typer.Typer(help=h("Set up calls for proposals.", "Créer et modifier les appels de propositions."))
screen_app = typer.Typer(
    cls=DefaultGroup,
    help=h(
        "Eligibility screening: `grants screen CALL`, or `grants screen override REF`.",
        "Vérification de l'admissibilité : `grants screen APPEL`, ou `grants screen override RÉF`.",
    ),
)
audit_app = typer.Typer(help=h("The audit log.", "Le journal d'audit."))
reviewers_app = typer.Typer(help=h("The reviewer pool.", "Le bassin d'évaluateurs."))
conflicts_app = typer.Typer(help=h("Conflicts of interest.", "Les conflits d'intérêts."))
reviews_app = typer.Typer(help=h("Reviews, their summary and moderation.", "Évaluations, sommaire et modération."))
app.add_typer(reviews_app, name="reviews")
award_app = typer.Typer(help=h("Award rounds: allocation, approval, waitlist.", "Rondes d'attribution."))
app.add_typer(award_app, name="award")
milestones_app = typer.Typer(help=h("Milestones: reports, payments, overdue checks.", "Jalons : rapports, versements."))
app.add_typer(milestones_app, name="milestones")
notices_app = typer.Typer(
    cls=DefaultGroup,
    help=h(
        "Letters to applicants: `grants notices ROUND --out DIR`, `grants notices ineligible CALL`, "
        "`grants notices sent ROUND`.",
        "Lettres aux demandeurs : `grants notices RONDE --out DOSSIER`, `grants notices ineligible APPEL`, "
        "`grants notices sent RONDE`.",
    ),
)
app.add_typer(notices_app, name="notices")
app.add_typer(reviewers_app, name="reviewers")
app.add_typer(conflicts_app, name="conflicts")
app.add_typer(call_app, name="call")
app.add_typer(screen_app, name="screen")
app.add_typer(audit_app, name="audit")

LangOption = Annotated[
    Literal["fr", "en"] | None,
    typer.Option("--lang", help=h("Language of the output: fr or en.", "Langue des messages : fr ou en.")),
]


@app.callback()
def _root(lang: LangOption = None) -> None:
    if lang:
        state.lang = lang


def _say(key: str, **values: Any) -> None:
    out.print(msg(key, state.lang, **values), markup=False)


def _actor() -> str:
    return get_settings().actor or getpass.getuser()


def _ready_engine() -> Any:
    """The engine, once its schema is at the newest revision."""
    from grants.db import get_engine
    from grants.migrate import schema_is_current

    engine = get_engine()
    if not schema_is_current(engine):
        raise DomainError(
            en="the database is not set up or is out of date; run `grants init` first",
            fr="la base de données n'est pas créée ou n'est pas à jour; lancez d'abord `grants init`",
        )
    return engine


# --- commands -------------------------------------------------------------------------


@app.command(help=h("Create or upgrade the database schema.", "Créer la base de données ou la mettre à jour."))
def init() -> None:
    """Create or upgrade the database schema."""
    from sqlalchemy.engine import make_url

    from grants.db import get_engine
    from grants.migrate import upgrade

    engine = get_engine()
    before, head = upgrade(engine)
    url = make_url(get_settings().resolved_database_url).render_as_string(hide_password=True)
    key = "init.created" if before is None else ("init.current" if before == head else "init.upgraded")
    _say(key, before=before, head=head, url=url)


@call_app.command(
    "create",
    help=h(
        "Create a call from its file, or update it before it opens.",
        "Créer un appel à partir de son fichier, ou le modifier avant son ouverture.",
    ),
)
def call_create(
    file: Annotated[Path, typer.Argument(help=h("The call file (TOML).", "Le fichier de l'appel (TOML)."))],
) -> None:
    """Create a call from its file, or update it before it opens."""
    from grants.calls import save_call
    from grants.callspec import load_call_spec
    from grants.db import unit_of_work

    spec = load_call_spec(file)
    with unit_of_work(_ready_engine()) as session:
        call, change = save_call(session, spec=spec, actor=_actor())
    _say(f"call.{change}", code=call.code)


@app.command(
    help=h(
        "Take in a file of applications; rejected rows go to an error report.",
        "Recevoir un fichier de demandes; les lignes rejetées vont dans un rapport d'erreurs.",
    )
)
def intake(
    call: Annotated[str, typer.Argument(help=h("Call code, e.g. csf-2026.", "Code de l'appel, p. ex. csf-2026."))],
    file: Annotated[Path, typer.Argument(help=h("Applications (CSV or XLSX).", "Demandes (CSV ou XLSX)."))],
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help=h("Folder for the error report and tokens.", "Dossier du rapport et des jetons.")),
    ] = None,
) -> None:
    """Take in a file of applications; rejected rows go to an error report."""
    report = _run_intake(call, file, out_dir)
    if report.problem_en:
        raise DomainError(en=report.problem_en, fr=report.problem_fr or report.problem_en)
    if report.rejected:
        raise typer.Exit(1)


def _run_intake(call: str, file: Path, out_dir: Path | None) -> Any:
    _ready_engine()
    from workflows.intake import intake_flow
    from workflows.runtime import run_flow

    with err.status(msg("intake.running", state.lang, file=file.name)):
        report = run_flow(
            intake_flow,
            call_code=call,
            path=str(file.resolve()),
            out_dir=str(out_dir.resolve()) if out_dir else None,
            actor=_actor(),
        )
    if not report.problem_en:
        out.print(intake_line(report, state.lang), markup=False)
        if report.error_report:
            _say("intake.errors", path=report.error_report)
        if report.token_file:
            _say("intake.tokens", path=report.token_file)
        if report.receipts:
            _say("intake.receipts", path=report.receipts)
    return report


@screen_app.command(
    "run",
    help=h(
        "Screen every submitted application of a call.",
        "Vérifier l'admissibilité de chaque demande soumise d'un appel.",
    ),
)
def screen_run(
    call: Annotated[str, typer.Argument(help=h("Call code.", "Code de l'appel."))],
) -> None:
    """Screen every submitted application of a call."""
    _run_screening(call)


def _run_screening(call: str) -> Any:
    from grants.calls import get_call
    from grants.db import unit_of_work

    with unit_of_work(_ready_engine()) as session:
        get_call(session, call)
    from workflows.runtime import run_flow
    from workflows.screening import screening_flow

    with err.status(msg("screen.running", state.lang, code=call)):
        summary = run_flow(screening_flow, call_code=call, actor=_actor())
    out.print(screening_line(summary, state.lang), markup=False)
    if summary.letters:
        _say("screen.letters", path=summary.letters)
    return summary


@screen_app.command(
    "override",
    help=h(
        "Decide an application's eligibility as a manager, with a reason.",
        "Décider de l'admissibilité d'une demande en tant que gestionnaire, avec un motif.",
    ),
)
def screen_override(
    reference: Annotated[str, typer.Argument(help=h("Application reference.", "Référence de la demande."))],
    result: Annotated[
        Literal["eligible", "ineligible"],
        typer.Option("--result", help=h("The decision.", "La décision.")),
    ],
    reason: Annotated[str, typer.Option("--reason", help=h("Why (kept in the audit log).", "Motif (consigné)."))],
) -> None:
    """Decide an application's eligibility as a manager, with a reason."""
    from grants.db import unit_of_work
    from grants.lifecycle import STATUS_NAMES
    from grants.models import ApplicationStatus
    from grants.screening import override_screening

    with unit_of_work(_ready_engine()) as session:
        app_ = override_screening(session, reference=reference, result=result, reason=reason, actor=_actor())
    stage = STATUS_NAMES[ApplicationStatus(app_.status)][0 if state.lang == "fr" else 1]
    _say("screen.override", reference=app_.reference, stage=stage)


@app.command(
    help=h(
        "Where an application stands and why, in the applicant's language.",
        "Où en est une demande et pourquoi, dans la langue du demandeur.",
    )
)
def status(
    reference: Annotated[str, typer.Argument(help=h("Application reference.", "Référence de la demande."))],
    lang: LangOption = None,
) -> None:
    """Where an application stands and why, in the applicant's language."""
    from grants.db import unit_of_work
    from grants.status import application_status

    with unit_of_work(_ready_engine()) as session:
        view = application_status(session, reference=reference, lang=lang)
    print_status(out, view)


@reviewers_app.command(
    "import",
    help=h(
        "Add or refresh the call's reviewers (keyed on e-mail); rejected rows go to an error report.",
        "Ajouter ou mettre à jour les évaluateurs de l'appel (selon le courriel); lignes rejetées dans un rapport.",
    ),
)
def reviewers_import(
    call: Annotated[str, typer.Argument(help=h("Call code.", "Code de l'appel."))],
    file: Annotated[Path, typer.Argument(help=h("Reviewers (CSV or XLSX).", "Évaluateurs (CSV ou XLSX)."))],
    out_dir: Annotated[
        Path | None, typer.Option("--out", help=h("Folder for the error report.", "Dossier du rapport d'erreurs."))
    ] = None,
) -> None:
    """Add or refresh the call's reviewers (keyed on e-mail); rejected rows go to an error report."""
    from workflows.assignment import reviewers_import_flow

    _run_import(reviewers_import_flow, call, file, out_dir, "reviewers")


def _run_import(flow: Any, call: str, file: Path, out_dir: Path | None, kind: str) -> None:
    """Run an import flow, print its summary and error report; exit 1 when a row was rejected."""
    _ready_engine()
    from workflows.runtime import run_flow

    with err.status(msg(f"{kind}.running", state.lang, file=file.name)):
        report = run_flow(
            flow,
            call_code=call,
            path=str(file.resolve()),
            out_dir=str(out_dir.resolve()) if out_dir else None,
            actor=_actor(),
        )
    summary_key = f"{kind}.summary"
    if report.problem_en:
        raise DomainError(en=report.problem_en, fr=report.problem_fr or report.problem_en)
    out.print(import_line(report, summary_key, state.lang), markup=False)
    if report.recused:
        _say("conflicts.recused", recused=report.recused, replaced=report.replaced)
    if report.error_report:
        _say("intake.errors", path=report.error_report)
    if report.rejected:
        raise typer.Exit(1)


@conflicts_app.command(
    "import",
    help=h(
        "Import declared conflicts; an assigned reviewer who is now conflicted is replaced.",
        "Importer des conflits déclarés; un évaluateur affecté qui est désormais en conflit est remplacé.",
    ),
)
def conflicts_import(
    call: Annotated[str, typer.Argument(help=h("Call code.", "Code de l'appel."))],
    file: Annotated[
        Path,
        typer.Argument(help=h("Declared conflicts (CSV or XLSX).", "Conflits déclarés (CSV ou XLSX).")),
    ],
    out_dir: Annotated[
        Path | None, typer.Option("--out", help=h("Folder for the error report.", "Dossier du rapport d'erreurs."))
    ] = None,
) -> None:
    """Import declared conflicts; an assigned reviewer who is now conflicted is replaced."""
    from workflows.assignment import conflicts_import_flow

    _run_import(conflicts_import_flow, call, file, out_dir, "conflicts")


@conflicts_app.command(
    "list",
    help=h(
        "Every conflict of the call, with its source and reason.",
        "Tous les conflits de l'appel, avec leur source et leur motif.",
    ),
)
def conflicts_list(call: Annotated[str, typer.Argument(help=h("Call code.", "Code de l'appel."))]) -> None:
    """Every conflict of the call, with its source and reason."""
    from grants.calls import get_call
    from grants.conflicts import RULE_NAMES, list_conflicts
    from grants.db import unit_of_work

    with unit_of_work(_ready_engine()) as session:
        views = list_conflicts(session, call=get_call(session, call))
    if not views:
        _say("conflicts.none", code=call)
        return
    pick = 0 if state.lang == "fr" else 1
    table = Table(title=msg("conflicts.title", state.lang, count=len(views)))
    for key in ("conflicts.reviewer", "conflicts.application", "conflicts.organization", "conflicts.source"):
        table.add_column(msg(key, state.lang))
    table.add_column(msg("conflicts.reason", state.lang), overflow="fold")
    for v in views:
        reason = v.reason_fr if pick == 0 else v.reason_en
        table.add_row(v.reviewer, v.reference, v.organization, RULE_NAMES.get(v.rule, (v.rule, v.rule))[pick], reason)
    out.print(table)


@app.command(
    help=h(
        "Give each eligible application its reviewers (exact optimum); keeps valid existing assignments.",
        "Confier chaque demande admissible à ses évaluateurs (optimum exact); garde les affectations valides.",
    )
)
def assign(
    call: Annotated[str, typer.Argument(help=h("Call code.", "Code de l'appel."))],
    mode: Annotated[
        Literal["total", "fairness"],
        typer.Option(
            help=h(
                "total: highest total affinity; fairness: best-served worst application first.",
                "total : affinité totale maximale; fairness : d'abord la demande la moins bien servie.",
            )
        ),
    ] = "total",
    show: Annotated[
        bool, typer.Option("--show", help=h("Only print loads and coverage.", "Afficher charges et couverture."))
    ] = False,
    export: Annotated[
        Path | None, typer.Option("--export", help=h("Only write the assignments as CSV.", "Exporter en CSV."))
    ] = None,
) -> None:
    """Give each eligible application its reviewers (exact optimum); keeps valid existing assignments."""
    from grants.db import unit_of_work

    engine = _ready_engine()
    if show or export:
        from grants.assignment import export_assignments

        with unit_of_work(engine) as session:
            if export:
                path = export_assignments(session, call_code=call, path=export.resolve())
                _say("assign.exported", path=path)
            if show:
                _print_assignment_tables(session, call)
        return
    from grants.calls import get_call
    from workflows.assignment import assignment_flow
    from workflows.runtime import run_flow

    with unit_of_work(engine) as session:
        get_call(session, call)
    with err.status(msg("assign.running", state.lang)):
        report = run_flow(assignment_flow, call_code=call, mode=mode, actor=_actor())
    if report.problem_en:
        raise DomainError(en=report.problem_en, fr=report.problem_fr or report.problem_en)
    out.print(assignment_line(report, state.lang), markup=False)


def _print_assignment_tables(session: Any, call: str) -> None:
    from grants.assignment import coverage_table, load_table

    loads = Table(title=msg("assign.loads", state.lang))
    for key in ("conflicts.reviewer", "assign.max", "assign.assigned", "assign.recused"):
        loads.add_column(msg(key, state.lang), justify="left" if key == "conflicts.reviewer" else "right")
    for row in load_table(session, call_code=call):
        loads.add_row(f"{row.name} <{row.email}>", str(row.max_load), str(row.assigned), str(row.recused))
    out.print(loads)
    coverage = Table(title=msg("assign.coverage", state.lang))
    for key in ("conflicts.application", "assign.language", "assign.stream", "assign.reviewers", "assign.affinity"):
        coverage.add_column(msg(key, state.lang), justify="right" if key == "assign.affinity" else "left")
    for c in coverage_table(session, call_code=call):
        coverage.add_row(c.reference, c.language, c.stream, ", ".join(c.reviewers), f"{c.affinity:.2f}")
    out.print(coverage)


@reviews_app.command(
    "import",
    help=h(
        "Load reviews in bulk: one row per application and reviewer, a score and comment per criterion.",
        "Charger des évaluations en lot : une ligne par demande et évaluateur, une note et un commentaire par critère.",
    ),
)
def reviews_import(
    call: Annotated[str, typer.Argument(help=h("Call code.", "Code de l'appel."))],
    file: Annotated[Path, typer.Argument(help=h("Reviews (CSV or XLSX).", "Évaluations (CSV ou XLSX)."))],
    out_dir: Annotated[
        Path | None, typer.Option("--out", help=h("Folder for the error report.", "Dossier du rapport d'erreurs."))
    ] = None,
) -> None:
    """Load reviews in bulk: one row per application and reviewer, a score and comment per criterion."""
    from grants.calls import call_spec, get_call
    from grants.db import unit_of_work
    from grants.reviews import read_review_file, store_reviews, write_review_errors

    with unit_of_work(_ready_engine()) as session:
        call_row = get_call(session, call)
        spec = call_spec(call_row)
        checked = read_review_file(file, spec)
        stored = store_reviews(session, call=call_row, rows=checked.rows, actor=_actor())
    errors = checked.errors + stored.refused
    _say(
        "reviews.summary_import",
        source=file.name,
        total=checked.total_rows,
        created=stored.created,
        updated=stored.updated,
        unchanged=stored.unchanged,
        rejected=len({e.row for e in errors}),
    )
    if errors:
        import datetime as dt

        folder = out_dir or get_settings().output_dir / call / "reviews"
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        path = write_review_errors(folder.resolve() / f"{file.stem}-{stamp}-errors.csv", errors, spec)
        _say("intake.errors", path=path)
        raise typer.Exit(1)


@reviews_app.command(
    "simulate",
    help=h(
        "Fill in plausible reviews for the current assignments (demos and benchmarks).",
        "Produire des évaluations plausibles pour les affectations en cours (démonstrations, mesures).",
    ),
)
def reviews_simulate(
    call: Annotated[str, typer.Argument(help=h("Call code.", "Code de l'appel."))],
    seed: Annotated[int, typer.Option(help=h("Random seed.", "Graine aléatoire."))] = 2026,
) -> None:
    """Fill in plausible reviews for the current assignments (demos and benchmarks)."""
    from grants.db import unit_of_work
    from grants.reviews import simulate_reviews

    with unit_of_work(_ready_engine()) as session:
        stored = simulate_reviews(session, call_code=call, seed=seed, actor=_actor())
    _say("reviews.simulated", count=stored.created)


@reviews_app.command(
    "summary",
    help=h(
        "Weighted totals, calibrated scores, flags and ranking; raw and calibrated side by side.",
        "Totaux pondérés, notes calibrées, signalements et classement; notes brutes et calibrées côte à côte.",
    ),
)
def reviews_summary(
    call: Annotated[str, typer.Argument(help=h("Call code.", "Code de l'appel."))],
    method: Annotated[
        Literal["additive", "standardize"],
        typer.Option(
            help=h(
                "additive: least-squares reviewer effects (default); standardize: per-reviewer z-scores.",
                "additive : effets d'évaluateur par moindres carrés (défaut); standardize : cotes z par évaluateur.",
            )
        ),
    ] = "additive",
    top: Annotated[int, typer.Option(help=h("Rows shown per stream.", "Lignes par volet."))] = 10,
) -> None:
    """Weighted totals, calibrated scores, flags and ranking; raw and calibrated side by side."""
    summary = _run_summary(call, method)
    out.print(review_summary_line(summary, state.lang), markup=False)
    _print_ranking(call, top)
    _print_leniency(call)
    _print_missing(call, limit=20)


def _print_leniency(call: str, shown: int = 5) -> None:
    from grants.db import unit_of_work
    from grants.scores import reviewer_leniency

    with unit_of_work(_ready_engine()) as session:
        reviewers = reviewer_leniency(session, call_code=call)
    if not reviewers:
        return
    chosen = reviewers if len(reviewers) <= 2 * shown else reviewers[:shown] + reviewers[-shown:]
    table = Table(title=msg("reviews.leniency_title", state.lang))
    for key in ("conflicts.reviewer", "reviews.leniency", "ranking.reviews"):
        table.add_column(msg(key, state.lang), justify="left" if key == "conflicts.reviewer" else "right")
    for r in chosen:
        table.add_row(f"{r.name} <{r.email}>", f"{r.offset:+.2f}", str(r.reviews))
    out.print(table)


def _print_missing(call: str, limit: int | None) -> None:
    from grants.db import unit_of_work
    from grants.scores import missing_reviews

    with unit_of_work(_ready_engine()) as session:
        missing = missing_reviews(session, call_code=call)
    if not missing:
        _say("reviews.none_missing")
        return
    table = Table(title=msg("reviews.missing_title", state.lang, count=len(missing)))
    for key in ("conflicts.application", "conflicts.reviewer"):
        table.add_column(msg(key, state.lang))
    for m in missing[:limit] if limit else missing:
        table.add_row(m.reference, f"{m.reviewer} <{m.reviewer_email}>")
    out.print(table)
    if limit and len(missing) > limit:
        _say("reviews.missing_more", count=len(missing) - limit, code=call)


@reviews_app.command(
    "missing",
    help=h(
        "Every assigned review not yet received (never counted as a zero).",
        "Chaque évaluation affectée pas encore reçue (jamais comptée comme un zéro).",
    ),
)
def reviews_missing(call: Annotated[str, typer.Argument(help=h("Call code.", "Code de l'appel."))]) -> None:
    """Every assigned review not yet received (never counted as a zero)."""
    _print_missing(call, limit=None)


def _run_summary(call: str, method: str) -> Any:
    from grants.calls import get_call
    from grants.db import unit_of_work
    from workflows.runtime import run_flow
    from workflows.scoring import review_summary_flow

    with unit_of_work(_ready_engine()) as session:
        get_call(session, call)
    with err.status(msg("reviews.aggregating", state.lang)):
        return run_flow(review_summary_flow, call_code=call, method=method, actor=_actor())


@reviews_app.command(
    "flagged",
    help=h(
        "Applications whose reviewers disagree, for a manager to moderate.",
        "Demandes sur lesquelles les évaluateurs sont en désaccord, à modérer.",
    ),
)
def reviews_flagged(call: Annotated[str, typer.Argument(help=h("Call code.", "Code de l'appel."))]) -> None:
    """Applications whose reviewers disagree, for a manager to moderate."""
    from grants.db import unit_of_work
    from grants.scores import ranking

    with unit_of_work(_ready_engine()) as session:
        rows = [r for r in ranking(session, call_code=call) if r.disagreement or r.outliers]
    if not rows:
        _say("reviews.none_flagged")
        return
    table = Table(title=msg("reviews.flagged_title", state.lang, count=len(rows)))
    keys = ("conflicts.application", "conflicts.organization", "ranking.raw", "ranking.calibrated", "ranking.flag",
            "reviews.outliers")  # fmt: skip
    for key in keys:
        table.add_column(msg(key, state.lang))
    for r in rows:
        flag = msg("yes", state.lang) if r.disagreement else ""
        table.add_row(
            r.reference, r.organization, print_score(r.raw_mean), print_score(r.calibrated), flag, str(r.outliers)
        )
    out.print(table)


@reviews_app.command(
    "moderate",
    help=h(
        "Record a moderated score for a flagged application; the ranking is recomputed with it.",
        "Consigner une note modérée pour une demande signalée; le classement est recalculé.",
    ),
)
def reviews_moderate(
    reference: Annotated[str, typer.Argument(help=h("Application reference.", "Référence de la demande."))],
    score: Annotated[float, typer.Option("--score", help=h("Moderated score, 0 to 5.", "Note modérée, 0 à 5."))],
    reason: Annotated[str, typer.Option("--reason", help=h("Why (kept in the audit log).", "Motif (consigné)."))],
) -> None:
    """Record a moderated score for a flagged application; the ranking is recomputed with it."""
    from grants.applications import get_application
    from grants.db import unit_of_work
    from grants.models import Call
    from grants.scores import moderate, summary_method

    with unit_of_work(_ready_engine()) as session:
        moderation = moderate(session, reference=reference, score=score, reason=reason, actor=_actor())
        application = get_application(session, reference)
        call = session.get(Call, application.call_id)
        code = call.code if call else ""
        method = summary_method(session, reference=reference)
    _run_summary(code, method)  # recomputed the way the last summary was
    _say("reviews.moderated", reference=application.reference, score=moderation.score)


@app.command(
    help=h(
        "The ranked list of each stream, with calibrated scores, intervals and near-tie groups.",
        "Le classement de chaque volet : notes calibrées, intervalles et groupes d'égalité.",
    )
)
def ranking(
    call: Annotated[str, typer.Argument(help=h("Call code.", "Code de l'appel."))],
    export: Annotated[
        Path | None, typer.Option("--export", help=h("Write the ranking as CSV.", "Exporter le classement en CSV."))
    ] = None,
    top: Annotated[int, typer.Option(help=h("Rows shown per stream.", "Lignes par volet."))] = 20,
) -> None:
    """The ranked list of each stream, with calibrated scores, intervals and near-tie groups."""
    if export:
        from grants.db import unit_of_work
        from grants.scores import export_ranking
        from grants.scores import ranking as ranked

        with unit_of_work(_ready_engine()) as session:
            path = export_ranking(ranked(session, call_code=call), export.resolve())
        _say("ranking.exported", path=path)
        return
    _print_ranking(call, top)


def _print_ranking(call: str, top: int) -> None:
    from grants.calls import call_spec, get_call
    from grants.db import unit_of_work
    from grants.scores import ranking as ranked

    with unit_of_work(_ready_engine()) as session:
        rows = ranked(session, call_code=call)
        streams = call_spec(get_call(session, call)).streams
    print_ranking(out, state.lang, rows, {s.code: (s.name_fr, s.name_en) for s in streams}, top)


@award_app.command(
    "run",
    help=h(
        "Draft decisions for every reviewed application, within the envelopes and the equity rules.",
        "Décisions provisoires pour chaque demande évaluée, dans les enveloppes et selon les règles d'équité.",
    ),
)
def award_run(
    call: Annotated[str, typer.Argument(help=h("Call code.", "Code de l'appel."))],
    policy: Annotated[
        Path | None, typer.Option("--policy", help=h("Policy file (TOML) for this round.", "Politique de la ronde."))
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=h("A what-if round that can never be approved.", "Simulation."))
    ] = False,
    seed: Annotated[int | None, typer.Option(help=h("Lottery seed (recorded).", "Graine du tirage."))] = None,
    method: Annotated[
        Literal["rank_order", "optimal"] | None,
        typer.Option(help=h("Allocation method.", "Méthode d'attribution.")),
    ] = None,
    manager: Annotated[
        str | None, typer.Option("--manager", help=h("Who runs the round.", "Qui lance la ronde."))
    ] = None,
) -> None:
    """Draft decisions for every reviewed application, within the envelopes and the equity rules."""
    _run_round(call, policy, dry_run, seed, method, "initial", manager or _actor())


def _run_round(
    call: str, policy: Path | None, dry_run: bool, seed: int | None, method: str | None, kind: str, actor: str
) -> None:
    from grants.calls import call_spec, get_call
    from grants.db import unit_of_work
    from workflows.awards import award_round_flow
    from workflows.runtime import run_flow

    with unit_of_work(_ready_engine()) as session:
        streams = {s.code: (s.name_fr, s.name_en) for s in call_spec(get_call(session, call)).streams}
    with err.status(msg("award.running", state.lang, code=call)):
        report = run_flow(
            award_round_flow,
            call_code=call,
            policy_file=str(policy.resolve()) if policy else None,
            dry_run=dry_run,
            seed=seed,
            method=method,
            kind=kind,
            actor=actor,
        )
    if report.problem_en:
        raise DomainError(en=report.problem_en, fr=report.problem_fr or report.problem_en)
    print_round_report(out, state.lang, report, streams)


@award_app.command(
    "approve",
    help=h(
        "Make a draft round final (a manager other than the one who ran it); creates the milestones.",
        "Rendre une ronde définitive (par un autre gestionnaire que celui qui l'a lancée); crée les jalons.",
    ),
)
def award_approve(
    round_id: Annotated[int, typer.Argument(metavar="ROUND", help=h("Round number.", "Numéro de la ronde."))],
    manager: Annotated[str, typer.Option("--manager", help=h("The approving manager.", "Le gestionnaire."))],
) -> None:
    """Make a draft round final (a manager other than the one who ran it); creates the milestones."""
    from grants.awards import approve

    _ready_engine()
    approval = approve(round_id, manager=manager)
    _say(
        "award.approved",
        round=approval.round_id,
        funded=approval.funded,
        waitlisted=approval.waitlisted,
        declined=approval.declined,
        milestones=approval.milestones,
    )


@award_app.command(
    "show",
    help=h(
        "A round's decisions with their amounts, positions and rationale.",
        "Les décisions d'une ronde, avec montants, positions et motifs.",
    ),
)
def award_show(
    round_id: Annotated[int, typer.Argument(metavar="ROUND", help=h("Round number.", "Numéro de la ronde."))],
) -> None:
    """A round's decisions with their amounts, positions and rationale."""
    from grants.awards import round_decisions
    from grants.db import unit_of_work
    from grants.i18n import format_money

    with unit_of_work(_ready_engine()) as session:
        views = round_decisions(session, round_id=round_id)
    pick = 0 if state.lang == "fr" else 1
    table = Table(title=msg("award.decisions", state.lang, round=round_id))
    for key in ("conflicts.application", "assign.stream", "award.outcome", "award.amount", "award.position",
                "award.rationale"):  # fmt: skip
        table.add_column(msg(key, state.lang), overflow="fold")
    from grants.lifecycle import STATUS_NAMES
    from grants.models import ApplicationStatus

    for v in views:
        table.add_row(
            v.reference, v.stream, STATUS_NAMES[ApplicationStatus(v.outcome)][pick],
            format_money(v.amount_cents, state.lang) if v.amount_cents else "",
            str(v.waitlist_position or ""), v.rationale_fr if pick == 0 else v.rationale_en,
        )  # fmt: skip
    out.print(table)


@award_app.command(
    "compare",
    help=h(
        "Side by side: which applications change decision or amount, and the totals by stream and region.",
        "Côte à côte : les demandes dont la décision ou le montant change, et les sommes par volet et région.",
    ),
)
def award_compare(
    first: Annotated[int, typer.Argument(metavar="ROUND_A", help=h("A round.", "Une ronde."))],
    second: Annotated[int, typer.Argument(metavar="ROUND_B", help=h("Another round.", "Une autre ronde."))],
) -> None:
    """Side by side: which applications change decision or amount, and the totals by stream and region."""
    from grants.awards import compare_rounds
    from grants.db import unit_of_work
    from grants.i18n import format_money
    from grants.lifecycle import STATUS_NAMES
    from grants.models import ApplicationStatus

    with unit_of_work(_ready_engine()) as session:
        comparison = compare_rounds(session, first=first, second=second)
    pick = 0 if state.lang == "fr" else 1

    def label(outcome: str, cents: int) -> str:
        if outcome == "—":
            return "—"
        name = STATUS_NAMES[ApplicationStatus(outcome)][pick]
        return f"{name} {format_money(cents, state.lang)}" if cents else name

    table = Table(title=msg("award.compare", state.lang, a=first, b=second, count=len(comparison.changes)))
    for title in (
        msg("conflicts.application", state.lang),
        msg("assign.stream", state.lang),
        msg("award.before", state.lang, round=first),
        msg("award.before", state.lang, round=second),
    ):
        table.add_column(title)  # fmt: skip
    for c in comparison.changes:
        table.add_row(c.reference, c.stream, label(*c.before), label(*c.after))
    out.print(table)
    totals = Table(title=msg("award.totals", state.lang))
    for title in ("", msg("award.before", state.lang, round=first), msg("award.before", state.lang, round=second)):
        totals.add_column(title, justify="right")
    for key, (a, b) in comparison.totals.items():
        totals.add_row(key, format_money(a, state.lang), format_money(b, state.lang))
    out.print(totals)


@award_app.command(
    "withdraw",
    help=h(
        "A funded organization withdraws; the freed money goes to the waitlist as a new draft round.",
        "Un organisme financé se retire; les fonds libérés vont à la liste d'attente dans une nouvelle ronde.",
    ),
)
def award_withdraw(
    reference: Annotated[str, typer.Argument(help=h("Application reference.", "Référence de la demande."))],
    reason: Annotated[str, typer.Option("--reason", help=h("Why (kept in the audit log).", "Motif (consigné)."))],
) -> None:
    """A funded organization withdraws; the freed money goes to the waitlist as a new draft round."""
    from grants.awards import withdraw
    from grants.db import unit_of_work
    from grants.i18n import format_money

    with unit_of_work(_ready_engine()) as session:
        done = withdraw(session, reference=reference, reason=reason, actor=_actor())
    _say("award.withdrawn", reference=done.reference, freed=format_money(done.freed_cents, state.lang))
    _run_round(done.call_code, None, False, None, None, "waitlist", _actor())


@notices_app.command(
    "run",
    help=h(
        "One DOCX per decision of an approved round, and manifest.csv; a rerun finishes what is missing.",
        "Une lettre DOCX par décision d'une ronde approuvée, et manifest.csv; une reprise termine ce qui manque.",
    ),
)
def notices_round(
    round_id: Annotated[int, typer.Argument(metavar="ROUND", help=h("An approved round.", "Une ronde approuvée."))],
    out_dir: Annotated[
        Path | None, typer.Option("--out", help=h("Folder for the letters.", "Dossier des lettres."))
    ] = None,
) -> None:
    """One DOCX per decision of an approved round, and manifest.csv; a rerun finishes what is missing."""
    from workflows.notices import round_notices_flow

    _finish_notices(round_notices_flow, round_id=round_id, out_dir=str(out_dir.resolve()) if out_dir else None)


@notices_app.command(
    "ineligible",
    help=h(
        "A letter to each ineligible applicant explaining why (once per application).",
        "Une lettre à chaque demandeur non admissible expliquant pourquoi (une fois par demande).",
    ),
)
def notices_ineligible(
    call: Annotated[str, typer.Argument(help=h("Call code.", "Code de l'appel."))],
    out_dir: Annotated[
        Path | None, typer.Option("--out", help=h("Folder for the letters.", "Dossier des lettres."))
    ] = None,
) -> None:
    """A letter to each ineligible applicant explaining why (once per application)."""
    from workflows.notices import ineligible_notices_flow

    _finish_notices(ineligible_notices_flow, call_code=call, out_dir=str(out_dir.resolve()) if out_dir else None)


def _finish_notices(flow: Any, **parameters: Any) -> None:
    _ready_engine()
    from workflows.runtime import run_flow

    with err.status(msg("notices.running", state.lang)):
        report = run_flow(flow, actor=_actor(), **parameters)
    if report.problem_en:
        raise DomainError(en=report.problem_en, fr=report.problem_fr or report.problem_en)
    _say("notices.done", generated=report.generated, total=report.total, folder=report.folder)
    _say("notices.manifest", path=report.manifest)


@notices_app.command(
    "sent",
    help=h(
        "Record that a round's letters went out (each letter once; audited).",
        "Consigner l'envoi des lettres d'une ronde (chaque lettre une fois; consigné au journal).",
    ),
)
def notices_sent(
    round_id: Annotated[int, typer.Argument(metavar="ROUND", help=h("The round.", "La ronde."))],
) -> None:
    """Record that a round's letters went out (each letter once; audited)."""
    from grants.db import unit_of_work
    from grants.notice_records import mark_sent

    with unit_of_work(_ready_engine()) as session:
        count = mark_sent(session, round_id=round_id, actor=_actor())
    _say("notices.sent", count=count)


@award_app.command(
    "sign",
    help=h(
        "The funded organization signed its agreement: the project becomes active, the first payment is due.",
        "L'organisme financé a signé son entente : le projet est en cours et le premier versement est dû.",
    ),
)
def award_sign(
    reference: Annotated[str, typer.Argument(help=h("Application reference.", "Référence de la demande."))],
) -> None:
    """The funded organization signed its agreement: the project becomes active, the first payment is due."""
    from grants.db import unit_of_work
    from grants.milestones import sign_agreement

    with unit_of_work(_ready_engine()) as session:
        app_ = sign_agreement(session, reference=reference, actor=_actor())
    _say("milestones.signed", reference=app_.reference)


@milestones_app.command(
    "list",
    help=h(
        "A project's milestones: due dates, amounts, reports and payments.",
        "Les jalons d'un projet : échéances, montants, rapports et versements.",
    ),
)
def milestones_list(
    reference: Annotated[str, typer.Argument(help=h("Application reference.", "Référence de la demande."))],
) -> None:
    """A project's milestones: due dates, amounts, reports and payments."""
    from sqlmodel import col, select

    from grants.applications import get_application
    from grants.db import unit_of_work
    from grants.i18n import format_date, format_money
    from grants.models import Milestone

    with unit_of_work(_ready_engine()) as session:
        app_ = get_application(session, reference)
        rows = session.exec(
            select(Milestone).where(Milestone.application_id == app_.id).order_by(col(Milestone.sequence))
        ).all()
    table = Table(title=msg("milestones.title", state.lang, reference=app_.reference))
    for key in ("ranking.rank", "milestones.kind", "milestones.due", "award.amount", "milestones.status"):
        table.add_column(msg(key, state.lang))
    for m in rows:
        table.add_row(str(m.sequence), m.kind, format_date(m.due_date, state.lang),
                      format_money(m.amount_cents, state.lang), m.status)  # fmt: skip
    out.print(table)


@milestones_app.command(
    "submit",
    help=h(
        "Record a progress report: a narrative and aggregate indicators (never data about a person).",
        "Consigner un rapport d'étape : un récit et des indicateurs agrégés (jamais de données sur une personne).",
    ),
)
def milestones_submit(
    reference: Annotated[str, typer.Argument(help=h("Application reference.", "Référence de la demande."))],
    file: Annotated[
        Path, typer.Argument(help=h("The report (TOML: narrative and [indicators]).", "Le rapport (TOML)."))
    ],
) -> None:
    """Record a progress report: a narrative and aggregate indicators (never data about a person)."""
    import tomllib

    from grants.db import unit_of_work
    from grants.errors import InvalidInput, UnreadableFile
    from grants.milestones import submit_report
    from scoring.reporting import INDICATORS

    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UnreadableFile(en=f"{file}: cannot be read ({exc.strerror})",
                             fr=f"{file} : lecture impossible ({exc.strerror})") from None  # fmt: skip
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InvalidInput(
            en=f"{file.name}: invalid TOML: {exc}", fr=f"{file.name} : TOML non valide : {exc}"
        ) from None
    with unit_of_work(_ready_engine()) as session:
        report = submit_report(
            session, reference=reference, narrative=str(data.get("narrative", "")),
            indicators=dict(data.get("indicators", {})), known_indicators=INDICATORS, actor=_actor(),
        )  # fmt: skip
    _say("milestones.submitted", report=report.id, reference=reference.upper())


@milestones_app.command(
    "accept", help=h("Accept a report; its payment is released.", "Accepter un rapport; son versement est libéré.")
)
def milestones_accept(
    report_id: Annotated[int, typer.Argument(metavar="REPORT", help=h("Report number.", "Numéro du rapport."))],
) -> None:
    """Accept a report; its payment is released."""
    from grants.db import unit_of_work
    from grants.milestones import decide_report

    with unit_of_work(_ready_engine()) as session:
        decide_report(session, report_id=report_id, accept=True, reason="", manager=_actor())
    _say("milestones.accepted", report=report_id)


@milestones_app.command(
    "return",
    help=h(
        "Return a report to the organization with a reason; the payment stays held.",
        "Retourner un rapport à l'organisme avec un motif; le versement reste retenu.",
    ),
)
def milestones_return(
    report_id: Annotated[int, typer.Argument(metavar="REPORT", help=h("Report number.", "Numéro du rapport."))],
    reason: Annotated[str, typer.Option("--reason", help=h("What to fix.", "Ce qu'il faut corriger."))],
) -> None:
    """Return a report to the organization with a reason; the payment stays held."""
    from grants.db import unit_of_work
    from grants.milestones import decide_report

    with unit_of_work(_ready_engine()) as session:
        decide_report(session, report_id=report_id, accept=False, reason=reason, manager=_actor())
    _say("milestones.returned", report=report_id)


@milestones_app.command(
    "amend",
    help=h(
        "A manager's new dates or amounts for a project's unpaid milestones (audited).",
        "Nouvelles dates ou nouveaux montants pour les jalons non versés d'un projet (consigné).",
    ),
)
def milestones_amend(
    reference: Annotated[str, typer.Argument(help=h("Application reference.", "Référence de la demande."))],
    change: Annotated[
        list[str],
        typer.Option(
            "--set",
            help=h(
                "SEQUENCE=DATE, SEQUENCE=:AMOUNT or SEQUENCE=DATE:AMOUNT (repeat); amounts must still add up.",
                "NUMÉRO=DATE, NUMÉRO=:MONTANT ou NUMÉRO=DATE:MONTANT (répétable); le total doit rester le même.",
            ),
        ),
    ],
    reason: Annotated[str, typer.Option("--reason", help=h("Why (kept in the audit log).", "Motif (consigné)."))],
) -> None:
    """A manager's new dates or amounts for a project's unpaid milestones (audited)."""
    import datetime as dt

    from grants.callspec import to_cents
    from grants.db import unit_of_work
    from grants.errors import InvalidInput
    from grants.milestones import Amendment, amend
    from grants.tabular import parse_amount

    amendments = []
    for item in change:
        sequence, _, rest = item.partition("=")
        day, _, amount = rest.partition(":")
        money = parse_amount(amount) if amount else None
        try:
            amendments.append(
                Amendment(int(sequence), dt.date.fromisoformat(day) if day else None,
                          to_cents(money) if money is not None else None)
            )  # fmt: skip
        except ValueError:
            raise InvalidInput(
                en=f"--set {item}: expected SEQUENCE=DATE:AMOUNT",
                fr=f"--set {item} : format attendu NUMÉRO=DATE:MONTANT",
                field="set",
            ) from None
        if amount and money is None:
            raise InvalidInput(en=f"--set {item}: not an amount", fr=f"--set {item} : montant non valide", field="set")
    with unit_of_work(_ready_engine()) as session:
        amend(session, reference=reference, changes=amendments, reason=reason, manager=_actor())
    _say("milestones.amended", reference=reference.upper())


@milestones_app.command(
    "check",
    help=h(
        "Mark overdue reports, hold their payments, and write one reminder per overdue milestone.",
        "Signaler les rapports en retard, retenir leurs versements et écrire un rappel par jalon en retard.",
    ),
)
def milestones_check(
    today: Annotated[
        str | None, typer.Option(help=h("The day to check as (YYYY-MM-DD, Toronto).", "Jour de la vérification."))
    ] = None,
) -> None:
    """Mark overdue reports, hold their payments, and write one reminder per overdue milestone."""
    import datetime as dt

    from grants.errors import InvalidInput

    if today is not None:
        try:
            dt.date.fromisoformat(today)
        except ValueError:
            raise InvalidInput(en="--today: expected YYYY-MM-DD", fr="--today : format attendu AAAA-MM-JJ",
                               field="today") from None  # fmt: skip
    _ready_engine()
    from workflows.milestones import milestone_check_flow
    from workflows.runtime import run_flow

    report = run_flow(milestone_check_flow, today=today, actor=_actor())
    _say("milestones.check", today=report.today, overdue=report.newly_overdue, reminders=report.reminders)
    if report.folder:
        _say("notices.done", generated=report.reminders, total=report.reminders, folder=report.folder)


@app.command(
    help=h(
        "XLSX workbook and PNG charts for managers; counts under 5 are shown as <5.",
        "Classeur XLSX et graphiques PNG pour les gestionnaires; les nombres inférieurs à 5 sont affichés « <5 ».",
    )
)
def report(
    call: Annotated[str, typer.Argument(help=h("Call code.", "Code de l'appel."))],
    out_dir: Annotated[Path, typer.Option("--out", help=h("Output folder.", "Dossier de sortie."))],
) -> None:
    """XLSX workbook and PNG charts for managers; counts under 5 are shown as <5."""
    _ready_engine()
    from workflows.report import report_flow
    from workflows.runtime import run_flow

    with err.status(msg("report.running", state.lang)):
        files = run_flow(report_flow, call_code=call, out_dir=str(out_dir.resolve()), lang=state.lang)
    if files.problem_en:
        raise DomainError(en=files.problem_en, fr=files.problem_fr or files.problem_en)
    _say("report.done", workbook=files.workbook, charts=len(files.charts), folder=out_dir.resolve())


@audit_app.command(
    "verify",
    help=h(
        "Check the audit log's hash chain and report the first tampered event.",
        "Vérifier le chaînage du journal d'audit et signaler le premier événement altéré.",
    ),
)
def audit_verify() -> None:
    """Check the audit log's hash chain and report the first tampered event."""
    from grants import audit
    from grants.db import unit_of_work

    with unit_of_work(_ready_engine()) as session:
        report = audit.verify(session)
    if report.ok:
        _say("audit.ok", count=report.checked)
        return
    problem = msg(f"audit.problem.{report.problem}", state.lang)
    err.print(msg("audit.bad", state.lang, event=report.first_bad_id, problem=problem, count=report.checked))
    raise typer.Exit(1)


@app.command(
    help=h(
        "Write a realistic synthetic call: call.toml, applications.csv, reviewers.csv, conflicts.csv.",
        "Écrire un appel synthétique réaliste : call.toml, applications.csv, reviewers.csv, conflicts.csv.",
    )
)
def synth(
    applications: Annotated[int, typer.Option(min=1, help=h("Applications.", "Demandes."))] = 400,
    reviewers: Annotated[int, typer.Option(min=1, help=h("Reviewers.", "Évaluateurs."))] = 60,
    seed: Annotated[int, typer.Option(help=h("Random seed.", "Graine aléatoire."))] = 2026,
    out_dir: Annotated[Path, typer.Option("--out", help=h("Output folder.", "Dossier de sortie."))] = Path("synth"),
) -> None:
    """Write a realistic synthetic call: call.toml, applications.csv, reviewers.csv, conflicts.csv."""
    from grants.synth import generate

    summary = generate(out_dir, applications=applications, reviewers=reviewers, seed=seed)
    _say(
        "synth.done",
        out=out_dir,
        applications=summary.applications,
        reviewers=summary.reviewers,
        conflicts=summary.conflicts,
    )


@app.command(
    help=h(
        "Run a whole synthetic call on the embedded default and print a summary.",
        "Dérouler un appel synthétique complet avec la configuration intégrée et en afficher le sommaire.",
    )
)
def demo(
    applications: Annotated[int, typer.Option(min=1, help=h("Applications.", "Demandes."))] = 400,
    reviewers: Annotated[int, typer.Option(min=1, help=h("Reviewers.", "Évaluateurs."))] = 60,
    seed: Annotated[int, typer.Option(help=h("Random seed.", "Graine aléatoire."))] = 2026,
) -> None:
    """Run a whole synthetic call on the embedded default and print a summary."""
    from api.demo import run_demo

    run_demo(applications=applications, reviewers=reviewers, seed=seed, lang=state.lang, out=out, actor=_actor())


# --- API, tokens and managers ------------------------------------------------------------

managers_app = typer.Typer(help=h("Fund managers and their API tokens.", "Les gestionnaires du fonds et leurs jetons."))
app.add_typer(managers_app, name="managers")
tokens_app = typer.Typer(help=h("API tokens: replace or revoke.", "Jetons de l'API : remplacer ou révoquer."))
app.add_typer(tokens_app, name="tokens")
DaysOption = Annotated[
    int | None,
    typer.Option("--days", min=1, help=h("Days the token stays valid.", "Nombre de jours de validité du jeton.")),
]
CallOption = Annotated[
    str | None, typer.Option("--call", help=h("Call code, when needed.", "Code de l'appel, au besoin."))
]


def _print_token(kind: str, issued: Any) -> None:
    from grants.i18n import TORONTO, format_date

    expires = format_date(issued.expires_at.astimezone(TORONTO).date(), state.lang)
    _say(f"token.{kind}", subject=issued.subject, expires=expires)
    out.print(issued.token, markup=False)


@managers_app.command(
    "add", help=h("Add a fund manager and print their API token.", "Ajouter un gestionnaire et afficher son jeton.")
)
def managers_add(
    name: Annotated[str, typer.Argument(help=h("The manager's name.", "Le nom du gestionnaire."))],
    days: DaysOption = None,
) -> None:
    from grants.access import add_manager
    from grants.db import unit_of_work

    with unit_of_work(_ready_engine()) as session:
        issued = add_manager(session, name=name, actor=_actor(), days=days)
    _print_token("manager", issued)


@managers_app.command(
    "token", help=h("Give a manager a new token (the old one stops).", "Nouveau jeton d'un gestionnaire.")
)
def managers_token(
    name: Annotated[str, typer.Argument(help=h("The manager's name.", "Le nom du gestionnaire."))],
    days: DaysOption = None,
) -> None:
    from grants.access import manager_token
    from grants.db import unit_of_work

    with unit_of_work(_ready_engine()) as session:
        issued = manager_token(session, name=name, actor=_actor(), days=days)
    _print_token("manager", issued)


@reviewers_app.command(
    "token", help=h("Give a reviewer an API token (the old one stops).", "Donner un jeton à un évaluateur.")
)
def reviewers_token(
    email: Annotated[str, typer.Argument(help=h("The reviewer's e-mail.", "Le courriel de l'évaluateur."))],
    call: CallOption = None,
    days: DaysOption = None,
) -> None:
    from grants.access import reviewer_token
    from grants.db import unit_of_work

    with unit_of_work(_ready_engine()) as session:
        issued = reviewer_token(session, email=email, call_code=call, actor=_actor(), days=days)
    _print_token("reviewer", issued)


@tokens_app.command(
    "applicant",
    help=h("A new access token for an application (the old one stops).", "Nouveau jeton d'accès d'une demande."),
)
def tokens_applicant(
    reference: Annotated[str, typer.Argument(help=h("Application reference.", "Référence de la demande."))],
    days: DaysOption = None,
) -> None:
    from grants.access import applicant_token
    from grants.db import unit_of_work

    with unit_of_work(_ready_engine()) as session:
        issued = applicant_token(session, reference=reference, actor=_actor(), days=days)
    _print_token("applicant", issued)


@tokens_app.command("revoke", help=h("Revoke every token of one person.", "Révoquer les jetons d'une personne."))
def tokens_revoke(
    role: Annotated[
        Literal["applicant", "reviewer", "manager"],
        typer.Argument(help=h("applicant, reviewer or manager.", "applicant, reviewer ou manager.")),
    ],
    who: Annotated[
        str,
        typer.Argument(
            help=h("Reference, reviewer e-mail or manager name.", "Référence, courriel ou nom du gestionnaire.")
        ),
    ],
    call: CallOption = None,
) -> None:
    from grants.access import revoke
    from grants.db import unit_of_work
    from grants.models import TokenRole

    with unit_of_work(_ready_engine()) as session:
        count = revoke(session, role=TokenRole(role), who=who, call_code=call, actor=_actor())
    _say("token.revoked", count=count, who=who)


PoolOption = Annotated[str, typer.Option("--pool", help=h("Prefect work pool.", "Bassin de travail Prefect."))]


def _server_required() -> None:
    from workflows.runtime import embedded

    if embedded():
        raise DomainError(
            en="no Prefect server is configured: set PREFECT_API_URL (see the README's Running at scale)",
            fr="aucun serveur Prefect n'est configuré : définissez PREFECT_API_URL (voir « Running at scale » dans "
            "le README)",
        )


@app.command(
    help=h(
        "Register every stage as a Prefect deployment on a process work pool (needs PREFECT_API_URL).",
        "Enregistrer chaque étape comme déploiement Prefect (exige PREFECT_API_URL).",
    )
)
def deploy(pool: PoolOption = "grants") -> None:
    from workflows.deployments import register

    _server_required()
    names = register(pool)
    _say("deploy.done", count=len(names), pool=pool)


@app.command(
    help=h(
        "Start a Prefect process worker that runs the stages (needs PREFECT_API_URL).",
        "Lancer un travailleur Prefect qui exécute les étapes (exige PREFECT_API_URL).",
    )
)
def worker(pool: PoolOption = "grants") -> None:
    import os

    _server_required()
    _ready_engine()
    command = [sys.executable, "-m", "prefect", "worker", "start", "--pool", pool, "--type", "process"]
    os.execv(sys.executable, command)  # the worker replaces this process: signals reach it directly


@app.command(help=h("Serve the HTTP API (uvicorn).", "Servir l'API HTTP (uvicorn)."))
def serve(
    host: Annotated[str, typer.Option(help=h("Address to listen on.", "Adresse d'écoute."))] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help=h("Port.", "Port."))] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help=h(
                "API processes (one per core; more than one needs a Prefect server).",
                "Processus de l'API (un par cœur; plus d'un exige un serveur Prefect).",
            ),
        ),
    ] = 1,
) -> None:
    """Serve the API; embedded, one process (the Prefect backend lives in it)."""
    import uvicorn

    from workflows.runtime import embedded

    _ready_engine()
    if workers > 1 and embedded():
        raise DomainError(
            en="several API processes need a Prefect server (PREFECT_API_URL): each would start its own backend",
            fr="plusieurs processus d'API exigent un serveur Prefect (PREFECT_API_URL) : chacun lancerait le sien",
        )
    _say("serve.starting", host=host, port=port)
    uvicorn.run(
        "api.app:create_app", factory=True, host=host, port=port, workers=workers, log_level="warning",
        access_log=False,
    )  # fmt: skip


# --- entry point -------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Run the command line; user errors end in one line on stderr, never a traceback."""
    state.lang = get_settings().lang
    try:
        app(args=argv, prog_name="grants")
    except DomainError as exc:
        err.print(msg("error", state.lang, message=exc.message(state.lang)), markup=False)
        return 1
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


def run() -> None:
    sys.exit(main())
