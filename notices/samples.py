"""Example letters of every kind, to preview the templates after editing them.

    python -m notices.samples OUT_DIR [--templates DIR]

writes one DOCX per kind and language (``funded.fr.docx``, ...) rendered with the package's
templates, or with an office's own folder of templates.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from dataclasses import replace
from pathlib import Path

from grants.errors import Lang
from notices.data import KINDS, Kind, NoticeData, ScheduleRow
from notices.document import render_docx

CALL_TITLE_FR = "Fonds de soutien communautaire et Fonds d'initiatives autochtones : appel de propositions 2026"
CALL_TITLE_EN = "Community Support Fund and Indigenous Initiatives Fund: 2026 call for proposals"
SCHEDULE = (
    ScheduleRow("signing", dt.date(2026, 7, 1), 2_500_000, False),
    ScheduleRow("interim", dt.date(2027, 1, 1), 3_250_000, True, 1),
    ScheduleRow("interim", dt.date(2027, 7, 1), 3_250_000, True, 2),
    ScheduleRow("final", dt.date(2028, 8, 30), 1_000_000, True),
)
_CONDITIONS = {
    "fr": (
        "Présenter un plan de sécurité et de confidentialité pour les personnes participantes avant le premier "
        "versement.",
        "Confirmer le partenariat avec le refuge local avant le 30 septembre 2026.",
    ),
    "en": (
        "Provide a safety and confidentiality plan for participants before the first payment.",
        "Confirm the partnership with the local shelter by September 30, 2026.",
    ),
}
_REASONS = {
    "fr": (("Demande dans les limites du volet", "Le montant demandé dépasse le maximum du volet (300 000,00 $)."),),
    "en": (("Request within the stream's range", "The amount requested is above the stream's maximum ($300,000.00)."),),
}
_FEEDBACK = {
    "fr": (
        "Besoins — points forts : besoins bien documentés dans la région desservie.",
        "Plan de travail — à renforcer : préciser le calendrier des activités de sensibilisation.",
        "Budget — à renforcer : justifier les coûts de formation.",
    ),
    "en": (
        "Need — strengths: needs well documented in the region served.",
        "Work plan — to strengthen: give the timeline of the outreach activities.",
        "Budget — to strengthen: explain the training costs.",
    ),
}


def sample(kind: Kind, lang: Lang, number: int = 42) -> NoticeData:
    """An example letter of ``kind`` in ``lang``; ``number`` varies the reference and the amounts."""
    iif = number % 3 == 0
    amount = 10_000_000 - (number % 7) * 25_000
    return NoticeData(
        kind=kind,
        language=lang,
        reference=f"CSF-2026-{number:05d}",
        call_title_fr=CALL_TITLE_FR,
        call_title_en=CALL_TITLE_EN,
        stream_name_fr="Fonds d'initiatives autochtones" if iif else "Fonds de soutien communautaire",
        stream_name_en="Indigenous Initiatives Fund" if iif else "Community Support Fund",
        organization=f"Centre communautaire Les Passerelles {number}" if lang == "fr" else f"Bridges Centre {number}",
        contact_name="Marie Tremblay" if lang == "fr" else "Jordan Smith",
        project_title="Des ponts vers la sécurité" if lang == "fr" else "Bridges to Safety",
        issue_date=dt.date(2026, 5, 15),
        amount_cents=amount if kind == "funded" else None,
        requested_cents=10_000_000 if kind == "funded" else None,
        conditions=_CONDITIONS[lang] if kind == "funded" else (),
        schedule=SCHEDULE if kind == "funded" else (),
        reply_by=dt.date(2026, 6, 15) if kind in ("funded", "ineligible") else None,
        waitlist_position=number % 12 + 1 if kind == "waitlisted" else None,
        reasons=_REASONS[lang] if kind == "ineligible" else (),
        decline_basis=("below_line" if number % 2 else "envelope") if kind == "declined" else None,
        feedback=_FEEDBACK[lang] if kind == "declined" else (),
        access_token=f"tok_{number:08d}_Xq7Lm2Pz" if kind == "receipt" else None,
        milestone=SCHEDULE[1] if kind == "reminder" else None,
    )


_ORGS = {
    "fr": ("Centre", "Maison", "Réseau", "Collectif", "Association", "Carrefour"),
    "en": ("Centre", "House", "Network", "Collective", "Association", "Community Services"),
}
_PLACES = ("Sudbury", "Ottawa", "Hearst", "Timmins", "Hamilton", "Windsor", "Kenora", "Thunder Bay", "Cornwall")
# fmt: off
_PEOPLE = (
    "Marie", "Jordan", "Aisha", "Luc", "Nadia", "Sam", "Élise", "Daniel", "Mona", "Pierre", "Kim", "Tara",
    "Amélie", "Chris", "Fatima", "Hugo", "Leila", "Noah", "Olivia", "Raphaël", "Sophie", "Tom", "Yasmin", "Zoé",
)
_SURNAMES = (
    "Tremblay", "Smith", "Gagnon", "Nguyen", "Bouchard", "Cardinal", "Roy", "Singh", "Martin", "Fox",
    "Côté", "Brown", "Lavoie", "Wilson", "Morin", "Chen", "Bélanger", "Lee", "Pelletier", "Okafor", "Gauthier",
)
# fmt: on
_TITLES = {
    "fr": ("Des ponts vers la sécurité", "Accompagner sans juger", "Ensemble vers l'autonomie", "Cercle de soutien"),
    "en": ("Bridges to Safety", "Walking Alongside", "Together Towards Autonomy", "Circle of Support"),
}
_MIX: tuple[tuple[Kind, int], ...] = (
    ("receipt", 30), ("ineligible", 5), ("funded", 15), ("waitlisted", 10), ("declined", 30), ("reminder", 10),
)  # fmt: skip


def varied(count: int, *, seed: int = 2026) -> list[NoticeData]:
    """``count`` letters of mixed kinds and languages, with names, titles and amounts that differ."""
    rng = random.Random(seed)
    kinds = [kind for kind, _ in _MIX]
    weights = [weight for _, weight in _MIX]
    letters = []
    for number in range(1, count + 1):
        lang: Lang = "fr" if rng.random() < 0.4 else "en"
        kind = rng.choices(kinds, weights)[0]
        amount = rng.randrange(2_500_000, 30_000_000, 100)
        initial, holdback = amount // 4, amount // 10
        interim = (amount - initial - holdback) // 2
        schedule = (
            ScheduleRow("signing", dt.date(2026, 7, 1), initial, False),
            ScheduleRow("interim", dt.date(2027, 1, 1), interim, True, 1),
            ScheduleRow("interim", dt.date(2027, 7, 1), amount - initial - holdback - interim, True, 2),
            ScheduleRow("final", dt.date(2028, 8, 30), holdback, True),
        )
        letters.append(
            replace(
                sample(kind, lang, number),
                organization=f"{rng.choice(_ORGS[lang])} {rng.choice(_PLACES)} {number}",
                contact_name=f"{rng.choice(_PEOPLE)} {rng.choice(_SURNAMES)}",
                project_title=f"{rng.choice(_TITLES[lang])} – {rng.choice(_PLACES)} {number}",
                amount_cents=amount if kind == "funded" else None,
                requested_cents=amount + rng.choice((0, 0, 500_000)) if kind == "funded" else None,
                schedule=schedule if kind == "funded" else (),
                waitlist_position=rng.randint(1, 40) if kind == "waitlisted" else None,
                milestone=schedule[rng.choice((1, 2, 3))] if kind == "reminder" else None,
            )
        )
    return letters


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write one example letter per kind and language.")
    parser.add_argument("out", type=Path, help="folder to write the DOCX files to")
    parser.add_argument("--templates", type=Path, default=None, help="an office's own folder of templates")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for kind in KINDS:
        for lang in ("fr", "en"):
            path = args.out / f"{kind}.{lang}.docx"
            path.write_bytes(render_docx(sample(kind, lang), template_dir=args.templates))
            print(path)


if __name__ == "__main__":
    main()
