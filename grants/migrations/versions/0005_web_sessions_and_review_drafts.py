"""web sessions and review drafts

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29

Browsers signed in to the web pages get a session row (cookie hash, the token they
signed in with, a CSRF secret, a language); reviewers can save a review as a draft
before they submit it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import grants.models

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'websession',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key_hash', sa.String(length=64), nullable=False),
        sa.Column('token_id', sa.Integer(), nullable=False),
        sa.Column('csrf', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('lang', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
        sa.Column('created_at', grants.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', grants.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['token_id'], ['accesstoken.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('key_hash'),
    )
    with op.batch_alter_table('websession', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_websession_token_id'), ['token_id'], unique=False)
    op.create_table(
        'reviewdraft',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('assignment_id', sa.Integer(), nullable=False),
        sa.Column('scores', sa.JSON(), nullable=False),
        sa.Column('comments', sa.JSON(), nullable=False),
        sa.Column('recommendation', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('updated_at', grants.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('assignment_id'),
    )


def downgrade() -> None:
    op.drop_table('reviewdraft')
    with op.batch_alter_table('websession', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_websession_token_id'))
    op.drop_table('websession')
