"""Citizen login with FranceConnect (``eidas1``): the OIDC client, its views, its session data.

``client`` is the relying party (Authlib + joserfc, no Django); ``views`` the login, callback and
logout; ``session`` what is kept, encrypted, in the citizen's session; ``hooks`` where the login
meets the démarche (mode, scopes, data calls within the callback).
"""
