"""Every notice kind, in both languages, opened with python-docx and read back."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
from typing import Any

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement

from notices import KINDS, NoticeData, NoticeError, Office, ScheduleRow, build_document, render_batch, render_docx
from notices.document import LETTERHEAD_STYLE, TABLE_STYLE, new_document
from notices.markup import Bullet, Heading, Paragraph, parse
from notices.text import Templates

NNBSP, NBSP = "\u202f", "\u00a0"
LANGS = ("fr", "en")
SCHEDULE = (
    ScheduleRow("signing", dt.date(2026, 7, 1), 312_500, False),
    ScheduleRow("interim", dt.date(2027, 1, 1), 812_500, True, 1),
    ScheduleRow("final", dt.date(2027, 8, 30), 125_000, True),
)
REASONS = {
    "fr": (("Type d'organisme", "L'organisme n'est pas un organisme sans but lucratif de l'Ontario."),),
    "en": (("Organization type", "The applicant is not an Ontario not-for-profit organization."),),
}
FEEDBACK = {
    "fr": ("Besoins — points forts : besoins bien documentés.", "Budget — à renforcer : justifier les coûts."),
    "en": ("Need — strengths: needs well documented.", "Budget — to strengthen: explain the costs."),
}
CONDITIONS = {
    "fr": ("Présenter un plan de confidentialité avant le premier versement.",),
    "en": ("Provide a confidentiality plan before the first payment.",),
}


def letter(kind: str, lang: str, **changes: Any) -> NoticeData:
    values: dict[str, Any] = {
        "kind": kind,
        "language": lang,
        "reference": "CSF-2026-00042",
        "call_title_fr": "Fonds de soutien communautaire : appel de propositions 2026",
        "call_title_en": "Community Support Fund: 2026 call for proposals",
        "stream_name_fr": "Fonds de soutien communautaire",
        "stream_name_en": "Community Support Fund",
        "organization": "Maison Passerelle",
        "contact_name": "Marie Tremblay",
        "project_title": "Ponts vers la sécurité",
        "issue_date": dt.date(2026, 5, 15),
        "amount_cents": 1_250_000 if kind == "funded" else None,
        "requested_cents": 1_500_000 if kind == "funded" else None,
        "conditions": CONDITIONS[lang] if kind == "funded" else (),
        "schedule": SCHEDULE if kind == "funded" else (),
        "waitlist_position": 3 if kind == "waitlisted" else None,
        "reasons": REASONS[lang] if kind == "ineligible" else (),
        "decline_basis": "below_line" if kind == "declined" else None,
        "feedback": FEEDBACK[lang] if kind == "declined" else (),
        "access_token": "tok-7Hq2xL" if kind == "receipt" else None,
        "milestone": SCHEDULE[1] if kind == "reminder" else None,
    }
    return NoticeData(**{**values, **changes})


def opened(data: NoticeData) -> Any:
    return docx.Document(io.BytesIO(render_docx(data)))


def styled(document: Any) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in document.paragraphs]


def rows(table: Any) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


TITLES = {
    ("receipt", "fr"): "Accusé de réception",
    ("receipt", "en"): "Acknowledgement of receipt",
    ("ineligible", "fr"): "Résultat de l'examen d'admissibilité",
    ("ineligible", "en"): "Eligibility review result",
    ("funded", "fr"): "Avis de financement",
    ("funded", "en"): "Notice of funding",
    ("waitlisted", "fr"): "Avis de liste d'attente",
    ("waitlisted", "en"): "Waitlist notice",
    ("declined", "fr"): "Décision de financement",
    ("declined", "en"): "Funding decision",
    ("reminder", "fr"): f"Rappel{NBSP}: rapport en retard",
    ("reminder", "en"): "Reminder: overdue report",
}

SUBJECTS = {
    "fr": f"Objet{NBSP}: Fonds de soutien communautaire{NBSP}: appel de propositions 2026\n"
    f"Projet{NBSP}: «{NBSP}Ponts vers la sécurité{NBSP}»\nRéférence{NBSP}: CSF-2026-00042",
    "en": "Subject: Community Support Fund: 2026 call for proposals\nProject: “Ponts vers la sécurité”\n"
    "Reference: CSF-2026-00042",
}

# The paragraphs that carry each letter's point, exactly as the applicant reads them.
KEY_PARAGRAPHS = {
    ("receipt", "fr"): [
        ("Normal", f"Numéro de référence{NBSP}: CSF-2026-00042\nCode d'accès{NBSP}: tok-7Hq2xL"),
        (
            "Normal",
            "Indiquez ce numéro de référence dans toute communication avec nous. Pour connaître l'état de votre "
            "demande en tout temps, utilisez ce numéro et ce code d'accès dans le service de suivi des demandes "
            "du fonds.",
        ),
    ],
    ("receipt", "en"): [
        ("Normal", "Reference number: CSF-2026-00042\nAccess code: tok-7Hq2xL"),
        (
            "Normal",
            "Please include this reference number whenever you contact us. You can check the status of your "
            "application at any time with this number and access code in the fund's application status service.",
        ),
    ],
    ("ineligible", "fr"): [
        ("List Bullet", f"Type d'organisme{NBSP}: L'organisme n'est pas un organisme sans but lucratif de l'Ontario."),
        ("Heading 1", "Demander un réexamen"),
    ],
    ("ineligible", "en"): [
        ("List Bullet", "Organization type: The applicant is not an Ontario not-for-profit organization."),
        ("Heading 1", "Asking for a second look"),
    ],
    ("funded", "fr"): [
        ("Normal", f"Le montant accordé est de 12{NNBSP}500,00{NBSP}$."),
        (
            "Normal",
            f"Ce montant est inférieur aux 15{NNBSP}000,00{NBSP}$ demandés. L'entente de financement précisera les "
            "activités et le budget du projet ajustés à ce montant.",
        ),
        ("List Bullet", "Présenter un plan de confidentialité avant le premier versement."),
    ],
    ("funded", "en"): [
        ("Normal", "The amount awarded is $12,500.00."),
        (
            "Normal",
            "This is less than the $15,000.00 you requested. The funding agreement will set out the project's "
            "activities and budget adjusted to this amount.",
        ),
        ("List Bullet", "Provide a confidentiality plan before the first payment."),
    ],
    ("waitlisted", "fr"): [
        ("Normal", "Votre projet occupe le rang 3 de la liste d'attente du volet Fonds de soutien communautaire."),
    ],
    ("waitlisted", "en"): [
        ("Normal", "Your project is in position 3 on the Community Support Fund waitlist."),
    ],
    ("declined", "fr"): [
        (
            "Normal",
            "Chaque demande a été notée par des évaluatrices et évaluateurs indépendants selon la grille "
            "d'évaluation publiée avec l'appel. La note de votre demande est inférieure au seuil de financement "
            "fixé pour cet appel.",
        ),
        ("List Bullet", f"Besoins — points forts{NBSP}: besoins bien documentés."),
        ("List Bullet", f"Budget — à renforcer{NBSP}: justifier les coûts."),
    ],
    ("declined", "en"): [
        (
            "Normal",
            "Each application was scored by independent reviewers using the assessment grid published with the "
            "call. Your application's score is below the fundable line set for this call.",
        ),
        ("List Bullet", "Need — strengths: needs well documented."),
        ("List Bullet", "Budget — to strengthen: explain the costs."),
    ],
    ("reminder", "fr"): [
        (
            "Normal",
            f"Selon nos dossiers, votre rapport intermédiaire 1 sur le projet «{NBSP}Ponts vers la sécurité{NBSP}», "
            "attendu le 1er janvier 2027, ne nous est pas encore parvenu.",
        ),
        (
            "Normal",
            f"Conformément à votre entente de financement, le versement de 8{NNBSP}125,00{NBSP}$ lié à cette étape "
            "est retenu. Il sera fait dès que le rapport sera reçu et accepté.",
        ),
    ],
    ("reminder", "en"): [
        (
            "Normal",
            "Our records show that we have not yet received your interim report 1 for the project “Ponts vers la "
            "sécurité”, which was due on January 1, 2027.",
        ),
        (
            "Normal",
            "Under your funding agreement, the payment of $8,125.00 tied to this milestone is on hold. It will be "
            "made as soon as the report is received and accepted.",
        ),
    ],
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lang", LANGS)
def test_letter_every_kind_reads_back_with_title_language_and_key_paragraphs(kind: str, lang: str) -> None:
    document = opened(letter(kind, lang))

    paragraphs = styled(document)
    culture = "fr-CA" if lang == "fr" else "en-CA"
    assert paragraphs[0] == (
        LETTERHEAD_STYLE,
        "Bureau provincial de coordination de la lutte contre la traite des personnes\nToronto (Ontario)"
        if lang == "fr"
        else "Provincial Anti-Human Trafficking Coordination Office\nToronto, Ontario",
    )
    assert paragraphs[1] == ("Title", TITLES[kind, lang])
    assert paragraphs[2] == ("Normal", "Toronto, le 15 mai 2026" if lang == "fr" else "Toronto, May 15, 2026")
    assert paragraphs[3] == ("Normal", "Marie Tremblay\nMaison Passerelle")
    assert paragraphs[4] == ("Normal", SUBJECTS[lang])
    assert paragraphs[5] == ("Normal", "Bonjour Marie Tremblay," if lang == "fr" else "Dear Marie Tremblay,")
    for key in KEY_PARAGRAPHS[kind, lang]:
        assert key in paragraphs
    assert any(style == "Heading 1" for style, _ in paragraphs)
    assert document.core_properties.title == TITLES[kind, lang]
    assert document.core_properties.language == culture
    assert document.core_properties.identifier == "CSF-2026-00042"
    assert document.styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:lang/@w:val") == [culture]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lang", LANGS)
def test_letter_every_kind_has_no_template_syntax_left(kind: str, lang: str) -> None:
    package = zipfile.ZipFile(io.BytesIO(render_docx(letter(kind, lang))))

    for name in ("word/document.xml", "docProps/core.xml"):
        text = package.read(name).decode()
        assert re.findall(r"\{\{|\}\}|\{%|%\}|\{#|#\}|None|Undefined", text) == []


def test_funded_schedule_table_in_french_lists_each_milestone_and_the_total() -> None:
    document = opened(letter("funded", "fr"))

    [table] = document.tables
    assert rows(table) == [
        ["Étape", "Échéance", "Versement", "Rapport exigé"],
        ["Signature de l'entente", "1er juillet 2026", f"3{NNBSP}125,00{NBSP}$", "Non"],
        ["Rapport intermédiaire 1", "1er janvier 2027", f"8{NNBSP}125,00{NBSP}$", "Oui"],
        ["Rapport final", "30 août 2027", f"1{NNBSP}250,00{NBSP}$", "Oui"],
        ["Total", "", f"12{NNBSP}500,00{NBSP}$", ""],
    ]
    assert table.style.name == TABLE_STYLE
    assert [row.cells[2].paragraphs[0].alignment for row in table.rows] == [WD_ALIGN_PARAGRAPH.RIGHT] * 5
    assert table.rows[0]._tr.xpath("w:trPr/w:tblHeader") != []  # the header row repeats on each page


def test_funded_schedule_table_in_english_lists_each_milestone_and_the_total() -> None:
    document = opened(letter("funded", "en"))

    [table] = document.tables
    assert rows(table) == [
        ["Milestone", "Due date", "Payment", "Report required"],
        ["Agreement signed", "July 1, 2026", "$3,125.00", "No"],
        ["Interim report 1", "January 1, 2027", "$8,125.00", "Yes"],
        ["Final report", "August 30, 2027", "$1,250.00", "Yes"],
        ["Total", "", "$12,500.00", ""],
    ]


def test_funded_headings_give_sections_and_subsections() -> None:
    document = opened(letter("funded", "en"))

    headings = [(style, text) for style, text in styled(document) if style.startswith(("Title", "Heading"))]
    assert headings == [
        ("Title", "Notice of funding"),
        ("Heading 1", "Your funding"),
        ("Heading 2", "Conditions of funding"),
        ("Heading 2", "Payment and report schedule"),
        ("Heading 1", "Next steps"),
    ]


def test_funded_full_amount_has_no_shortfall_sentence_nor_conditions_section() -> None:
    document = opened(letter("funded", "en", requested_cents=1_250_000, conditions=()))

    texts = [text for _, text in styled(document)]
    assert not any(text.startswith("This is less than") for text in texts)
    assert "Conditions of funding" not in texts


def test_receipt_with_status_address_says_where_to_check() -> None:
    data = letter("receipt", "en", office=Office(status_url="https://example.org/status"))

    texts = [text for _, text in styled(opened(data))]

    assert (
        "Please include this reference number whenever you contact us. You can check the status of your application "
        "at any time with this number and access code at https://example.org/status." in texts
    )


@pytest.mark.parametrize(
    ("kind", "missing"),
    [
        ("funded", "amount_cents"),
        ("funded", "schedule"),
        ("waitlisted", "waitlist_position"),
        ("receipt", "access_token"),
        ("ineligible", "reasons"),
        ("declined", "decline_basis"),
        ("reminder", "milestone"),
    ],
)
def test_render_docx_missing_required_value_raises(kind: str, missing: str) -> None:
    data = letter(kind, "fr", **{missing: () if missing in ("schedule", "reasons") else None})

    with pytest.raises(NoticeError, match=missing):
        render_docx(data)


def test_template_with_unknown_name_raises(tmp_path: Any) -> None:
    (tmp_path / "funded.en.txt").write_text("# Title\n\nThe amount is {{ amout_cents | money }}.\n")

    with pytest.raises(NoticeError, match="amout_cents"):
        render_docx(letter("funded", "en"), template_dir=tmp_path)


def test_template_printing_a_value_that_is_none_raises(tmp_path: Any) -> None:
    (tmp_path / "reminder.en.txt").write_text("# Title\n\nReport number {{ milestone.number }}.\n")

    with pytest.raises(NoticeError, match="CSF-2026-00042: a value the template prints is missing"):
        render_docx(letter("reminder", "en", milestone=SCHEDULE[2]), template_dir=tmp_path)


def test_template_folder_of_an_office_overrides_only_its_files(tmp_path: Any) -> None:
    (tmp_path / "funded.en.txt").write_text('{% include "_opening.en.txt" %}\n# Good news\n\nWell done.\n')

    funded = opened_with(letter("funded", "en"), tmp_path)
    receipt = opened_with(letter("receipt", "en"), tmp_path)

    assert funded.core_properties.title == "Good news"
    assert ("Normal", "Well done.") in styled(funded)
    assert receipt.core_properties.title == "Acknowledgement of receipt"


def opened_with(data: NoticeData, folder: Any) -> Any:
    return docx.Document(io.BytesIO(render_docx(data, template_dir=folder)))


def test_render_docx_same_data_gives_same_bytes() -> None:
    data = letter("funded", "fr")

    first, second = render_docx(data), render_docx(letter("funded", "fr"))

    assert first == second
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()


def test_render_docx_different_reference_gives_different_bytes() -> None:
    assert render_docx(letter("declined", "en")) != render_docx(letter("declined", "en", reference="CSF-2026-00043"))


def test_render_batch_on_two_processes_equals_render_docx() -> None:
    items = [
        letter(kind, lang, reference=f"CSF-2026-{number:05d}", contact_name=f"Contact {number}")
        for number in range(60)
        for kind, lang in [(KINDS[number % len(KINDS)], LANGS[number % 2]), ("funded", LANGS[(number + 1) % 2])]
    ]

    batch = render_batch(items, workers=2)

    assert len(batch) == len(items) == 120
    assert batch == [render_docx(data) for data in items]


def test_render_batch_in_process_equals_render_docx() -> None:
    items = [letter(kind, lang) for kind in KINDS for lang in LANGS]

    assert render_batch(items, workers=1) == [render_docx(data) for data in items]


def test_docx_package_is_a_valid_zip_with_the_expected_parts() -> None:
    package = zipfile.ZipFile(io.BytesIO(render_docx(letter("funded", "en"))))

    assert package.testzip() is None
    assert package.namelist()[0] == "[Content_Types].xml"
    assert set(package.namelist()) == {
        "[Content_Types].xml",
        "_rels/.rels",
        "docProps/core.xml",
        "docProps/app.xml",
        "word/document.xml",
        "word/_rels/document.xml.rels",
        "word/styles.xml",
        "word/settings.xml",
        "word/webSettings.xml",
        "word/fontTable.xml",
        "word/theme/theme1.xml",
        "word/numbering.xml",
        "customXml/item1.xml",
        "customXml/_rels/item1.xml.rels",
        "customXml/itemProps1.xml",
    }
    assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert {info.compress_type for info in package.infolist()} == {zipfile.ZIP_DEFLATED}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lang", LANGS)
def test_docx_parts_equal_a_fresh_python_docx_document_saved_the_plain_way(kind: str, lang: str) -> None:
    data = letter(kind, lang)
    saved = io.BytesIO()
    build_document(data).save(saved)

    fast = zipfile.ZipFile(io.BytesIO(render_docx(data)))
    plain = zipfile.ZipFile(saved)

    assert fast.namelist() == plain.namelist()
    for name in plain.namelist():
        assert fast.read(name) == plain.read(name), name


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lang", LANGS)
def test_docx_body_equals_a_letter_built_with_python_docx_public_api(kind: str, lang: str) -> None:
    data = letter(kind, lang)

    fast = zipfile.ZipFile(io.BytesIO(render_docx(data))).read("word/document.xml")

    assert fast == public_api_letter(data).part.blob


def public_api_letter(data: NoticeData) -> Any:
    """The letter written the way python-docx's documentation shows, to compare the XML with."""
    document = new_document(data.language)
    office = data.office
    letterhead = document.add_paragraph(style=LETTERHEAD_STYLE)
    letterhead.add_run(office.name_fr if data.language == "fr" else office.name_en).bold = True
    letterhead.add_run("\n" + "\n".join(office.letterhead_fr if data.language == "fr" else office.letterhead_en))
    for block in parse(Templates().render(data)):
        if isinstance(block, Heading):
            document.add_paragraph(block.text, style=("Title", "Heading 1", "Heading 2")[block.level])
        elif isinstance(block, Paragraph):
            document.add_paragraph(block.text)
        elif isinstance(block, Bullet):
            document.add_paragraph(block.text, style="List Bullet")
        else:
            table = document.add_table(rows=1 + len(block.rows), cols=len(block.header))
            table.style = TABLE_STYLE
            table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
            for row, values in zip(table.rows, [block.header, *block.rows], strict=True):
                for cell, value, align in zip(row.cells, values, block.align, strict=True):
                    if align == "right":
                        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
                    cell.paragraphs[0].add_run(value)
    return document


def test_docx_settings_give_word_the_letter_language() -> None:
    package = zipfile.ZipFile(io.BytesIO(render_docx(letter("waitlisted", "fr"))))

    settings = package.read("word/settings.xml").decode()

    assert '<w:themeFontLang w:val="fr-CA"' in settings


def test_value_with_line_breaks_and_control_characters_stays_in_its_paragraph() -> None:
    document = opened(letter("waitlisted", "en", contact_name="Sam\n# Not a heading\x01\tLee"))

    assert ("Normal", "Dear Sam # Not a heading Lee,") in styled(document)
    assert [text for style, text in styled(document) if style == "Title"] == ["Waitlist notice"]


def test_render_batch_letter_that_cannot_be_rendered_raises_with_its_reference() -> None:
    items = [letter("declined", "fr", reference=f"CSF-2026-{number:05d}") for number in range(120)]
    items[77] = letter("funded", "fr", reference="CSF-2026-00077", amount_cents=None)

    with pytest.raises(NoticeError, match=r"CSF-2026-00077.*amount_cents"):
        render_batch(items, workers=2)
