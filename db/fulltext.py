"""Full-text matching over Initiative.search_text: FTS5 on SQLite, a GIN tsvector on PostgreSQL.

Both read the same normalised words and use prefix matching, so both return the same hits.
"""

from sqlalchemy import Float, Integer, func, literal_column, text
from sqlalchemy.sql import ColumnElement, Select

from db.models import Initiative

Terms = list[str | tuple[str, ...]]


def _alternatives(term: str | tuple[str, ...]) -> tuple[str, ...]:
    return (term,) if isinstance(term, str) else term


def apply_match(stmt: Select, dialect: str, terms: Terms) -> tuple[Select, ColumnElement]:
    """Restrict stmt to initiatives matching every term as a prefix; return it and a score.

    A term may be a tuple of alternatives (a misspelt word's close terms): any one matches."""
    if dialect == "sqlite":
        groups = [" OR ".join(f'"{t}"*' for t in _alternatives(term)) for term in terms]
        fts = (
            text(
                "SELECT rowid AS id, -bm25(initiative_fts) AS score FROM initiative_fts "
                "WHERE initiative_fts MATCH :fts_query"
            )
            .bindparams(fts_query=" AND ".join(f"({g})" if " OR " in g else g for g in groups))
            .columns(id=Integer, score=Float)
            .subquery("fts")
        )
        return stmt.join(fts, fts.c.id == Initiative.id), fts.c.score
    config = literal_column("'simple'::regconfig")
    # Must stay the exact expression of ix_initiative_search_tsv so the index is used.
    vector = func.to_tsvector(config, Initiative.search_text)
    groups = [" | ".join(f"{t}:*" for t in _alternatives(term)) for term in terms]
    query = func.to_tsquery(config, " & ".join(f"({g})" if " | " in g else g for g in groups))
    score = func.ts_rank(vector, query).cast(Float)
    return stmt.where(vector.op("@@")(query)), score
