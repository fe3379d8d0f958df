"""HTTP endpoints of the accounts app: auth (public and session), me (citizen), support."""
