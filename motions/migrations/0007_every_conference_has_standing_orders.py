"""Every conference has its standing orders, naming its own negotiating body: the field
loses its "GPC England" default, and a conference made before without a row gets the
defaults, naming no body until the secretariat names one (a referral is refused till then)."""

from django.db import migrations, models


def add_missing_rows(apps, schema_editor):
    Conference = apps.get_model("conference", "Conference")
    StandingOrders = apps.get_model("motions", "StandingOrders")
    missing = Conference.objects.filter(standing_orders__isnull=True)
    StandingOrders.objects.bulk_create([StandingOrders(conference=c, refer_to="") for c in missing])


class Migration(migrations.Migration):
    dependencies = [
        ("conference", "0006_conference_ends_on_record_published"),
        ("motions", "0006_emergency_reply_challenge_suspend"),
    ]

    operations = [
        migrations.AlterField(
            model_name="standingorders",
            name="refer_to",
            field=models.CharField(
                default="",
                help_text="The body a motion is referred to, for example GPC Wales or GPC UK.",
                max_length=100,
                verbose_name="negotiating body",
            ),
        ),
        migrations.RunPython(add_missing_rows, migrations.RunPython.noop),
    ]
