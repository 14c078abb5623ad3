"""Pieces the route modules share: language choice, stage launching, uploads."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Query, Request, UploadFile
from pydantic import BaseModel

from grants.errors import InvalidInput, Lang
from grants.settings import get_settings

LangQuery = Annotated[Literal["fr", "en"] | None, Query(description="Language of the answer: fr or en.")]
UPLOAD_LIMIT = 50 * 1024 * 1024
UPLOAD_SUFFIXES = (".csv", ".xlsx")


def chosen_lang(request: Request, lang: Lang | None, default: Lang = "en") -> Lang:
    """The ``lang`` query, else the first of Accept-Language that is French or English, else ``default``."""
    if lang:
        return lang
    for part in request.headers.get("accept-language", "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("fr"):
            return "fr"
        if tag.startswith("en"):
            return "en"
    return default


class RunStarted(BaseModel):
    run_id: str
    stage: str
    status_url: str


def start_stage(
    request: Request, stage: str, parameters: dict[str, Any], *, requested_by: str, call_code: str | None
) -> RunStarted:
    launcher = request.app.state.launcher
    run_id = launcher.start(stage, parameters, requested_by=requested_by, call_code=call_code)
    return RunStarted(run_id=run_id, stage=stage, status_url=f"/api/v1/runs/{run_id}")


POLICY_LIMIT = 100_000  # characters of a round's policy TOML


def save_policy(call_code: str, text: str, *, field: str, shown_as: str) -> str:
    """Keep a round's policy TOML under GRANTS_HOME/uploads/policies once it reads as a policy; its path.

    InvalidInput (naming ``field``, and the policy as ``shown_as``) when it does not; nothing is kept then.
    """
    from grants.callspec import load_round_policy

    folder = (get_settings().home / "uploads" / "policies").resolve()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{call_code}-{dt.datetime.now(dt.UTC).strftime('%Y%m%dT%H%M%S%f')}-{uuid.uuid4().hex[:8]}.toml"
    target.write_text(text, encoding="utf-8")
    try:
        load_round_policy(target)
    except InvalidInput as exc:
        target.unlink(missing_ok=True)
        en, fr = (message.replace(target.name, shown_as) for message in (exc.en, exc.fr))
        raise InvalidInput(en=en, fr=fr, field=field) from None
    return str(target)


def save_upload(upload: UploadFile, kind: str) -> Path:
    """Keep an uploaded CSV or XLSX under GRANTS_HOME/uploads for the flow that reads it."""
    name = Path(upload.filename or "").name
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise InvalidInput(
            en="the file must be a .csv or .xlsx file", fr="le fichier doit être au format .csv ou .xlsx", field="file"
        )
    folder = (get_settings().home / "uploads" / kind).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{uuid.uuid4().hex}{suffix}"
    size = 0
    with target.open("wb") as out:
        while chunk := upload.file.read(1024 * 1024):
            size += len(chunk)
            if size > UPLOAD_LIMIT:
                out.close()
                target.unlink(missing_ok=True)
                raise InvalidInput(
                    en=f"the file is larger than {UPLOAD_LIMIT // (1024 * 1024)} MB",
                    fr=f"le fichier dépasse {UPLOAD_LIMIT // (1024 * 1024)} Mo",
                    field="file",
                )
            out.write(chunk)
    return target
