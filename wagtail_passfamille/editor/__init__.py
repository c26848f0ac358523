"""The editor's side in the Wagtail admin: preview, preview families, fiche habilitation, démarche
models and copy.

Owns the preview of each step and of the recap with the sandbox's test families, the fiche
habilitation and configuration check with their admin views and dashboard panel, the démarche
models (``starters``: « Nouvelle démarche depuis un modèle ») and the démarche's page copy.

May import: everything below it (``conf``, ``security``, the pure packages, ``sources``,
``services``, ``blocks``, ``models``) and ``citizen`` (a preview is the citizen's own form).
Nothing imports ``editor`` but the registration modules (``apps``, ``wagtail_hooks``).
"""
