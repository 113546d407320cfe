"""Mobile and partner sync: change feeds since a token, and the offline bundle."""
