"""The work-box index, per database, and the trigram index for box search (PostgreSQL).

- `work_line_box`: (box_key, status, role, deadline) plus kind, assigned_at, item_id and id, so
  box counts and the ids of a box page are index-only scans. PostgreSQL gets the extra columns as
  INCLUDE; SQLite gets them as trailing key columns (its indexes always carry the rowid = id).
  Django's Meta cannot express the PostgreSQL form without a system-check warning on SQLite.
- `work_item_search_trgm`: pg_trgm GIN on WorkItem.search_text, so a rare search word finds its
  items through the index instead of scanning every item (box search is `LIKE '%word%'`).
  CREATE EXTENSION needs a role allowed to create it (or pg_trgm already installed by the DBA).
"""

from django.db import migrations

BOX = "work_line_box"
TRGM = "work_item_search_trgm"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {BOX} ON work_assignmentline (box_key, status, role, deadline) "
            "INCLUDE (kind, assigned_at, item_id, id)"
        )
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {TRGM} ON work_workitem USING gin (search_text gin_trgm_ops)"
        )
    else:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {BOX} ON work_assignmentline "
            "(box_key, status, role, deadline, kind, assigned_at, item_id)"
        )


def backwards(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {BOX}")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRGM}")


class Migration(migrations.Migration):
    dependencies = [
        ("work", "0001_initial"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="assignmentline", name="work_line_box_deadline"),
        migrations.RemoveIndex(model_name="assignmentline", name="work_line_box_assigned"),
        migrations.RunPython(forwards, backwards),
    ]
