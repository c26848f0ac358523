"""The citizen's side: the step-by-step wizard of a démarche and what hangs on it.

Owns the wizard (django-formtools, ends in ``done()``), its encrypted session storage, the
FormBuilder that turns a step's blocks into a Django form, certified-data inputs and lookups
during the wizard, the recap, the submission (one committed row or nothing), the « à compléter »
page, uploads and the public JSON endpoints.

May import: the pure packages (``api_particulier``, ``rules``, ``geo``), ``conf``, ``security``,
``sources``, ``services``, ``blocks`` and ``models``. Nothing imports ``citizen`` but ``editor``
(the preview renders the citizen's own forms and recap), the URL modules and the tasks.
"""
