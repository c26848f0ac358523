"""Clients for API Particulier and API Impôt particulier (pure Python: ``requests`` only)."""
