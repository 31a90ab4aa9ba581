"""The search index, made for the database in use (see policy/search.py).

PostgreSQL: pg_trgm (CREATE EXTENSION needs a superuser; CI connects as postgres), a
generated tsvector column with a GIN index, and the book's vocabulary (``policy_word``,
every word of every entry, with a trigram index) for the fall-back: a word spelt like
the one searched for. A later migration must not change the type of ``title`` or
``wording`` (the generated column depends on them; they are text fields so that it
never needs to).

SQLite: an FTS5 table over the entries, kept in step by triggers, so every way a row
changes (the actions, the admin, a bulk insert, the test database's flush) reaches it,
and an fts5vocab table over it, the vocabulary. A later migration that makes SQLite
rebuild ``policy_policyentry`` (most AlterFields do) drops the triggers with the old
table: run ``SQLITE_INDEX`` again after it.

Both vocabularies only grow (a word whose entries are gone matches nothing).
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

POSTGRES_INDEX = [
    """
    ALTER TABLE policy_policyentry ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, title), 'A')
        || setweight(to_tsvector('english'::regconfig, wording), 'B')
        || setweight(to_tsvector('simple'::regconfig, title), 'A')
        || setweight(to_tsvector('simple'::regconfig, wording), 'B')
    ) STORED
    """,
    "CREATE INDEX policy_entry_search_vector ON policy_policyentry USING gin (search_vector)",
    "CREATE TABLE policy_word (word text PRIMARY KEY)",
    "CREATE INDEX policy_word_trigram ON policy_word USING gin (word gin_trgm_ops)",
    """
    CREATE FUNCTION policy_word_add() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO policy_word (word)
        SELECT DISTINCT v.lexeme
        FROM new_rows, unnest(to_tsvector('simple'::regconfig, new_rows.title || ' ' || new_rows.wording)) AS v
        ORDER BY 1
        ON CONFLICT DO NOTHING;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER policy_word_insert AFTER INSERT ON policy_policyentry
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION policy_word_add()
    """,
    """
    CREATE TRIGGER policy_word_update AFTER UPDATE ON policy_policyentry
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION policy_word_add()
    """,
    """
    INSERT INTO policy_word (word)
    SELECT DISTINCT v.lexeme
    FROM policy_policyentry, unnest(to_tsvector('simple'::regconfig, title || ' ' || wording)) AS v
    ON CONFLICT DO NOTHING
    """,
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS policy_word_update ON policy_policyentry",
    "DROP TRIGGER IF EXISTS policy_word_insert ON policy_policyentry",
    "DROP FUNCTION IF EXISTS policy_word_add()",
    "DROP TABLE IF EXISTS policy_word",
    "ALTER TABLE policy_policyentry DROP COLUMN IF EXISTS search_vector",
]

SQLITE_INDEX = [
    """
    CREATE VIRTUAL TABLE IF NOT EXISTS policy_entry_fts USING fts5(
        title, wording, content='policy_policyentry', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER IF NOT EXISTS policy_entry_fts_insert AFTER INSERT ON policy_policyentry BEGIN
        INSERT INTO policy_entry_fts(rowid, title, wording) VALUES (new.id, new.title, new.wording);
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS policy_entry_fts_delete AFTER DELETE ON policy_policyentry BEGIN
        INSERT INTO policy_entry_fts(policy_entry_fts, rowid, title, wording)
        VALUES ('delete', old.id, old.title, old.wording);
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS policy_entry_fts_update AFTER UPDATE OF title, wording ON policy_policyentry BEGIN
        INSERT INTO policy_entry_fts(policy_entry_fts, rowid, title, wording)
        VALUES ('delete', old.id, old.title, old.wording);
        INSERT INTO policy_entry_fts(rowid, title, wording) VALUES (new.id, new.title, new.wording);
    END
    """,
    "INSERT INTO policy_entry_fts(policy_entry_fts) VALUES ('rebuild')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS policy_entry_vocab USING fts5vocab(policy_entry_fts, 'row')",
]
SQLITE_DROP = [
    "DROP TABLE IF EXISTS policy_entry_vocab",
    "DROP TRIGGER IF EXISTS policy_entry_fts_update",
    "DROP TRIGGER IF EXISTS policy_entry_fts_delete",
    "DROP TRIGGER IF EXISTS policy_entry_fts_insert",
    "DROP TABLE IF EXISTS policy_entry_fts",
]


def _run(schema_editor, statements: dict[str, list[str]]) -> None:
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def create_index(apps, schema_editor) -> None:
    _run(schema_editor, {"postgresql": POSTGRES_INDEX, "sqlite": SQLITE_INDEX})


def drop_index(apps, schema_editor) -> None:
    _run(schema_editor, {"postgresql": POSTGRES_DROP, "sqlite": SQLITE_DROP})


class Migration(migrations.Migration):
    dependencies = [("policy", "0001_policy_book")]

    operations = [
        TrigramExtension(),  # does nothing on SQLite
        migrations.RunPython(create_index, drop_index),
    ]
