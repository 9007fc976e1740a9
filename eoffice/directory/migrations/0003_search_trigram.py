"""pg_trgm GIN index on Agency.search_text, PostgreSQL only.

Search is token-AND of `search_text LIKE '%word%'`; a trigram GIN index keeps that fast at
250,000 agencies. SQLite has no such index and scans (about 10 ms per 100,000 rows), so this
migration does nothing there. CREATE EXTENSION needs a role allowed to create it (a superuser,
or pg_trgm already installed by the DBA).
"""

from django.db import migrations

INDEX = "directory_agency_search_trgm"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON directory_agency USING gin (search_text gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("directory", "0002_alter_agency_search_text_agency_agency_browse_idx"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
