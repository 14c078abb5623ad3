"""access tokens, managers and stage runs

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29

API bearer tokens move to one table (hash, role, subject, expiry, revocation); fund
managers get a table of their own; stage runs record who started a flow run and its
result. Applicants' existing token hashes are carried over.
"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import grants.models

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPLICANT_TOKEN_YEARS = 6  # long enough for a funded project's last report


def upgrade() -> None:
    op.create_table(
        'manager',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('created_at', grants.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('name'),
    )
    op.create_table(
        'accesstoken',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=True),
        sa.Column('reviewer_id', sa.Integer(), nullable=True),
        sa.Column('manager_id', sa.Integer(), nullable=True),
        sa.Column('expires_at', grants.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', grants.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column('created_at', grants.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(['application_id'], ['application.id']),
        sa.ForeignKeyConstraint(['reviewer_id'], ['reviewer.id']),
        sa.ForeignKeyConstraint(['manager_id'], ['manager.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    with op.batch_alter_table('accesstoken', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_accesstoken_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_accesstoken_reviewer_id'), ['reviewer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_accesstoken_manager_id'), ['manager_id'], unique=False)
    op.create_table(
        'stagerun',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('flow_run_id', sa.String(length=36), nullable=False),
        sa.Column('stage', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('call_id', sa.Integer(), nullable=True),
        sa.Column('parameters', sa.JSON(), nullable=False),
        sa.Column('requested_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('requested_at', grants.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('finished_at', grants.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('result', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['call_id'], ['call.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('flow_run_id'),
    )
    with op.batch_alter_table('stagerun', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stagerun_call_id'), ['call_id'], unique=False)

    now = dt.datetime.now(dt.UTC)
    op.get_bind().execute(
        sa.text(
            "INSERT INTO accesstoken (token_hash, role, application_id, expires_at, created_at, created_by) "
            "SELECT access_token_hash, 'applicant', id, :expires, :now, 'migration' FROM application"
        ),
        {"expires": now.replace(year=now.year + APPLICANT_TOKEN_YEARS, day=min(now.day, 28)), "now": now},
    )
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_access_token_hash'))
        batch_op.drop_column('access_token_hash')
    with op.batch_alter_table('reviewer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reviewer_token_hash'))
        batch_op.drop_column('token_expires_at')
        batch_op.drop_column('token_hash')


def downgrade() -> None:
    with op.batch_alter_table('reviewer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column('token_expires_at', grants.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_reviewer_token_hash'), ['token_hash'], unique=False)
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('access_token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False, server_default='')
        )
        batch_op.create_index(batch_op.f('ix_application_access_token_hash'), ['access_token_hash'], unique=False)
    op.get_bind().execute(
        sa.text(
            "UPDATE application SET access_token_hash = (SELECT t.token_hash FROM accesstoken t "
            "WHERE t.application_id = application.id AND t.role = 'applicant' ORDER BY t.id DESC LIMIT 1)"
            " WHERE EXISTS (SELECT 1 FROM accesstoken t WHERE t.application_id = application.id)"
        )
    )
    op.drop_table('stagerun')
    op.drop_table('accesstoken')
    op.drop_table('manager')
