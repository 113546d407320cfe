"""Tourist sites and places to stay."""
