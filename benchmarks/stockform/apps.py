from django.apps import AppConfig


class StockFormConfig(AppConfig):
    name = "benchmarks.stockform"
    label = "stockform"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Stock form page (benchmarks)"
