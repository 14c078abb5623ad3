"""Pure rendering of bilingual notices (Jinja2 text, DOCX bytes)."""
