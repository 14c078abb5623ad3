"""Words of the pages shared by every role, and the applicant's pages: (French, English).

Templates ask for a text by key with ``t("key")``; an unknown key is an error, and a test
checks that every key a template uses exists here in both languages.
"""

from __future__ import annotations

COMMON: dict[str, tuple[str, str]] = {
    "fund_name": ("Fonds de soutien communautaire", "Community Support Fund"),
    "office": (
        "Bureau de coordination de la lutte contre la traite des personnes de l'Ontario",
        "Ontario's Anti-Human Trafficking Coordination Office",
    ),
    "skip_to_content": ("Aller au contenu", "Skip to content"),
    "language": ("Langue", "Language"),
    "other_language": ("English", "Français"),
    "other_lang_code": ("en", "fr"),
    "sign_out": ("Se déconnecter", "Sign out"),
    "signed_in_as": ("Connecté :", "Signed in:"),
    "home_title": ("Portail du Fonds", "Fund portal"),
    "home_intro": (
        "Choisissez votre espace. Vous y entrez avec le jeton d'accès que le bureau du fonds vous a remis.",
        "Choose your space. You enter it with the access token the fund office gave you.",
    ),
    "space_applicant": ("Organismes demandeurs", "Applicant organizations"),
    "space_applicant_help": (
        "Suivre votre demande, télécharger vos lettres et remettre vos rapports.",
        "Follow your application, download your letters and submit your reports.",
    ),
    "space_reviewer": ("Évaluatrices et évaluateurs", "Reviewers"),
    "space_reviewer_help": (
        "Lire et noter les propositions qui vous sont confiées.",
        "Read and score the proposals assigned to you.",
    ),
    "space_manager": ("Gestionnaires du fonds", "Fund managers"),
    "space_manager_help": (
        "Suivre l'appel, lancer les étapes et approuver les rondes d'attribution.",
        "Follow the call, start its stages and approve award rounds.",
    ),
    "sign_in": ("Se connecter", "Sign in"),
    "sign_in_applicant": ("Connexion des organismes demandeurs", "Applicant sign-in"),
    "sign_in_reviewer": ("Connexion des évaluatrices et évaluateurs", "Reviewer sign-in"),
    "sign_in_manager": ("Connexion des gestionnaires", "Fund manager sign-in"),
    "reference": ("Numéro de référence", "Reference number"),
    "reference_help": (
        "Il figure sur votre accusé de réception, p. ex. CSF-2026-00042.",
        "It is on your acknowledgement of receipt, e.g. CSF-2026-00042.",
    ),
    "access_token": ("Jeton d'accès", "Access token"),
    "access_token_help": (
        "Le jeton figure sur votre accusé de réception.",
        "The token is on your acknowledgement of receipt.",
    ),
    "token_help_reviewer": (
        "Le jeton que le bureau du fonds vous a envoyé.",
        "The token the fund office sent you.",
    ),
    "token_help_manager": ("Votre jeton de gestionnaire.", "Your fund manager token."),
    "sign_in_refused": (
        "Ce numéro de référence et ce jeton d'accès ne correspondent à aucune demande, ou le jeton n'est plus valide.",
        "This reference number and access token do not match an application, or the token is no longer valid.",
    ),
    "token_refused": (
        "Ce jeton n'est pas valide pour cet espace, ou il a expiré ou été révoqué.",
        "This token is not valid for this space, or it has expired or been revoked.",
    ),
    "required": ("Champ obligatoire.", "This field is required."),
    "form_has_errors": (
        "Le formulaire contient des erreurs. Corrigez les champs indiqués.",
        "The form has errors. Please correct the fields shown.",
    ),
    "error_title": ("Erreur", "Error"),
    "error_403": (
        "Cet espace ne vous est pas accessible avec votre connexion actuelle.",
        "This space is not open to you with your current sign-in.",
    ),
    "error_404": (
        "Cette page n'existe pas ou ne vous est pas accessible.",
        "This page does not exist or is not open to you.",
    ),
    "error_csrf": (
        "Le formulaire a expiré ou ne provient pas de ce site. Rechargez la page et réessayez.",
        "The form has expired or did not come from this site. Reload the page and try again.",
    ),
    "error_too_large": (
        "Le formulaire est trop volumineux : un fichier peut compter 50 Mo au plus.",
        "The form is too large: a file may be 50 MB at most.",
    ),
    "error_500": (
        "Erreur interne; l'équipe technique du fonds a été avisée.",
        "Internal error; the fund's technical team has been told.",
    ),
    "back_home": ("Retour à l'accueil", "Back to the home page"),
    "yes": ("Oui", "Yes"),
    "no": ("Non", "No"),
    "none_yet": ("Aucun pour l'instant.", "None yet."),
    "footer": (
        "Fonds de soutien communautaire — un programme du gouvernement de l'Ontario.",
        "Community Support Fund — a Government of Ontario program.",
    ),
}

APPLICANT: dict[str, tuple[str, str]] = {
    "app_title": ("Votre demande", "Your application"),
    "organization": ("Organisme", "Organization"),
    "call": ("Appel", "Call"),
    "stream": ("Volet", "Stream"),
    "project": ("Projet", "Project"),
    "requested": ("Montant demandé", "Amount requested"),
    "stage": ("Étape", "Stage"),
    "stage_now": ("Où en est votre demande", "Where your application stands"),
    "reasons": ("Motifs", "Reasons"),
    "history": ("Historique", "History"),
    "history_when": ("Date", "Date"),
    "history_stage": ("Étape", "Stage"),
    "history_note": ("Remarque", "Note"),
    "decision": ("Décision", "Decision"),
    "outcome": ("Résultat", "Outcome"),
    "amount_awarded": ("Montant accordé", "Amount awarded"),
    "waitlist_position": ("Rang sur la liste d'attente", "Position on the waiting list"),
    "rationale": ("Justification", "Rationale"),
    "agreement": ("Entente de financement", "Funding agreement"),
    "agreement_help": (
        "En signant, vous confirmez avoir lu l'entente de financement et être autorisé à engager votre organisme.",
        "By signing, you confirm that you have read the funding agreement and may bind your organization.",
    ),
    "agreement_confirm": (
        "J'ai lu l'entente et je suis autorisé à la signer au nom de l'organisme.",
        "I have read the agreement and may sign it on behalf of the organization.",
    ),
    "agreement_sign": ("Signer l'entente", "Sign the agreement"),
    "agreement_confirm_needed": ("Cochez la case pour confirmer.", "Tick the box to confirm."),
    "milestones": ("Jalons et versements", "Milestones and payments"),
    "milestone_no": ("N°", "No."),
    "milestone_kind": ("Jalon", "Milestone"),
    "milestone_due": ("Échéance", "Due"),
    "milestone_amount": ("Versement", "Payment"),
    "milestone_status": ("État", "Status"),
    "milestone_report": ("Rapport", "Report"),
    "report_required": ("Rapport requis", "Report required"),
    "report_not_required": ("Sans rapport", "No report"),
    "report_states_submitted": ("reçu", "received"),
    "report_states_accepted": ("accepté", "accepted"),
    "report_states_returned": ("renvoyé pour correction", "returned for changes"),
    "report_form": ("Remettre un rapport", "Submit a report"),
    "report_form_help": (
        "Le rapport vaut pour le prochain jalon qui attend un rapport. Donnez des nombres globaux seulement : "
        "jamais de nom, de date de naissance ni de coordonnées d'une personne.",
        "The report is for the next milestone waiting for one. Give aggregate numbers only: never a person's "
        "name, date of birth or contact details.",
    ),
    "narrative": ("Description des activités et des résultats", "What the project did and achieved"),
    "indicators": ("Indicateurs (nombres)", "Indicators (counts)"),
    "report_submit": ("Remettre le rapport", "Submit the report"),
    "notices": ("Vos lettres", "Your letters"),
    "notice_kind": ("Lettre", "Letter"),
    "notice_date": ("Date", "Date"),
    "notice_language": ("Langue", "Language"),
    "notice_download": ("Télécharger (Word)", "Download (Word)"),
    "lang_fr": ("français", "French"),
    "lang_en": ("anglais", "English"),
    "done_signed": (
        "L'entente est signée. Le premier versement est maintenant dû.",
        "The agreement is signed. The first payment is now due.",
    ),
    "done_report": (
        "Votre rapport a été reçu. Le bureau du fonds l'examinera.",
        "Your report has been received. The fund office will review it.",
    ),
}
