"""The write log: who changed what, when, from what to what — committed with the change."""
