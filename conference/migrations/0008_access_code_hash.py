"""Access codes stored only as a keyed hash (issue 13).

Each existing plaintext code is replaced by HMAC-SHA256 under ACCESS_CODE_KEY (the code
printed on the cards keeps working), then the plaintext column is dropped. Going back
cannot recover a code: each row gets a fresh random one, so every card must be printed again.
"""

from typing import Any

from django.db import migrations, models

import conference.codes


def hash_existing_codes(apps: Any, schema_editor: Any) -> None:
    """Hash every plaintext code in place (the printed cards keep working)."""
    Representative = apps.get_model("conference", "Representative")
    rows = list(Representative.objects.exclude(access_code__isnull=True).exclude(access_code="").only("access_code"))
    for rep in rows:
        rep.access_code_hash = conference.codes.code_hash(rep.access_code)
        rep.access_code = None
    Representative.objects.bulk_update(rows, ["access_code_hash", "access_code"], batch_size=500)


def fresh_plaintext_codes(apps: Any, schema_editor: Any) -> None:
    Representative = apps.get_model("conference", "Representative")
    rows = list(Representative.objects.only("pk"))
    for rep in rows:
        rep.access_code = conference.codes.new_access_code()
        rep.access_code_hash = None
    Representative.objects.bulk_update(rows, ["access_code", "access_code_hash"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("conference", "0007_user_at_several_conferences"),
    ]

    operations = [
        migrations.AddField(
            model_name="representative",
            name="access_code_hash",
            field=models.CharField(blank=True, default=None, editable=False, max_length=64, null=True, unique=True),
        ),
        migrations.AlterField(
            model_name="representative",
            name="access_code",
            field=models.CharField(blank=True, max_length=12, null=True, unique=True),
        ),
        migrations.RunPython(hash_existing_codes, fresh_plaintext_codes, elidable=False),
        migrations.RemoveField(
            model_name="representative",
            name="access_code",
        ),
    ]
