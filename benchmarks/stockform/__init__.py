"""A stock Wagtail form page, for benchmarks only (never in the demo's INSTALLED_APPS)."""
