"""The web console: the built single-page app (``src/web``) served at ``/``."""
