"""Words of the reviewer's pages: (French, English).

Texts with ``{name}`` are filled in by the template with ``.format``.
"""

from __future__ import annotations

REVIEWER: dict[str, tuple[str, str]] = {
    # The list of assignments.
    "rv_list_title": ("Vos propositions à évaluer", "Your proposals to review"),
    "rv_summary": ("{done} évaluation(s) soumise(s) sur {total}.", "{done} of {total} reviews submitted."),
    "rv_deadline": (
        "Date limite pour soumettre ou modifier vos évaluations : {deadline}",
        "Deadline to submit or change your reviews: {deadline}",
    ),
    "rv_deadline_passed": (
        "La date limite d'évaluation ({deadline}) est passée; les évaluations sont verrouillées.",
        "The review deadline ({deadline}) has passed; reviews are locked.",
    ),
    "rv_none_assigned": (
        "Aucune proposition ne vous est confiée pour le moment.",
        "No proposal is assigned to you at the moment.",
    ),
    "rv_assignments": ("Propositions confiées", "Assigned proposals"),
    "rv_col_reference": ("Référence", "Reference"),
    "rv_col_title": ("Titre du projet", "Project title"),
    "rv_col_stream": ("Volet", "Stream"),
    "rv_col_language": ("Langue", "Language"),
    "rv_col_progress": ("Avancement", "Progress"),
    "rv_state_todo": ("À faire", "To do"),
    "rv_state_draft": ("Brouillon enregistré le {date}", "Draft saved on {date}"),
    "rv_state_submitted": ("Soumise le {date}", "Submitted on {date}"),
    "rv_state_draft_after": (
        "modifications enregistrées en brouillon le {date}, non soumises",
        "changes saved as a draft on {date}, not submitted",
    ),
    "rv_done_conflict": (
        "Votre conflit d'intérêts est enregistré. La proposition ne vous est plus confiée; "
        "une autre personne l'évaluera.",
        "Your conflict of interest is recorded. The proposal is no longer assigned to you; "
        "another reviewer will review it.",
    ),
    "rv_done_submitted": ("Votre évaluation est soumise. Merci.", "Your review is submitted. Thank you."),
    "rv_done_draft": (
        "Votre brouillon est enregistré. Il n'est pas transmis tant que vous ne soumettez pas l'évaluation.",
        "Your draft is saved. It is not sent until you submit the review.",
    ),
    # The proposal.
    "rv_back": ("Retour à vos propositions", "Back to your proposals"),
    "rv_facts": ("La proposition", "The proposal"),
    "rv_organization": ("Organisme", "Organization"),
    "rv_org_type": ("Type d'organisme", "Type of organization"),
    "rv_region": ("Région de l'organisme", "Organization's region"),
    "rv_stream": ("Volet", "Stream"),
    "rv_language": ("Langue de la demande", "Language of the application"),
    "rv_requested": ("Montant demandé", "Amount requested"),
    "rv_total_budget": ("Budget total du projet", "Total project budget"),
    "rv_start_date": ("Date de début", "Start date"),
    "rv_duration": ("Durée", "Duration"),
    "rv_months": ("{n} mois", "{n} months"),
    "rv_summary_heading": ("Résumé du projet", "Project summary"),
    "rv_served": ("Qui le projet sert", "Who the project serves"),
    "rv_regions_served": ("Régions servies", "Regions served"),
    "rv_populations_served": ("Populations servies", "Populations served"),
    "rv_people": ("Personnes et partenaires", "People and partners"),
    "rv_board_members": ("Conseil d'administration", "Board members"),
    "rv_key_staff": ("Personnel clé", "Key staff"),
    "rv_partners": ("Organismes partenaires", "Partner organizations"),
    "rv_none_listed": ("Aucun indiqué.", "None listed."),
    "rv_org_nonprofit": ("Organisme sans but lucratif", "Non-profit organization"),
    "rv_org_charity": ("Organisme de bienfaisance", "Charity"),
    "rv_org_indigenous_organization": ("Organisme autochtone", "Indigenous organization"),
    "rv_org_indigenous_community": ("Communauté autochtone", "Indigenous community"),
    "rv_org_municipality": ("Municipalité", "Municipality"),
    "rv_org_other": ("Autre", "Other"),
    # The review form.
    "rv_your_review": ("Votre évaluation", "Your review"),
    "rv_form_help": (
        "Pour soumettre, chaque critère doit avoir une note (ou « Sans objet ») et un commentaire, et vous devez "
        "choisir une recommandation. Vous pouvez enregistrer un brouillon à tout moment : il n'est pas transmis "
        "au bureau du fonds.",
        "To submit, every criterion needs a score (or “Not applicable”) and a comment, and you must choose a "
        "recommendation. You can save a draft at any time: it is not sent to the fund office.",
    ),
    "rv_status_submitted": (
        "Vous avez soumis cette évaluation (dernière modification : {date}). Vous pouvez la modifier jusqu'à la "
        "date limite : « Enregistrer le brouillon » garde vos changements sans toucher à l'évaluation soumise; "
        "« Soumettre l'évaluation » la remplace.",
        "You have submitted this review (last changed {date}). You can change it until the deadline: "
        "“Save draft” keeps your changes without touching the submitted review; “Submit review” replaces it.",
    ),
    "rv_status_submitted_locked": (
        "Vous avez soumis cette évaluation (dernière modification : {date}).",
        "You submitted this review (last changed {date}).",
    ),
    "rv_status_draft": (
        "Brouillon enregistré le {date}; il n'est pas encore soumis.",
        "Draft saved on {date}; it is not submitted yet.",
    ),
    "rv_status_draft_after": (
        "Le formulaire montre votre brouillon du {date}, qui n'est pas soumis; l'évaluation soumise reste "
        "inchangée tant que vous ne la soumettez pas de nouveau.",
        "The form shows your draft of {date}, which is not submitted; the submitted review stays as it is "
        "until you submit again.",
    ),
    "rv_errors_list": ("À corriger :", "To correct:"),
    "rv_weight": ("pondération : {weight}\xa0%", "weight: {weight}%"),
    "rv_score_group": ("Note", "Score"),
    "rv_not_applicable": ("Sans objet", "Not applicable"),
    "rv_comment": ("Commentaire", "Comment"),
    "rv_comment_on": (" sur le critère « {criterion} »", " on {criterion}"),
    "rv_recommendation": ("Votre recommandation", "Your recommendation"),
    "rv_save_draft": ("Enregistrer le brouillon", "Save draft"),
    "rv_submit": ("Soumettre l'évaluation", "Submit review"),
    "rv_form_error": ("Votre évaluation n'a pas été enregistrée :", "Your review was not saved:"),
    # The others' scores.
    "rv_peers": ("Notes des autres évaluateurs", "Other reviewers' scores"),
    "rv_peers_help": (
        "Les noms des autres évaluateurs ne sont jamais montrés. « S.O. » : sans objet.",
        "Other reviewers' names are never shown. “N/A”: not applicable.",
    ),
    "rv_peers_none": (
        "Aucun autre évaluateur n'a encore soumis d'évaluation.",
        "No other reviewer has submitted a review yet.",
    ),
    "rv_peers_caption": ("Notes par critère (0 à 5)", "Scores by criterion (0 to 5)"),
    "rv_col_reviewer": ("Évaluateur", "Reviewer"),
    "rv_col_recommendation": ("Recommandation", "Recommendation"),
    "rv_you": ("Vous", "You"),
    "rv_na_short": ("S.O.", "N/A"),
    # Conflicts of interest.
    "rv_conflict_heading": ("Conflit d'intérêts", "Conflict of interest"),
    "rv_conflict_intro": (
        "Si vous ne pouvez pas évaluer cette proposition en toute impartialité, déclarez un conflit d'intérêts.",
        "If you cannot review this proposal impartially, declare a conflict of interest.",
    ),
    "rv_conflict_link": ("Déclarer un conflit d'intérêts", "Declare a conflict of interest"),
    "rv_conflict_title": ("Déclarer un conflit d'intérêts", "Declare a conflict of interest"),
    "rv_conflict_about": ("Proposition :", "Proposal:"),
    "rv_conflict_explain": (
        "Par exemple, vous siégez au conseil de l'organisme, vous y travaillez ou y avez travaillé, ou un proche "
        "y participe. Dès que vous déclarez le conflit, la proposition est retirée de votre liste et confiée à "
        "une autre personne. Vous ne pourrez plus la consulter.",
        "For example, you sit on the organization's board, work or have worked there, or someone close to you "
        "is involved. As soon as you declare the conflict, the proposal leaves your list and is given to another "
        "reviewer. You will no longer be able to see it.",
    ),
    "rv_conflict_reason": ("Motif du conflit", "Reason for the conflict"),
    "rv_conflict_reason_help": (
        "Pourquoi vous ne pouvez pas évaluer cette proposition en toute impartialité (2000 caractères au plus). "
        "Seul le bureau du fonds le lira.",
        "Why you cannot review this proposal impartially (at most 2000 characters). Only the fund office reads it.",
    ),
    "rv_conflict_too_long": ("2000 caractères au plus.", "At most 2000 characters."),
    "rv_conflict_submit": ("Déclarer le conflit", "Declare the conflict"),
    "rv_conflict_back": ("Retour à la proposition", "Back to the proposal"),
    "rv_conflict_cancel": ("Annuler et revenir à la proposition", "Cancel and go back to the proposal"),
}
