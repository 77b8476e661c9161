"""The public audit dump (docs/audit.md): everything published, in one file anyone can check
with tools/verify_audit.py. `rows` says what goes in it; `publish` builds and serves it."""
