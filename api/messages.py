"""Every message the command line prints, in French and in English."""

from __future__ import annotations

from typing import Any

from grants.errors import Lang

MESSAGES: dict[str, tuple[str, str]] = {
    "error": ("erreur : {message}", "error: {message}"),
    "init.created": ("Schéma créé (révision {head}) : {url}", "Schema created (revision {head}): {url}"),
    "init.upgraded": (
        "Schéma mis à jour de la révision {before} à {head} : {url}",
        "Schema upgraded from revision {before} to {head}: {url}",
    ),
    "init.current": (
        "Schéma déjà à jour (révision {head}) : {url}",
        "Schema already up to date (revision {head}): {url}",
    ),
    "call.created": ("Appel {code} créé.", "Call {code} created."),
    "call.updated": ("Appel {code} mis à jour.", "Call {code} updated."),
    "call.unchanged": ("Appel {code} inchangé.", "Call {code} unchanged."),
    "intake.running": ("Réception des demandes de {file}…", "Taking in applications from {file}…"),
    "intake.summary": (
        "{source} : {total} ligne(s); {accepted} demande(s) reçue(s), {unchanged} déjà reçue(s), "
        "{rejected} rejetée(s).",
        "{source}: {total} row(s); {accepted} application(s) received, {unchanged} already received, "
        "{rejected} rejected.",
    ),
    "intake.errors": ("Rapport des lignes rejetées : {path}", "Report of rejected rows: {path}"),
    "screen.letters": ("Lettres de non-admissibilité : {path}", "Ineligibility letters: {path}"),
    "intake.receipts": ("Accusés de réception : {path}", "Receipt letters: {path}"),
    "intake.tokens": (
        "Jetons d'accès des demandeurs (à transmettre, puis à détruire) : {path}",
        "Applicants' access tokens (to send, then destroy): {path}",
    ),
    "screen.running": ("Vérification de l'admissibilité pour {code}…", "Screening {code} for eligibility…"),
    "screen.summary": (
        "{screened} demande(s) vérifiée(s) : {eligible} admissible(s), {ineligible} non admissible(s), "
        "{review} à examiner par le bureau du fonds.",
        "{screened} application(s) screened: {eligible} eligible, {ineligible} ineligible, "
        "{review} for the fund office to review.",
    ),
    "screen.override": ("{reference} : {stage}.", "{reference}: {stage}."),
    "audit.ok": (
        "Journal d'audit intact : {count} événement(s) vérifié(s).",
        "Audit log intact: {count} event(s) checked.",
    ),
    "audit.bad": (
        "Journal d'audit altéré : l'événement {event} ne correspond pas ({problem}); "
        "{count} événement(s) intact(s) avant lui.",
        "Audit log tampered: event {event} does not match ({problem}); {count} intact event(s) before it.",
    ),
    "audit.problem.content": ("contenu modifié", "content changed"),
    "audit.problem.previous_hash": ("chaînage rompu", "chain broken"),
    "synth.done": (
        "Appel synthétique écrit dans {out} : {applications} demande(s), {reviewers} évaluateur(s), "
        "{conflicts} conflit(s) déclaré(s).",
        "Synthetic call written to {out}: {applications} application(s), {reviewers} reviewer(s), "
        "{conflicts} declared conflict(s).",
    ),
    "reviewers.running": ("Importation des évaluateurs de {file}…", "Importing reviewers from {file}…"),
    "reviewers.summary": (
        "{source} : {total} ligne(s); {added} évaluateur(s) ajouté(s), {updated} mis à jour, {unchanged} inchangé(s), "
        "{rejected} ligne(s) rejetée(s).",
        "{source}: {total} row(s); {added} reviewer(s) added, {updated} updated, {unchanged} unchanged, "
        "{rejected} row(s) rejected.",
    ),
    "conflicts.running": ("Importation des conflits déclarés de {file}…", "Importing declared conflicts from {file}…"),
    "conflicts.summary": (
        "{source} : {total} ligne(s); {added} conflit(s) ajouté(s), {unchanged} déjà connu(s), "
        "{rejected} ligne(s) rejetée(s).",
        "{source}: {total} row(s); {added} conflict(s) added, {unchanged} already known, {rejected} row(s) rejected.",
    ),
    "conflicts.recused": (
        "{recused} évaluation(s) retirée(s) pour conflit; {replaced} évaluateur(s) de remplacement affecté(s).",
        "{recused} assignment(s) ended by a conflict; {replaced} replacement reviewer(s) assigned.",
    ),
    "conflicts.none": ("Aucun conflit pour l'appel {code}.", "No conflicts for call {code}."),
    "conflicts.reviewer": ("Évaluateur", "Reviewer"),
    "conflicts.application": ("Demande", "Application"),
    "conflicts.organization": ("Organisme", "Organization"),
    "conflicts.source": ("Source", "Source"),
    "conflicts.reason": ("Motif", "Reason"),
    "conflicts.title": ("Conflits d'intérêts : {count}", "Conflicts of interest: {count}"),
    "assign.running": ("Répartition des demandes entre les évaluateurs…", "Assigning reviewers…"),
    "assign.summary": (
        "{assigned} affectation(s) pour {applications} demande(s); {moved} demande(s) passent en évaluation. "
        "Affinité totale {objective:.2f}; plus faible par demande {lowest:.2f}. Conflits détectés : {conflicts}.",
        "{assigned} assignment(s) for {applications} application(s); {moved} application(s) enter review. "
        "Total affinity {objective:.2f}; lowest per application {lowest:.2f}. Conflicts detected: {conflicts}.",
    ),
    "assign.loads": ("Charge des évaluateurs", "Reviewer loads"),
    "assign.max": ("Maximum", "Maximum"),
    "assign.assigned": ("Affectées", "Assigned"),
    "assign.recused": ("Retirées", "Recused"),
    "assign.coverage": ("Couverture des demandes", "Application coverage"),
    "assign.language": ("Langue", "Language"),
    "assign.stream": ("Volet", "Stream"),
    "assign.reviewers": ("Évaluateurs", "Reviewers"),
    "assign.affinity": ("Affinité", "Affinity"),
    "assign.exported": ("Affectations exportées : {path}", "Assignments exported: {path}"),
    "reviews.running": ("Importation des évaluations de {file}…", "Importing reviews from {file}…"),
    "reviews.summary_import": (
        "{source} : {total} ligne(s); {created} évaluation(s) reçue(s), {updated} modifiée(s), "
        "{unchanged} inchangée(s), {rejected} ligne(s) rejetée(s).",
        "{source}: {total} row(s); {created} review(s) received, {updated} updated, {unchanged} unchanged, "
        "{rejected} row(s) rejected.",
    ),
    "reviews.simulated": ("{count} évaluation(s) simulée(s).", "{count} review(s) simulated."),
    "reviews.aggregating": ("Calcul des résultats d'évaluation…", "Aggregating reviews…"),
    "reviews.result": (
        "{reviews} évaluation(s) pour {applications} demande(s) : {flagged} à modérer (désaccord), {outliers} "
        "évaluation(s) atypique(s), {missing} évaluation(s) manquante(s); {moved} demande(s) évaluée(s).",
        "{reviews} review(s) for {applications} application(s): {flagged} to moderate (disagreement), {outliers} "
        "outlying review(s), {missing} missing review(s); {moved} application(s) now reviewed.",
    ),
    "reviews.flagged_title": ("Demandes à modérer : {count}", "Applications to moderate: {count}"),
    "reviews.none_flagged": ("Aucune demande à modérer.", "No application to moderate."),
    "reviews.moderated": ("{reference} : note modérée {score:.2f}.", "{reference}: moderated score {score:.2f}."),
    "ranking.title": ("Classement : {stream}", "Ranking: {stream}"),
    "ranking.rank": ("Rang", "Rank"),
    "ranking.raw": ("Moyenne brute", "Raw mean"),
    "ranking.calibrated": ("Note calibrée", "Calibrated"),
    "ranking.moderated": ("Modérée", "Moderated"),
    "ranking.interval": ("Intervalle à 90 %", "90% interval"),
    "ranking.tie": ("Groupe d'égalité", "Tie group"),
    "ranking.reviews": ("Évaluations", "Reviews"),
    "ranking.flag": ("Désaccord", "Disagreement"),
    "ranking.exported": ("Classement exporté : {path}", "Ranking exported: {path}"),
    "ranking.empty": (
        "Aucun résultat d'évaluation; lancez d'abord `grants reviews summary`.",
        "No review results yet; run `grants reviews summary` first.",
    ),
    "yes": ("oui", "yes"),
    "demo.reporting": (
        "Une année de rapports simulée jusqu'au {day} : {submitted} rapport(s) accepté(s), {late} en retard.",
        "A year of reporting simulated up to {day}: {submitted} report(s) accepted, {late} late.",
    ),
    "report.running": ("Préparation du rapport…", "Preparing the report…"),
    "report.done": (
        "Rapport : {workbook}; {charts} graphique(s) dans {folder}",
        "Report: {workbook}; {charts} chart(s) in {folder}",
    ),
    "milestones.signed": (
        "{reference} : entente signée; le projet est en cours et le premier versement est dû.",
        "{reference}: agreement signed; the project is active and its first payment is due.",
    ),
    "milestones.amended": ("{reference} : jalons modifiés.", "{reference}: milestones amended."),
    "milestones.submitted": ("Rapport {report} reçu pour {reference}.", "Report {report} received for {reference}."),
    "milestones.accepted": (
        "Rapport {report} accepté; versement libéré.",
        "Report {report} accepted; payment released.",
    ),
    "milestones.returned": ("Rapport {report} retourné.", "Report {report} returned."),
    "milestones.check": (
        "Vérification au {today} : {overdue} rapport(s) en retard, {reminders} rappel(s) envoyé(s).",
        "Check as of {today}: {overdue} report(s) newly overdue, {reminders} reminder(s) written.",
    ),
    "milestones.title": ("Jalons de {reference}", "Milestones of {reference}"),
    "milestones.kind": ("Étape", "Milestone"),
    "milestones.due": ("Échéance", "Due"),
    "milestones.status": ("État", "Status"),
    "notices.running": ("Rédaction des lettres…", "Writing the letters…"),
    "notices.done": (
        "{generated} lettre(s) rédigée(s); {total} au manifeste. Dossier : {folder}",
        "{generated} letter(s) written; {total} in the manifest. Folder: {folder}",
    ),
    "notices.manifest": ("Manifeste : {path}", "Manifest: {path}"),
    "notices.sent": ("{count} lettre(s) marquée(s) comme envoyée(s).", "{count} letter(s) marked as sent."),
    "award.running": ("Ronde d'attribution pour {code}…", "Award round for {code}…"),
    "award.created": (
        "Ronde {round} ({kind}) : {funded} financée(s), {waitlisted} en liste d'attente, {declined} refusée(s). "
        "Méthode {method}, graine {seed}.",
        "Round {round} ({kind}): {funded} funded, {waitlisted} waitlisted, {declined} declined. "
        "Method {method}, seed {seed}.",
    ),
    "award.kind.draft": ("brouillon à approuver", "draft for approval"),
    "award.kind.dry": ("simulation, jamais approuvable", "dry run, never approvable"),
    "award.totals": ("Sommes par volet", "Totals by stream"),
    "award.envelope": ("Enveloppe", "Envelope"),
    "award.funded": ("Financé", "Funded"),
    "award.left": ("Reste", "Left"),
    "award.floors": ("Planchers régionaux", "Regional floors"),
    "award.region": ("Région", "Region"),
    "award.required": ("Requis", "Required"),
    "award.met": ("Atteint", "Met"),
    "award.lottery": (
        "Tirage au sort (volet {stream}, groupe {group}, graine {seed}) : ordre {order}.",
        "Lottery (stream {stream}, group {group}, seed {seed}): order {order}.",
    ),
    "award.approved": (
        "Ronde {round} approuvée : {funded} financée(s), {waitlisted} en liste d'attente, {declined} refusée(s); "
        "{milestones} jalon(s) de paiement créés.",
        "Round {round} approved: {funded} funded, {waitlisted} waitlisted, {declined} declined; "
        "{milestones} payment milestone(s) created.",
    ),
    "award.decisions": ("Décisions de la ronde {round}", "Decisions of round {round}"),
    "award.outcome": ("Décision", "Decision"),
    "award.amount": ("Montant", "Amount"),
    "award.position": ("Position", "Position"),
    "award.rationale": ("Motif", "Rationale"),
    "award.compare": ("Ronde {a} et ronde {b} : {count} changement(s)", "Round {a} vs round {b}: {count} change(s)"),
    "award.before": ("Ronde {round}", "Round {round}"),
    "award.withdrawn": (
        "{reference} retirée; {freed} libéré(s) pour la liste d'attente.",
        "{reference} withdrawn; {freed} freed for the waitlist.",
    ),
    "reviews.outliers": ("Évaluations atypiques", "Outlying reviews"),
    "reviews.missing_title": ("Évaluations manquantes : {count}", "Missing reviews: {count}"),
    "reviews.missing_more": (
        "… et {count} autre(s); `grants reviews missing {code}` les liste toutes.",
        "… and {count} more; `grants reviews missing {code}` lists them all.",
    ),
    "reviews.none_missing": ("Aucune évaluation manquante.", "No missing review."),
    "reviews.leniency_title": (
        "Indulgence des évaluateurs (les plus indulgents et les plus sévères)",
        "Reviewer leniency (most lenient and harshest)",
    ),
    "reviews.leniency": ("Écart estimé", "Estimated offset"),
    "status.reference": ("Référence", "Reference"),
    "status.call": ("Appel", "Call"),
    "status.organization": ("Organisme", "Organization"),
    "status.project": ("Projet", "Project"),
    "status.stream": ("Volet", "Stream"),
    "status.stage": ("Étape", "Stage"),
    "status.why": ("Motifs", "Reasons"),
    "status.history": ("Historique", "History"),
    "demo.title": ("Démonstration : {title}", "Demo: {title}"),
    "demo.table": ("Demandes par volet et par étape", "Applications by stream and stage"),
    "demo.stream": ("Volet", "Stream"),
    "demo.total": ("Total", "Total"),
    "demo.rules": ("Critères non satisfaits", "Requirements not met"),
    "demo.rule": ("Critère", "Requirement"),
    "demo.count": ("Demandes", "Applications"),
    "demo.files": ("Fichiers de la démonstration : {path}", "Demo files: {path}"),
    "demo.example": (
        "Exemple d'état d'une demande (grants status {reference}) :",
        "Example status (grants status {reference}):",
    ),
    "demo.review": ("À examiner par le bureau du fonds", "For the fund office to review"),
    "token.manager": (
        "Gestionnaire {subject} : jeton valide jusqu'au {expires}. Il ne sera plus affiché :",
        "Manager {subject}: token valid until {expires}. It will not be shown again:",
    ),
    "token.reviewer": (
        "Évaluateur {subject} : jeton valide jusqu'au {expires}. Il ne sera plus affiché :",
        "Reviewer {subject}: token valid until {expires}. It will not be shown again:",
    ),
    "token.applicant": (
        "Demande {subject} : nouveau jeton d'accès, valide jusqu'au {expires} (l'ancien ne fonctionne plus). "
        "Il ne sera plus affiché :",
        "Application {subject}: new access token, valid until {expires} (the old one no longer works). "
        "It will not be shown again:",
    ),
    "token.revoked": ("{count} jeton(s) révoqué(s) pour {who}.", "{count} token(s) revoked for {who}."),
    "deploy.done": (
        "{count} déploiements enregistrés dans le bassin de travail {pool} (vérification quotidienne des jalons "
        "à 6 h, heure de Toronto). Lancez `grants worker` sur chaque machine de travail.",
        "{count} deployments registered on work pool {pool} (daily milestone check at 6:00 a.m. Toronto time). "
        "Start `grants worker` on each worker machine.",
    ),
    "serve.starting": (
        "Pages web sur http://{host}:{port}/, API sur http://{host}:{port}/api/v1 "
        "(documentation : http://{host}:{port}/docs). Ctrl+C pour arrêter.",
        "Web pages on http://{host}:{port}/, API on http://{host}:{port}/api/v1 "
        "(documentation: http://{host}:{port}/docs). Ctrl+C to stop.",
    ),
}


def msg(key: str, lang: Lang, **values: Any) -> str:
    fr, en = MESSAGES[key]
    return (fr if lang == "fr" else en).format(**values)
