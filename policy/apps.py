from django.apps import AppConfig


class PolicyConfig(AppConfig):
    """The policy book: every decision of every conference, searchable (DESIGN §7)."""

    name = "policy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A motion's payload (the console, the phone) names the existing policy it restates;
        # motions never imports policy, so policy registers the hook.
        from django.db.models.signals import post_delete, post_save

        from motions.payloads import register_motion_extra

        from .existing import book_changed, existing_policy
        from .models import PolicyBody, PolicyEntry

        register_motion_extra(existing_policy)
        for model in (PolicyEntry, PolicyBody):
            post_save.connect(book_changed, sender=model, dispatch_uid=f"policy-book-{model.__name__}")
            post_delete.connect(book_changed, sender=model, dispatch_uid=f"policy-book-{model.__name__}-gone")
