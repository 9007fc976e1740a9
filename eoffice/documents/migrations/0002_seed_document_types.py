from django.db import migrations


def seed(apps, schema_editor):
    from eoffice.documents.catalogue import DECREE_30_TYPES

    DocumentType = apps.get_model("documents", "DocumentType")
    for order, (code, name, abbreviation) in enumerate(DECREE_30_TYPES, start=1):
        DocumentType.objects.update_or_create(
            code=code, defaults={"name": name, "abbreviation": abbreviation, "sort_order": order * 10}
        )


def unseed(apps, schema_editor):
    from eoffice.documents.catalogue import DECREE_30_TYPES

    DocumentType = apps.get_model("documents", "DocumentType")
    DocumentType.objects.filter(code__in=[code for code, _n, _a in DECREE_30_TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
