from django.apps import AppConfig


class MotionsConfig(AppConfig):
    name = "motions"
