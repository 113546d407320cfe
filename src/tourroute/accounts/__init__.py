"""Principals (admins, province curators, agencies), their API tokens, and who may do what."""
