"""Full-text matching over Initiative.search_text: FTS5 on SQLite, a GIN tsvector on PostgreSQL.

Both read the same normalised words and use prefix matching, so both return the same hits.
"""

from sqlalchemy import Float, Integer, func, literal_column, text
from sqlalchemy.sql import ColumnElement, Select

from db.models import Initiative


def apply_match(stmt: Select, dialect: str, terms: list[str]) -> tuple[Select, ColumnElement]:
    """Restrict stmt to initiatives matching every term as a prefix; return it and a score."""
    if dialect == "sqlite":
        fts = (
            text(
                "SELECT rowid AS id, -bm25(initiative_fts) AS score FROM initiative_fts "
                "WHERE initiative_fts MATCH :fts_query"
            )
            .bindparams(fts_query=" AND ".join(f'"{t}"*' for t in terms))
            .columns(id=Integer, score=Float)
            .subquery("fts")
        )
        return stmt.join(fts, fts.c.id == Initiative.id), fts.c.score
    config = literal_column("'simple'::regconfig")
    # Must stay the exact expression of ix_initiative_search_tsv so the index is used.
    vector = func.to_tsvector(config, Initiative.search_text)
    query = func.to_tsquery(config, " & ".join(f"{t}:*" for t in terms))
    score = func.ts_rank(vector, query).cast(Float)
    return stmt.where(vector.op("@@")(query)), score
